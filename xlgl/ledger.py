"""The ledger (台账): one SQLite file holding the targets, the recorded figures and the settings.

Design:
- Records are append-only. A correction is a new record; a mistaken record is voided by a new record
  whose `voids` names it. Nothing is updated or deleted, so the history is the audit trail, and each
  record's UUID lets ledgers on several machines be merged without duplicates.
- Several processes may use one ledger at once (cron jobs, people recording): WAL mode, a busy
  timeout, and every write is one short `BEGIN IMMEDIATE` transaction. A lock held longer than the
  timeout, a damaged file or a ledger written by a newer xlgl raises LedgerError (exit 4).
- The schema is versioned by sqlite-utils' Migrations("xlgl"); `PRAGMA user_version` mirrors the
  number applied, so opening an up-to-date ledger costs one pragma and never imports sqlite-utils.
- The latest figure of every target is found in one SQL query (the rule of progress.latest_actual);
  the rules themselves (progress.py) run in Python on the rows.
"""

from __future__ import annotations

import difflib
import getpass
import os
import sqlite3
import sys
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from xlgl.errors import InputError, LedgerError
from xlgl.progress import SETTING_NAMES, Actual, Evaluation, Settings, Target, evaluate

DEFAULT_TIMEOUT = 30.0  # seconds a write waits for another process's lock
MIGRATION_SET = "xlgl"


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

    @classmethod
    def open(cls, path: Path, *, create: bool = False, timeout: float = DEFAULT_TIMEOUT) -> Ledger:
        """Open a ledger, migrating it to this version's schema; create it only when `create`."""
        path = Path(path)
        if not path.exists():
            if not create:
                raise LedgerError(f"台账文件不存在：{path}（新建请用 xlgl --db {path} init）")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise LedgerError(f"无法创建台账目录 {path.parent}：{error.strerror}") from None
        elif path.is_dir():
            raise LedgerError(f"{path} 是目录，不是台账文件")
        try:
            conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise LedgerError(f"无法打开台账 {path}：{error}") from None
        ledger = cls(conn, path)
        try:
            ledger._prepare(create)
        except BaseException:
            conn.close()
            raise
        return ledger

    def _prepare(self, create: bool) -> None:
        with translate_errors(self.path):
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION:
                return
            if version > SCHEMA_VERSION:
                raise LedgerError(
                    f"台账 {self.path} 由更新版本的 xlgl 创建（结构版本 {version}，"
                    f"本版本支持 {SCHEMA_VERSION}），请升级 xlgl"
                )
            has_tables = self.conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
            if version == 0 and has_tables and not self._is_xlgl():
                raise LedgerError(f"{self.path} 不是 xlgl 台账")
            if version == 0 and not has_tables and not create:
                raise LedgerError(f"{self.path} 是空文件，不是 xlgl 台账（新建请用 init）")
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
        with translate_errors(self.path):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    # --- seed ---------------------------------------------------------------------------------

    def is_seeded(self) -> bool:
        return self.conn.execute("SELECT 1 FROM report").fetchone() is not None

    def load_seed(self, seed: Any) -> tuple[int, int]:
        """Add or refresh the seed's targets; returns (added, changed). Records are never touched,
        nor are owners, due dates and tolerances set with `assign`."""
        import json

        from sqlite_utils import Database

        columns = [
            "id",
            "year",
            "section",
            "topic",
            "indicator",
            "kind",
            "comparator",
            "value",
            "value_hi",
            "unit",
            "direction",
            "baseline",
            "start",
            "due",
            "quote",
            "offset",
            "also",
        ]
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

    def add_records(self, rows: Iterable[NewRecord], *, batch: int = 10_000) -> int:
        """Append many figures in one transaction: all of them, or (on any error) none."""
        count = 0
        now = utc_now()
        default_by = login_name()
        sql = (
            'INSERT INTO records (uuid, target, value, as_of, recorded_at, "by", source, note) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        with self.write():
            chunk: list[tuple] = []
            for new in rows:
                chunk.append(
                    (
                        str(uuid.uuid4()),
                        new.target,
                        new.value,
                        new.as_of.isoformat(),
                        now,
                        new.by or default_by,
                        new.source,
                        new.note,
                    )
                )
                if len(chunk) >= batch:
                    self.conn.executemany(sql, chunk)
                    count += len(chunk)
                    chunk.clear()
            if chunk:
                self.conn.executemany(sql, chunk)
                count += len(chunk)
        return count

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
                record_uuid or str(uuid.uuid4()),
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

    def latest_values(
        self, as_of: date, target_ids: list[str] | None = None
    ) -> dict[str, tuple[float, date, str, int]]:
        """Each target's latest live figure not after `as_of`: id -> (value, as_of, recorded_at, record id).
        The same rule as progress.latest_actual, done in one query."""
        only = ""
        params: list[Any] = [as_of.isoformat()]
        if target_ids is not None:
            only = f"AND r.target IN ({', '.join('?' for _ in target_ids)})"
            params.extend(target_ids)
        sql = f"""
            SELECT target, value, as_of, recorded_at, id FROM (
                SELECT r.target, r.value, r.as_of, r.recorded_at, r.id,
                       row_number() OVER (
                           PARTITION BY r.target ORDER BY r.as_of DESC, r.recorded_at DESC, r.id DESC
                       ) AS rank
                FROM records r
                WHERE r.value IS NOT NULL AND r.as_of <= ? {only}
                  AND NOT EXISTS (SELECT 1 FROM records v WHERE v.voids = r.id)
            ) WHERE rank = 1
        """
        with translate_errors(self.path):
            return {
                row[0]: (row[1], date.fromisoformat(row[2]), row[3], row[4])
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
    ) -> list[Evaluation]:
        """The status row of every target that passes the filters, in report order."""
        targets = self.targets(section=section, kind=kind, owner=owner, search=search)
        latest = self.latest_values(as_of)
        settings = self.settings()
        rows = [
            evaluate(t, Actual(*latest[t.id]) if t.id in latest else None, as_of, settings)
            for t in targets
        ]
        if statuses is not None:
            wanted = set(statuses)
            rows = [row for row in rows if row.status in wanted]
        return rows


# --- helpers ------------------------------------------------------------------------------------

_TARGET_COLUMNS = (
    "t.id, t.indicator, t.kind, t.comparator, t.value, t.unit, t.direction, t.start, "
    "coalesce(t.due_override, t.due), t.value_hi, t.baseline, t.tolerance, t.year, t.section, "
    't.topic, t.quote, t."offset", t.owner'
)


def _target(row: tuple) -> Target:
    return Target(
        id=row[0],
        indicator=row[1],
        kind=row[2],
        comparator=row[3],
        value=row[4],
        unit=row[5],
        direction=row[6],
        start=date.fromisoformat(row[7]),
        due=date.fromisoformat(row[8]),
        value_hi=row[9],
        baseline=row[10],
        tolerance=row[11],
        year=row[12],
        section=row[13],
        topic=row[14],
        quote=row[15],
        offset=row[16],
        owner=row[17],
    )


def _target_filter(
    section: str | None, kind: str | None, owner: str | None, search: str | None
) -> tuple[str, list[Any]]:
    conditions, params = [], []
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
def translate_errors(path: Path) -> Iterator[None]:
    """SQLite's errors, as one plain LedgerError naming the file."""
    try:
        yield
    except sqlite3.OperationalError as error:
        text = str(error)
        if "locked" in text or "busy" in text:
            raise LedgerError(f"台账 {path} 被其他进程占用，等待超时（{text}）") from None
        if "readonly" in text or "read-only" in text:
            raise LedgerError(f"台账 {path} 只读，无法写入") from None
        if "unable to open" in text:
            raise LedgerError(f"无法打开台账 {path}（{text}）") from None
        raise LedgerError(f"台账 {path} 无法使用：{text}") from None
    except sqlite3.DatabaseError as error:
        raise LedgerError(f"台账 {path} 已损坏或不是 SQLite 文件（{error}）") from None
