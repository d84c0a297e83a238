"""Commands that add figures: record (one figure, a CSV or a filled 报送表) and void."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from xlgl.cli.app import app
from xlgl.cli.common import (
    RecordAsOfOption,
    ReportOption,
    as_of_date,
    checked_text,
    chosen_report,
    find,
    open_ledger,
    status_of,
)


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

    by = checked_text(by, "--by")  # every text from the command line: capped, storable
    if file is not None:
        if target or value or add:
            raise InputError("--file 与 TARGET VALUE、--add 不能同时使用")
        if force or replace:
            raise InputError(
                "--file 不能与 --force、--replace 同用：请改正文件，或把核实过的数字用 "
                "xlgl record 目标 数值 --force 逐条录入"
            )
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
        waiting = done.record_id is not None and ledger.record(done.record_id).submitted
    from xlgl.render_words import percent
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
        + ("，待复核（他人 xlgl verify 后计入）" if waiting else "")
        + f"；{state}"
    )


def import_template(ctx: typer.Context, path: Path, by: str | None) -> None:
    """A filled 报送表: every figure through the one check, then added in one transaction."""
    from xlgl.recording import figure_book
    from xlgl.store import NewRecord
    from xlgl.store.reviews import waits as verifying
    from xlgl.template_read import filled_to_records, read_template

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
        waiting = count and verifying(ledger)
    skipped = sum(1 for r in records if r.verdict is not None) - count
    typer.echo(
        f"已从 {path} 导入 {count} 条记录"
        + (f"，{skipped} 条已有，跳过" if skipped else "")
        + ("；均待复核（xlgl pending）" if waiting else "")
    )


def import_file(ctx: typer.Context, path: Path, by: str | None, report_key: str | None) -> None:
    """Rows name targets of every report unless --report KEY is given (a row's date need not
    fall in its report's year: a December figure may arrive in January)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import_template(ctx, path, by)
        return
    from xlgl.importer import ActualsFile, TargetIndex, checked_rows
    from xlgl.recording import FigureBook, figure_book
    from xlgl.store.reviews import waits as verifying

    skipped = [0]
    with open_ledger(ctx) as ledger:
        chosen = None if report_key is None else chosen_report(ledger, report_key, date.today())
        source = ActualsFile(path, TargetIndex.of_ledger(ledger, chosen), default_by=by)
        targets = {(t.report, t.id): t for t in ledger.targets(report=chosen)}

        def book() -> FigureBook:  # read inside add_rows' write: no other import slips between
            return figure_book(ledger, targets.values(), date.today())

        with source.read_ahead(ledger.conn) as rows:  # forks: before add_rows begins its write
            count = ledger.add_rows(checked_rows(rows, targets, book, skipped))
        waiting = count and verifying(ledger)
    typer.echo(
        f"已从 {path} 导入 {count} 条记录"
        + (f"（{skipped[0]} 条已在台账中，未重复导入）" if skipped[0] else "")
        + ("；均待复核（xlgl pending）" if waiting else "")
    )


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
    reason, by = str(checked_text(reason, "--reason")), checked_text(by, "--by")
    with open_ledger(ctx) as ledger:
        voiding = ledger.void(record_id, reason.strip(), by)
    from xlgl.grid import clean

    typer.echo(f"已作废 #{record_id}（作废记录 #{voiding.id}：{clean(reason.strip())}）")
