"""From one year's report to the next (issue 12, part 3), as plain functions: which earlier
target a new one continues, the earlier target's final figure, and carrying an open target over.

The rules:
- The previous report of a report is the latest of the ledger's reports of an earlier year; where
  several reports of that year are loaded (other governments' too), one whose key has the same
  stem (the key without its year: xlgl-2024 → xlgl-) is preferred, then the one loaded last.
- A target continues the target of the previous report that has the same indicator (as written)
  and a unit of the same family, when the conversion is exact (1.4亿吨 and 14000万吨 are the
  same unit family; 亩 and 平方米 are not matched, though 平方米 converts into 亩). Retired
  targets are not matched. When several match, the one with the same id wins, else none does.
- The final figure of a target is the last live figure on or before its due date plus its
  publication lag (`lag_days`); it is final when it refers to the due date or later.
- A new target whose seed states no baseline takes the final figure of the target it
  continues, in its own unit, and records where it came from (`baseline_from`).

No I/O and no clock. A link between two targets is written "REPORT/ID" (a report key has no "/").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol, TypeVar

from xlgl.model import Actual, Target
from xlgl.progress import Evaluation, Reason
from xlgl.units import UnitError, convert, to_stored, unit_family


class ReportLike(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def year(self) -> int: ...


R = TypeVar("R", bound=ReportLike)


def link(report: str, target_id: str) -> str:
    """The text naming a target of a report: xlgl-2024/coal-output."""
    return f"{report}/{target_id}"


def parse_link(text: str | None) -> tuple[str, str] | None:
    """(report, id) from link()'s text; None for None or text without a '/'."""
    if not text or "/" not in text:
        return None
    report, target_id = text.split("/", 1)
    return report, target_id


def key_stem(key: str) -> str:
    """A report key without its year: xlgl-2024 → xlgl-, 2024 → ''."""
    return re.sub(r"(19|20)\d\d", "", key)


def previous_report(reports: Sequence[R], key: str) -> R | None:
    """The report that `key`'s report follows (module docstring); None when there is none.
    `reports` in the order they were loaded."""
    current = next((r for r in reports if r.key == key), None)
    if current is None:
        return None
    earlier = [(n, r) for n, r in enumerate(reports) if r.year < current.year]
    if not earlier:
        return None
    same = [(n, r) for n, r in earlier if key_stem(r.key) == key_stem(key)]
    pool = same or earlier
    return max(pool, key=lambda pair: (pair[1].year, pair[0]))[1]


def next_report(reports: Sequence[R], key: str) -> R | None:
    """The report whose previous report is `key`'s, the earliest such; None when none is loaded."""
    following = [r for r in reports if (p := previous_report(reports, r.key)) and p.key == key]
    return min(following, key=lambda r: r.year) if following else None


def unit_factor(from_unit: str, to_unit: str) -> Decimal | None:
    """What one `from_unit` is in `to_unit` when both are of one family and the conversion is
    exact (亿吨 → 万吨: 10000); None otherwise."""
    if from_unit == to_unit:
        return Decimal(1)
    family = unit_family(from_unit)
    if family is None or family != unit_family(to_unit):
        return None
    try:
        return convert(Decimal(1), from_unit, to_unit)
    except UnitError:
        return None


def continued_target(
    indicator: str, unit: str, target_id: str, earlier: Iterable[Target]
) -> Target | None:
    """The target of the previous report that a target (indicator, unit, id) continues: same
    indicator, a unit that converts exactly, not retired; of several, the one with the same id,
    else none."""
    wanted = indicator.strip()
    found = [
        t
        for t in earlier
        if not t.retired and t.indicator.strip() == wanted and unit_factor(t.unit, unit)
    ]
    if len(found) > 1:
        found = [t for t in found if t.id == target_id]
    return found[0] if len(found) == 1 else None


def final_figure(target: Target, figures: Sequence[Actual]) -> Actual | None:
    """The last live figure on or before the due date plus the publication lag."""
    until = target.due + timedelta(days=target.lag_days)
    live = [f for f in figures if not f.voided and f.as_of <= until]
    return max(live, key=lambda f: (f.as_of, f.recorded_at, f.id)) if live else None


