"""Dates as people write them.

A day: 2024-09-30, 2024/9/30, 2024.9.30, 20240930, 2024年9月30日.
A period, read as its last day (the date a figure for it refers to):
- a month: 2024年9月, 2024-09, 2024/9, 9月底, 9月末, 1-9月, 1—9月 (the month's last day);
- a quarter: 2024年三季度, 2024Q3, 三季度, 第三季度, 前三季度 (the quarter's last day);
- a half or the year: 上半年 (06-30), 下半年, 全年, 年底, 年末 (12-31).
Full-width digits and punctuation are read as their ASCII forms. A period without its year takes
`year` (the year of the as-of date, or of the target); without either it is an error.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from xlgl.errors import InputError

_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．　ＱｑＨｈ～", "0123456789-/. QqHh~")
_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_DASHES = "-—–~～至到"

_DAY = re.compile(
    r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$|^(\d{4})(\d{2})(\d{2})$"
)
_YEAR = r"(?:(\d{4})\s*年?\s*(?:度\s*)?)?"
_MONTH = re.compile(
    r"^(?:(\d{4})\s*(?:[-/.]|年)\s*)?"  # 2024年 / 2024- (optional)
    rf"(?:1\s*[{_DASHES}]\s*)?"  # 1-9月: the months so far
    r"(\d{1,2})\s*(?:月\s*(?:份|底|末|末尾)?)?$"
)
_QUARTER = re.compile(
    rf"^{_YEAR}(?:前|第)?\s*([一二三四1234])\s*(?:季度|季)(?:末|底)?$|^(\d{{4}})\s*[-\s]?[Qq]([1-4])$"
)
_HALF = re.compile(rf"^{_YEAR}(上半年|下半年|全年|年底|年末|年中)$|^(\d{{4}})\s*[-\s]?[Hh]([12])$")


def parse_date(text: str, *, year: int | None = None) -> date:
    """The date `text` names (see the module's docstring); `year` completes a period written
    without one. Raises InputError with a one-line reason otherwise."""
    written = (text or "").translate(_FULL_WIDTH).strip()
    if not written:
        raise InputError("日期不能为空：请写成 2024-09-30")
    match = _DAY.match(written)
    if match:
        y, m, d = (int(g) for g in match.groups() if g is not None)
        return _day(y, m, d, text)
    match = _QUARTER.match(written)
    if match:
        given, quarter = (match[1], match[2]) if match[2] else (match[3], match[4])
        return _month_end(_year(given, year, text), _NUMERALS[quarter] * 3, text)
    match = _HALF.match(written)
    if match:
        if match[2]:
            given, month = match[1], 6 if match[2] in ("上半年", "年中") else 12
        else:
            given, month = match[3], 6 if match[4] == "1" else 12
        return _month_end(_year(given, year, text), month, text)
    match = _MONTH.match(written)
    if match and (match[1] or "月" in written):
        return _month_end(_year(match[1], year, text), int(match[2]), text)
    raise InputError(f"无法识别的日期“{text}”：请写成 2024-09-30、2024年9月 或 2024年三季度")


def _year(given: str | None, default: int | None, text: str) -> int:
    if given:
        return int(given)
    if default is None:
        raise InputError(f"日期“{text}”没有年份：请写成 2024年{text.strip()}")
    return default


def _day(y: int, m: int, d: int, text: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise InputError(f"不存在的日期“{text}”") from None


def _month_end(y: int, m: int, text: str) -> date:
    if not 1 <= m <= 12 or not 1 <= y <= 9999:
        raise InputError(f"不存在的日期“{text}”")
    return date(y, m, calendar.monthrange(y, m)[1])
