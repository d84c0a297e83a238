"""A terminal chart of one target: its recorded figures against the path expected of it.

`chart_lines` is pure (target, records, as-of date → lines of text); `xlgl show` prints it with
colour where the terminal has it. The x axis runs from the target's start to its due date, the y
axis over the target's unit. The expected path is progress.expected_completion × value at each
date (时间进度 line: straight from 0 for a flow, from the 2023 base for a level, flat for a rate).

    ● recorded figure (the latest one per date, voided ones left out)
    · expected path   ┈ the target value   │ the as-of date
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from xlgl.model import Actual, Target
from xlgl.rules import expected_completion, latest_actual
from xlgl.units import format_number, format_value

FIGURE = "●"
PATH = "·"
GOAL = "┈"
TODAY = "│"
LABEL_WIDTH = 10


@dataclass(frozen=True)
class Chart:
    lines: list[str]
    legend: str


def expected_value(target: Target, day: date) -> float:
    """The figure the target should show on `day` (its expected completion × its value)."""
    return expected_completion(target, day) * target.value


def figures(records: Sequence[Actual], as_of: date) -> list[tuple[date, float]]:
    """One (date, value) per as_of date up to `as_of`: the figure the ledger would use then."""
    days = sorted({r.as_of for r in records if r.as_of <= as_of and not r.voided})
    points = []
    for day in days:
        latest = latest_actual(records, day)
        if latest is not None and latest.as_of == day and latest.value is not None:
            points.append((day, latest.value))
    return points


def chart_lines(
    target: Target, records: Sequence[Actual], as_of: date, *, width: int = 52, height: int = 10
) -> Chart:
    points = figures(records, as_of)
    span = max(1, (target.due - target.start).days)
    days = [target.start + timedelta(days=round(span * i / (width - 1))) for i in range(width)]
    path = [expected_value(target, day) for day in days]
    goal = target.value
    values = [goal, *path, *(v for _, v in points)]
    if target.value_hi is not None:
        values.append(target.value_hi)
    low = min(0.0, *values)
    high = max(values) * 1.05 if max(values) > 0 else 1.0
    if high <= low:
        high = low + 1.0

    def row_of(value: float) -> int:
        return round((high - value) / (high - low) * (height - 1))

    def column_of(day: date) -> int:
        offset = (min(max(day, target.start), target.due) - target.start).days
        return round(offset / span * (width - 1))

    grid = [[" "] * width for _ in range(height)]
    goal_row = row_of(goal)
    for column in range(width):
        grid[goal_row][column] = GOAL
    if target.start <= as_of <= target.due:
        today = column_of(as_of)
        for row in range(height):
            grid[row][today] = TODAY
    for column, value in enumerate(path):
        grid[row_of(value)][column] = PATH
    for day, value in points:
        grid[row_of(value)][column_of(day)] = FIGURE

    labels = {0: high, goal_row: goal, height - 1: low}
    lines = []
    for row in range(height):
        label = format_number(round(labels[row], 2)) if row in labels else ""
        lines.append(f"{label:>{LABEL_WIDTH}} ┤{''.join(grid[row])}")
    axis = "└" + "─" * width
    lines.append(" " * LABEL_WIDTH + " " + axis)
    start_text, due_text = target.start.isoformat(), target.due.isoformat()
    gap = max(1, width + 1 - len(start_text) - len(due_text))
    lines.append(" " * (LABEL_WIDTH + 1) + start_text + " " * gap + due_text)
    legend = (
        f"{FIGURE} 实绩（{target.unit or '无单位'}）  {PATH} 应达进度  "
        f"{GOAL} 目标 {format_value(goal, target.unit)}  {TODAY} 截至 {as_of.isoformat()}"
    )
    return Chart(lines, legend)


STYLES = {FIGURE: "bold cyan", PATH: "yellow", GOAL: "green", TODAY: "bright_black"}


def print_chart(out, target: Target, records: Sequence[Actual], as_of: date) -> None:
    """Print the chart on a rich console (colours only where the console has them)."""
    from rich.text import Text

    chart = chart_lines(target, records, as_of)
    out.print(Text(f"{target.indicator}：实绩与应达进度", style="bold"))
    for line in chart.lines:
        text = Text()
        for char in line:
            text.append(char, style=STYLES.get(char, ""))
        out.print(text)
    out.print(Text(chart.legend, style="bright_black"))
