"""The fast bulk import of issue 7: time-ordered UUIDs, multi-row inserts, the rebuilt index, the
importer's fast path for bare numbers and its read-ahead worker give the same ledger as before."""

import sqlite3
import sys
import time
import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xlgl.importer as importer
import xlgl.store.bulk as bulk
from xlgl.errors import InputError, RowErrors
from xlgl.importer import ActualsFile, TargetIndex
from xlgl.store import Ledger, NewRecord, uuid7
from xlgl.store.sqlite import login_name
from xlgl.units import to_stored, to_target_unit

REPORT = "xlgl-2024"  # the mini seed's report
INDEX_SQL = "SELECT sql FROM sqlite_master WHERE name = 'records_target_as_of'"


def test_uuid7_is_a_version_7_uuid_with_the_time_in_front():
    before = time.time_ns() // 1_000_000
    text = uuid7()
    parsed = uuid.UUID(text)
    assert str(parsed) == text
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert before <= parsed.int >> 80 <= time.time_ns() // 1_000_000


def test_bulk_records_get_ascending_unique_version_7_uuids(ledger_path):
    with Ledger.open(ledger_path) as ledger:
        ledger.add_records(
            NewRecord("coal-output", n / 100, date(2024, 6, 30)) for n in range(1000)
        )
        ledger.add_record(NewRecord("coal-output", 2.0, date(2024, 7, 31)))
        uuids = [row[0] for row in ledger.conn.execute("SELECT uuid FROM records ORDER BY id")]
    assert len(set(uuids)) == len(uuids) == 1001
    assert uuids[:1000] == sorted(uuids[:1000])
    assert {uuid.UUID(u).version for u in uuids} == {7}


def _rows(count: int):
    for n in range(count):
        day = f"2024-{n % 12 + 1:02d}-28"
        yield (REPORT, "coal-output", n / 1000, "亿吨", day, None, "统计局", None)


def test_a_big_import_rebuilds_the_index_and_keeps_the_file_order(ledger_path, monkeypatch):
    monkeypatch.setattr(bulk, "REBUILD_AFTER", 100)
    with Ledger.open(ledger_path) as ledger:
        index_sql = ledger.conn.execute(INDEX_SQL).fetchone()
        assert ledger.add_rows(_rows(1234)) == 1234
        assert ledger.conn.execute(INDEX_SQL).fetchone() == index_sql
        assert ledger.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        values = [r[0] for r in ledger.conn.execute("SELECT value FROM records ORDER BY id")]
        assert values == [n / 1000 for n in range(1234)]
        by = {r[0] for r in ledger.conn.execute('SELECT DISTINCT "by" FROM records')}
        assert by == {login_name()}
        # the pragmas of the import are undone
        assert ledger.conn.execute("PRAGMA cache_size").fetchone()[0] == -2000


def test_a_big_import_that_fails_leaves_records_and_index_as_they_were(ledger_path, monkeypatch):
    monkeypatch.setattr(bulk, "REBUILD_AFTER", 100)

    def failing():
        yield from _rows(1000)
        raise InputError("bad row")

    with Ledger.open(ledger_path) as ledger:
        index_sql = ledger.conn.execute(INDEX_SQL).fetchone()
        with pytest.raises(InputError):
            ledger.add_rows(failing())
        assert ledger.conn.execute("SELECT count(*) FROM records").fetchone()[0] == 0
        assert ledger.conn.execute(INDEX_SQL).fetchone() == index_sql
    conn = sqlite3.connect(ledger_path)
    assert conn.execute(INDEX_SQL).fetchone() == index_sql
    conn.close()


def test_rows_of_the_wrong_width_are_refused(ledger_path):
    with Ledger.open(ledger_path) as ledger:
        with pytest.raises(ValueError, match="rows of 8"):
            ledger.add_rows([(REPORT, "coal-output", 1.0, "亿吨", "2024-06-30", None, None)])
        assert ledger.records() == []


