"""The 台账 workbook: `xlgl export -o 台账.xlsx`.

Three sheets built from the same rows as `status` (render.status_dict) and `history`
(render.record_dict), in Chinese throughout (statuses, kinds, comparators from words.py):
- 汇总: the bulletin's numbers (bulletin.build) — counts per status, both averages, each section
  and each department — on one landscape A4 page;
- 目标: one row per target. The columns a reader needs come first and are the print area
  (landscape A4, one page wide in 9 pt at 100%, the header row on every page, a page break
  before each section, row heights set so wrapped text is not cut off); the target's raw fields
  (value, unit, baseline …) and the report quote follow, on screen only;
- 记录: the records up to the as-of date, with the indicator, and the time recorded in local time
  to the minute (`history --format json` keeps UTC).

A text longer than Excel's cell limit (32,767 characters) is shortened with a visible
“……（已截断，全文见 xlgl show）”; `write_workbook` returns one note per shortened cell for the
command to print. Status colours come from the status's tone (words.STATUS_TONES).

xlsxwriter is imported here only, so `xlgl --help` never pays for it. The file is written next
to its destination and renamed into place (files.replace_into): never half a workbook.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlgl import words
from xlgl.model import Record
from xlgl.progress import Evaluation
from xlgl.render import record_dict, status_dict
from xlgl.render_words import target_text

# Excel's own "good / neutral / bad" cell styles, by tone (fill, ink).
TONE_FILLS = {
    "bad": ("FFC7CE", "9C0006"),
    "warn": ("FFEB9C", "9C5700"),
    "good": ("C6EFCE", "006100"),
    "late_good": ("E2EFDA", "375623"),
    "quiet": ("E7E6E6", "595959"),
}
STATUS_FILLS = {
    status: TONE_FILLS.get(words.STATUS_TONES.get(status, "quiet"), TONE_FILLS["quiet"])
    for status in words.STATUSES
}
DIRECTION_LABELS = {"up": "越高越好", "down": "越低越好"}

# (header, width, wrapped). The first PRINTED columns are the print area of 目标.
HEADERS: dict[str, tuple[str, float, bool]] = {
    "id": ("编号", 9.5, True),
    "section": ("章节", 5.5, True),
    "indicator": ("指标", 11.5, True),
    "target": ("目标", 10, True),
    "owner": ("牵头单位", 8, True),
    "due": ("时限", 9, False),
    "latest": ("最新实绩", 10.5, False),
    "latest_as_of": ("实绩截至", 9, False),
    "completion": ("完成率", 6, False),
    "time_progress": ("时间进度", 6, False),
    "status": ("状态", 7, False),
    "reasons": ("原因", 12.5, True),
    "co_owners": ("配合单位", 20, True),
    "leader": ("分管领导", 8, True),
    "contact": ("联系人", 18, True),
    "expected": ("应完成", 7, False),
    "kind": ("类型", 6, False),
    "comparator": ("比较方式", 8, False),
    "value": ("目标值", 10, False),
    "value_hi": ("目标上限", 9, False),
    "unit": ("单位", 7, False),
    "direction": ("方向", 9, False),
    "baseline": ("2023年基数", 10, False),
    "start": ("起始日", 11, False),
    "light": ("灯", 5, False),
    "reason_codes": ("原因代码", 12, False),
    "expected_at_latest": ("实绩日应完成", 8, False),
    "met_on": ("完成日期", 9, False),
    "final": ("终评", 5, False),
    "next_report_due": ("下次应报", 9, False),
    "frequency": ("报送周期", 7, False),
    "lag_days": ("出数滞后天数", 7, False),
    "scale": ("项目规模", 8, False),
    "scale_unit": ("规模单位", 7, False),
    "report": ("报告", 10, False),
    "quote": ("报告原文", 60, False),
}
TARGET_COLUMNS = list(HEADERS)
PRINTED = TARGET_COLUMNS.index("reasons") + 1

RECORD_HEADERS: dict[str, tuple[str, float, bool]] = {
    "id": ("记录号", 6, False),
    "target": ("目标编号", 10, True),
    "indicator": ("指标", 11.5, True),
    "value": ("数值", 8.5, False),
    "unit": ("单位", 5.5, False),
    "as_of": ("截至", 9, False),
    "recorded_at": ("录入时间", 13, False),
    "by": ("录入人", 7, True),
    "source": ("来源", 11, True),
    "note": ("备注", 12, True),
    "voids": ("作废记录号", 6, True),
    "voided": ("已作废", 5, False),
    "progress": ("进展情况", 20, True),
    "problems": ("存在问题", 16, True),
    "next_steps": ("下步措施", 16, True),
    "evidence": ("佐证材料", 16, True),
    "forced": ("强制录入", 6, False),
    "report": ("报告", 10, False),
    "uuid": ("UUID", 38, False),
}
RECORD_PRINTED = list(RECORD_HEADERS).index("voided") + 1

DATE_FIELDS = {"start", "due", "latest_as_of", "as_of", "met_on", "next_report_due"}
PERCENT_FIELDS = {"completion", "time_progress", "expected", "expected_at_latest"}
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
SHEETS = ("汇总", "目标", "记录")

FONT_SIZE = 9  # printed at 100%: the print areas are one landscape A4 page wide
LINE_HEIGHT = 13.5  # points a line of 9 pt CJK text takes (the fonts' line gap included)
CELL_LIMIT = 32767  # Excel's limit on the characters in a cell
SHORTENED = "……（已截断，全文见 xlgl show）"


def write_workbook(
    path: Path | str,
    rows: Sequence[Evaluation],
    records: Sequence[Record],
    as_of: date,
    *,
    title: str | None = None,
    **bulletin_options: Any,
) -> list[str]:
    """Write the workbook to `path` (atomically: a temp file renamed into place). Returns one
    note per text shortened to fit a cell. `bulletin_options` go to bulletin.build (office,
    issue_number, report_text: the section names of 汇总)."""
    from xlgl import bulletin
    from xlgl.files import replace_into, xlsx_book

    summary = bulletin.build(rows, as_of, title, **bulletin_options)
    with replace_into(path) as temp, xlsx_book(temp) as book:
        return _fill(book, rows, records, as_of, summary)


def _fill(
    book: Any, rows: Sequence[Evaluation], records: Sequence[Record], as_of: date, summary: Any
) -> list[str]:
    book.set_properties(
        {"title": summary.title, "subject": f"截至 {as_of.isoformat()}", "author": "xlgl"}
    )
    font = {"font_name": "等线", "font_size": FONT_SIZE, "valign": "top"}
    f = _Formats(book, font)
    _summary_sheet(book.add_worksheet(SHEETS[0]), f, summary)
    _targets_sheet(book.add_worksheet(SHEETS[1]), f, rows, summary.title, as_of)
    indicators = {row.target.id: row.target.indicator for row in rows}
    _records_sheet(book.add_worksheet(SHEETS[2]), f, records, indicators, summary.title)
    return f.notes


class _Formats:
    def __init__(self, book: Any, font: dict[str, Any]):
        def fmt(**extra: Any) -> Any:
            return book.add_format(font | extra)

        self.fmt = fmt
        self.notes: list[str] = []
        self.text = fmt()
        self.wrap = fmt(text_wrap=True)
        self.number = fmt(num_format="General")
        self.percent = fmt(num_format=PERCENT_FORMAT)
        self.date = fmt(num_format=DATE_FORMAT, align="left")
        self.time = fmt(num_format=TIME_FORMAT, align="left")
        self.header = fmt(
            bold=True,
            bg_color="#1F4E78",
            font_color="#FFFFFF",
            text_wrap=True,
            valign="vcenter",
            border=1,
            border_color="#BFBFBF",
        )
        self.title = fmt(bold=True, font_size=16, valign="vcenter")
        self.subtitle = fmt(font_color="#595959", text_wrap=True)
        self.label = fmt(bold=True)
        self.big_percent = fmt(bold=True, font_size=14, num_format=PERCENT_FORMAT, align="left")
        self.status = {
            status: fmt(bg_color=f"#{fill}", font_color=f"#{ink}", bold=True, align="center")
            for status, (fill, ink) in STATUS_FILLS.items()
        }
        self._units: dict[str, Any] = {}

    def in_unit(self, unit: str) -> Any:
        """A number shown with its unit (1.07亿吨), still a number in the cell."""
        if unit not in self._units:
            shown = unit.replace('"', "")
            number = f'General"{shown}"' if shown else "General"
            self._units[unit] = self.fmt(num_format=number, align="right")
        return self._units[unit]

    def status_format(self, status: str) -> Any:
        return self.status.get(status, self.text)


def _text(sheet: Any, f: _Formats, row: int, column: int, value: str, fmt: Any) -> None:
    """A string cell; a text over Excel's limit is shortened, visibly, and noted."""
    if len(value) > CELL_LIMIT:
        from xlsxwriter.utility import xl_rowcol_to_cell

        where = f"{sheet.get_name()}!{xl_rowcol_to_cell(row, column)}"
        f.notes.append(
            f"{where} 的文字有 {len(value)} 字，超过 Excel 单元格上限 {CELL_LIMIT} 字，"
            "工作簿中已截断；全文见 xlgl show"
        )
        value = value[: CELL_LIMIT - len(SHORTENED)] + SHORTENED
    sheet.write_string(row, column, value, fmt)


