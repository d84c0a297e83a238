"""Reading an actuals CSV (`xlgl record --file`): columns target,value,as_of[,unit,source,note,by].

The file is streamed: rows are checked and handed on one at a time, so a million-row file is never
held in memory. Bad rows are collected as they pass; when the file ends with any, `rows()` raises
one InputError naming every bad row (line number and reason), and the ledger's transaction around
the import rolls back, so a file goes in whole or not at all.

Encodings: UTF-8 with or without BOM, and GB18030 (what WPS and Excel on Chinese Windows write).

`xlgl record --file` reads through `read_ahead()`: the same rows, read by a forked worker process
while this one inserts (issue 7: a million rows at 150,000 rows/s on two cores). A row names its
target by xlgl/lookup.py's one rule.
"""

from __future__ import annotations

import codecs
import csv
import operator
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from xlgl.dates import parse_date
from xlgl.errors import InputError, RowErrors, XlglError, one_line, visible
from xlgl.lookup import find_target
from xlgl.model import Target
from xlgl.recording import (
    DUPLICATE,
    FILE_FORCE_HINT,
    FigureBook,
    FigureRefused,
    fraction_words,
    in_a_file,
    looks_like_a_fraction,
)
from xlgl.store import Ledger, NewRow, readahead, translate_errors
from xlgl.texts import MAX_TEXT, checked_text
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
READ_AHEAD_MIN_BYTES = 1 << 20  # smaller files are read in-process (ActualsFile.read_ahead)
READ_AHEAD_ROWS = 2000  # rows in one message from the read-ahead worker


def _first_line(last_line: int, row: list[str]) -> int:
    """The line a row starts on, from the line it ends on (csv's line_num) and the line breaks
    inside its quoted cells (the file is read with newline="": \\r\\n, \\n and \\r each end a line)."""
    inside = sum(cell.count("\n") + cell.count("\r") - cell.count("\r\n") for cell in row)
    return last_line - inside


def check_regular_file(path: Path) -> None:
    """InputError unless `path` is a regular file (or does not exist: reading it says so)."""
    if path.exists() and not path.is_file():
        kind = "目录" if path.is_dir() else "普通文件以外的文件（管道、设备等）"
        raise InputError(f"{path} 是{kind}，只能导入普通文件")


def unclosed_quote_line(path: Path, encoding: str) -> int:
    """The line where the quote that runs to the end of the file opens: the line after the
    last row that ends before it (read again, leniently: this is the error path)."""
    ended = 0
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        last = 0
        for _ in reader:
            ended, last = last, reader.line_num
    return ended + 1


def undecodable_line(path: Path) -> int:
    """The line a file that reads as neither UTF-8 nor GB18030 goes wrong on: the later of the
    first line each cannot read (a UTF-8 file with a GB18030 line 3 fails UTF-8 on line 3)."""
    first: dict[str, int] = {}
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            for encoding in ("utf-8", "gb18030"):
                if encoding not in first:
                    try:
                        line.decode(encoding)
                    except UnicodeDecodeError:
                        first[encoding] = number
            if len(first) == 2:
                break
    return max(first.values(), default=1)


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


class IndexedTarget(NamedTuple):
    """What the importer needs of a target."""

    id: str
    indicator: str
    unit: str
    kind: str
    report: str = ""
    value: float = 0.0


