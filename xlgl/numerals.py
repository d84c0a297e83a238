"""Reading a figure as written: Arabic and Chinese numerals, 百分之, the unit after the number, and
a figure for a target's unit (see xlgl.units for the rules)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from xlgl.unit_families import (
    MAGNITUDES,
    MAGNITUDES_LONGEST_FIRST,
    Unit,
    UnitError,
    convert_units,
    find_unit,
    known_unit,
    lookup_unit,
    normalise,
    quoted,
)

_PERCENT_POINTS = ("个百分点", "百分点")
_PERCENT_WORD = "百分之"
_MAX_LENGTH = 60  # characters in a figure; longer text is not a figure (and is not worth reading)
_LIMIT = Decimal(10) ** 15  # beyond this a float no longer holds every integer: surely a typo

# Chinese numerals
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_CHARS = set(_CN_DIGITS) | set(_CN_SMALL) | {"万", "亿", "点"}

_SIGNS = {"+": 1, "-": -1, "−": -1, "负": -1}
_PLAIN = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,15})?")
_ARABIC = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?")


class _Figure(NamedTuple):
    text: str  # the figure after normalisation
    number_text: str  # the part that is the number, magnitude included: '1.07亿', '两万五'
    value: Decimal  # the number, magnitude folded in
    unit: str  # the unit as written, '' if none
    spelled_magnitude: bool  # the number carries a 万/亿 (1.07亿, 两万) that could be the unit's


def _cn_section(s: str, leading: bool) -> int | None:
    """A Chinese numeral below 10000 (一千零五, 三十五, 两千), or None."""
    if s == "":
        return 0
    total, digit, last_place, zero_seen = 0, None, 10000, False
    for i, ch in enumerate(s):
        if ch in _CN_DIGITS:
            if digit is not None:
                return None  # two digits in a row
            digit = _CN_DIGITS[ch]
            if digit == 0:
                zero_seen, digit = True, None
        elif ch in _CN_SMALL:
            place = _CN_SMALL[ch]
            if place >= last_place:
                return None
            if digit is None:
                if not (i == 0 and (leading or ch == "十")):
                    return None  # a bare 千 or 百 only starts a numeral (千万); 十 also 一万零十五
                digit = 1
            total += digit * place
            digit, last_place, zero_seen = None, place, False
        else:
            return None
    if digit is not None:
        if last_place == 10000 or zero_seen or last_place == 10:
            total += digit  # units digit: 三十五, 一千零五
        else:
            total += digit * last_place // 10  # elided: 一千二 = 1200, 三百五 = 350
    return total


def _cn_integer(s: str, leading: bool = True) -> int | None:
    """A Chinese integer numeral with 万 and 亿 sections (两万, 一千二百万, 一万亿), or None."""
    for mark, size in (("亿", 10**8), ("万", 10**4)):
        if mark in s:
            head, _, tail = s.rpartition(mark)
            high = _cn_integer(head, leading) if head else None  # 万 alone is not a number
            if high is None or high == 0:
                return None
            if tail and tail[0] in _CN_DIGITS and len(tail) == 1 and tail != "零":
                low: int | None = _CN_DIGITS[tail] * size // 10  # elided: 两万五 = 25000
            else:
                low = _cn_integer(tail.removeprefix("零"), leading=False)
            if low is None or low >= size:
                return None
            return high * size + low
    return _cn_section(s, leading)


def _cn_number(s: str) -> Decimal | None:
    """A Chinese numeral, possibly with 点 and a trailing magnitude (一点零七亿), or None."""
    if not s or not set(s) <= _CN_CHARS:
        return None
    if "点" not in s:
        whole = _cn_integer(s)
        return None if whole is None else Decimal(whole)
    head, _, rest = s.partition("点")
    fraction = rest.rstrip("万亿")
    magnitude = rest[len(fraction) :]
    whole = _cn_integer(head) if head else None
    if whole is None or not fraction or magnitude not in ("", "万", "亿", "万亿"):
        return None
    if not all(c in _CN_DIGITS and c != "两" for c in fraction):
        return None
    digits = "".join(str(_CN_DIGITS[c]) for c in fraction)
    return Decimal(f"{whole}.{digits}") * MAGNITUDES.get(magnitude, Decimal(1))


def _read_arabic(body: str) -> tuple[str, Decimal, str] | None:
    """'1.5万吨' → ('1.5', 1.5, '万吨'); None when body does not start with a digit."""
    match = _ARABIC.match(body)
    if match is None:
        return None
    number = match.group(0)
    rest = body[match.end() :].strip()
    if rest and (rest[0].isdigit() or rest[0] in ".,"):
        raise UnitError(f"{quoted(body)}不是有效的数字（小数点或千位分隔符位置不对）")
    return number, Decimal(number.replace(",", "")), rest


def _read(text: str) -> _Figure:
    """Read a figure; the workhorse behind parse_figure and to_target_unit."""
    original = text
    text = normalise(text)
    if not text:
        raise UnitError("没有填写数值")
    if len(text) > _MAX_LENGTH:
        raise UnitError(f"{quoted(original)}不是数字（太长）")
    sign, body = 1, text
    if body[0] in _SIGNS:
        sign, body = _SIGNS[body[0]], body[1:].lstrip()
    if body.startswith(_PERCENT_WORD):  # 百分之九十五
        inner = _read(body[len(_PERCENT_WORD) :])
        if inner.unit or inner.spelled_magnitude:
            raise UnitError(f"{quoted(original)}无法识别：“百分之”后应只写数字")
        return _Figure(text, inner.number_text, sign * inner.value, "%", False)

    arabic = _read_arabic(body)
    if arabic is not None:
        number_text, value, rest = arabic
        unit, spelled = rest, False
        if lookup_unit(rest) is None:
            for magnitude in MAGNITUDES_LONGEST_FIRST:
                after = rest[len(magnitude) :].strip()
                if rest.startswith(magnitude) and lookup_unit(after) is not None:
                    value *= MAGNITUDES[magnitude]
                    number_text, unit, spelled = number_text + magnitude, after, True
                    break
        _check_unit(original, unit)
        return _Figure(text, number_text, sign * value, unit, spelled)

    span = next((i for i, c in enumerate(body) if c not in _CN_CHARS), len(body))
    for end in range(span, 0, -1):  # the longest Chinese numeral that leaves a known unit
        value_cn = _cn_number(body[:end])
        unit = body[end:].strip()
        if value_cn is not None and lookup_unit(unit) is not None:
            spelled = "万" in body[:end] or "亿" in body[:end]
            return _Figure(text, body[:end], sign * value_cn, unit, spelled)
    if span and _cn_number(body[:span]) is not None:
        _check_unit(original, body[span:].strip())  # a numeral with an unknown unit: say which
    raise UnitError(f"{quoted(original)}不是数字")


def _check_unit(original: str, unit: str) -> None:
    if unit in _PERCENT_POINTS or unit.endswith("百分点"):
        raise UnitError(f"{quoted(original)}是百分点，即两个比率之差，不能当作比率填写")
    if lookup_unit(unit) is None:
        raise UnitError(f"{quoted(original)}的单位{quoted(unit)}无法识别")


def parse_figure(text: str) -> tuple[Decimal, str]:
    """Read a figure as written: (number, unit as written after NFKC, '' if none).

    '1.07亿吨' → (1.07, '亿吨'); '1,278亿元' → (1278, '亿元'); '95％' → (95, '%');
    '1.5万' → (15000, ''); '三十五个' → (35, '个'); '12000万吨' → (12000, '万吨').
    UnitError for empty text, non-numbers (abc, nan, inf, 1.2.3), unknown units and 个百分点.
    """
    figure = _read(text)
    return figure.value, figure.unit


def _expected(target: Unit) -> str:
    """'目标单位是亿吨（质量），应写成 6.5 或 6.5亿吨' — the tail of every error for a target."""
    if target.family == "number":
        return "目标没有单位，应写成数字，如 6.5"
    return f"目标单位是{target.label}，应写成 6.5 或 6.5{target.written} 这样的数"


def to_target_unit(
    text: str,
    target_unit: str,
    *,
    allow_negative: bool = False,
    also_units: tuple[str, ...] | list[str] = (),
) -> Decimal:
    """Read text as a figure for a target whose unit is target_unit, expressed in that unit.

    `also_units` are units the report also writes this indicator in, one for one with the
    target's base unit (人次 for a 万人 target: 88万人次 reads as 88万人).

    A bare number is in the target's unit. A number with a spelled magnitude and no unit
    (1.07亿, 两万) is refused when the target's unit has a magnitude itself (亿吨: 1.07亿 could be
    1.07亿吨 or 1.07亿 亿吨), and read as the plain number otherwise (1.5万 人 → 15000).
    Negative values are refused unless allow_negative. UnitError with one line for the user.
    """
    if _PLAIN.fullmatch(text) and lookup_unit(target_unit) is not None:
        return Decimal(text)  # fast path for the bulk import: 1.07, 12000 in the target's unit
    target = find_unit(target_unit)
    if target is None:
        raise UnitError(f"目标单位{quoted(target_unit)}无法识别")
    try:
        figure = _read(text)
    except UnitError as exc:
        raise UnitError(f"{exc}；{_expected(target)}") from None

    if figure.unit == "":
        if figure.spelled_magnitude and target.magnitude:
            raise UnitError(
                f"{quoted(figure.text)}缺少单位：目标单位是{target.written}，"
                f"请写成 {figure.number_text}{target.base}"
            )
        value = figure.value
    elif target.family == "number":
        raise UnitError(f"{quoted(figure.text)}带有单位{figure.unit}，目标没有单位：请只写数字")
    else:
        given = known_unit(figure.unit)
        try:
            value = convert_units(figure.value, given, target)
        except UnitError:
            found = _one_for_one(figure.value, given, target, also_units)
            if found is None:
                raise UnitError(
                    f"{quoted(figure.text)}的单位是{given.label}，目标单位是{target.label}，不能换算"
                    + ("（1亩 = 666.66…平方米，不是有限小数）" if given.family == "mu" else "")
                ) from None
            value = found

    if value < 0 and not allow_negative:
        raise UnitError(
            f"{quoted(figure.text)}是负数：目标单位是{target.written or '无单位'}，不能为负"
        )
    if abs(value) >= _LIMIT:
        raise UnitError(
            f"{quoted(figure.text)}超出可记录的范围（以{target.written or '无单位'}计）"
        )
    return value if value != 0 else Decimal(0)


def _one_for_one(
    value: Decimal, given: Unit, target: Unit, also_units: tuple[str, ...] | list[str]
) -> Decimal | None:
    """`value` in `given` read one for one as the target's base unit, when `given` is of the
    family of one of the target's also_units; else None."""
    for also in also_units:
        unit = find_unit(also)
        if unit is not None and unit.family == given.family:
            return value * given.factor / target.factor
    return None
