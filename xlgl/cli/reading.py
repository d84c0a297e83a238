"""Commands that read the ledger: status, overdue, chase, targets, show, history."""

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from xlgl.cli.app import OutputFormat, app
from xlgl.cli.common import (
    AsOfOption,
    ExitCodeOption,
    FormatOption,
    KindOption,
    LeadOnlyOption,
    OwnerOption,
    ReportOption,
    SearchOption,
    SectionOption,
    StatusOption,
    TargetArgument,
    WideOption,
    as_of_date,
    chosen_report,
    find,
    open_ledger,
    status_of,
)
from xlgl.errors import EXIT_FOUND

if TYPE_CHECKING:
    from xlgl.progress import Evaluation
    from xlgl.store import Ledger


class GroupBy(StrEnum):
    owner = "owner"


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
    by: Annotated[
        GroupBy | None,
        typer.Option(
            "--by",
            help="按单位汇总（“owner”）：每个单位一行（各状态个数、全部目标与已报送目标的平均完成率、"
            "已报送个数），配合单位也各计一次，--lead-only 只计牵头单位。",
        ),
    ] = None,
    lead_only: LeadOnlyOption = False,
) -> None:
    """每个目标的最新实绩、完成率、时间进度、应完成进度和状态，末行汇总各状态个数。"""
    from xlgl.filters import resolve_filters, resolve_statuses

    day = as_of_date(as_of)
    statuses = resolve_statuses(only_status)
    with open_ledger(ctx) as ledger:
        chosen = resolve_filters(
            ledger, section=section, kind=kind, owner=owner, lead_only=lead_only
        )
        report = chosen_report(ledger, report_key, day)
        rows = status_of(ledger, day, report=report, search=search, statuses=statuses, **chosen)
        from xlgl.store.reviews import waiting_counts

        waits = waiting_counts(ledger, day, report)  # 销号: figures not counted until verified
    from xlgl import render

    if by is GroupBy.owner:
        from xlgl.follow_up import by_owner
        from xlgl.render_office import OWNERS

        lines = by_owner(rows, lead_only=lead_only)
        render.emit(
            OWNERS, lines, fmt, title=f"各单位情况（截至 {day.isoformat()}）", lead_only=lead_only
        )
        return
    view = render.status_view(waits)
    render.emit(view, rows, fmt, as_of=day, title="目标进度", wide=wide, pending=waits)


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
    lead_only: LeadOnlyOption = False,
    exit_code: ExitCodeOption = False,
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
        chosen = resolve_filters(ledger, section=section, owner=owner, lead_only=lead_only)
        report = chosen_report(ledger, report_key, day)
        rows = status_of(ledger, day, report=report, statuses=wanted, **chosen)
        rows = _marked_for_carry(ledger, rows, day)
        from xlgl.store.reviews import waiting_counts

        waits = waiting_counts(ledger, day, report)  # 销号: figures not counted until verified
    rows.sort(key=severity)
    from xlgl import render

    view = render.status_view(waits)
    render.emit(view, rows, fmt, as_of=day, title="逾期与预警", wide=wide, pending=waits)
    if exit_code and rows:
        raise typer.Exit(EXIT_FOUND)


def _marked_for_carry(ledger: "Ledger", rows: "list[Evaluation]", day: date) -> "list[Evaluation]":
    """Milestones of a finished year still open: marked 待结转 or 已结转 (xlgl/years.py)."""
    from xlgl import years
    from xlgl.store import links

    open_rows = [r for r in rows if years.open_for_carry(r.target, r.status, day)]
    if not open_rows:
        return rows
    reports = ledger.reports()
    following = {r.key: getattr(years.next_report(reports, r.key), "key", None) for r in reports}
    carried = links.carried_to(ledger, [r.target for r in open_rows])
    return years.mark_for_carry(rows, day, carried, following)


