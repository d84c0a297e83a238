"""Reading an actuals CSV (`xlgl record --file`): columns target,value,as_of[,unit,source,note,by].

The file is streamed: rows are checked and handed on one at a time, so a million-row file is never
held in memory. Bad rows are collected as they pass; when the file ends with any, `rows()` raises
one InputError naming every bad row (line number and reason), and the ledger's transaction around
the import rolls back, so a file goes in whole or not at all.

Encodings: UTF-8 with or without BOM, and GB18030 (what WPS and Excel on Chinese Windows write).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from xlgl.dates import parse_date
from xlgl.errors import InputError, RowErrors, XlglError, one_line
from xlgl.ledger import NewRecord
from xlgl.progress import Target
from xlgl.units import UnitError, to_stored, to_target_unit

REQUIRED_COLUMNS = ("target", "value", "as_of")
OPTIONAL_COLUMNS = ("unit", "source", "note", "by")
MAX_LISTED_ERRORS = 50
BLOCK_BYTES = 1 << 18


def detect_encoding(handle: BinaryIO) -> str:
    """utf-8-sig when the whole file reads as UTF-8 (BOM or not), else gb18030.

    The file is read through once in blocks (bounded memory): a GB18030 file whose first
    thousand rows happen to be ASCII must not be taken for UTF-8 and fail half-way."""
    head = handle.read(len(codecs.BOM_UTF8))
    if head == codecs.BOM_UTF8:
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head)
        while block := handle.read(BLOCK_BYTES):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


class TargetIndex:
    """Finds a target by id or by its exact indicator name, as a CSV row names it."""

    def __init__(self, targets: list[Target]):
        self.by_id = {t.id: t for t in targets}
        self.by_indicator: dict[str, list[Target]] = {}
        for target in targets:
            self.by_indicator.setdefault(target.indicator, []).append(target)

    def find(self, name: str) -> Target:
        name = name.strip()
        if name in self.by_id:
            return self.by_id[name]
        matches = self.by_indicator.get(name, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise InputError(f"“{name}”对应多个目标（{'、'.join(t.id for t in matches)}），请用 id")
        raise InputError(f"没有目标“{name}”")


@dataclass
class ActualsFile:
    path: Path
    index: TargetIndex
    default_by: str | None = None
    errors: list[str] = field(default_factory=list)
    bad_rows: int = 0
    _dates: dict[str, date] = field(default_factory=dict, repr=False)

    def _date(self, text: str) -> date:
        """parse_date, once per distinct text: a million rows carry a few dozen dates."""
        found = self._dates.get(text)
        if found is None:
            found = self._dates[text] = parse_date(text)
        return found

    def rows(self) -> Iterator[NewRecord]:
        """The file's figures, converted to their targets' units; raises InputError at the end
        (after every row has been read) if any row was bad."""
        try:
            with self.path.open("rb") as raw:
                encoding = detect_encoding(raw)
            handle = self.path.open(encoding=encoding, newline="")
        except OSError as error:
            raise InputError(f"无法读取 {self.path}：{error.strerror}") from None
        with handle:
            reader = csv.reader(handle)
            try:
                header = [name.strip().lower() for name in next(reader, [])]
                columns = self._columns(header)
                first_line = reader.line_num + 1  # a quoted cell may span lines: name the first
                for row in reader:
                    line, first_line = first_line, reader.line_num + 1
                    if not any(cell.strip() for cell in row):
                        continue
                    try:
                        yield self._record(row, columns)
                    except XlglError as error:
                        self._bad(line, str(error))
            except UnicodeDecodeError:
                raise InputError(
                    f"{self.path} 第 {reader.line_num + 1} 行附近编码无法识别："
                    "请存为 UTF-8 或 GB18030（未导入任何数据）"
                ) from None
            except csv.Error as error:
                raise InputError(
                    f"{self.path} 第 {reader.line_num} 行 CSV 格式错误：{error}（未导入任何数据）"
                ) from None
        if self.errors:
            raise RowErrors(
                f"{self.path} 有 {self.bad_rows} 行错误，未导入任何数据：",
                self.errors,
                self.bad_rows,
            )

    def _columns(self, header: list[str]) -> dict[str, int]:
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            raise InputError(
                f"{self.path} 缺少列 {', '.join(missing)}：首行须为列名 target,value,as_of"
                "（可选 unit,source,note,by）"
            )
        return {
            name: header.index(name)
            for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS
            if name in header
        }

    def _record(self, row: list[str], columns: dict[str, int]) -> NewRecord:
        def cell(name: str) -> str:
            position = columns.get(name)
            return row[position].strip() if position is not None and position < len(row) else ""

        target = self.index.find(cell("target"))
        figure, unit = cell("value"), cell("unit")
        if unit and not figure.endswith(unit):
            figure += unit
        try:
            value = to_target_unit(figure, target.unit, allow_negative=target.kind == "growth")
        except UnitError as error:
            raise InputError(str(error)) from None
        return NewRecord(
            target=target.id,
            value=to_stored(value),
            as_of=self._date(cell("as_of")),
            by=cell("by") or self.default_by,
            source=cell("source") or None,
            note=cell("note") or None,
        )

    def _bad(self, line: int, reason: str) -> None:
        self.bad_rows += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(f"第 {line} 行：{one_line(reason)}")
