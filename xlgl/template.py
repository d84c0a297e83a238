"""The 报送表: the workbook a department fills in, out (`xlgl export --template`) and back in
(`xlgl record --file X.xlsx`).

Out: one sheet 报送表, a title, the department and the deadline, then one row per target with what
the office knows (编号, 指标, 目标, 单位, 截至, 上次实绩, 上次截至) and the cells the department fills
(实绩, 进展情况, 存在问题, 下步措施, 佐证材料, 填报人). The sheet is protected without a password: only
截至 and the input cells are unlocked, so a liaison cannot overwrite an id by accident. 实绩 is
text on purpose (liaisons write units: 1.07亿吨); 截至 takes a date. A very hidden sheet `_xlgl`
carries what the import needs to match rows safely: the template version, the report key, and
for each data row its target id and row number.

In: `read_template` reads a filled file (openpyxl, read-only, cached values) into `FilledRow`s;
`filled_to_records` turns them into figures through the one figure check (recording.FigureBook).
Every problem in a file is collected and raised as one RowErrors naming sheet and cell
(报送表!H12), and the file goes in whole or not at all.

Pure over plain data, apart from the file itself: the store is the caller's. xlsxwriter and
openpyxl are imported inside the functions that use them, so `xlgl --help` pays for neither.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from xlgl.errors import InputError, RowErrors, XlglError, one_line, visible
from xlgl.model import Target
from xlgl.recording import DUPLICATE, FigureBook, Verdict
from xlgl.texts import checked_text
from xlgl.units import UnitError, format_number, parse_figure, to_stored, to_target_unit

VERSION = "1"
MARK = "xlgl-template"
SHEET = "报送表"
HIDDEN = "_xlgl"
FIRST_ROW = 4  # Excel's row number of the first target (title, department line, header above)
MAX_LISTED_ERRORS = 50

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


@dataclass(frozen=True)
class FilledRow:
    """A row the department filled: 实绩, or any narrative cell. Texts are stripped; None if empty."""

    target: str
    value: str | None  # the figure as written (1.07亿吨, 12000), not yet read
    as_of: date | None
    progress: str | None
    problems: str | None
    next_steps: str | None
    evidence: str | None
    by: str | None
    sheet: str
    row: int  # Excel's row number

    def cell(self, header: str) -> str:
        """The cell reference of a column in this row, for messages: 报送表!H12."""
        return f"{self.sheet}!{_letter(COL[header])}{self.row}"


@dataclass(frozen=True)
class TemplateFile:
    path: Path
    version: str
    report_key: str
    as_of: date | None  # when the office exported it
    rows: list[FilledRow]


@dataclass(frozen=True)
class TemplateRecord:
    """A checked figure from a filled row, for the store; `verdict.action` is ADD or DUPLICATE.

    A row with narrative but no 实绩 has value None and verdict None: the caller decides where
    progress without a figure goes."""

    target: str
    value: float | None  # in the target's unit (for ADD: what to store)
    as_of: date | None
    by: str | None
    progress: str | None
    problems: str | None
    next_steps: str | None
    evidence: str | None
    verdict: Verdict | None
    cell: str  # 报送表!H12, for messages


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
        if month % step == 0 and _month_end(year, month) <= as_of:
            break
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    end = _month_end(year, month)
    if end < target.start:
        end = _month_end(target.start.year, target.start.month)
        while end.month % step:
            end = _month_end(end.year + end.month // 12, end.month % 12 + 1)
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
    from xlgl.files import replace_into

    with replace_into(path) as temp:
        _write(temp, rows, report_key, as_of, owner, title, deadline)


def _write(
    path: Path,
    rows: Sequence[TemplateRow],
    report_key: str,
    as_of: date,
    owner: str | None,
    title: str | None,
    deadline: date | None,
) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
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
    book.close()


def _write_date(sheet: Any, row: int, col: int, day: date | None, fmt: Any) -> None:
    if day is None:
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_datetime(row, col, datetime(day.year, day.month, day.day), fmt)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def read_template(path: Path) -> TemplateFile:
    """The filled rows of a 报送表 written by write_template. InputError when the file is not
    such a template (no hidden sheet, another version, rows moved); RowErrors naming every bad
    cell (报送表!H12：…) when any is bad: the file is then taken whole or not at all.

    Read with python-calamine (cached values, as Excel or WPS last computed them): on a
    5,000-row template it reads in 0.1 s where openpyxl's read-only mode takes 1.0 s, and it
    imports in 0.02 s against 0.2 s."""
    import python_calamine

    if not Path(path).is_file():
        raise InputError(f"找不到文件 {path}")
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except (python_calamine.CalamineError, OSError, ValueError) as error:
        raise InputError(f"无法读取 {path}：不是 xlsx 工作簿（{one_line(str(error))}）") from None
    with book:
        names = book.sheet_names
        not_ours = f"{path} 不是 xlgl 导出的报送表"
        if HIDDEN not in names or SHEET not in names:
            raise InputError(
                f"{not_ours}（没有“{SHEET}”表或隐藏表 {HIDDEN}）："
                "请在 xlgl export --template 导出的表上填报"
            )
        try:
            meta = book.get_sheet_by_name(HIDDEN).to_python(skip_empty_area=False)
            cells = book.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
        except python_calamine.CalamineError as error:
            raise InputError(f"无法读取 {path}：{one_line(str(error))}") from None
    return _read(path, meta, cells)


def _read(path: Path, meta: list[list[Any]], sheet: list[list[Any]]) -> TemplateFile:
    not_ours = f"{path} 不是 xlgl 导出的报送表"
    if len(meta) < 4 or len(meta[0]) < 2 or meta[0][0] != MARK:
        raise InputError(f"{not_ours}（隐藏表 {HIDDEN} 内容不对）")
    version = _text(meta[0][1]) or ""
    if version != VERSION:
        raise InputError(
            f"{path} 是第 {version} 版报送表，本版 xlgl 只读第 {VERSION} 版：请重新导出"
        )
    report_key = _text(meta[1][1]) or ""
    try:
        exported: date | None = date.fromisoformat(str(meta[2][1]))
    except ValueError:
        exported = None
    expected: dict[int, str] = {}
    for entry in meta[4:]:
        if len(entry) >= 2 and _text(entry[0]) and isinstance(entry[1], int | float):
            expected[int(entry[1])] = str(entry[0])

    width = len(COLUMNS)
    moved: list[str] = []
    errors: list[str] = []
    filled: list[FilledRow] = []
    seen: set[int] = set()
    for number, found in enumerate(sheet[FIRST_ROW - 1 :], start=FIRST_ROW):
        cells = [None if cell == "" else cell for cell in found[:width]]
        cells += [None] * (width - len(cells))
        texts = {name: _text(cells[COL[name]]) for name in ("编号", *NARRATIVE, "填报人")}
        figure = cells[COL["实绩"]]
        has_input = figure not in (None, "") and _text(figure) is not None
        has_input = has_input or any(texts[name] for name in (*NARRATIVE, "填报人"))
        want = expected.get(number)
        if want is None:
            if has_input or texts["编号"]:
                moved.append(f"{SHEET}!A{number}：导出时没有这一行（行被插入或移动）")
            continue
        seen.add(number)
        if texts["编号"] != want:
            shown = _show(texts["编号"] or "")
            moved.append(f"{SHEET}!A{number}：编号“{shown}”与导出时的“{_show(want)}”不符")
            continue
        if not has_input:
            continue
        ref = f"{SHEET}!{{}}{number}"
        for name in (*NARRATIVE, "填报人"):  # the cap of every text field (xlgl/texts.py)
            try:
                checked_text(texts[name], name)
            except InputError as error:
                errors.append(f"{ref.format(_letter(COL[name]))}：{error}")
        value = _figure_text(figure, ref.format(_letter(COL["实绩"])), errors)
        day = _date(cells[COL["截至"]], ref.format(_letter(COL["截至"])), errors)
        if value is not None and cells[COL["截至"]] is None:
            errors.append(f"{ref.format(_letter(COL['截至']))}：填了实绩，未填截至日期")
        filled.append(
            FilledRow(
                target=want,
                value=value,
                as_of=day,
                progress=texts["进展情况"],
                problems=texts["存在问题"],
                next_steps=texts["下步措施"],
                evidence=texts["佐证材料"],
                by=texts["填报人"],
                sheet=SHEET,
                row=number,
            )
        )
    lost = sorted(set(expected) - seen)
    moved += [
        f"{SHEET}!A{number}：导出时的“{_show(expected[number])}”一行不见了" for number in lost
    ]
    if moved:
        raise _row_errors(
            f"{path} 的行与导出时不符，未导入任何数据（请在原表上填报，勿增删、排序行）：", moved
        )
    if errors:
        raise _row_errors(f"{path} 有 {len(errors)} 处错误，未导入任何数据：", errors)
    return TemplateFile(path, version, report_key, exported, filled)


def _row_errors(headline: str, lines: list[str]) -> RowErrors:
    return RowErrors(headline, lines[:MAX_LISTED_ERRORS], len(lines))


def _text(cell: Any) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, datetime):
        text = cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    elif isinstance(cell, float):
        text = format_number(cell) if cell.is_integer() or abs(cell) < 1e15 else repr(cell)
    else:
        text = str(cell)
    text = text.strip()
    return text or None


def _figure_text(cell: Any, ref: str, errors: list[str]) -> str | None:
    """The figure as written; a number cell as its shortest decimal text."""
    if cell is None:
        return None
    if isinstance(cell, bool | datetime | date):
        errors.append(f"{ref}：实绩应为数字，不是{'逻辑值' if isinstance(cell, bool) else '日期'}")
        return None
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        return repr(cell) if not cell.is_integer() else str(int(cell))
    text = str(cell).strip()
    if not text:
        return None
    try:
        parse_figure(text)
    except UnitError as error:
        errors.append(f"{ref}：{_number_problem(text, error)}")
        return None
    return text


def _number_problem(text: str, error: UnitError) -> str:
    message = str(error)
    if message.endswith("不是数字"):
        return f"无法识别的数字“{_show(text)}”"
    return _show(message)


_YEAR_MONTH = re.compile(r"^\s*(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?\s*$")


def _date(cell: Any, ref: str, errors: list[str]) -> date | None:
    """A date cell: an Excel date, or text 2024-09-30, 2024年9月30日, 2024年9月 (the month's end)."""
    from xlgl.dates import parse_date

    if cell is None:
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if 20000 <= cell < 80000:  # an Excel serial number without a date format
            return date(1899, 12, 30) + timedelta(days=int(cell))
        errors.append(f"{ref}：无法识别的日期“{format_number(cell)}”：请写成 2024-09-30")
        return None
    text = str(cell).strip()
    if not text:
        return None
    month = _YEAR_MONTH.match(text)
    if month:
        year, number = int(month.group(1)), int(month.group(2))
        if 1 <= number <= 12:
            return _month_end(year, number)
    try:
        return parse_date(text)
    except InputError as error:
        errors.append(f"{ref}：{_show(str(error))}")
        return None


# ---------------------------------------------------------------------------------------------
# Figures from a filled template
# ---------------------------------------------------------------------------------------------


def filled_to_records(
    filled: TemplateFile | Sequence[FilledRow],
    targets: Mapping[str, Target],
    book: FigureBook,
    *,
    default_by: str | None = None,
    force: bool = False,
    replace: bool = False,
) -> list[TemplateRecord]:
    """Check every filled row's figure through `book` (the one figure check; the caller fills it
    with the ledger's live figures of these targets) and return the rows as records, in file
    order: verdict ADD to store, DUPLICATE already held (a file imported twice adds nothing),
    None for a row with narrative only. Every problem is collected and raised as one RowErrors
    naming the cell; then nothing may be stored."""
    rows = filled.rows if isinstance(filled, TemplateFile) else filled
    name = str(filled.path) if isinstance(filled, TemplateFile) else SHEET
    records: list[TemplateRecord] = []
    errors: list[str] = []
    for row in rows:
        target = targets.get(row.target)
        if target is None:
            errors.append(f"{row.cell('编号')}：台账中没有目标“{_show(row.target)}”")
            continue
        value: float | None = None
        verdict: Verdict | None = None
        if row.value is not None:
            if row.as_of is None:
                errors.append(f"{row.cell('截至')}：填了实绩，未填截至日期")
                continue
            try:
                amount, written = _in_target_unit(row.value, target)
                verdict = book.check(
                    target, amount, row.as_of, written_unit=written, force=force, replace=replace
                )
            except UnitError as error:
                errors.append(f"{row.cell('实绩')}：{_show(str(error))}")
                continue
            except XlglError as error:
                errors.append(f"{row.cell('实绩')}：{_show(str(error))}")
                continue
            value = verdict.value
        records.append(
            TemplateRecord(
                target=target.id,
                value=value,
                as_of=row.as_of,
                by=row.by or default_by,
                progress=row.progress,
                problems=row.problems,
                next_steps=row.next_steps,
                evidence=row.evidence,
                verdict=verdict,
                cell=row.cell("实绩"),
            )
        )
    if errors:
        raise _row_errors(f"{name} 有 {len(errors)} 处错误，未导入任何数据：", errors)
    return records


def added(records: Iterable[TemplateRecord]) -> list[TemplateRecord]:
    """The records to store: figures that are new (not duplicates, not narrative only)."""
    return [r for r in records if r.verdict is not None and r.verdict.action != DUPLICATE]


def _in_target_unit(text: str, target: Target) -> tuple[float, str]:
    """The figure in the target's unit (or one of its also_units, 1:1), and the unit as written
    ('' for a bare number)."""
    amount = to_target_unit(
        text, target.unit, allow_negative=target.kind == "growth", also_units=target.also_units
    )
    _, written = parse_figure(text)
    return to_stored(amount), written


# ---------------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _letter(index: int) -> str:
    """0 → A, 7 → H (the template has fewer than 27 columns)."""
    return chr(ord("A") + index)


def _show(text: str) -> str:
    return visible(one_line(text))
