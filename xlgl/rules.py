"""The rules of a target's year, as pure functions: completion, time progress, expected progress,
when a figure meets the target, and the reporting calendar.

No I/O and no clock: every function takes the date it judges at. The status of a target, which
combines these, is `xlgl.evaluate`. The rules are written for people in docs/rules.md; the two
must say the same thing.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache

from xlgl.model import Actual, Settings, Target


def latest_actual(records: Sequence[Actual], as_of: date) -> Actual | None:
    """The non-voided record with the greatest as_of not after `as_of`; ties: recorded last."""
    candidates = [r for r in records if not r.voided and r.as_of <= as_of]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r.as_of, r.recorded_at, r.id))


def live_figures(records: Sequence[Actual], as_of: date) -> list[Actual]:
    """The non-voided records not after `as_of`, oldest first (the order latest_actual ranks)."""
    live = [r for r in records if not r.voided and r.as_of <= as_of]
    live.sort(key=lambda r: (r.as_of, r.recorded_at, r.id))
    return live


@lru_cache(maxsize=4096)  # 100,000 targets share a handful of (start, due, as_of) triples
def time_progress(start: date, due: date, as_of: date) -> float:
    """Days from start to as_of, inclusive, over days from start to due, inclusive; in [0, 1]."""
    total = (due - start).days + 1
    if total <= 0:
        return 1.0
    elapsed = (as_of - start).days + 1
    return min(1.0, max(0.0, elapsed / total))


def completion(target: Target, actual: float | None) -> float | None:
    """完成率: actual over target (direction up), or target over actual when more is worse."""
    if actual is None:
        return None
    goal = target.value
    if target.direction == "down":
        if actual <= goal:
            return 1.0
        return goal / actual if actual else 1.0
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


def is_met(target: Target, actual: float | None, settings: Settings) -> bool:
    """at_least/reach/range: actual ≥ value (a range's lower bound); at_most: actual ≤ value;
    approx: within the tolerance on the good side or beyond; stable: inside the two-sided band."""
    if actual is None:
        return False
    tolerance = tolerance_for(target, settings)
    if target.comparator == "stable":
        return abs(actual - target.value) <= tolerance * abs(target.value) + _EPSILON
    if target.direction == "down":
        return actual <= target.value * (1 + tolerance) + _EPSILON
    return actual >= target.value * (1 - tolerance) - _EPSILON


# Figures are stored rounded to 6 decimals: 5.7 against 6 × 0.95 = 5.699999999999999 is met.
_EPSILON = 1e-9


def within_tolerance_only(target: Target, actual: float) -> bool:
    """Met only thanks to the tolerance (so the row says so)."""
    if target.comparator not in ("approx", "stable"):
        return False
    if target.comparator == "stable":
        return actual != target.value
    if target.direction == "down":
        return actual > target.value
    return actual < target.value


def is_single_milestone(target: Target) -> bool:
    """One thing to start, finish or approve: nothing is expected of it until its due date."""
    return target.kind == "milestone" and target.value <= 1


def expected_completion(target: Target, as_of: date) -> float:
    """How far the target should be at `as_of`, as a completion rate (时间过半、任务过半)."""
    if target.kind in ("growth", "share"):
        return 1.0
    if is_single_milestone(target):
        return 1.0 if as_of >= target.due else 0.0
    progress = time_progress(target.start, target.due, as_of)
    if target.kind == "level" and target.baseline is not None and target.value:
        base = target.baseline
        return (base + (target.value - base) * progress) / target.value
    return progress


def met_on(target: Target, figures: Sequence[Actual], settings: Settings) -> date | None:
    """The as_of of the earliest live figure after which every live figure meets the target;
    None when the latest does not. `figures`: live figures, oldest first."""
    found = None
    for figure in reversed(figures):
        if not is_met(target, figure.value, settings):
            break
        found = figure.as_of
    return found


# --- the reporting calendar ---------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


_PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6}


def period_end_on_or_after(frequency: str, day: date, due: date) -> date | None:
    """The first period end on or after `day` (capped at the due date, always the last period
    end); None for `event` targets. month → each month's last day; quarter → 03-31, 06-30,
    09-30, 12-31; half → 06-30, 12-31; year → the due date."""
    if frequency == "event":
        return None
    if frequency == "year" or day >= due:
        return due
    step = _PERIOD_MONTHS[frequency]
    month = ((day.month - 1) // step + 1) * step  # the last month of day's period
    end = _month_end(day.year, month)
    return min(end, due)


def period_end_after(frequency: str, day: date, due: date) -> date | None:
    """The first period end strictly after `day`; None past the due date or for events."""
    if frequency == "event" or day >= due:
        return None
    return period_end_on_or_after(frequency, day + timedelta(days=1), due)


def next_report_due(target: Target, latest_as_of: date | None) -> date | None:
    """When the next figure should have arrived: the end of the period after the latest figure
    (or the first period end from the start when there is none) plus the publication lag. None
    for event targets and once a figure for the due date or later exists."""
    if target.frequency == "event":
        return None
    if latest_as_of is None:
        end = period_end_on_or_after(target.frequency, target.start, target.due)
    else:
        end = period_end_after(target.frequency, latest_as_of, target.due)
    if end is None:
        return None
    return end + timedelta(days=target.lag_days)


def final_figure_due(target: Target) -> date:
    """When the figure for the due date itself is normally published."""
    return target.due + timedelta(days=target.lag_days)
