"""Numbers and units as the work report writes them.

Every figure that enters or leaves the ledger passes through here: ``xlgl record``, the CSV
import, the seed loader and every table. Pure functions, standard library only.

Reading (:func:`parse_figure`, :func:`to_target_unit`)
    The text is NFKC-normalised first, so full-width digits and signs (１．０７亿吨, 95％, －3)
    read like ASCII. A figure is a number followed by an optional unit:

    * Arabic digits, optionally with thousands separators in groups of three (1,278) and a
      decimal part; a trailing magnitude without a base unit is folded into the number
      (1.5万 → 15000). A magnitude followed by a base unit stays with the unit
      (12000万吨 → 12000 万吨), as the report writes it.
    * Chinese numerals (一千二百, 两万, 三十五, 零点五, 一点零七亿; financial 壹贰叁 too). The
      longest numeral that leaves a known unit wins (一千二百万吨 → 12000000 吨, 五百千伏 → 500 千伏).
    * 百分之九十五 is 95 %. ``个百分点`` is a difference of two rates, never a value: refused.

    Decimals are exact (:class:`decimal.Decimal`); NaN, infinities, exponents are refused.

Units (:data:`BASE_UNITS`, :data:`MAGNITUDES`)
    A unit as written is a magnitude prefix (万, 亿, 千万 …) plus a base unit (吨, 千瓦, 人次 …).
    Each base unit belongs to a family and has an exact factor to the family's reference
    unit, so any two units of a family convert exactly (12000万吨 = 1.2亿吨). Families never
    mix, with one exception: metric area converts *into* 亩 exactly (1 平方米 = 0.0015 亩),
    but 亩 does not convert back (1 亩 = 666.66… 平方米 is not a finite decimal). Counting
    words (个, 户, 家 …) are each their own family: 5户 is not 5个. 人 (people) and 人次
    (person-times) are different families, and so are 头, 只 and 羊单位.

Storing and printing (:func:`to_stored`, :func:`format_number`, :func:`format_value`)
    Stored values are floats rounded half-even to 6 decimals first, so 14000万吨 stores exactly the
    float 1.4 that the seed holds. Printing rounds half-even to at most 4 decimals, drops trailing
    zeros, never uses an exponent or thousands separators: 1.07亿吨, 2000万千瓦, 75%.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, Inexact, InvalidOperation, localcontext
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "BASE_UNITS",
    "MAGNITUDES",
    "UnitError",
    "convert",
    "format_number",
    "format_value",
    "parse_figure",
    "to_stored",
    "to_target_unit",
    "unit_family",
]


class UnitError(ValueError):
    """A figure that cannot be read or does not fit the target's unit.

    ``str(e)`` is one line in Chinese, for the user: what was given and what was expected.
    """


# ---------------------------------------------------------------------------------------------
# Data tables
# ---------------------------------------------------------------------------------------------

#: Magnitude prefixes: written before a base unit (万吨) or after an Arabic number (1.5万).
MAGNITUDES: dict[str, Decimal] = {
    "十": Decimal(10),
    "百": Decimal(100),
    "千": Decimal(1000),
    "万": Decimal(10) ** 4,
    "十万": Decimal(10) ** 5,
    "百万": Decimal(10) ** 6,
    "千万": Decimal(10) ** 7,
    "亿": Decimal(10) ** 8,
    "十亿": Decimal(10) ** 9,
    "百亿": Decimal(10) ** 10,
    "千亿": Decimal(10) ** 11,
    "万亿": Decimal(10) ** 12,
}

#: Families of measured quantities: base unit → factor to the family's reference unit.
_MEASURES: dict[str, dict[str, Decimal]] = {
    "mass": {  # reference: 公斤
        "吨": Decimal(1000),
        "公斤": Decimal(1),
        "千克": Decimal(1),
        "克": Decimal("0.001"),
        "斤": Decimal("0.5"),
    },
    "power": {
        "瓦": Decimal("0.001"),
        "千瓦": Decimal(1),
        "兆瓦": Decimal(1000),
        "吉瓦": Decimal(10) ** 6,
    },
    "energy": {"千瓦时": Decimal(1), "度": Decimal(1), "兆瓦时": Decimal(1000)},
    "money": {"元": Decimal(1)},
    "area": {  # metric area, reference: 平方米
        "平方米": Decimal(1),
        "公顷": Decimal(10000),
        "平方公里": Decimal(10) ** 6,
        "平方千米": Decimal(10) ** 6,
    },
    "mu": {"亩": Decimal(1)},
    "length": {"米": Decimal(1), "公里": Decimal(1000), "千米": Decimal(1000), "里": Decimal(500)},
    "volume": {"立方米": Decimal(1), "升": Decimal("0.001")},
    "voltage": {"伏": Decimal(1), "千伏": Decimal(1000)},
    "people": {"人": Decimal(1)},
    "person_times": {"人次": Decimal(1)},
    "sheep_unit": {"羊单位": Decimal(1)},
}

#: Counting words (量词). Each is its own family, named by the word itself: 户 never mixes with 个.
COUNTING_WORDS: tuple[str, ...] = (
    "个", "家", "户", "处", "项", "座", "条", "所", "头", "只", "匹", "峰", "剂", "枚", "部",
    "场次", "场", "次", "套", "列", "名", "批", "件", "张", "辆", "台", "篇", "间", "栋", "位",
    "支", "口", "眼", "片", "架", "艘", "株", "棵", "本", "册", "份", "门", "节", "期",
)  # fmt: skip

#: Every base unit → (family, factor to the family's reference unit).
BASE_UNITS: dict[str, tuple[str, Decimal]] = {
    **{u: (fam, f) for fam, units in _MEASURES.items() for u, f in units.items()},
    **{w: (w, Decimal(1)) for w in COUNTING_WORDS},
}
BASE_UNITS["%"] = ("percent", Decimal(1))

#: One-way exact bridges between families: (from, to) → factor between reference units.
#: 1 平方米 = 0.0015 亩 exactly; the other way round is 666.66…, so there is no bridge back.
_BRIDGES: dict[tuple[str, str], Decimal] = {("area", "mu"): Decimal("0.0015")}

#: Family names for messages.
_FAMILY_NAMES: dict[str, str] = {
    "mass": "质量",
    "power": "功率",
    "energy": "电量",
    "money": "金额",
    "area": "公制面积",
    "mu": "亩制面积",
    "length": "长度",
    "volume": "体积",
    "voltage": "电压",
    "people": "人数",
    "person_times": "按人次计",
    "sheep_unit": "牲畜折合羊单位",
    "percent": "百分比",
    "number": "无单位",
}

_PERCENT_POINTS = ("个百分点", "百分点")
_PERCENT_WORD = "百分之"
_MAX_LENGTH = 60  # characters in a figure; longer text is not a figure (and is not worth reading)
_LIMIT = Decimal(10) ** 15  # beyond this a float no longer holds every integer: surely a typo
_STORE_QUANTUM = Decimal("0.000001")
_SHOW_QUANTUM = Decimal("0.0001")
_EXACT = Context(prec=200, traps=[InvalidOperation])  # for rounding on purpose
_STRICT = Context(prec=200, traps=[InvalidOperation, Inexact])  # for arithmetic that must be exact

# Chinese numerals
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_CAPITALS = str.maketrans(
    "壹贰叁肆伍陆柒捌玖拾佰仟萬億兩貳參陸", "一二三四五六七八九十百千万亿两二三六"
)
_CN_CHARS = set(_CN_DIGITS) | set(_CN_SMALL) | {"万", "亿", "点"}

_SIGNS = {"+": 1, "-": -1, "−": -1, "负": -1}
_PLAIN = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,15})?")
_ARABIC = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?")


# ---------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    written: str  # 万吨
    magnitude: str  # 万
    base: str  # 吨
    family: str  # mass
    factor: Decimal  # 万吨 in the family's reference unit

    @property
    def label(self) -> str:
        """'亿吨（质量）', '户（按户计）', '%（百分比）' — for messages."""
        if self.family == "number":
            return "无单位"
        return f"{self.written}（{_FAMILY_NAMES.get(self.family, f'按{self.family}计')}）"


_BASES_LONGEST_FIRST = sorted(BASE_UNITS, key=len, reverse=True)  # 千瓦 before 瓦, 人次 before 次
_MAGNITUDES_LONGEST_FIRST = sorted(MAGNITUDES, key=len, reverse=True)  # 万亿 before 万


@lru_cache(maxsize=1024)
def _lookup(unit: str) -> _Unit | None:
    """Split a unit as written into magnitude and base unit, or None if it is not a unit."""
    if unit == "":
        return _Unit("", "", "", "number", Decimal(1))
    for base in _BASES_LONGEST_FIRST:
        if not unit.endswith(base):
            continue
        magnitude = unit[: -len(base)]
        if magnitude and magnitude not in MAGNITUDES:
            continue
        if magnitude and base == "%":
            continue
        family, factor = BASE_UNITS[base]
        return _Unit(unit, magnitude, base, family, factor * MAGNITUDES.get(magnitude, Decimal(1)))
    return None


@lru_cache(maxsize=1024)
def _unit(unit: str) -> _Unit | None:
    """A unit as a caller writes it (a target's unit, an argument): normalised, then looked up."""
    return _lookup(_normalise(unit))


def _known(unit: str) -> _Unit:
    found = _unit(unit)
    if found is None:
        raise UnitError(f"无法识别的单位{_q(unit)}")
    return found


def unit_family(unit: str) -> str | None:
    """The family of a unit as written, or None if unknown.

    '亿吨' → 'mass', '万千瓦' → 'power', '%' → 'percent', '万户' → '户' (a counting word is its own
    family), '' → 'number'.
    """
    found = _unit(unit)
    return found.family if found else None


def _bridge(src: _Unit, dst: _Unit) -> Decimal:
    """Factor between the two families' reference units; UnitError when they do not convert."""
    if src.family == dst.family:
        return Decimal(1)
    if (src.family, dst.family) in _BRIDGES:
        return _BRIDGES[(src.family, dst.family)]
    raise UnitError(f"{src.label}与{dst.label}不能换算")


def _convert(value: Decimal, src: _Unit, dst: _Unit) -> Decimal:
    bridge = _bridge(src, dst)
    try:
        return _STRICT.divide(_STRICT.multiply(value, src.factor * bridge), dst.factor)
    except Inexact:  # factors are 2^a·5^b·10^c: cannot happen unless the tables change
        raise UnitError(f"{src.written}换算为{dst.written}不能精确表示") from None


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Exact conversion of value from one unit to another of the same family.

    convert(Decimal(12000), '万吨', '亿吨') == Decimal('1.2'). Metric area converts into 亩
    (one way only, see the module docstring). UnitError across families or for unknown units.
    """
    return _convert(value, _known(from_unit), _known(to_unit))


# ---------------------------------------------------------------------------------------------
# Reading numbers
# ---------------------------------------------------------------------------------------------


class _Figure(NamedTuple):
    text: str  # the figure after normalisation
    number_text: str  # the part that is the number, magnitude included: '1.07亿', '两万五'
    value: Decimal  # the number, magnitude folded in
    unit: str  # the unit as written, '' if none
    spelled_magnitude: bool  # the number carries a 万/亿 (1.07亿, 两万) that could be the unit's


def _q(text: str) -> str:
    """Text quoted for a one-line message: control characters escaped, long text shortened."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return f"“{shown[:40]}…”" if len(shown) > 40 else f"“{shown}”"


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_CN_CAPITALS).strip()


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
        raise UnitError(f"{_q(body)}不是有效的数字（小数点或千位分隔符位置不对）")
    return number, Decimal(number.replace(",", "")), rest


