"""Synthetic ledgers for the benchmark: a seed file of N targets and an actuals CSV of M rows.

Deterministic: the same (N, M, seed) always writes the same two files, byte for byte.

Targets cover every kind and every comparator (range with value_hi, at_most with direction down,
levels with and without a 2023 baseline, single and counted milestones), in the seed TOML format of
DESIGN.md. About one in twelve has an earlier deadline than 2024-12-31 (4月15日前, 6月底, 9月底),
so that `overdue` has something to list; about one in eight never gets a figure (no_data).

Actuals look like what departments send in: month-end as-of dates (1—n月), cumulative figures for
flows that grow month by month, levels that creep toward the target, rates that hover around it;
some targets stopped reporting in spring (stale), a few rows send an earlier month's figure again
(the same as_of and value: a duplicate the import skips), about 4 % carry a unit column in another magnitude (12000 with unit 万元 for a 亿元
target) and 1 % are written with their unit in the value cell (95% / 1.2亿元). A few rows lie after
the benchmark's as-of date and must be ignored by status.

Voided records are not part of a CSV (voiding is its own command): `run.py` voids a few imported
records with `xlgl void` before it measures status.

    python bench/generate.py N M OUTDIR [--seed S]
"""

from __future__ import annotations

import argparse
import random
from datetime import date
from pathlib import Path

AS_OF = date(2024, 9, 30)  # the day the benchmark asks about (1—9月)
SECTIONS = [
    "主要预期目标",
    "（一）",
    "（二）",
    "（三）",
    "（四）",
    "（五）",
    "（六）",
    "（七）",
    "三",
]
MONTH_ENDS = [
    date(2024, 1, 31),
    date(2024, 2, 29),
    date(2024, 3, 31),
    date(2024, 4, 30),
    date(2024, 5, 31),
    date(2024, 6, 30),
    date(2024, 7, 31),
    date(2024, 8, 31),
    date(2024, 9, 30),
    date(2024, 10, 31),  # after AS_OF: a figure for October, ignored by status as of 9月30日
]
EARLY_DUES = [date(2024, 4, 15), date(2024, 6, 30), date(2024, 9, 30), date(2024, 11, 10)]

# kind -> (units, comparators, value range)
KINDS = {
    "level": (
        ["万千瓦", "户", "万头", "家", "万亩"],
        ["at_least", "reach", "approx", "stable", "range"],
    ),
    "flow": (["亿元", "公里", "人次", "个", "万吨"], ["at_least", "reach", "approx", "range"]),
    "growth": (["%"], ["approx", "at_least", "stable", "at_most"]),
    "share": (["%"], ["at_least", "reach", "at_most", "stable", "approx"]),
    "milestone": (["个", "条", "处", "项"], ["reach", "at_least", "range"]),
}
# every kind x comparator pair the generator makes, in a fixed order: targets cycle through them
PAIRS = [
    (kind, comparator) for kind, (_, comparators) in KINDS.items() for comparator in comparators
]
# a unit in another magnitude that converts exactly into the target's unit: (unit, factor)
OTHER_MAGNITUDE = {"亿元": ("万元", 10_000), "万吨": ("吨", 10_000), "万千瓦": ("千瓦", 10_000)}


