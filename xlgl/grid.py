"""Terminal tables laid out by hand, measured in cells as a terminal shows them (CJK is 2 cells).

rich's Table measures and wraps every cell generically, about 70 µs a cell: 80 ms for the
106 × 11 status table, more than the rest of `xlgl status` together. These tables have a fixed
shape (known columns, short cells, a few that may fold when the terminal is narrow), so they are
laid out here in a few milliseconds; rich still applies the styles and knows the terminal (its
width, NO_COLOR, no colour codes in a pipe).

A table fits the width it is given. Past its natural width it gives way in this order: columns
marked `under` leave the row and go on a line of their own beneath it (reasons, notes), columns
with a `drop` rank go (lowest rank first: 章节, 截至, 应完成 …), folding columns fold inside
their column (widest first), and if that is still not enough every column folds. Folding is
linear in the length of the text, so a note of a million characters costs no more than its
length.

Every cell is cleaned (`clean`) before it is measured: data never moves the cursor, sets a
title, writes the clipboard or reverses the text of a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len

if TYPE_CHECKING:
    from rich.text import Span, Text

GAP = "  "
RULE = "─"
UNDER_INDENT = "    "
FIRST_TO_GO = 3  # drop ranks that go before any column folds
NARROWEST = 4  # no column folds below this, except when the terminal is narrower still


class Column(NamedTuple):  # a NamedTuple, not a dataclass: `xlgl --help` starts sooner
    header: str
    align: str = "left"  # "left" or "right"
    fold: int = 0  # 0: never folds unless nothing else helps; n: folds down to n cells
    style: str = ""
    drop: int = 0  # 0: always shown; n: left out when narrow, lowest n first
    under: str | None = None  # when narrow, shown on its own line under the row, after this label
    soft: int = 0  # a folding column's comfortable width: columns drop before it folds below


# A cell is its text (lines split by "\n"), or (text, style) to colour it.
Cell = str | tuple[str, str]


# --- text safe for a terminal ---------------------------------------------------------------------

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and isolates
# (which reverse what follows them on screen). Tab becomes a space; the rest are removed.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """`text` without anything a terminal would act on (escape sequences, controls, bidi)."""
    if text.isprintable():
        return text
    return _UNSAFE.sub("", text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n"))


# --- folding --------------------------------------------------------------------------------------

# Where a line may break: between any two CJK characters, at a space, never inside a run of
# ASCII (17.8, 2024-09-30, coal-output) unless the run is longer than the line.
# Opening brackets and quotes stay with what follows them, closing ones and CJK punctuation with
# what precedes them (no line starts with ，or ends with （).
_TOKENS = re.compile(
    r"[!-~]+[，。、；：）」』”》！？]*| +|[（「『“《]*[^ ][，。、；：）」』”》！？]*"
)


def _cells(token: str) -> int:
    if token.isascii():
        return len(token)
    if len(token) > 4:
        return cell_len(token)
    size = _SHORT.get(token)
    if size is None:
        size = _SHORT[token] = cell_len(token)
    return size


_SHORT: dict[str, int] = {}  # a CJK character (with its punctuation) measured once


def _fold(line: str, width: int, first: int | None = None) -> list[str]:
    """`line` in pieces of at most `width` cells (the first piece at most `first`): linear in
    its length (each token is measured once, a line's width is kept as a running sum)."""
    width = max(1, width)
    limit = width if first is None else max(1, first)
    if len(line) <= min(width, limit) // 2 or (len(line) <= limit and _cells(line) <= limit):
        return [line]
    lines: list[str] = []
    current: list[str] = []
    used = 0

    def flush(strip: bool = True) -> None:
        nonlocal current, used, limit
        text = "".join(current)
        lines.append(text.rstrip() if strip else text)
        current, used, limit = [], 0, width

    for token in _TOKENS.findall(line):
        size = _cells(token)
        if token[0] == " ":
            if used and used + size <= limit:
                current.append(token)
                used += size
            elif used:
                flush()
            continue
        if used + size <= limit:
            current.append(token)
            used += size
            continue
        if used:
            flush()
        if size <= limit:
            current, used = [token], size
            continue
        for piece in _chop(token, limit, width):  # a run longer than the line: cut it
            if used:
                flush(strip=False)
            current, used = [piece], _cells(piece)
    if used:
        flush()
    return [text for text in lines if text]


def _chop(token: str, first: int, width: int) -> Iterator[str]:
    """A run too long for a line in pieces: the first at most `first` cells, then `width`."""
    limit = first
    if token.isascii():  # after a hyphen where one is near the end of the line (coal-/output)
        start = 0
        while len(token) - start > limit:
            end = start + limit
            cut = max(token.rfind(mark, start, end) for mark in "-_/.")
            end = cut + 1 if cut >= start + limit // 2 else end
            yield token[start:end]
            start, limit = end, width
        yield token[start:]
        return
    piece: list[str] = []
    used = 0
    for char in token:
        size = cell_len(char)
        if used + size > limit and piece:
            yield "".join(piece)
            piece, used, limit = [], 0, width
        piece.append(char)
        used += size
    if piece:
        yield "".join(piece)


def wrap(text: str, width: int, *, indent: str = "", first: str = "") -> list[str]:
    """Text wrapped to `width` terminal cells: the first line after `first`, the rest after
    `indent`; line breaks in the text are kept."""
    lines: list[str] = []
    lead = first
    for paragraph in clean(text).split("\n"):
        room = max(1, width - cell_len(lead))
        pieces = _fold(paragraph, max(1, width - cell_len(indent)), room) or [""]
        lines.append(lead + pieces[0])
        lines.extend(indent + piece for piece in pieces[1:])
        lead = indent
    return [line.rstrip() for line in lines]


# --- the table ------------------------------------------------------------------------------------


def draw(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int, *, wide: bool = False
) -> Text:
    """The table as styled text: a bold header, a rule, then the rows, each cell aligned in its
    column, fitted to `width` cells (see the module's docstring); `wide` shows every column as
    it is, however wide."""
    from rich.text import Text

    out = _lay_out(columns, rows, width, wide, _Builder())
    return Text("".join(out.plain), spans=out.spans)


def draw_plain(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int, *, wide: bool = False
) -> str:
    """draw()'s text without its styles (for a pipe: no need to import rich.text)."""
    return "".join(_lay_out(columns, rows, width, wide, _Builder(styles=False)).plain)


def _lay_out(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    width: int,
    wide: bool,
    out: _Builder,
) -> _Builder:
    cells = [[_split(cell) for cell in row] for row in rows]
    natural = [cell_len(column.header) for column in columns]
    for row in cells:
        for index, (lines, _style) in enumerate(row):
            for line in lines:
                if len(line) * 2 > natural[index]:  # no line of ≤ half the width can be widest
                    natural[index] = max(natural[index], _cells(line))
    shown, under = (list(range(len(columns))), []) if wide else _choose(columns, natural, width)
    widths = {index: natural[index] for index in shown}
    if not wide:
        _fit(columns, widths, width)

    inline = [columns[index] for index in shown]
    sizes = [widths[index] for index in shown]
    header = [
        _fold(column.header, widths[index]) for index, column in zip(shown, inline, strict=True)
    ]
    for depth in range(max((len(parts) for parts in header), default=1)):
        out.line(inline, sizes, [(p[depth] if depth < len(p) else "", "bold") for p in header])
    out.text(RULE * _total(sizes) + "\n")
    for row in cells:
        folded = [
            [part for line in row[index][0] for part in _fold(line, widths[index])]
            for index in shown
        ]
        for depth in range(max((len(parts) for parts in folded), default=0)):
            pieces = [
                (parts[depth] if depth < len(parts) else "", row[index][1] or columns[index].style)
                for index, parts in zip(shown, folded, strict=True)
            ]
            out.line(inline, sizes, pieces)
        for index in under:
            lines, style = row[index]
            text = "；".join(line for line in lines if line)
            if not text:
                continue
            label = columns[index].under or ""
            for piece in wrap(label + text, width, indent=UNDER_INDENT, first=UNDER_INDENT):
                out.styled(piece, style or columns[index].style, skip=len(UNDER_INDENT))
    return out


def _split(cell: Cell) -> tuple[list[str], str]:
    text, style = (cell, "") if isinstance(cell, str) else cell
    return clean(text).split("\n"), style


def _total(widths: Sequence[int]) -> int:
    return sum(widths) + len(GAP) * (len(widths) - 1)


def _choose(
    columns: Sequence[Column], natural: Sequence[int], width: int
) -> tuple[list[int], list[int]]:
    """Which columns stay in the row and which go under it; the ones that go are, in order,
    the `under` ones, then `drop` ones by rank while the rest (folding ones at their
    comfortable width) would not fit; then `drop` ones while the rest at their floors would
    not fit."""
    shown = list(range(len(columns)))
    under: list[int] = []

    def comfortable(index: int) -> int:
        column = columns[index]
        if column.fold and column.soft:
            return min(natural[index], max(column.soft, column.fold))
        return natural[index]

    def floor(index: int) -> int:
        column = columns[index]
        if not column.fold:
            return natural[index]
        return min(natural[index], max(column.fold, cell_len(column.header)))

    order = sorted(
        (index for index, column in enumerate(columns) if column.under is not None or column.drop),
        key=lambda index: (0 if columns[index].under is not None else 1, columns[index].drop),
    )

    def as_is(index: int) -> int:
        return natural[index]

    # First the columns that give way first (under ones, drop rank ≤ FIRST_TO_GO) while the
    # table as it is would not fit; then the others while it would not fit at comfortable
    # widths; then while it would not fit at the folding columns' floors.
    for measure, last_rank in ((as_is, FIRST_TO_GO), (comfortable, None), (floor, None)):
        for index in order:
            if _total([measure(i) for i in shown]) <= width:
                break
            if index not in shown:
                continue
            if last_rank is not None and columns[index].drop > last_rank:
                break
            shown.remove(index)
            if columns[index].under is not None:
                under.append(index)
    return shown, under


def _fit(columns: Sequence[Column], widths: dict[int, int], width: int) -> None:
    """Narrow the folding columns, always the widest of them, until the table fits; then, if
    need be, every column (the terminal is narrower than the table's floors)."""
    excess = _total(list(widths.values())) - width
    if excess <= 0:
        return
    floors = {
        index: max(columns[index].fold, min(cell_len(columns[index].header), widths[index]))
        for index in widths
        if columns[index].fold
    }
    excess = _narrow(widths, floors, excess)
    if excess > 0:
        _narrow(widths, dict.fromkeys(widths, NARROWEST), excess)
    if _total(list(widths.values())) > width:
        _narrow(widths, dict.fromkeys(widths, 1), _total(list(widths.values())) - width)


def _narrow(widths: dict[int, int], floors: dict[int, int], excess: int) -> int:
    """Take `excess` cells from the columns in `floors`, widest first, none below its floor."""
    while excess > 0:
        shrinkable = [index for index, floor in floors.items() if widths[index] > floor]
        if not shrinkable:
            return excess
        widest = max(shrinkable, key=lambda index: widths[index])
        others = [widths[index] for index in shrinkable if index != widest]
        # down to the next widest at once (or by what is needed), not one cell a turn
        step = max(1, min(excess, widths[widest] - max([floors[widest], *others])))
        widths[widest] -= step
        excess -= step
    return 0


class _Builder:
    """The table's text as pieces and style spans, joined once (Text.append a piece is slower)."""

    def __init__(self, *, styles: bool = True) -> None:
        self.plain: list[str] = []
        self.spans: list[Span] = []
        self.length = 0
        self.styles = styles  # False: the plain text only (spans stay empty)

    def text(self, plain: str) -> None:
        self.plain.append(plain)
        self.length += len(plain)

    def styled(self, line: str, style: str, *, skip: int = 0) -> None:
        if style and len(line) > skip and self.styles:
            from rich.text import Span

            self.spans.append(Span(self.length + skip, self.length + len(line), style))
        self.text(line + "\n")

    def line(
        self, columns: Sequence[Column], widths: Sequence[int], pieces: Sequence[tuple[str, str]]
    ) -> None:
        """One line of the table; nothing after its last non-empty cell (no trailing blanks)."""
        last = max((index for index, (piece, _) in enumerate(pieces) if piece), default=-1)
        if self.styles:
            from rich.text import Span
        parts = []
        at = self.length
        for index in range(last + 1):
            piece, style = pieces[index]
            pad = " " * max(0, widths[index] - _cells(piece))
            if columns[index].align == "right":
                parts.append(pad)
                at += len(pad)
            if style and piece and self.styles:
                self.spans.append(Span(at, at + len(piece), style))
            parts.append(piece)
            at += len(piece)
            if index != last:
                if columns[index].align != "right":
                    parts.append(pad)
                    at += len(pad)
                parts.append(GAP)
                at += len(GAP)
        parts.append("\n")
        self.plain.extend(parts)
        self.length = at + 1
