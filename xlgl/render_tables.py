"""Terminal tables: the console (rich on a terminal, plain text in a pipe), its line and grid
printers, and the status, targets and records tables. rich is imported only when a table is drawn."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from typing import IO, Any

from xlgl.model import Record, Target
from xlgl.progress import Evaluation
from xlgl.render_words import local_minute, percent, short_date, summary_line, target_text
from xlgl.units import format_value
from xlgl.words import KIND_LABELS, STATUS_LABELS, STATUS_TONES

# The terminal's colours for the vocabulary's tones (words.STATUS_TONES).
TONE_STYLES = {"bad": "bold red", "warn": "yellow", "good": "green", "quiet": "bright_black"}
STATUS_STYLES = {status: TONE_STYLES[tone] for status, tone in STATUS_TONES.items()}

REVIEW_MARKS = {"submitted": "（待复核）", "rejected": "（退回）"}


def console(stderr: bool = False):
    """A rich console for tables. Data is never read as markup or emoji codes; colour and bold
    only on a terminal without NO_COLOR (in a pipe or with NO_COLOR: no escape codes at all);
    no wrapping in pipes."""
    stream = sys.stderr if stderr else sys.stdout
    is_terminal = stream.isatty()
    columns = os.environ.get("COLUMNS")
    if not is_terminal and (columns is None or columns.isdigit()):
        return PlainConsole(stream, int(columns) if columns else 1000)
    from rich.console import Console

    plain = not is_terminal or bool(os.environ.get("NO_COLOR"))
    width = None if is_terminal or os.environ.get("COLUMNS") else 1000
    out = Console(
        file=stream,
        width=width,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=not is_terminal,
        color_system=None if plain else "auto",
        no_color=plain,
    )
    out.on_broken_pipe = _reader_left  # type: ignore[method-assign]  # rich's own exits 1, which means "found items" here
    return out


class PlainConsole:
    """What a pipe gets: the plain text, unwrapped, written as it is. Importing and setting up
    rich's Console costs more than printing a table, so a pipe (scripts, the benchmark's
    start-up figure) goes without it. Prints what the Console would: no markup, no colour."""

    color_system = None

    def __init__(self, file: IO[str], width: int) -> None:
        self.file = file
        self.width = width

    def print(self, *objects: Any, end: str = "\n", **_: Any) -> None:
        self.file.write(" ".join(str(item) for item in objects) + end)


def _reader_left() -> None:
    """`xlgl status | head`: the reader stopped early, which is not an error."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    raise SystemExit(0)


def completion_bar(value: float | None, width: int = 10) -> str:
    """███████▋    76.4%: eighths of a block, capped at full; the percentage beside it (only
    the percentage when width is 0)."""
    if value is None:
        return "—"
    if width <= 0:
        return percent(value)
    filled = max(0.0, min(1.0, value)) * width
    whole = int(filled)
    eighths = " ▏▎▍▌▋▊▉"[int((filled - whole) * 8)]
    bar = "█" * whole + (eighths if whole < width else "")
    return f"{bar:<{width}} {percent(value):>6}"


def bar_width(width: int, wide: bool = False) -> int:
    """The completion bar's length for a table `width` cells wide: none below 120 columns."""
    if wide or width >= 140:
        return 10
    return 5 if width >= 120 else 0


def status_text(status: str):
    from rich.text import Text

    return Text(STATUS_LABELS[status], style=STATUS_STYLES[status])


def print_title(out, text: str) -> None:
    """A title line, bold on a terminal."""
    print_folded(out, text, "bold")


def print_folded(out, text: str, style: str = "", *, first: str = "", indent: str = "  ") -> None:
    """A line of text folded by display width (a summary may be longer than the terminal): its
    first line after `first`, the lines it folds into after `indent`."""
    from rich.cells import cell_len

    from xlgl.grid import wrap

    lines: list[str] = []
    for part in text.split(" · "):  # a summary breaks between its counts, not inside one
        joined = f"{lines[-1]} · {part}" if lines else part
        if lines and cell_len(joined) <= out.width:
            lines[-1] = joined
        else:
            lines.extend(
                wrap(
                    part if lines else joined,
                    out.width,
                    indent=indent,
                    first=indent if lines else first,
                )
            )
    if out.color_system is None:  # plain text: no need of rich.text
        for line in lines:
            out.print(line, soft_wrap=True, crop=False)
        return
    from rich.text import Text

    for line in lines:
        out.print(Text(line, style=style), soft_wrap=True, crop=False)


