"""The SQLite file under a ledger: where it lives, opening it, its schema, write transactions, errors.

- Opening refuses, from the 100-byte header alone, a file that is not SQLite, is cut short or was
  written by a newer xlgl, so SQLite never writes a -wal/-shm beside it.
- The schema is versioned (store/migrations.py); `PRAGMA user_version` mirrors the number of
  migrations applied, so opening an up-to-date ledger costs one pragma and never imports
  sqlite-utils.
- Every write is one short `BEGIN IMMEDIATE` transaction, polled (see begin_immediate).
- SQLite's errors become one plain LedgerError naming the file (translate_errors).
"""

from __future__ import annotations

import errno
import getpass
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from xlgl.errors import LedgerError
from xlgl.store.migrations import MIGRATION_SET, apply_migrations, schema_version

DEFAULT_TIMEOUT = 30.0  # seconds a write waits for another process's lock
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


# --- opening --------------------------------------------------------------------------------------


def connect(path: Path, *, create: bool, timeout: float) -> tuple[sqlite3.Connection, bool]:
    """An autocommit connection to the ledger at `path`, and whether it is read-only."""
    read_only = False
    if not path.exists():
        if path.is_symlink():  # dangling, or a loop: never "does not exist" nor created through
            try:
                path.resolve(strict=True)
            except RuntimeError:  # Python < 3.13: a loop
                raise LedgerError(f"{path} 是循环的符号链接，不是台账文件") from None
            except OSError as error:
                if error.errno == errno.ELOOP:
                    raise LedgerError(f"{path} 是循环的符号链接，不是台账文件") from None
                raise LedgerError(f"{path} 是指向不存在文件的符号链接") from None
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
    elif not path.is_file():  # a FIFO would hang the header check, a device is no ledger
        raise LedgerError(f"{path} 不是普通文件，不是台账文件")
    else:
        check_header(path)
        read_only = not (writable(path) and writable(path.parent))
    try:
        if read_only:
            conn = _connect_read_only(path, timeout)
        else:
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as error:
        raise LedgerError(f"无法打开台账 {path}：{error}") from None
    return conn, read_only


def _connect_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    """A read-only connection that still sees other processes' writes (issue 15 #3): mode=ro,
    which reads the WAL and its index like any reader, so a reader without write permission
    gets one consistent snapshot while the owner writes. Only when SQLite cannot open the file
    that way — a WAL ledger with no -shm beside it, in a folder this user cannot write — and no
    -wal exists (so no write is pending), is it read as immutable: the file as it is. (Root
    could create the -shm anywhere; in a folder without write bits it reads immutable too.)"""
    uri = path.resolve().as_uri()
    if not Path(f"{path}-wal").exists() and not writable(path.parent):
        return sqlite3.connect(
            f"{uri}?mode=ro&immutable=1", timeout=timeout, isolation_level=None, uri=True
        )
    conn = sqlite3.connect(f"{uri}?mode=ro", timeout=timeout, isolation_level=None, uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        if Path(f"{path}-wal").exists():
            raise
    return sqlite3.connect(
        f"{uri}?mode=ro&immutable=1", timeout=timeout, isolation_level=None, uri=True
    )


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file `path` names now; None when it names none."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def ensure_wal(conn: sqlite3.Connection) -> None:
    """Every writable open puts the ledger in WAL mode: a ledger switched to another journal mode
    (DELETE blocks readers during a write) goes back. If another process holds a lock the switch
    waits for a later open."""
    try:
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:
        pass


def prepare(
    conn: sqlite3.Connection, path: Path, *, create: bool, read_only: bool, timeout: float
) -> None:
    """Check the opened file is an xlgl ledger of a version this xlgl reads; migrate it."""
    version_now = schema_version()
    with translate_errors(path, timeout):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == version_now:
            if not read_only:
                ensure_wal(conn)
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
        with write_transaction(conn, path, timeout, file_identity(path)):
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
    conn: sqlite3.Connection,
    path: Path,
    timeout: float,
    identity: tuple[int, int] | None = None,
) -> Iterator[sqlite3.Connection]:
    """One write transaction; it takes the write lock at once so readers never deadlock it.

    With `identity` (the (device, inode) of the file when it was opened), the commit happens only
    if `path` still names that file: a ledger replaced under a running write (mv new.db
    ledger.db) is rolled back and reported, never paired with the new file's WAL (issue 15 #2)."""
    with translate_errors(path, timeout):
        begin_immediate(conn, timeout)
        try:
            yield conn
            if identity is not None and file_identity(path) != identity:
                raise LedgerError(
                    f"台账文件已被替换：{path} 已不是本次打开的文件，本次写入已撤销，请重试"
                )
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
