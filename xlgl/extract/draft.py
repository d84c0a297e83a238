"""From a report's text to a draft seed: every number of the plan part a target or an exclusion.

`extract_report` walks the plan part paragraph by paragraph, clause by clause (clauses.py), asks
classify.py whether each number is not a target and why, and builds a candidate from each of the
others with the fields of fields.py. Two places stating the same target (城镇新增就业1万人以上 in
the headline goals and again in a chapter) become one target with both places.

Ids are `t001`, `t002` … in the order of the targets in the report: stable for the same text, short,
ASCII. Once a reviewed seed is published, keep its ids (DESIGN.md): rename, never renumber.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from xlgl.extract import fields
from xlgl.extract.classify import exclusion_reason
from xlgl.extract.clauses import bound_after, clauses, comparator, segments
from xlgl.extract.layout import Layout, find_layout
from xlgl.extract.numbers import Number, find_numbers, normalise

_SPLIT_ITEMS = re.compile(r"[、和及与]")
_GROWTH_ONLY = re.compile(r"^(同比|比上年|较上年)?(增长|增速|下降|提高)$")
REVIEW_BELOW = 0.7
_UNKNOWN_UNIT = re.compile(r"[^，。；、：0-9]{1,6}?(以内|以上|以下|左右)")


@dataclass
class Draft:
    report: dict[str, Any]
    targets: list[dict[str, Any]] = field(default_factory=list)
    exclusions: list[dict[str, Any]] = field(default_factory=list)


def _plain(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _key(source: str, year: int) -> str:
    stem = PurePath(source).stem.lower()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    if not slug:
        return f"report-{year}"
    return slug if str(year) in slug else f"{slug}-{year}"


def extract_report(text: str, *, source: str) -> Draft:
    """Draft a seed from the plain text of a government work report."""
    norm = normalise(text)
    layout = find_layout(norm, source)
    report = {
        "title": layout.title or f"{layout.year}年政府工作报告",
        "year": layout.year,
        "key": _key(source, layout.year),
        "source": PurePath(source).name,
    }
    draft = Draft(report)
    baselines = _baselines(norm, layout)
    numbers = find_numbers(norm, layout.plan_start)
    starts = [n.start for n in numbers]
    raw: list[dict[str, Any]] = []
    for paragraph in layout.paragraphs:
        lo = bisect.bisect_left(starts, paragraph.start)
        hi = bisect.bisect_left(starts, paragraph.end)
        if lo == hi:
            continue
        in_paragraph = numbers[lo:hi]
        previous: dict[str, Any] | None = None
        for clause in clauses(norm, paragraph.start, paragraph.end):
            inside = [n for n in in_paragraph if clause[0] <= n.start < clause[1]]
            if not inside:
                continue
            figures = [n.start for n in inside if n.unit]
            for segment in segments(norm, clause, figures):
                seg_numbers = [n for n in inside if segment.start <= n.start < segment.end]
                kept = []
                for i, n in enumerate(seg_numbers):
                    later = any(m.unit for m in seg_numbers[i + 1 :])
                    reason = exclusion_reason(norm, n, clause, paragraph.start, later)
                    if reason:
                        draft.exclusions.append(
                            {"quote": text[clause[0] : clause[1]], "offset": n.start,
                             "number": text[n.start : n.unit_end], "reason": reason}
                        )  # fmt: skip
                    else:
                        kept.append(n)
                for index in range(len(kept)):
                    made = _candidates(text, norm, layout, paragraph, clause, segment,
                                       kept, index, baselines, previous)  # fmt: skip
                    raw.extend(made)
                    previous = made[-1]
    draft.targets = _merge(raw)
    return draft


def _baselines(norm: str, layout: Layout) -> fields.Baselines:
    entries = []
    for n in find_numbers(norm, 0, layout.plan_start):
        if n.unit and n.value is not None and n.value_hi is None and not n.unit.endswith("百分点"):
            lo = max(norm.rfind(c, 0, n.start) for c in "，。；：\n") + 1
            entries.append((norm[max(lo, n.start - 14) : n.start], n.unit, n.value))
    return fields.Baselines(entries)


def _candidates(
    text: str, norm: str, layout: Layout, paragraph: Any, clause: tuple[int, int],
    segment: Any, seg_numbers: list[Number], index: int, baselines: fields.Baselines,
    previous: dict[str, Any] | None,
) -> list[dict[str, Any]]:  # fmt: skip
    n = seg_numbers[index]
    prev_end = segment.start
    if index:
        p = seg_numbers[index - 1]
        prev_end = p.unit_end + len(bound_after(norm[p.unit_end : p.unit_end + 4]))
    next_start = seg_numbers[index + 1].start if index + 1 < len(seg_numbers) else segment.end
    before = norm[prev_end : n.start]
    bound = bound_after(norm[n.unit_end : n.unit_end + 4])
    after = norm[n.unit_end + len(bound) : next_start]
    clause_text = norm[clause[0] : clause[1]]
    unit = n.unit
    confidence = 0.9
    if unit.endswith("百分点"):
        unit, confidence = "%", 0.5
    elif not unit:  # a unit xlgl does not know (℃, 微克每立方米): a person says what it is
        confidence = 0.5
    unit_end = n.unit_end
    # 12分钟以内, 1个工作日以内: words of a unit xlgl does not know stand before the bound word
    unknown = _UNKNOWN_UNIT.match(norm, unit_end, min(unit_end + 10, clause[1] + 1))
    if unknown and (n.unit == "" or unknown.end() + 1 >= clause[1]):
        unit_end = unknown.start(1)
    comp = comparator(before, norm[unit_end : unit_end + 4], n.value_hi is not None)
    kind = fields.kind(n.unit, before, clause_text, after)
    counted = n.unit in fields.COUNTING and not before.rstrip().endswith("各")
    name = fields.indicator(before.rstrip().removesuffix("各"), after, counted)

    quote_start = prev_end
    quote_end = n.unit_end + len(bound)
    if index + 1 == len(seg_numbers):
        quote_end = segment.end
    elif len(fields.indicator(before, "")) < 2:
        quote_end = next_start
    if index and not before.strip(" 和及与、"):  # 分别增长5.5%和7%: the same subject
        name = f"{previous['indicator']}（{n.value}{unit}）" if previous else name
        quote_start = previous["offset"] if previous else quote_start
    elif _GROWTH_ONLY.match(name) and previous is not None:
        name = previous["indicator"] + name[-2:]
        quote_start = previous["offset"]
        confidence -= 0.1
    if n.chinese:
        confidence -= 0.2
    if len(name) < 3:
        confidence -= 0.2
    if "每" in before:
        confidence -= 0.1

    while quote_start < quote_end and norm[quote_start] in " 　，、和及与":
        quote_start += 1
    while quote_end > quote_start and norm[quote_end - 1] in " 　":
        quote_end -= 1
    value, value_hi = _plain(n.value), _plain(n.value_hi)
    base = {
        "year": layout.year,
        "section": paragraph.section,
        "topic": paragraph.topic,
        "indicator": name,
        "kind": kind,
        "comparator": comp,
        "value": value,
        "value_hi": value_hi,
        "unit": unit,
        "direction": "down" if comp == "at_most" else "up",
        "baseline": None,
        "start": date(layout.year, 1, 1),
        "due": fields.due(clause_text, layout.year),
        "quote": text[quote_start:quote_end],
        "offset": quote_start,
        "owner": "",
    }
    if kind not in ("milestone",):
        found = baselines.find(name, unit, kind == "growth", kind == "level")
        base["baseline"] = _plain(found)
    items: list[str] = [name]
    if kind == "milestone" and fields.is_scaled(n.unit, after):
        base.update(scale=value, scale_unit=unit, value=1, value_hi=None, unit="个",
                    comparator="reach", direction="up")  # fmt: skip
        confidence -= 0.1
        subject = fields.indicator(before, "")
        noun = re.split(r"[，。；、0-9（(]", after, maxsplit=1)[0][:10]
        parts = [p for p in _SPLIT_ITEMS.split(subject) if p] if "、" in subject else []
        items = [p + noun for p in parts] if len(parts) >= 2 else [(subject + noun)[-24:]]
    elif before.rstrip().endswith("各"):
        parts = [p for p in _SPLIT_ITEMS.split(name) if p]
        if len(parts) >= 2:
            items = parts
            confidence -= 0.1
    frequency, lag = fields.frequency(kind, name)
    out = []
    for item in items:
        target = dict(base, indicator=item, frequency=frequency, lag_days=lag)
        target["confidence"] = round(max(0.1, min(confidence, 0.95)), 2)
        target["review"] = target["confidence"] < REVIEW_BELOW
        out.append(target)
    return out


def _merge(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One target per thing measured: a repeat (same indicator, value, unit, comparator) is
    recorded as another place of the first. Then ids in order, and indicators made unique."""
    merged: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for target in raw:
        key = (target["indicator"], target["value"], target["unit"], target["comparator"],
               target.get("scale"))  # fmt: skip
        first = seen.get(key)
        if first is not None and first["offset"] != target["offset"]:
            first.setdefault("also", []).append(
                {"section": target["section"], "quote": target["quote"], "offset": target["offset"]}
            )
            continue
        seen[key] = target
        merged.append(target)
    used: dict[str, int] = {}
    for number, target in enumerate(merged, start=1):
        target["id"] = f"t{number:03d}"
        name = target["indicator"]
        used[name] = used.get(name, 0) + 1
        if used[name] > 1:
            target["indicator"] = f"{name}（{used[name]}）"
    return [_ordered(t) for t in merged]


_ORDER = ("id", "year", "section", "topic", "indicator", "kind", "comparator", "value",
          "value_hi", "unit", "direction", "baseline", "start", "due", "quote", "offset", "owner",
          "frequency", "lag_days", "scale", "scale_unit", "also", "confidence", "review")  # fmt: skip


def _ordered(target: dict[str, Any]) -> dict[str, Any]:
    return {k: target[k] for k in _ORDER if k in target}
