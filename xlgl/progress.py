"""A target's status row: the verdict of the rules (xlgl/rules.py) on one target, its figures and a
date, with the reasons a reader needs. Pure: no I/O, no clock.

Status, first that applies (docs/rules.md):
1. met / met_late — the latest figure meets the target (met_late when it first did after the due);
2. after the due date, not met — a milestone is overdue; any other target is missed with its
   final figure, awaiting until due + lag_days, then overdue (应报未报);
3. at_risk — on or before the due date: behind, below target, over the cap, out of the band,
   a report late, or an event target silent with under a quarter of its period left;
4. no_data — no figure yet;
5. on_track.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from xlgl import rules
from xlgl.model import Actual, Settings, Target
from xlgl.units import format_number, format_value, is_counting_unit
from xlgl.words import (
    AT_RISK,
    AWAITING,
    MET,
    MET_LATE,
    MISSED,
    NO_DATA,
    ON_TRACK,
    OVERDUE,
    STATUSES,
)

DAYS_PER_MONTH = 365.25 / 12
DEFAULT_SETTINGS = Settings()

# The order of `reasons` within a row (and of `reason_codes`).
REASON_CODES = (
    "behind",
    "below_target",
    "over_cap",
    "out_of_band",
    "late_report",
    "silent",
    "due_soon",
    "overdue",
    "missed",
    "pace",
    "tolerance",
    "carry",  # a milestone of a finished year, open for 结转 (xlgl/years.py)
)
_REASON_ORDER = {code: n for n, code in enumerate(REASON_CODES)}


@dataclass(slots=True)
class Reason:
    code: str  # one of REASON_CODES
    text: str  # what the table and the bulletin show, in Chinese


@dataclass(slots=True)
class Evaluation:
    """One status row: the target with its figure and what the rules make of it."""

    target: Target
    as_of: date
    latest: float | None
    latest_as_of: date | None
    completion: float | None
    time_progress: float
    expected: float  # expected completion at as_of (for the reader)
    expected_at_latest: float | None  # expected completion at the latest figure's date (judged)
    status: str
    reasons: tuple[Reason, ...] = field(default=())
    met_on: date | None = None
    next_report_due: date | None = None
    light: str = "grey"
    final: bool = False
    gap: float = 0.0  # how far short of what was expected, as a fraction (0.315 = 31.5 points)

    @property
    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]


def latest_actual(records: Iterable[Actual], as_of: date) -> Actual | None:
    return rules.latest_actual(list(records), as_of)


def evaluate(
    target: Target,
    latest: Actual | None,
    as_of: date,
    settings: Settings = DEFAULT_SETTINGS,
    figures: Sequence[Actual] | None = None,
) -> Evaluation:
    """The status row of one target as of a date, given its latest live figure not after that date
    and, when known, all its live figures up to then, oldest first (for `met_on`; without them a
    met target counts as met since its latest figure)."""
    value = None if latest is None else latest.value
    rate = rules.completion(target, value)
    progress = rules.time_progress(target.start, target.due, as_of)
    expected = rules.expected_completion(target, as_of)
    expected_at_latest = None if latest is None else rules.expected_completion(target, latest.as_of)
    report_due = rules.next_report_due(target, None if latest is None else latest.as_of)
    after_due = as_of > target.due
    reasons: list[Reason] = []
    met_since = None
    gap = 0.0

    if latest is not None and rules.is_met(target, latest.value, settings):
        met_since = rules.met_on(target, figures or [latest], settings) or latest.as_of
        status = MET_LATE if met_since > target.due else MET
        if rules.within_tolerance_only(target, latest.value):
            tolerance = rules.tolerance_for(target, settings)
            reasons.append(Reason("tolerance", f"在容差 ±{_pct(tolerance)} 内视为完成"))
    elif after_due:
        status, reasons = _after_due(target, latest, as_of, report_due)
    else:
        reasons, gap = _risks(target, latest, rate, expected_at_latest, progress, as_of, settings)
        reasons += _late(target, latest, as_of, report_due, progress)
        if reasons:
            status = AT_RISK
        elif latest is None:
            status = NO_DATA
        else:
            status = ON_TRACK

    days_left = (target.due - as_of).days
    if status in (AT_RISK, NO_DATA, ON_TRACK) and 0 <= days_left <= settings.due_soon_days:
        reasons.append(Reason("due_soon", f"距时限 {days_left} 天"))
    if target.kind == "flow" and (status == OVERDUE or any(r.code == "behind" for r in reasons)):
        pace = _pace_needed(target, value, as_of)
        if pace:
            reasons.append(pace)
    reasons.sort(key=lambda r: _REASON_ORDER[r.code])

    return Evaluation(
        target=target,
        as_of=as_of,
        latest=value,
        latest_as_of=None if latest is None else latest.as_of,
        completion=rate,
        time_progress=progress,
        expected=expected,
        expected_at_latest=expected_at_latest,
        status=status,
        reasons=tuple(reasons),
        met_on=met_since,
        next_report_due=report_due,
        light=_light(status, reasons, gap, settings),
        final=after_due and status in (MET, MET_LATE, MISSED),
        gap=gap,
    )


def _after_due(
    target: Target, latest: Actual | None, as_of: date, report_due: date | None
) -> tuple[str, list[Reason]]:
    """The verdict once the due date has passed and the target is not met."""
    if target.kind == "milestone":
        days = (as_of - target.due).days
        return OVERDUE, [
            Reason("overdue", f"逾期 {days} 天" + ("，未报送" if latest is None else ""))
        ]
    if latest is not None and latest.as_of >= target.due:
        return MISSED, [Reason("missed", "未完成：" + _shortfall(target, latest.value))]
    final_due = rules.final_figure_due(target)
    if as_of <= final_due:
        return AWAITING, []
    return OVERDUE, [
        Reason(
            "late_report",
            f"应报未报：截至 {target.due.isoformat()} 的数据应于 {final_due.isoformat()} 前报送",
        )
    ]


def _risks(
    target: Target,
    latest: Actual | None,
    rate: float | None,
    expected_at_latest: float | None,
    progress: float,
    as_of: date,
    settings: Settings,
) -> tuple[list[Reason], float]:
    """The one shortfall reason that applies by comparator, judged at the figure's own date, and
    how far short it is (a fraction, for the light)."""
    if latest is None or rate is None:
        return [], 0.0
    value = latest.value
    if target.comparator == "stable":
        side = "高于" if value > target.value else "低于"
        band = _pct(rules.tolerance_for(target, settings))
        return [
            Reason("out_of_band", f"{side}目标 {_difference(target, value)}（允许 ±{band}）")
        ], 0.0
    if target.comparator == "at_most" or target.direction == "down":
        return [Reason("over_cap", f"超出上限 {_difference(target, value)}")], 1 - rate
    if target.kind in ("growth", "share"):
        gap = 1 - rate
        if gap > settings.behind_threshold:
            return [Reason("below_target", f"低于目标 {_difference(target, value)}")], gap
        return [], gap
    expected = expected_at_latest if expected_at_latest is not None else 0.0
    gap = expected - rate
    if gap > settings.behind_threshold:
        text = f"落后时间进度 {gap * 100:.1f} 个百分点（截至 {latest.as_of.isoformat()}）"
        return [Reason("behind", text)], gap
    return [], max(0.0, gap)


def _late(
    target: Target, latest: Actual | None, as_of: date, report_due: date | None, progress: float
) -> list[Reason]:
    if report_due is not None and as_of > report_due:
        period_end = report_due - timedelta(days=target.lag_days)
        return [
            Reason(
                "late_report",
                f"应报未报：截至 {period_end.isoformat()} 的数据应于 {report_due.isoformat()} 前报送",
            )
        ]
    if target.frequency == "event" and latest is None and progress > 0.75:
        return [Reason("silent", "从未报送，剩余时间不足四分之一")]
    return []


def _difference(target: Target, value: float) -> str:
    """The distance between a figure and the target value, as a reader says it: 个百分点 for
    percent units, else the amount in the target's unit."""
    distance = abs(value - target.value)
    if target.unit == "%":
        return f"{distance:.1f} 个百分点"
    if is_counting_unit(target.unit):
        return format_value(math.ceil(distance - 1e-9), target.unit)
    return format_value(round(distance, 4), target.unit)


