"""A ledger xlgl cannot use — not SQLite, truncated, from a newer xlgl, read-only — gives exit 4,
one plain line on stderr, and is left exactly as it was: same bytes, no -wal/-shm beside it
(issue 5). Reports on a read-only ledger still work; writing to it is exit 4."""

import os
import shutil
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlgl.cli import app
from xlgl.store import Ledger, NewRecord

WRITE = ["record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30"]
READ = ["status", "--as-of", "2024-09-30", "--format", "json"]


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def refused(path: Path, args: list[str], words: str, *, side_files: bool = False) -> None:
    """xlgl on `path` exits 4 with one line containing `words`; nothing in its directory changes
    (with `side_files`, SQLite's -wal and -shm may appear: a read-only ledger in a writable
    folder is read through them, so that it sees other processes' writes)."""
    before = snapshot(path.parent)
    result = CliRunner().invoke(app, ["--db", str(path), *args])
    assert result.exit_code == 4, (args, result.output, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert "Traceback" not in result.output
    after = snapshot(path.parent)
    if side_files:
        before, after = (
            {name: data for name, data in files.items() if not name.endswith(("-wal", "-shm"))}
            for files in (before, after)
        )
    assert after == before


@pytest.fixture(scope="module")
def used_template(tmp_path_factory, mini_ledger_template) -> Path:
    """The mini ledger with enough records for a ledger of several pages."""
    path = tmp_path_factory.mktemp("used") / "ledger.db"
    shutil.copyfile(mini_ledger_template, path)
    with Ledger.open(path) as ledger:
        ledger.add_records(
            NewRecord("coal-output", n / 10, date(2024, 6, 30), note="x" * 200) for n in range(200)
        )
    return path


@pytest.fixture
def used_ledger(tmp_path, used_template) -> Path:
    """A copy of used_template, in a directory of its own."""
    directory = tmp_path / "damaged"
    directory.mkdir()
    path = directory / "ledger.db"
    shutil.copyfile(used_template, path)
    return path


@pytest.mark.parametrize("args", [READ, WRITE])
@pytest.mark.parametrize(
    "content",
    [b"hello, this is not a ledger\n" * 10, b"\x00" * 4096, b"PK\x03\x04" + bytes(range(256)) * 8],
    ids=["text", "zeros", "zip"],
)
def test_a_file_that_is_not_sqlite(tmp_path, args, content):
    path = tmp_path / "ledger.db"
    path.write_bytes(content)
    refused(path, args, "不是 SQLite")


@pytest.mark.parametrize("args", [READ, WRITE])
@pytest.mark.parametrize("keep", [0.02, 0.3, 0.5, 0.9, 0.999])
def test_a_truncated_ledger(used_ledger, args, keep):
    data = used_ledger.read_bytes()
    used_ledger.write_bytes(data[: max(20, int(len(data) * keep))])
    refused(used_ledger, args, "截断")


@pytest.mark.parametrize("args", [READ, WRITE])
def test_a_ledger_from_a_newer_xlgl(used_ledger, args):
    conn = sqlite3.connect(used_ledger)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    refused(used_ledger, args, "更新版本")


def test_a_ledger_from_a_newer_xlgl_with_its_wal_still_beside_it(used_ledger):
    """The newer version stamped in the WAL (not yet in the file) is found by SQLite itself."""
    writer = sqlite3.connect(used_ledger)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("PRAGMA user_version = 99")
    writer.commit()
    try:
        result = CliRunner().invoke(app, ["--db", str(used_ledger), *WRITE])
        assert result.exit_code == 4 and "更新版本" in result.stderr
    finally:
        writer.close()


@pytest.mark.parametrize("args", [READ, WRITE])
def test_a_sqlite_file_that_is_not_a_ledger(tmp_path, args):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE cities (name TEXT)")
    conn.commit()
    conn.close()
    refused(path, args, "不是 xlgl 台账")


def test_a_directory_given_as_the_ledger(tmp_path):
    refused(tmp_path, READ, "是目录")


def test_a_read_only_ledger_file(used_ledger):
    used_ledger.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        refused(used_ledger, WRITE, "只读", side_files=True)
        refused(used_ledger, ["void", "1", "--reason", "错了"], "只读", side_files=True)
        report = CliRunner().invoke(app, ["--db", str(used_ledger), *READ])
        assert report.exit_code == 0, report.output  # reading a read-only ledger works
    finally:
        used_ledger.chmod(0o644)


def test_a_ledger_in_a_read_only_directory(used_ledger):
    directory = used_ledger.parent
    directory.chmod(0o555)
    try:
        refused(used_ledger, WRITE, "只读")
        before = snapshot(directory)
        report = CliRunner().invoke(app, ["--db", str(used_ledger), *READ])
        assert report.exit_code == 0, report.output
        assert snapshot(directory) == before
        refused(directory / "new.db", ["init"], "只读")
    finally:
        directory.chmod(0o755)


@pytest.mark.slow
def test_damaged_ledgers_through_a_real_process(used_ledger):
    """The same, as a cron job sees it: exit status 4 and one line, from `python -m xlgl`."""
    import subprocess
    import sys

    used_ledger.write_bytes(used_ledger.read_bytes()[:5000])
    result = subprocess.run(
        [sys.executable, "-m", "xlgl", "--db", str(used_ledger), *READ],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 4
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert sorted(p.name for p in used_ledger.parent.iterdir()) == ["ledger.db"]
