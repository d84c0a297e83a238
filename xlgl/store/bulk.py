"""The bulk insert of `xlgl record --file`: a million checked rows in one transaction, quickly.

How (issue 7):
- The rows are streamed, `ROWS_PER_INSERT` to one multi-row INSERT … VALUES: per row the Python
  sqlite3 module's own work (a step, a reset, eight bindings) cost more than SQLite's insert
  itself. recorded_at, the login name and the UUID's fixed part are bound once per statement; the
  UUID (version 7, see uuid7_run) is made by SQLite from them.
- The UUIDs ascend, so the UNIQUE index on uuid grows at its end.
- A big import into a smaller ledger drops records_target_as_of after the first `REBUILD_AFTER`
  rows (or as many as the ledger holds, if more) and builds it again, sorted, before the commit:
  cheaper than a million inserts scattered over the index. Both happen inside the transaction:
  other processes see the index unchanged, and a failed or killed import leaves it as it was.
- A larger page cache and in-memory sorting for this transaction (bulk_pragmas). Durability is
  the ledger's usual: WAL with synchronous=FULL, one fsync at the commit.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from xlgl.store.sqlite import login_name, utc_now

if TYPE_CHECKING:
    from xlgl.store.ledger import Ledger

#: A figure for add_rows: (report key, target id, value in the target's unit, that unit, as_of as
#: ISO text, by, source, note). `by` None means the login name.
NewRow = tuple[str, str, float, str, str, str | None, str | None, str | None]
NEW_ROW_WIDTH = 8  # fields of a NewRow
ROWS_PER_INSERT = 120  # rows of one INSERT: 8 × 120 + 4 parameters, within SQLite's old 999
REBUILD_AFTER = 100_000  # a bulk import longer than this (and than the ledger) rebuilds…
TARGET_AS_OF_INDEX = "records_target_as_of"  # …this index once, sorted
BULK_CACHE_KIB = -65_536  # page cache of a bulk import: 64 MiB (negative: KiB)


def add_rows(ledger: Ledger, rows: Iterable[NewRow]) -> int:
    """Insert NewRows (already checked) in one transaction, all or none: an exception from `rows`
    (the importer raises one at the end of a file with bad rows) rolls back everything. Returns
    the number of records added.

    A read-ahead worker feeding `rows` (xlgl/store/readahead.py) must have been started before
    this is called: the transaction begins here, and no process may fork while it is open."""
    from xlgl.store import reviews

    conn = ledger.conn
    now, login = utc_now(), login_name()
    head, start = uuid7_run(time.time_ns() // 1_000_000)
    statements: dict[int, str] = {}
    rows = iter(rows)
    count = 0
    index_sql = None
    with bulk_pragmas(conn), ledger.write():
        held = conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0]
        submitted = reviews.waits(ledger)  # 销号: the whole file waits for verification
        rebuild_after = max(REBUILD_AFTER, held)
        while chunk := list(itertools.islice(rows, ROWS_PER_INSERT)):
            if set(map(len, chunk)) != {NEW_ROW_WIDTH}:  # flattened below: must not shift
                raise ValueError(f"add_rows takes rows of {NEW_ROW_WIDTH}: {chunk[0]!r}…")
            if count >= rebuild_after and index_sql is None:
                index_sql = conn.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                    [TARGET_AS_OF_INDEX],
                ).fetchone()[0]
                conn.execute(f"DROP INDEX {TARGET_AS_OF_INDEX}")
            sql = statements.get(len(chunk)) or statements.setdefault(
                len(chunk), insert_rows_sql(len(chunk), submitted)
            )
            params = list(itertools.chain.from_iterable(chunk))
            params += (now, login, head, start + count)
            conn.execute(sql, params)
            count += len(chunk)
        if index_sql is not None:
            conn.execute(index_sql)
    return count


@contextmanager
def bulk_pragmas(conn: sqlite3.Connection) -> Iterator[None]:
    """A larger page cache and in-memory sorting for one bulk import, then back as they were.
    Durability is unchanged: the import commits with the ledger's usual synchronous level."""
    cache, temp = (
        conn.execute(f"PRAGMA {name}").fetchone()[0] for name in ("cache_size", "temp_store")
    )
    conn.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
        conn.execute(f"PRAGMA temp_store = {int(temp)}")


def insert_rows_sql(rows: int, submitted: bool = False) -> str:
    """INSERT of `rows` NewRows whose fields are parameters 1 … 8·rows, followed by recorded_at,
    the login name (for a row whose `by` is None), the UUID head and the counter of the first
    row (see uuid7_run); `submitted`: the records wait for verification."""
    w = NEW_ROW_WIDTH
    now, login, head, start = (f"?{w * rows + k}" for k in (1, 2, 3, 4))
    values = ",\n".join(
        f"({head} || printf('%012x', {start} + {i}), "
        + ", ".join(f"?{w * i + k}" for k in (1, 2, 3, 4, 5))
        + f", {now}, coalesce(?{w * i + 6}, {login}), ?{w * i + 7}, ?{w * i + 8}, {int(submitted)})"
        for i in range(rows)
    )
    return (
        "INSERT INTO records "
        '(uuid, report, target, value, unit, as_of, recorded_at, "by", source, note, submitted)\n'
        f"VALUES {values}"
    )


def uuid7(now_ms: int | None = None) -> str:
    """A new time-ordered UUID (version 7) as text; see uuid7_run."""
    head, start = uuid7_run(time.time_ns() // 1_000_000 if now_ms is None else now_ms)
    return f"{head}{start:012x}"


def uuid7_run(now_ms: int) -> tuple[str, int]:
    """The UUIDs of one transaction: (head, start); its n-th UUID is f"{head}{start + n:012x}".

    Version 7 of RFC 9562 (§5.7), ascending: 48-bit Unix time in milliseconds (the same for the
    whole transaction, whose records share one recorded_at), version 7, then 74 random bits that
    serve as a counter incremented by one per record (§6.2, method 2, "monotonic random"). The
    counter's low 48 bits start below 2**47, so they never carry into the head within a run.
    Ascending UUIDs make the UNIQUE index on records.uuid grow at its end instead of taking a
    random page per insert; they stay globally unique for merging ledgers (xlgl/exchange.py):
    two runs can only collide if they start in the same millisecond with 73 equal random bits."""
    if not 0 <= now_ms < 1 << 48:
        raise ValueError("timestamp outside the 48 bits of UUIDv7")
    random = int.from_bytes(os.urandom(10)) >> 7  # 73 bits: 12 rand_a, 14 + 47 of rand_b
    rand_a, rand_b_high, start = random >> 61, (random >> 47) & 0x3FFF, random & ((1 << 47) - 1)
    time_hex = f"{now_ms:012x}"
    head = f"{time_hex[:8]}-{time_hex[8:]}-7{rand_a:03x}-{(0b10 << 14) | rand_b_high:04x}-"
    return head, start
