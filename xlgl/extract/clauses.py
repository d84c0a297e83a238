"""Clauses and the words bound to a number.

A paragraph splits into clauses at ，。；：！？ (a comma between digits is a thousands separator).
A clause that states two or more figures splits again at 、 so that each segment holds its own
figure: 改造71个老旧小区、162套危旧房、80公里地下管网 is three segments, while 白音华、芒来两个电厂
完成基础工程 (one figure) stays whole. Segments without a figure join the next one.

The bound word of a figure (DESIGN.md, comparators) is read from the words right after its unit
(以上, 以内, 左右) and the words right before it in its own segment (不低于, 稳定在, 控制在).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BREAK = re.compile(r"[，。；：！？;!?\n]|,(?![0-9]{3})")
_AFTER_BOUND = re.compile(r"^\s*(及以上|以上|以内|以下|左右|上下)")
_AT_LEAST_BEFORE = ("不低于", "不少于", "突破", "超过", "至少", "高于", "多于")
_AT_MOST_BEFORE = ("不超过", "不高于", "控制在")
_STABLE_BEFORE = ("稳定在", "保持在")
_NEAR = 10  # characters before a figure in which a bound word counts


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    clause_start: int
    clause_end: int


def clauses(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, at = [], start
    for m in _BREAK.finditer(norm, start, end):
        if m.start() > at:
            spans.append((at, m.start()))
        at = m.end()
    if at < end:
        spans.append((at, end))
    return spans


def segments(norm: str, clause: tuple[int, int], figures: list[int]) -> list[Segment]:
    """Split a clause at 、 where it states several figures; `figures` are their offsets."""
    lo, hi = clause
    inside = [f for f in figures if lo <= f < hi]
    if len(inside) < 2:
        return [Segment(lo, hi, lo, hi)]
    pieces, at = [], lo
    for m in re.finditer("、", norm[lo:hi]):
        pieces.append((at, lo + m.start()))
        at = lo + m.end()
    pieces.append((at, hi))
    out: list[Segment] = []
    pending = None
    for a, b in pieces:
        a = pending if pending is not None else a
        if any(a <= f < b for f in inside):
            out.append(Segment(a, b, lo, hi))
            pending = None
        else:
            pending = a
    if pending is not None:
        if out:
            last = out.pop()
            out.append(Segment(last.start, hi, lo, hi))
        else:
            out.append(Segment(pending, hi, lo, hi))
    return out


def bound_after(after: str) -> str:
    """The bound word right after a figure's unit ('' if none)."""
    m = _AFTER_BOUND.match(after)
    return m.group(1) if m else ""


def comparator(before: str, after: str, is_range: bool) -> str:
    """The comparator a figure's bound words ask for (DESIGN.md, "Comparators")."""
    near, word = before[-_NEAR:], bound_after(after)
    if is_range:
        return "range"
    if word in ("以内", "以下") or any(w in near for w in _AT_MOST_BEFORE):
        return "at_most"
    if word in ("以上", "及以上") or any(w in near for w in _AT_LEAST_BEFORE):
        return "at_least"
    if word in ("左右", "上下"):
        return "approx"
    if any(w in near for w in _STABLE_BEFORE):
        return "stable"
    return "reach"
