"""The ledger (台账): one SQLite file holding the targets, the recorded figures and the settings.

Design:
- Records are append-only. A correction is a new record; a mistaken record is voided by a new record
  whose `voids` names it. Nothing is updated or deleted, so the history is the audit trail, and each
  record's UUID lets ledgers on several machines be merged without duplicates. UUIDs are
  time-ordered (version 7, RFC 9562: the time in ms, then 74 random bits counting up within one
  transaction), so the UNIQUE index on records.uuid grows at its end; ledgers written before
  hold random version 4 UUIDs, and both kinds live side by side (see _uuid7_run).
- A bulk import (`xlgl record --file`, Ledger.add_rows) is one transaction like any write; how it
  reaches ~150,000 rows/s is told in add_rows.
- Several processes may use one ledger at once (cron jobs, people recording): WAL mode, a busy
  timeout, and every write is one short `BEGIN IMMEDIATE` transaction. A lock held longer than the
  timeout, a damaged file or a ledger written by a newer xlgl raises LedgerError (exit 4).
- The schema is versioned by sqlite-utils' Migrations("xlgl"); `PRAGMA user_version` mirrors the
  number applied, so opening an up-to-date ledger costs one pragma and never imports sqlite-utils.
- The latest figure of every target is found in one SQL query (the rule of progress.latest_actual);
  the rules themselves (progress.py) run in Python on the rows.
"""

from __future__ import annotations

import gc
import getpass
import itertools
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from xlgl.errors import InputError, LedgerError
from xlgl.model import SETTING_NAMES, TARGET_FIELDS, Actual, Settings, Target
from xlgl.progress import Evaluation, evaluate

DEFAULT_TIMEOUT = 30.0  # seconds a write waits for another process's lock
MIGRATION_SET = "xlgl"
MAX_LISTED_ROWS = 50  # bad rows named in one error message
_REBUILD_AFTER = 100_000  # a bulk import longer than this (and than the ledger) rebuilds…
_TARGET_AS_OF_INDEX = "records_target_as_of"  # …this index once, sorted (Ledger.add_rows)
_BULK_CACHE_KIB = -65_536  # page cache of a bulk import: 64 MiB (negative: KiB)


def default_ledger_path() -> Path:
    """Per-user data directory: %APPDATA%\\xlgl on Windows, else $XDG_DATA_HOME/xlgl."""
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "xlgl" / "ledger.db"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class Record:
    id: int
    uuid: str
    target: str
    value: float | None
    unit: str
    as_of: date
    recorded_at: str
    by: str | None
    source: str | None
    note: str | None
    voids: int | None
    voided: bool

    def as_actual(self) -> Actual:
        return Actual(self.value, self.as_of, self.recorded_at, self.id, self.voided)


@dataclass(frozen=True)
class NewRecord:
    """A figure to record, already in the target's unit."""

    target: str
    value: float
    as_of: date
    by: str | None = None
    source: str | None = None
    note: str | None = None


#: A figure for Ledger.add_rows, the bulk form of NewRecord:
#: (target, value in the target's unit, as_of as ISO text, by, source, note).
NewRow = tuple[str, float, str, str | None, str | None, str | None]


@dataclass(frozen=True)
class ExchangedRecord:
    """A record as it travels between ledgers (xlgl/exchange.py): named by its UUID; a voiding
    record names the record it voids by that record's UUID."""

    line: int  # where it stands in the file, for messages
    uuid: str
    target: str
    value: float | None
    unit: str | None
    as_of: date
    recorded_at: str
    by: str | None
    source: str | None
    note: str | None
    voids: str | None


# --- schema -------------------------------------------------------------------------------------
# Never edit a migration that has shipped: add a new one to the end of MIGRATIONS.

_M001_INITIAL = """
CREATE TABLE report (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    title TEXT NOT NULL,
    year INTEGER NOT NULL,
    source TEXT,
    text TEXT
);
CREATE TABLE targets (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    year INTEGER NOT NULL,
    section TEXT NOT NULL,
    topic TEXT NOT NULL,
    indicator TEXT NOT NULL,
    kind TEXT NOT NULL,
    comparator TEXT NOT NULL,
    value REAL NOT NULL,
    value_hi REAL,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL,
    baseline REAL,
    start TEXT NOT NULL,
    due TEXT NOT NULL,
    quote TEXT NOT NULL,
    "offset" INTEGER,
    also TEXT NOT NULL DEFAULT '[]',
    owner TEXT,
    due_override TEXT,
    tolerance REAL
);
CREATE INDEX targets_indicator ON targets(indicator);
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    target TEXT NOT NULL REFERENCES targets(id),
    value REAL,
    as_of TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    "by" TEXT,
    source TEXT,
    note TEXT,
    voids INTEGER REFERENCES records(id),
    CHECK ((value IS NULL) = (voids IS NOT NULL))
);
CREATE INDEX records_target_as_of ON records(target, as_of);
CREATE INDEX records_voids ON records(voids) WHERE voids IS NOT NULL;
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value REAL NOT NULL
);
"""

