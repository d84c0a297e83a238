"""The xlgl benchmark: one command, one table of figures and ratios measured in the same run.

    python bench/run.py            # full: start-up, (10k, 120k) and (100k, 1M); about 5 minutes
    python bench/run.py --quick    # start-up and (2k, 24k), (10k, 120k); well under a minute
    python bench/run.py --sizes 300:3000 --runs 1 --json out.json   # what the test suite runs

Figures (see bench/README.md for what each one means and the goals):
1. start-up: median wall time of `xlgl status` on the seeded default ledger and of `xlgl --help`,
   against the floor `python -c "import typer, rich.table, sqlite_utils"`.
2. scale: for each (targets, actuals): time and peak memory of `xlgl init --seed`,
   `xlgl record --file`, `xlgl status --format json`, `xlgl overdue --format json`, and the floor:
   the sqlite3 shell running bench/floor.sql (one query: latest figure, completion and status of
   every target) on the same ledger file.
3. the import rate (rows a second) and the growth from the smaller size to the larger.

Every command is a separate process, timed from spawn to exit (os.wait4 also gives its peak
resident memory). Runs of different commands are interleaved, so a busy machine slows them alike
and the ratios stay fair. The run also checks that status, overdue and the floor agree.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from generate import AS_OF  # noqa: E402

FLOOR_SQL = BENCH / "floor.sql"
IMPORT_FLOOR = "import typer, rich.table, sqlite_utils"
FULL_SIZES = [(10_000, 120_000), (100_000, 1_000_000)]
QUICK_SIZES = [(2_000, 24_000), (10_000, 120_000)]
GOALS = {  # issue 11's
    "status_startup": 1.0,  # × import floor
    "help_startup": 0.6,  # × import floor
    "scale_vs_floor": 1.0,  # × sqlite3 floor, at the largest size
    "peak_rss_mb": 200.0,
    "import_rate": 200_000.0,  # rows / s, at the largest size
    "growth": 12.0,  # largest / smallest time
}
VOIDS = 3  # records voided with `xlgl void` after each import


# --- running and timing ---------------------------------------------------------------------------


def xlgl_command() -> list[str]:
    """The installed console script beside this Python, else `python -m xlgl`."""
    script = Path(sys.executable).with_name("xlgl")
    return [str(script)] if script.exists() else [sys.executable, "-m", "xlgl"]


def timed(
    command: list[str],
    *,
    env: dict[str, str] | None = None,
    stdin: Path | None = None,
    stdout: Path | None = None,
) -> tuple[float, float]:
    """Run one process to completion: (wall seconds, peak RSS in MB). Raises on a non-zero exit."""
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    inp = stdin.open("rb") if stdin else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdin=inp, stdout=out, stderr=subprocess.PIPE, env=env)
        # wait4 gives this child's own rusage (getrusage(RUSAGE_CHILDREN) would give the max so far)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
        if process.stderr:
            process.stderr.close()
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
        if stdin:
            inp.close()  # type: ignore[union-attr]
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: {error.strip()}")
    rss_kb = usage.ru_maxrss  # kilobytes on Linux
    return wall, rss_kb / 1024


def median_runs(commands: dict[str, dict], runs: int) -> dict[str, tuple[float, float]]:
    """Each named command `runs` times, interleaved; median wall and the largest peak RSS."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
    for _ in range(runs):
        for name, spec in commands.items():
            wall, rss = timed(**spec)
            walls[name].append(wall)
            peaks[name] = max(peaks[name], rss)
    return {name: (statistics.median(walls[name]), peaks[name]) for name in commands}


def sqlite3_shell() -> str | None:
    return shutil.which("sqlite3")


def floor_sql_for_shell(work: Path, as_of: str) -> Path:
    """bench/floor.sql with its :as_of parameter written in (the shell has no simple binding)."""
    path = work / "floor-shell.sql"
    path.write_text(FLOOR_SQL.read_text(encoding="utf-8").replace(":as_of", f"'{as_of}'"), "utf-8")
    return path


