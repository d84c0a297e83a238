"""Writing the 报送表 (`xlgl export --template`): its rows from `status` rows, the period each
department reports, and the protected xlsx with its very hidden sheet `_xlgl`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from xlgl.model import Target
from xlgl.template import (
    COL,
    COLUMNS,
    FIRST_ROW,
    HIDDEN,
    MARK,
    NARRATIVE,
    SHEET,
    VERSION,
    month_end,
)


@dataclass(frozen=True)
class TemplateRow:
    """One target's row of the 报送表, as the office writes it."""

    target: str  # id
    indicator: str
    target_text: str  # as the report words it: 1.4亿吨左右
    unit: str
    period: date | None  # 截至: the period end the department must report
    last: float | None = None  # the latest figure, in `unit`
    last_as_of: date | None = None
    owner: str | None = None
    report_due: date | None = None  # when the period's figure is due at the office


# ---------------------------------------------------------------------------------------------
# Rows from the ledger's evaluation
# ---------------------------------------------------------------------------------------------


def period_to_report(target: Target, as_of: date) -> date:
    """The period end a department reports on `as_of`: the last end of the target's reporting
    period not after as_of (monthly: the last month end; quarterly: 03-31 …; yearly and event
    targets: the last month end), kept within the target's start and due date."""
    step = {"month": 1, "quarter": 3, "half": 6}.get(target.frequency, 1)
    year, month = as_of.year, as_of.month
    while True:
        if month % step == 0 and month_end(year, month) <= as_of:
            break
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    end = month_end(year, month)
    if end < target.start:
        end = month_end(target.start.year, target.start.month)
        while end.month % step:
            end = month_end(end.year + end.month // 12, end.month % 12 + 1)
    return min(end, target.due)


def template_rows(status_rows: Iterable[Any]) -> list[TemplateRow]:
    """The 报送表 rows from `status` rows (progress.Evaluation: target, as_of, latest,
    latest_as_of), in their order."""
    from xlgl.render_words import target_text

    rows = []
    for row in status_rows:
        target: Target = row.target
        rows.append(
            TemplateRow(
                target=target.id,
                indicator=target.indicator,
                target_text=target_text(target),
                unit=target.unit,
                period=period_to_report(target, row.as_of),
                last=row.latest,
                last_as_of=row.latest_as_of,
                owner=target.owner,
                report_due=_report_due(target, period_to_report(target, row.as_of)),
            )
        )
    return rows


def _report_due(target: Target, period: date) -> date | None:
    """When this sheet's figure (the period asked for) is due: the period end plus the target's
    publication lag; None for an event target (it reports when the event happens)."""
    if target.frequency == "event":
        return None
    return period + timedelta(days=target.lag_days)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def write_template(
    path: Path,
    rows: Sequence[TemplateRow],
    *,
    report_key: str,
    as_of: date,
    owner: str | None = None,
    title: str | None = None,
    deadline: date | None = None,
) -> None:
    """Write the 报送表 to `path` (atomically). `deadline` defaults to the earliest report_due
    of the rows, if any."""
    from xlgl.files import replace_into, xlsx_book

    with replace_into(path) as temp, xlsx_book(temp) as book:
        _fill(book, rows, report_key, as_of, owner, title, deadline)


def _fill(
    book: Any,
    rows: Sequence[TemplateRow],
    report_key: str,
    as_of: date,
    owner: str | None,
    title: str | None,
    deadline: date | None,
) -> None:
    title = title or f"{owner or ''}目标任务推进情况报送表"
    book.set_properties({"title": title, "subject": f"报送表 {report_key}", "author": "xlgl"})
    font = {"font_name": "等线", "font_size": 10, "valign": "top", "border": 1}
    border = {"border_color": "#BFBFBF"}

    def fmt(**extra: Any) -> Any:
        return book.add_format(font | border | extra)

    locked = fmt(text_wrap=True, bg_color="#F2F2F2")
    locked_number = fmt(num_format="General", bg_color="#F2F2F2", align="left")
    locked_date = fmt(num_format="yyyy-mm-dd", bg_color="#F2F2F2", align="left")
    open_text = fmt(text_wrap=True, locked=False)
    open_figure = fmt(locked=False, num_format="@")  # text: 1.07亿吨 as written
    open_date = fmt(locked=False, num_format="yyyy-mm-dd", align="left", bg_color="#FFF2CC")
    header = fmt(
        bold=True, bg_color="#1F4E78", font_color="#FFFFFF", text_wrap=True, valign="vcenter"
    )
    input_header = fmt(bold=True, bg_color="#C65911", font_color="#FFFFFF", text_wrap=True)
    heading = book.add_format({"font_name": "等线", "bold": True, "font_size": 16})
    subtitle = book.add_format({"font_name": "等线", "font_size": 10, "font_color": "#404040"})

    sheet = book.add_worksheet(SHEET)
    last_col = len(COLUMNS) - 1
    for index, (_, width, _) in enumerate(COLUMNS):
        sheet.set_column(index, index, width)
    sheet.merge_range(0, 0, 0, last_col, title, heading)
    sheet.set_row(0, 26)
    deadline = deadline or min((r.report_due for r in rows if r.report_due), default=None)
    line = [f"填报单位：{owner or '各牵头单位'}"]
    if deadline is not None:
        line.append(f"报送时限：{deadline.year}年{deadline.month}月{deadline.day}日前")
    line.append(f"导出日期：{as_of.isoformat()}")
    line.append("只填橙色表头各列；实绩可带单位，如 1.07亿吨；截至为实绩所指日期")
    sheet.merge_range(1, 0, 1, last_col, "　　".join(line), subtitle)
    head = FIRST_ROW - 2
    for index, (name, _, unlocked) in enumerate(COLUMNS):
        sheet.write_string(head, index, name, input_header if unlocked else header)
    sheet.set_row(head, 20)

    for offset, row in enumerate(rows):
        r = FIRST_ROW - 1 + offset
        sheet.write_string(r, COL["编号"], row.target, locked)
        sheet.write_string(r, COL["指标"], row.indicator, locked)
        sheet.write_string(r, COL["目标"], row.target_text, locked)
        sheet.write_string(r, COL["单位"], row.unit, locked)
        _write_date(sheet, r, COL["截至"], row.period, open_date)
        if row.last is None:
            sheet.write_blank(r, COL["上次实绩"], None, locked_number)
        else:
            sheet.write_number(r, COL["上次实绩"], row.last, locked_number)
        _write_date(sheet, r, COL["上次截至"], row.last_as_of, locked_date)
        sheet.write_blank(r, COL["实绩"], None, open_figure)
        for name in (*NARRATIVE, "填报人"):
            sheet.write_blank(r, COL[name], None, open_text)

    if rows:
        first, last = FIRST_ROW - 1, FIRST_ROW - 2 + len(rows)
        sheet.data_validation(
            first,
            COL["实绩"],
            last,
            COL["实绩"],
            {
                "validate": "any",
                "input_title": "实绩",
                "input_message": "填数字，可带单位：1.07亿吨、12000万吨、95%；"
                "不带单位即按“单位”列。流量类填年初至今累计数。",
            },
        )
        sheet.data_validation(
            first,
            COL["截至"],
            last,
            COL["截至"],
            {
                "validate": "date",
                "criteria": "between",
                "minimum": date(2000, 1, 1),
                "maximum": date(2099, 12, 31),
                "input_title": "截至",
                "input_message": "实绩所指的日期，如 2024-09-30（1—9月）。",
                "error_title": "截至须为日期",
                "error_message": "请填日期，如 2024-09-30。",
            },
        )
    sheet.freeze_panes(FIRST_ROW - 1, 2)
    sheet.protect("", {"format_columns": True, "format_rows": True})
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.repeat_rows(head)
    sheet.fit_to_pages(1, 0)  # all columns on the page width, as many pages down as needed
    sheet.set_footer("&C第 &P 页，共 &N 页")

    hidden = book.add_worksheet(HIDDEN)
    hidden.write_row(0, 0, [MARK, VERSION])
    hidden.write_row(1, 0, ["report", report_key])
    hidden.write_row(2, 0, ["as_of", as_of.isoformat()])
    hidden.write_row(3, 0, ["rows", str(len(rows))])
    for offset, row in enumerate(rows):
        hidden.write_string(4 + offset, 0, row.target)
        hidden.write_number(4 + offset, 1, FIRST_ROW + offset)
    hidden.very_hidden()
    sheet.activate()


def _write_date(sheet: Any, row: int, col: int, day: date | None, fmt: Any) -> None:
    if day is None:
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_datetime(row, col, datetime(day.year, day.month, day.day), fmt)
