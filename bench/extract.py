"""Time `xlgl extract` on a 40,000-character report: the goal is under 2 s.

    python bench/extract.py            # the 2024 report padded to 40,000 characters, 5 runs
    python bench/extract.py --chars 80000 --runs 3

The report is made long the way long reports are: the review part once, then the plan part's
chapters repeated (each copy a new chapter, so every copy is extracted) until the text has the
wanted length. Two timings are printed: the extraction in this process (extract_report, the
median of the runs) and the whole command as a user runs it (`python -m xlgl extract FILE
--format json`, spawn to exit, median).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlgl.extract import extract_report  # noqa: E402

REPORT = ROOT / "seed" / "xilinguole-2024-work-report.txt"
GOAL_SECONDS = 2.0


def padded_report(chars: int) -> str:
    text = REPORT.read_text(encoding="utf-8")
    plan = text.index("（一）坚持稳中求进")
    end = text.index("三、切实加强行署自身建设")
    head, chapters, tail = text[:plan], text[plan:end], text[end:]
    body = [head]
    while sum(map(len, body)) + len(tail) < chars:
        body.append(chapters)
    return ("".join(body) + tail)[: max(chars, len(text))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    text = padded_report(args.chars)
    timings, draft = [], None
    for _ in range(args.runs):
        start = time.perf_counter()
        draft = extract_report(text, source="padded.txt")
        timings.append(time.perf_counter() - start)
    assert draft is not None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "padded.txt"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "xlgl", "extract", str(path), "--format", "json"]
        walls = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
            walls.append(time.perf_counter() - start)
    inner, whole = statistics.median(timings), statistics.median(walls)
    print(
        f"extract of {len(text):,} characters: {inner:.3f} s in process, {whole:.3f} s for the "
        f"command ({len(draft.targets)} targets, {len(draft.exclusions)} exclusions; "
        f"median of {args.runs}; goal < {GOAL_SECONDS:.0f} s)"
    )
    return 0 if whole < GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
