"""Terminal tables laid out by hand, measured in cells as a terminal shows them (CJK is 2 cells).

rich's Table measures and wraps every cell generically, about 70 µs a cell: 80 ms for the
106 × 11 status table, more than the rest of `xlgl status` together. These tables have a fixed
shape (known columns, short cells, a few that may fold when the terminal is narrow), so they are
laid out here in a few milliseconds; rich still measures characters, applies the styles and
knows the terminal (its width, NO_COLOR, no colour codes in a pipe).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, chop_cells
from rich.text import Span, Text

GAP = "  "
RULE = "─"


@dataclass(frozen=True)
class Column:
    header: str
    align: str = "left"  # "left" or "right"
    fold: int = 0  # 0: never wraps; n: folds onto more lines when space is short, down to n cells
    style: str = ""


# A cell is its text (lines split by "\n"), or (text, style) to colour it.
Cell = str | tuple[str, str]


def draw(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int) -> Text:
    """The table as styled text: a bold header, a rule, then the rows, each cell aligned in its
    column; folding columns narrow (widest first) until the table fits `width`."""
    cells = [[_split(cell) for cell in row] for row in rows]
    widths = [cell_len(column.header) for column in columns]
    for row in cells:
        for index, (lines, _style) in enumerate(row):
            widths[index] = max(widths[index], *(cell_len(line) for line in lines))
    _fit(columns, widths, width)

    out = _Builder()
    out.line(columns, widths, [(column.header, "bold") for column in columns])
    out.text(RULE * (sum(widths) + len(GAP) * (len(widths) - 1)) + "\n")
    for row in cells:
        folded = [
            [part for line in lines for part in _fold(line, widths[index])]
            for index, (lines, _style) in enumerate(row)
        ]
        for depth in range(max(len(parts) for parts in folded)):
            pieces = [
                (parts[depth] if depth < len(parts) else "", row[index][1] or columns[index].style)
                for index, parts in enumerate(folded)
            ]
            out.line(columns, widths, pieces)
    return Text("".join(out.plain), spans=out.spans)


def _split(cell: Cell) -> tuple[list[str], str]:
    text, style = (cell, "") if isinstance(cell, str) else cell
    return text.split("\n"), style


def _fit(columns: Sequence[Column], widths: list[int], width: int) -> None:
    """Narrow the folding columns, always the widest of them, until the table fits."""
    excess = sum(widths) + len(GAP) * (len(widths) - 1) - width
    floors = {
        index: max(column.fold, cell_len(column.header))
        for index, column in enumerate(columns)
        if column.fold
    }
    while excess > 0:
        shrinkable = [index for index, floor in floors.items() if widths[index] > floor]
        if not shrinkable:
            return  # as narrow as it goes: the terminal wraps what is left
        widest = max(shrinkable, key=lambda index: widths[index])
        widths[widest] -= 1
        excess -= 1


# Where a line may break: between any two CJK characters, at a space, never inside a run of
# ASCII (17.8, 2024-09-30, coal-output).
_TOKENS = re.compile(r"[!-~]+| +|.")


def _fold(line: str, width: int) -> list[str]:
    if cell_len(line) <= width:
        return [line]
    lines: list[str] = []
    current = ""
    for token in _TOKENS.findall(line):
        if cell_len(current + token.rstrip()) <= width:
            current += token
            continue
        lines.append(current.rstrip())
        current = token.lstrip()
        while cell_len(current) > width:  # an ASCII run longer than the column
            head, *_ = chop_cells(current, width)
            lines.append(head)
            current = current[len(head) :]
    lines.append(current.rstrip())
    return [text for text in lines if text]


class _Builder:
    """The table's text as pieces and style spans, joined once (Text.append a piece is slower)."""

    def __init__(self) -> None:
        self.plain: list[str] = []
        self.spans: list[Span] = []
        self.length = 0

    def text(self, plain: str) -> None:
        self.plain.append(plain)
        self.length += len(plain)

    def line(
        self, columns: Sequence[Column], widths: Sequence[int], pieces: Sequence[tuple[str, str]]
    ) -> None:
        """One line of the table; nothing after its last non-empty cell (no trailing blanks)."""
        last = max((index for index, (piece, _) in enumerate(pieces) if piece), default=-1)
        parts = []
        at = self.length
        for index in range(last + 1):
            piece, style = pieces[index]
            pad = " " * (widths[index] - cell_len(piece))
            if columns[index].align == "right":
                parts.append(pad)
                at += len(pad)
            if style and piece:
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