MIGRATIONS: list[tuple[str, str]] = [("m001_initial", _M001_INITIAL)]
SCHEMA_VERSION = len(MIGRATIONS)


def _apply_migrations(conn: sqlite3.Connection) -> None:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, script in MIGRATIONS:

        def run(db: Database, script: str = script) -> None:
            for statement in script.split(";"):
                if statement.strip():
                    db.execute(statement)

        migrations(name=name)(run)
    db = Database(conn)
    applied = {m.name for m in migrations.applied(db)}
    unknown = applied - {name for name, _ in MIGRATIONS}
    if unknown:
        raise LedgerError("台账由更新版本的 xlgl 创建，请升级 xlgl 后再用")
    migrations.apply(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


# --- the store ----------------------------------------------------------------------------------


class Ledger:
    """An open ledger. Use `Ledger.open(path)`; close it, or use it as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.timeout = DEFAULT_TIMEOUT
        self.read_only = False

    @classmethod
    def open(cls, path: Path, *, create: bool = False, timeout: float = DEFAULT_TIMEOUT) -> Ledger:
        """Open a ledger, migrating it to this version's schema; create it only when `create`.

        A file that is not an xlgl ledger (not SQLite, truncated, from a newer xlgl) is refused
        before SQLite touches it, so no -wal/-shm files appear beside it. A ledger whose file or
        directory is read-only is opened read-only: reports work, writes raise LedgerError."""
        path = Path(path)
        read_only = False
        if not path.exists():
            if not create:
                raise LedgerError(f"台账文件不存在：{path}（新建请用 xlgl --db {path} init）")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise LedgerError(f"无法创建台账目录 {path.parent}：{error.strerror}") from None
            if not _writable(path.parent):
                raise LedgerError(f"无法新建台账 {path}：目录 {path.parent} 只读")
        elif path.is_dir():
            raise LedgerError(f"{path} 是目录，不是台账文件")
        else:
            _check_header(path)
            read_only = not (_writable(path) and _writable(path.parent))
        try:
            if read_only:
                # immutable: read the file as it is, creating no -wal/-shm beside it; only safe
                # when no -wal holds newer pages (a writer can't exist: nobody can write here).
                wal = Path(f"{path}-wal")
                flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
                uri = f"{path.resolve().as_uri()}?{flags}"
                conn = sqlite3.connect(uri, timeout=timeout, isolation_level=None, uri=True)
            else:
                conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise LedgerError(f"无法打开台账 {path}：{error}") from None
        ledger = cls(conn, path)
        ledger.timeout = timeout
        ledger.read_only = read_only
        try:
            ledger._prepare(create)
        except BaseException:
            conn.close()
            raise
        return ledger

    def _prepare(self, create: bool) -> None:
        with translate_errors(self.path, self.timeout):
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION:
                return
            if version > SCHEMA_VERSION:
                raise LedgerError(_newer_message(self.path, version))
            has_tables = self.conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
            if version == 0 and has_tables and not self._is_xlgl():
                raise LedgerError(f"{self.path} 不是 xlgl 台账")
            if version == 0 and not has_tables and not create:
                raise LedgerError(f"{self.path} 是空文件，不是 xlgl 台账（新建请用 init）")
            if self.read_only:
                raise LedgerError(f"台账 {self.path} 只读（文件或所在目录不可写），无法升级结构")
            self.conn.execute("PRAGMA journal_mode=WAL")
            with self.write():
                # Another process may have migrated while we waited for the lock.
                if self.conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                    _apply_migrations(self.conn)

    def _is_xlgl(self) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = '_sqlite_migrations'"
        ).fetchone()
        if not row:
            return False
        return bool(
            self.conn.execute(
                "SELECT 1 FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
            ).fetchone()
        )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; it takes the write lock at once so readers never deadlock it."""
        with translate_errors(self.path, self.timeout):
            self._begin()
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, retried every few milliseconds until the timeout has passed.

        SQLite's own busy handler backs off to sleeps of 100 ms, so with several writers a waiter
        often sleeps through the moments the lock is free; polling with short random pauses keeps
        eight writers moving (see tests/test_concurrency.py, bench/contention.py)."""
        deadline = time.monotonic() + self.timeout
        self.conn.execute("PRAGMA busy_timeout = 0")
        try:
            pause = 0.001
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as error:
                    text = str(error)
                    left = deadline - time.monotonic()
                    if ("locked" not in text and "busy" not in text) or left <= 0:
                        raise
                import random  # only when another process holds the lock

                time.sleep(min(random.uniform(0.5, 1.0) * pause, left))
                pause = min(pause * 2, 0.02)
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")

    # --- seed ---------------------------------------------------------------------------------

    def is_seeded(self) -> bool:
        return self.conn.execute("SELECT 1 FROM report").fetchone() is not None

    def load_seed(self, seed: Any) -> tuple[int, int]:
        """Add or refresh the seed's targets; returns (added, changed). Records are never touched,
        nor are owners, due dates and tolerances set with `assign`."""
        import json

        from sqlite_utils import Database

        # The seed's own columns; `owner` only on a new target (then `assign` owns it).
        columns = [name for name in TARGET_FIELDS if name != "owner"] + ["also"]
        with self.write():
            existing = {
                row[0]: tuple(row[1:])
                for row in self.conn.execute(
                    f"SELECT {', '.join(_q(c) for c in columns)} FROM targets"
                )
            }
            next_seq = self.conn.execute("SELECT coalesce(max(seq), 0) FROM targets").fetchone()[0]
            added, changed = [], []
            for target in seed.targets:
                row = {c: target[c] for c in columns}
                row["start"] = target["start"].isoformat()
                row["due"] = target["due"].isoformat()
                row["also"] = json.dumps(target["also"], ensure_ascii=False)
                if target["id"] not in existing:
                    next_seq += 1
                    added.append({**row, "seq": next_seq, "owner": target["owner"]})
                elif existing[target["id"]] != tuple(row[c] for c in columns[1:]):
                    changed.append(row)
            db = Database(self.conn)
            if added:
                db["targets"].insert_all(added)
            if changed:
                # Only the seed's own columns: owner, due_override and tolerance stay as assigned.
                assignments = ", ".join(f"{_q(c)} = :{c}" for c in columns[1:])
                self.conn.executemany(f"UPDATE targets SET {assignments} WHERE id = :id", changed)
            report = seed.report
            db["report"].upsert(
                {
                    "id": 1,
                    "title": str(report.get("title", "")),
                    "year": int(report.get("year", 0)),
                    "source": report.get("source"),
                    "text": seed.report_text,
                },
                pk="id",
            )
        return len(added), len(changed)

    # --- targets -------------------------------------------------------------------------------

    def targets(
        self,
        *,
        section: str | None = None,
        kind: str | None = None,
        owner: str | None = None,
        search: str | None = None,
    ) -> list[Target]:
        where, params = _target_filter(section, kind, owner, search)
        sql = f"SELECT {_TARGET_COLUMNS} FROM targets t {where} ORDER BY t.seq"
        with translate_errors(self.path):
            return [_target(row) for row in self.conn.execute(sql, params)]

    def target(self, target_id: str) -> Target | None:
        sql = f"SELECT {_TARGET_COLUMNS} FROM targets t WHERE t.id = ?"
        row = self.conn.execute(sql, [target_id]).fetchone()
        return _target(row) if row else None

    def target_places(self, target_id: str) -> list[dict[str, Any]]:
        """Every place the report states the target: the main quote first, then the others."""
        import json

        row = self.conn.execute(
            'SELECT section, quote, "offset", also FROM targets WHERE id = ?', [target_id]
        ).fetchone()
        if not row:
            return []
        return [{"section": row[0], "quote": row[1], "offset": row[2]}, *json.loads(row[3])]

    def find_target(self, query: str) -> Target:
        """A target by id, by indicator, or by a unique part of its indicator."""
        query = query.strip()
        found = self.target(query)
        if found:
            return found
        exact = self._targets_where("t.indicator = ?", [query])
        if len(exact) == 1:
            return exact[0]
        partial = exact or self._targets_where(
            "instr(t.indicator, ?) > 0 OR instr(t.id, ?) > 0", [query, query]
        )
        if len(partial) == 1:
            return partial[0]
        if partial:
            listed = "、".join(f"{t.id}（{t.indicator}）" for t in partial[:8])
            more = f" 等 {len(partial)} 个" if len(partial) > 8 else ""
            raise InputError(f"“{query}”对应多个目标：{listed}{more}；请用 id")
        names = [row[0] for row in self.conn.execute("SELECT indicator FROM targets")]
        ids = [row[0] for row in self.conn.execute("SELECT id FROM targets")]
        import difflib

        close = difflib.get_close_matches(query, names + ids, n=3, cutoff=0.5)
        hint = f"；是否要找：{'、'.join(close)}" if close else "；用 xlgl targets 查看全部目标"
        raise InputError(f"没有目标“{query}”{hint}")

    def _targets_where(self, condition: str, params: list[Any]) -> list[Target]:
        sql = f"SELECT {_TARGET_COLUMNS} FROM targets t WHERE {condition} ORDER BY t.seq"
        return [_target(row) for row in self.conn.execute(sql, params)]

    def assign(
        self,
        target_id: str,
        *,
        owner: str | None = None,
        due: date | None = None,
        tolerance: float | None = None,
    ) -> None:
        updates = {
            "owner": owner,
            "due_override": due.isoformat() if due else None,
            "tolerance": tolerance,
        }
        updates = {k: v for k, v in updates.items() if v is not None}
        if not updates:
            return
        assignments = ", ".join(f"{k} = ?" for k in updates)
        with self.write():
            self.conn.execute(
                f"UPDATE targets SET {assignments} WHERE id = ?", [*updates.values(), target_id]
            )

    # --- settings ------------------------------------------------------------------------------

    def settings(self) -> Settings:
        with translate_errors(self.path):
            stored = dict(self.conn.execute("SELECT key, value FROM settings"))
        defaults = Settings()
        values = {}
        for name in SETTING_NAMES:
            if name in stored:
                kind = type(getattr(defaults, name))
                values[name] = kind(stored[name])
        return Settings(**values)

    def set_setting(self, name: str, value: float) -> None:
        if name not in SETTING_NAMES:
            raise InputError(f"没有设置项“{name}”；可设：{', '.join(SETTING_NAMES)}")
        with self.write():
            self.conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [name, value],
            )

    # --- records -------------------------------------------------------------------------------

    def add_record(self, new: NewRecord, *, increment: bool = False) -> Record:
        """Append one figure. With `increment`, `new.value` is added to the latest figure as of
        `new.as_of` (read inside the same transaction, so concurrent increments add up)."""
        with self.write():
            value = new.value
            if increment:
                latest = self.latest_values(new.as_of, [new.target]).get(new.target)
                value = round((latest[0] if latest else 0.0) + value, 6)
            record_id = self._insert(
                new.target, value, new.as_of, new.by, new.source, new.note, None
            )
        return self.record(record_id)

    def add_records(self, records: Iterable[NewRecord]) -> int:
        """Append many figures in one transaction: all of them, or (on any error) none."""
        return self.add_rows(
            (r.target, r.value, r.as_of.isoformat(), r.by or None, r.source, r.note)
            for r in records
        )

    def add_rows(self, rows: Iterable[NewRow]) -> int:
        """The bulk form of add_records, for `xlgl record --file`: NewRow tuples, (target,
        value, as_of as ISO text, by, source, note), the value in the target's unit and already
        checked; `by` None means the login name. One transaction, all or none: an exception from
        `rows` (the importer raises one at the end of a file with bad rows) rolls back everything.
        Returns the number of records added.

        How a million rows go in quickly (issue 7):
        - The rows are streamed, `_ROWS_PER_INSERT` to one multi-row INSERT … VALUES: per row
          the Python sqlite3 module's own work (a step, a reset, eight bindings) cost more than
          SQLite's insert itself. recorded_at, the login name and the UUID's fixed part are bound
          once per statement; the UUID (version 7, see _uuid7_run) is made by SQLite from them.
        - The UUIDs ascend, so the UNIQUE index on uuid grows at its end.
        - A big import into a smaller ledger drops records_target_as_of after the first
          `_REBUILD_AFTER` rows (or as many as the ledger holds, if more) and builds it again,
          sorted, before the commit: cheaper than a million inserts scattered over the index.
          Both happen inside the transaction: other processes see the index unchanged, and a
          failed or killed import leaves it as it was.
        - A larger page cache and in-memory sorting for this transaction (_bulk_pragmas).
          Durability is the ledger's usual: WAL with synchronous=FULL, one fsync at the commit."""
        now, login = utc_now(), login_name()
        head, start = _uuid7_run(time.time_ns() // 1_000_000)
        statements: dict[int, str] = {}
        rows = iter(rows)
        count = 0
        index_sql = None
        with self._bulk_pragmas(), self.write():
            held = self.conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0]
            rebuild_after = max(_REBUILD_AFTER, held)
            while chunk := list(itertools.islice(rows, _ROWS_PER_INSERT)):
                if set(map(len, chunk)) != {NEW_ROW_WIDTH}:  # flattened below: must not shift
                    raise ValueError(f"add_rows takes rows of {NEW_ROW_WIDTH}: {chunk[0]!r}…")
                if count >= rebuild_after and index_sql is None:
                    index_sql = self.conn.execute(
                        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                        [_TARGET_AS_OF_INDEX],
                    ).fetchone()[0]
                    self.conn.execute(f"DROP INDEX {_TARGET_AS_OF_INDEX}")
                sql = statements.get(len(chunk)) or statements.setdefault(
                    len(chunk), _insert_rows_sql(len(chunk))
                )
                params = list(itertools.chain.from_iterable(chunk))
                params += (now, login, head, start + count)
                self.conn.execute(sql, params)
                count += len(chunk)
            if index_sql is not None:
                self.conn.execute(index_sql)
        return count

    @contextmanager
    def _bulk_pragmas(self) -> Iterator[None]:
        """A larger page cache and in-memory sorting for one bulk import, then back as they were.
        Durability is unchanged: the import commits with the ledger's usual synchronous level."""
        cache, temp = (
            self.conn.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("cache_size", "temp_store")
        )
        self.conn.execute(f"PRAGMA cache_size = {_BULK_CACHE_KIB}")
        self.conn.execute("PRAGMA temp_store = MEMORY")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(cache)}")
            self.conn.execute(f"PRAGMA temp_store = {int(temp)}")

    def void(self, record_id: int, reason: str, by: str | None = None) -> Record:
        with self.write():
            original = self.record(record_id)
            if original.voids is not None:
                raise InputError(f"记录 {record_id} 本身是作废记录，不能再作废")
            if original.voided:
                raise InputError(f"记录 {record_id} 已作废")
            new_id = self._insert(
                original.target, None, original.as_of, by, None, reason, original.id
            )
        return self.record(new_id)

    def _insert(
        self,
        target: str,
        value: float | None,
        as_of: date,
        by: str | None,
        source: str | None,
        note: str | None,
        voids: int | None,
        record_uuid: str | None = None,
        recorded_at: str | None = None,
    ) -> int:
        cursor = self.conn.execute(
            'INSERT INTO records (uuid, target, value, as_of, recorded_at, "by", source, note, voids) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                record_uuid or uuid7(),
                target,
                value,
                as_of.isoformat(),
                recorded_at or utc_now(),
                by or login_name(),
                source,
                note,
                voids,
            ],
        )
        return int(cursor.lastrowid)

    def record(self, record_id: int) -> Record:
        rows = self.records(record_id=record_id)
        if not rows:
            raise InputError(f"没有记录 {record_id}")
        return rows[0]

    def records(
        self,
        target: str | None = None,
        *,
        record_id: int | None = None,
        until: date | None = None,
    ) -> list[Record]:
        """Records, oldest first, voiding records included; `voided` marks the ones voided."""
        conditions, params = [], []
        if target is not None:
            conditions.append("r.target = ?")
            params.append(target)
        if record_id is not None:
            conditions.append("r.id = ?")
            params.append(record_id)
        if until is not None:
            conditions.append("r.as_of <= ?")
            params.append(until.isoformat())
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        sql = f"""
            SELECT r.id, r.uuid, r.target, r.value, t.unit, r.as_of, r.recorded_at, r."by",
                   r.source, r.note, r.voids,
                   EXISTS (SELECT 1 FROM records v WHERE v.voids = r.id) AS voided
            FROM records r JOIN targets t ON t.id = r.target
            {where}
            ORDER BY r.id
        """
        with translate_errors(self.path):
            return [
                Record(
                    id=row[0],
                    uuid=row[1],
                    target=row[2],
                    value=row[3],
                    unit=row[4],
                    as_of=date.fromisoformat(row[5]),
                    recorded_at=row[6],
                    by=row[7],
                    source=row[8],
                    note=row[9],
                    voids=row[10],
                    voided=bool(row[11]),
                )
                for row in self.conn.execute(sql, params)
            ]

    # --- record exchange (xlgl/exchange.py) -------------------------------------------------------

    def export_records(self) -> Iterator[dict[str, Any]]:
        """Every record, oldest first, voiding records included, in the exchange form: a voiding
        record's `voids` is the UUID of the record it voids. One read snapshot, streamed."""
        sql = """
            SELECT r.uuid, r.target, r.value, t.unit, r.as_of, r.recorded_at, r."by", r.source,
                   r.note, o.uuid
            FROM records r JOIN targets t ON t.id = r.target
            LEFT JOIN records o ON o.id = r.voids
            ORDER BY r.id
        """
        names = (
            "uuid", "target", "value", "unit", "as_of", "recorded_at", "by", "source", "note",
            "voids",
        )  # fmt: skip
        with translate_errors(self.path, self.timeout):
            for row in self.conn.execute(sql):
                yield dict(zip(names, row, strict=True))

    def import_records(
        self, records: Iterable[ExchangedRecord], errors: list[str]
    ) -> tuple[int, int]:
        """Add the records this ledger lacks, in one transaction; returns (added, already here).

        A record already here (same UUID, same content) is skipped, so importing a file twice adds
        nothing. Problems are appended to `errors` as "第 N 行：reason" (the caller's reader adds
        its own there too); if there are any when the records end, nothing is written and
        RowErrors is raised naming every one."""
        added = present = 0
        with self.write():
            units = dict(self.conn.execute("SELECT id, unit FROM targets"))
            voiding: list[ExchangedRecord] = []
            for record in records:
                problem = self._exchange_problem(record, units)
                if problem == "present":
                    present += 1
                elif problem:
                    errors.append(f"第 {record.line} 行：{problem}")
                elif record.voids is not None:
                    voiding.append(record)  # after the file's other records: they may be its
                else:
                    self._insert_exchanged(record, None)
                    added += 1
            for record in voiding:
                row = self.conn.execute(
                    "SELECT id, target, voids FROM records WHERE uuid = ?", [record.voids]
                ).fetchone()
                if row is None:
                    problem = f"作废的记录 {record.voids} 既不在本台账中，也不在文件中"
                elif row[2] is not None:
                    problem = f"作废的记录 {record.voids} 本身是作废记录"
                elif row[1] != record.target:
                    problem = f"作废的记录 {record.voids} 属于目标 {row[1]}，不是 {record.target}"
                else:
                    self._insert_exchanged(record, row[0])
                    added += 1
                    continue
                errors.append(f"第 {record.line} 行：{problem}")
            if errors:
                from xlgl.errors import RowErrors

                raise RowErrors(
                    f"有 {len(errors)} 行错误，未导入任何记录：",
                    errors[:MAX_LISTED_ROWS],
                    len(errors),
                )
        return added, present

    def _exchange_problem(self, record: ExchangedRecord, units: dict[str, str]) -> str | None:
        if record.target not in units:
            return f"目标“{record.target}”不在本台账中（先用同一份种子 init）"
        if record.unit is not None and record.unit != units[record.target]:
            return (
                f"目标 {record.target} 的单位在本台账中是“{units[record.target]}”，"
                f"文件中是“{record.unit}”"
            )
        row = self.conn.execute(
            "SELECT r.target, r.value, r.as_of, o.uuid FROM records r "
            "LEFT JOIN records o ON o.id = r.voids WHERE r.uuid = ?",
            [record.uuid],
        ).fetchone()
        if row is None:
            return None
        if row != (record.target, record.value, record.as_of.isoformat(), record.voids):
            return f"记录 {record.uuid} 已在本台账中，但内容不同"
        return "present"

    def _insert_exchanged(self, record: ExchangedRecord, voids: int | None) -> None:
        self._insert(
            record.target,
            record.value,
            record.as_of,
            record.by,
            record.source,
            record.note,
            voids,
            record_uuid=record.uuid,
            recorded_at=record.recorded_at,
        )

    # --- status --------------------------------------------------------------------------------

    def latest_values(
        self, as_of: date, target_ids: list[str] | None = None
    ) -> dict[str, tuple[float, date, str, int]]:
        """Each target's latest live figure not after `as_of`: id -> (value, as_of, recorded_at, record id).
        The same rule as progress.latest_actual, done in one query.

        Index-backed: for each target, a walk down records_target_as_of from `as_of` (a handful
        of rows), rather than a window function that sorts every record of the ledger; at a
        million records this is about six times faster."""
        only = ""
        params: list[Any] = [as_of.isoformat()]
        if target_ids is not None:  # ?1 is the date; the ids are ?2, ?3 …
            only = f"WHERE t.id IN ({', '.join(f'?{i + 2}' for i in range(len(target_ids)))})"
            params.extend(target_ids)
        sql = f"""
            SELECT t.id, l.value, l.as_of, l.recorded_at, l.id
            FROM targets t JOIN records l ON l.id = {_LATEST_LIVE_RECORD}
            {only}
        """
        fromiso = date.fromisoformat
        with translate_errors(self.path):
            return {
                row[0]: (row[1], fromiso(row[2]), row[3], row[4])
                for row in self.conn.execute(sql, params)
            }

    def status(
        self,
        as_of: date,
        *,
        section: str | None = None,
        kind: str | None = None,
        owner: str | None = None,
        search: str | None = None,
        statuses: Iterable[str] | None = None,
        target_id: str | None = None,
    ) -> list[Evaluation]:
        """The status row of every target that passes the filters, in report order.

        One query reads each target with its latest figure (the rule of `latest_values`, joined
        on the filtered targets only); the rules run in Python on the rows as they arrive. For
        speed at 100,000 targets: dates are parsed once per distinct string, and the cyclic
        garbage collector is paused while the (acyclic) rows are built."""
        settings = self.settings()
        where, params = _target_filter(section, kind, owner, search, target_id)
        sql = f"""
            SELECT {_TARGET_COLUMNS}, l.value, l.as_of, l.recorded_at, l.id
            FROM targets t LEFT JOIN records l ON l.id = {_LATEST_LIVE_RECORD}
            {where}
            ORDER BY t.seq
        """
        wanted = set(statuses) if statuses is not None else None
        dates: dict[str, date] = {}

        def day(text: str) -> date:
            found = dates.get(text)
            if found is None:
                found = dates[text] = date.fromisoformat(text)
            return found

        rows: list[Evaluation] = []
        collecting = gc.isenabled()
        gc.disable()
        try:
            with translate_errors(self.path):
                for row in self.conn.execute(sql, [as_of.isoformat(), *params]):
                    target = _target(row, day)
                    latest = (
                        None if row[21] is None else Actual(row[18], day(row[19]), row[20], row[21])
                    )
                    evaluation = evaluate(target, latest, as_of, settings)
                    if wanted is None or evaluation.status in wanted:
                        rows.append(evaluation)
        finally:
            if collecting:
                gc.enable()
        return rows

    def evaluation(self, target_id: str, as_of: date) -> Evaluation:
        """The status row of one target (by id) as of a date."""
        return self.status(as_of, target_id=target_id)[0]


