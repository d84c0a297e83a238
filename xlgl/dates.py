"""Dates as people type them: 2024-09-30, 2024/9/30, 2024.9.30, 20240930, 2024年9月30日."""

import re
from datetime import date

from xlgl.errors import InputError

_DATE = re.compile(
    r"^\s*(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?\s*$|^\s*(\d{4})(\d{2})(\d{2})\s*$"
)


def parse_date(text: str) -> date:
    """Read a calendar date; raise InputError with a one-line reason otherwise."""
    match = _DATE.match(text.translate(_FULL_WIDTH)) if text else None
    if not match:
        raise InputError(f"无法识别的日期“{text}”：请写成 2024-09-30")
    year, month, day = (int(g) for g in match.groups() if g is not None)
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError(f"不存在的日期“{text}”") from None


_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")
