"""督办: who must report what by when (the chase list, 催报), and one line per department.

Pure functions over status rows (xlgl/progress.py): no I/O, the date is an argument.

When a figure is due:
- a target with a reporting calendar (frequency month, quarter, half, year) owes the figure of the
  period after its latest one by `next_report_due` (period end + lag_days);
- an `event` target (a milestone, reported when it happens) owes a monthly progress report: the
  figure as of the end of each month, by the ledger's `report_day` of the next month (default the
  5th), until it is met.
A target is chased when that date has passed and the figure is missing; met and finished targets
owe nothing. A figure the department has submitted and the office has not yet verified (销号) is
not missing: the department has reported, the office owes the check (`xlgl pending`).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from xlgl.progress import Evaluation
from xlgl.rules import next_report_due
from xlgl.words import MET, MET_LATE, MISSED, NO_OWNER, STATUSES

DEFAULT_REPORT_DAY = 5  # 每月5日前报送上月进展


@dataclass(frozen=True)
class ChaseRow:
    owner: str
    contact: str | None
    id: str
    indicator: str
    period_end: date  # the date the missing figure is as of
    report_due: date  # when it should have arrived
    report: str = ""


def chase(
    rows: Iterable[Evaluation],
    as_of: date,
    *,
    report_day: int = DEFAULT_REPORT_DAY,
    submitted: Mapping[tuple[str, str], date] | None = None,
) -> list[ChaseRow]:
    """Every target whose figure is due and missing as of `as_of`, by owner, then report order.
    `submitted`: per (report, target), the latest date of a figure that waits for verification."""
    found = []
    waiting = submitted or {}
    for row in rows:
        owed = _owed(row, as_of, report_day, waiting.get((row.target.report, row.target.id)))
        if owed is None:
            continue
        target = row.target
        found.append(
            ChaseRow(
                owner=target.owner or NO_OWNER,
                contact=target.contact,
                id=target.id,
                indicator=target.indicator,
                period_end=owed[0],
                report_due=owed[1],
                report=target.report,
            )
        )
    order = {row.id: n for n, row in enumerate(found)}
    found.sort(key=lambda r: (r.owner == NO_OWNER, r.owner, order[r.id]))
    return found


def _owed(
    row: Evaluation, as_of: date, report_day: int, submitted: date | None = None
) -> tuple[date, date] | None:
    """(period end, report due) of the figure `row` owes as of `as_of`, or None; `submitted` is
    the latest date of a figure reported and waiting for verification."""
    target = row.target
    if row.status in (MET, MET_LATE, MISSED) or target.retired:
        return None
    latest = row.latest_as_of
    if submitted is not None and (latest is None or submitted > latest):
        latest = submitted
    if target.frequency != "event":
        due = row.next_report_due if latest == row.latest_as_of else next_report_due(target, latest)
        if due is None or as_of <= due:
            return None
        return due - timedelta(days=target.lag_days), due
    # an event target: the progress report of the last month whose report day has passed
    month_end = _month_end_before(as_of, report_day)
    period_end = min(month_end, target.due)
    if period_end < target.start:
        return None
    if latest is not None and latest >= period_end:
        return None
    # due on report_day of the month after period_end's month (a due date of 4-15: by 5-05)
    month_last = calendar.monthrange(period_end.year, period_end.month)[1]
    following = period_end.replace(day=month_last) + timedelta(days=1)
    return period_end, date(following.year, following.month, min(report_day, 28))


def _month_end_before(as_of: date, report_day: int) -> date:
    """The end of the last month whose report (due on `report_day` of the next month) is late."""
    first = as_of.replace(day=1)
    previous_end = first - timedelta(days=1)
    if as_of.day > report_day:
        return previous_end
    before = previous_end.replace(day=1) - timedelta(days=1)
    return before.replace(day=calendar.monthrange(before.year, before.month)[1])


@dataclass
class OwnerLine:
    """One department: counts per status, average completion, how many reported."""

    owner: str
    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    reported: int = 0
    completion_all: float = 0.0  # mean over all its targets, a target without a figure as 0
    completion_reported: float | None = None  # mean over the targets with a figure


def by_owner(rows: Sequence[Evaluation], *, lead_only: bool = True) -> list[OwnerLine]:
    """One line per owner (牵头单位; with lead_only False, 配合单位 count too), worst first:
    most overdue and missed, then lowest completion. Completion is capped at 100% per target so
    one target far over its goal does not hide another's shortfall."""
    lines: dict[str, OwnerLine] = {}
    sums: dict[str, float] = {}
    for row in rows:
        names = [row.target.owner or NO_OWNER]
        if not lead_only:
            names += [name for name in row.target.co_owners if name not in names]
        for name in names:
            line = lines.setdefault(name, OwnerLine(name))
            line.total += 1
            line.counts[row.status] += 1
            if row.completion is not None:
                line.reported += 1
                sums[name] = sums.get(name, 0.0) + min(1.0, row.completion)
    for name, line in lines.items():
        total = sums.get(name, 0.0)
        line.completion_all = total / line.total if line.total else 0.0
        line.completion_reported = total / line.reported if line.reported else None
    return sorted(
        lines.values(),
        key=lambda line: (
            line.owner == NO_OWNER,
            -(line.counts["overdue"] + line.counts["missed"]),
            -line.counts["at_risk"],
            line.completion_all,
            line.owner,
        ),
    )
