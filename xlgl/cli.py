"""The `xlgl` command: parses arguments, opens the ledger, calls the core, renders, sets exit codes.

No rule lives here: status and completion come from evaluate.py over what the store yields, figures are read
by units.py, CSV files by importer.py. Heavy modules are imported inside the commands that use them,
so `xlgl --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from xlgl import __version__
from xlgl.boundary import XlglGroup, XlglTyper, fail
from xlgl.errors import EXIT_FOUND

if TYPE_CHECKING:
    from xlgl.files import Destination
    from xlgl.model import Target
    from xlgl.progress import Evaluation
    from xlgl.store import Ledger

__all__ = ["app", "fail", "main"]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


app = XlglTyper(
    name="xlgl",
    cls=XlglGroup,
    help="锡林郭勒盟政府工作报告目标台账：登记实绩、计算完成率、列出逾期与预警目标。",
    epilog="退出码：0 成功；1 overdue --exit-code 列出了目标；2 用法或输入错误；4 台账无法使用。",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# --- options declared once ------------------------------------------------------------------------

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
    str | None, typer.Option("--owner", "-O", metavar="单位", help="只看某牵头单位的目标。")
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
        help="哪份报告（如 xlgl-2024）：默认为 --as-of 日期所在年度的报告，否则最新的一份；all 为全部报告。",
    ),
]
TargetArgument = Annotated[str, typer.Argument(help="目标 id 或指标名（可写唯一的一部分）。")]


def show_version(asked: bool) -> None:
    if asked:
        typer.echo(f"xlgl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help="台账文件。默认取 $XLGL_DB，否则用户数据目录下的 xlgl/ledger.db（首次使用时自动建立）。",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", help="显示版本并退出。", is_eager=True, callback=show_version),
    ] = False,
) -> None:
    ctx.obj = db


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
    from xlgl.evaluate import status_rows

    pairs = ledger.iter_targets_with_latest(day, **filters)
    return status_rows(pairs, day, ledger.settings(), statuses, history=ledger.live_figures)


def chosen_report(ledger: Ledger, given: str | None, day: date) -> str | None:
    """The report key a command works on: --report KEY, None for `all`, else the default (the
    report whose year holds `day`, else the latest)."""
    from xlgl.errors import InputError

    if given is None:
        return ledger.default_report(day)
    if given.strip().lower() == "all":
        return None
    keys = [r.key for r in ledger.reports()]
    if given not in keys:
        raise InputError(f"没有报告“{given}”；台账中的报告：{'、'.join(keys) or '（无）'}，或 all")
    return given


def find(ledger: Ledger, name: str, report: str | None = None) -> Target:
    """The target `name` means (xlgl/lookup.py's rule)."""
    from xlgl.lookup import find_target

    return find_target(ledger.lookup(report), name)


def as_of_date(text: str | None, *, year: int | None = None) -> date:
    """The date of --as-of (default today); a period written without its year (9月底, 三季度)
    is in `year`, else in the current year."""
    from xlgl.dates import parse_date

    return parse_date(text, year=year or date.today().year) if text else date.today()


# --- commands -------------------------------------------------------------------------------------


@app.command()
def init(
    ctx: typer.Context,
    seed: Annotated[
        Path | None,
        typer.Option(
            "--seed",
            metavar="FILE",
            help="种子文件（TOML 或 JSON）；默认随 xlgl 发布的 2024 年目标清单。",
        ),
    ] = None,
) -> None:
    """建立台账或用种子文件刷新目标。可重复运行：不改动已登记的实绩，也不改动 assign 的设置。"""
    from xlgl.seed import default_seed_path, load_seed
    from xlgl.store.seeding import seed_report_key

    loaded = load_seed(seed or default_seed_path())
    with open_ledger(ctx, create=True, seed_default=False) as ledger:
        added, changed = ledger.load_seed(loaded)
        total = len(ledger.targets(report=seed_report_key(loaded), include_retired=True))
    typer.echo(
        f"台账 {ledger.path}：{loaded.report.get('title', '')} 共 {total} 个目标"
        f"（新增 {added}，更新 {changed}）"
    )


@app.command()
def status(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    section: SectionOption = None,
    kind: KindOption = None,
    owner: OwnerOption = None,
    search: SearchOption = None,
    only_status: StatusOption = None,
    wide: WideOption = False,
    report_key: ReportOption = None,
) -> None:
    """每个目标的最新实绩、完成率、时间进度、应完成进度和状态，末行汇总各状态个数。"""
    from xlgl.filters import resolve_filters, resolve_statuses

    day = as_of_date(as_of)
    statuses = resolve_statuses(only_status)
    with open_ledger(ctx) as ledger:
        chosen = resolve_filters(ledger, section=section, kind=kind, owner=owner)
        rows = status_of(
            ledger,
            day,
            report=chosen_report(ledger, report_key, day),
            search=search,
            statuses=statuses,
            **chosen,
        )
    from xlgl import render

    render.emit(render.STATUS, rows, fmt, as_of=day, title="目标进度", wide=wide)


@app.command()
def overdue(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            metavar="状态",
            help="只列某状态，名称同 status --status：逾期 overdue、预警 at-risk/at_risk …",
        ),
    ] = None,
    section: SectionOption = None,
    owner: OwnerOption = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="列出任何目标时以退出码 1 结束（供定时脚本判断）。")
    ] = False,
    wide: WideOption = False,
    report_key: ReportOption = None,
) -> None:
    """逾期和预警的目标，最严重的在前，每项附原因（逾期天数、落后百分点、应报未报、剩余月均需完成）。"""
    from xlgl.filters import resolve_filters, resolve_statuses
    from xlgl.progress import severity
    from xlgl.words import AT_RISK, MISSED, OVERDUE

    wanted = resolve_statuses(only) or (OVERDUE, MISSED, AT_RISK)
    day = as_of_date(as_of)
    with open_ledger(ctx) as ledger:
        chosen = resolve_filters(ledger, section=section, owner=owner)
        report = chosen_report(ledger, report_key, day)
        rows = status_of(ledger, day, report=report, statuses=wanted, **chosen)
    rows.sort(key=severity)
    from xlgl import render

    render.emit(render.STATUS, rows, fmt, as_of=day, title="逾期与预警", wide=wide)
    if exit_code and rows:
        raise typer.Exit(EXIT_FOUND)