def _summary_sheet(sheet: Any, f: _Formats, b: Any) -> None:
    from xlgl.bulletin import NOTE, completion_line, headline

    shown = b.shown
    last = 3 + len(shown) + 2  # the widest table's last column
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, last, 9.5)
    sheet.set_row(0, 28)
    sheet.merge_range(0, 0, 0, last, b.title, f.title)
    sheet.set_row(1, LINE_HEIGHT * 2 + 2)
    sheet.merge_range(1, 0, 1, last, headline(b), f.subtitle)
    sheet.merge_range(2, 0, 2, last, completion_line(b), f.subtitle)
    facts: list[tuple[str, Any, Any]] = [
        ("截至", _datetime(b.as_of), f.date),
        ("目标总数", b.total, f.number),
        ("已报送", b.reported, f.number),
        ("全部目标平均完成率（未报送按0计）", b.completion_all, f.big_percent),
        ("已报送目标平均完成率", b.completion, f.big_percent),
        ("平均时间进度", b.time_progress, f.percent),
    ]
    row = 3
    for label, value, fmt in facts:
        row += 1
        sheet.write_string(row, 0, label, f.label)
        if isinstance(value, datetime):
            sheet.write_datetime(row, 1, value, fmt)
        else:
            _write_fraction(sheet, row, 1, value, fmt)

    row += 2
    sheet.write_row(row, 0, ["状态", "个数", "占比"], f.header)
    for status in words.STATUSES:
        row += 1
        sheet.write_string(row, 0, words.STATUS_LABELS[status], f.status_format(status))
        sheet.write_number(row, 1, b.counts[status], f.number)
        sheet.write_number(row, 2, b.counts[status] / b.total if b.total else 0, f.percent)
    row += 1
    sheet.write_string(row, 0, "合计", f.label)
    sheet.write_number(row, 1, b.total, f.number)

    row = _groups(sheet, f, row + 2, "章节", b.parts, shown)
    row = _groups(sheet, f, row + 2, "牵头单位", b.departments, shown)
    row += 2
    sheet.write_string(row, 0, "说明", f.label)
    sheet.set_row(row + 1, LINE_HEIGHT * 4)
    sheet.merge_range(row + 1, 0, row + 1, last, NOTE, f.subtitle)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.fit_to_pages(1, 1)
    sheet.print_area(0, 0, row + 1, last)
    sheet.activate()


