"""Finding the numbers of a report: every figure as it stands, with its unit and its place.

A number is Arabic digits (half- or full-width) with an optional decimal part, thousands commas
and a range (1—2家, 6-7%, 6%-7%), or a Chinese numeral that is plainly a number: after 第, a run
of two or more numeral characters (十四五, 二十, 千万), or a single numeral followed by a measure
word or magnitude (两个, 一批, 三年, 百里). A single 双 or 半 before a measure word (半年) counts too.
A single numeral before anything else is part of a word (一体化, 统一, 新一轮) and not a number.

The unit after a number is read with xlgl.units (the longest known unit wins: 万千瓦 before 万,
人次 before 人); 个百分点 is its own unit. Values are read with units.parse_figure, so Chinese
numerals, magnitudes and full-width forms follow the one set of rules the ledger uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from xlgl.units import UnitError, parse_figure, unit_family

NUMERALS = "零〇一二两三四五六七八九十百千万亿"
MEASURE_WORDS = frozenset(
    "个家户处项座条所头只名套场次批件亿万千百倍年月日届部枚剂亩吨人位种类级期张台辆份篇本间栋块"
    "片段道里米元度岁周天列辆"
)
POINTS = ("个百分点", "百分点")
_MAX_UNIT = 6

# Full-width digits, letters and number signs → ASCII, one character for one, so offsets in the
# normalised text are the report's own offsets. Chinese punctuation (，（）：；) stays as it is.
_WIDTH = {
    code: code - 0xFEE0
    for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
} | {ord(c): ord(a) for c, a in zip("％．＋－～　", "%.+-~ ", strict=True)}

_DIGIT = "0-9"
_NUM = rf"[{_DIGIT}]+(?:,[{_DIGIT}]{{3}})*(?:\.[{_DIGIT}]+)?"
_ARABIC = re.compile(rf"(?<![{_DIGIT}.])(第?)({_NUM})(?:(%?)\s?([—–\-~～至])\s?({_NUM}))?")
_CHINESE = re.compile(rf"(?<![{_DIGIT}{NUMERALS}.])(?:(第)|(百分之))?([{NUMERALS}]+)")
_HALF_DOUBLE = re.compile(r"[双半]")


@dataclass(frozen=True)
class Number:
    """One number of the report. `start`/`end` span the number with 第 but without its unit;
    `unit_end` is where the unit (if any) ends. `value` is None for a numeral that is not a
    quantity (十四五)."""

    start: int
    end: int
    unit_end: int
    value: Decimal | None
    value_hi: Decimal | None
    unit: str  # as written after NFKC ('%' for ％), '' if none, '个百分点' for points
    chinese: bool
    ordinal: bool  # written with 第

    @property
    def unit_start(self) -> int:
        return self.end


def normalise(text: str) -> str:
    """Full-width ASCII folded to ASCII, offsets unchanged."""
    return text.translate(_WIDTH)


def read_unit(norm: str, at: int) -> str:
    """The unit written at `at` ('' if none): 个百分点 first, then the longest unit xlgl knows."""
    head = norm[at : at + _MAX_UNIT]
    for points in POINTS:
        if head.startswith(points):
            return points
    for size in range(len(head), 0, -1):
        piece = head[:size]
        if piece[0].isdigit():
            continue
        if unit_family(piece) is not None and piece.strip() == piece:
            if piece[-1] == "个" and head[size : size + 1] == "月":
                return ""  # 3个月 is a span of time, not a count of things
            return piece
    return ""


def _figure(number: str, unit: str) -> tuple[Decimal, str] | None:
    try:
        value, written = parse_figure(number + ("%" if unit in POINTS else unit))
    except UnitError:
        return None
    if unit in POINTS:
        return value, unit
    return (value, written) if written == unit.replace("％", "%") else None


def _in_units_of(value: Decimal, unit: str, chinese: bool) -> tuple[Decimal, str]:
    """A Chinese numeral with its magnitude spelled (千万千瓦 = 10⁷ 千瓦) is written back in 万
    or 亿 of the unit (1000 万千瓦), as the report's Arabic figures are."""
    if not chinese or not unit or unit_family(unit) in (None, "percent") or unit in POINTS:
        return value, unit
    if unit[0] in "万亿":
        return value, unit
    for mark, size in (("亿", Decimal(10) ** 8), ("万", Decimal(10) ** 4)):
        if value >= size and unit_family(mark + unit) is not None:
            return value / size, mark + unit
    return value, unit


