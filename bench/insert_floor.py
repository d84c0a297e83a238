"""How fast SQLite itself takes a million records here, with nothing of xlgl's reading or checking:
the floor under `xlgl record --file` (issue 11 asks for 200,000 rows/s).

    python bench/insert_floor.py            # 1,000,000 rows, about a minute
    python bench/insert_floor.py --rows 200000

Rows are built in memory first (not timed), then inserted in one transaction and committed, the
way store/bulk.py does it (multi-row INSERT of 120 rows, UUIDs made by SQLite), into:

1. the ledger's own records table, its indexes kept during the insert;
2. the same, with records_target_as_of dropped and built again before the commit (what
   store/bulk.py does for a big import into a small ledger);
3. a records table without the uuid column (no UNIQUE text index), the target/as_of index built
   after: what the table could cost at best without a UUID per record.

Each prints its time and rows/s; the ratio is to the 200,000 rows/s goal.
"""

from __future__ import annotations

import argparse
import itertools
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xlgl.store import Ledger
from xlgl.store.bulk import (
    BULK_CACHE_KIB,
    ROWS_PER_INSERT,
    TARGET_AS_OF_INDEX,
    insert_rows_sql,
    uuid7_run,
)

GOAL = 200_000  # rows/s, issue 11
Row = tuple[str, str, float, str, str, None, str, None]


def rows(count: int) -> list[Row]:
    """`count` figures over 100,000 targets and twelve month-ends, as an import would add them."""
    days = [f"2024-{month:02d}-28" for month in range(1, 13)]
    return [
        ("xlgl-2024", f"t{n % 100_000:06d}", n / 7, "万吨", days[n // 100_000 % 12], None,
         "盟统计局月报", None)
        for n in range(count)
    ]  # fmt: skip


def timed(label: str, data: list[Row], insert: Callable[[sqlite3.Connection, list[Row]], None],
          conn: sqlite3.Connection) -> float:  # fmt: skip
    conn.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    insert(conn, data)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    rate = len(data) / seconds
    print(f"   {label:<58} {seconds:7.2f} s  {rate:9,.0f} rows/s  {rate / GOAL:5.2f}× goal")
    return rate


def ledger_rows(conn: sqlite3.Connection, data: list[Row], rebuild: bool = False) -> None:
    if rebuild:
        sql = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = ?", [TARGET_AS_OF_INDEX]
        ).fetchone()[0]
        conn.execute(f"DROP INDEX {TARGET_AS_OF_INDEX}")
    head, start = uuid7_run(time.time_ns() // 1_000_000)
    statement = insert_rows_sql(ROWS_PER_INSERT)
    for offset in range(0, len(data) - ROWS_PER_INSERT + 1, ROWS_PER_INSERT):
        chunk = data[offset : offset + ROWS_PER_INSERT]
        params = [*itertools.chain.from_iterable(chunk), "now", "bench", head, start + offset]
        conn.execute(statement, params)
    if rebuild:
        conn.execute(sql)


def bare_rows(conn: sqlite3.Connection, data: list[Row]) -> None:
    width = 8
    values = ",".join(
        "(" + ", ".join(f"?{width * i + k}" for k in range(1, 9)) + ", 'now')"
        for i in range(ROWS_PER_INSERT)
    )
    statement = (
        'INSERT INTO bare (report, target, value, unit, as_of, "by", source, note, recorded_at) '
        f"VALUES {values}"
    )
    for offset in range(0, len(data) - ROWS_PER_INSERT + 1, ROWS_PER_INSERT):
        chunk = data[offset : offset + ROWS_PER_INSERT]
        conn.execute(statement, list(itertools.chain.from_iterable(chunk)))
    conn.execute("CREATE INDEX bare_target_as_of ON bare(report, target, as_of)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    count = parser.parse_args().rows // ROWS_PER_INSERT * ROWS_PER_INSERT
    data = rows(count)
    print(f"SQLite {sqlite3.sqlite_version}, {count:,} rows in one transaction, goal {GOAL:,}/s")
    with tempfile.TemporaryDirectory(prefix="xlgl-insert-floor-") as folder:
        for label, rebuild in (("1. records, indexes kept", False),
                               ("2. records, target/as_of index rebuilt after", True)):  # fmt: skip
            path = Path(folder) / f"{rebuild}.db"
            with Ledger.open(path, create=True) as ledger:
                timed(label, data, lambda c, d, r=rebuild: ledger_rows(c, d, r), ledger.conn)
        conn = sqlite3.connect(Path(folder) / "bare.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(
            "CREATE TABLE bare (id INTEGER PRIMARY KEY, report TEXT NOT NULL, target TEXT NOT "
            'NULL, value REAL, unit TEXT, as_of TEXT NOT NULL, recorded_at TEXT NOT NULL, "by" '
            "TEXT, source TEXT, note TEXT)"
        )
        timed("3. a table without uuid, index built after", data, bare_rows, conn)
        conn.close()


if __name__ == "__main__":
    main()
