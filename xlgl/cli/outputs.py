"""Files for people and for other ledgers: export (workbook, 报送表, csv/json), report (通报),
export-records and import-records."""

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from xlgl.cli.app import app
from xlgl.cli.common import (
    AsOfOption,
    KindOption,
    LeadOnlyOption,
    OutputFileOption,
    OwnerOption,
    ReportOption,
    SearchOption,
    SectionOption,
    as_of_date,
    chosen_report,
    open_ledger,
    say_written,
    status_of,
)


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


class ReportFormat(StrEnum):
    html = "html"
    markdown = "markdown"


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
    owner: OwnerOption = None,
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
    lead_only: LeadOnlyOption = False,
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
        export_template(ctx, output, day, owner, title, report_key, lead_only)
        return
    with open_ledger(ctx) as ledger, ledger.snapshot():  # the sheets agree with each other
        from xlgl.filters import resolve_filters

        filters = resolve_filters(
            ledger, section=section, kind=kind, owner=owner, lead_only=lead_only
        )
        chosen = chosen_report(ledger, report_key, day)
        rows = status_of(ledger, day, report=chosen, search=search, **filters)
        from xlgl.store.reviews import waiting_counts

        waits = waiting_counts(ledger, day, chosen)  # the `pending` of status --format json
        wanted = {(row.target.report, row.target.id) for row in rows}
        records = (
            [r for r in ledger.records(until=day) if (r.report, r.target) in wanted]
            if written == "xlsx"
            else []
        )
    if written != "xlsx":
        from xlgl import render

        view = render.status_view(waits)
        if where is None:
            render.emit(view, rows, written)
            return
        with files.text_file(where.path, bom=written == "csv" and not no_bom) as (out, _):
            if written == "csv":
                render.write_csv(map(view.to_dict, rows), view.fields, out)
            else:
                render.write_json(map(view.to_dict, rows), out)
        say_written(where)
        typer.echo(f"已导出 {output}：{len(rows)} 个目标（截至 {day.isoformat()}）")
        return
    from xlgl.workbook import write_workbook

    assert output is not None  # an xlsx needs -o: checked above
    notes = write_workbook(output, rows, records, day, title=title)
    say_written(where)
    for note in notes:
        typer.echo(note, err=True)
    typer.echo(
        f"已导出 {output}：{len(rows)} 个目标、{len(records)} 条记录（截至 {day.isoformat()}）"
    )


def export_template(
    ctx: typer.Context,
    output: Path,
    day: date,
    owner: str | None,
    title: str | None,
    report_key: str | None,
    lead_only: bool = False,
) -> None:
    from xlgl.filters import resolve_filters
    from xlgl.template_write import template_rows, write_template

    with open_ledger(ctx) as ledger:
        chosen = chosen_report(ledger, report_key, day)
        filters = resolve_filters(ledger, owner=owner, lead_only=lead_only)
        rows = status_of(ledger, day, report=chosen, owner=filters["owner"], lead_only=lead_only)
    key = rows[0].target.report if rows else (chosen or "")
    write_template(output, template_rows(rows), report_key=key, as_of=day, owner=owner, title=title)
    typer.echo(f"已导出报送表 {output}：{len(rows)} 个目标")


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
    owner: OwnerOption = None,
    title: TitleOption = None,
    issue: Annotated[
        int | None,
        typer.Option(
            "--issue",
            min=1,
            help="期号（第 N 期），写出文件后记入台账；此后默认为上一期加 1"
            "（同一截至日重出沿用原期号）。",
        ),
    ] = None,
    report_key: ReportOption = None,
    lead_only: LeadOnlyOption = False,
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
    from xlgl.filters import resolve_filters
    from xlgl.follow_up import chase
    from xlgl.store.office import set_text_settings, text_settings
    from xlgl.store.reviews import latest_waiting

    with open_ledger(ctx) as ledger:
        with ledger.snapshot():
            filters = resolve_filters(ledger, section=section, owner=owner, lead_only=lead_only)
            chosen = chosen_report(ledger, report_key, day)
            rows = status_of(ledger, day, report=chosen, **filters)
            texts = text_settings(ledger)
            submitted = latest_waiting(ledger, day, chosen)  # reported, waiting for 销号
            owed = chase(rows, day, report_day=ledger.settings().report_day, submitted=submitted)
            report_text = ledger.report_text(chosen) if chosen else None
        number = issue or issue_number(texts, day)
        value = bulletin.build(
            rows, day, title, office=texts.get("office"), issue_number=number,
            report_text=report_text, chase=owed,
        )  # fmt: skip
        if written == "html":
            from datetime import datetime

            text = bulletin.to_html(value, generated=datetime.now().strftime("%Y-%m-%d %H:%M"))
        else:
            text = bulletin.to_markdown(value)
        if output is None:
            sys.stdout.write(text)
            return
        bulletin.save(output, text)
        if number is not None and not ledger.read_only:
            set_text_settings(ledger, {"issue": str(number), "issue_as_of": day.isoformat()})
    say_written(where)
    issued = f"（第 {number} 期）" if number is not None else ""
    typer.echo(f"已生成 {output}{issued}：{bulletin.headline(value)}")


def issue_number(texts: dict[str, str], day: date) -> int | None:
    """The 期号 of a bulletin as of `day`: None until the office numbers its bulletins (report
    --issue N, or settings issue N); then the last one's again for the same as-of date (the HTML
    and the Markdown of one week, or a bulletin written again), else the next one."""
    if not texts.get("issue"):
        return None
    last = int(texts["issue"])
    if last and texts.get("issue_as_of") == day.isoformat():
        return last
    return last + 1


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
        say_written(where)
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
    from xlgl.exchange import read_all

    records = read_all(file)  # the whole file, parsed and checked before the write lock
    with open_ledger(ctx) as ledger:
        added, present = merge(ledger, records, [])
    typer.echo(f"已从 {file} 导入 {added} 条记录（{present} 条已在台账中，未重复导入）")
