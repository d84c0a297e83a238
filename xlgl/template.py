"""The 报送表's layout, shared by writing it (template_write) and reading it back (template_read).

The workbook a department fills in, out (`xlgl export --template`) and back in
(`xlgl record --file X.xlsx`).

Out (template_write): one sheet 报送表, a title, the department and the deadline, then one row
per target with what the office knows (编号, 指标, 目标, 单位, 截至, 上次实绩, 上次截至) and the
cells the department fills (实绩, 进展情况, 存在问题, 下步措施, 佐证材料, 填报人). The sheet is protected without a password: only
截至 and the input cells are unlocked, so a liaison cannot overwrite an id by accident. 实绩 is
text on purpose (liaisons write units: 1.07亿吨); 截至 takes a date. A very hidden sheet `_xlgl`
carries what the import needs to match rows safely: the template version, the report key, and
for each data row its target id and row number.

In (template_read): `read_template` reads a filled file (python-calamine, cached values) into
`FilledRow`s; `filled_to_records` turns them into figures through the one figure check
(recording.FigureBook). Every problem in a file is collected and raised as one RowErrors naming
sheet and cell (报送表!H12), and the file goes in whole or not at all.

Pure over plain data, apart from the file itself: the store is the caller's. xlsxwriter and
python-calamine are imported inside the functions that use them, so `xlgl --help` pays for neither.
"""

from __future__ import annotations

import calendar
from datetime import date

VERSION = "1"
MARK = "xlgl-template"
SHEET = "报送表"
HIDDEN = "_xlgl"
FIRST_ROW = 4  # Excel's row number of the first target (title, department line, header above)

# (header, width in characters, unlocked for the department)
COLUMNS: tuple[tuple[str, int, bool], ...] = (
    ("编号", 18, False),
    ("指标", 22, False),
    ("目标", 14, False),
    ("单位", 7, False),
    ("截至", 11, True),
    ("上次实绩", 10, False),
    ("上次截至", 11, False),
    ("实绩", 12, True),
    ("进展情况", 30, True),
    ("存在问题", 22, True),
    ("下步措施", 22, True),
    ("佐证材料", 20, True),
    ("填报人", 9, True),
)
HEADERS = tuple(name for name, _, _ in COLUMNS)
COL = {name: index for index, name in enumerate(HEADERS)}
NARRATIVE = ("进展情况", "存在问题", "下步措施", "佐证材料")


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def letter(index: int) -> str:
    """0 → A, 7 → H (the template has fewer than 27 columns)."""
    return chr(ord("A") + index)
