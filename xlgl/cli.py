"""The `xlgl` command: parses arguments, opens the ledger, calls the core, renders, sets exit codes.

No rule lives here: status and completion come from progress.py (via Ledger.status), figures are read
by units.py, CSV files by importer.py. Heavy modules are imported inside the commands that use them,
so `xlgl --help` starts fast.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from xlgl import __version__
from xlgl.errors import EXIT_FOUND, EXIT_INTERNAL, EXIT_LEDGER, XlglError

if TYPE_CHECKING:
    from xlgl.files import Destination
    from xlgl.ledger import Ledger


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Only(StrEnum):
    overdue = "overdue"
    at_risk = "at-risk"


class StatusChoice(StrEnum):
    met = "met"
    overdue = "overdue"
    at_risk = "at_risk"
    no_data = "no_data"
    on_track = "on_track"


class XlglGroup(TyperGroup):
    """Turns the core's errors into one plain line on stderr and the documented exit code."""

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except XlglError as error:
            from xlgl.errors import message_lines

            fail("\n".join(message_lines(error)), error.exit_code)
        except sqlite3.Error as error:
            fail(f"台账无法使用：{error}", EXIT_LEDGER)
        except BrokenPipeError:  # `xlgl status | head`: the reader left early; not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        """Usage errors as two plain lines (what is wrong; where the help is), exit 2."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except NoArgsIsHelpError as error:
            error.show()
            sys.exit(error.exit_code)
        except UsageError as error:
            command = error.ctx.command_path if error.ctx else "xlgl"
            typer.echo(f"xlgl: 错误：{error.format_message()}", err=True)
            typer.echo(f"用 {command} -h 查看用法", err=True)
            sys.exit(error.exit_code)
        except ClickException as error:
            typer.echo(f"xlgl: 错误：{error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except typer.Abort:
            typer.echo("xlgl: 已中断", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
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
    typer.Option("--section", "-s", help="只看某一部分：主要预期目标、（一）…（七）或 1…7、三。"),
]
KindOption = Annotated[
    str | None,
    typer.Option("--kind", "-k", help="只看某类：level、flow、growth、share、milestone。"),
]
OwnerOption = Annotated[str | None, typer.Option("--owner", "-o", help="只看某牵头单位的目标。")]
SearchOption = Annotated[
    str | None, typer.Option("--search", "-q", help="在指标名、id 和报告原文中查找。")
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
    from xlgl.ledger import Ledger, default_ledger_path

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
    from xlgl.ledger import DEFAULT_TIMEOUT

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


def as_of_date(text: str | None) -> date:
    from xlgl.dates import parse_date

    return parse_date(text) if text else date.today()


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

    loaded = load_seed(seed or default_seed_path())
    with open_ledger(ctx, create=True, seed_default=False) as ledger:
        added, changed = ledger.load_seed(loaded)
        total = len(ledger.targets())
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
    only_status: Annotated[
        list[StatusChoice] | None,
        typer.Option(
            "--status", help="只看某状态，可重复：met、overdue、at_risk、no_data、on_track。"
        ),
    ] = None,
) -> None:
    """每个目标的最新实绩、完成率、时间进度、应完成进度和状态，末行汇总各状态个数。"""
    day = as_of_date(as_of)
    with open_ledger(ctx) as ledger:
        rows = ledger.status(
            day,
            section=section,
            kind=kind,
            owner=owner,
            search=search,
            statuses=[s.value for s in only_status] if only_status else None,
        )
    from xlgl import render

    render.emit(render.STATUS, rows, fmt, as_of=day, title="目标进度")


@app.command()
def overdue(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    only: Annotated[
        Only | None, typer.Option("--only", help="只列 overdue（逾期）或 at-risk（预警）。")
    ] = None,
    section: SectionOption = None,
    owner: OwnerOption = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="列出任何目标时以退出码 1 结束（供定时脚本判断）。")
    ] = False,
) -> None:
    """逾期和预警的目标，最严重的在前，每项附原因（逾期天数、落后百分点、久未报送、剩余月均需完成）。"""
    from xlgl.progress import AT_RISK, OVERDUE, severity

    wanted = {None: (OVERDUE, AT_RISK), Only.overdue: (OVERDUE,), Only.at_risk: (AT_RISK,)}[only]
    day = as_of_date(as_of)
    with open_ledger(ctx) as ledger:
        rows = ledger.status(day, section=section, owner=owner, statuses=wanted)
    rows.sort(key=severity)
    from xlgl import render

    render.emit(render.STATUS, rows, fmt, as_of=day, title="逾期与预警")
    if exit_code and rows:
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
) -> None:
    """登记一个目标的实绩（截至某日的累计数或当前水平），或用 --file 批量导入。记录只增不改。"""
    from xlgl.errors import InputError

    if file is not None:
        if target or value or add:
            raise InputError("--file 与 TARGET VALUE、--add 不能同时使用")
        import_file(ctx, file, by)
        return
    if not target or not value:
        raise InputError(
            "需要 TARGET 和 VALUE，例如：xlgl record 煤炭产量 1.07亿吨 --as-of 2024-09-30"
        )

    from xlgl.ledger import NewRecord
    from xlgl.units import UnitError, format_value, to_stored, to_target_unit

    day = as_of_date(as_of)
    with open_ledger(ctx) as ledger:
        found = ledger.find_target(target)
        if add and found.kind != "flow":
            raise InputError(f"--add 只用于累计类（flow）目标；{found.id} 是 {found.kind}")
        try:
            amount = to_target_unit(value, found.unit, allow_negative=found.kind == "growth" or add)
        except UnitError as error:
            raise InputError(f"{found.id}（{found.indicator}）：{error}") from None
        saved = ledger.add_record(
            NewRecord(found.id, to_stored(amount), day, by, source, note), increment=add
        )
        row = ledger.evaluation(found.id, day)
    from xlgl.progress import STATUS_LABELS
    from xlgl.render import percent

    typer.echo(
        f"已记录 #{saved.id}：{found.id} {found.indicator} = {format_value(saved.value, found.unit)}"
        f"（截至 {day.isoformat()}）；完成率 {percent(row.completion)}，状态 {STATUS_LABELS[row.status]}"
    )