def _groups(sheet: Any, f: _Formats, row: int, heading: str, groups: Any, shown: Any) -> int:
    header = [
        heading,
        "目标数",
        *(words.STATUS_LABELS[s] for s in shown),
        "已报送",
        "全部目标平均完成率",
        "已报送平均完成率",
    ]
    sheet.set_row(row, LINE_HEIGHT * 2 + 4)
    sheet.write_row(row, 0, header, f.header)
    for group in groups:
        row += 1
        sheet.set_row(row, _height([(group.label, 30)]))
        _text(sheet, f, row, 0, group.label, f.wrap)
        sheet.write_number(row, 1, group.total, f.number)
        for column, status in enumerate(shown, 2):
            sheet.write_number(row, column, group.counts.get(status, 0), f.number)
        column = 2 + len(shown)
        sheet.write_number(row, column, group.reported, f.number)
        sheet.write_number(row, column + 1, group.completion_all, f.percent)
        _write_fraction(sheet, row, column + 2, group.completion, f.percent)
    return row


def _targets_sheet(
    sheet: Any, f: _Formats, rows: Sequence[Evaluation], title: str, as_of: date
) -> None:
    for column, name in enumerate(TARGET_COLUMNS):
        label, width, wrapped = HEADERS[name]
        sheet.set_column(column, column, width, f.wrap if wrapped else None)
        sheet.write_string(0, column, label, f.header)
    sheet.set_row(0, LINE_HEIGHT * 2 + 4)
    breaks = []
    section = None
    for number, row in enumerate(rows, 1):
        target = row.target
        if section is not None and target.section != section:
            breaks.append(number)
        section = target.section
        data = status_dict(row) | {
            "quote": target.quote,
            "target": target_text(target),
            "co_owners": "、".join(target.co_owners) or None,
            "leader": target.leader,
            "contact": target.contact,
        }
        data["reasons"] = "；".join(data["reasons"])
        data["reason_codes"] = "；".join(data["reason_codes"])
        tall = [(str(data[n] or ""), HEADERS[n][1]) for n in TARGET_COLUMNS if HEADERS[n][2]]
        sheet.set_row(number, _height(tall))
        for column, name in enumerate(TARGET_COLUMNS):
            value = data[name]
            wrapped = HEADERS[name][2]
            if name == "status":
                label = words.STATUS_LABELS.get(value, value)
                sheet.write_string(number, column, label, f.status_format(value))
            elif name == "kind":
                sheet.write_string(number, column, words.KIND_LABELS.get(value, value), f.text)
            elif name == "comparator":
                label = words.COMPARATOR_LABELS.get(value, value)
                sheet.write_string(number, column, label, f.text)
            elif name == "direction":
                sheet.write_string(number, column, DIRECTION_LABELS.get(value, value), f.text)
            elif name == "light":
                sheet.write_string(number, column, words.LIGHT_LABELS.get(value, value), f.text)
            elif name == "frequency":
                label = words.FREQUENCY_LABELS.get(value, value)
                sheet.write_string(number, column, label, f.text)
            elif name == "latest" and value is not None:
                sheet.write_number(number, column, value, f.in_unit(target.unit))
            elif name in PERCENT_FIELDS:
                _write_fraction(sheet, number, column, value, f.percent)
            elif isinstance(value, str) and name not in DATE_FIELDS:
                _text(sheet, f, number, column, value, f.wrap if wrapped else f.text)
            else:
                _write_value(sheet, number, column, name, value, f)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(1, len(rows)), len(TARGET_COLUMNS) - 1)
    _print_setup(sheet, title, as_of, max(1, len(rows)), PRINTED - 1)
    sheet.set_h_pagebreaks(breaks)


