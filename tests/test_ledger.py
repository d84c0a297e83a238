"""The ledger store: schema versions, seeding, append-only records, the latest-figure query."""

import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlgl.errors import InputError, LedgerError
from xlgl.evaluate import status_rows
from xlgl.lookup import find_target
from xlgl.rules import latest_actual
from xlgl.seed import load_seed
from xlgl.store import Ledger, NewRecord, schema_version

SCHEMA_VERSION = schema_version()
V1_LEDGER = Path(__file__).parent / "data" / "ledger-v1.db"


@pytest.fixture
def ledger(ledger_path):
    with Ledger.open(ledger_path) as opened:
        yield opened


def test_a_new_ledger_is_at_the_current_schema_version(ledger):
    assert ledger.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert ledger.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_ledger_written_by_the_first_version_still_opens(tmp_path):
    """tests/data/ledger-v1.db was made by xlgl 0.1.0 (schema 1); later versions must migrate it."""
    copy = tmp_path / "old.db"
    shutil.copy(V1_LEDGER, copy)
    with Ledger.open(copy) as old:
        assert old.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        records = old.records(old.target("coal-output"))
        assert [(r.value, r.as_of) for r in records] == [
            (0.8, date(2024, 7, 31)),
            (1.07, date(2024, 9, 30)),
        ]