CHASE_FIELDS = ("owner", "contact", "id", "indicator", "period_end", "report_due", "report")


@app.command()
def chase(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    owner: OwnerOption = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="列出任何目标时以退出码 1 结束（供定时脚本判断）。")
    ] = False,
    report_key: ReportOption = None,
) -> None:
    """催报清单：按牵头单位列出应报未报的目标（哪一期、应于何日报送）和联系人。
    有报送周期的目标按周期和出数滞后计，其余每月 report_day 日前报送上月进展。"""
    from xlgl import render
    from xlgl.filters import resolve_filters
    from xlgl.follow_up import chase as chase_rows

    day = as_of_date(as_of)
    with open_ledger(ctx) as ledger:
        chosen = resolve_filters(ledger, owner=owner)
        report = chosen_report(ledger, report_key, day)
        rows = status_of(ledger, day, report=report, owner=chosen["owner"])
        owed = chase_rows(rows, day, report_day=ledger.settings().report_day)
    dicts = [
        {
            "owner": row.owner,
            "contact": row.contact,
            "id": row.id,
            "indicator": row.indicator,
            "period_end": row.period_end.isoformat(),
            "report_due": row.report_due.isoformat(),
            "report": row.report,
        }
        for row in owed
    ]
    if fmt is OutputFormat.json:
        render.write_json(dicts)
    elif fmt is OutputFormat.csv:
        render.write_csv(dicts, CHASE_FIELDS)
    else:
        from xlgl.grid import clean

        typer.echo(f"催报清单（截至 {day.isoformat()}）")
        current = None
        for row in owed:
            if row.owner != current:
                current = row.owner
                contact = f"（联系人：{clean(row.contact)}）" if row.contact else ""
                typer.echo(f"{clean(row.owner)}{contact}")
            typer.echo(
                f"  {row.id}  {clean(row.indicator)}：截至 {row.period_end.isoformat()} 的数据"
                f"应于 {row.report_due.isoformat()} 前报送"
            )
        owners = len({row.owner for row in owed})
        typer.echo(f"共 {len(owed)} 个目标应报未报，涉及 {owners} 个单位")
    if exit_code and owed:
        raise typer.Exit(EXIT_FOUND)


