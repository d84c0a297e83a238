"""The benchmark at a small size, inside the suite: it runs, and its outputs agree with the CLI.

Not its speed: timings on a shared test machine mean nothing. What is checked is that the
generator's ledgers load, that bench/run.py completes, and that bench/floor.sql — the one SQL query
the scale figures are measured against — computes the same latest figure, completion and status
for every target as `xlgl status --format json` (so the floor is an honest one, and an oracle for
Ledger.status at any size).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlgl.cli import app

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import run as bench_run  # noqa: E402

pytestmark = pytest.mark.slow  # subprocesses and big files


@pytest.fixture(scope="module")
def small_ledger(tmp_path_factory) -> Path:
    """300 targets, 3000 figures from the generator, imported with the CLI, two records voided."""
    folder = tmp_path_factory.mktemp("bench-small")
    seed, actuals, rows = generate.generate(300, 3000, folder)
    assert rows == 3000
    db = folder / "ledger.db"
    runner = CliRunner()
    for args in (
        ["init", "--seed", str(seed)],
        ["record", "--file", str(actuals)],
        ["void", "1", "--reason", "测试作废"],
        ["void", "1500", "--reason", "测试作废"],
    ):
        result = runner.invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 0, result.output
    return db


def cli_json(db: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(app, ["--db", str(db), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_generator_is_deterministic_and_covers_every_kind_and_comparator(tmp_path):
    first = generate.generate(100, 500, tmp_path / "a")
    second = generate.generate(100, 500, tmp_path / "b")
    for one, two in zip(first[:2], second[:2], strict=True):
        assert one.read_bytes() == two.read_bytes()
    from xlgl.seed import load_seed

    targets = load_seed(first[0]).targets
    assert {t["kind"] for t in targets} == {"level", "flow", "growth", "share", "milestone"}
    assert {t["comparator"] for t in targets} == {
        "at_least",
        "at_most",
        "approx",
        "reach",
        "range",
        "stable",
    }


@pytest.mark.parametrize("day", [generate.AS_OF, date(2024, 3, 31), date(2024, 12, 31)])
def test_floor_query_agrees_with_status_json(small_ledger, day):
    status = cli_json(small_ledger, "status", "--as-of", day.isoformat())
    overdue = cli_json(small_ledger, "overdue", "--as-of", day.isoformat())
    floor = bench_run.floor_rows_python(small_ledger, day.isoformat())
    assert bench_run.agreement(status, overdue, floor) == []
    if day == generate.AS_OF:  # the generated ledger shows every status on the benchmark's day
        assert {row["status"] for row in status} == {
            "met",
            "met_late",
            "missed",
            "overdue",
            "at_risk",
            "no_data",
            "on_track",
        }


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="sqlite3 shell not installed")
def test_floor_in_the_sqlite3_shell_gives_the_same_rows(small_ledger, tmp_path):
    day = generate.AS_OF.isoformat()
    script = bench_run.floor_sql_for_shell(tmp_path, day)
    shell = subprocess.run(
        ["sqlite3", "-json", str(small_ledger)],
        stdin=script.open("rb"),
        capture_output=True,
        check=True,
    )
    rows = json.loads(shell.stdout)
    expected = bench_run.floor_rows_python(small_ledger, day)
    assert [(r["id"], r["status"], r["latest"]) for r in rows] == [
        (r["id"], r["status"], r["latest"]) for r in expected
    ]


def test_run_py_completes_and_reports_agreement(tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--sizes",
            "150:1500",
            "--runs",
            "1",
            "--no-startup",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text("utf-8"))
    (scale,) = results["scale"]
    assert scale["problems"] == []
    assert scale["m"] == 1500 and scale["record"]["rate"] > 0
    assert "outputs agree with the floor at every size: yes" in done.stdout
