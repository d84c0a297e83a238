"""Loading a seed into the ledger: a report and its targets, added or refreshed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlgl.store.rows import SEED_COLUMNS, seed_value

if TYPE_CHECKING:
    from xlgl.store.ledger import Ledger


def load_seed(ledger: Ledger, seed: Any) -> tuple[int, int]:
    """Add or refresh a seed's report and targets; returns (added, changed). The report's key
    is the seed's `[report] key`, else report-<year>: a seed of another key adds a report
    beside the others. Records are never touched, nor owners, due dates and tolerances set
    with `assign`. Seed aliases are added (replacing an alias of the same name)."""
    report = seed.report
    year = int(report.get("year", 0))
    key = seed_report_key(seed)
    columns = list(SEED_COLUMNS)
    with ledger.write():
        existing = {
            row[0]: tuple(row[1:])
            for row in ledger.conn.execute(
                f"SELECT id, {', '.join(_q(c) for c in columns)} FROM targets WHERE report = ?",
                [key],
            )
        }
        next_seq = ledger.conn.execute("SELECT coalesce(max(seq), 0) FROM targets").fetchone()[0]
        added, changed, aliases = [], [], []
        for target in seed.targets:
            row = {"report": key, "id": target["id"]} | {c: seed_value(target, c) for c in columns}
            aliases += [(key, alias, target["id"]) for alias in target.get("aliases") or ()]
            if target["id"] not in existing:
                next_seq += 1
                added.append({**row, "seq": next_seq, "owner": target.get("owner")})
            elif existing[target["id"]] != tuple(row[c] for c in columns):
                changed.append(row)
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
    return len(added), len(changed)


def seed_report_key(seed: Any) -> str:
    """The key of a seed's report: its `[report] key`, else report-<year>."""
    return str(seed.report.get("key") or f"report-{int(seed.report.get('year', 0))}")


def _q(column: str) -> str:
    return f'"{column}"'