@app.command(
    context_settings={"ignore_unknown_options": True},  # a negative growth rate: -1.2
    epilog=(
        "例：xlgl record 煤炭产量 1.07亿吨 --as-of 2024-09-30 --source 自治区统计局；"
        "xlgl record household-toilets 300 --add；xlgl record --file 9月.csv"
    ),
)
def record(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Argument(help="目标 id 或指标名（可写唯一的一部分）。", show_default=False),
    ] = None,
    value: Annotated[
        str | None,
        typer.Argument(
            help="实绩，按报告的写法：1.07亿吨、12000万吨、95%；不带单位即目标的单位。",
            show_default=False,
        ),
    ] = None,
    as_of: RecordAsOfOption = None,
    source: Annotated[
        str | None, typer.Option("--source", help="数据来源，如 盟统计局6月月报。")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注。")] = None,
    by: Annotated[str | None, typer.Option("--by", help="录入人（默认当前登录名）。")] = None,
    add: Annotated[
        bool, typer.Option("--add", help="VALUE 是增量（只用于累计类 flow 目标），记为新的累计数。")
    ] = False,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            metavar="CSV",
            help="批量导入 CSV（列 target,value,as_of，可选 unit,source,note,by）；有任何错行则整份不导入。",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="确认无误，越过合理性检查（像小数的百分数、超过目标 10 倍、累计数下降）。",
        ),
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="同一截至日已有不同数字时，作废原记录并以此更正。")
    ] = False,
    progress: Annotated[str | None, typer.Option("--progress", help="进展情况。")] = None,
    problems: Annotated[str | None, typer.Option("--problems", help="存在问题。")] = None,
    next_steps: Annotated[str | None, typer.Option("--next-steps", help="下步措施。")] = None,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="佐证材料：文号、文件路径或链接。")
    ] = None,
    report_key: ReportOption = None,
) -> None:
    """登记一个目标的实绩（截至某日的累计数或当前水平），或用 --file 批量导入。记录只增不改。"""
    from xlgl.errors import InputError

    if file is not None:
        if target or value or add:
            raise InputError("--file 与 TARGET VALUE、--add 不能同时使用")
        import_file(ctx, file, by, report_key)
        return
    if not target or not value:
        raise InputError(
            "需要 TARGET 和 VALUE，例如：xlgl record 煤炭产量 1.07亿吨 --as-of 2024-09-30"
        )

    from xlgl.recording import record_figure
    from xlgl.units import UnitError, format_value, parse_figure, to_stored, to_target_unit

    texts = (source, note, progress, problems, next_steps, evidence)
    with open_ledger(ctx) as ledger:
        guess = as_of_date(as_of)  # a yearless period (9月底) is read again in the target's year
        found = find(ledger, target, chosen_report(ledger, report_key, guess))
        day = as_of_date(as_of, year=found.year)
        try:
            amount = to_target_unit(
                value,
                found.unit,
                allow_negative=found.kind == "growth" or add,
                also_units=found.also_units,
            )
            written = parse_figure(value)[1]
        except UnitError as error:
            raise InputError(f"{found.id}（{found.indicator}）：{error}") from None
        source, note, progress, problems, next_steps, evidence = (checked_text(t) for t in texts)
        done = record_figure(
            ledger, found, to_stored(amount), day, today=date.today(), written_unit=written,
            increment=add, force=force, replace=replace, by=by, source=source, note=note,
            progress=progress, problems=problems, next_steps=next_steps, evidence=evidence,
        )  # fmt: skip
        row = status_of(ledger, day, target=found)[0]
    from xlgl.render import percent
    from xlgl.words import STATUS_LABELS

    shown = format_value(done.verdict.value, found.unit)
    state = f"完成率 {percent(row.completion)}，状态 {STATUS_LABELS[row.status]}"
    if done.record_id is None:
        typer.echo(
            f"未重复记录：{found.id} {found.indicator} 截至 {day.isoformat()} 已是 {shown}；{state}"
        )
        return
    voided = "、".join(f"#{n}" for n in done.verdict.voids)
    typer.echo(
        f"已记录 #{done.record_id}：{found.id} {found.indicator} = {shown}（截至 {day.isoformat()}）"
        + (f"，作废 {voided}" if voided else "")
        + ("，强制录入" if done.verdict.forced else "")
        + f"；{state}"
    )


