"""Reading a filled 报送表 back (`xlgl record --file X.xlsx`) and turning its rows into figures
checked by the one figure check; every bad cell named (报送表!H12), the file whole or not at all."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from xlgl.errors import InputError, RowErrors, XlglError, one_line, visible
from xlgl.model import Target
from xlgl.recording import DUPLICATE, FigureBook, FigureRefused, Verdict, in_a_file
from xlgl.template import (
    COL,
    COLUMNS,
    FIRST_ROW,
    HIDDEN,
    MARK,
    NARRATIVE,
    SHEET,
    VERSION,
    letter,
    month_end,
)
from xlgl.texts import checked_text
from xlgl.units import UnitError, format_number, parse_figure, to_stored, to_target_unit

MAX_LISTED_ERRORS = 50


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
        return f"{self.sheet}!{letter(COL[header])}{self.row}"


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
                errors.append(f"{ref.format(letter(COL[name]))}：{error}")
        value = _figure_text(figure, ref.format(letter(COL["实绩"])), errors)
        day = _date(cells[COL["截至"]], ref.format(letter(COL["截至"])), errors)
        if value is not None and cells[COL["截至"]] is None:
            errors.append(f"{ref.format(letter(COL['截至']))}：填了实绩，未填截至日期")
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
            return month_end(year, number)
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
            except FigureRefused as refused:
                errors.append(f"{row.cell('实绩')}：{_show(in_a_file(refused))}")
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


def _show(text: str) -> str:
    return visible(one_line(text))
