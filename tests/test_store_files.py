"""The store and its file on a shared drive (issue 15): WAL on every open, a writer that knows its
file, snapshot reads, and inputs that cannot hold the write lock for ever."""

import os
import shutil
import sqlite3
import sys
from datetime import date

import pytest
from typer.testing import CliRunner

from xlgl.cli import app
from xlgl.errors import LedgerError
from xlgl.store import Ledger, NewRecord


def _count(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        conn.close()


def test_a_ledger_switched_to_delete_mode_goes_back_to_wal(ledger_path):
    conn = sqlite3.connect(ledger_path)
    assert conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    conn.close()
    with Ledger.open(ledger_path) as ledger:
        assert ledger.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_write_to_a_replaced_ledger_is_rolled_back_and_reported(ledger_path, tmp_path):
    other = tmp_path / "other.db"
    shutil.copy(ledger_path, other)
    with Ledger.open(ledger_path) as ledger:
        with pytest.raises(LedgerError, match="台账文件已被替换"), ledger.write():
            ledger.insert_record("xlgl-2024", "coal-output", 1.0, "亿吨", date(2024, 6, 30))
            os.replace(other, ledger_path)  # mv other.db ledger.db, mid-write
        assert not ledger.conn.in_transaction
    assert _count(ledger_path) == 0  # the new file has nothing of the rolled-back write


def test_a_snapshot_sees_one_state_while_another_process_writes(ledger_path):
    with Ledger.open(ledger_path) as reader, Ledger.open(ledger_path) as writer:
        with reader.snapshot():
            before = len(reader.records())
            writer.add_record(NewRecord("coal-output", 1.0, date(2024, 6, 30)))
            assert len(reader.records()) == before
        assert len(reader.records()) == before + 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_at_once_as_input_and_as_ledger(ledger_path, tmp_path):
    fifo = tmp_path / "feed.csv"
    os.mkfifo(fifo)
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(ledger_path), "record", "--file", str(fifo)])
    assert result.exit_code == 2 and "只能导入普通文件" in result.output
    result = runner.invoke(app, ["--db", str(ledger_path), "import-records", str(fifo)])
    assert result.exit_code == 2 and "只能导入普通文件" in result.output
    result = runner.invoke(app, ["--db", str(fifo), "status"])
    assert result.exit_code == 4 and "不是普通文件" in result.output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/dev/zero")
def test_an_endless_device_is_refused_before_the_lock(ledger_path):
    result = CliRunner().invoke(app, ["--db", str(ledger_path), "record", "--file", "/dev/zero"])
    assert result.exit_code == 2 and "只能导入普通文件" in result.output