@pytest.mark.slow
@given(
    st.from_regex(r"[0-9]{1,15}(\.[0-9]{1,6})?", fullmatch=True),
    st.sampled_from(["亿吨", "%", "个", "万千瓦", "", "元"]),
)
def test_the_fast_path_for_bare_numbers_equals_the_unit_reader(text, unit):
    assert importer._BARE.fullmatch(text)
    assert float(text) == to_stored(to_target_unit(text, unit))


MESSY = (
    "target,value,as_of,source,note\n"
    "coal-output,0.8,2024-07-31,局,\n"
    'urban-jobs,1.2,2024-07-31,局,"two\nlines"\n'
    "coal-output,很多,2024-06-30,,\n"
    "\n"
    " , ,,,\n"
    "coal-output,1.07亿吨,2024/9/30,,,extra cell\n"
    "nope,1,2024-06-30,,\n"
    'urban-jobs,3,2024-02-30,"a\r\nb",\n'
    "coal-output,5000万吨\n"
)


@pytest.fixture
def index(ledger_path):
    with Ledger.open(ledger_path) as ledger:
        return TargetIndex.of_ledger(ledger)


def test_bad_rows_are_named_by_their_first_line(tmp_path, index):
    path = tmp_path / "messy.csv"
    path.write_bytes(MESSY.encode("gb18030"))
    source = ActualsFile(path, index)
    with pytest.raises(RowErrors) as raised:
        list(source.rows())
    assert [line.split("：")[0] for line in raised.value.lines[1:]] == [
        "第 5 行",
        "第 9 行",
        "第 10 行",
        "第 12 行",
    ]
    assert source.bad_rows == 4


def test_good_rows_read_the_same_as_the_unit_reader(tmp_path, index):
    path = tmp_path / "good.csv"
    path.write_text(
        "\ufefftarget,value,as_of,unit,by\n"
        "coal-output,0.8,2024-07-31,,张三\n"
        "煤炭产量,5000,2024-08-31,万吨,\n"
        "gdp-growth,-1.5,2024-08-31,,\n"
        "urban-jobs,１２,2024年9月30日,,\n"
        "coal-output,1.0700000,20240930,,\n",
        encoding="utf-8",
    )
    assert list(ActualsFile(path, index, default_by="cron").rows()) == [
        (REPORT, "coal-output", 0.8, "亿吨", "2024-07-31", "张三", None, None),
        (REPORT, "coal-output", 0.5, "亿吨", "2024-08-31", "cron", None, None),
        (REPORT, "gdp-growth", -1.5, "%", "2024-08-31", "cron", None, None),
        (REPORT, "urban-jobs", 12.0, "万人", "2024-09-30", "cron", None, None),
        (REPORT, "coal-output", 1.07, "亿吨", "2024-09-30", "cron", None, None),
    ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="read-ahead forks on Linux only")
def test_the_read_ahead_worker_gives_the_same_rows_and_errors(tmp_path, index, monkeypatch):
    monkeypatch.setattr(importer, "READ_AHEAD_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "READ_AHEAD_ROWS", 7)
    good = tmp_path / "good.csv"
    good.write_text(
        "target,value,as_of\n" + "".join(f"coal-output,{n / 10},2024-06-30\n" for n in range(100)),
        encoding="utf-8",
    )
    with ActualsFile(good, index).read_ahead() as rows:
        assert list(rows) == list(ActualsFile(good, index).rows())

    messy = tmp_path / "messy.csv"
    messy.write_text(MESSY, encoding="utf-8")
    with pytest.raises(RowErrors) as in_process:
        list(ActualsFile(messy, index).rows())
    source = ActualsFile(messy, index)
    with pytest.raises(RowErrors) as read_ahead, source.read_ahead() as rows:
        list(rows)
    assert read_ahead.value.lines == in_process.value.lines
    assert source.bad_rows == 4

    broken = tmp_path / "broken.csv"
    broken.write_text("target,value\ncoal-output,1\n", encoding="utf-8")
    with (
        pytest.raises(InputError, match="缺少列 as_of"),
        ActualsFile(broken, index).read_ahead() as rows,
    ):
        list(rows)
