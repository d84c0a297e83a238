"""The ledger (台账): one SQLite file holding reports, their targets, the recorded figures, settings.

Design:
- The store stores: it opens and migrates the file (store/sqlite.py), reads and writes, and
  yields typed values — Target, Actual, Record, Settings from xlgl/model.py — never a verdict.
  Status is a pure function of what it yields (xlgl/evaluate.py); which target a name means is
  decided in xlgl/lookup.py, from the queries offered here; merging other ledgers' records is
  xlgl/exchange.py's, on the primitives here.
- Several reports live side by side (issue 12): a report has a key (`xlgl-2024`); a target is
  named by (report, id); a record names its report and target. Every read takes `report`: a
  key, or None for every report.
- Records are append-only. A correction is a new record; a mistaken record is voided by a new
  record whose `voids` names it. Nothing is updated or deleted, so the history is the audit
  trail, and each record's UUID (time-ordered, store/bulk.py) lets ledgers on several machines
  be merged without duplicates. A record keeps the unit it was recorded in.
- Several processes may use one ledger at once: WAL mode, and every write is one short
  `BEGIN IMMEDIATE` transaction (store/sqlite.py); the bulk import has its own module.
- Targets are built from rows whose columns are named for Target's fields (TARGET_COLUMNS; a test
  pins the two together) and passed in that order: `xlgl status` builds 100,000 of them, and
  positional arguments cost half what keywords do (store/rows.py). The latest figure of every
  target is found in the same query (LATEST_LIVE_RECORD, the rule of progress.latest_actual).
"""

from __future__ import annotations

import gc
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from xlgl.errors import InputError, LedgerError
from xlgl.model import SETTING_NAMES, Actual, NewRecord, Record, Settings, Target
from xlgl.store import bulk, reviews, rows, sqlite
from xlgl.store.rows import (
    ACTUAL_SELECT,
    LATEST_LIVE_RECORD,
    TARGET_SELECT,
    WIDTH,
    LedgerTargets,
    cached,
    target_filter,
    target_from_row,
    unit_list,
)
from xlgl.store.sqlite import DEFAULT_TIMEOUT, login_name, translate_errors, utc_now


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    year: int
    source: str | None


