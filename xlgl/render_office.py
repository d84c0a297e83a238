"""The office's listings (issue 13) in table, JSON and CSV: one line per department
(`status --by owner`, from follow_up.by_owner) and the trace of changed due dates (`show`,
`history`). Rendering only: the figures come computed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from xlgl.render import FRACTION_DIGITS, View
from xlgl.render_tables import console, print_folded, print_grid, print_title
from xlgl.render_words import local_minute
from xlgl.words import AT_RISK, OVERDUE, STATUS_LABELS, STATUSES

if TYPE_CHECKING:
    from datetime import date

    from xlgl.follow_up import ChaseRow, OwnerLine
    from xlgl.store.office import DueChange

OWNER_FIELDS = [
    "owner",
    "total",
    *STATUSES,
    "reported",
    "completion_all",
    "completion_reported",
]
DUE_CHANGE_FIELDS = ["kind", "report", "target", "old_due", "new_due", "reason", "by", "changed_at"]


def owner_dict(line: OwnerLine) -> dict[str, Any]:
    return {
        "owner": line.owner,
        "total": line.total,
        **{status: line.counts.get(status, 0) for status in STATUSES},
        "reported": line.reported,
        "completion_all": round(line.completion_all, FRACTION_DIGITS),
        "completion_reported": None
        if line.completion_reported is None
        else round(line.completion_reported, FRACTION_DIGITS),
    }


def print_owner_table(
    lines: Sequence[OwnerLine], *, title: str = "各单位情况", lead_only: bool = True, **_: Any
) -> None:
    from xlgl.grid import Column, clean
    from xlgl.render_words import percent

    shown = [s for s in STATUSES if s in (OVERDUE, AT_RISK) or any(x.counts[s] for x in lines)]
    columns = (
        Column("单位", style="cyan", fold=12, soft=20),
        Column("目标数", align="right"),
        *(Column(STATUS_LABELS[s], align="right") for s in shown),
        Column("已报送", align="right"),
        Column("全部目标平均完成率", align="right"),
        Column("已报送平均完成率", align="right"),
    )
    rows = [
        (
            clean(line.owner),
            str(line.total),
            *(str(line.counts[s]) for s in shown),
            str(line.reported),
            percent(line.completion_all),
            percent(line.completion_reported),
        )
        for line in lines
    ]
    out = console()
    print_title(out, title)
    print_grid(out, columns, rows, out.width, False)
    counted = "只计牵头单位" if lead_only else "牵头与配合单位各计一次"
    print_folded(
        out,
        f"共 {len(lines)} 个单位（{counted}）；全部目标平均完成率把未报送的目标按 0 计，"
        "超过100%的按100%计",
    )


OWNERS = View(OWNER_FIELDS, owner_dict, print_owner_table)


def due_change_dict(change: DueChange) -> dict[str, Any]:
    return {
        "kind": "due_change",
        "report": change.report,
        "target": change.target,
        "old_due": change.old_due.isoformat(),
        "new_due": change.new_due.isoformat(),
        "reason": change.reason,
        "by": change.by,
        "changed_at": change.changed_at,
    }


def print_due_changes(changes: Sequence[DueChange], *, title: str = "时限调整") -> None:
    """Each change of a due date: old → new, the reason, who and when (local time)."""
    from xlgl.grid import Column, clean

    if not changes:
        return
    columns = (
        Column("目标", style="cyan", fold=12, soft=20),
        Column("原时限"),
        Column("新时限"),
        Column("理由", fold=12, soft=24),
        Column("调整人", fold=6, soft=8),
        Column("调整时间"),
    )
    rows = [
        (
            clean(c.target),
            c.old_due.isoformat(),
            c.new_due.isoformat(),
            clean(c.reason),
            clean(c.by or ""),
            local_minute(c.changed_at),
        )
        for c in changes
    ]
    out = console()
    out.print()
    print_title(out, title)
    print_grid(out, columns, rows, out.width, False)
    print_folded(out, f"共 {len(changes)} 次时限调整")


def with_due_changes(
    records: Sequence[dict[str, Any]], changes: Sequence[DueChange]
) -> list[dict[str, Any]]:
    """History as JSON: the records in their order, each due-date change (`kind`
    `due_change`) placed before the first record entered after it."""
    merged: list[dict[str, Any]] = []
    pending = sorted(changes, key=lambda c: c.changed_at)
    for record in records:
        while pending and pending[0].changed_at <= str(record.get("recorded_at") or ""):
            merged.append(due_change_dict(pending.pop(0)))
        merged.append(record)
    merged += [due_change_dict(c) for c in pending]
    return merged


#: The columns of `xlgl pending --format json|csv`: the records that wait for 销号.
PENDING_FIELDS = (
    "id", "target", "indicator", "value", "unit", "as_of", "by", "recorded_at", "owner", "report",
    "source",
)  # fmt: skip


def print_pending(rows: list[dict[str, Any]], *, wide: bool = False) -> None:
    """The records that wait for 销号, oldest first (xlgl pending)."""
    from xlgl.grid import Column
    from xlgl.units import format_value

    out = console()
    columns = (
        Column("#", align="right"),
        Column("目标", style="cyan", fold=12, soft=20),
        Column("指标", fold=8, soft=16, drop=2),
        Column("数值", align="right"),
        Column("截至"),
        Column("录入人", fold=6, soft=8),
        Column("录入时间", drop=1),
    )
    lines = [
        (
            str(row["id"]),
            row["target"],
            row["indicator"],
            format_value(row["value"], row["unit"]),
            row["as_of"],
            row["by"] or "",
            local_minute(row["recorded_at"]),
        )
        for row in rows
    ]
    print_title(out, "待复核的实绩")
    if lines:
        print_grid(out, columns, lines, out.width, wide)
    print_folded(out, f"共 {len(rows)} 条待复核" + ("（xlgl verify 编号 复核）" if rows else ""))


#: The columns of `xlgl chase --format json|csv` (a mail merge: one row per figure owed).
CHASE_FIELDS = ("owner", "contact", "id", "indicator", "period_end", "report_due", "report")


def chase_dict(row: ChaseRow) -> dict[str, Any]:
    return {
        "owner": row.owner,
        "contact": row.contact,
        "id": row.id,
        "indicator": row.indicator,
        "period_end": row.period_end.isoformat(),
        "report_due": row.report_due.isoformat(),
        "report": row.report,
    }


def print_chase(owed: Sequence[ChaseRow], day: date) -> None:
    """The chase list by department, each headed by a contact to call (the first of its
    targets' contacts), then what each owes and by when."""
    from xlgl.grid import clean

    out = console()
    print_title(out, f"催报清单（截至 {day.isoformat()}）")
    contacts: dict[str, str] = {}
    for row in owed:
        if row.contact and row.owner not in contacts:
            contacts[row.owner] = row.contact
    current = None
    for row in owed:
        if row.owner != current:
            current = row.owner
            contact = f"（联系人：{clean(contacts[row.owner])}）" if row.owner in contacts else ""
            print_folded(out, f"{clean(row.owner)}{contact}")
        print_folded(
            out,
            f"{row.id}  {clean(row.indicator)}：截至 {row.period_end.isoformat()} 的数据"
            f"应于 {row.report_due.isoformat()} 前报送",
            first="  ",
            indent="    ",
        )
    owners = len({row.owner for row in owed})
    print_folded(out, f"共 {len(owed)} 个目标应报未报，涉及 {owners} 个单位")