def _shortfall(target: Target, value: float) -> str:
    if target.comparator == "stable":
        side = "高于" if value > target.value else "低于"
        return f"{side}目标 {_difference(target, value)}"
    if target.comparator == "at_most" or target.direction == "down":
        return f"超出上限 {_difference(target, value)}"
    rate = rules.completion(target, value)
    done = "" if rate is None else f"，完成率 {format_number(round(rate * 100, 1))}%"
    return f"低于目标 {_difference(target, value)}{done}"


def _pace_needed(target: Target, value: float | None, as_of: date) -> Reason | None:
    """For a flow target: the monthly amount still needed to finish by the due date."""
    remaining = target.value - (value or 0.0)
    days_left = (target.due - as_of).days
    if remaining <= 0 or days_left <= 0:
        return None
    months_left = max(1.0, days_left / DAYS_PER_MONTH)
    per_month = remaining / months_left
    if is_counting_unit(target.unit):
        shown = format_value(math.ceil(per_month - 1e-9), target.unit)
    else:
        shown = format_value(round(per_month, 2), target.unit)
    return Reason("pace", f"剩余月份需月均完成 {shown}")


def _light(status: str, reasons: Sequence[Reason], gap: float, settings: Settings) -> str:
    """红 overdue, missed, or short by more than red_threshold; 黄 other risks; 蓝 due soon
    while on track or unreported; 绿 met or on track; 灰 no data or awaiting."""
    if status in (OVERDUE, MISSED):
        return "red"
    if status == AT_RISK:
        return "red" if gap > settings.red_threshold else "yellow"
    due_soon = any(r.code == "due_soon" for r in reasons)
    if status in (ON_TRACK, NO_DATA) and due_soon:
        return "blue"
    if status in (MET, MET_LATE, ON_TRACK):
        return "green"
    return "grey"


_STATUS_RANK = {status: n for n, status in enumerate(STATUSES)}
_LIGHT_RANK = {"red": 0, "yellow": 1, "blue": 2, "green": 3, "grey": 4}


def severity(row: Evaluation) -> tuple:
    """Sort key, worst first: by status (overdue, missed, at risk …), red before yellow, longest
    overdue, furthest behind, then report order of due date and id."""
    days_over = (row.as_of - row.target.due).days if row.status == OVERDUE else 0
    completion_now = row.completion if row.completion is not None else -1.0
    return (
        _STATUS_RANK[row.status],
        _LIGHT_RANK[row.light],
        -days_over,
        -row.gap,
        completion_now,
        row.target.due,
        row.target.id,
    )


def summarize(rows: Iterable[Evaluation]) -> dict[str, int]:
    """Counts per status, every status present (0 where none), worst first."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def _pct(fraction: float) -> str:
    return f"{fraction * 100:g}%"