class Ledger:
    """An open ledger. Use `Ledger.open(path)`; close it, or use it as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.timeout = DEFAULT_TIMEOUT
        self.read_only = False
        self.identity: tuple[int, int] | None = None  # (device, inode) of the file opened

    @classmethod
    def open(cls, path: Path, *, create: bool = False, timeout: float = DEFAULT_TIMEOUT) -> Ledger:
        """Open a ledger, migrating it to this version's schema; create it only when `create`.
        A ledger whose file or directory is read-only is opened read-only: reports work, writes
        raise LedgerError."""
        path = Path(path)
        conn, read_only = sqlite.connect(path, create=create, timeout=timeout)
        ledger = cls(conn, path)
        ledger.timeout, ledger.read_only = timeout, read_only
        ledger.identity = sqlite.file_identity(path)
        try:
            sqlite.prepare(conn, path, create=create, read_only=read_only, timeout=timeout)
        except BaseException:
            conn.close()
            raise
        return ledger

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception)."""
        if self.read_only:
            raise LedgerError(f"台账 {self.path} 只读（文件或所在目录不可写），无法写入")
        return sqlite.write_transaction(self.conn, self.path, self.timeout, self.identity)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside one read transaction: every read sees the same state of the ledger, even
        while another process writes (a workbook's sheets, an export's lines)."""
        with translate_errors(self.path, self.timeout):
            self.conn.execute("BEGIN")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with translate_errors(self.path, self.timeout):
            return self.conn.execute(sql, params).fetchall()

    # --- reports ------------------------------------------------------------------------------

    def is_seeded(self) -> bool:
        return bool(self._read("SELECT 1 FROM reports LIMIT 1"))

    def reports(self) -> list[Report]:
        rows = self._read("SELECT key, title, year, source FROM reports ORDER BY seq")
        return [Report(*row) for row in rows]

    def report_text(self, key: str) -> str | None:
        row = self._read("SELECT text FROM reports WHERE key = ?", [key])
        return row[0][0] if row else None

    def default_report(self, as_of: date) -> str | None:
        """The report whose year holds `as_of`, else the latest (by year, then as loaded)."""
        rows = self._read(
            "SELECT key FROM reports ORDER BY year = ? DESC, year DESC, seq DESC LIMIT 1",
            [as_of.year],
        )
        return rows[0][0] if rows else None

    # --- seed ---------------------------------------------------------------------------------

    def load_seed(self, seed: Any) -> tuple[int, int]:
        """Add or refresh a seed's report and targets; returns (added, changed) (store/seeding.py)."""
        from xlgl.store.seeding import load_seed

        return load_seed(self, seed)

    # --- targets ------------------------------------------------------------------------------

    def targets(
        self,
        *,
        report: str | None = None,
        section: str | None = None,
        kind: str | None = None,
        owner: str | None = None,
        search: str | None = None,
        include_retired: bool = False,
        lead_only: bool = False,
    ) -> list[Target]:
        where, params = target_filter(
            report, section, kind, owner, search, None, include_retired, lead_only
        )
        sql = f"SELECT {TARGET_SELECT} FROM targets t {where} ORDER BY t.seq"
        return [target_from_row(row) for row in self._read(sql, params)]

    def target(self, target_id: str, report: str | None = None) -> Target | None:
        """A target by id; with report None, the one report holding that id (None if several)."""
        found = self.lookup(report).by_id(target_id)
        return found[0] if len(found) == 1 else None

    def lookup(self, report: str | None) -> LedgerTargets:
        """The queries xlgl/lookup.py's rule needs, over one report's targets (None: all)."""
        return LedgerTargets(self, report)

    def target_places(self, target: Target) -> list[dict[str, Any]]:
        """Every place the report states the target: the main quote first, then the others."""
        rows = self._read(
            'SELECT section, quote, "offset", also FROM targets WHERE report = ? AND id = ?',
            [target.report, target.id],
        )
        if not rows:
            return []
        section, quote, offset, also = rows[0]
        return [{"section": section, "quote": quote, "offset": offset}, *json.loads(also)]

    def add_alias(self, alias: str, target: Target) -> None:
        """Let `alias` name `target` within its report (replacing what the alias named before)."""
        with self.write():
            self.conn.execute(
                "INSERT OR REPLACE INTO aliases (report, alias, target) VALUES (?, ?, ?)",
                [target.report, alias, target.id],
            )

    def assign(self, target: Target, **given: Any) -> Any:
        """Owner, co-owners, leader, contact, due date (traced with its reason), tolerance:
        store/office.py's `assign`."""
        from xlgl.store.office import assign

        return assign(self, target, **given)

    # --- settings -----------------------------------------------------------------------------

    def settings(self) -> Settings:
        stored = dict(self._read("SELECT key, value FROM settings"))
        defaults = Settings()
        values = {}
        for name in SETTING_NAMES:
            if name in stored:
                values[name] = type(getattr(defaults, name))(stored[name])
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

    # --- writing records ----------------------------------------------------------------------

    def add_record(self, new: NewRecord, *, increment: bool = False) -> Record:
        """Append one figure. With `increment`, `new.value` is added to the latest figure as of
        `new.as_of` (read inside the same transaction, so concurrent increments add up)."""
        with self.write():
            report, unit = self._report_and_unit(new.target, new.report)
            value = new.value
            if increment:
                latest = self.latest_values(new.as_of, (report, new.target))
                found = latest.get((report, new.target))
                value = round((found.value if found else 0.0) + value, 6)
            record_id = self.insert_record(
                report, new.target, value, unit, new.as_of, by=new.by, source=new.source,
                note=new.note, forced=new.forced, progress=new.progress, problems=new.problems,
                next_steps=new.next_steps, evidence=new.evidence,
            )  # fmt: skip
        return self.record(record_id)

    def live_figures(self, targets: Iterable[Target] | None) -> dict[tuple[str, str], list[Any]]:
        """Each target's live figures as (as_of, value, record id), for the figure check; None:
        every target that has any."""
        return rows.live_figures(self, targets)

    def add_records(self, records: Iterable[NewRecord]) -> int:
        """Append many figures in one transaction: all of them, or (on any error) none."""
        records = list(records)
        if any(r.forced or r.progress or r.problems or r.next_steps or r.evidence for r in records):
            with self.write():  # what the bulk insert has no columns for: one by one
                for r in records:
                    report, unit = self._report_and_unit(r.target, r.report)
                    self.insert_record(
                        report, r.target, r.value, unit, r.as_of, by=r.by, source=r.source,
                        note=r.note, forced=r.forced, progress=r.progress, problems=r.problems,
                        next_steps=r.next_steps, evidence=r.evidence,
                    )  # fmt: skip
            return len(records)
        rows = []
        for r in records:
            report, unit = self._report_and_unit(r.target, r.report)
            rows.append(
                (report, r.target, r.value, unit, r.as_of.isoformat(), r.by or None, r.source,
                 r.note)
            )  # fmt: skip
        return self.add_rows(rows)

    def add_rows(self, rows: Iterable[bulk.NewRow]) -> int:
        """The bulk insert of `xlgl record --file` (store/bulk.py); returns how many were added."""
        return bulk.add_rows(self, rows)

    def void(self, record_id: int, reason: str, by: str | None = None) -> Record:
        with self.write():
            original = self.record(record_id)
            if original.voids is not None:
                raise InputError(f"记录 {record_id} 本身是作废记录，不能再作废")
            if original.voided:
                raise InputError(f"记录 {record_id} 已作废")
            new_id = self.insert_record(
                original.report, original.target, None, original.unit, original.as_of, by=by,
                note=reason, voids=original.id,
            )  # fmt: skip
        return self.record(new_id)

    def insert_record(
        self,
        report: str,
        target: str,
        value: float | None,
        unit: str | None,
        as_of: date,
        *,
        by: str | None = None,
        source: str | None = None,
        note: str | None = None,
        voids: int | None = None,
        record_uuid: str | None = None,
        recorded_at: str | None = None,
        forced: bool = False,
        progress: str | None = None,
        problems: str | None = None,
        next_steps: str | None = None,
        evidence: str | None = None,
        submitted: bool | None = None,  # waits for verification; None: as the setting says
    ) -> int:
        """Insert one record; call inside `write()`. Returns its id."""
        cursor = self.conn.execute(
            "INSERT INTO records (uuid, report, target, value, unit, as_of, recorded_at, "
            '"by", source, note, voids, forced, progress, problems, next_steps, evidence, '
            "submitted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                record_uuid or bulk.uuid7(), report, target, value, unit, as_of.isoformat(),
                recorded_at or utc_now(), by or login_name(), source, note, voids, int(forced),
                progress, problems, next_steps, evidence, reviews.flag(self, value, submitted),
            ],
        )  # fmt: skip
        return int(cursor.lastrowid or 0)

    def _report_and_unit(self, target: str, report: str | None) -> tuple[str, str]:
        found = self.lookup(report).by_id(target)
        if len(found) != 1:
            where = f"报告 {report} 中" if report else "台账中"
            problem = "有多个" if found else "没有"
            raise InputError(
                f"{where}{problem}目标“{target}”" + ("；请用 --report" if found else "")
            )
        return found[0].report, found[0].unit

    # --- reading records ----------------------------------------------------------------------

    def record(self, record_id: int) -> Record:
        rows = self.records(record_id=record_id)
        if not rows:
            raise InputError(f"没有记录 {record_id}")
        return rows[0]

    def records(
        self,
        target: Target | None = None,
        *,
        report: str | None = None,
        record_id: int | None = None,
        until: date | None = None,
    ) -> list[Record]:
        """Records, oldest first, voiding records included; `voided` marks the ones voided."""
        conditions: list[str] = []
        params: list[Any] = []
        if target is not None:
            conditions.append("r.report = ? AND r.target = ?")
            params += [target.report, target.id]
        if report is not None:
            conditions.append("r.report = ?")
            params.append(report)
        if record_id is not None:
            conditions.append("r.id = ?")
            params.append(record_id)
        if until is not None:
            conditions.append("r.as_of <= ?")
            params.append(until.isoformat())
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        sql = f"""
            SELECT r.id, r.uuid, r.target, r.value, coalesce(r.unit, t.unit) AS unit, r.as_of,
                   r.recorded_at, r."by", r.source, r.note, r.voids, r.submitted, c.verdict,
                   EXISTS (SELECT 1 FROM records v WHERE v.voids = r.id) AS voided,
                   r.report, r.forced, r.progress, r.problems, r.next_steps, r.evidence
            FROM records r JOIN targets t ON t.report = r.report AND t.id = r.target
            LEFT JOIN verifications c ON c.record = r.id {where}
            ORDER BY r.id
        """
        with translate_errors(self.path, self.timeout):
            cursor = self.conn.execute(sql, params)
            names = [column[0] for column in cursor.description]
            records = []
            for row in cursor:
                data = dict(zip(names, row, strict=True))
                data["as_of"] = date.fromisoformat(data["as_of"])
                data["voided"], data["forced"] = bool(data["voided"]), bool(data["forced"])
                records.append(Record(**data))
        return records

    def export_records(self, report: str | None = None) -> Iterator[dict[str, Any]]:
        """Every record, oldest first, voiding records included, in the exchange form: a voiding
        record's `voids` is the UUID of the record it voids; then the verdicts. One snapshot."""
        where = "WHERE r.report = ?" if report is not None else ""
        sql = f"""
            SELECT r.uuid, r.target, r.value, coalesce(r.unit, t.unit) AS unit, r.as_of,
                   r.recorded_at, r."by", r.source, r.note, o.uuid AS voids, r.report, r.submitted
            FROM records r JOIN targets t ON t.report = r.report AND t.id = r.target
            LEFT JOIN records o ON o.id = r.voids
            {where}
            ORDER BY r.id
        """
        with translate_errors(self.path, self.timeout):
            cursor = self.conn.execute(sql, [] if report is None else [report])
            names = [column[0] for column in cursor.description]
            for row in cursor:
                yield dict(zip(names, row, strict=True)) | {"submitted": bool(row[-1])}
        yield from reviews.export_reviews(self, report)  # verdicts after the records they judge

    def record_by_uuid(self, record_uuid: str) -> dict[str, Any] | None:
        """A record by UUID: id, report, target, value, as_of, the UUID of what it voids, and
        whether it is voided itself."""
        rows = self._read(
            "SELECT r.id, r.report, r.target, r.value, r.as_of, r.voids AS voids_id, "
            "o.uuid AS voids, EXISTS (SELECT 1 FROM records x WHERE x.voids = r.id) AS voided "
            "FROM records r LEFT JOIN records o ON o.id = r.voids WHERE r.uuid = ?",
            [record_uuid],
        )
        names = ("id", "report", "target", "value", "as_of", "voids_id", "voids", "voided")
        return dict(zip(names, rows[0], strict=True)) if rows else None

    # --- targets with their latest figure ------------------------------------------------------

    def latest_values(
        self, as_of: date, target: tuple[str, str] | None = None
    ) -> dict[tuple[str, str], Actual]:
        """Each target's latest live figure not after `as_of` (or only that of `target`, a
        (report, id) pair), keyed by (report, id)."""
        only = "WHERE t.report = ?2 AND t.id = ?3" if target else ""
        sql = f"""
            SELECT t.report, t.id, {ACTUAL_SELECT}
            FROM targets t JOIN records l ON l.id = {LATEST_LIVE_RECORD} {only}
        """
        rows = self._read(sql, [as_of.isoformat(), *(target or ())])
        return {
            (report, target_id): Actual(value, date.fromisoformat(day), recorded_at, record_id)
            for report, target_id, value, day, recorded_at, record_id in rows
        }

    def targets_with_latest(
        self, as_of: date, **filters: Any
    ) -> list[tuple[Target, Actual | None]]:
        """Every target that passes the filters, in report order, with its latest live figure
        not after `as_of` (None without one); the filters are iter_targets_with_latest's."""
        return list(self.iter_targets_with_latest(as_of, **filters))

    def iter_targets_with_latest(
        self,
        as_of: date,
        *,
        report: str | None = None,
        section: str | None = None,
        kind: str | None = None,
        owner: str | None = None,
        search: str | None = None,
        target: Target | None = None,
        include_retired: bool = False,
        lead_only: bool = False,
    ) -> Iterator[tuple[Target, Actual | None]]:
        """targets_with_latest one pair at a time (`xlgl overdue` keeps a few of 100,000 and
        never holds them all): one query, LATEST_LIVE_RECORD joined on the filtered targets only.
        Filters: a report key (None: all), section, kind, owner (牵头 or 配合; 牵头 alone with
        lead_only), search text, one target; retired targets only with include_retired."""
        if target is not None:
            report = target.report
        where, params = target_filter(
            report, section, kind, owner, search, target.id if target else None, include_retired,
            lead_only,
        )  # fmt: skip
        sql = f"""
            SELECT {TARGET_SELECT}, {ACTUAL_SELECT}
            FROM targets t LEFT JOIN records l ON l.id = {LATEST_LIVE_RECORD}
            {where}
            ORDER BY t.seq
        """
        return self._pairs(sql, [as_of.isoformat(), *params])

    def _pairs(self, sql: str, params: Sequence[Any]) -> Iterator[tuple[Target, Actual | None]]:
        """Rows to (Target, Actual | None). For speed at 100,000 targets, dates and unit lists
        are parsed once per distinct text, and the cyclic garbage collector is paused while the
        (acyclic) values are built."""
        day = cached(date.fromisoformat)
        units = cached(unit_list)
        w = WIDTH
        collecting = gc.isenabled()
        gc.disable()
        try:
            with translate_errors(self.path, self.timeout):
                for row in self.conn.execute(sql, params):
                    latest = (
                        None
                        if row[w + 3] is None
                        else Actual(row[w], day(row[w + 1]), row[w + 2], row[w + 3])
                    )
                    yield target_from_row(row, day, units), latest
        finally:
            if collecting:
                gc.enable()