MAX_TEXT = 4000  # characters of a note, a source or a narrative field


def checked_text(text: str | None) -> str | None:
    """A free-text field as recorded: trimmed, None when empty, refused past MAX_TEXT."""
    from xlgl.errors import InputError

    if text is None or not text.strip():
        return None
    if len(text) > MAX_TEXT:
        raise InputError(f"文字过长：{len(text)} 字，上限 {MAX_TEXT} 字（长材料请写文号或链接）")
    return text


def export_template(
    ctx: typer.Context,
    output: Path,
    day: date,
    owner: str | None,
    title: str | None,
    report_key: str | None,
) -> None:
    from xlgl.template import template_rows, write_template

    with open_ledger(ctx) as ledger:
        chosen = chosen_report(ledger, report_key, day)
        rows = status_of(ledger, day, report=chosen, owner=owner)
    key = rows[0].target.report if rows else (chosen or "")
    write_template(output, template_rows(rows), report_key=key, as_of=day, owner=owner, title=title)
    typer.echo(f"已导出报送表 {output}：{len(rows)} 个目标")


def import_template(ctx: typer.Context, path: Path, by: str | None) -> None:
    """A filled 报送表: every figure through the one check, then added in one transaction."""
    from xlgl.recording import figure_book
    from xlgl.store import NewRecord
    from xlgl.template import filled_to_records, read_template

    filled = read_template(path)
    with open_ledger(ctx) as ledger:
        key = filled.report_key
        targets = {t.id: t for t in ledger.targets(report=key)}
        wanted = [targets[i] for i in {r.target for r in filled.rows} if i in targets]
        book = figure_book(ledger, wanted, date.today())
        records = filled_to_records(filled, targets, book, default_by=by)
        count = ledger.add_records(
            NewRecord(
                r.target,
                r.value,
                r.as_of,
                r.by,
                f"报送表 {path.name}",
                None,
                report=key,
                progress=r.progress,
                problems=r.problems,
                next_steps=r.next_steps,
                evidence=r.evidence,
            )
            for r in records
            if r.verdict is not None and r.verdict.action == "add"
            if r.value is not None and r.as_of is not None
        )
    skipped = sum(1 for r in records if r.verdict is not None) - count
    typer.echo(
        f"已从 {path} 导入 {count} 条记录" + (f"，{skipped} 条已有，跳过" if skipped else "")
    )