def test_a_ledger_from_a_newer_xlgl_is_refused(ledger_path):
    conn = sqlite3.connect(ledger_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(LedgerError, match="更新版本"):
        Ledger.open(ledger_path)


def test_a_missing_ledger_is_not_created_unless_asked(tmp_path):
    with pytest.raises(LedgerError, match="不存在"):
        Ledger.open(tmp_path / "nope.db")
    assert not (tmp_path / "nope.db").exists()


def test_another_sqlite_database_is_not_taken_for_a_ledger(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError, match="不是 xlgl 台账"):
        Ledger.open(other)


def test_seeding_again_changes_nothing_and_keeps_records_and_assignments(ledger, seed_path):
    ledger.add_record(NewRecord("coal-output", 1.07, date(2024, 9, 30)))
    ledger.assign(ledger.target("coal-output"), owner="盟能源局", due=date(2024, 11, 30))
    assert ledger.load_seed(load_seed(seed_path)) == (0, 0)
    coal = ledger.target("coal-output")
    assert coal.owner == "盟能源局"
    assert coal.due == date(2024, 11, 30)
    assert len(ledger.records()) == 1


def test_a_changed_seed_updates_its_fields_only(ledger, seed_path, tmp_path):
    ledger.assign(ledger.target("coal-output"), owner="盟能源局")
    text = seed_path.read_text(encoding="utf-8").replace(
        'indicator = "煤炭产量"', 'indicator = "原煤产量"'
    )
    changed = tmp_path / "seed.toml"
    changed.write_text(
        text.replace("../../seed/", str(seed_path.parent.parent.parent / "seed") + "/"),
        encoding="utf-8",
    )
    assert ledger.load_seed(load_seed(changed)) == (0, 1)
    coal = ledger.target("coal-output")
    assert (coal.indicator, coal.owner) == ("原煤产量", "盟能源局")


def test_finding_targets_by_id_alias_indicator_or_part(ledger):
    def find(name):
        return find_target(ledger.lookup(None), name)

    assert find("coal-output").id == "coal-output"
    assert find("煤炭产量").id == "coal-output"
    assert find("户厕").id == "household-toilets"
    with pytest.raises(InputError, match="对应多个目标") as ambiguous:
        find("项目")
    assert "key-projects-ready" in str(ambiguous.value)
    with pytest.raises(InputError, match="没有目标"):
        find("火星基地")
    ledger.add_alias("项目", ledger.target("project-investment"))  # an alias beats a part
    assert find("项目").id == "project-investment"


def test_records_are_append_only_and_voiding_adds_a_record(ledger):
    first = ledger.add_record(NewRecord("coal-output", 0.8, date(2024, 7, 31), by="统计局联络员"))
    voiding = ledger.void(first.id, "录错月份")
    records = ledger.records(ledger.target("coal-output"))
    assert [(r.id, r.value, r.voids, r.voided) for r in records] == [
        (first.id, 0.8, None, True),
        (voiding.id, None, first.id, False),
    ]
    assert records[1].note == "录错月份"
    assert ledger.latest_values(date(2024, 12, 31)) == {}
    with pytest.raises(InputError, match="已作废"):
        ledger.void(first.id, "again")
    with pytest.raises(InputError, match="作废记录"):
        ledger.void(voiding.id, "again")
    with pytest.raises(InputError, match="没有记录"):
        ledger.void(999, "none")


def test_an_increment_adds_to_the_latest_cumulative(ledger):
    ledger.add_record(NewRecord("household-toilets", 1200, date(2024, 6, 30)))
    added = ledger.add_record(
        NewRecord("household-toilets", 300, date(2024, 7, 31)), increment=True
    )
    assert added.value == 1500


def test_a_bulk_insert_is_all_or_nothing(ledger):
    def rows():
        yield NewRecord("coal-output", 0.8, date(2024, 7, 31))
        raise InputError("bad row")

    with pytest.raises(InputError):
        ledger.add_records(rows())
    assert ledger.records() == []


def test_settings_are_stored_in_the_ledger(ledger):
    assert ledger.settings().due_soon_days == 30
    ledger.set_setting("due_soon_days", 90)
    assert ledger.settings().due_soon_days == 90
    with pytest.raises(InputError, match="没有设置项"):
        ledger.set_setting("colour", 1)


def test_status_filters(ledger):
    as_of = date(2024, 9, 30)

    def ids(statuses=None, **filters):
        pairs = ledger.targets_with_latest(as_of, **filters)
        return [r.target.id for r in status_rows(pairs, as_of, ledger.settings(), statuses)]

    assert len(ids()) == 10
    assert set(ids(section="1")) == {"coal-output", "key-projects-ready", "project-investment"}
    assert ids(kind="share") == ["unemployment-rate"]
    assert ids(search="户厕") == ["household-toilets"]
    assert ids(statuses=["overdue"]) == ["key-projects-ready"]


ids = ["coal-output", "project-investment", "household-toilets"]
record_strategy = st.lists(
    st.tuples(
        st.sampled_from(ids),
        st.integers(0, 400),  # days after 2024-01-01
        st.floats(0, 5000, allow_nan=False).map(lambda v: round(v, 2)),
        st.booleans(),  # voided afterwards
    ),
    max_size=25,
)


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=record_strategy, as_of_day=st.integers(0, 400))
def test_the_sql_latest_figure_follows_the_rule(ledger_path, tmp_path_factory, records, as_of_day):
    path = tmp_path_factory.mktemp("latest") / "l.db"
    shutil.copy(ledger_path, path)
    start = date(2024, 1, 1)
    with Ledger.open(path) as ledger:
        for target, day, value, voided in records:
            saved = ledger.add_record(NewRecord(target, value, start + timedelta(days=day)))
            if voided:
                ledger.void(saved.id, "test")
        as_of = start + timedelta(days=as_of_day)
        from_sql = ledger.latest_values(as_of)
        for target in ids:
            found = ledger.target(target)
            actuals = [r.as_actual() for r in ledger.records(found) if r.voids is None]
            expected = latest_actual(actuals, as_of)
            got = from_sql.get((found.report, target))
            if expected is None:
                assert got is None
            else:
                assert got is not None
                assert (got.value, got.as_of, got.recorded_at, got.id) == (
                    expected.value, expected.as_of, expected.recorded_at, expected.id
                )  # fmt: skip


def test_one_targets_evaluation_is_that_target_and_agrees_with_the_full_status(ledger):
    ledger.add_record(NewRecord("coal-output", 1.07, date(2024, 9, 30)))
    as_of = date(2024, 9, 30)
    settings = ledger.settings()
    everything = {
        row.target.id: row
        for row in status_rows(ledger.targets_with_latest(as_of), as_of, settings)
    }
    for target_id, row in everything.items():
        pairs = ledger.targets_with_latest(as_of, target=ledger.target(target_id))
        (one,) = status_rows(pairs, as_of, settings)
        assert (one.target.id, one.latest, one.status) == (target_id, row.latest, row.status)