def print_status_table(
    rows: Sequence[Evaluation],
    as_of: date,
    *,
    title: str = "目标进度",
    wide: bool = False,
    pending: Mapping[tuple[str, str], int] | None = None,
) -> None:
    """The status table. Narrow terminals keep id, 指标, 状态, 完成率 (and 目标, 最新); 章节,
    截至, 应完成, 时间进度 go first; reasons go on their own line under their row, and so does
    the count of a target's figures that wait for verification (`pending`), if any."""
    pending = pending or {}
    from xlgl.grid import Column

    out = console()
    width = out.width
    bar = bar_width(width, wide)
    columns = (
        Column("id", style="cyan", fold=12, soft=20),
        Column("章节", drop=1),
        Column("指标", fold=8, soft=16),
        Column("目标", align="right", drop=6),
        Column("最新", align="right", drop=7),
        Column("截至", drop=2),
        Column("完成率", align="right" if not bar else "left"),
        Column("时间进度", align="right", drop=4),
        Column("应完成", align="right", drop=3),
        Column("状态"),
        Column("原因", fold=12, soft=24, under=""),
    )
    lines = []
    for row in rows:
        target = row.target
        style = STATUS_STYLES[row.status]
        lines.append(
            (
                target.id,
                target.section,
                target.indicator,
                target_text(target),
                format_value(row.latest, target.unit) if row.latest is not None else "—",
                short_date(row.latest_as_of, as_of),
                (completion_bar(row.completion, bar), style),
                percent(row.time_progress),
                percent(row.expected),
                (STATUS_LABELS[row.status], style),
                "\n".join(
                    [reason.text for reason in row.reasons]
                    + [f"{n} 条实绩待复核" for n in [pending.get((target.report, target.id))] if n]
                ),
            )
        )
    print_title(out, f"{title}（截至 {as_of.isoformat()}）")
    print_grid(out, columns, lines, width, wide)
    waiting = sum(pending.get((row.target.report, row.target.id), 0) for row in rows)
    print_folded(
        out, summary_line(rows, as_of) + (f"；{waiting} 条实绩待复核，未计入" if waiting else "")
    )


def print_grid(out, columns, lines, width: int, wide: bool) -> None:
    """Print a table laid out by grid.py as it is: it already fits the width, rich must not wrap
    it again. Without colour (a pipe, NO_COLOR) the plain text is all there is to write."""
    from xlgl.grid import draw, draw_plain

    if out.color_system is None:
        out.file.write(draw_plain(columns, lines, width, wide=wide))
    else:
        out.print(draw(columns, lines, width, wide=wide), end="", soft_wrap=True, crop=False)


def print_targets_table(targets: Sequence[Target], *, wide: bool = False) -> None:
    from xlgl.grid import Column

    columns = (
        Column("id", style="cyan", fold=12, soft=20),
        Column("指标", fold=8, soft=16),
        Column("目标", align="right"),
        Column("类型", drop=1),
        Column("时限", drop=2),
        Column("牵头单位", fold=6, soft=10),
    )
    sections: dict[str, list[Target]] = {}
    for target in targets:
        sections.setdefault(target.section, []).append(target)
    out = console()
    for section, members in sections.items():
        print_title(out, f"{section}（{len(members)} 个目标）")
        lines = [
            (
                t.id,
                t.indicator,
                target_text(t),
                KIND_LABELS.get(t.kind, t.kind),
                t.due.isoformat(),
                t.owner or "",
            )
            for t in members
        ]
        print_grid(out, columns, lines, out.width, wide)
        out.print()
    print_folded(out, f"共 {len(targets)} 个目标，{len(sections)} 个章节")


def print_records_table(
    records: Sequence[Record], *, title: str = "记录", wide: bool = False
) -> None:
    from xlgl.grid import Column

    columns = (
        Column("#", align="right"),
        Column("目标", style="cyan", fold=12, soft=20),
        Column("数值", align="right"),
        Column("截至"),
        Column("录入时间", drop=3),
        Column("录入人", fold=6, soft=8),
        Column("来源", fold=10, soft=16, under="来源：", drop=2),
        Column("备注", fold=10, soft=16, under="备注：", drop=1),
    )
    lines = []
    for record in records:
        if record.voids is not None:
            value = f"作废 #{record.voids}"
        elif record.voided:
            value = f"{format_value(record.value, record.unit)}（已作废）"
        else:
            value = format_value(record.value, record.unit) + REVIEW_MARKS.get(
                record.review or "", ""
            )
        dim = "bright_black" if record.voids is not None or record.voided else ""
        cells = (
            str(record.id),
            record.target,
            value,
            record.as_of.isoformat(),
            local_minute(record.recorded_at),
            record.by or "",
            record.source or "",
            record.note or "",
        )
        lines.append(tuple((cell, dim) if dim else cell for cell in cells))
    out = console()
    print_title(out, title)
    print_grid(out, columns, lines, out.width, wide)
    voided = sum(1 for r in records if r.voided)
    print_folded(out, f"共 {len(records)} 条记录" + (f"，其中 {voided} 条已作废" if voided else ""))
