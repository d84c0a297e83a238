"""The store package: values built by field name, no rules inside, schema m002 and the v0.1
migration, several reports, the fast latest-figure path against the slow obvious rule, and the
read-ahead worker's fork rule and death with its parent."""

import ast
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import fields
from datetime import date, timedelta
from pathlib import Path

import pytest

from xlgl.errors import InputError
from xlgl.evaluate import status_rows
from xlgl.lookup import find_target
from xlgl.model import Actual, NewRecord, Record, Target
from xlgl.rules import latest_actual
from xlgl.seed import load_seed
from xlgl.store import Ledger
from xlgl.store.readahead import ReadAhead
from xlgl.store.rows import TARGET_COLUMNS, TARGET_SELECT, target_from_row

DATA = Path(__file__).parent / "data"
STORE = Path(__file__).parent.parent / "xlgl" / "store"


def test_the_target_columns_are_the_target_fields_in_order():
    assert [name for name, _ in TARGET_COLUMNS] == [f.name for f in fields(Target)]


def test_a_target_built_from_a_row_has_each_column_in_the_field_of_its_name(ledger_path):
    """Every column is selected under its field's name; the built Target must hold, field by
    field, what that named column holds — a swapped pair of columns fails here."""
    with Ledger.open(ledger_path) as ledger:
        ledger.conn.execute(
            "UPDATE targets SET scale = 500, scale_unit = '万千瓦', also_units = '[\"万kW\"]', "
            "lag_days = 20, frequency = 'month', owner = '盟能源局' WHERE id = 'coal-output'"
        )
        ledger.conn.row_factory = sqlite3.Row
        rows = ledger.conn.execute(f"SELECT {TARGET_SELECT} FROM targets t").fetchall()
    assert len(rows) == 10
    for row in rows:
        target = target_from_row(tuple(row))
        for field in fields(Target):
            expected = row[field.name]
            if field.name in ("start", "due"):
                expected = date.fromisoformat(expected)
            elif field.name in ("also_units", "co_owners"):
                expected = tuple(__import__("json").loads(expected))
            elif field.name == "retired":
                expected = bool(expected)
            assert getattr(target, field.name) == expected, field.name
    coal = next(target_from_row(tuple(r)) for r in rows if r["id"] == "coal-output")
    assert (coal.scale, coal.scale_unit, coal.also_units) == (500, "万千瓦", ("万kW",))
    assert (coal.lag_days, coal.frequency, coal.report) == (20, "month", "xlgl-2024")


def test_the_store_imports_no_rules():
    allowed = ("xlgl.model", "xlgl.errors", "xlgl.store")
    for path in STORE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("xlgl"):
                    assert name.startswith(allowed), f"{path.name} imports {name}"


def test_no_store_module_is_over_500_lines():
    for path in [*STORE.glob("*.py"), STORE.parent / "evaluate.py", STORE.parent / "lookup.py"]:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 500, path.name


# --- schema m002 and the v0.1 ledger ----------------------------------------------------------