def find_numbers(norm: str, start: int = 0, end: int | None = None) -> list[Number]:
    """Every number in norm[start:end], in order of place."""
    end = len(norm) if end is None else end
    found: list[Number] = []
    taken: list[tuple[int, int]] = []
    for m in _ARABIC.finditer(norm, start, end):
        ordinal, low, pct, _dash, high = m.groups()
        # without a range, a '%' read greedily is the unit: the number ends before it
        token_end = m.start(2) + len(low) if pct and not high else m.end()
        unit = read_unit(norm, token_end)
        value_hi = None
        figure = _figure(low.replace(",", ""), unit) if unit else None
        if figure is None:
            unit = ""
            figure = (Decimal(low.replace(",", "")), "")
        value, written = figure
        if high:
            value_hi = Decimal(high.replace(",", ""))
            if unit and written and written != unit:  # magnitude folded: fold the high end too
                high_figure = _figure(high.replace(",", ""), unit)
                value_hi = high_figure[0] if high_figure else value_hi
        if pct and high:
            written = "%"
        written = written if unit or pct else ""
        found.append(
            Number(
                m.start(),
                token_end,
                token_end + len(unit),
                value,
                value_hi,
                written,
                False,
                bool(ordinal),
            )
        )
        taken.append((m.start(), token_end + len(unit)))

    def inside(at: int) -> bool:
        return any(lo <= at < hi for lo, hi in taken)

    for m in _CHINESE.finditer(norm, start, end):
        ordinal, percent_word, run = m.groups()
        ordinal = ordinal or ""
        if inside(m.start()):
            continue
        after = norm[m.end() : m.end() + 1]
        if not (ordinal or percent_word or len(run) >= 2 or after in MEASURE_WORDS):
            continue
        found.append(_chinese(norm, m.start(), m.start(3), run, bool(ordinal), bool(percent_word)))
    for m in _HALF_DOUBLE.finditer(norm, start, end):
        after = norm[m.end() : m.end() + 1]
        if after in MEASURE_WORDS and after not in "亿万千百" and not inside(m.start()):
            value = Decimal("0.5") if m.group() == "半" else Decimal(2)
            unit = read_unit(norm, m.end())
            found.append(
                Number(m.start(), m.end(), m.end() + len(unit), value, None, unit, True, False)
            )
    found.sort(key=lambda n: n.start)
    return found


def _chinese(norm: str, start: int, run_at: int, run: str, ordinal: bool, pct: bool) -> Number:
    if pct:
        figure = _figure(run, "")
        if figure is not None:
            end = run_at + len(run)  # the number starts at its numeral; 百分之 is its unit
            return Number(run_at, end, end, figure[0], None, "%", True, False)
        start = run_at  # 百分之 before no numeral: the run stands alone
    for size in range(len(run), 0, -1):
        number = run[:size]
        unit = read_unit(norm, run_at + size)
        for written_unit in [unit, ""] if size == len(run) else [unit] if unit else []:
            figure = _figure(number, written_unit)
            if figure is not None:
                value, written = _in_units_of(figure[0], figure[1], True)
                end = run_at + size
                return Number(
                    start, end, end + len(written_unit), value, None, written, True, ordinal
                )
    end = run_at + len(run)
    return Number(start, end, end, None, None, "", True, ordinal)
