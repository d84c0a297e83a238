"""Tests for xlgl.units: the report's own figures written the ways people write them."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlgl.units import (
    BASE_UNITS,
    MAGNITUDES,
    UnitError,
    convert,
    format_number,
    format_value,
    parse_figure,
    to_stored,
    to_target_unit,
    unit_family,
)

REPORT = Path(__file__).resolve().parent.parent / "seed" / "xilinguole-2024-work-report.txt"

D = Decimal


class Err:
    """An expected UnitError whose message contains `fragment`."""

    def __init__(self, fragment: str) -> None:
        self.fragment = fragment

    def __repr__(self) -> str:
        return f"Err({self.fragment!r})"


# (as typed, target unit, stored in the target unit or the error)
RECORD_CASES: list[tuple[str, str, Decimal | Err]] = [
    # 煤炭产量达到1.4亿吨左右, and the published figures of 2024 (0.8亿吨, 1.07亿吨)
    ("1.4亿吨", "亿吨", D("1.4")),
    ("14000万吨", "亿吨", D("1.4")),
    ("１．４亿吨", "亿吨", D("1.4")),
    ("1.4", "亿吨", D("1.4")),
    ("140,000,000吨", "亿吨", D("1.4")),
    ("一点四亿吨", "亿吨", D("1.4")),
    ("1.07亿吨", "亿吨", D("1.07")),
    ("10700万吨", "亿吨", D("1.07")),
    (" 1.07 亿吨 ", "亿吨", D("1.07")),
    ("0.8亿吨", "亿吨", D("0.8")),
    ("1.07亿元", "亿吨", Err("“1.07亿元”的单位是亿元（金额），目标单位是亿吨（质量），不能换算")),
    ("1.07亿", "亿吨", Err("“1.07亿”缺少单位：目标单位是亿吨，请写成 1.07亿吨")),
    ("10700万", "亿吨", Err("请写成 10700万吨")),
    ("1.4亿吨左右", "亿吨", Err("单位“亿吨左右”无法识别")),
    # 火电总装机 1700万千瓦, 新能源装机 2000万千瓦
    ("1700万千瓦", "万千瓦", D(1700)),
    ("1,700万千瓦", "万千瓦", D(1700)),
    ("0.17亿千瓦", "万千瓦", D(1700)),
    ("17000兆瓦", "万千瓦", D(1700)),
    ("2000万千瓦", "万千瓦", D(2000)),
    ("0.2亿千瓦", "万千瓦", D(2000)),
    ("两千万千瓦", "万千瓦", D(2000)),
    ("2000", "万千瓦", D(2000)),
    ("2000万", "万千瓦", Err("请写成 2000万千瓦")),
    ("2000万千瓦时", "万千瓦", Err("千瓦时（电量）")),
    # 年用电量50亿度
    ("50亿度", "亿度", D(50)),
    ("50亿千瓦时", "亿度", D(50)),
    ("500000万千瓦时", "亿度", D(50)),
    # 完成投资450亿元, 投入资金9000万元, 1,278亿元 as statistics write it
    ("450亿元", "亿元", D(450)),
    ("4,500,000万元", "亿元", D(450)),
    ("1,278亿元", "亿元", D(1278)),
    ("0.9亿元", "万元", D(9000)),
    ("九千万元", "万元", D(9000)),
    ("5.5亿元", "亿元", D("5.5")),
    # growth and share targets in %
    ("15%", "%", D(15)),
    ("15％", "%", D(15)),
    ("15", "%", D(15)),
    ("6.5", "%", D("6.5")),
    ("百分之九十五", "%", D(95)),
    ("95%", "%", D(95)),
    ("3个百分点", "%", Err("“3个百分点”是百分点，即两个比率之差")),
    ("-2.3%", "%", Err("“-2.3%”是负数")),
    ("75个", "%", Err("目标单位是%（百分比），不能换算")),
    # counting words: 2883个户厕, 188个项目, 12户企业, 1600户牧户, 93座基站, 1000场次 …
    ("2883个", "个", D(2883)),
    ("2,883个", "个", D(2883)),
    ("二千八百八十三个", "个", D(2883)),
    ("一百八十八个", "个", D(188)),
    ("三十五个", "个", D(35)),
    ("12户", "户", D(12)),
    ("十二户", "户", D(12)),
    ("5户", "个", Err("“5户”的单位是户（按户计），目标单位是个（按个计），不能换算")),
    ("12个", "户", Err("目标单位是户（按户计）")),
    ("1600户", "户", D(1600)),
    ("93座", "座", D(93)),
    ("1000场次", "场次", D(1000)),
    ("0.1万场次", "场次", D(1000)),
    ("1000枚", "枚", D(1000)),
    ("一千枚", "枚", D(1000)),
    ("-3", "个", Err("“-3”是负数：目标单位是个，不能为负")),
    ("1.5", "个", D("1.5")),
    # livestock: 50万只 羊, 1.8万头 牛, 450万羊单位, 20万剂 冻精
    ("50万只", "万只", D(50)),
    ("500000只", "万只", D(50)),
    ("50万头", "万只", Err("头（按头计）")),
    ("18000头", "万头", D("1.8")),
    ("1.8万", "万头", Err("请写成 1.8万头")),
    ("两万", "万头", Err("请写成 两万头")),
    ("450万羊单位", "万羊单位", D(450)),
    ("4500000羊单位", "万羊单位", D(450)),
    ("450万只", "万羊单位", Err("不能换算")),
    ("20万剂", "万剂", D(20)),
    # area: 208亩, 19.29万亩, 1.5万平方米
    ("208亩", "亩", D(208)),
    ("0.0208万亩", "亩", D(208)),
    ("192900亩", "万亩", D("19.29")),
    ("2公顷", "亩", D(30)),
    ("13.8公顷", "万亩", D("0.0207")),
    ("208亩", "平方米", Err("不是有限小数")),
    ("1.5万平方米", "万平方米", D("1.5")),
    ("15000平方米", "万平方米", D("1.5")),
    # mass: 20亿公斤 牧草
    ("20亿公斤", "亿公斤", D(20)),
    ("200万吨", "亿公斤", D(20)),
    ("40亿斤", "亿公斤", D(20)),
    # length: 430公里, 80公里
    ("430公里", "公里", D(430)),
    ("430000米", "公里", D(430)),
    ("430千米", "公里", D(430)),
    # people: 1万人, 7万人, 120万人, 5000人, 5000人次
    ("1万人", "万人", D(1)),
    ("10000人", "万人", D(1)),
    ("一万人", "万人", D(1)),
    ("1万", "万人", Err("请写成 1万人")),
    ("70000人", "万人", D(7)),
    ("1,200,000人", "万人", D(120)),
    ("1.5万", "人", D(15000)),
    ("两万", "人", D(20000)),
    ("一千二百", "人", D(1200)),
    ("5000人次", "人次", D(5000)),
    ("0.5万人次", "人次", D(5000)),
    ("5000人次", "人", Err("“5000人次”的单位是人次（按人次计），目标单位是人（人数），不能换算")),
    ("120万人次", "万人", Err("不能换算")),
    # dimensionless: an index
    ("3.12", "", D("3.12")),
    ("零点五", "", D("0.5")),
    ("3.12%", "", Err("目标没有单位")),
    # what is not a figure
    ("", "亿吨", Err("没有填写数值")),
    ("   ", "个", Err("没有填写数值")),
    ("abc", "亿吨", Err("“abc”不是数字")),
    ("nan", "%", Err("“nan”不是数字")),
    ("NaN", "个", Err("不是数字")),
    ("inf", "亿吨", Err("“inf”不是数字")),
    ("-Infinity", "%", Err("不是数字")),
    ("1e5", "个", Err("无法识别")),
    ("1.2.3", "亿吨", Err("“1.2.3”不是有效的数字")),
    ("12,78亿元", "亿元", Err("不是有效的数字")),
    ("1—2家", "家", Err("无法识别")),
    ("99999999亿元", "元", Err("超出可记录的范围")),
    ("1" * 100, "个", Err("太长")),
    ("1\n2", "个", Err("“1\\n2”")),
]


def _check(text: str, unit: str, expected: Decimal | Err, **kwargs: bool) -> None:
    if isinstance(expected, Err):
        with pytest.raises(UnitError) as info:
            to_target_unit(text, unit, **kwargs)
        message = str(info.value)
        assert expected.fragment in message
        assert "\n" not in message
    else:
        got = to_target_unit(text, unit, **kwargs)
        assert got == expected
        assert to_stored(got) == float(expected)


@pytest.mark.parametrize(("text", "unit", "expected"), RECORD_CASES)
def test_record_cases(text: str, unit: str, expected: Decimal | Err) -> None:
    _check(text, unit, expected)


def test_the_table_is_big_enough() -> None:
    assert len(RECORD_CASES) >= 40
    assert sum(isinstance(e, Err) for _, _, e in RECORD_CASES) >= 10


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("-2.3%", "%", D("-2.3")),
        ("－2.3％", "%", D("-2.3")),
        ("负2.3", "%", D("-2.3")),
        ("−0.5", "%", D("-0.5")),
        ("-0", "%", D(0)),
    ],
)
def test_negative_growth_when_allowed(text: str, unit: str, expected: Decimal) -> None:
    _check(text, unit, expected, allow_negative=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.07亿吨", (D("1.07"), "亿吨")),
        ("１．０７亿吨", (D("1.07"), "亿吨")),
        ("1,278亿元", (D(1278), "亿元")),
        ("95%", (D(95), "%")),
        ("95％", (D(95), "%")),
        ("一千二百", (D(1200), "")),
        ("两万", (D(20000), "")),
        ("1.5万", (D(15000), "")),
        ("零点五", (D("0.5"), "")),
        ("三十五个", (D(35), "个")),
        ("12000万吨", (D(12000), "万吨")),
        ("一千零五", (D(1005), "")),
        ("十五", (D(15), "")),
        ("两万五", (D(25000), "")),
        ("一亿二千万", (D(120000000), "")),
        ("一千二百万吨", (D(12000000), "吨")),
        ("千万千瓦", (D(10000000), "千瓦")),
        ("壹仟贰佰元", (D(1200), "元")),
        ("2万亿元", (D(2), "万亿元")),
        ("一万零十五", (D(10015), "")),
        ("五百千伏", (D(500), "千伏")),
        ("千万吨", (D(10**7), "吨")),
    ],
)
def test_parse_figure(text: str, expected: tuple[Decimal, str]) -> None:
    assert parse_figure(text) == expected


@pytest.mark.parametrize(
    "text", ["", "abc", "nan", "inf", "1.2.3", "3个百分点", "三个百分点", "5斤肉", "万", "亿吨"]
)
def test_parse_figure_refuses(text: str) -> None:
    with pytest.raises(UnitError):
        parse_figure(text)


@pytest.mark.parametrize(
    ("unit", "family"),
    [
        ("亿吨", "mass"),
        ("万千瓦", "power"),
        ("亿度", "energy"),
        ("万元", "money"),
        ("万平方米", "area"),
        ("万亩", "mu"),
        ("公里", "length"),
        ("万人", "people"),
        ("万人次", "person_times"),
        ("万羊单位", "sheep_unit"),
        ("%", "percent"),
        ("", "number"),
        ("个", "个"),
        ("万户", "户"),
        ("万头", "头"),
        ("万只", "只"),
        ("斤肉", None),
        ("万", None),
        ("万%", None),
    ],
)
def test_unit_family(unit: str, family: str | None) -> None:
    assert unit_family(unit) == family


def test_convert_examples() -> None:
    assert convert(D(12000), "万吨", "亿吨") == D("1.2")
    assert convert(D(1), "公顷", "亩") == D(15)
    with pytest.raises(UnitError, match="不能换算"):
        convert(D(1), "亩", "平方米")
    with pytest.raises(UnitError, match="不能换算"):
        convert(D(1), "户", "个")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1.07, "1.07"),
        (2000.0, "2000"),
        (75, "75"),
        (0.5, "0.5"),
        (1278, "1278"),
        (1.4000000000000001, "1.4"),
        (0.1 + 0.2, "0.3"),
        (D("12345.678949"), "12345.6789"),
        (D("0.00005"), "0"),
        (D("0.00015"), "0.0002"),
        (-0.00001, "0"),
        (1e20, "100000000000000000000"),
        (D("2E+3"), "2000"),
        (None, "—"),
    ],
)
def test_format_number(value: float | Decimal | int | None, shown: str) -> None:
    assert format_number(value) == shown


def test_format_value() -> None:
    assert format_value(1.07, "亿吨") == "1.07亿吨"
    assert format_value(2000, "万千瓦") == "2000万千瓦"
    assert format_value(75.0, "%") == "75%"
    assert format_value(2883, "个") == "2883个"
    assert format_value(None, "个") == "—"


def test_csv_row_and_command_line_store_the_same() -> None:
    assert to_stored(to_target_unit("10700万吨", "亿吨")) == to_stored(
        to_target_unit("1.07亿吨", "亿吨")
    )
    assert to_stored(to_target_unit("14000万吨", "亿吨")) == 1.4


# ---------------------------------------------------------------------------------------------
# Every unit word the report writes after a number is known
# ---------------------------------------------------------------------------------------------

# Words after a number that are not units of a figure: dates (2024年, 4月15日), ordinals
# (第34届), versions (1.0版), grades (5A级, 6-7级). Road numbers (国道303) and the 12345 hotline
# are names, not figures.
NOT_UNITS = ("年", "月", "日", "届", "版", "级", "A级")
NAMES = ("12345",)
_NUMBER = re.compile(r"(?<!国道)(?<![0-9.,])([0-9]+(?:[.,][0-9]+)*)(?:[—-][0-9]+)?")


def _figures_in_parts_two_and_three() -> list[tuple[str, str]]:
    text = unicodedata.normalize("NFKC", REPORT.read_text(encoding="utf-8"))
    text = text[text.index("二、2024年主要目标") :]  # part 二 runs on into part 三, the last one
    found = []
    for match in _NUMBER.finditer(text):
        number, rest = match.group(1), text[match.end() : match.end() + 8]
        if number in NAMES or rest.startswith(NOT_UNITS):
            continue
        unit = next((rest[:k] for k in range(len(rest), 0, -1) if unit_family(rest[:k])), None)
        found.append((number, unit if unit is not None else rest[:2]))
    return found


def test_every_unit_after_a_number_in_parts_two_and_three_is_known() -> None:
    figures = _figures_in_parts_two_and_three()
    unknown = sorted({rest for _, rest in figures if unit_family(rest) is None})
    assert unknown == []
    units = {unit for _, unit in figures}
    assert {"亿吨", "万千瓦", "万羊单位", "万亩", "亿公斤", "人次", "场次", "%", "户"} <= units
    assert len(figures) > 100


def test_every_figure_in_parts_two_and_three_reads_back() -> None:
    for number, unit in _figures_in_parts_two_and_three():
        assert to_target_unit(number + unit, unit) == Decimal(number.replace(",", ""))


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

_FAMILIES: dict[str, list[str]] = {}
for _base, (_family, _) in BASE_UNITS.items():
    _prefixes = [""] if _base == "%" else ["", *MAGNITUDES]
    _FAMILIES.setdefault(_family, []).extend(p + _base for p in _prefixes)
ALL_UNITS = sorted({u for units in _FAMILIES.values() for u in units} | {""})

# up to 4 decimals, below 10^9 in any unit
values = st.integers(min_value=0, max_value=10**13 - 1).map(lambda n: Decimal(n).scaleb(-4))
signed_values = st.integers(min_value=-(10**13) + 1, max_value=10**13 - 1).map(
    lambda n: Decimal(n).scaleb(-4)
)


@st.composite
def same_family(draw: st.DrawFn) -> tuple[str, str]:
    family = draw(st.sampled_from(sorted(_FAMILIES)))
    return draw(st.sampled_from(_FAMILIES[family])), draw(st.sampled_from(_FAMILIES[family]))


@given(values, st.sampled_from(ALL_UNITS))
def test_format_then_read_gives_the_same_value(value: Decimal, unit: str) -> None:
    assert to_target_unit(format_value(value, unit), unit) == value


@given(signed_values, st.sampled_from(ALL_UNITS))
def test_format_then_read_negative_when_allowed(value: Decimal, unit: str) -> None:
    assert to_target_unit(format_value(value, unit), unit, allow_negative=True) == value


@given(signed_values, same_family())
def test_conversion_inside_a_family_is_exact(value: Decimal, units: tuple[str, str]) -> None:
    u1, u2 = units
    assert convert(convert(value, u1, u2), u2, u1) == value


@given(values, same_family())
def test_a_figure_in_another_unit_of_the_family_reads_exactly(
    value: Decimal, units: tuple[str, str]
) -> None:
    u1, u2 = units
    expected = convert(value, u1, u2)
    if expected < 10**15:
        assert to_target_unit(format_value(value, u1), u2) == expected
    else:
        with pytest.raises(UnitError, match="超出可记录的范围"):
            to_target_unit(format_value(value, u1), u2)


@given(values)
def test_storing_a_converted_value_does_not_drift(value: Decimal) -> None:
    assert to_stored(convert(value, "万吨", "亿吨")) == to_stored(value / 10000)
    assert to_stored(to_target_unit(f"{format_number(value * 10000)}万吨", "亿吨")) == to_stored(
        value
    )


@given(values)
def test_a_stored_value_shows_as_typed(value: Decimal) -> None:
    assert format_number(to_stored(value)) == format_number(value)


@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False), signed_values, st.integers()))
def test_format_number_is_plain(value: float | Decimal | int) -> None:
    shown = format_number(value)
    assert "e" not in shown.lower()
    assert "," not in shown
    assert len(shown.partition(".")[2]) <= 4
    assert not shown.endswith(".")
    assert "." not in shown or not shown.endswith("0")


@given(st.text(max_size=20))
def test_any_text_is_read_or_refused_with_one_line(text: str) -> None:
    try:
        value, unit = parse_figure(text)
    except UnitError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert value.is_finite()
        assert unit_family(unit) is not None


_CN = "零一二三四五六七八九"


def _spell_group(n: int) -> str:
    out, zero = "", False
    for place, mark in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit == 0:
            zero = zero or bool(out)
        else:
            out += ("零" if zero else "") + _CN[digit] + mark
            zero = False
    return out


def _spell(n: int) -> str:
    """The formal Chinese numeral for 0 <= n < 10**12 (一亿零二百万零三十)."""
    if n == 0:
        return "零"
    out, zero = "", False
    for group, mark in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if group == 0:
            zero = zero or bool(out)
            continue
        if out and (zero or group < 1000):
            out += "零"
        out += _spell_group(group) + mark
        zero = False
    return out


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_numerals(n: int) -> None:
    assert parse_figure(_spell(n)) == (Decimal(n), "")
