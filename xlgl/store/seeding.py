"""Loading a seed into the ledger: a report and its targets, added or refreshed.

A refresh that changes the unit of a target with live records changes nothing silently (issue 15
#1): the rule is xlgl/reseed.py's (a UnitRule given to refresh_seed; without one such a refresh
is refused); the store carries out its plans: converted records are new records (the old ones
voided, history keeps both); records left alone keep the unit they were recorded in, and a
figure in another unit than its target's is never read as one of the target's (store/rows.py,
LATEST_LIVE_RECORD and live_figures).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from xlgl.store.rows import SEED_COLUMNS, seed_value

if TYPE_CHECKING:
    from xlgl.store.ledger import Ledger


#: Columns a seed gives a new target but never overwrites: `assign` sets them (issue 13).
ASSIGNED = ("co_owners", "leader", "contact")


class UnitPlan(Protocol):
    """What a refresh does about a target whose unit changes over live records (xlgl/reseed.py
    builds these; the store does not decide)."""

    @property
    def target(self) -> str: ...

    @property
    def old(self) -> str: ...

    @property
    def new(self) -> str: ...

    @property
    def convert(self) -> bool: ...  # convert its live records into `new` (else left alone)

    def converted(self, value: float) -> float: ...

    def note(self, value: float, converted: float, old_id: int) -> str: ...


#: Given the ledger's units, the seed's, and each target's live records in its ledger unit, the
#: plan for every target whose unit the seed changes over live records; InputError to refuse.
UnitRule = Callable[[Mapping[str, str], Mapping[str, str], Mapping[str, int]], Sequence[UnitPlan]]


def load_seed(ledger: Ledger, seed: Any) -> tuple[int, int]:
    """Add or refresh a seed's report and targets; returns (added, changed). The report's key
    is the seed's `[report] key`, else report-<year>: a seed of another key adds a report
    beside the others. Records are never touched, nor owners, co-owners, leaders, contacts,
    due dates and tolerances set with `assign`. Seed aliases are added (replacing an alias of the
    same name). A unit change over live records is refused (refresh_seed)."""
    added, changed, _ = refresh_seed(ledger, seed)
    return added, changed


def refresh_seed(
    ledger: Ledger, seed: Any, rule: UnitRule | None = None
) -> tuple[int, int, Sequence[UnitPlan]]:
    """load_seed, with `rule` deciding what to do when the seed changes the unit of targets with
    live records (None: refuse). It runs inside the write transaction, before anything is
    written; returns (added, changed, the rule's plans, carried out)."""
    report = seed.report
    year = int(report.get("year", 0))
    key = seed_report_key(seed)
    columns = [c for c in SEED_COLUMNS if c not in ASSIGNED]
    with ledger.write():
        existing = {
            row[0]: tuple(row[1:])
            for row in ledger.conn.execute(
                f"SELECT id, {', '.join(_q(c) for c in columns)} FROM targets WHERE report = ?",
                [key],
            )
        }
        _refuse_carried_ids(ledger, key, [target["id"] for target in seed.targets])
        next_seq = ledger.conn.execute("SELECT coalesce(max(seq), 0) FROM targets").fetchone()[0]
        added, changed, aliases = [], [], []
        for target in seed.targets:
            row = {"report": key, "id": target["id"]} | {c: seed_value(target, c) for c in columns}
            aliases += [(key, alias, target["id"]) for alias in target.get("aliases") or ()]
            if target["id"] not in existing:
                next_seq += 1
                assigned = {c: seed_value(target, c) for c in ASSIGNED}
                added.append({**row, **assigned, "seq": next_seq, "owner": target.get("owner")})
            elif existing[target["id"]] != tuple(row[c] for c in columns):
                changed.append(row)
        old_units = {target: row[columns.index("unit")] for target, row in existing.items()}
        live = _live_counts(ledger, key)
        new_units = {t["id"]: seed_value(t, "unit") for t in seed.targets}
        plans = (rule or _refuse)(old_units, new_units, live)
        if added:
            names = list(added[0])
            ledger.conn.executemany(
                f"INSERT INTO targets ({', '.join(map(_q, names))}) "
                f"VALUES ({', '.join(f':{name}' for name in names)})",
                added,
            )
        if changed:
            assignments = ", ".join(f"{_q(c)} = :{c}" for c in columns)
            ledger.conn.executemany(
                f"UPDATE targets SET {assignments} WHERE report = :report AND id = :id",
                changed,
            )
        ledger.conn.executemany(
            "INSERT OR REPLACE INTO aliases (report, alias, target) VALUES (?, ?, ?)", aliases
        )
        seq = ledger.conn.execute(
            "SELECT coalesce((SELECT seq FROM reports WHERE key = ?),"
            " (SELECT coalesce(max(seq), 0) + 1 FROM reports))",
            [key],
        ).fetchone()[0]
        ledger.conn.execute(
            "INSERT OR REPLACE INTO reports (key, title, year, source, text, seq) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [key, str(report.get("title", "")), year, report.get("source"), seed.report_text,
             seq],
        )  # fmt: skip
        for plan in plans:
            if plan.convert:
                _convert_records(ledger, key, plan)
    return len(added), len(changed), plans


