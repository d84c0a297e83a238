"""Rows to values: the SQL that reads targets and their latest figure, and the building of Target
values from those rows — by field name: each column is selected under the name of the Target field
it fills (TARGET_COLUMNS), and tests/test_store.py pins the two together.

Also the filters of target listings and the defaults of the seed's target columns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from xlgl.model import Target

if TYPE_CHECKING:
    from xlgl.store.ledger import Ledger

#: Target's fields, in Target's order, each with the SQL that reads it from `targets t`.
TARGET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "t.id"),
    ("indicator", "t.indicator"),
    ("kind", "t.kind"),
    ("comparator", "t.comparator"),
    ("value", "t.value"),
    ("unit", "t.unit"),
    ("direction", "t.direction"),
    ("start", "t.start"),
    ("due", "coalesce(t.due_override, t.due)"),
    ("value_hi", "t.value_hi"),
    ("baseline", "t.baseline"),
    ("tolerance", "t.tolerance"),
    ("year", "t.year"),
    ("section", "t.section"),
    ("topic", "t.topic"),
    ("quote", "t.quote"),
    ("offset", 't."offset"'),
    ("owner", "t.owner"),
    ("frequency", "t.frequency"),
    ("lag_days", "t.lag_days"),
    ("scale", "t.scale"),
    ("scale_unit", "t.scale_unit"),
    ("also_units", "t.also_units"),
    ("report", "t.report"),
    ("retired", "t.retired"),
    ("co_owners", "t.co_owners"),
    ("leader", "t.leader"),
    ("contact", "t.contact"),
)
TARGET_SELECT = ", ".join(f'{sql} AS "{name}"' for name, sql in TARGET_COLUMNS)
WIDTH = len(TARGET_COLUMNS)

#: Actual's fields (value, as_of, recorded_at, id) of the latest live record `l`.
ACTUAL_SELECT = "l.value, l.as_of, l.recorded_at, l.id"

# Whether record r counts (销号, m003): made without verification, or verified since. A record
# not submitted never looks at verifications, so a ledger that does not verify pays nothing.
COUNTS = (
    "(r.submitted = 0 OR EXISTS (SELECT 1 FROM verifications c WHERE c.record = r.id"
    " AND c.verdict = 'verified'))"
)

# …and whether it is not rejected: figures a new one is checked against include those that wait.
REJECTED_NOT = (
    "(r.submitted = 0 OR NOT EXISTS (SELECT 1 FROM verifications c WHERE c.record = r.id"
    " AND c.verdict = 'rejected'))"
)

# The id of target t's latest live record as of ?1 (the first parameter): the rule of
# progress.latest_actual, walking records_target_as_of down from ?1 for each target. A record in
# another unit than its target's (kept by `init --seed --yes`, store/seeding.py) is not a figure
# of the target: it keeps the meaning it was recorded with.
LATEST_LIVE_RECORD = f"""(
    SELECT r.id FROM records r
    WHERE r.report = t.report AND r.target = t.id AND r.as_of <= ?1 AND r.value IS NOT NULL
      AND (r.unit IS NULL OR r.unit = t.unit)
      AND NOT EXISTS (SELECT 1 FROM records v WHERE v.voids = r.id) AND {COUNTS}
    ORDER BY r.as_of DESC, r.recorded_at DESC, r.id DESC LIMIT 1
)"""

# The seed's own target columns, with the default when a seed entry lacks one (None: required).
JSON_LISTS = ("also", "also_units", "co_owners")
SEED_COLUMNS: dict[str, Any] = {
    "year": None, "section": None, "topic": "", "indicator": None, "kind": None,
    "comparator": None, "value": None, "value_hi": None, "unit": None, "direction": "up",
    "baseline": None, "start": None, "due": None, "quote": None, "offset": None, "also": [],
    "frequency": None, "lag_days": 0, "scale": None, "scale_unit": None, "also_units": [],
    "retired": False, "retired_reason": None, "review": False, "confidence": None,
    "co_owners": [], "leader": None, "contact": None, "carried_from": None,
    "baseline_from": None,
}  # fmt: skip


class LedgerTargets:
    """The target queries of one report (or all, with report None), for xlgl/lookup.py."""

    def __init__(self, ledger: Ledger, report: str | None):
        self.ledger, self.report = ledger, report

    def _where(self, condition: str, params: list[Any]) -> list[Target]:
        if self.report is not None:
            condition = f"t.report = ? AND ({condition})"
            params = [self.report, *params]
        sql = f"SELECT {TARGET_SELECT} FROM targets t WHERE {condition} ORDER BY t.seq"
        return [target_from_row(row) for row in self.ledger._read(sql, params)]

    def by_id(self, name: str) -> list[Target]:
        return self._where("t.id = ?", [name])

    def by_alias(self, name: str) -> list[Target]:
        return self._where(
            "EXISTS (SELECT 1 FROM aliases a WHERE a.report = t.report AND a.target = t.id"
            " AND a.alias = ?)",
            [name],
        )

    def by_indicator(self, name: str) -> list[Target]:
        return self._where("t.indicator = ?", [name])

    def containing(self, name: str) -> list[Target]:
        return self._where("instr(t.indicator, ?) > 0 OR instr(t.id, ?) > 0", [name, name])

    def names(self) -> list[str]:
        only, params = ("WHERE report = ?", [self.report]) if self.report is not None else ("", [])
        rows = self.ledger._read(
            f"SELECT id FROM targets {only} UNION SELECT indicator FROM targets {only} "
            f"UNION SELECT alias FROM aliases {only}",
            params * 3,
        )
        return [row[0] for row in rows]


def live_figures(
    ledger: Ledger, targets: Any, *, counted: bool = False
) -> dict[tuple[str, str], list[Any]]:
    """Each target's live figures as (as_of, value, record id), oldest first; `targets` None:
    every target of the ledger that has one (one query). Live: not voided and not rejected;
    with `counted`, only those that count (a submitted one once verified). Only figures in the
    target's unit."""
    found: dict[tuple[str, str], list[Any]] = {}
    judged = COUNTS if counted else REJECTED_NOT
    live = (
        "r.value IS NOT NULL AND NOT EXISTS (SELECT 1 FROM records v WHERE v.voids = r.id) "
        f"AND {judged} ORDER BY r.as_of, r.recorded_at, r.id"
    )
    if targets is None:
        sql = (
            "SELECT r.report, r.target, r.as_of, r.value, r.id FROM records r JOIN targets t "
            "ON t.report = r.report AND t.id = r.target "
            f"WHERE (r.unit IS NULL OR r.unit = t.unit) AND {live}"
        )
        for report, target, as_of, value, record_id in ledger.conn.execute(sql):
            found.setdefault((report, target), []).append(
                (date.fromisoformat(as_of), value, record_id)
            )
        return found
    for target in targets:
        found[(target.report, target.id)] = [
            (date.fromisoformat(row[0]), row[1], row[2])
            for row in ledger.conn.execute(
                f"SELECT r.as_of, r.value, r.id FROM records r WHERE r.report = ? "
                f"AND r.target = ? AND (r.unit IS NULL OR r.unit = ?) AND {live}",
                [target.report, target.id, target.unit],
            )
        ]
    return found


