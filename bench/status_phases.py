"""Where the time of `xlgl status --format json` goes on a big ledger, phase by phase, beside the
one-query floor of bench/floor.sql (issue 11 asks for status at most 1.0 × that floor).

    python bench/status_phases.py LEDGER.db            # a ledger bench/run.py or you built
    python bench/status_phases.py --build 100000 1000000

--build makes the ledger with bench/generate.py, `xlgl init --seed` and `xlgl record --file` in a
temporary folder first (about a minute at that size). Each phase is timed in this process, in
the order status runs them, as the median of --runs runs:

- read: the targets with their latest figure as typed values (Ledger.targets_with_latest);
- rules: the status rows (evaluate.status_rows);
- rows: the rows as the JSON contract's dicts (render.status_dict);
- encode: those dicts as JSON text, and the text as UTF-8 bytes (what writing to a file costs);
- floor: bench/floor.sql through Python's sqlite3, all rows fetched (the sqlite3 shell, which
  bench/run.py times, is a little faster still).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from xlgl.evaluate import status_rows  # noqa: E402
from xlgl.render import status_dict  # noqa: E402
from xlgl.store import Ledger  # noqa: E402

AS_OF = date(2024, 9, 30)


def build(folder: Path, targets: int, figures: int) -> Path:
    xlgl = [sys.executable, "-m", "xlgl"]
    subprocess.run([sys.executable, str(BENCH / "generate.py"), str(targets), str(figures),
                    str(folder)], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    ledger = folder / "ledger.db"
    for args in (["init", "--seed", str(folder / "targets.toml")],
                 ["record", "--file", str(folder / "actuals.csv")]):  # fmt: skip
        subprocess.run([*xlgl, "--db", str(ledger), *args], check=True, stdout=subprocess.DEVNULL)
    return ledger


def median_seconds(step: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def phases(path: Path, runs: int) -> None:
    encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False)
    floor_sql = (BENCH / "floor.sql").read_text(encoding="utf-8")
    with Ledger.open(path) as ledger:
        settings = ledger.settings()
        read, pairs = median_seconds(lambda: list(ledger.targets_with_latest(AS_OF)), runs)
        rules, rows = median_seconds(lambda: status_rows(pairs, AS_OF, settings), runs)
        shaped, dicts = median_seconds(lambda: [status_dict(row) for row in rows], runs)
        encode, text = median_seconds(
            lambda: ",\n".join(map(encoder.encode, dicts)).encode("utf-8"), runs
        )
        floor, floor_rows = median_seconds(
            lambda: ledger.conn.execute(floor_sql, {"as_of": AS_OF.isoformat()}).fetchall(), runs
        )
    print(f"{path}: {len(rows):,} targets, as of {AS_OF}, median of {runs} runs")
    print(f"   {'phase':<40} {'seconds':>8} {'× floor':>8}")
    total = 0.0
    for label, seconds in (("read (typed targets, latest figures)", read), ("rules", rules),
                           ("rows as the contract's dicts", shaped),
                           (f"encode ({len(dicts[0])} fields a row, {len(text) / 1e6:.0f} MB)",
                            encode)):  # fmt: skip
        total += seconds
        print(f"   {label:<40} {seconds:8.2f} {seconds / floor:8.2f}")
    print(f"   {'all phases':<40} {total:8.2f} {total / floor:8.2f}")
    print(
        f"   {'floor.sql (' + str(len(floor_rows[0])) + ' fields a row)':<40} {floor:8.2f}     1.00"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", nargs="?", type=Path)
    parser.add_argument("--build", nargs=2, type=int, metavar=("TARGETS", "FIGURES"))
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    if options.ledger is not None:
        phases(options.ledger, options.runs)
        return
    if options.build is None:
        parser.error("name a ledger, or --build TARGETS FIGURES")
    with tempfile.TemporaryDirectory(prefix="xlgl-status-phases-") as folder:
        phases(build(Path(folder), *options.build), options.runs)


if __name__ == "__main__":
    main()