def test_the_v1_ledger_migrates_with_every_record_intact(tmp_path):
    copy = tmp_path / "old.db"
    shutil.copy(DATA / "ledger-v1.db", copy)
    raw = sqlite3.connect(copy)
    before = raw.execute(
        'SELECT r.id, r.uuid, r.target, r.value, r.as_of, r.recorded_at, r."by", r.source, '
        "r.note, r.voids, t.unit FROM records r JOIN targets t ON t.id = r.target ORDER BY r.id"
    ).fetchall()
    targets_before = raw.execute("SELECT id, indicator, value, unit FROM targets").fetchall()
    raw.close()
    assert before, "the v0.1 ledger holds records"
    with Ledger.open(copy) as ledger:
        records = ledger.records()
        assert [r.key for r in ledger.reports()] == ["xlgl-2024"]
        assert ledger.report_text("xlgl-2024")
        after = {(t.id, t.indicator, t.value, t.unit) for t in ledger.targets()}
        assert ledger.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        indexes = {
            row[0]
            for row in ledger.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
    assert after == set(targets_before)
    assert {"records_target_as_of", "records_voids", "targets_indicator"} <= indexes
    assert [
        (r.id, r.uuid, r.target, r.value, r.as_of.isoformat(), r.recorded_at, r.by, r.source,
         r.note, r.voids, r.unit)
        for r in records
    ] == before  # fmt: skip
    assert {r.report for r in records} == {"xlgl-2024"}


def test_a_v1_ledger_of_another_year_gets_that_years_key(tmp_path):
    copy = tmp_path / "old.db"
    shutil.copy(DATA / "ledger-v1.db", copy)
    raw = sqlite3.connect(copy)
    raw.execute("UPDATE report SET year = 2023")
    raw.commit()
    raw.close()
    with Ledger.open(copy) as ledger:
        assert [r.key for r in ledger.reports()] == ["report-2023"]
        assert {r.report for r in ledger.records()} == {"report-2023"}


def test_a_record_keeps_its_unit_and_progress_fields(ledger_path):
    with Ledger.open(ledger_path) as ledger:
        saved = ledger.add_record(
            NewRecord("coal-output", 1.07, date(2024, 9, 30), progress="三季度稳产", forced=True)
        )
        ledger.conn.execute("UPDATE targets SET unit = '万吨' WHERE id = 'coal-output'")
        (again,) = ledger.records(ledger.target("coal-output"))
    assert (saved.unit, again.unit) == ("亿吨", "亿吨")
    assert (again.progress, again.forced, again.report) == ("三季度稳产", True, "xlgl-2024")


def test_retired_targets_stay_stored_but_leave_the_listings(ledger_path):
    with Ledger.open(ledger_path) as ledger:
        ledger.conn.execute("UPDATE targets SET retired = 1 WHERE id = 'coal-output'")
        listed = {t.id for t in ledger.targets()}
        with_latest = {t.id for t, _ in ledger.targets_with_latest(date(2024, 9, 30))}
        everything = {t.id for t in ledger.targets(include_retired=True)}
        assert ledger.target("coal-output").retired
    assert "coal-output" not in listed | with_latest
    assert "coal-output" in everything and len(everything) == 10


# --- several reports ---------------------------------------------------------------------------


def test_a_second_seed_adds_a_report_beside_the_first(ledger_path):
    with Ledger.open(ledger_path) as ledger:
        assert ledger.load_seed(load_seed(DATA / "mini-seed-2025.toml")) == (3, 0)
        assert [r.key for r in ledger.reports()] == ["xlgl-2024", "xlgl-2025"]
        assert len(ledger.targets(report="xlgl-2024")) == 10
        assert len(ledger.targets(report="xlgl-2025")) == 3
        assert len(ledger.targets()) == 13
        assert ledger.default_report(date(2025, 3, 1)) == "xlgl-2025"
        assert ledger.default_report(date(2024, 3, 1)) == "xlgl-2024"
        assert ledger.default_report(date(2030, 3, 1)) == "xlgl-2025"
        with pytest.raises(InputError, match="--report"):
            find_target(ledger.lookup(None), "coal-output")
        coal_2025 = find_target(ledger.lookup("xlgl-2025"), "coal-output")
        ledger.add_record(NewRecord("coal-output", 0.5, date(2025, 6, 30), report="xlgl-2025"))
        ledger.add_record(NewRecord("coal-output", 1.2, date(2024, 12, 31), report="xlgl-2024"))
        pairs = dict(
            (t.report, latest)
            for t, latest in ledger.targets_with_latest(date(2025, 12, 31))
            if t.id == "coal-output"
        )
        assert [r.value for r in ledger.records(coal_2025)] == [0.5]
        assert len(ledger.records(report="xlgl-2024")) == 1
    assert {k: v.value if v else None for k, v in pairs.items()} == {
        "xlgl-2024": 1.2,
        "xlgl-2025": 0.5,
    }


# --- the fast path against the slow obvious rule ------------------------------------------------


@pytest.mark.slow
def test_targets_with_latest_agrees_with_latest_actual_over_all_records(ledger_path):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    with Ledger.open(ledger_path) as ledger:
        ids = [t.id for t in ledger.targets()]
        for _ in range(300):
            saved = ledger.add_record(
                NewRecord(rng.choice(ids), rng.randint(0, 9999) / 10,
                          start + timedelta(days=rng.randint(0, 400)))
            )  # fmt: skip
            if rng.random() < 0.2:
                ledger.void(saved.id, "test")
        everything: list[Record] = ledger.records()
        for as_of in (start + timedelta(days=rng.randint(0, 400)) for _ in range(8)):
            fast = {t.id: latest for t, latest in ledger.targets_with_latest(as_of)}
            for target_id in ids:
                actuals = [
                    Actual(r.value, r.as_of, r.recorded_at, r.id, r.voided)
                    for r in everything
                    if r.target == target_id and r.voids is None and r.value is not None
                ]
                slow = latest_actual(actuals, as_of)
                got = fast[target_id]
                key = None if slow is None else (slow.value, slow.as_of, slow.id)
                assert (None if got is None else (got.value, got.as_of, got.id)) == key, (
                    f"seed {seed}, {target_id}, {as_of}"
                )
            rows = status_rows(ledger.targets_with_latest(as_of), as_of, ledger.settings())
            assert [r.target.id for r in rows] == ids


# --- the read-ahead worker ------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="read-ahead forks on Linux only")
def test_the_read_ahead_worker_does_not_fork_inside_a_transaction(ledger_path):
    with Ledger.open(ledger_path) as ledger, ledger.write():
        reader = ReadAhead(lambda: iter([1, 2]), "x", ledger_conn=ledger.conn)
        with pytest.raises(RuntimeError, match="before the write transaction"), reader:
            pass


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="read-ahead forks on Linux only")
@pytest.mark.slow
def test_the_read_ahead_worker_dies_with_its_parent(tmp_path):
    """kill -9 of the importing process: its worker must not stay behind (issue 15 #16)."""
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(
            """
            import itertools, sys, time
            from xlgl.store.readahead import ReadAhead

            def endless():
                for n in itertools.count():
                    if n % 1000 == 0:
                        time.sleep(0.001)
                    yield n

            with ReadAhead(endless, "endless", chunk_rows=10) as rows:
                print(rows._worker.pid, flush=True)
                time.sleep(60)  # the pipe fills; the worker blocks on its send
            """
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(STORE.parent.parent)}
    parent = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        worker = int(parent.stdout.readline())
        time.sleep(0.3)
        assert _alive(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker), "the read-ahead worker outlived its parent"
    finally:
        parent.kill()
        parent.wait()


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has died