# --- building values from rows --------------------------------------------------------------------


def target_from_row(
    row: Sequence[Any],
    day: Callable[[str], date] = date.fromisoformat,
    units: Callable[[str], tuple[str, ...]] | None = None,
) -> Target:
    """A Target from the first columns of a row selected with TARGET_SELECT, which are Target's
    fields in order (tests/test_store.py pins them): dates read by `day`, the JSON lists (units,
    co-owners) by `units`, `retired` made a bool."""
    return Target(  # type: ignore[call-arg]  # positional from slices: the pin test checks them
        *row[:7],
        day(row[7]),
        day(row[8]),
        *row[9:22],
        (units or unit_list)(row[22]),
        row[23],
        bool(row[24]),
        (units or unit_list)(row[25]),
        row[26],
        row[27],
    )


def unit_list(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text)) if text and text != "[]" else ()


def cached(read: Callable[[str], Any]) -> Callable[[str], Any]:
    cache: dict[str, Any] = {}

    def cached(text: str) -> Any:
        found = cache.get(text)
        if found is None:
            found = cache[text] = read(text)
        return found

    return cached


def seed_value(target: dict[str, Any], column: str) -> Any:
    if column in target:
        value = target[column]
    elif column == "frequency":
        value = "event" if target["kind"] == "milestone" else "year"
    else:
        value = SEED_COLUMNS[column]
    if column in JSON_LISTS:
        return json.dumps(list(value or []), ensure_ascii=False)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def target_filter(
    report: str | None,
    section: str | None,
    kind: str | None,
    owner: str | None,
    search: str | None,
    target_id: str | None = None,
    include_retired: bool = False,
    lead_only: bool = False,
) -> tuple[str, list[Any]]:
    """WHERE and its parameters. An owner matches as 牵头单位 or as one of the 配合单位, or
    with `lead_only` as 牵头单位 alone."""
    conditions, params = [], []
    if report is not None:
        conditions.append("t.report = ?")
        params.append(report)
    if target_id is not None:
        conditions.append("t.id = ?")
        params.append(target_id)
    elif not include_retired:
        conditions.append("t.retired = 0")
    if section:
        conditions.append("t.section = ?")
        params.append(normalize_section(section))
    if kind:
        conditions.append("t.kind = ?")
        params.append(kind)
    if owner and lead_only:
        conditions.append("t.owner = ?")
        params.append(owner)
    elif owner:
        conditions.append(
            "(t.owner = ? OR (t.co_owners != '[]' AND EXISTS"
            " (SELECT 1 FROM json_each(t.co_owners) c WHERE c.value = ?)))"
        )
        params.extend([owner, owner])
    if search:
        conditions.append("(instr(t.indicator, ?) > 0 OR instr(t.quote, ?) > 0 OR t.id = ?)")
        params.extend([search, search, search])
    return (f"WHERE {' AND '.join(conditions)}" if conditions else "", params)


_CHAPTER_NUMERALS = "一二三四五六七"


def normalize_section(section: str) -> str:
    """Accept 1 or 一 or (一) for the chapter （一）; other names as written."""
    text = section.strip().strip("()（）")
    if text.isdigit() and 1 <= int(text) <= len(_CHAPTER_NUMERALS):
        text = _CHAPTER_NUMERALS[int(text) - 1]
    if text in _CHAPTER_NUMERALS and section.strip() != "三":
        return f"（{text}）"
    return section.strip()
