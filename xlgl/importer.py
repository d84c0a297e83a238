"""Reading an actuals CSV (`xlgl record --file`): columns target,value,as_of[,unit,source,note,by].

The file is streamed: rows are checked and handed on one at a time, so a million-row file is never
held in memory. Bad rows are collected as they pass; when the file ends with any, `rows()` raises
one InputError naming every bad row (line number and reason), and the ledger's transaction around
the import rolls back, so a file goes in whole or not at all.

Encodings: UTF-8 with or without BOM, and GB18030 (what WPS and Excel on Chinese Windows write).

`xlgl record --file` reads through `rows_read_ahead()`: the same rows, read by a forked worker
process while this one inserts (issue 7: a million rows at 150,000 rows/s on two cores).
"""

from __future__ import annotations

import codecs
import csv
import itertools
import multiprocessing
import operator
import re
import sys
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import BinaryIO, NamedTuple

from xlgl.dates import parse_date
from xlgl.errors import InputError, RowErrors, XlglError, one_line, visible
from xlgl.ledger import Ledger, NewRow, translate_errors
from xlgl.model import Target
from xlgl.units import UnitError, to_stored, to_target_unit, unit_family

REQUIRED_COLUMNS = ("target", "value", "as_of")
OPTIONAL_COLUMNS = ("unit", "source", "note", "by")
#: Header names a department's sheet uses, beside the English ones (issue 13).
COLUMN_ALIASES = {
    "指标": "target",
    "目标编号": "target",
    "实绩": "value",
    "数值": "value",
    "截至": "as_of",
    "截至日期": "as_of",
    "单位": "unit",
    "来源": "source",
    "备注": "note",
    "填报人": "by",
}
MAX_LISTED_ERRORS = 50
BLOCK_BYTES = 1 << 18
READ_AHEAD_MIN_BYTES = 1 << 20  # smaller files are read in-process (ActualsFile.rows_read_ahead)
READ_AHEAD_ROWS = 2000  # rows in one message from the read-ahead worker


def _first_line(last_line: int, row: list[str]) -> int:
    """The line a row starts on, from the line it ends on (csv's line_num) and the line breaks
    inside its quoted cells (the file is read with newline="": \\r\\n, \\n and \\r each end a line)."""
    inside = sum(cell.count("\n") + cell.count("\r") - cell.count("\r\n") for cell in row)
    return last_line - inside


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


def _read_ahead(source: ActualsFile, sender: Connection) -> None:
    """The worker of ActualsFile.rows_read_ahead: its rows in lists, then None or what failed."""
    try:
        rows = source.rows()
        while chunk := list(itertools.islice(rows, READ_AHEAD_ROWS)):
            sender.send(chunk)
        sender.send(None)
    except RowErrors as error:
        sender.send(("rows", error.lines[0], source.errors, source.bad_rows))
    except XlglError as error:
        sender.send(("input", str(error)))
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the importing process is gone or stopping: nobody to tell
    except BaseException:
        sender.send(("bug", traceback.format_exc()))
    finally:
        sender.close()


class IndexedTarget(NamedTuple):
    """What the importer needs of a target."""

    id: str
    indicator: str
    unit: str
    kind: str


class TargetIndex:
    """Finds a target by id or by its exact indicator name, as a CSV row names it."""

    def __init__(self, targets: Iterable[Target | IndexedTarget]):
        self.by_id = {t.id: t for t in targets}
        self.by_indicator: dict[str, list[Target | IndexedTarget]] = {}
        self.unknown: dict[str, str] = {}  # name -> why it is not a target
        for target in self.by_id.values():
            self.by_indicator.setdefault(target.indicator, []).append(target)

    @classmethod
    def of_ledger(cls, ledger: Ledger) -> TargetIndex:
        """The ledger's targets, four columns each: a tenth of the cost of Ledger.targets()."""
        with translate_errors(ledger.path, ledger.timeout):
            rows = ledger.conn.execute("SELECT id, indicator, unit, kind FROM targets").fetchall()
        return cls(map(IndexedTarget._make, rows))

    def find(self, name: str) -> Target | IndexedTarget:
        name = name.strip()
        if name in self.by_id:
            return self.by_id[name]
        matches = self.by_indicator.get(name, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise InputError(f"“{name}”对应多个目标（{'、'.join(t.id for t in matches)}），请用 id")
        if name not in self.unknown:  # a bad file may name it a million times: look once
            near = [t for t in self.by_id.values() if name and name in t.indicator][:3]
            listed = "、".join(f"{t.id}（{t.indicator}）" for t in near)
            hint = f"：CSV 须写 id 或完整指标名，如 {listed}" if near else ""
            self.unknown[name] = f"没有目标“{name}”{hint}"
        raise InputError(self.unknown[name])


class _Resolved(NamedTuple):
    """A target as the rows name it, resolved once per distinct name."""

    id: str
    unit: str
    allow_negative: bool
    plain: bool  # a bare number is already in the target's unit (the unit is a known one)


#: A figure written as a bare decimal number, at most 6 decimals: float(text) is then exactly
#: units.to_stored(units.to_target_unit(text, unit)) for any known unit, and needs no checks
#: (no sign, finite, below 10**15). Everything else takes the full reader in xlgl.units.
_BARE = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,6})?")


