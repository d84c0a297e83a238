"""The 台账 workbook: `xlgl export --format xlsx`.

Three sheets built from the same rows as `status` (render.status_dict) and `history`
(render.record_dict): 汇总 (counts per status and per section, overall completion — the
bulletin's numbers), 目标 (one row per target, the columns of `status --format json` with
Chinese headers, the report quote last), 记录 (the records up to the as-of date).

xlsxwriter is imported here only, so `xlgl --help` never pays for it. The file is written next
to its destination and renamed into place, so a scheduled run never leaves half a workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlgl.model import Record
from xlgl.progress import Evaluation
from xlgl.render import RECORD_FIELDS, STATUS_FIELDS, STATUS_STYLES, record_dict, status_dict
from xlgl.words import STATUS_LABELS, STATUSES

# Excel's own "good / neutral / bad" cell styles, by the rich colour of render.STATUS_STYLES.
FILLS = {
    "green": ("C6EFCE", "006100"),
    "yellow": ("FFEB9C", "9C5700"),
    "bold red": ("FFC7CE", "9C0006"),
    "bright_black": ("E7E6E6", "595959"),
}
STATUS_FILLS = {status: FILLS[style] for status, style in STATUS_STYLES.items()}

HEADERS = {
    "id": ("编号", 20),
    "section": ("章节", 12),
    "indicator": ("指标", 26),
    "target": ("目标", 16),
    "kind": ("类型", 9),
    "comparator": ("比较方式", 9),
    "value": ("目标值", 10),
    "value_hi": ("目标上限", 9),
    "unit": ("单位", 7),
    "direction": ("方向", 6),
    "baseline": ("2023年基数", 10),
    "start": ("起始日", 11),
    "due": ("时限", 11),
    "owner": ("牵头单位", 14),
    "latest": ("最新实绩", 10),
    "latest_as_of": ("实绩截至", 11),
    "completion": ("完成率", 9),
    "time_progress": ("时间进度", 9),
    "expected": ("应完成", 9),
    "expected_at_latest": ("实绩日应完成", 9),
    "status": ("状态", 8),
    "reasons": ("原因", 36),
    "reason_codes": ("原因代码", 14),
    "light": ("灯", 6),
    "met_on": ("完成日期", 11),
    "final": ("终评", 6),
    "next_report_due": ("下次应报", 11),
    "frequency": ("报送频次", 8),
    "lag_days": ("出数滞后天数", 8),
    "scale": ("项目规模", 9),
    "scale_unit": ("规模单位", 8),
    "report": ("报告", 12),
    "quote": ("报告原文", 50),
}
# The columns of `status --format json`, and the quote (wrapped) at the end.
TARGET_COLUMNS = [*STATUS_FIELDS, "quote"]

RECORD_HEADERS = {
    "id": ("记录号", 8),
    "uuid": ("UUID", 38),
    "target": ("目标编号", 20),
    "value": ("数值", 11),
    "unit": ("单位", 7),
    "as_of": ("截至", 11),
    "recorded_at": ("录入时间 (UTC)", 20),
    "by": ("录入人", 10),
    "source": ("来源", 36),
    "note": ("备注", 30),
    "voids": ("作废记录号", 10),
    "voided": ("已作废", 7),
    "report": ("报告", 12),
}

DATE_FIELDS = {"start", "due", "latest_as_of", "as_of", "met_on", "next_report_due"}
PERCENT_FIELDS = {"completion", "time_progress", "expected", "expected_at_latest"}
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
SHEETS = ("汇总", "目标", "记录")


def write_workbook(
    path: Path,
    rows: Sequence[Evaluation],
    records: Sequence[Record],
    as_of: date,
    *,
    title: str | None = None,
) -> None:
    """Write the workbook to `path` (atomically: a temp file renamed into place)."""
    from xlgl.files import replace_into

    with replace_into(path) as temp:
        _write(temp, rows, records, as_of, title)


def _write(
    path: Path,
    rows: Sequence[Evaluation],
    records: Sequence[Record],
    as_of: date,
    title: str | None,
) -> None:
    import xlsxwriter

    from xlgl import bulletin

    summary = bulletin.build(rows, as_of, title)
    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    book.set_properties(
        {"title": summary.title, "subject": f"截至 {as_of.isoformat()}", "author": "xlgl"}
    )
    font = {"font_name": "等线", "font_size": 10, "valign": "top"}
    f = _Formats(book, font)
    _summary_sheet(book.add_worksheet(SHEETS[0]), f, summary)
    _targets_sheet(book.add_worksheet(SHEETS[1]), f, rows, summary.title, as_of)
    _records_sheet(book.add_worksheet(SHEETS[2]), f, records)
    book.close()


class _Formats:
    def __init__(self, book: Any, font: dict[str, Any]):
        def fmt(**extra: Any) -> Any:
            return book.add_format(font | extra)

        self.text = fmt()
        self.wrap = fmt(text_wrap=True)
        self.number = fmt(num_format="General")
        self.percent = fmt(num_format=PERCENT_FORMAT)
        self.date = fmt(num_format=DATE_FORMAT, align="left")
        self.header = fmt(
            bold=True,
            bg_color="#1F4E78",
            font_color="#FFFFFF",
            text_wrap=True,
            valign="vcenter",
            border=1,
            border_color="#BFBFBF",
        )
        self.title = fmt(bold=True, font_size=16)
        self.subtitle = fmt(font_color="#595959")
        self.label = fmt(bold=True)
        self.big_percent = fmt(bold=True, font_size=14, num_format=PERCENT_FORMAT, align="left")
        self.status = {
            status: fmt(bg_color=f"#{fill}", font_color=f"#{ink}", bold=True, align="center")
            for status, (fill, ink) in STATUS_FILLS.items()
        }


def _summary_sheet(sheet: Any, f: _Formats, b: Any) -> None:
    from xlgl.bulletin import headline

    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 9, 11)
    sheet.write_string(0, 0, b.title, f.title)
    sheet.write_string(1, 0, headline(b), f.subtitle)
    sheet.write_string(3, 0, "截至", f.label)
    sheet.write_datetime(3, 1, _datetime(b.as_of), f.date)
    sheet.write_string(4, 0, "目标总数", f.label)
    sheet.write_number(4, 1, b.total, f.number)
    sheet.write_string(5, 0, "已报送", f.label)
    sheet.write_number(5, 1, b.reported, f.number)
    sheet.write_string(6, 0, "平均完成率", f.label)
    _write_fraction(sheet, 6, 1, b.completion, f.big_percent)
    sheet.write_string(7, 0, "平均时间进度", f.label)
    sheet.write_number(7, 1, b.time_progress, f.percent)

    row = 9
    sheet.write_row(row, 0, ["状态", "个数", "占比"], f.header)
    for status in STATUSES:
        row += 1
        sheet.write_string(row, 0, STATUS_LABELS[status], f.status[status])
        sheet.write_number(row, 1, b.counts[status], f.number)
        sheet.write_number(row, 2, b.counts[status] / b.total if b.total else 0, f.percent)
    row += 1
    sheet.write_string(row, 0, "合计", f.label)
    sheet.write_number(row, 1, b.total, f.number)

    row += 2
    header = [
        "章节",
        "目标数",
        *(STATUS_LABELS[s] for s in STATUSES),
        "已报送",
        "平均完成率",
        "平均时间进度",
    ]
    sheet.write_row(row, 0, header, f.header)
    for part in b.parts:
        row += 1
        sheet.write_string(row, 0, part.section, f.text)
        sheet.write_number(row, 1, part.total, f.number)
        for column, status in enumerate(STATUSES, 2):
            sheet.write_number(row, column, part.counts[status], f.number)
        after = 2 + len(STATUSES)
        sheet.write_number(row, after, part.reported, f.number)
        _write_fraction(sheet, row, after + 1, part.completion, f.percent)
        sheet.write_number(row, after + 2, part.time_progress, f.percent)
    sheet.write_string(row + 2, 0, "说明", f.label)
    from xlgl.bulletin import NOTE

    sheet.write_string(row + 3, 0, NOTE, f.subtitle)
    sheet.activate()


def _targets_sheet(
    sheet: Any, f: _Formats, rows: Sequence[Evaluation], title: str, as_of: date
) -> None:
    for column, name in enumerate(TARGET_COLUMNS):
        label, width = HEADERS[name]
        fmt = f.wrap if name in ("quote", "reasons", "indicator") else None
        sheet.set_column(column, column, width, fmt)
        sheet.write_string(0, column, label, f.header)
    sheet.set_row(0, 30)
    for number, row in enumerate(rows, 1):
        data = status_dict(row) | {"quote": row.target.quote}
        for column, name in enumerate(TARGET_COLUMNS):
            value = data[name]
            if name == "status":
                sheet.write_string(number, column, STATUS_LABELS[value], f.status[value])
            elif name in ("reasons", "reason_codes"):
                sheet.write_string(number, column, "；".join(value), f.wrap)
            elif name in ("quote", "indicator"):
                sheet.write_string(number, column, value, f.wrap)
            elif name in PERCENT_FIELDS:
                _write_fraction(sheet, number, column, value, f.percent)
            else:
                _write_value(sheet, number, column, name, value, f)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(1, len(rows)), len(TARGET_COLUMNS) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_header(f"&L{_header_text(title)}&R截至 {as_of.isoformat()}")
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _records_sheet(sheet: Any, f: _Formats, records: Sequence[Record]) -> None:
    for column, name in enumerate(RECORD_FIELDS):
        label, width = RECORD_HEADERS[name]
        sheet.set_column(column, column, width)
        sheet.write_string(0, column, label, f.header)
    for number, record in enumerate(records, 1):
        data = record_dict(record)
        for column, name in enumerate(RECORD_FIELDS):
            value = data[name]
            if name == "voided":
                sheet.write_string(number, column, "是" if value else "", f.text)
            else:
                _write_value(sheet, number, column, name, value, f)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, len(records)), len(RECORD_FIELDS) - 1)


def _write_value(sheet: Any, row: int, column: int, name: str, value: Any, f: _Formats) -> None:
    if value is None:
        sheet.write_blank(row, column, None, f.text)
    elif name in DATE_FIELDS:
        sheet.write_datetime(row, column, _datetime(date.fromisoformat(value)), f.date)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, f.text)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, f.number)
    else:
        sheet.write_string(row, column, str(value), f.text)


def _write_fraction(sheet: Any, row: int, column: int, value: float | None, fmt: Any) -> None:
    if value is None:
        sheet.write_blank(row, column, None, fmt)
    else:
        sheet.write_number(row, column, value, fmt)


def _datetime(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _header_text(text: str) -> str:
    return text.replace("&", "&&")