def import_file(ctx: typer.Context, path: Path, by: str | None) -> None:
    from xlgl.importer import ActualsFile, TargetIndex

    with open_ledger(ctx) as ledger:
        source = ActualsFile(path, TargetIndex.of_ledger(ledger), default_by=by)
        count = ledger.add_rows(source.rows_read_ahead())
    typer.echo(f"已从 {path} 导入 {count} 条记录")


@app.command()
def targets(
    ctx: typer.Context,
    fmt: FormatOption = OutputFormat.table,
    section: SectionOption = None,
    kind: KindOption = None,
    owner: OwnerOption = None,
    search: SearchOption = None,
) -> None:
    """列出目标清单，按章节分组。"""
    from xlgl import render

    with open_ledger(ctx) as ledger:
        found = ledger.targets(section=section, kind=kind, owner=owner, search=search)
    render.emit(render.TARGETS, found, fmt)


@app.command()
def show(
    ctx: typer.Context,
    target: TargetArgument,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """一个目标的定义、报告原文、当前进度和全部记录。"""
    from xlgl import render

    day = as_of_date(as_of)
    with open_ledger(ctx) as ledger:
        found = ledger.find_target(target)
        row = ledger.evaluation(found.id, day)
        places = ledger.target_places(found.id)
        records = ledger.records(found.id)
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
) -> None:
    """全部记录（含作废记录），按录入先后。"""
    from xlgl import render

    with open_ledger(ctx) as ledger:
        target_id = ledger.find_target(target).id if target else None
        records = ledger.records(target_id)
    render.emit(render.RECORDS, records, fmt)


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
    typer.echo(f"已作废 #{record_id}（作废记录 #{voiding.id}：{reason.strip()}）")


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
) -> None:
    """指定目标的牵头单位、时限或容差。"""
    from xlgl.dates import parse_date
    from xlgl.errors import InputError

    if owner is None and due is None and tolerance is None:
        raise InputError("请至少给出 --owner、--due 或 --tolerance 之一")
    due_date = parse_date(due) if due else None
    with open_ledger(ctx) as ledger:
        found = ledger.find_target(target)
        if due_date and due_date < found.start:
            raise InputError(f"时限 {due_date} 早于目标起始日 {found.start}")
        ledger.assign(found.id, owner=owner, due=due_date, tolerance=tolerance)
    changes = [
        f"牵头单位 {owner}" if owner else "",
        f"时限 {due_date}" if due_date else "",
        f"容差 {tolerance:g}" if tolerance is not None else "",
    ]
    typer.echo(f"{found.id}（{found.indicator}）：" + "，".join(c for c in changes if c))