def import_file(ctx: typer.Context, path: Path, by: str | None, report_key: str | None) -> None:
    """Rows name targets of every report unless --report KEY is given (a row's date need not
    fall in its report's year: a December figure may arrive in January)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import_template(ctx, path, by)
        return
    from xlgl.importer import ActualsFile, TargetIndex, checked_rows
    from xlgl.recording import FigureBook, figure_book

    skipped = [0]
    with open_ledger(ctx) as ledger:
        chosen = None if report_key is None else chosen_report(ledger, report_key, date.today())
        source = ActualsFile(path, TargetIndex.of_ledger(ledger, chosen), default_by=by)
        targets = {(t.report, t.id): t for t in ledger.targets(report=chosen)}

        def book() -> FigureBook:  # read inside add_rows' write: no other import slips between
            return figure_book(ledger, targets.values(), date.today())

        with source.read_ahead(ledger.conn) as rows:  # forks: before add_rows begins its write
            count = ledger.add_rows(checked_rows(rows, targets, book, skipped))
    typer.echo(
        f"已从 {path} 导入 {count} 条记录"
        + (f"（{skipped[0]} 条已在台账中，未重复导入）" if skipped[0] else "")
    )


@app.command()
def targets(
    ctx: typer.Context,
    fmt: FormatOption = OutputFormat.table,
    section: SectionOption = None,
    kind: KindOption = None,
    owner: OwnerOption = None,
    search: SearchOption = None,
    wide: WideOption = False,
    report_key: ReportOption = None,
) -> None:
    """列出目标清单，按章节分组。"""
    from xlgl import render
    from xlgl.filters import resolve_filters

    with open_ledger(ctx) as ledger:
        chosen = resolve_filters(ledger, section=section, kind=kind, owner=owner)
        found = ledger.targets(
            report=chosen_report(ledger, report_key, date.today()),
            search=search,
            section=chosen["section"],
            kind=chosen["kind"],
            owner=chosen["owner"],
        )
    render.emit(render.TARGETS, found, fmt, wide=wide)


@app.command()
def show(
    ctx: typer.Context,
    target: TargetArgument,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    report_key: ReportOption = None,
) -> None:
    """一个目标的定义、报告原文、当前进度和全部记录。"""
    from xlgl import render

    day = as_of_date(as_of)
    with open_ledger(ctx) as ledger:
        found = find(ledger, target, chosen_report(ledger, report_key, day))
        row = status_of(ledger, day, target=found)[0]
        places = ledger.target_places(found)
        records = ledger.records(found)
    if fmt is OutputFormat.table:
        render.print_target_detail(row, places, records)
    elif fmt is OutputFormat.json:
        data = render.status_dict(row) | {
            "quote": found.quote,
            "offset": found.offset,
            "places": places,
            "records": [render.record_dict(r) for r in records],
        }
        render.write_json([data])
    else:
        render.write_csv([render.status_dict(row)], render.STATUS_FIELDS)


@app.command()
def history(
    ctx: typer.Context,
    target: Annotated[str | None, typer.Argument(help="只看这个目标（id 或指标名）。")] = None,
    fmt: FormatOption = OutputFormat.table,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="只列截至这一天（含）的记录。"),
    ] = None,
    wide: WideOption = False,
    report_key: ReportOption = None,
) -> None:
    """全部记录（含作废记录），按录入先后。"""
    from xlgl import render

    until = as_of_date(as_of) if as_of else None
    with open_ledger(ctx) as ledger:
        chosen = chosen_report(ledger, report_key, date.today())
        if target:
            records = ledger.records(find(ledger, target, chosen), until=until)
        else:
            records = ledger.records(report=chosen, until=until)
    render.emit(render.RECORDS, records, fmt, wide=wide)


@app.command()
def void(
    ctx: typer.Context,
    record_id: Annotated[
        int, typer.Argument(metavar="RECORD_ID", help="要作废的记录编号（history 中的 #）。")
    ],
    reason: Annotated[str, typer.Option("--reason", help="作废原因（必填）。")],
    by: Annotated[str | None, typer.Option("--by", help="操作人（默认当前登录名）。")] = None,
) -> None:
    """作废一条记录：写入一条注明原因的作废记录，原记录保留在历史中。"""
    from xlgl.errors import InputError

    if not reason.strip():
        raise InputError("--reason 不能为空")
    with open_ledger(ctx) as ledger:
        voiding = ledger.void(record_id, reason.strip(), by)
    from xlgl.grid import clean

    typer.echo(f"已作废 #{record_id}（作废记录 #{voiding.id}：{clean(reason.strip())}）")


@app.command()
def assign(
    ctx: typer.Context,
    target: TargetArgument,
    owner: Annotated[str | None, typer.Option("--owner", help="牵头单位。")] = None,
    due: Annotated[str | None, typer.Option("--due", metavar="DATE", help="新的时限。")] = None,
    tolerance: Annotated[
        float | None,
        typer.Option(
            "--tolerance", help="此目标“左右/稳定在”的容差，如 0.03 表示 3%。", min=0, max=1
        ),
    ] = None,
    report_key: ReportOption = None,
) -> None:
    """指定目标的牵头单位、时限或容差。"""
    from xlgl.dates import parse_date
    from xlgl.errors import InputError
    from xlgl.grid import clean

    if owner is None and due is None and tolerance is None:
        raise InputError("请至少给出 --owner、--due 或 --tolerance 之一")
    if owner is not None and not owner.strip():
        raise InputError("牵头单位不能为空")
    with open_ledger(ctx) as ledger:
        found = find(ledger, target, chosen_report(ledger, report_key, date.today()))
        due_date = parse_date(due, year=found.year) if due else None
        if due_date and due_date < found.start:
            raise InputError(f"时限 {due_date} 早于目标起始日 {found.start}")
        ledger.assign(found, owner=owner, due=due_date, tolerance=tolerance)
    changes = [
        f"牵头单位 {clean(owner)}" if owner else "",
        f"时限 {due_date}" if due_date else "",
        f"容差 {tolerance:g}" if tolerance is not None else "",
    ]
    typer.echo(f"{found.id}（{found.indicator}）：" + "，".join(c for c in changes if c))


@app.command()
def alias(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="别名，如 煤产量。")],
    target: TargetArgument,
    report_key: ReportOption = None,
) -> None:
    """给目标起别名：之后 record、show 和 CSV 的 target 列都可用 NAME 指这个目标。"""
    from xlgl.errors import InputError

    name = name.strip()
    if not name:
        raise InputError("别名不能为空")
    with open_ledger(ctx) as ledger:
        found = find(ledger, target, chosen_report(ledger, report_key, date.today()))
        ledger.add_alias(name, found)
    typer.echo(f"别名“{name}”→ {found.id}（{found.indicator}）")


@app.command(context_settings={"ignore_unknown_options": True})  # a value of -0.1: refused
def settings(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="设置项名称。")] = None,
    value: Annotated[str | None, typer.Argument(help="新值。")] = None,
) -> None:
    """查看或修改台账的判定阈值（落后阈值、红灯阈值、临期天数、容差）。"""
    from xlgl.errors import InputError
    from xlgl.model import parse_setting

    if name is not None:
        if value is None:
            raise InputError(f"请给出 {name} 的新值")
        try:
            checked = parse_setting(name, value)
        except ValueError as error:
            raise InputError(str(error)) from None
    with open_ledger(ctx) as ledger:
        if name is not None:
            ledger.set_setting(name, checked)
        current = ledger.settings()
    for key, current_value in vars(current).items():
        typer.echo(f"{key} = {current_value:g}")


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


class ReportFormat(StrEnum):
    html = "html"
    markdown = "markdown"


OutputFileOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="写入的文件；格式按扩展名。"),
]
# -o is the output file everywhere; the owner filter is --owner / -O everywhere (one option).
OwnerLongOption = OwnerOption
TitleOption = Annotated[
    str | None,
    typer.Option("--title", help="标题（默认“2024年政府工作报告目标任务推进情况督查通报”）。"),
]
NoBomOption = Annotated[
    bool,
    typer.Option(
        "--no-bom", help="CSV 文件开头不写字节顺序标记（默认写，中文版 Excel 打开才不乱码）。"
    ),
]


@app.command()
def export(
    ctx: typer.Context,
    output: OutputFileOption = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="xlsx（台账工作簿，WPS、Excel 可打开）、csv 或 json（与 status 同列）；"
            "默认按 -o 的扩展名。",
        ),
    ] = None,
    as_of: AsOfOption = None,
    section: SectionOption = None,
    kind: KindOption = None,
    owner: OwnerLongOption = None,
    search: SearchOption = None,
    title: TitleOption = None,
    template: Annotated[
        bool,
        typer.Option(
            "--template", help="导出报送表：各单位填实绩、进展，再用 record --file 导入。"
        ),
    ] = False,
    report_key: ReportOption = None,
    no_bom: NoBomOption = False,
) -> None:
    """导出台账工作簿：汇总（各状态、各部分个数和平均完成率）、目标（与 status 同列）、记录；
    -o 为 .csv 或 .json 时导出与 status 相同的目标进度。"""
    from xlgl import files
    from xlgl.errors import InputError

    written = files.output_format("export", output, fmt.value if fmt else None, "xlsx")
    if output is None and written == "xlsx":
        raise InputError("请用 -o FILE 指定工作簿文件，例如：xlgl export -o 台账.xlsx")
    where = files.destination(output) if output is not None else None
    day = as_of_date(as_of)
    if template:
        if output is None:
            raise InputError(
                "请用 -o FILE 指定报送表文件，例如：xlgl export --template -o 报送表.xlsx"
            )
        export_template(ctx, output, day, owner, title, report_key)
        return
    with open_ledger(ctx) as ledger, ledger.snapshot():  # the sheets agree with each other
        from xlgl.filters import resolve_filters

        filters = resolve_filters(ledger, section=section, kind=kind, owner=owner)
        chosen = chosen_report(ledger, report_key, day)
        rows = status_of(ledger, day, report=chosen, search=search, **filters)
        wanted = {(row.target.report, row.target.id) for row in rows}
        records = (
            [r for r in ledger.records(until=day) if (r.report, r.target) in wanted]
            if written == "xlsx"
            else []
        )
    if written != "xlsx":
        from xlgl import render

        if where is None:
            render.emit(render.STATUS, rows, written)
            return
        with files.text_file(where.path, bom=written == "csv" and not no_bom) as (out, _):
            if written == "csv":
                render.write_csv(map(render.status_dict, rows), render.STATUS_FIELDS, out)
            else:
                render.write_json(map(render.status_dict, rows), out)
        _say_written(where)
        typer.echo(f"已导出 {output}：{len(rows)} 个目标（截至 {day.isoformat()}）")
        return
    from xlgl.workbook import write_workbook

    assert output is not None  # an xlsx needs -o: checked above
    notes = write_workbook(output, rows, records, day, title=title)
    _say_written(where)
    for note in notes:
        typer.echo(note, err=True)
    typer.echo(
        f"已导出 {output}：{len(rows)} 个目标、{len(records)} 条记录（截至 {day.isoformat()}）"
    )


def _say_written(where: Destination | None) -> None:
    """The note of files.destination (a symlink's target was written), on stderr."""
    if where is not None and where.note:
        typer.echo(where.note, err=True)


@app.command()
def report(
    ctx: typer.Context,
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="html（单个网页文件，可打印、可在手机上看）或 markdown；默认按 -o 的扩展名"
            "（.html、.md）。",
        ),
    ] = None,
    output: OutputFileOption = None,
    as_of: AsOfOption = None,
    section: SectionOption = None,
    owner: OwnerLongOption = None,
    title: TitleOption = None,
    issue: Annotated[int | None, typer.Option("--issue", min=1, help="期号（第 N 期）。")] = None,
    report_key: ReportOption = None,
) -> None:
    """督查通报：各状态个数、各部分完成率与时间进度图、逾期与预警清单及原因、各牵头单位情况、全部目标表。
    markdown 不给 -o 时输出到屏幕。"""
    from xlgl import bulletin, files
    from xlgl.errors import InputError

    written = files.output_format("report", output, fmt.value if fmt else None, "html")
    if output is None and written == "html":
        raise InputError("HTML 通报请用 -o FILE 指定文件，例如：xlgl report -o 通报.html")
    where = files.destination(output) if output is not None else None
    day = as_of_date(as_of)
    with open_ledger(ctx) as ledger, ledger.snapshot():
        from xlgl.filters import resolve_filters

        filters = resolve_filters(ledger, section=section, owner=owner)
        chosen = chosen_report(ledger, report_key, day)
        rows = status_of(ledger, day, report=chosen, **filters)
    value = bulletin.build(rows, day, title, issue_number=issue)
    if written == "html":
        from datetime import datetime

        text = bulletin.to_html(value, generated=datetime.now().strftime("%Y-%m-%d %H:%M"))
    else:
        text = bulletin.to_markdown(value)
    if output is None:
        sys.stdout.write(text)
        return
    bulletin.save(output, text)
    _say_written(where)
    typer.echo(f"已生成 {output}：{bulletin.headline(value)}")