class TargetIndex:
    """The targets a CSV file may name, in memory, asked by xlgl/lookup.py's one rule."""

    def __init__(
        self,
        targets: Iterable[Target | IndexedTarget],
        aliases: Iterable[tuple[str, str, str]] = (),
    ):
        self.targets = list(targets)
        self.ids: dict[str, list[Target | IndexedTarget]] = {}
        self.indicators: dict[str, list[Target | IndexedTarget]] = {}
        self.aliases: dict[str, list[Target | IndexedTarget]] = {}
        by_key = {}
        for target in self.targets:
            self.ids.setdefault(target.id, []).append(target)
            self.indicators.setdefault(target.indicator, []).append(target)
            by_key[(target.report, target.id)] = target
        for report, alias, target_id in aliases:
            if (report, target_id) in by_key:
                self.aliases.setdefault(alias, []).append(by_key[(report, target_id)])
        self.unknown: dict[str, InputError] = {}  # name -> why it names no one target

    @classmethod
    def of_ledger(cls, ledger: Ledger, report: str | None = None) -> TargetIndex:
        """The ledger's targets (of one report, or all), five columns each: a tenth of the cost
        of Ledger.targets()."""
        only, params = ("WHERE report = ?", [report]) if report is not None else ("", [])
        with translate_errors(ledger.path, ledger.timeout):
            rows = ledger.conn.execute(
                f"SELECT id, indicator, unit, kind, report, value FROM targets {only}", params
            ).fetchall()
            aliases = ledger.conn.execute(
                f"SELECT report, alias, target FROM aliases {only}", params
            ).fetchall()
        return cls(map(IndexedTarget._make, rows), aliases)

    def find(self, name: str) -> Target | IndexedTarget:
        """The target `name` means (lookup.find_target); a name that fails is looked up once."""
        if name in self.unknown:  # a bad file may name it a million times
            raise self.unknown[name]
        try:
            return find_target(self, name)
        except InputError as error:
            self.unknown[name] = error
            raise

    # The queries of lookup.TargetQueries:
    def by_id(self, name: str) -> list[Target | IndexedTarget]:
        return self.ids.get(name, [])

    def by_alias(self, name: str) -> list[Target | IndexedTarget]:
        return self.aliases.get(name, [])

    def by_indicator(self, name: str) -> list[Target | IndexedTarget]:
        return self.indicators.get(name, [])

    def containing(self, name: str) -> list[Target | IndexedTarget]:
        return [t for t in self.targets if name in t.indicator or name in t.id]

    def names(self) -> list[str]:
        return [*self.ids, *self.indicators, *self.aliases]


