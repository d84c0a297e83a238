"""The ledger's schema, as migrations: sqlite-utils' Migrations("xlgl") runs each registered
function once, in its own transaction, and records it; `PRAGMA user_version` mirrors how many have
run. Each migration runs its statements one by one (never SQL split on ";").

Never edit a migration that has shipped: add one at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from xlgl.errors import LedgerError

MIGRATION_SET = "xlgl"

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


@migration
def m003_verifications(db: Any) -> None:
    """销号 by a second person (issue 13, part 3): a record made while the ledger requires
    verification is `submitted` and counts only once a verification names it; a verdict
    (verified or rejected, one per record) is a row of its own with its UUID, who and when.
    Adding a column with a constant default leaves the existing rows as they are: they count."""
    for statement in (
        "ALTER TABLE records ADD COLUMN submitted INTEGER NOT NULL DEFAULT 0",
        # what waits is found through this index; it holds only the submitted records
        "CREATE INDEX records_submitted ON records(report, target) WHERE submitted = 1",
        """CREATE TABLE verifications (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            record INTEGER NOT NULL UNIQUE REFERENCES records(id),
            verdict TEXT NOT NULL CHECK (verdict IN ('verified', 'rejected')),
            "by" TEXT NOT NULL,
            at TEXT NOT NULL,
            reason TEXT
        )""",
    ):
        db.execute(statement)


@migration
def m004_office(db: Any) -> None:
    """Who answers and the office's texts (issue 13): every change of a target's due date with
    its reason, who and when (`due_changes`, append-only); settings that are text (`text_settings`:
    the issuing office, the last 期号 and the as-of date it was issued for)."""
    for statement in (
        """CREATE TABLE due_changes (
            id INTEGER PRIMARY KEY,
            report TEXT NOT NULL,
            target TEXT NOT NULL,
            old_due TEXT NOT NULL,
            new_due TEXT NOT NULL,
            reason TEXT NOT NULL,
            "by" TEXT,
            changed_at TEXT NOT NULL,
            FOREIGN KEY (report, target) REFERENCES targets(report, id)
        )""",
        "CREATE INDEX due_changes_target ON due_changes(report, target)",
        "CREATE TABLE text_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ):
        db.execute(statement)


@migration
def m005_year_links(db: Any) -> None:
    """Carrying a year over (issue 12, part 3): `baseline_from` names the earlier report's target
    ("REPORT/ID") whose final figure became a target's baseline when its seed stated none;
    `carried_from` (m002) names the target an `xlgl carry` target continues."""
    db.execute("ALTER TABLE targets ADD COLUMN baseline_from TEXT")
    db.execute(
        "CREATE INDEX targets_carried_from ON targets(carried_from) WHERE carried_from IS NOT NULL"
    )


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
