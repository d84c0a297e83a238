"""Eight xlgl processes recording at once: records per second and the longest lock wait.

    python bench/contention.py [--workers 8] [--records 250]

Each worker process runs the `xlgl record` command in-process `--records` times against one fresh
ledger (built from tests/data/mini-seed.toml) and times how long each write waited for the lock
(around BEGIN IMMEDIATE). Prints one line of figures; exits 1 if any record failed.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_concurrency import WORKER  # noqa: E402  (the test's worker, measured the same way)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--records", type=int, default=250)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "ledger.db"
        seed = ROOT / "tests" / "data" / "mini-seed.toml"
        subprocess.run(
            [sys.executable, "-m", "xlgl", "--db", str(db), "init", "--seed", str(seed)],
            check=True,
            capture_output=True,
        )
        started = time.perf_counter()
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(db), str(n), str(args.records)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(args.workers)
        ]
        results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in processes]
        elapsed = time.perf_counter() - started
    failed = sum(code != 0 for r in results for code in r["codes"])
    total = args.workers * args.records
    longest = max(r["max_wait"] for r in results)
    print(
        f"{args.workers} processes × {args.records} records: {total - failed}/{total} recorded "
        f"in {elapsed:.1f} s = {total / elapsed:.0f} records/s; "
        f"longest lock wait {longest * 1000:.0f} ms; failures {failed}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
