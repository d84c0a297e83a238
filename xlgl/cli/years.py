"""Commands from one year's report to the next: carry (结转) an open target into a later report."""

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

import typer

from xlgl.cli.app import app
from xlgl.cli.common import (
    TargetArgument,
    chosen_report,
    find,
    open_ledger,
    status_of,
)


@app.command()
def carry(
    ctx: typer.Context,
    target: TargetArgument,
    to: Annotated[
        str,
        typer.Option(
            "--to", metavar="KEY", help="结转到哪份报告：key（如 xlgl-2025）或年份（2025）。"
        ),
    ],
    due: Annotated[
        str | None,
        typer.Option(
            "--due", metavar="DATE", help="新目标的时限（默认新报告年度的 12 月 31 日）。"
        ),
    ] = None,
    report_key: Annotated[
        str | None,
        typer.Option(
            "--report",
            metavar="KEY",
            help="原目标所在的报告（默认 --to 报告的上一年度报告）。",
        ),
    ] = None,
) -> None:
    """把上年未完成的目标结转到新一年的报告：新目标引用原目标（指标、单位、目标值相同），原目标保留其结论。"""
    from xlgl import years
    from xlgl.dates import parse_date
    from xlgl.errors import InputError
    from xlgl.store import links

    today = date.today()
    with open_ledger(ctx) as ledger:
        destination = chosen_report(ledger, to, today)
        if destination is None:
            raise InputError("--to 须为一份报告（key 或年份），不能是 all")
        reports = ledger.reports()
        new = next(r for r in reports if r.key == destination)
        if report_key is None:
            previous = years.previous_report(reports, destination)
            if previous is None:
                raise InputError(
                    f"报告 {destination} 之前没有更早年度的报告，请用 --report 指明原报告"
                )
            source = previous.key
        else:
            chosen = chosen_report(ledger, report_key, today)
            if chosen is None:
                raise InputError("--report 须为一份报告（key 或年份），不能是 all")
            source = chosen
        old = find(ledger, target, source)
        if old.report == destination:
            raise InputError(
                f"{old.id}（{old.indicator}）已在报告 {destination} 中，不能结转到本报告"
            )
        row = status_of(ledger, today, target=old)[0]
        already = links.carried_to(ledger, [old]).get((old.report, old.id))
        refusal = years.carry_refusal(old, row.status, already, new.year)
        if refusal:
            raise InputError(refusal)
        due_date = parse_date(due, year=new.year) if due else None
        if due_date is not None and due_date < date(new.year, 1, 1):
            raise InputError(f"时限 {due_date} 早于新报告年度的开始 {new.year}-01-01")
        new_id = years.carried_id(old.id, old.year, links.target_ids(ledger, destination))
        columns = years.carried_target(old, new_id, destination, new.year, due_date)
        links.add_carried(ledger, columns)
    from xlgl.render_words import target_text

    typer.echo(
        f"已结转：{old.report} {old.id}（{old.indicator}）→ {destination} {new_id}，"
        f"{target_text(old)}，时限 {columns['due']}；原目标保留其结论（{_label(row.status)}）"
    )


def _label(status: str) -> str:
    from xlgl.words import STATUS_LABELS

    return STATUS_LABELS.get(status, status)


def year_link_facts(links: Sequence[Any]) -> list[tuple[str, str]]:
    """`show`'s lines for the targets of other years (carryover.YearLink): 上年 / 下年, or
    结转自 / 结转为, the report, the id and its final figure (or its last one so far)."""
    labels = {
        ("previous", "carried"): "结转自",
        ("next", "carried"): "结转为",
        ("previous", "baseline"): "上年",
        ("previous", "same"): "上年",
    }
    from xlgl.units import format_value

    lines = []
    for link in links:
        other = link.target
        if link.figure is None:
            figure = "尚无实绩"
        elif link.final:
            figure = f"{format_value(link.figure.value, other.unit)}（终值）"
        else:
            figure = (
                f"{format_value(link.figure.value, other.unit)}"
                f"（截至 {link.figure.as_of.isoformat()}，非终值）"
            )
        note = (
            "，本目标基数取自此" if link.how == "baseline" and link.direction == "previous" else ""
        )
        note = "，其基数取自本目标" if link.how == "baseline" and link.direction == "next" else note
        label = labels.get((link.direction, link.how), "下年")
        lines.append((label, f"{other.report} {other.id} {figure}{note}"))
    return lines


def year_link_dict(link: Any) -> dict[str, Any]:
    """A YearLink for `show --format json`: direction, how, report, id, figure and its date."""
    return {
        "direction": link.direction,
        "how": link.how,
        "report": link.target.report,
        "id": link.target.id,
        "indicator": link.target.indicator,
        "figure": link.figure.value if link.figure else None,
        "figure_as_of": link.figure.as_of.isoformat() if link.figure else None,
        "final": link.final,
    }