def _records_sheet(
    sheet: Any,
    f: _Formats,
    records: Sequence[Record],
    indicators: dict[str, str],
    title: str,
) -> None:
    names = list(RECORD_HEADERS)
    for column, name in enumerate(names):
        label, width, wrapped = RECORD_HEADERS[name]
        sheet.set_column(column, column, width, f.wrap if wrapped else None)
        sheet.write_string(0, column, label, f.header)
    for number, record in enumerate(records, 1):
        data = record_dict(record) | {"indicator": indicators.get(record.target, "")}
        tall = [(str(data[n] or ""), RECORD_HEADERS[n][1]) for n in names if RECORD_HEADERS[n][2]]
        sheet.set_row(number, _height(tall))
        for column, name in enumerate(names):
            value = data[name]
            if name == "voided":
                sheet.write_string(number, column, "是" if value else "", f.text)
            elif name == "recorded_at":
                moment = _local_time(value)
                if moment is None:
                    sheet.write_string(number, column, str(value or ""), f.text)
                else:
                    sheet.write_datetime(number, column, moment, f.time)
            elif isinstance(value, str) and name not in DATE_FIELDS:
                fmt = f.wrap if RECORD_HEADERS[name][2] else f.text
                _text(sheet, f, number, column, value, fmt)
            else:
                _write_value(sheet, number, column, name, value, f)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, len(records)), len(names) - 1)
    _print_setup(sheet, title, None, max(1, len(records)), RECORD_PRINTED - 1)


