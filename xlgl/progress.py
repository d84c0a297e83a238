"""The rules: completion, time progress, expected progress, status and its reasons.

Everything here is a pure function of (target, its records, as-of date, settings): no I/O, no clock.
The ledger finds each target's latest figure (in SQL, for speed); `latest_actual` is the same rule
in Python, and the tests hold the two to each other.

Status, first that applies (DESIGN.md): met, overdue, at_risk, no_data, on_track.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from xlgl.model import (  # noqa: F401  (re-exported until the rules move out)
    COMPARATORS,
    DIRECTIONS,
    KINDS,
    SETTING_NAMES,
    TARGET_FIELDS,
    Actual,
    Settings,
    Target,
)
from xlgl.units import format_value

MET = "met"
OVERDUE = "overdue"
AT_RISK = "at_risk"
NO_DATA = "no_data"
ON_TRACK = "on_track"
STATUSES = (MET, OVERDUE, AT_RISK, NO_DATA, ON_TRACK)
STATUS_LABELS = {
    MET: "已完成",
    OVERDUE: "逾期",
    AT_RISK: "预警",
    NO_DATA: "未报送",
    ON_TRACK: "正常",
}

DAYS_PER_MONTH = 365.25 / 12
DEFAULT_SETTINGS = Settings()


@dataclass(slots=True)
class Reason:
    code: str  # overdue | behind | due_soon | stale | silent | pace | tolerance
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
    expected: float
    status: str
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def shortfall(self) -> float:
        """Percentage points behind the expected completion (0 when ahead or without data)."""
        if self.completion is None:
            return 0.0
        return max(0.0, self.expected - self.completion)


def latest_actual(records: Iterable[Actual], as_of: date) -> Actual | None:
    """The non-voided record with the greatest as_of not after `as_of`; ties: recorded last."""
    candidates = [r for r in records if not r.voided and r.as_of <= as_of]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r.as_of, r.recorded_at, r.id))


def time_progress(start: date, due: date, as_of: date) -> float:
    """Days from start to as_of, inclusive, over days from start to due, inclusive; in [0, 1]."""
    total = (due - start).days + 1
    if total <= 0:
        return 1.0
    elapsed = (as_of - start).days + 1
    return min(1.0, max(0.0, elapsed / total))


# evaluate's: 100,000 targets share a handful of (start, due) pairs, and one as-of date.
_time_progress = lru_cache(maxsize=4096)(time_progress)


def completion(target: Target, actual: float | None) -> float | None:
    """完成率: actual over target (direction up), or target over actual when more is worse."""
    if actual is None:
        return None
    goal = target.value
    if target.direction == "down":
        if actual <= goal:
            return 1.0
        return goal / actual
    if goal == 0:
        return 1.0 if actual >= 0 else 0.0
    return actual / goal


def tolerance_for(target: Target, settings: Settings) -> float:
    """The tolerance that applies to an approx or stable target (0 for the others)."""
    if target.comparator not in ("approx", "stable"):
        return 0.0
    if target.tolerance is not None:
        return target.tolerance
    return settings.approx_tolerance if target.comparator == "approx" else settings.stable_tolerance


def threshold(target: Target, settings: Settings) -> float:
    """The figure that meets the target: the value, widened by the tolerance on the good side."""
    tolerance = tolerance_for(target, settings)
    if target.direction == "down":
        return target.value * (1 + tolerance)
    return target.value * (1 - tolerance)


def is_met(target: Target, actual: float | None, settings: Settings) -> bool:
    if actual is None:
        return False
    if target.direction == "down":
        return actual <= threshold(target, settings)
    return actual >= threshold(target, settings)


def expected_completion(target: Target, progress: float, as_of: date) -> float:
    """How far the target should be by now, as a completion rate (时间过半、任务过半)."""
    if target.kind in ("growth", "share"):
        return 1.0
    if target.kind == "milestone" and target.value <= 1:
        return 1.0 if as_of >= target.due else 0.0
    if target.kind == "level" and target.baseline is not None and target.value:
        base = target.baseline
        return (base + (target.value - base) * progress) / target.value
    return progress


def evaluate(
    target: Target, latest: Actual | None, as_of: date, settings: Settings = DEFAULT_SETTINGS
) -> Evaluation:
    """The status row of one target as of a date, given its latest figure (see latest_actual).

    Status, first that applies: met, overdue, at_risk, no_data, on_track. Reasons are written
    only where they explain a status: met within the tolerance, overdue, at risk."""
    value = None if latest is None else latest.value
    progress = _time_progress(target.start, target.due, as_of)
    expected = expected_completion(target, progress, as_of)
    rate = completion(target, value)

    if value is not None and is_met(target, value, settings):
        status = MET
        reasons: list[Reason] = []
        if (target.direction == "up" and value < target.value) or (
            target.direction == "down" and value > target.value
        ):
            tolerance = tolerance_for(target, settings)
            reasons.append(Reason("tolerance", f"在容差 {_pct(tolerance)} 内视为完成"))
    elif as_of > target.due:
        status = OVERDUE
        days = (as_of - target.due).days
        reasons = [Reason("overdue", f"逾期 {days} 天" + ("（未报送）" if latest is None else ""))]
    else:
        reasons = _risks(target, latest, rate, expected, progress, as_of, settings)
        if reasons:
            status = AT_RISK
        elif latest is None:
            status = NO_DATA
        else:
            status = ON_TRACK

    if status in (OVERDUE, AT_RISK) and target.kind == "flow":
        pace = _pace_needed(target, value, as_of)
        if pace:
            reasons.append(pace)

    return Evaluation(
        target=target,
        as_of=as_of,
        latest=value,
        latest_as_of=None if latest is None else latest.as_of,
        completion=rate,
        time_progress=progress,
        expected=expected,
        status=status,
        reasons=tuple(reasons),
    )


def _risks(
    target: Target,
    latest: Actual | None,
    rate: float | None,
    expected: float,
    progress: float,
    as_of: date,
    settings: Settings,
) -> list[Reason]:
    reasons = []
    if rate is not None and rate < expected - settings.behind_threshold:
        points = (expected - rate) * 100
        reasons.append(Reason("behind", f"落后时间进度 {points:.1f} 个百分点"))
    days_left = (target.due - as_of).days
    if days_left <= settings.due_soon_days:
        reasons.append(Reason("due_soon", f"距时限 {days_left} 天"))
    if latest is not None:
        silent_days = (as_of - latest.as_of).days
        if silent_days >= settings.stale_days:
            reasons.append(
                Reason("stale", f"{silent_days} 天未报送（最近一次 {latest.as_of.isoformat()}）")
            )
    elif progress > 0.75:
        reasons.append(Reason("silent", "从未报送，剩余时间不足四分之一"))
    return reasons


def _pace_needed(target: Target, value: float | None, as_of: date) -> Reason | None:
    """For a flow target: the monthly amount still needed to finish by the due date."""
    remaining = target.value - (value or 0.0)
    days_left = (target.due - as_of).days
    if remaining <= 0 or days_left <= 0:
        return None
    months_left = max(1.0, days_left / DAYS_PER_MONTH)
    per_month = round(remaining / months_left, 2)
    return Reason("pace", f"剩余月份需月均完成 {format_value(per_month, target.unit)}")


_SEVERITY_RANK = {OVERDUE: 0, AT_RISK: 1, NO_DATA: 2, ON_TRACK: 3, MET: 4}


def severity(row: Evaluation) -> tuple:
    """Sort key, worst first: overdue before at risk; then longest overdue / furthest behind."""
    rank = _SEVERITY_RANK[row.status]
    days_over = (row.as_of - row.target.due).days if row.status == OVERDUE else 0
    completion_now = row.completion if row.completion is not None else -1.0
    return (rank, -days_over, -row.shortfall, completion_now, row.target.due, row.target.id)


def summarize(rows: Iterable[Evaluation]) -> dict[str, int]:
    """Counts per status, every status present (0 where none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def _pct(fraction: float) -> str:
    return f"{fraction * 100:g}%"
