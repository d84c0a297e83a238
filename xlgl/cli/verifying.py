"""The office's checking (销号): verify (or reject) a submitted figure, and list what waits."""

from datetime import date
from typing import Annotated

import typer

from xlgl.cli.app import OutputFormat, app
from xlgl.cli.common import (
    FormatOption,
    OwnerOption,
    ReportOption,
    WideOption,
    checked_text,
    chosen_report,
    open_ledger,
)


@app.command(
    epilog="例：xlgl verify 12 --by 督查室王明；xlgl verify 13 --reject --reason 缺佐证材料"
)
def verify(
    ctx: typer.Context,
    record_id: Annotated[
        int,
        typer.Argument(metavar="RECORD_ID", help="待复核的记录编号（pending 或 history 中的 #）。"),
    ],
    by: Annotated[
        str | None, typer.Option("--by", help="复核人（默认当前登录名），须不是录入人。")
    ] = None,
    reject: Annotated[
        bool, typer.Option("--reject", help="退回：此数不计入（须写 --reason）。")
    ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="退回或复核的说明。")] = None,
) -> None:
    """复核一条待复核的实绩（销号）：通过后计入完成情况；--reject 退回，永不计入。复核人须是录入人以外的人。"""
    from xlgl.store.sqlite import login_name
    from xlgl.verification import VERDICT_WORDS, judge

    reason = checked_text(reason)
    with open_ledger(ctx) as ledger:
        record, review = judge(
            ledger, record_id, by=checked_text(by) or login_name(), reject=reject, reason=reason
        )
    from xlgl.grid import clean
    from xlgl.units import format_value

    shown = format_value(record.value, record.unit) if record.value is not None else ""
    typer.echo(
        f"已{VERDICT_WORDS[review.verdict]} #{record.id}：{record.target} = {shown}"
        f"（截至 {record.as_of.isoformat()}，录入人 {clean(record.by or '')}，"
        f"复核人 {clean(review.by)}）"
        + (f"；原因：{clean(review.reason)}" if review.reason else "")
    )


@app.command()
def pending(
    ctx: typer.Context,
    owner: OwnerOption = None,
    fmt: FormatOption = OutputFormat.table,
    wide: WideOption = False,
    report_key: ReportOption = None,
) -> None:
    """待复核的实绩：台账要求复核时登记、尚未复核也未退回的记录，按录入先后。"""
    from xlgl.filters import resolve_filters
    from xlgl.store.reviews import waiting

    with open_ledger(ctx) as ledger:
        chosen = resolve_filters(ledger, owner=owner)["owner"]
        report = chosen_report(ledger, report_key, date.today())
        rows = waiting(ledger, report=report, owner=chosen)
    from xlgl import render
    from xlgl.render_office import PENDING_FIELDS, print_pending

    if fmt is OutputFormat.table:
        print_pending(rows, wide=wide)
    elif fmt is OutputFormat.json:
        render.write_json(rows)
    else:
        render.write_csv(rows, list(PENDING_FIELDS))