# --- helpers ------------------------------------------------------------------------------------


def uuid7(now_ms: int | None = None) -> str:
    """A new time-ordered UUID (version 7) as text; see _uuid7_run."""
    head, start = _uuid7_run(time.time_ns() // 1_000_000 if now_ms is None else now_ms)
    return f"{head}{start:012x}"


def _uuid7_run(now_ms: int) -> tuple[str, int]:
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


NEW_ROW_WIDTH = 6  # fields of a NewRow
_ROWS_PER_INSERT = 150  # rows of one INSERT: 6 × 150 + 4 parameters, within SQLite's old 999


def _insert_rows_sql(rows: int) -> str:
    """INSERT of `rows` NewRows whose fields are parameters 1 … 6·rows, followed by recorded_at,
    the login name (for a row whose `by` is None), the UUID head and the counter of the first
    row (see _uuid7_run)."""
    w = NEW_ROW_WIDTH
    now, login, head, start = (f"?{w * rows + k}" for k in (1, 2, 3, 4))
    values = ",\n".join(
        f"({head} || printf('%012x', {start} + {i}), ?{w * i + 1}, ?{w * i + 2}, ?{w * i + 3}, "
        f"{now}, coalesce(?{w * i + 4}, {login}), ?{w * i + 5}, ?{w * i + 6})"
        for i in range(rows)
    )
    return (
        'INSERT INTO records (uuid, target, value, as_of, recorded_at, "by", source, note)\n'
        f"VALUES {values}"
    )


# The id of target t's latest live record as of ?1 (the first parameter): the rule of
# progress.latest_actual, walking records_target_as_of down from ?1 for each target.
_LATEST_LIVE_RECORD = """(
    SELECT r.id FROM records r
    WHERE r.target = t.id AND r.as_of <= ?1 AND r.value IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM records v WHERE v.voids = r.id)
    ORDER BY r.as_of DESC, r.recorded_at DESC, r.id DESC LIMIT 1
)"""

_TARGET_COLUMNS = (  # Target's fields, in Target's order (Ledger.status relies on it)
    "t.id, t.indicator, t.kind, t.comparator, t.value, t.unit, t.direction, t.start, "
    "coalesce(t.due_override, t.due), t.value_hi, t.baseline, t.tolerance, t.year, t.section, "
    't.topic, t.quote, t."offset", t.owner'
)


def _target(row: Sequence[Any], day: Callable[[str], date] = date.fromisoformat) -> Target:
    """A Target from the first 18 columns of a row selected with _TARGET_COLUMNS, which are
    Target's fields in order: positional arguments cost half what eighteen keywords do, and
    `xlgl status` builds 100,000 of them. `day` reads the two dates (status caches it)."""
    return Target(*row[:7], day(row[7]), day(row[8]), *row[9:18])


def _target_filter(
    section: str | None,
    kind: str | None,
    owner: str | None,
    search: str | None,
    target_id: str | None = None,
) -> tuple[str, list[Any]]:
    conditions, params = [], []
    if target_id is not None:
        conditions.append("t.id = ?")
        params.append(target_id)
    if section:
        conditions.append("t.section = ?")
        params.append(_normalize_section(section))
    if kind:
        conditions.append("t.kind = ?")
        params.append(kind)
    if owner:
        conditions.append("t.owner = ?")
        params.append(owner)
    if search:
        conditions.append("(instr(t.indicator, ?) > 0 OR instr(t.quote, ?) > 0 OR t.id = ?)")
        params.extend([search, search, search])
    return (f"WHERE {' AND '.join(conditions)}" if conditions else "", params)


_CHAPTER_NUMERALS = "一二三四五六七"


def _normalize_section(section: str) -> str:
    """Accept 1 or 一 or (一) for the chapter （一）; other names as written."""
    text = section.strip().strip("()（）")
    if text.isdigit() and 1 <= int(text) <= len(_CHAPTER_NUMERALS):
        text = _CHAPTER_NUMERALS[int(text) - 1]
    if text in _CHAPTER_NUMERALS and section.strip() != "三":
        return f"（{text}）"
    return section.strip()


def _q(column: str) -> str:
    return f'"{column}"'


@contextmanager
def translate_errors(path: Path, timeout: float | None = None) -> Iterator[None]:
    """SQLite's errors, as one plain LedgerError naming the file."""
    try:
        yield
    except sqlite3.OperationalError as error:
        text = str(error)
        if "locked" in text or "busy" in text:
            waited = f"等待 {timeout:g} 秒后" if timeout is not None else ""
            raise LedgerError(
                f"台账 {path} 正被其他进程写入，{waited}仍未释放（locked）；请稍后重试，"
                "或用环境变量 XLGL_TIMEOUT 设更长的等待秒数"
            ) from None
        if "readonly" in text or "read-only" in text:
            raise LedgerError(f"台账 {path} 只读（文件或所在目录不可写），无法写入") from None
        if "unable to open" in text:
            raise LedgerError(f"无法打开台账 {path}（{text}）") from None
        raise LedgerError(f"台账 {path} 无法使用：{text}") from None
    except sqlite3.DatabaseError as error:
        raise LedgerError(f"台账 {path} 已损坏或不是 SQLite 文件（{error}）") from None


SQLITE_MAGIC = b"SQLite format 3\x00"


def _newer_message(path: Path, version: int) -> str:
    return (
        f"台账 {path} 由更新版本的 xlgl 创建（结构版本 {version}，本版本支持 {SCHEMA_VERSION}），"
        "请升级 xlgl"
    )


def _check_header(path: Path) -> None:
    """Refuse, from the 100-byte SQLite header alone, a file that is not SQLite, is cut short, or
    was written by a newer xlgl: SQLite never opens it, so nothing is written beside it."""
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
        size = path.stat().st_size
    except OSError as error:
        raise LedgerError(f"无法读取台账 {path}：{error.strerror}") from None
    if not head:
        return  # an empty file: SQLite treats it as an empty database (init fills it)
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        if SQLITE_MAGIC.startswith(head[:16]):
            raise LedgerError(f"台账 {path} 不完整（文件被截断，只有 {size} 字节）")
        raise LedgerError(f"{path} 不是 SQLite 文件，不是 xlgl 台账")
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return  # newer pages and header may live in the WAL; SQLite itself will judge
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(head[28:32], "big")
    count_valid = head[24:28] == head[92:96] and page_count > 0
    if count_valid and size < page_size * page_count:
        raise LedgerError(
            f"台账 {path} 不完整（文件被截断：应有 {page_size * page_count} 字节，只有 {size} 字节）"
        )
    version = int.from_bytes(head[60:64], "big", signed=True)
    if version > SCHEMA_VERSION:
        raise LedgerError(_newer_message(path, version))


def _writable(path: Path) -> bool:
    """Whether xlgl may write here. Root may write anywhere, so for root a file or directory
    without any write permission bit counts as read-only: the owner meant it to be."""
    if not os.access(path, os.W_OK):
        return False
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return bool(path.stat().st_mode & 0o222)
    return True