@dataclass
class ActualsFile:
    path: Path
    index: TargetIndex
    default_by: str | None = None
    errors: list[str] = field(default_factory=list)
    bad_rows: int = 0

    def rows(self) -> Iterator[NewRow]:
        """The file's figures as rows for Ledger.add_rows, (target id, value in the target's unit,
        as_of ISO text, by, source, note); raises InputError at the end (after every row has been
        read) if any row was bad.

        Per row this is the hot loop of a million-row import, so it does by hand what a helper
        per cell would: targets and dates are resolved once per distinct text as written (a
        million rows name a few thousand targets and a few dozen dates), a bare number in the
        target's unit skips the unit reader (see _BARE), and the target and date cells are
        stripped only when their text is new."""
        try:
            with self.path.open("rb") as raw:
                encoding = detect_encoding(raw)
            handle = self.path.open(encoding=encoding, newline="")
        except OSError as error:
            raise InputError(f"无法读取 {self.path}：{error.strerror}") from None
        targets: dict[str, _Resolved] = {}
        dates: dict[str, str] = {}
        bare = _BARE.fullmatch
        default_by = self.default_by or None
        with handle:
            reader = csv.reader(handle)
            try:
                header = [name.strip().lower() for name in next(reader, [])]
                columns = self._columns(header)
                width = len(header)  # row[width] is "", for the optional columns not in the file
                cells = operator.itemgetter(
                    *(columns.get(name, width) for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
                )
                for row in reader:
                    if len(row) == width:
                        row.append("")
                    else:  # short rows padded; cells past the header kept for the checks below
                        row = [*row[:width], *[""] * (width - len(row)), "", *row[width:]]
                    name, figure, as_of, unit, source, note, by = cells(row)
                    try:
                        target = targets.get(name)
                        if target is None:
                            if not name.strip() and not any(cell.strip() for cell in row):
                                continue  # a blank row
                            target = targets[name] = self._resolve(name)
                        figure = figure.strip()
                        if bare(figure) and target.plain and not unit.strip():
                            value = float(figure)
                        else:
                            value = self._value(figure, unit.strip(), target)
                        day = dates.get(as_of)
                        if day is None:
                            day = dates[as_of] = parse_date(as_of.strip()).isoformat()
                        yield (
                            target.id,
                            value,
                            day,
                            by.strip() or default_by,
                            source.strip() or None,
                            note.strip() or None,
                        )
                    except XlglError as error:
                        self._bad(_first_line(reader.line_num, row), str(error))
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

    def rows_read_ahead(self) -> Iterator[NewRow]:
        """rows(), read by a second process while this one inserts (xlgl record --file).

        Reading and checking a million rows costs about as much as inserting them, so on a
        machine with two cores this halves the import. The worker is forked (Linux only: there
        fork is cheap and safe; elsewhere, and for files under READ_AHEAD_MIN_BYTES, this is
        rows() itself) and sends the rows back READ_AHEAD_ROWS at a time through a pipe, whose
        buffer bounds the memory; a bad file raises the same error as rows(), once every row has
        been read. If this process dies the worker's next send fails and it exits; if the worker
        dies this raises, and the import rolls back."""
        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0  # rows() says why it cannot be read
        if not sys.platform.startswith("linux") or size < READ_AHEAD_MIN_BYTES:
            yield from self.rows()
            return
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        worker = context.Process(target=_read_ahead, args=(self, sender), daemon=True)
        worker.start()
        sender.close()
        try:
            while True:
                try:
                    message = receiver.recv()
                except EOFError:
                    raise InputError(
                        f"读取 {self.path} 的进程意外退出（退出码 {worker.exitcode}），未导入任何数据"
                    ) from None
                if type(message) is list:
                    yield from message
                elif message is None:
                    break
                else:
                    kind, *details = message
                    if kind == "rows":
                        self.errors, self.bad_rows = details[1], details[2]
                        raise RowErrors(*details)
                    if kind == "input":
                        raise InputError(details[0])
                    raise RuntimeError(f"读取 {self.path} 的进程出错：\n{details[0]}")
        finally:
            receiver.close()
            if worker.is_alive():
                worker.terminate()
            worker.join()

    def _columns(self, header: list[str]) -> dict[str, int]:
        columns: dict[str, int] = {}
        for position, written in enumerate(header):
            clean = "".join(c for c in written if c.isprintable()).strip()  # no \ufeff, \u200b
            name = COLUMN_ALIASES.get(clean, clean)
            if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
                continue
            if name in columns:
                first = visible(header[columns[name]])
                raise InputError(
                    f"{self.path} 列“{first}”与“{visible(written)}”重复（都是 {name}）：请删去一列"
                )
            columns[name] = position
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            raise InputError(
                f"{self.path} 缺少列 {', '.join(missing)}：首行须为列名 target,value,as_of"
                "（可选 unit,source,note,by），或 指标/目标编号,实绩/数值,截至/截至日期"
                "（可选 单位,来源,备注,填报人）"
            )
        return columns

    def _resolve(self, name: str) -> _Resolved:
        target = self.index.find(name)
        return _Resolved(
            target.id, target.unit, target.kind == "growth", unit_family(target.unit) is not None
        )

    @staticmethod
    def _value(figure: str, unit: str, target: _Resolved) -> float:
        """The full reader: units, magnitudes, Chinese numerals, and every check."""
        if unit and not figure.endswith(unit):
            figure += unit
        try:
            value = to_target_unit(figure, target.unit, allow_negative=target.allow_negative)
        except UnitError as error:
            raise InputError(str(error)) from None
        return to_stored(value)

    def _bad(self, line: int, reason: str) -> None:
        self.bad_rows += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(f"第 {line} 行：{visible(one_line(reason))}")
