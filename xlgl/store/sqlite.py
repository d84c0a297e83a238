"""The SQLite file under a ledger: where it lives, opening it, its schema, write transactions, errors.

- Opening refuses, from the 100-byte header alone, a file that is not SQLite, is cut short or was
  written by a newer xlgl, so SQLite never writes a -wal/-shm beside it.
- The schema is versioned by sqlite-utils' Migrations("xlgl"): each migration is a registered
  Python function running its statements one by one (never SQL split on ";"), and
  `PRAGMA user_version` mirrors the number applied, so opening an up-to-date ledger costs one
  pragma and never imports sqlite-utils. Never edit a migration that has shipped: add one.
- Every write is one short `BEGIN IMMEDIATE` transaction, polled (see begin_immediate).
- SQLite's errors become one plain LedgerError naming the file (translate_errors).
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from xlgl.errors import LedgerError

DEFAULT_TIMEOUT = 30.0  # seconds a write waits for another process's lock
MIGRATION_SET = "xlgl"
SQLITE_MAGIC = b"SQLite format 3\x00"


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


# --- migrations -----------------------------------------------------------------------------------

Migration = Callable[[Any], None]  # takes a sqlite_utils.Database
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(function: Migration) -> Migration:
    """Register a migration; they run in the order they are defined, each in its own transaction."""
    MIGRATIONS.append((function.__name__, function))
    return function


@migration
def m001_initial(db: Any) -> None:
    """0.1's schema: one report, targets keyed by id, records naming their target."""
    for statement in (
        """CREATE TABLE report (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            title TEXT NOT NULL,
            year INTEGER NOT NULL,
            source TEXT,
            text TEXT
        )""",
        """CREATE TABLE targets (
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
        )""",
        "CREATE INDEX targets_indicator ON targets(indicator)",
        """CREATE TABLE records (
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
        )""",
        "CREATE INDEX records_target_as_of ON records(target, as_of)",
        "CREATE INDEX records_voids ON records(voids) WHERE voids IS NOT NULL",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value REAL NOT NULL)",
    ):
        db.execute(statement)


#: The key m002 gives 0.1's single report: xlgl-2024 (the key of the 2024 seed shipped with
#: xlgl), or report-<year> for a ledger seeded with another year's report.
V1_REPORT_KEY_SQL = "CASE WHEN year = 2024 THEN 'xlgl-2024' ELSE 'report-' || year END"


@migration
def m002_reports(db: Any) -> None:
    """Several reports in one ledger (issue 12): `reports` replaces the single-row `report`;
    targets are keyed by (report, id) and gain the reporting calendar, scale, extra units,
    retirement and review fields; records name their report and keep the unit they were recorded
    in, whether a plausibility check was overridden, and the progress text (issue 13); aliases.
    Record ids are kept: voiding records name them."""
    for statement in (
        """CREATE TABLE reports (
            key TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            year INTEGER NOT NULL,
            source TEXT,
            text TEXT,
            seq INTEGER NOT NULL
        )""",
        f"""INSERT INTO reports (key, title, year, source, text, seq)
            SELECT {V1_REPORT_KEY_SQL}, title, year, source, text, 1 FROM report""",
        # Targets of a 0.1 ledger without a report row (never seeded by xlgl) get their year's key.
        """INSERT INTO reports (key, title, year, source, text, seq)
            SELECT DISTINCT 'report-' || year, '', year, NULL, NULL, 1 + year FROM targets
            WHERE NOT EXISTS (SELECT 1 FROM report)""",
        """CREATE TABLE targets_m002 (
            report TEXT NOT NULL REFERENCES reports(key),
            id TEXT NOT NULL,
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
            tolerance REAL,
            frequency TEXT NOT NULL DEFAULT 'year',
            lag_days INTEGER NOT NULL DEFAULT 0,
            scale REAL,
            scale_unit TEXT,
            also_units TEXT NOT NULL DEFAULT '[]',
            retired INTEGER NOT NULL DEFAULT 0,
            retired_reason TEXT,
            review INTEGER NOT NULL DEFAULT 0,
            confidence REAL,
            co_owners TEXT NOT NULL DEFAULT '[]',
            leader TEXT,
            contact TEXT,
            carried_from TEXT,
            PRIMARY KEY (report, id)
        )""",
        """INSERT INTO targets_m002 (report, id, seq, year, section, topic, indicator, kind,
                comparator, value, value_hi, unit, direction, baseline, start, due, quote,
                "offset", also, owner, due_override, tolerance, frequency)
            SELECT coalesce((SELECT key FROM reports WHERE seq = 1), 'report-' || t.year),
                t.id, t.seq, t.year, t.section, t.topic, t.indicator, t.kind, t.comparator,
                t.value, t.value_hi, t.unit, t.direction, t.baseline, t.start, t.due, t.quote,
                t."offset", t.also, t.owner, t.due_override, t.tolerance,
                CASE WHEN t.kind = 'milestone' THEN 'event' ELSE 'year' END
            FROM targets t""",
        """CREATE TABLE records_m002 (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            report TEXT NOT NULL,
            target TEXT NOT NULL,
            value REAL,
            unit TEXT,
            as_of TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            "by" TEXT,
            source TEXT,
            note TEXT,
            voids INTEGER REFERENCES records(id),
            forced INTEGER NOT NULL DEFAULT 0,
            progress TEXT,
            problems TEXT,
            next_steps TEXT,
            evidence TEXT,
            FOREIGN KEY (report, target) REFERENCES targets(report, id),
            CHECK ((value IS NULL) = (voids IS NOT NULL))
        )""",
        # 0.1 stored every figure in its target's unit: that is the unit it was recorded in.
        """INSERT INTO records_m002 (id, uuid, report, target, value, unit, as_of, recorded_at,
                "by", source, note, voids)
            SELECT r.id, r.uuid, t.report, r.target, r.value, t.unit, r.as_of, r.recorded_at,
                r."by", r.source, r.note, r.voids
            FROM records r JOIN targets_m002 t ON t.id = r.target
            ORDER BY r.id""",
        "DROP TABLE records",
        "DROP TABLE targets",
        "DROP TABLE report",
        "ALTER TABLE targets_m002 RENAME TO targets",
        "ALTER TABLE records_m002 RENAME TO records",
        "CREATE INDEX targets_indicator ON targets(report, indicator)",
        "CREATE INDEX targets_seq ON targets(seq)",
        "CREATE INDEX records_target_as_of ON records(report, target, as_of)",
        "CREATE INDEX records_voids ON records(voids) WHERE voids IS NOT NULL",
        """CREATE TABLE aliases (
            report TEXT NOT NULL REFERENCES reports(key),
            alias TEXT NOT NULL,
            target TEXT NOT NULL,
            PRIMARY KEY (report, alias)
        )""",
    ):
        db.execute(statement)


