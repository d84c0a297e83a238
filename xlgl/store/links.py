"""The store's side of carrying a year over: the links between the targets of two years
(`baseline_from`, `carried_from`, written "REPORT/ID" as xlgl/years.py's link()), carried
targets, targets a seed flagged for review, live figures as Actual values. The rules that decide
the links are xlgl/years.py's; xlgl/carryover.py joins the two."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from xlgl.model import Actual, Target

if TYPE_CHECKING:
    from xlgl.store.ledger import Ledger


def figures_of(ledger: Ledger, targets: Sequence[Target]) -> dict[tuple[str, str], list[Actual]]:
    """Each target's live figures as Actual values, oldest first."""
    return {
        pair: [Actual(value, day, "", record_id) for day, value, record_id in rows]
        for pair, rows in ledger.live_figures(targets).items()
    }


def stored_links(ledger: Ledger, report: str, target_id: str) -> dict[str, str | None]:
    """A target's `baseline_from` and `carried_from` (None where not set)."""
    row = ledger.conn.execute(
        "SELECT baseline_from, carried_from FROM targets WHERE report = ? AND id = ?",
        [report, target_id],
    ).fetchone()
    return {"baseline_from": row[0] if row else None, "carried_from": row[1] if row else None}


def linked_to(ledger: Ledger, link: str) -> list[tuple[str, str, str]]:
    """(report, id, how) of the targets whose baseline came from, or that were carried from, the
    target named by `link`; how is "baseline" or "carried". In report order."""
    rows = ledger.conn.execute(
        "SELECT report, id, baseline_from = ?1 FROM targets "
        "WHERE baseline_from = ?1 OR carried_from = ?1 ORDER BY seq",
        [link],
    )
    return [(report, target_id, "baseline" if by_baseline else "carried")
            for report, target_id, by_baseline in rows]  # fmt: skip


def carried_to(ledger: Ledger, targets: Sequence[Target]) -> dict[tuple[str, str], str]:
    """For each of `targets` that has been carried over: "REPORT/ID" of the target it became."""
    found = {}
    for target in targets:
        row = ledger.conn.execute(
            "SELECT report, id FROM targets WHERE carried_from = ? ORDER BY seq LIMIT 1",
            [f"{target.report}/{target.id}"],
        ).fetchone()
        if row:
            found[(target.report, target.id)] = f"{row[0]}/{row[1]}"
    return found


def add_carried(ledger: Ledger, columns: dict[str, Any]) -> None:
    """Insert a carried target (years.carried_target's columns) after every other target."""
    with ledger.write():
        seq = ledger.conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM targets").fetchone()[0]
        row = {**columns, "seq": seq}
        names = ", ".join(f'"{name}"' for name in row)
        marks = ", ".join(f":{name}" for name in row)
        ledger.conn.execute(f"INSERT INTO targets ({names}) VALUES ({marks})", row)


def target_ids(ledger: Ledger, report: str) -> set[str]:
    rows = ledger.conn.execute("SELECT id FROM targets WHERE report = ?", [report])
    return {row[0] for row in rows}


def review_ids(ledger: Ledger, report: str | None) -> set[tuple[str, str]]:
    """(report, id) of the targets whose seed flagged `review = true`."""
    only, params = ("AND report = ?", [report]) if report is not None else ("", [])
    rows = ledger.conn.execute(f"SELECT report, id FROM targets WHERE review = 1 {only}", params)
    return {(report_key, target_id) for report_key, target_id in rows}
