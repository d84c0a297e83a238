"""The cron examples (examples/*.sh) run against a temporary ledger (issue 5)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"
pytestmark = pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")


@pytest.fixture
def env(tmp_path, ledger_path) -> dict[str, str]:
    """xlgl on PATH (this interpreter's), the ledger in XLGL_DB, no mail."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "xlgl"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m xlgl "$@"\n')
    shim.chmod(0o755)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("XLGL_")}
    return environ | {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "XLGL_DB": str(ledger_path),
        "HOME": str(tmp_path / "home"),
    }


def run(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", str(EXAMPLES / script)], env=env, capture_output=True, text=True, timeout=120
    )


def test_weekly_overdue_writes_a_report_only_when_something_is_overdue(env, tmp_path):
    reports = tmp_path / "reports"
    env = env | {"XLGL_REPORT_DIR": str(reports)}

    early = run("weekly-overdue.sh", env | {"XLGL_AS_OF": "2024-01-15"})
    assert early.returncode == 0, early.stderr
    assert list(reports.iterdir()) == []  # nothing overdue in January: no file, no mail

    late = run("weekly-overdue.sh", env | {"XLGL_AS_OF": "2025-01-15"})
    assert late.returncode == 0, late.stderr
    report = reports / "overdue-2025-01-15.txt"
    assert late.stdout.strip() == str(report)
    text = report.read_text(encoding="utf-8")
    assert "coal-output" in text and "逾期" in text
    assert "\x1b[" not in text  # plain text for a mail


def test_weekly_overdue_passes_on_a_ledger_error(env, tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a ledger" * 20)
    env = env | {"XLGL_DB": str(broken), "XLGL_REPORT_DIR": str(tmp_path / "reports")}
    result = run("weekly-overdue.sh", env)
    assert result.returncode == 4
    assert "不是 SQLite" in result.stderr and "Traceback" not in result.stderr
    assert list((tmp_path / "reports").iterdir()) == []


def test_nightly_import_imports_good_files_and_logs_rejected_ones(env, tmp_path, ledger_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "coal.csv").write_bytes(
        "target,value,as_of,source\ncoal-output,1.07亿吨,2024-09-30,盟统计局\n".encode("gb18030")
    )
    (inbox / "bad.csv").write_text(
        "target,value,as_of\nurban-jobs,0.5,2024-06-30\nno-such,1,2024-06-30\nurban-jobs,x,2024-06-30\n",
        encoding="utf-8",
    )
    result = run("nightly-import.sh", env | {"XLGL_INBOX": str(inbox)})
    assert result.returncode == 2
    assert "bad.csv rejected" in result.stderr

    log = (inbox / "import.log").read_text(encoding="utf-8")
    assert "OK coal.csv" in log and "REJECTED bad.csv" in log
    assert "第 3 行" in log and "第 4 行" in log and "Traceback" not in log
    assert [p.name.endswith("coal.csv") for p in (inbox / "done").iterdir()] == [True]
    assert [p.name.endswith("bad.csv") for p in (inbox / "failed").iterdir()] == [True]
    assert not list(inbox.glob("*.csv"))

    history = subprocess.run(
        [sys.executable, "-m", "xlgl", "--db", str(ledger_path), "history", "--format", "csv"],
        capture_output=True,
        text=True,
    )
    assert history.stdout.count("\n") == 2  # the header and the one good file's row

    again = run("nightly-import.sh", env | {"XLGL_INBOX": str(inbox)})
    assert again.returncode == 0, again.stderr  # an empty inbox is a quiet night


def test_nightly_import_leaves_files_when_the_ledger_is_locked(env, tmp_path, ledger_path):
    import sqlite3

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "coal.csv").write_text("target,value,as_of\ncoal-output,1,2024-09-30\n")
    holder = sqlite3.connect(ledger_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run("nightly-import.sh", env | {"XLGL_INBOX": str(inbox), "XLGL_TIMEOUT": "0.3"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 4
    assert (inbox / "coal.csv").exists()  # tried again tomorrow
    assert "LEDGER UNUSABLE" in (inbox / "import.log").read_text(encoding="utf-8")
