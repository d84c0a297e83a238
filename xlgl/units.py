"""Numbers and units as the work report writes them: the one import for callers, and storing
and printing figures.

Every figure that enters or leaves the ledger passes through here: ``xlgl record``, the CSV
import, the seed loader and every table. Pure functions, standard library only. Reading lives in
xlgl.numerals, the unit tables and conversion in xlgl.unit_families; their public names are
imported from here.

Reading (:func:`parse_figure`, :func:`to_target_unit`; xlgl.numerals)
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

Units (:data:`BASE_UNITS`, :data:`MAGNITUDES`, :func:`convert`; xlgl.unit_families)
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

from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation, localcontext

from xlgl.numerals import parse_figure, to_target_unit
from xlgl.unit_families import (
    BASE_UNITS,
    MAGNITUDES,
    UnitError,
    convert,
    is_counting_unit,
    unit_family,
)

__all__ = [
    "BASE_UNITS",
    "MAGNITUDES",
    "UnitError",
    "convert",
    "format_number",
    "format_value",
    "is_counting_unit",
    "parse_figure",
    "to_stored",
    "to_target_unit",
    "unit_family",
]

_STORE_QUANTUM = Decimal("0.000001")
_SHOW_QUANTUM = Decimal("0.0001")
_EXACT = Context(prec=200, traps=[InvalidOperation])  # for rounding on purpose


def to_stored(value: Decimal) -> float:
    """The rounding rule: half-even to 6 decimals, then the nearest float.

    So 14000万吨 → 1.4 亿吨 stores float('1.4'), exactly the seed's 1.4.
    """
    try:
        return float(value.quantize(_STORE_QUANTUM, rounding=ROUND_HALF_EVEN, context=_EXACT))
    except InvalidOperation:  # more than 190 digits before the point: the decimals do not matter
        return float(value)


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