@app.command("export-records")
def export_records(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="写入的 JSON lines 文件；- 表示标准输出。")
    ],
    report_key: ReportOption = None,
) -> None:
    """导出全部记录（含作废记录，各带 UUID）为 JSON lines，供另一台账 import-records 合并。"""
    from xlgl import files
    from xlgl.exchange import write_records

    where = files.destination(file) if str(file) != "-" else None
    with open_ledger(ctx) as ledger, ledger.snapshot():
        chosen = None if report_key is None else chosen_report(ledger, report_key, date.today())
        count = write_records(ledger.export_records(chosen), file)
    if where is not None:
        _say_written(where)
        typer.echo(f"已导出 {count} 条记录到 {file}")


@app.command("import-records")
def import_records(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="export-records 写出的 JSON lines 文件；- 表示标准输入。"
        ),
    ],
) -> None:
    """合并另一台账导出的记录：按 UUID 去重，重复导入同一文件不会多出记录；有任何错行则整份不导入。"""
    from xlgl.exchange import import_records as merge
    from xlgl.exchange import read_records

    errors: list[str] = []
    with open_ledger(ctx) as ledger:
        added, present = merge(ledger, read_records(file, errors), errors)
    typer.echo(f"已从 {file} 导入 {added} 条记录（{present} 条已在台账中，未重复导入）")