def _read(text: str) -> _Figure:
    """Read a figure; the workhorse behind parse_figure and to_target_unit."""
    original = text
    text = _normalise(text)
    if not text:
        raise UnitError("没有填写数值")
    if len(text) > _MAX_LENGTH:
        raise UnitError(f"{_q(original)}不是数字（太长）")
    sign, body = 1, text
    if body[0] in _SIGNS:
        sign, body = _SIGNS[body[0]], body[1:].lstrip()
    if body.startswith(_PERCENT_WORD):  # 百分之九十五
        inner = _read(body[len(_PERCENT_WORD) :])
        if inner.unit or inner.spelled_magnitude:
            raise UnitError(f"{_q(original)}无法识别：“百分之”后应只写数字")
        return _Figure(text, inner.number_text, sign * inner.value, "%", False)

    arabic = _read_arabic(body)
    if arabic is not None:
        number_text, value, rest = arabic
        unit, spelled = rest, False
        if _lookup(rest) is None:
            for magnitude in _MAGNITUDES_LONGEST_FIRST:
                after = rest[len(magnitude) :].strip()
                if rest.startswith(magnitude) and _lookup(after) is not None:
                    value *= MAGNITUDES[magnitude]
                    number_text, unit, spelled = number_text + magnitude, after, True
                    break
        _check_unit(original, unit)
        return _Figure(text, number_text, sign * value, unit, spelled)

    span = next((i for i, c in enumerate(body) if c not in _CN_CHARS), len(body))
    for end in range(span, 0, -1):  # the longest Chinese numeral that leaves a known unit
        value_cn = _cn_number(body[:end])
        unit = body[end:].strip()
        if value_cn is not None and _lookup(unit) is not None:
            spelled = "万" in body[:end] or "亿" in body[:end]
            return _Figure(text, body[:end], sign * value_cn, unit, spelled)
    if span and _cn_number(body[:span]) is not None:
        _check_unit(original, body[span:].strip())  # a numeral with an unknown unit: say which
    raise UnitError(f"{_q(original)}不是数字")