def schema_version() -> int:
    return len(MIGRATIONS)


def apply_migrations(conn: sqlite3.Connection) -> None:
    """Bring the ledger to this version's schema; the caller holds the write lock."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, function in MIGRATIONS:
        migrations(name=name)(function)
    db = Database(conn)
    applied = {m.name for m in migrations.applied(db)}
    if applied - {name for name, _ in MIGRATIONS}:
        raise LedgerError("台账由更新版本的 xlgl 创建，请升级 xlgl 后再用")
    migrations.apply(db)
    conn.execute(f"PRAGMA user_version = {schema_version()}")


# --- opening --------------------------------------------------------------------------------------


def connect(path: Path, *, create: bool, timeout: float) -> tuple[sqlite3.Connection, bool]:
    """An autocommit connection to the ledger at `path`, and whether it is read-only."""
    read_only = False
    if not path.exists():
        if not create:
            raise LedgerError(f"台账文件不存在：{path}（新建请用 xlgl --db {path} init）")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LedgerError(f"无法创建台账目录 {path.parent}：{error.strerror}") from None
        if not writable(path.parent):
            raise LedgerError(f"无法新建台账 {path}：目录 {path.parent} 只读")
    elif path.is_dir():
        raise LedgerError(f"{path} 是目录，不是台账文件")
    else:
        check_header(path)
        read_only = not (writable(path) and writable(path.parent))
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
    return conn, read_only


def prepare(
    conn: sqlite3.Connection, path: Path, *, create: bool, read_only: bool, timeout: float
) -> None:
    """Check the opened file is an xlgl ledger of a version this xlgl reads; migrate it."""
    version_now = schema_version()
    with translate_errors(path, timeout):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == version_now:
            return
        if version > version_now:
            raise LedgerError(newer_message(path, version))
        has_tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
        if version == 0 and has_tables and not _is_xlgl(conn):
            raise LedgerError(f"{path} 不是 xlgl 台账")
        if version == 0 and not has_tables and not create:
            raise LedgerError(f"{path} 是空文件，不是 xlgl 台账（新建请用 init）")
        if read_only:
            raise LedgerError(f"台账 {path} 只读（文件或所在目录不可写），无法升级结构")
        conn.execute("PRAGMA journal_mode=WAL")
        with write_transaction(conn, path, timeout):
            # Another process may have migrated while we waited for the lock.
            if conn.execute("PRAGMA user_version").fetchone()[0] < version_now:
                apply_migrations(conn)


def _is_xlgl(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE name = '_sqlite_migrations'").fetchone()
    if not row:
        return False
    return bool(
        conn.execute(
            "SELECT 1 FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
        ).fetchone()
    )


# --- transactions ---------------------------------------------------------------------------------


@contextmanager
def write_transaction(
    conn: sqlite3.Connection, path: Path, timeout: float
) -> Iterator[sqlite3.Connection]:
    """One write transaction; it takes the write lock at once so readers never deadlock it."""
    with translate_errors(path, timeout):
        begin_immediate(conn, timeout)
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def begin_immediate(conn: sqlite3.Connection, timeout: float) -> None:
    """BEGIN IMMEDIATE, retried every few milliseconds until the timeout has passed.

    SQLite's own busy handler backs off to sleeps of 100 ms, so with several writers a waiter
    often sleeps through the moments the lock is free; polling with short random pauses keeps
    eight writers moving (see tests/test_concurrency.py, bench/contention.py)."""
    deadline = time.monotonic() + timeout
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        pause = 0.001
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
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
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


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


# --- the file itself ------------------------------------------------------------------------------


def newer_message(path: Path, version: int) -> str:
    return (
        f"台账 {path} 由更新版本的 xlgl 创建（结构版本 {version}，本版本支持 {schema_version()}），"
        "请升级 xlgl"
    )


def check_header(path: Path) -> None:
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
    if version > schema_version():
        raise LedgerError(newer_message(path, version))


def writable(path: Path) -> bool:
    """Whether xlgl may write here. Root may write anywhere, so for root a file or directory
    without any write permission bit counts as read-only: the owner meant it to be."""
    if not os.access(path, os.W_OK):
        return False
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return bool(path.stat().st_mode & 0o222)
    return True