def _number(value: float) -> str:
    """A TOML / CSV number without exponent, at most 4 decimals."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def make_targets(n: int, rng: random.Random) -> list[dict]:
    targets = []
    for i in range(n):
        kind, comparator = PAIRS[i % len(PAIRS)]
        units = KINDS[kind][0]
        unit = units[rng.randrange(len(units))]
        direction = "down" if comparator == "at_most" else "up"
        if kind == "growth":
            value = round(rng.uniform(3, 12), 1)
        elif kind == "share":
            value = round(rng.uniform(5, 98), 1)
        elif kind == "milestone":
            value = 1 if rng.random() < 0.4 else rng.randrange(2, 40)
        else:
            value = round(rng.uniform(10, 5000), 2)
        value_hi = None
        if comparator == "range":
            value_hi = value * 2 if kind == "milestone" else round(value * 1.2, 2)
        baseline = None
        if kind == "level" and rng.random() < 0.6:
            baseline = round(value * rng.uniform(0.8, 0.98), 2)
        elif kind in ("growth", "share") and rng.random() < 0.3:
            baseline = round(value * rng.uniform(0.9, 1.1), 1)
        due = (
            EARLY_DUES[rng.randrange(len(EARLY_DUES))]
            if rng.random() < 0.08
            else date(2024, 12, 31)
        )
        indicator = f"合成指标{i:06d}"
        targets.append(
            {
                "id": f"t{i:06d}",
                "section": SECTIONS[i % len(SECTIONS)],
                "topic": f"合成段落{i // 50:05d}",
                "indicator": indicator,
                "kind": kind,
                "comparator": comparator,
                "value": value,
                "value_hi": value_hi,
                "unit": unit,
                "direction": direction,
                "baseline": baseline,
                "due": due,
                "quote": f"{indicator}{_number(value)}{unit}",
                "offset": i * 40,
            }
        )
    return targets


def write_seed(targets: list[dict], path: Path) -> None:
    lines = [
        "# Synthetic targets for the xlgl benchmark (bench/generate.py); not the real report.",
        "[report]",
        'title = "合成台账（基准测试）"',
        "year = 2024",
        'source = "synthetic-report.txt"',  # not beside the file: quotes are not checked
        "",
    ]
    for t in targets:
        lines += [
            "[[target]]",
            f'id = "{t["id"]}"',
            "year = 2024",
            f'section = "{t["section"]}"',
            f'topic = "{t["topic"]}"',
            f'indicator = "{t["indicator"]}"',
            f'kind = "{t["kind"]}"',
            f'comparator = "{t["comparator"]}"',
            f"value = {_number(t['value'])}",
        ]
        if t["value_hi"] is not None:
            lines.append(f"value_hi = {_number(t['value_hi'])}")
        lines += [f'unit = "{t["unit"]}"', f'direction = "{t["direction"]}"']
        if t["baseline"] is not None:
            lines.append(f"baseline = {_number(t['baseline'])}")
        lines += [
            "start = 2024-01-01",
            f"due = {t['due'].isoformat()}",
            f'quote = "{t["quote"]}"',
            f"offset = {t['offset']}",
            'owner = ""',
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def _figure(t: dict, month: int, pace: float, rng: random.Random) -> float:
    """A plausible figure for target t at the end of month `month` (1..10)."""
    v = t["value"]
    share_of_year = month / 12
    if t["kind"] == "flow" or (t["kind"] == "milestone" and v > 1):
        x = v * share_of_year * pace
    elif t["kind"] == "milestone":
        x = 1.0 if rng.random() < share_of_year * pace else 0.0
    elif t["kind"] == "level":
        base = t["baseline"] if t["baseline"] is not None else v * 0.9
        x = base + (v - base) * share_of_year * pace
    else:  # growth, share: hover around the target, a little below or above
        x = v * rng.uniform(0.85, 1.1) if t["direction"] == "up" else v * rng.uniform(0.9, 1.15)
        if t["kind"] == "share":
            x = min(x, 100.0)  # a rate never passes 100%
    if t["kind"] == "milestone":
        return float(round(x))
    return round(x, 2)


def write_actuals(targets: list[dict], m: int, rng: random.Random, path: Path) -> int:
    """M rows over the targets that report; returns the number of rows written."""
    reporting = [t for t in targets if rng.random() >= 0.125]  # the rest stay no_data
    if not reporting:
        reporting = targets[:1]
    per_target, extra = divmod(m, len(reporting))
    rows: list[tuple] = []
    for index, t in enumerate(reporting):
        count = per_target + (1 if index < extra else 0)
        if count == 0:
            continue
        pace = rng.uniform(0.6, 1.25)
        last_month = 10 if rng.random() < 0.02 else 9
        if rng.random() < 0.08:
            last_month = rng.randrange(2, 7)  # stopped reporting in spring: stale
        months = list(range(1, last_month + 1))
        sent: dict[int, float] = {}
        for k in range(count):
            # months in order, then earlier months sent again (the same figure: a duplicate)
            month = months[k] if k < len(months) else months[rng.randrange(len(months))]
            value = sent[month] if month in sent else _figure(t, month, pace, rng)
            sent[month] = value
            unit = ""
            roll = rng.random()
            if roll < 0.04 and t["unit"] in OTHER_MAGNITUDE:
                unit, factor = OTHER_MAGNITUDE[t["unit"]]
                cell = _number(value * factor)
            elif roll < 0.05:
                cell = _number(value) + t["unit"]
            else:
                cell = _number(value)
            source = "盟统计局月报" if rng.random() < 0.5 else ""
            rows.append((t["id"], cell, MONTH_ENDS[month - 1].isoformat(), unit, source))
    # the file is in the order figures arrive: by month, mixed across targets
    rows.sort(key=lambda r: (r[2], rng.random()))
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("target,value,as_of,unit,source\n")
        for row in rows:
            out.write(",".join(row) + "\n")
    return len(rows)


def generate(n: int, m: int, outdir: Path, seed: int = 2024) -> tuple[Path, Path, int]:
    """Write OUTDIR/targets.toml and OUTDIR/actuals.csv; returns (seed path, csv path, rows)."""
    rng = random.Random(f"xlgl-bench/{seed}/{n}/{m}")
    outdir.mkdir(parents=True, exist_ok=True)
    targets = make_targets(n, rng)
    seed_path, csv_path = outdir / "targets.toml", outdir / "actuals.csv"
    write_seed(targets, seed_path)
    rows = write_actuals(targets, m, rng, csv_path)
    return seed_path, csv_path, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="targets")
    parser.add_argument("m", type=int, help="actuals (CSV rows)")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    seed_path, csv_path, rows = generate(args.n, args.m, args.outdir, args.seed)
    print(f"{seed_path} ({args.n} targets), {csv_path} ({rows} rows)")


if __name__ == "__main__":
    main()
