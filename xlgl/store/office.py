"""Who answers for a target and the office's texts (issue 13), on the Ledger's connection.

- `assign`: 牵头单位 (owner), 配合单位 (co_owners, a JSON list), 分管领导 (leader), 联系人
  (contact), due date and tolerance, in one write. A changed due date is kept in `due_changes`
  (old → new, reason, who, when): append-only, like the records, so `show` and `history` can say
  why a deadline moved.
- `text_settings` / `set_text_setting`: settings that are text (the issuing office, the last
  期号 and the as-of date it was issued for); the numeric thresholds stay in `settings`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from xlgl.model import Target
from xlgl.store.sqlite import translate_errors, utc_now

if TYPE_CHECKING:
    from xlgl.store.ledger import Ledger


@dataclass(frozen=True)
class DueChange:
    """One change of a target's due date."""

    id: int
    report: str
    target: str
    old_due: date
    new_due: date
    reason: str
    by: str | None
    changed_at: str  # ISO UTC


def assign(
    ledger: Ledger,
    target: Target,
    *,
    owner: str | None = None,
    co_owners: Sequence[str] | None = None,
    leader: str | None = None,
    contact: str | None = None,
    due: date | None = None,
    reason: str | None = None,
    by: str | None = None,
    tolerance: float | None = None,
) -> DueChange | None:
    """Set what is given (None: leave as it is; an empty co_owners list clears them). A due date
    other than the current one is traced with `reason`; returns that trace, if any."""
    updates: dict[str, Any] = {
        "owner": owner,
        "co_owners": json.dumps(list(co_owners), ensure_ascii=False)
        if co_owners is not None
        else None,
        "leader": leader,
        "contact": contact,
        "due_override": due.isoformat() if due else None,
        "tolerance": tolerance,
    }
    updates = {k: v for k, v in updates.items() if v is not None}
    if not updates:
        return None
    change_id = None
    with ledger.write():
        key = [target.report, target.id]
        if due is not None:
            (old,) = ledger.conn.execute(
                "SELECT coalesce(due_override, due) FROM targets WHERE report = ? AND id = ?", key
            ).fetchone()
            if old != due.isoformat():
                change_id = ledger.conn.execute(
                    'INSERT INTO due_changes (report, target, old_due, new_due, reason, "by",'
                    " changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [*key, old, due.isoformat(), reason or "", by, utc_now()],
                ).lastrowid
        assignments = ", ".join(f"{k} = ?" for k in updates)
        ledger.conn.execute(
            f"UPDATE targets SET {assignments} WHERE report = ? AND id = ?",
            [*updates.values(), *key],
        )
    if change_id is None:
        return None
    return next(c for c in due_changes(ledger, target) if c.id == change_id)


def due_changes(
    ledger: Ledger, target: Target | None = None, *, report: str | None = None
) -> list[DueChange]:
    """The due-date changes of one target, or of a report's targets (None: every report), oldest
    first."""
    conditions, params = [], []
    if target is not None:
        conditions.append("report = ? AND target = ?")
        params += [target.report, target.id]
    elif report is not None:
        conditions.append("report = ?")
        params.append(report)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = (
        'SELECT id, report, target, old_due, new_due, reason, "by", changed_at FROM due_changes '
        f"{where} ORDER BY id"
    )
    with translate_errors(ledger.path, ledger.timeout):
        rows = ledger.conn.execute(sql, params).fetchall()
    return [
        DueChange(n, r, t, date.fromisoformat(old), date.fromisoformat(new), why, who, when)
        for n, r, t, old, new, why, who, when in rows
    ]


def text_settings(ledger: Ledger) -> dict[str, str]:
    with translate_errors(ledger.path, ledger.timeout):
        return dict(ledger.conn.execute("SELECT key, value FROM text_settings").fetchall())


def set_text_settings(ledger: Ledger, values: dict[str, str | None]) -> None:
    """Set text settings in one write; None or '' removes one."""
    with ledger.write():
        for key, value in values.items():
            if value:
                ledger.conn.execute(
                    "INSERT INTO text_settings(key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )
            else:
                ledger.conn.execute("DELETE FROM text_settings WHERE key = ?", [key])
