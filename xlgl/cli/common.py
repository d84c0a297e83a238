"""What the commands share: options declared once, opening the ledger, the report and target a
command means, dates of --as-of, free text as recorded."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from xlgl.cli.app import OutputFormat

if TYPE_CHECKING:
    from xlgl.files import Destination
    from xlgl.model import Target
    from xlgl.progress import Evaluation
    from xlgl.store import Ledger

AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="按哪一天计算（默认今天），如 2024-09-30。"),
]
RecordAsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="DATE", help="实绩截至哪一天（默认今天）：1—9月的累计数写 2024-09-30。"
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="输出格式：table（默认）、json 或 csv。"),
]
SectionOption = Annotated[
    str | None,
    typer.Option(
        "--section",
        "-s",
        metavar="章节",
        help="只看某一部分：主要预期目标、（一）…（七）、1…7 或章节名中的词（如 稳经济运行）。",
    ),
]
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        "-k",
        metavar="类型",
        help="只看某类：累计 flow、水平 level、增速 growth、比率 share、节点 milestone。",
    ),
]
OwnerOption = Annotated[
    str | None,
    typer.Option(
        "--owner", "-O", metavar="单位", help="只看某单位牵头或配合的目标（--lead-only 只看牵头）。"
    ),
]
LeadOnlyOption = Annotated[
    bool, typer.Option("--lead-only", help="--owner 与按单位汇总只算牵头单位，不算配合单位。")
]
SearchOption = Annotated[
    str | None,
    typer.Option("--search", "-q", metavar="词", help="在指标名、id 和报告原文中查找。"),
]
StatusOption = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        metavar="状态",
        help="只看某状态，可重复或用逗号分隔：逾期、预警、未完成、待出数、未报送、正常、"
        "逾期完成、已完成（或 overdue、at_risk、at-risk …）。",
    ),
]
WideOption = Annotated[
    bool, typer.Option("--wide", "-w", help="显示全部列，不按终端宽度省略或折行。")
]
ReportOption = Annotated[
    str | None,
    typer.Option(
        "--report",
        metavar="KEY",
        help="哪份报告（如 xlgl-2024，或年份 2024）：默认为 --as-of 日期所在年度的报告，否则最新的一份；all 为全部报告。",
    ),
]
TargetArgument = Annotated[str, typer.Argument(help="目标 id 或指标名（可写唯一的一部分）。")]
OutputFileOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="写入的文件；格式按扩展名。"),
]
ExitCodeOption = Annotated[
    bool, typer.Option("--exit-code", help="列出任何目标时以退出码 1 结束（供定时脚本判断）。")
]


def open_ledger(ctx: typer.Context, *, create: bool = False, seed_default: bool = True) -> Ledger:
    """The ledger named by --db, else $XLGL_DB, else the per-user default, created and seeded
    from the packaged seed on first use (with one line on stderr saying where); `init` seeds
    it itself, from the seed it is given."""
    from xlgl.store import Ledger, default_ledger_path

    timeout = lock_timeout()
    given = ctx.obj or (Path(os.environ["XLGL_DB"]) if os.environ.get("XLGL_DB") else None)
    if given is not None:
        return Ledger.open(given, create=create, timeout=timeout)
    path = default_ledger_path()
    ledger = Ledger.open(path, create=True, timeout=timeout)
    if seed_default and not ledger.is_seeded():
        from xlgl.seed import default_seed_path, load_seed

        added, _ = ledger.load_seed(load_seed(default_seed_path()))
        if added:  # another process starting at the same moment may have seeded it first
            typer.echo(f"xlgl: 已新建台账 {path}，载入 {added} 个目标", err=True)
    return ledger


def lock_timeout() -> float:
    """Seconds to wait for another process's write lock: $XLGL_TIMEOUT, else the default (30)."""
    from xlgl.errors import InputError
    from xlgl.store.sqlite import DEFAULT_TIMEOUT

    text = os.environ.get("XLGL_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86400:
        raise InputError(f"环境变量 XLGL_TIMEOUT=“{text}”不是有效的秒数（如 30）")
    return seconds


def status_of(
    ledger: Ledger, day: date, *, statuses: Iterable[str] | None = None, **filters: Any
) -> list[Evaluation]:
    """Status rows of the targets that pass `filters` (Ledger.targets_with_latest's)."""
    from functools import partial

    from xlgl.evaluate import status_rows

    pairs = ledger.iter_targets_with_latest(day, **filters)
    from xlgl.store.reviews import counted_figures

    history = partial(counted_figures, ledger)  # 销号: figures that wait do not count
    return status_rows(pairs, day, ledger.settings(), statuses, history=history)


def chosen_report(ledger: Ledger, given: str | None, day: date) -> str | None:
    """The report key a command works on: --report KEY, None for `all`, else the default (the
    report whose year holds `day`, else the latest)."""
    from xlgl.errors import InputError

    if given is None:
        return ledger.default_report(day)
    if given.strip().lower() == "all":
        return None
    reports = ledger.reports()
    keys = [r.key for r in reports]
    if given in keys:
        return given
    of_year = [r.key for r in reports if given.strip().isdigit() and r.year == int(given)]
    if len(of_year) == 1:  # --report 2024: the one report of that year
        return of_year[0]
    if of_year:
        raise InputError(f"{given} 年有多份报告：{'、'.join(of_year)}；请写报告的 key")
    raise InputError(f"没有报告“{given}”；台账中的报告：{'、'.join(keys) or '（无）'}，或 all")


def find(ledger: Ledger, name: str, report: str | None = None) -> Target:
    """The target `name` means (xlgl/lookup.py's rule)."""
    from xlgl.lookup import find_target

    return find_target(ledger.lookup(report), name)


def as_of_date(text: str | None, *, year: int | None = None) -> date:
    """The date of --as-of (default today); a period written without its year (9月底, 三季度)
    is in `year`, else in the current year."""
    from xlgl.dates import parse_date

    return parse_date(text, year=year or date.today().year) if text else date.today()


from xlgl.texts import MAX_TEXT, checked_text  # noqa: E402 (re-exported: the rule lives there)

__all__ = ["MAX_TEXT", "checked_text"]


def say_written(where: Destination | None) -> None:
    """The note of files.destination (a symlink's target was written), on stderr."""
    if where is not None and where.note:
        typer.echo(where.note, err=True)