@app.command()
def chase(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    owner: OwnerOption = None,
    lead_only: LeadOnlyOption = False,
    exit_code: ExitCodeOption = False,
    report_key: ReportOption = None,
) -> None:
    """催报清单：按牵头单位列出应报未报的目标（哪一期、应于何日报送）和联系人。
    有报送周期的目标按周期和出数滞后计，其余每月 report_day 日前报送上月进展。"""
    from xlgl import render
    from xlgl.filters import resolve_filters
    from xlgl.follow_up import chase as chase_rows
    from xlgl.store.reviews import latest_waiting

    day = as_of_date(as_of)
    with open_ledger(ctx) as ledger:
        chosen = resolve_filters(ledger, owner=owner, lead_only=lead_only)
        report = chosen_report(ledger, report_key, day)
        rows = status_of(ledger, day, report=report, owner=chosen["owner"], lead_only=lead_only)
        submitted = latest_waiting(ledger, day, report)  # reported, waiting for 销号
        owed = chase_rows(rows, day, report_day=ledger.settings().report_day, submitted=submitted)
    from xlgl.render_office import CHASE_FIELDS, chase_dict, print_chase

    if fmt is OutputFormat.json:
        render.write_json(map(chase_dict, owed))
    elif fmt is OutputFormat.csv:
        render.write_csv(map(chase_dict, owed), CHASE_FIELDS)
    else:
        print_chase(owed, day)
    if exit_code and owed:
        raise typer.Exit(EXIT_FOUND)


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
    lead_only: LeadOnlyOption = False,
    review: Annotated[
        bool,
        typer.Option(
            "--review", help="只列种子中标为待复核的目标（extract 起草时置信度低、须人工核对的）。"
        ),
    ] = False,
) -> None:
    """列出目标清单，按章节分组。"""
    from xlgl import render
    from xlgl.filters import resolve_filters

    with open_ledger(ctx) as ledger:
        chosen = resolve_filters(
            ledger, section=section, kind=kind, owner=owner, lead_only=lead_only
        )
        report = chosen_report(ledger, report_key, date.today())
        found = ledger.targets(
            report=report,
            search=search,
            section=chosen["section"],
            kind=chosen["kind"],
            owner=chosen["owner"],
            lead_only=lead_only,
        )
        if review:
            from xlgl.store.links import review_ids

            flagged = review_ids(ledger, report)
            found = [t for t in found if (t.report, t.id) in flagged]
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
    from xlgl import render, render_office
    from xlgl.store.office import due_changes

    day = as_of_date(as_of)
    with open_ledger(ctx) as ledger:
        found = find(ledger, target, chosen_report(ledger, report_key, day))
        row = status_of(ledger, day, target=found)[0]
        places = ledger.target_places(found)
        records = ledger.records(found)
        changes = due_changes(ledger, found)
        from xlgl.carryover import year_links
        from xlgl.cli.years import year_link_dict, year_link_facts

        links = year_links(ledger, found)
    if fmt is OutputFormat.table:
        from xlgl.render_detail import print_target_detail

        print_target_detail(row, places, records, links=year_link_facts(links))
        render_office.print_due_changes(changes)
    elif fmt is OutputFormat.json:
        data = render.status_dict(row) | {
            "co_owners": list(found.co_owners),
            "leader": found.leader,
            "contact": found.contact,
            "quote": found.quote,
            "offset": found.offset,
            "places": places,
            "records": [render.record_dict(r) for r in records],
            "due_changes": [render_office.due_change_dict(c) for c in changes],
            "years": [year_link_dict(link) for link in links],
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
    """全部记录（含作废记录），按录入先后；其后列出时限调整（原时限、新时限、理由、调整人），
    JSON 中按时间插在记录之间。"""
    from xlgl import render, render_office
    from xlgl.render_words import local_minute
    from xlgl.store.office import due_changes

    until = as_of_date(as_of) if as_of else None
    with open_ledger(ctx) as ledger:
        chosen = chosen_report(ledger, report_key, date.today())
        if target:
            found = find(ledger, target, chosen)
            records = ledger.records(found, until=until)
            changes = due_changes(ledger, found)
        else:
            records = ledger.records(report=chosen, until=until)
            changes = due_changes(ledger, report=chosen)
    if until is not None:
        changes = [c for c in changes if local_minute(c.changed_at)[:10] <= until.isoformat()]
    if fmt is OutputFormat.json:
        dicts = [render.record_dict(r) for r in records]
        render.write_json(render_office.with_due_changes(dicts, changes))
        return
    render.emit(render.RECORDS, records, fmt, wide=wide)
    if fmt is OutputFormat.table:
        render_office.print_due_changes(changes)
