"""Several xlgl processes writing one ledger at once: none fails, none loses a record; a lock held
past the timeout is exit 4 with a message that says so (issue 5).

The 8 × 250 test runs 8 OS processes at once; each runs the `xlgl record` command 250 times
in-process (parse the arguments, open the ledger, record, compute the status, close — the whole CLI
path), because 2,000 interpreter start-ups would take minutes on a small machine. A second test does the same with a
real `python -m xlgl` process per record, fewer of them.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

WORKERS = 8
RECORDS_EACH = 250

pytestmark = pytest.mark.slow  # subprocesses at once

# One worker process: records `count` figures through the CLI and prints its exit codes and the
# longest time it waited for the write lock (measured around BEGIN IMMEDIATE).
WORKER = r"""
import json, sys, time
from contextlib import contextmanager
from xlgl.store import ledger as ledger_module
from typer.main import get_command
from xlgl.cli import app

db, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
original_write = ledger_module.Ledger.write
waits = []

@contextmanager
def timed_write(self):
    started = time.perf_counter()
    with original_write(self) as conn:
        waits.append(time.perf_counter() - started)
        yield conn

ledger_module.Ledger.write = timed_write
command = get_command(app)  # built once: Typer rebuilds it on every app() call
codes = []
# Each figure gets a date of its own (the figure check refuses two values for one date) and year-
# to-date totals rise with the date: figure g of all is day g % 730 of one of three targets.
from datetime import date, timedelta
TARGETS = ("household-toilets", "new-energy-capacity", "project-investment")
for i in range(count):
    g = worker * count + i
    day = (date(2024, 1, 1) + timedelta(days=g % 730)).isoformat()
    args = ["--db", db, "record", TARGETS[g // 730], str(g % 730 + 1),
            "--as-of", day, "--source", f"worker {worker}", "--note", f"#{i}"]
    try:
        command.main(args, prog_name="xlgl")
        codes.append(0)
    except SystemExit as exit:
        codes.append(exit.code or 0)
print(json.dumps({"codes": codes, "max_wait": max(waits, default=0.0)}))
"""


def count_records(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        conn.close()


def test_eight_processes_record_at_once_and_nothing_is_lost(ledger_path):
    before = count_records(ledger_path)
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(ledger_path), str(n), str(RECORDS_EACH)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    elapsed = time.perf_counter() - started

    for result in results:
        assert result["codes"] == [0] * RECORDS_EACH
    assert count_records(ledger_path) == before + WORKERS * RECORDS_EACH
    conn = sqlite3.connect(ledger_path)
    per_worker = dict(conn.execute("SELECT source, count(*) FROM records GROUP BY source"))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert per_worker == {f"worker {n}": RECORDS_EACH for n in range(WORKERS)}
    max_wait = max(r["max_wait"] for r in results)
    print(
        f"\n{WORKERS}×{RECORDS_EACH} records in {elapsed:.1f} s: "
        f"{WORKERS * RECORDS_EACH / elapsed:.0f} records/s; longest lock wait {max_wait * 1000:.0f} ms"
    )


def test_separate_cli_processes_record_at_once(ledger_path):
    """The real thing, smaller: 8 × 2 `python -m xlgl record` processes, 8 at a time."""
    before = count_records(ledger_path)
    for round_ in range(2):
        processes = [
            subprocess.Popen(
                [
                    *(sys.executable, "-m", "xlgl", "--db", str(ledger_path)),
                    *("record", "coal-output", f"{(round_ * WORKERS + n + 1) / 10}亿吨"),
                    *("--as-of", f"2024-0{round_ + 1}-{n + 1:02d}"),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(WORKERS)
        ]
        for process in processes:
            _, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
    assert count_records(ledger_path) == before + 2 * WORKERS


def test_a_lock_held_past_the_timeout_is_exit_4_and_says_so(ledger_path):
    before = ledger_path.read_bytes()
    holder = sqlite3.connect(ledger_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing, and keeps at it
    try:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "xlgl", "--db", str(ledger_path), "record", "coal-output", "1"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "XLGL_TIMEOUT": "0.5"},
        )
        waited = time.perf_counter() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "locked" in lines[0] and "0.5 秒" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert waited < 10
    assert ledger_path.read_bytes() == before


def test_a_bad_timeout_setting_is_exit_2(ledger_path):
    result = subprocess.run(
        [sys.executable, "-m", "xlgl", "--db", str(ledger_path), "status"],
        capture_output=True,
        text=True,
        env={**os.environ, "XLGL_TIMEOUT": "soon"},
    )
    assert result.returncode == 2
    assert "XLGL_TIMEOUT" in result.stderr and len(result.stderr.strip().splitlines()) == 1