class _Resolved(NamedTuple):
    """A target as the rows name it, resolved once per distinct name."""

    report: str
    id: str
    unit: str
    allow_negative: bool
    plain: bool  # a bare number is already in the target's unit (the unit is a known one)
    indicator: str
    value: float


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

    def __post_init__(self) -> None:
        # Checked when the file is named, before any lock: a FIFO or a device (/dev/zero) could
        # feed an import for ever while it holds the ledger's write lock (issue 15 #14).
        check_regular_file(self.path)

    def rows(self) -> Iterator[NewRow]:
        """The file's figures as rows for Ledger.add_rows, (report, target id, value in the
        target's unit, that unit, as_of ISO text, by, source, note); raises InputError at the end
        (after every row has been read) if any row was bad.

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
            reader = csv.reader(handle, strict=True)  # strict: an unclosed quote is an error
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
                        if bare(figure) and not unit.strip():
                            value = (
                                float(figure) if target.plain else self._value(figure, "", target)
                            )
                            if value < 1 and looks_like_a_fraction(
                                target.unit, target.value, value
                            ):
                                raise FigureRefused(  # the one check's rule: no unit was written
                                    f"{target.id}（{target.indicator}）：{fraction_words(value)}"
                                    f"；{FILE_FORCE_HINT}"
                                )
                        else:
                            value = self._value(figure, unit.strip(), target)
                        day = dates.get(as_of)
                        if day is None:
                            day = dates[as_of] = parse_date(as_of.strip()).isoformat()
                        if len(source) > MAX_TEXT or len(note) > MAX_TEXT or len(by) > MAX_TEXT:
                            checked_text(source.strip(), "source")  # raises, naming the field
                            checked_text(note.strip(), "note")
                            checked_text(by.strip(), "by")
                        yield (
                            target.report,
                            target.id,
                            value,
                            target.unit,
                            day,
                            by.strip() or default_by,
                            source.strip() or None,
                            note.strip() or None,
                        )
                    except XlglError as error:
                        self._bad(_first_line(reader.line_num, row), str(error))
            except UnicodeDecodeError:
                raise InputError(
                    f"{self.path} 第 {undecodable_line(self.path)} 行编码无法识别（混用了编码？）："
                    "请整份存为 UTF-8 或 GB18030（未导入任何数据）"
                ) from None
            except csv.Error as error:
                if "unexpected end of data" in str(error):
                    raise InputError(
                        f"{self.path} 第 {unclosed_quote_line(self.path, encoding)} 行的引号没有"
                        "闭合（从那里到文件末尾都在引号里；未导入任何数据）"
                    ) from None
                raise InputError(
                    f"{self.path} 第 {reader.line_num} 行 CSV 格式错误：{error}（未导入任何数据）"
                ) from None
        if self.errors:
            raise RowErrors(
                f"{self.path} 有 {self.bad_rows} 行错误，未导入任何数据：",
                self.errors,
                self.bad_rows,
            )

    def read_ahead(
        self, ledger_conn: sqlite3.Connection | None = None
    ) -> AbstractContextManager[Iterable[NewRow]]:
        """rows(), read by a forked worker while this process inserts (store/readahead.py):

            with source.read_ahead(ledger.conn) as rows:
                ledger.add_rows(rows)

        Entering forks, so enter before the write transaction begins. On a platform without
        fork, and for files under READ_AHEAD_MIN_BYTES, this is rows() itself. A bad file raises
        the same error as rows(), once every row has been read."""
        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0  # rows() says why it cannot be read
        if not readahead.available() or size < READ_AHEAD_MIN_BYTES:
            return nullcontext(self.rows())
        return readahead.ReadAhead(
            self.rows,
            str(self.path),
            ledger_conn=ledger_conn,
            chunk_rows=READ_AHEAD_ROWS,
            on_refused=self._refused,
        )

    def _refused(self, refused: readahead.Refused) -> None:
        self.errors, self.bad_rows = refused.rows, refused.bad_rows or 0

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
            target.report,
            target.id,
            target.unit,
            target.kind == "growth",
            unit_family(target.unit) is not None,
            target.indicator,
            target.value,
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


def checked_rows(
    rows: Iterable[NewRow],
    targets: dict[tuple[str, str], Target],
    load_book: Callable[[], FigureBook],
    skipped: list[int],
) -> Iterator[NewRow]:
    """The rows that pass the one figure check (xlgl/recording.py), in the file's order: a
    duplicate of a figure the ledger (or the file) already has is left out and counted in
    `skipped[0]`; a refused figure is collected, and when the rows end with any, RowErrors names
    them all and the import's transaction rolls back. The book of what the ledger holds is loaded
    when the first row is asked for: inside the write transaction that stores the rows."""
    problems: list[str] = []
    book = load_book()
    days: dict[str, date] = {}
    known: dict[tuple[str, str], tuple[Target, Any]] = {}  # a target and its figures in `book`
    plain = book.plain
    for row in rows:
        key = (row[0], row[1])
        found = known.get(key)
        if found is None:
            target = targets[key]
            found = known[key] = (target, book.figures_of(target))
        as_of = row[4]
        day = days.get(as_of)
        if day is None:
            day = days[as_of] = date.fromisoformat(as_of)
        # the plain case in a few comparisons; the rest through the whole check (same rules)
        action = plain(found[1], found[0], row[2], day)
        if action is None:
            try:
                action = book.check(found[0], row[2], day).action
            except FigureRefused as refused:
                problems.append(in_a_file(refused))
                continue
        if action == DUPLICATE:
            skipped[0] += 1
            continue
        yield row
    if problems:
        raise RowErrors(
            f"有 {len(problems)} 个数字未通过检查，未导入任何数据：",
            problems[:MAX_LISTED_ERRORS],
            len(problems),
        )
