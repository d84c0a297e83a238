"""Verdicts on submitted figures (销号 by a second person, issue 13 part 3; schema m003).

A record made while the ledger requires verification is `submitted`: it waits, and does not
count, until a verdict names it. A verdict is a row of its own in `verifications` — verified or
rejected, who, when (UTC), a reason for a rejection, a UUID so that ledgers can merge them — and
there is at most one per record. Nothing here is updated or deleted. Which figures count is
decided in SQL (store/rows.py: COUNTS) so that status stays one query; the rules of who may
judge what are xlgl/verification.py's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from xlgl.model import Review
from xlgl.store.bulk import uuid7
from xlgl.store.rows import live_figures, target_filter
from xlgl.store.sqlite import translate_errors, utc_now

if TYPE_CHECKING:
    from xlgl.store.ledger import Ledger

# A record that waits: submitted, a figure, not voided, no verdict yet.
WAITING = """r.submitted = 1 AND r.value IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM records v WHERE v.voids = r.id)
    AND NOT EXISTS (SELECT 1 FROM verifications c WHERE c.record = r.id)"""

#: The keys of a verdict in the exchange file (xlgl/exchange.py): `verifies` is the UUID of the
#: record it judges.
VERDICT_FIELDS = ("uuid", "verifies", "verdict", "by", "at", "reason", "report")


def waits(ledger: Ledger) -> bool:
    """Whether a figure recorded now waits for verification (the setting require_verification)."""
    found = ledger._read("SELECT value FROM settings WHERE key = 'require_verification'")
    return bool(found and found[0][0])


def flag(ledger: Ledger, value: float | None, given: bool | None) -> int:
    """A new record's `submitted` column: as `given`, else 1 for a figure (not a void) recorded
    while the ledger requires verification."""
    if given is None:
        given = value is not None and waits(ledger)
    return int(given)


def counted_figures(ledger: Ledger, targets: Any) -> dict[tuple[str, str], list[Any]]:
    """Ledger.live_figures, but only the figures that count (a submitted one once verified)."""
    return live_figures(ledger, targets, counted=True)


def review_of(ledger: Ledger, record_id: int) -> Review | None:
    rows = ledger._read(
        'SELECT id, uuid, record, verdict, "by", at, reason FROM verifications WHERE record = ?',
        [record_id],
    )
    return Review(*rows[0]) if rows else None


def add_review(
    ledger: Ledger,
    record_id: int,
    verdict: str,
    by: str,
    reason: str | None = None,
    *,
    review_uuid: str | None = None,
    at: str | None = None,
) -> int:
    """Append a verdict on a record; call inside `ledger.write()`. Returns its id."""
    cursor = ledger.conn.execute(
        'INSERT INTO verifications (uuid, record, verdict, "by", at, reason) '
        "VALUES (?, ?, ?, ?, ?, ?)",
        [review_uuid or uuid7(), record_id, verdict, by, at or utc_now(), reason],
    )
    return int(cursor.lastrowid or 0)


def waiting(
    ledger: Ledger,
    *,
    report: str | None = None,
    owner: str | None = None,
    as_of: date | None = None,
) -> list[dict[str, Any]]:
    """The records that wait for a verdict, oldest first, with their target's indicator and
    owner; filters as for targets (a report key or None for all, an owner), and a latest as_of."""
    where, params = target_filter(report, None, None, owner, None, include_retired=True)
    condition = WAITING
    if as_of is not None:
        condition += " AND r.as_of <= ?"
        params.append(as_of.isoformat())
    sql = f"""
        SELECT r.id, r.target, t.indicator, r.value, coalesce(r.unit, t.unit) AS unit, r.as_of,
               r."by", r.recorded_at, t.owner, r.report, r.source
        FROM records r INDEXED BY records_submitted
        JOIN targets t ON t.report = r.report AND t.id = r.target
        {where + " AND" if where else "WHERE"} {condition}
        ORDER BY r.id
    """
    names = ("id", "target", "indicator", "value", "unit", "as_of", "by", "recorded_at",
             "owner", "report", "source")  # fmt: skip
    return [dict(zip(names, row, strict=True)) for row in ledger._read(sql, params)]


def waiting_counts(
    ledger: Ledger, as_of: date, report: str | None = None
) -> dict[tuple[str, str], int]:
    """How many figures (as of `as_of` or earlier) wait for a verdict, per (report, target)."""
    return {key: count for key, count, _ in _waiting_per_target(ledger, as_of, report)}


def export_reviews(ledger: Ledger, report: str | None = None) -> Iterator[dict[str, Any]]:
    """Every verdict, oldest first, in the exchange form (VERDICT_FIELDS)."""
    where = "WHERE r.report = ?" if report is not None else ""
    sql = f"""
        SELECT c.uuid, r.uuid, c.verdict, c."by", c.at, c.reason, r.report
        FROM verifications c JOIN records r ON r.id = c.record {where} ORDER BY c.id
    """
    with translate_errors(ledger.path, ledger.timeout):
        for row in ledger.conn.execute(sql, [] if report is None else [report]):
            yield dict(zip(VERDICT_FIELDS, row, strict=True))


def review_by_uuid(ledger: Ledger, review_uuid: str) -> dict[str, Any] | None:
    """A verdict by its UUID: the UUID of the record it judges, the verdict, who."""
    rows = ledger._read(
        'SELECT r.uuid, c.verdict, c."by" FROM verifications c JOIN records r ON r.id = c.record '
        "WHERE c.uuid = ?",
        [review_uuid],
    )
    return dict(zip(("verifies", "verdict", "by"), rows[0], strict=True)) if rows else None


def latest_waiting(
    ledger: Ledger, as_of: date, report: str | None = None
) -> dict[tuple[str, str], date]:
    """The latest date (as of `as_of` or earlier) of a figure that waits for a verdict, per
    (report, target): reported by the department, not yet checked by the office."""
    return {key: latest for key, _, latest in _waiting_per_target(ledger, as_of, report)}


def _waiting_per_target(
    ledger: Ledger, as_of: date, report: str | None
) -> list[tuple[tuple[str, str], int, date]]:
    """Per (report, target) with figures waiting as of `as_of`: how many, and the latest date;
    read through the partial index that holds only submitted records."""
    only, params = ("AND r.report = ?", [report]) if report is not None else ("", [])
    sql = f"""
        SELECT r.report, r.target, count(*), max(r.as_of)
        FROM records r INDEXED BY records_submitted
        WHERE {WAITING} AND r.as_of <= ? {only}
        GROUP BY r.report, r.target
    """
    rows = ledger._read(sql, [as_of.isoformat(), *params])
    return [((key, target), count, date.fromisoformat(day)) for key, target, count, day in rows]