class DraftFormat(StrEnum):
    toml = "toml"
    json = "json"


@app.command()
def extract(
    report_file: Annotated[
        Path, typer.Argument(metavar="REPORT.txt", help="政府工作报告纯文本（UTF-8 或 GB18030）。")
    ],
    output: OutputFileOption = None,
    fmt: Annotated[
        DraftFormat,
        typer.Option("--format", "-f", help="草稿格式：toml（种子格式，默认）或 json。"),
    ] = DraftFormat.toml,
) -> None:
    """从政府工作报告起草目标清单：计划部分的每个数字都列为候选目标或排除项（附理由）。"""
    from xlgl.extract import draft_to_json, draft_to_toml, extract_report, read_report

    draft = extract_report(read_report(report_file), source=report_file.name)
    document = draft_to_json(draft) if fmt is DraftFormat.json else draft_to_toml(draft)
    if output is None:
        typer.echo(document, nl=False)
        return
    from xlgl.files import replace_into

    with replace_into(output) as temp:
        temp.write_text(document, encoding="utf-8")
    review = sum(1 for t in draft.targets if t["review"])
    typer.echo(
        f"已写入 {output}：{len(draft.targets)} 个候选目标（{review} 个待复核）、"
        f"{len(draft.exclusions)} 个排除的数字"
    )


# --- the boundary: exceptions become one plain line and an exit code -----------------------------


def main() -> None:
    from xlgl.boundary import run

    run(app)