def _print_setup(sheet: Any, title: str, as_of: date | None, last_row: int, last: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.25, right=0.25, top=0.6, bottom=0.6)
    sheet.set_print_scale(100)
    sheet.print_area(0, 0, last_row, last)
    sheet.repeat_rows(0)
    right = f"&R截至 {as_of.isoformat()}" if as_of else ""
    sheet.set_header(f"&L{_header_text(title)}{right}")
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _height(cells: Sequence[tuple[str, float]]) -> float:
    """A row height (points) that shows every wrapped cell whole: its lines at this width."""
    lines = 1
    for text, width in cells:
        lines = max(lines, _lines(text, max(1.0, width - 0.6)))
    return min(409.0, lines * LINE_HEIGHT + 3)


# Where a line may break: after any CJK character, at a space, after a hyphen.
_TOKENS = re.compile(r"[\u2e80-\uffef]|\s+|[^\s\u2e80-\uffef-]*-?")


def _lines(text: str, room: float) -> int:
    """How many lines `text` takes in a column `room` units wide (greedy, as a sheet wraps)."""
    lines, used = 1, 0.0
    for token in _TOKENS.findall(text[:20000]):
        if not token:
            continue
        size = _display_width(token)
        if used + size <= room or (token.isspace() and used):
            used += size
            continue
        lines += 1 if used else 0
        extra, used = divmod(size, room)
        lines += int(extra) - (1 if extra and not used else 0)
    return lines


def _display_width(text: str) -> float:
    """The width of a text in column units at 9 pt, as LibreOffice measures it: a CJK
    character 1.25, another 0.66."""
    wide = sum(1 for c in text if unicodedata.east_asian_width(c) in "WF")
    return wide * 1.25 + (len(text) - wide) * 0.66


def _local_time(value: Any) -> datetime | None:
    """An ISO UTC timestamp as local wall-clock time, to the minute (None if not one)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(second=0, microsecond=0)


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
        _text(sheet, f, row, column, str(value), f.text)


def _write_fraction(sheet: Any, row: int, column: int, value: float | None, fmt: Any) -> None:
    if value is None:
        sheet.write_blank(row, column, None, fmt)
    else:
        sheet.write_number(row, column, value, fmt)


def _datetime(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _header_text(text: str) -> str:
    return text.replace("&", "&&")