def _check_unit(original: str, unit: str) -> None:
    if unit in _PERCENT_POINTS or unit.endswith("百分点"):
        raise UnitError(f"{_q(original)}是百分点，即两个比率之差，不能当作比率填写")
    if _lookup(unit) is None:
        raise UnitError(f"{_q(original)}的单位{_q(unit)}无法识别")


def parse_figure(text: str) -> tuple[Decimal, str]:
    """Read a figure as written: (number, unit as written after NFKC, '' if none).

    '1.07亿吨' → (1.07, '亿吨'); '1,278亿元' → (1278, '亿元'); '95％' → (95, '%');
    '1.5万' → (15000, ''); '三十五个' → (35, '个'); '12000万吨' → (12000, '万吨').
    UnitError for empty text, non-numbers (abc, nan, inf, 1.2.3), unknown units and 个百分点.
    """
    figure = _read(text)
    return figure.value, figure.unit


# ---------------------------------------------------------------------------------------------
# Figures for a target
# ---------------------------------------------------------------------------------------------


def _expected(target: _Unit) -> str:
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
    if _PLAIN.fullmatch(text) and _lookup(target_unit) is not None:
        return Decimal(text)  # fast path for the bulk import: 1.07, 12000 in the target's unit
    target = _unit(target_unit)
    if target is None:
        raise UnitError(f"目标单位{_q(target_unit)}无法识别")
    try:
        figure = _read(text)
    except UnitError as exc:
        raise UnitError(f"{exc}；{_expected(target)}") from None

    if figure.unit == "":
        if figure.spelled_magnitude and target.magnitude:
            raise UnitError(
                f"{_q(figure.text)}缺少单位：目标单位是{target.written}，"
                f"请写成 {figure.number_text}{target.base}"
            )
        value = figure.value
    elif target.family == "number":
        raise UnitError(f"{_q(figure.text)}带有单位{figure.unit}，目标没有单位：请只写数字")
    else:
        given = _known(figure.unit)
        try:
            value = _convert(figure.value, given, target)
        except UnitError:
            found = _one_for_one(figure.value, given, target, also_units)
            if found is None:
                raise UnitError(
                    f"{_q(figure.text)}的单位是{given.label}，目标单位是{target.label}，不能换算"
                    + ("（1亩 = 666.66…平方米，不是有限小数）" if given.family == "mu" else "")
                ) from None
            value = found

    if value < 0 and not allow_negative:
        raise UnitError(
            f"{_q(figure.text)}是负数：目标单位是{target.written or '无单位'}，不能为负"
        )
    if abs(value) >= _LIMIT:
        raise UnitError(f"{_q(figure.text)}超出可记录的范围（以{target.written or '无单位'}计）")
    return value if value != 0 else Decimal(0)


