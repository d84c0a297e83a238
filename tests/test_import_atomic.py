"""A bulk import goes in whole or not at all, even when the process is killed (issue 5).

`xlgl record --file` of a large file is killed with SIGKILL at several random moments; after each
kill the ledger passes `PRAGMA integrity_check` and holds either none or all of the file's rows.
At the end the same file is imported to completion, which proves the file itself was good (a
rejected file would pass "none" trivially).
"""

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # subprocesses and big files

ROWS = 100_000
KILLS = 4
TARGETS = ["coal-output", "urban-jobs", "project-investment", "household-toilets"]


MONTHS = 9  # 1—9月: each target's figures rise month by month, each month once


def write_big_csv(path: Path, rows: int) -> None:
    """`rows` figures that pass the figure check: target t{n} gets months 1…9, rising, so every
    row is new (a ledger from write_big_seed knows the targets)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("target,value,as_of,source,note\n")
        for i in range(rows):
            target, month = divmod(i, MONTHS)
            out.write(f"t{target:06d},{month + 1},2024-{month + 1:02d}-28,盟统计局,行{i}\n")


def write_big_seed(path: Path, rows: int) -> Path:
    """A seed of the targets write_big_csv names: flows of 100个 each."""
    lines = ["[report]", 'title = "测试"', "year = 2024", 'key = "big-2024"', ""]
    for n in range(-(-rows // MONTHS)):
        lines += [
            "[[target]]", f'id = "t{n:06d}"', 'section = "（一）"', f'indicator = "指标{n}"',
            'kind = "flow"', 'comparator = "reach"', "value = 100", 'unit = "个"',
            f'quote = "完成指标{n}100个"', "",
        ]  # fmt: skip
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def big_ledger(tmp_path) -> Path:
    ledger = tmp_path / "big.db"
    seed = write_big_seed(tmp_path / "big-seed.toml", ROWS)
    made = subprocess.run(
        [sys.executable, "-m", "xlgl", "--db", str(ledger), "init", "--seed", str(seed)],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    return ledger


def check(path: Path) -> int:
    """The ledger's record count, after checking its integrity (this opens it, so SQLite
    recovers the WAL left by the killed process)."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        conn.close()


def import_command(ledger: Path, csv: Path) -> list[str]:
    return [sys.executable, "-m", "xlgl", "--db", str(ledger), "record", "--file", str(csv)]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_bulk_import_leaves_none_or_all_rows(big_ledger, tmp_path):
    ledger_path = big_ledger
    big = tmp_path / "big.csv"
    write_big_csv(big, ROWS)
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    empty = check(ledger_path)

    outcomes = []
    for kill in range(KILLS):
        process = subprocess.Popen(
            import_command(ledger_path, big), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(rng.uniform(0.3, 2.5))  # start-up ~0.3 s, the whole import ~2–3 s here
        finished = process.poll() is not None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        count = check(ledger_path)
        assert count in (empty, empty + ROWS), f"kill {kill} (seed {seed}): {count - empty} rows"
        outcomes.append("all" if count == empty + ROWS else "none")
        if count == empty + ROWS:
            assert finished or process.returncode == -signal.SIGKILL
    print(f"\nkilled {KILLS} imports of {ROWS} rows: {outcomes} (seed {seed})")

    # the file once more: whatever went in before, each row is there exactly once
    done = subprocess.run(import_command(ledger_path, big), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert check(ledger_path) == empty + ROWS


def test_an_import_with_one_bad_row_at_the_end_changes_nothing(big_ledger, tmp_path):
    ledger_path = big_ledger
    """All or nothing without a kill: 20,000 good rows then one bad row."""
    csv = tmp_path / "almost.csv"
    write_big_csv(csv, 20_000)
    with csv.open("a", encoding="utf-8") as out:
        out.write("t000000,很多,2024-06-30,,\n")
    before = ledger_path.read_bytes()
    result = subprocess.run(import_command(ledger_path, csv), capture_output=True, text=True)
    assert result.returncode == 2
    assert "第 20002 行" in result.stderr
    assert ledger_path.read_bytes() == before


def test_the_csv_reader_streams_in_bounded_memory(big_ledger, tmp_path):
    ledger_path = big_ledger
    """rows() holds one row at a time: its peak memory does not grow with the file (a million-row
    file is read the same way; 60,000 rows keep the test quick)."""
    import tracemalloc

    from xlgl.importer import ActualsFile, TargetIndex
    from xlgl.store import Ledger

    big = tmp_path / "big.csv"
    write_big_csv(big, 60_000)
    with Ledger.open(ledger_path) as ledger:
        index = TargetIndex(ledger.targets())
    tracemalloc.start()
    try:
        count = sum(1 for _ in ActualsFile(big, index).rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 60_000
    assert peak < 4_000_000, (
        f"peak {peak / 1e6:.1f} MB for a {big.stat().st_size / 1e6:.1f} MB file"
    )


def test_an_unknown_target_in_a_csv_row_names_the_targets_it_may_mean(tmp_path):
    from xlgl.errors import InputError
    from xlgl.importer import ActualsFile, TargetIndex
    from xlgl.model import Target

    index = TargetIndex([Target("household-toilets", "新建户厕", "flow", "reach", 2883.0, "个")])
    path = tmp_path / "a.csv"
    path.write_text(
        "target,value,as_of\n新建户侧,5,2024-06-30\n新建户侧,6,2024-07-31\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as rejected:
        list(ActualsFile(path, index).rows())
    lines = str(rejected.value).splitlines()
    assert lines[1:] == [
        "第 2 行：没有目标“新建户侧”；是否要找：新建户厕",
        "第 3 行：没有目标“新建户侧”；是否要找：新建户厕",
    ]