def is_final(target: Target, figure: Actual | None) -> bool:
    """A figure for the due date or later: the year's result, not a figure on the way."""
    return figure is not None and figure.as_of >= target.due


@dataclass(frozen=True)
class Baseline:
    value: float  # in the new target's unit
    source: str  # link() of the earlier target


def carried_baseline(earlier: Target, figures: Sequence[Actual], unit: str) -> Baseline | None:
    """The baseline a new target (in `unit`) takes from the earlier target it continues: the
    earlier target's final figure, converted exactly; None without a final figure."""
    figure = final_figure(earlier, figures)
    factor = unit_factor(earlier.unit, unit)
    if figure is None or not is_final(earlier, figure) or factor is None:
        return None
    value = to_stored(Decimal(repr(figure.value)) * factor)
    return Baseline(value, link(earlier.report, earlier.id))


# --- carrying an open target over ------------------------------------------------------------


def carried_id(old_id: str, old_year: int, taken: set[str]) -> str:
    """The id of a carried target in the new report: the old id when free, else the old id with
    the old year (key-projects-ready-2024), then -2, -3 …"""
    if old_id not in taken:
        return old_id
    candidate = f"{old_id}-{old_year}"
    number = 2
    while candidate in taken:
        candidate = f"{old_id}-{old_year}-{number}"
        number += 1
    return candidate


def carried_target(
    old: Target, new_id: str, new_report: str, new_year: int, due: date | None
) -> dict[str, object]:
    """The new target's columns: the old one's indicator, unit, value and calendar, in the new
    report's year (1 January to `due`, default 31 December), citing the old one."""
    start = date(new_year, 1, 1)
    return {
        "report": new_report,
        "id": new_id,
        "year": new_year,
        "section": "结转",
        "topic": old.topic,
        "indicator": old.indicator,
        "kind": old.kind,
        "comparator": old.comparator,
        "value": old.value,
        "value_hi": old.value_hi,
        "unit": old.unit,
        "direction": old.direction,
        "start": start.isoformat(),
        "due": (due or date(new_year, 12, 31)).isoformat(),
        "quote": old.quote,
        "offset": old.offset,
        "owner": old.owner,
        "frequency": old.frequency,
        "lag_days": old.lag_days,
        "scale": old.scale,
        "scale_unit": old.scale_unit,
        "leader": old.leader,
        "contact": old.contact,
        "carried_from": link(old.report, old.id),
    }


def carry_refusal(old: Target, status: str, carried_to: str | None, to_year: int) -> str | None:
    """Why `old` cannot be carried into a report of `to_year` (one Chinese line), or None."""
    if carried_to is not None:
        return f"{old.id}（{old.indicator}）已结转为 {carried_to.replace('/', ' ', 1)}，不能再结转"
    if status in ("met", "met_late"):
        return f"{old.id}（{old.indicator}）已完成，无需结转"
    if to_year <= old.year:
        return f"{old.id}（{old.indicator}）属 {old.year} 年报告，只能结转到以后年度的报告"
    return None


def open_for_carry(target: Target, status: str, as_of: date) -> bool:
    """A milestone of a finished year (the as-of date past its report's year) not met: to be
    carried over (结转)."""
    return target.kind == "milestone" and status == "overdue" and as_of.year > target.year


def mark_for_carry(
    rows: Sequence[Evaluation],
    as_of: date,
    carried: dict[tuple[str, str], str],
    next_keys: dict[str, str | None],
) -> list[Evaluation]:
    """The rows with a `carry` reason on each milestone open for 结转 (open_for_carry): 已结转 and
    the target it became, or 待结转 with the command that carries it (`carried`: link of the
    carried target by (report, id); `next_keys`: the next report's key by report key)."""
    marked = []
    for row in rows:
        target = row.target
        if open_for_carry(target, row.status, as_of):
            done = carried.get((target.report, target.id))
            following = next_keys.get(target.report)
            if done:
                text = f"已结转为 {done.replace('/', ' ', 1)}"
            elif following:
                text = f"待结转：xlgl carry {target.id} --to {following}"
            else:
                text = "待结转：下一年度报告载入后可用 xlgl carry 结转"
            row = replace(row, reasons=(*row.reasons, Reason("carry", text)))
        marked.append(row)
    return marked