def _one_for_one(
    value: Decimal, given: _Unit, target: _Unit, also_units: tuple[str, ...] | list[str]
) -> Decimal | None:
    """`value` in `given` read one for one as the target's base unit, when `given` is of the
    family of one of the target's also_units; else None."""
    for also in also_units:
        unit = _unit(also)
        if unit is not None and unit.family == given.family:
            return value * given.factor / target.factor
    return None


def to_stored(value: Decimal) -> float:
    """The rounding rule: half-even to 6 decimals, then the nearest float.

    So 14000万吨 → 1.4 亿吨 stores float('1.4'), exactly the seed's 1.4.
    """
    try:
        return float(value.quantize(_STORE_QUANTUM, rounding=ROUND_HALF_EVEN, context=_EXACT))
    except InvalidOperation:  # more than 190 digits before the point: the decimals do not matter
        return float(value)


# ---------------------------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------------------------


def format_number(value: float | Decimal | int | None) -> str:
    """'1.07', '2000', '0.5': at most 4 decimals (half-even), no trailing zeros, no exponent,
    no thousands separators; None → '—'. Never '1.4000000000000001'."""
    if value is None:
        return "—"
    # a float is read from its shortest repr, not its binary expansion
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:  # more than 4 decimals: round half-even
        with localcontext(prec=max(28, number.adjusted() + 6)):
            number = number.quantize(_SHOW_QUANTUM, rounding=ROUND_HALF_EVEN)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_value(value: float | Decimal | int | None, unit: str) -> str:
    """format_number with the unit: '1.07亿吨', '2000万千瓦', '75%', '2883个'; None → '—'."""
    if value is None:
        return "—"
    return format_number(value) + unit


def is_counting_unit(unit: str) -> bool:
    """Whole things counted one by one (个, 户, 人, 人次 …, without 万): a pace or a shortfall in
    such a unit is a whole number."""
    found = _unit(unit)
    if found is None or found.magnitude:
        return False
    return found.family in COUNTING_WORDS or found.family in ("people", "person_times")