@app.command()
def settings(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="设置项名称。")] = None,
    value: Annotated[float | None, typer.Argument(help="新值。")] = None,
) -> None:
    """查看或修改台账的判定阈值（落后阈值、临期天数、久未报送天数、容差）。"""
    from xlgl.errors import InputError

    with open_ledger(ctx) as ledger:
        if name is not None:
            if value is None:
                raise InputError(f"请给出 {name} 的新值")
            if value < 0:
                raise InputError("设置值不能为负数")
            ledger.set_setting(name, value)
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
# -o is the output file here, so these two commands take the owner filter by its long name only.
OwnerLongOption = Annotated[str | None, typer.Option("--owner", help="只看某牵头单位的目标。")]
TitleOption = Annotated[
    str | None,
    typer.Option("--title", help="标题（默认“2024年政府工作报告目标任务推进情况督查通报”）。"),
]
NoBomOption = Annotated[
    bool,
    typer.Option(
        "--no-bom", help="CSV 文件开头不写 BOM（默认写，Excel 在中文 Windows 上才不乱码）。"
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
    with open_ledger(ctx) as ledger:
        rows = ledger.status(day, section=section, kind=kind, owner=owner, search=search)
        wanted = {row.target.id for row in rows}
        records = (
            [r for r in ledger.records(until=day) if r.target in wanted]
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
    with open_ledger(ctx) as ledger:
        rows = ledger.status(day, section=section, owner=owner)
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
) -> None:
    """导出全部记录（含作废记录，各带 UUID）为 JSON lines，供另一台账 import-records 合并。"""
    from xlgl import files
    from xlgl.exchange import write_records

    where = files.destination(file) if str(file) != "-" else None
    with open_ledger(ctx) as ledger:
        count = write_records(ledger.export_records(), file)
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
    from xlgl.exchange import read_records

    errors: list[str] = []
    with open_ledger(ctx) as ledger:
        added, present = ledger.import_records(read_records(file, errors), errors)
    typer.echo(f"已从 {file} 导入 {added} 条记录（{present} 条已在台账中，未重复导入）")


# --- the boundary: exceptions become one plain line and an exit code -----------------------------


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        print("xlgl: 已中断", file=sys.stderr)
        sys.exit(130)
    except Exception as error:  # a bug: say so in one line; XLGL_DEBUG=1 shows the traceback
        if os.environ.get("XLGL_DEBUG"):
            raise
        print(
            f"xlgl: 内部错误（{type(error).__name__}: {error}）；设 XLGL_DEBUG=1 可看详情",
            file=sys.stderr,
        )
        sys.exit(EXIT_INTERNAL)


def fail(message: str, code: int) -> NoReturn:
    sys.stdout.flush()
    typer.echo(f"xlgl: 错误：{message}", err=True)
    raise typer.Exit(code)
