"""Words people read: a target as the report words it, a share, a short date, a status summary,
a recorded time in local minutes; plain text shared by tables, `show`, workbook, bulletin and 报送表."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from xlgl.model import Target
from xlgl.progress import Evaluation, summarize
from xlgl.units import format_number, format_value
from xlgl.words import STATUS_LABELS, STATUSES

COMPARATOR_WORDS = {
    "at_least": "{}以上",
    "at_most": "{}以内",
    "approx": "{}左右",
    "reach": "{}",
    "stable": "稳定在{}",
}


def target_text(target: Target) -> str:
    """The target as the report words it: 1.4亿吨左右, 2000万千瓦以上, 5%以内, 1—2家."""
    if target.comparator == "range" and target.value_hi is not None:
        return f"{format_number(target.value)}—{format_value(target.value_hi, target.unit)}"
    pattern = COMPARATOR_WORDS.get(target.comparator, "{}")
    return pattern.format(format_value(target.value, target.unit))


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def short_date(day: date | None, as_of: date) -> str:
    """09-30 within the as-of year, the full date otherwise."""
    if day is None:
        return ""
    return day.isoformat()[5:] if day.year == as_of.year else day.isoformat()


def summary_line(rows: Sequence[Evaluation], as_of: date) -> str:
    """The counts per status worth saying, worst first: a line people paste into a message."""
    counts = summarize(rows)
    parts = " · ".join(f"{STATUS_LABELS[s]} {counts[s]}" for s in STATUSES if counts[s])
    return f"截至 {as_of.isoformat()}，共 {len(rows)} 个目标" + (f"：{parts}" if parts else "")


def local_minute(recorded_at: str) -> str:
    """A UTC timestamp as local time to the minute: 2024-10-08T01:02:03+00:00 → 2024-10-08 09:02
    in Asia/Shanghai. Text that is not a timestamp is shown as it is (cut to the minute)."""
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(recorded_at.replace("Z", "+00:00"))
    except ValueError:
        return recorded_at[:16].replace("T", " ")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