def floor_rows_python(db: Path, as_of: str) -> list[dict]:
    """The floor query through Python's sqlite3 (the oracle when the shell is missing)."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(FLOOR_SQL.read_text("utf-8"), {"as_of": as_of})]
    finally:
        conn.close()


def agreement(status: list[dict], overdue: list[dict], floor: list[dict]) -> list[str]:
    """Where the CLI's JSON and the floor disagree (empty when they agree)."""
    problems = []
    by_id = {row["id"]: row for row in floor}
    if [row["id"] for row in status] != [row["id"] for row in floor]:
        problems.append("status and floor list different targets or order")
    for row in status:
        other = by_id.get(row["id"])
        if other is None:
            continue
        for key in ("status", "latest", "latest_as_of", "next_report_due"):
            if row[key] != other[key]:
                problems.append(f"{row['id']}: {key} {row[key]!r} (xlgl) != {other[key]!r} (floor)")
        for key in ("completion", "time_progress", "expected"):
            a, b = row[key], other[key]
            if (a is None) != (b is None) or (a is not None and abs(a - b) > 1.5e-4):
                problems.append(f"{row['id']}: {key} {a!r} (xlgl) != {b!r} (floor)")
    flagged = {row["id"] for row in floor if row["status"] in ("overdue", "missed", "at_risk")}
    if {row["id"] for row in overdue} != flagged:
        problems.append("overdue does not list exactly the floor's overdue and at-risk targets")
    return problems[:20]


# --- the benchmark parts --------------------------------------------------------------------------


def bench_startup(work: Path, runs: int, env: dict[str, str]) -> dict:
    """status on the seeded default ledger and --help, against the import floor."""
    home = work / "startup-home"
    env = {**env, "XDG_DATA_HOME": str(home)}
    env.pop("XLGL_DB", None)
    # Measure xlgl as pip installs it, with its byte-code compiled (the dependencies of the
    # floor are): with PYTHONDONTWRITEBYTECODE set, an editable checkout recompiles every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    xlgl = xlgl_command()
    timed([*xlgl, "status"], env=env)  # first use: creates and seeds the default ledger
    commands = {
        "floor": {"command": [sys.executable, "-c", IMPORT_FLOOR], "env": env},
        "help": {"command": [*xlgl, "--help"], "env": env},
        "status": {"command": [*xlgl, "status", "--as-of", AS_OF.isoformat()], "env": env},
        "status_json": {
            "command": [*xlgl, "status", "--as-of", AS_OF.isoformat(), "--format", "json"],
            "env": env,
        },
    }
    timed(**commands["status"])  # warm the page cache and the byte-code
    return {
        name: {"wall": wall, "rss": rss}
        for name, (wall, rss) in median_runs(commands, runs).items()
    }


