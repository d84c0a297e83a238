"""Helpers for editing the seed by hand: where each section of the report lies, where a quote is.

    python tools/seedtool.py offsets     # rewrite every `offset = N` in targets-2024.toml and
                                              # exclusions-2024.toml from its quote/text (in place)
    python tools/seedtool.py uncovered   # list numbers in parts 二 and 三 that no target
                                              # quote and no exclusion covers
    python tools/seedtool.py calendar    # list the targets by frequency and lag_days, with the
                                              # rule code of each (docs/seed.md), for review

A quote is looked up inside its target's section (so a clause that recurs, such as
城镇新增就业1万人以上, resolves to the place the entry names); it must occur exactly once
there. An exclusion text is looked up near its old offset (the nearest occurrence), so re-running
after an edit of the report keeps each exclusion on its own occurrence. What counts as "a number"
is defined once, in tests/test_seed_data.py, which `uncovered` imports.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "seed"
REPORT = SEED / "xilinguole-2024-work-report.txt"
TARGETS = SEED / "targets-2024.toml"
EXCLUSIONS = SEED / "exclusions-2024.toml"

PART_TWO = "二、2024年主要目标和重点任务"
PART_THREE = "三、切实加强行署自身建设"
HEADLINE = "2024年全盟经济社会发展主要预期目标是"
CHAPTERS = "（一）（二）（三）（四）（五）（六）（七）"


def section_spans(text: str) -> dict[str, tuple[int, int]]:
    """Character spans of 主要预期目标, （一）…（七） of part 二, and 三 (all of part 三)."""
    two, three = text.index(PART_TWO), text.index(PART_THREE)
    head = text.index(HEADLINE, two)
    spans = {"主要预期目标": (head, text.index("\n", head))}
    markers = [CHAPTERS[i : i + 3] for i in range(0, len(CHAPTERS), 3)]
    starts = [text.index("\n" + m, two) + 1 for m in markers]
    for marker, start, end in zip(markers, starts, [*starts[1:], three], strict=True):
        spans[marker] = (start, end)
    spans["三"] = (three, len(text))
    return spans


def locate(text: str, quote: str, section: str) -> int:
    lo, hi = section_spans(text)[section]
    hits = [m.start() for m in re.finditer(re.escape(quote), text) if lo <= m.start() < hi]
    if len(hits) != 1:
        raise SystemExit(f"quote occurs {len(hits)} times in {section}: {quote}")
    return hits[0]


def _fix_targets(text: str) -> str:
    """Rewrite offsets in the targets file line by line, keeping its layout and comments."""
    lines = TARGETS.read_text(encoding="utf-8").splitlines(keepends=True)
    data = tomllib.loads("".join(lines))
    places = []  # (section, quote) in file order: each target, then its also places
    for target in data["target"]:
        places.append((target["section"], target["quote"]))
        places.extend((a["section"], a["quote"]) for a in target.get("also", []))
    out, i = [], 0
    for line in lines:
        if re.match(r"offset\s*=", line):
            section, quote = places[i]
            line = f"offset = {locate(text, quote, section)}\n"
            i += 1
        out.append(line)
    assert i == len(places), "every quote needs an offset line"
    return "".join(out)


def _fix_exclusions(text: str) -> str:
    lines = EXCLUSIONS.read_text(encoding="utf-8").splitlines(keepends=True)
    entries = tomllib.loads("".join(lines))["exclusion"]
    out, i = [], 0
    for line in lines:
        if re.match(r"offset\s*=", line):
            entry = entries[i]
            hits = [m.start() for m in re.finditer(re.escape(entry["text"]), text)]
            if not hits:
                raise SystemExit(f"exclusion text not in report: {entry['text']}")
            line = f"offset = {min(hits, key=lambda h: abs(h - entry['offset']))}\n"
            i += 1
        out.append(line)
    return "".join(out)


def _test_module():
    path = SEED.parent / "tests" / "test_seed_data.py"
    spec = importlib.util.spec_from_file_location("test_seed_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def calendar() -> list[str]:
    """One line per target, grouped by (frequency, lag_days): the rule code from the comment
    after `frequency`, the id and the indicator. Targets without a calendar are listed first."""
    lines = TARGETS.read_text(encoding="utf-8").splitlines()
    codes = [line.split("#", 1)[1].split()[0] if "#" in line else "?" for line in lines
             if re.match(r"frequency\s*=", line)]  # fmt: skip
    targets = tomllib.loads("\n".join(lines))["target"]
    calendared = [t for t in targets if "frequency" in t]
    out = [f"NO CALENDAR: {t['id']}" for t in targets if "frequency" not in t]
    rows = sorted(
        ((t["frequency"], t.get("lag_days", 0), code, t["id"], t["indicator"])
         for t, code in zip(calendared, codes, strict=True)),
        key=lambda row: (row[0], row[1], row[3]),
    )  # fmt: skip
    for frequency, lag, code, target_id, indicator in rows:
        retired = (
            "  (retired)" if any(t["id"] == target_id and t.get("retired") for t in targets) else ""
        )
        out.append(f"{frequency:8} {lag:4}  {code:2} {target_id:34} {indicator}{retired}")
    return out


def main(argv: list[str]) -> int:
    text = REPORT.read_text(encoding="utf-8")
    if argv[:1] == ["offsets"]:
        TARGETS.write_text(_fix_targets(text), encoding="utf-8")
        EXCLUSIONS.write_text(_fix_exclusions(text), encoding="utf-8")
        return 0
    if argv[:1] == ["calendar"]:
        lines = calendar()
        print("\n".join(lines))
        return 1 if any(line.startswith("NO CALENDAR") for line in lines) else 0
    if argv[:1] == ["uncovered"]:
        tests = _test_module()
        missing = tests.uncovered(text, tests.load_targets(), tests.load_exclusions())
        for start, token in missing:
            line = text.count("\n", 0, start) + 1
            print(f"line {line} offset {start}: {token}  …{text[max(0, start - 12) : start + 14]}…")
        return 1 if missing else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
