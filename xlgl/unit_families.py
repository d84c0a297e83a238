"""Units as the work report writes them: magnitude prefixes, base units in families, exact
conversion between units of a family (see xlgl.units for the rules)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation
from functools import lru_cache


class UnitError(ValueError):
    """A figure that cannot be read or does not fit the target's unit.

    ``str(e)`` is one line in Chinese, for the user: what was given and what was expected.
    """


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

_STRICT = Context(prec=200, traps=[InvalidOperation, Inexact])  # for arithmetic that must be exact

_CN_CAPITALS = str.maketrans(
    "壹贰叁肆伍陆柒捌玖拾佰仟萬億兩貳參陸", "一二三四五六七八九十百千万亿两二三六"
)


@dataclass(frozen=True)
class Unit:
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
MAGNITUDES_LONGEST_FIRST = sorted(MAGNITUDES, key=len, reverse=True)  # 万亿 before 万


@lru_cache(maxsize=1024)
def lookup_unit(unit: str) -> Unit | None:
    """Split a unit as written into magnitude and base unit, or None if it is not a unit."""
    if unit == "":
        return Unit("", "", "", "number", Decimal(1))
    for base in _BASES_LONGEST_FIRST:
        if not unit.endswith(base):
            continue
        magnitude = unit[: -len(base)]
        if magnitude and magnitude not in MAGNITUDES:
            continue
        if magnitude and base == "%":
            continue
        family, factor = BASE_UNITS[base]
        return Unit(unit, magnitude, base, family, factor * MAGNITUDES.get(magnitude, Decimal(1)))
    return None


@lru_cache(maxsize=1024)
def find_unit(unit: str) -> Unit | None:
    """A unit as a caller writes it (a target's unit, an argument): normalised, then looked up."""
    return lookup_unit(normalise(unit))


def known_unit(unit: str) -> Unit:
    """find_unit, or UnitError naming the unit."""
    found = find_unit(unit)
    if found is None:
        raise UnitError(f"无法识别的单位{quoted(unit)}")
    return found


def unit_family(unit: str) -> str | None:
    """The family of a unit as written, or None if unknown.

    '亿吨' → 'mass', '万千瓦' → 'power', '%' → 'percent', '万户' → '户' (a counting word is its own
    family), '' → 'number'.
    """
    found = find_unit(unit)
    return found.family if found else None


def _bridge(src: Unit, dst: Unit) -> Decimal:
    """Factor between the two families' reference units; UnitError when they do not convert."""
    if src.family == dst.family:
        return Decimal(1)
    if (src.family, dst.family) in _BRIDGES:
        return _BRIDGES[(src.family, dst.family)]
    raise UnitError(f"{src.label}与{dst.label}不能换算")


def convert_units(value: Decimal, src: Unit, dst: Unit) -> Decimal:
    """Exact conversion between two units already looked up; UnitError when they do not convert."""
    bridge = _bridge(src, dst)
    try:
        return _STRICT.divide(_STRICT.multiply(value, src.factor * bridge), dst.factor)
    except Inexact:  # factors are 2^a·5^b·10^c: cannot happen unless the tables change
        raise UnitError(f"{src.written}换算为{dst.written}不能精确表示") from None


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Exact conversion of value from one unit to another of the same family.

    convert(Decimal(12000), '万吨', '亿吨') == Decimal('1.2'). Metric area converts into 亩
    (one way only, see xlgl.units). UnitError across families or for unknown units.
    """
    return convert_units(value, known_unit(from_unit), known_unit(to_unit))


def is_counting_unit(unit: str) -> bool:
    """Whole things counted one by one (个, 户, 人, 人次 …, without 万): a pace or a shortfall in
    such a unit is a whole number."""
    found = find_unit(unit)
    if found is None or found.magnitude:
        return False
    return found.family in COUNTING_WORDS or found.family in ("people", "person_times")


def quoted(text: str) -> str:
    """Text quoted for a one-line message: control characters escaped, long text shortened."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return f"“{shown[:40]}…”" if len(shown) > 40 else f"“{shown}”"


def normalise(text: str) -> str:
    """NFKC (full-width digits and signs read as ASCII), financial numerals as plain ones, trimmed."""
    return unicodedata.normalize("NFKC", text).translate(_CN_CAPITALS).strip()