def bench_scale(work: Path, n: int, m: int, runs: int, env: dict[str, str]) -> dict:
    folder = work / f"n{n}-m{m}"
    # Generated in a child process, and checked in one below: this process stays small, because
    # a child's peak RSS (wait4) starts from its parent's size at fork, even across exec.
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), str(n), str(m), str(folder)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    generated = time.perf_counter() - started
    seed, csv_path = folder / "targets.toml", folder / "actuals.csv"
    with csv_path.open("rb") as handle:
        rows = sum(1 for _ in handle) - 1
    db = folder / "ledger.db"
    xlgl = [*xlgl_command(), "--db", str(db)]
    result: dict = {"n": n, "m": rows, "generate_s": generated}

    wall, rss = timed([*xlgl, "init", "--seed", str(seed)], env=env)
    result["init"] = {"wall": wall, "rss": rss}
    wall, rss = timed([*xlgl, "record", "--file", str(csv_path)], env=env)
    result["record"] = {"wall": wall, "rss": rss, "rate": rows / wall}
    with sqlite3.connect(db) as conn:  # duplicates in the file were skipped: fewer records
        stored = conn.execute("SELECT count(*) FROM records").fetchone()[0]
    result["record"]["stored"] = stored
    for record_id in sorted({1, max(1, stored // 2), stored})[:VOIDS]:
        timed([*xlgl, "void", str(record_id), "--reason", "基准测试：作废"], env=env)

    day = AS_OF.isoformat()
    status_out, overdue_out, floor_out = (
        folder / f"{k}.json" for k in ("status", "overdue", "floor")
    )
    commands = {
        "status": {
            "command": [*xlgl, "status", "--format", "json", "--as-of", day],
            "env": env,
            "stdout": status_out,
        },
        "overdue": {
            "command": [*xlgl, "overdue", "--format", "json", "--as-of", day],
            "env": env,
            "stdout": overdue_out,
        },
    }
    shell = sqlite3_shell()
    if shell:
        commands["floor"] = {
            "command": [shell, "-json", str(db)],
            "stdin": floor_sql_for_shell(folder, day),
            "stdout": floor_out,
        }
    timed(**commands["status"])  # warm the page cache: every run then reads a cached file
    for name, (wall, rss) in median_runs(commands, runs).items():
        result[name] = {"wall": wall, "rss": rss}

    checked = subprocess.run(
        [sys.executable, __file__, "--check", str(folder), day, "shell" if shell else "python"],
        check=True,
        capture_output=True,
        text=True,
    )
    result.update(json.loads(checked.stdout))
    return result


def check(folder: Path, day: str, floor_from: str) -> dict:
    """Compare a size's status.json, overdue.json and the floor (problems, and status counts)."""
    if floor_from == "shell":
        text = (folder / "floor.json").read_text("utf-8").strip()
        floor_rows = json.loads(text) if text else []
    else:
        floor_rows = floor_rows_python(folder / "ledger.db", day)
    status_rows = json.loads((folder / "status.json").read_text("utf-8"))
    overdue_rows = json.loads((folder / "overdue.json").read_text("utf-8"))
    return {
        "problems": agreement(status_rows, overdue_rows, floor_rows),
        "counts": {
            s: sum(1 for row in status_rows if row["status"] == s)
            for s in ("met", "overdue", "at_risk", "no_data", "on_track")
        },
    }


# --- the report -----------------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT MET")


def report(results: dict) -> str:
    lines = []
    add = lines.append
    add(f"xlgl benchmark — {results['date']} — {results['machine']}")
    add("")
    s = results.get("startup")
    if s:
        floor = s["floor"]["wall"]
        add(f"1. Start-up (median of {results['runs_startup']} runs each, seeded default ledger)")
        add(f"   {'command':<52}{'wall ms':>9}{'× floor':>9}{'goal':>7}  verdict")
        floor_label = f'python -c "{IMPORT_FLOOR}"'
        add(f"   {floor_label:<52}{floor * 1000:>9.1f}{1:>9.2f}")
        for name, label, goal in (
            ("status", "xlgl status", GOALS["status_startup"]),
            ("help", "xlgl --help", GOALS["help_startup"]),
            ("status_json", "xlgl status --format json", None),
        ):
            ratio = s[name]["wall"] / floor
            add(
                f"   {label:<52}{s[name]['wall'] * 1000:>9.1f}{ratio:>9.2f}"
                + (f"{'≤' + str(goal):>7}  {verdict(ratio <= goal)}" if goal else "")
            )
        add("")
    sizes = results.get("scale", [])
    if sizes:
        add(f"2. Scale (status/overdue/floor: median of {results['runs_scale']} runs)")
        have_floor = all("floor" in r for r in sizes)
        add(
            f"   {'targets':>8} {'actuals':>9}  {'command':<24}{'wall s':>8}{'peak MB':>9}"
            f"{'× floor':>9}"
        )
        for r in sizes:
            floor = r["floor"]["wall"] if "floor" in r else None
            for name, label in (
                ("init", "init --seed"),
                ("record", "record --file"),
                ("status", "status --format json"),
                ("overdue", "overdue --format json"),
                ("floor", "sqlite3 floor.sql"),
            ):
                if name not in r:
                    continue
                ratio = (
                    f"{r[name]['wall'] / floor:>9.2f}"
                    if floor and name in ("status", "overdue", "floor")
                    else f"{'':>9}"
                )
                add(
                    f"   {r['n']:>8} {r['m']:>9}  {label:<24}{r[name]['wall']:>8.2f}"
                    f"{r[name]['rss']:>9.1f}{ratio}"
                )
            add(f"   {'':>8} {'':>9}  statuses: {r['counts']}")
            add(
                "   "
                + " " * 20
                + (
                    "status, overdue and the floor agree"
                    if not r["problems"]
                    else "DISAGREE: " + "; ".join(r["problems"][:5])
                )
            )
        if not have_floor:
            add("   (sqlite3 shell missing: no floor, no ratios — apt-get install sqlite3)")
        add("")
        big, small = sizes[-1], sizes[0]
        add(f"3. Goals at ({big['n']}, {big['m']})")
        for name in ("status", "overdue"):
            if "floor" in big:
                ratio = big[name]["wall"] / big["floor"]["wall"]
                add(
                    f"   {name} --format json vs sqlite3 floor: {ratio:.2f}× "
                    f"(goal ≤ {GOALS['scale_vs_floor']:g}×) {verdict(ratio <= GOALS['scale_vs_floor'])}"
                )
            else:
                add(f"   {name} --format json vs sqlite3 floor: n/a (sqlite3 shell missing)")
        peak = max(big[k]["rss"] for k in ("status", "overdue"))
        add(
            f"   peak memory of status/overdue: {peak:.0f} MB (goal < {GOALS['peak_rss_mb']:g} MB) "
            f"{verdict(peak < GOALS['peak_rss_mb'])}; init {big['init']['rss']:.0f} MB, "
            f"record {big['record']['rss']:.0f} MB"
        )
        rate = big["record"]["rate"]
        add(
            f"   record --file: {rate:,.0f} rows/s (goal ≥ {GOALS['import_rate']:,.0f}) "
            f"{verdict(rate >= GOALS['import_rate'])}"
        )
        if len(sizes) > 1:
            growth = {
                k: big[k]["wall"] / small[k]["wall"]
                for k in ("init", "record", "status", "overdue")
            }
            worst = max(growth.values())
            shown = ", ".join(f"{k} {v:.1f}×" for k, v in growth.items())
            add(
                f"   growth ({small['n']}, {small['m']}) → ({big['n']}, {big['m']}): {shown} "
                f"(goal ≤ {GOALS['growth']:g}×) {verdict(worst <= GOALS['growth'])}"
            )
        agree = all(not r["problems"] for r in sizes)
        add(f"   outputs agree with the floor at every size: {'yes' if agree else 'NO'}")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    shell = sqlite3_shell()
    sqlite_version = "missing"
    if shell:
        sqlite_version = subprocess.run(
            [shell, "--version"], capture_output=True, text=True
        ).stdout.split()[0]
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), "
        f"Python {platform.python_version()}, sqlite3 shell {sqlite_version}"
    )


def parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        n, _, m = part.partition(":")
        sizes.append((int(n), int(m)))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the xlgl benchmark and print its table.")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer runs")
    parser.add_argument("--sizes", type=parse_sizes, help="N:M[,N:M…] instead of the default sizes")
    parser.add_argument("--runs", type=int, help="runs per timed command (median)")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up figures")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--check", nargs=3, metavar=("FOLDER", "DAY", "FLOOR"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.check:
        print(json.dumps(check(Path(args.check[0]), args.check[1], args.check[2])))
        return 0

    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    runs_startup = args.runs or (5 if args.quick else 11)
    runs_scale = args.runs or (1 if args.quick else 3)
    if not sqlite3_shell():
        print(
            "bench: the sqlite3 command-line shell is MISSING — the scale floor and its ratios are "
            "skipped (install it: apt-get install sqlite3)",
            file=sys.stderr,
        )
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("XLGL_DB", None)
    results: dict = {
        "date": datetime.now().astimezone().isoformat(timespec="minutes"),
        "machine": machine(),
        "runs_startup": runs_startup,
        "runs_scale": runs_scale,
        "goals": GOALS,
    }
    work_context = tempfile.TemporaryDirectory(prefix="xlgl-bench-") if not args.keep else None
    work = Path(work_context.name) if work_context else args.keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        if not args.no_startup:
            results["startup"] = bench_startup(work, runs_startup, env)
        results["scale"] = []
        for n, m in sizes:
            print(f"bench: ({n} targets, {m} actuals) …", file=sys.stderr, flush=True)
            results["scale"].append(bench_scale(work, n, m, runs_scale, env))
    finally:
        if work_context:
            work_context.cleanup()
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    return 0 if all(not r["problems"] for r in results["scale"]) else 1


if __name__ == "__main__":
    sys.exit(main())