def _refuse_carried_ids(ledger: Ledger, report: str, ids: Sequence[str]) -> None:
    """A target made by `xlgl carry` is the office's, not the seed's: a seed naming its id would
    overwrite it (indicator, value, calendar) with another commitment. Refused, naming them."""
    from xlgl.errors import InputError

    carried = dict(
        ledger.conn.execute(
            "SELECT id, carried_from FROM targets WHERE report = ? AND carried_from IS NOT NULL",
            [report],
        ).fetchall()
    )
    clashes = [f"{i}（结转自 {carried[i].replace('/', ' ', 1)}）" for i in ids if i in carried]
    if clashes:
        raise InputError(
            f"种子中的目标与 xlgl carry 结转来的目标同名：{'、'.join(clashes)}；"
            "请在种子中改用其他编号（台账未作更改）"
        )


def _refuse(
    old_units: Mapping[str, str], new_units: Mapping[str, str], live: Mapping[str, int]
) -> Sequence[UnitPlan]:
    """Without a rule (a refresh other than `xlgl init`'s): any unit change over live records
    is refused."""
    from xlgl.errors import InputError

    changed = [
        f"{t} {old_units[t]}→{new}（{live[t]} 条记录）"
        for t, new in new_units.items()
        if t in old_units and old_units[t] != new and live.get(t)
    ]
    if changed:
        raise InputError(f"种子改变了已有实绩的目标的单位：{'；'.join(changed)}；台账未改动")
    return []


def _live_counts(ledger: Ledger, report: str) -> dict[str, int]:
    """Each target's live figures in its current unit (or of unknown unit)."""
    return dict(
        ledger.conn.execute(
            "SELECT r.target, count(*) FROM records r JOIN targets t "
            "ON t.report = r.report AND t.id = r.target WHERE r.report = ? "
            "AND r.value IS NOT NULL AND (r.unit IS NULL OR r.unit = t.unit) "
            "AND NOT EXISTS (SELECT 1 FROM records v WHERE v.voids = r.id) GROUP BY r.target",
            [report],
        ).fetchall()
    )


def _convert_records(ledger: Ledger, report: str, plan: UnitPlan) -> None:
    """Each live record of the old unit again, converted, as a new record (its date, recording
    time, recorder and texts kept); the old one voided, saying by which."""
    live = ledger.conn.execute(
        'SELECT id, value, as_of, recorded_at, "by", source, note, forced, progress, problems, '
        "next_steps, evidence FROM records r WHERE report = ? AND target = ? "
        "AND value IS NOT NULL AND (unit IS NULL OR unit = ?) "
        "AND NOT EXISTS (SELECT 1 FROM records v WHERE v.voids = r.id) ORDER BY id",
        [report, plan.target, plan.old],
    ).fetchall()
    for old_id, value, as_of, recorded_at, by, source, note, forced, *texts in live:
        converted = plan.converted(value)
        said = plan.note(value, converted, old_id)
        day = date.fromisoformat(as_of)
        new_id = ledger.insert_record(
            report, plan.target, converted, plan.new, day, by=by, source=source,
            note=f"{note}（{said}）" if note else said, recorded_at=recorded_at,
            forced=bool(forced), progress=texts[0], problems=texts[1], next_steps=texts[2],
            evidence=texts[3],
        )  # fmt: skip
        ledger.insert_record(
            report, plan.target, None, plan.old, day, voids=old_id,  # by: who runs init
            note=f"种子改单位 {plan.old}→{plan.new}，由 #{new_id} 取代",
        )  # fmt: skip


def seed_report_key(seed: Any) -> str:
    """The key of a seed's report: its `[report] key`, else report-<year>."""
    return str(seed.report.get("key") or f"report-{int(seed.report.get('year', 0))}")


def _q(column: str) -> str:
    return f'"{column}"'
