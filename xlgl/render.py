"""Rendering: every view is a list of rows, rendered as a rich table, one JSON document, or CSV.

The dict forms (`target_dict`, `status_dict`, `record_dict`) are the JSON and CSV contract of
DESIGN.md; tables show the same rows for people. rich is imported only when a table is drawn.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import IO, Any

from xlgl.model import TARGET_FIELDS, Record, Target
from xlgl.progress import Evaluation, summarize
from xlgl.units import format_number, format_value
from xlgl.words import KIND_LABELS, STATUS_LABELS, STATUS_TONES, STATUSES

# The terminal's colours for the vocabulary's tones (words.STATUS_TONES).
TONE_STYLES = {"bad": "bold red", "warn": "yellow", "good": "green", "quiet": "bright_black"}
STATUS_STYLES = {status: TONE_STYLES[tone] for status, tone in STATUS_TONES.items()}

COMPARATOR_WORDS = {
    "at_least": "{}以上",
    "at_most": "{}以内",
    "approx": "{}左右",
    "reach": "{}",
    "stable": "稳定在{}",
}

STATUS_FIELDS = [
    "id",
    "section",
    "indicator",
    "kind",
    "comparator",
    "value",
    "value_hi",
    "unit",
    "direction",
    "baseline",
    "start",
    "due",
    "owner",
    "latest",
    "latest_as_of",
    "completion",
    "time_progress",
    "expected",
    "expected_at_latest",
    "status",
    "reasons",
    "reason_codes",
    "light",
    "met_on",
    "final",
    "next_report_due",
    "frequency",
    "lag_days",
    "scale",
    "scale_unit",
    "report",
]
RECORD_FIELDS = [
    "id",
    "uuid",
    "target",
    "value",
    "unit",
    "as_of",
    "recorded_at",
    "by",
    "source",
    "note",
    "voids",
    "voided",
    "report",
    "forced",
    "progress",
    "problems",
    "next_steps",
    "evidence",
    "review",  # 销号: null, submitted, verified or rejected
]
REVIEW_MARKS = {"submitted": "（待复核）", "rejected": "（退回）"}

FRACTION_DIGITS = 4  # completion 0.7643 — enough for a tenth of a percentage point


# --- the contract: rows as dicts -----------------------------------------------------------------


def target_dict(target: Target) -> dict[str, Any]:
    return {name: _plain(getattr(target, name)) for name in TARGET_FIELDS}


def status_dict(row: Evaluation) -> dict[str, Any]:
    """The keys of STATUS_FIELDS, in that order. Written out key by key (at 100,000 rows a loop
    over the field names, with getattr, isinstance and a reordering pass, cost 0.3 s more); the
    dates and time progress, shared by many rows, are formatted once each (_DAYS, _PROGRESS)."""
    target = row.target
    latest_as_of = row.latest_as_of
    completion = row.completion
    reasons = row.reasons
    expected_at_latest = row.expected_at_latest
    met_on = row.met_on
    report_due = row.next_report_due
    return {
        "id": target.id,
        "section": target.section,
        "indicator": target.indicator,
        "kind": target.kind,
        "comparator": target.comparator,
        "value": target.value,
        "value_hi": target.value_hi,
        "unit": target.unit,
        "direction": target.direction,
        "baseline": target.baseline,
        "start": _DAYS[target.start],
        "due": _DAYS[target.due],
        "owner": target.owner,
        "latest": row.latest,
        "latest_as_of": None if latest_as_of is None else _DAYS[latest_as_of],
        "completion": None if completion is None else round(completion, FRACTION_DIGITS),
        "time_progress": _PROGRESS[row.time_progress],
        "expected": round(row.expected, FRACTION_DIGITS),
        "expected_at_latest": None
        if expected_at_latest is None
        else round(expected_at_latest, FRACTION_DIGITS),
        "status": row.status,
        "reasons": [reason.text for reason in reasons] if reasons else [],
        "reason_codes": [reason.code for reason in reasons] if reasons else [],
        "light": row.light,
        "met_on": None if met_on is None else _DAYS[met_on],
        "final": row.final,
        "next_report_due": None if report_due is None else _DAYS[report_due],
        "frequency": target.frequency,
        "lag_days": target.lag_days,
        "scale": target.scale,
        "scale_unit": target.scale_unit,
        "report": target.report,
    }


class _Memo(dict):
    """memo[x] is function(x), computed the first time x is looked up."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.function(key)
        return value


_DAYS = _Memo(date.isoformat)  # a few hundred dates at most
_PROGRESS = _Memo(lambda value: round(value, FRACTION_DIGITS))  # one per (start, due, as-of)


def record_dict(record: Record) -> dict[str, Any]:
    return {name: _plain(getattr(record, name)) for name in RECORD_FIELDS}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# --- machine formats -----------------------------------------------------------------------------


def write_json(rows: Iterable[dict[str, Any]], out: IO[str] | None = None) -> None:
    """One JSON array, a row a line. Rows are encoded one by one, so a document of 100,000 rows
    is never held whole, and written a thousand at a time rather than in two writes a row."""
    out = out or sys.stdout
    # One encoder for all rows; rows are plain data, so no check for circular references.
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False).encode
    rows = iter(rows)
    out.write("[")
    lead = "\n "
    while chunk := [encode(row) for row in islice(rows, JSON_CHUNK)]:
        out.write(lead + ",\n ".join(chunk))
        lead = ",\n "
    out.write("\n]\n")


JSON_CHUNK = 1000  # rows a write


def write_csv(
    rows: Iterable[dict[str, Any]], fields: Sequence[str], out: IO[str] | None = None
) -> None:
    writer = csv.writer(out or sys.stdout, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([csv_cell(row[name]) for name in fields])


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text that begins like a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "；".join(str(item) for item in value)
    if isinstance(value, str):
        if value.startswith(FORMULA_STARTS):
            value = "'" + value
        if "\r" in value:
            # The writer ends lines with \n and so does not quote a lone \r, which every CSV
            # reader takes for the end of a row: line breaks in a cell are written as \n.
            value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


# --- words people read ---------------------------------------------------------------------------


def target_text(target: Target) -> str:
    """The target as the report words it: 1.4亿吨左右, 2000万千瓦以上, 5%以内, 1—2家."""
    if target.comparator == "range" and target.value_hi is not None:
        return f"{format_number(target.value)}—{format_value(target.value_hi, target.unit)}"
    pattern = COMPARATOR_WORDS.get(target.comparator, "{}")
    return pattern.format(format_value(target.value, target.unit))


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def short_date(day: date | None, as_of: date) -> str:
    """09-30 within the as-of year, the full date otherwise."""
    if day is None:
        return ""
    return day.isoformat()[5:] if day.year == as_of.year else day.isoformat()


def summary_line(rows: Sequence[Evaluation], as_of: date) -> str:
    """The counts per status worth saying, worst first: a line people paste into a message."""
    counts = summarize(rows)
    parts = " · ".join(f"{STATUS_LABELS[s]} {counts[s]}" for s in STATUSES if counts[s])
    return f"截至 {as_of.isoformat()}，共 {len(rows)} 个目标" + (f"：{parts}" if parts else "")


# --- tables --------------------------------------------------------------------------------------


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


def _title(out, text: str) -> None:
    _say(out, text, "bold")


def _say(out, text: str, style: str = "") -> None:
    """A line of text folded by display width (a summary may be longer than the terminal)."""
    from rich.cells import cell_len

    from xlgl.grid import wrap

    lines: list[str] = []
    for part in text.split(" · "):  # a summary breaks between its counts, not inside one
        joined = f"{lines[-1]} · {part}" if lines else part
        if lines and cell_len(joined) <= out.width:
            lines[-1] = joined
        else:
            lines.extend(
                wrap(part if lines else joined, out.width, indent="  ", first="  " if lines else "")
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
    _title(out, f"{title}（截至 {as_of.isoformat()}）")
    _print_grid(out, columns, lines, width, wide)
    waiting = sum(pending.get((row.target.report, row.target.id), 0) for row in rows)
    _say(out, summary_line(rows, as_of) + (f"；{waiting} 条实绩待复核，未计入" if waiting else ""))


def _print_grid(out, columns, lines, width: int, wide: bool) -> None:
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
        _title(out, f"{section}（{len(members)} 个目标）")
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
        _print_grid(out, columns, lines, out.width, wide)
        out.print()
    _say(out, f"共 {len(targets)} 个目标，{len(sections)} 个章节")


def local_minute(recorded_at: str) -> str:
    """A UTC timestamp as local time to the minute: 2024-10-08T01:02:03+00:00 → 2024-10-08 09:02
    in Asia/Shanghai. Text that is not a timestamp is shown as it is (cut to the minute)."""
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(recorded_at.replace("Z", "+00:00"))
    except ValueError:
        return recorded_at[:16].replace("T", " ")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


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
    _title(out, title)
    _print_grid(out, columns, lines, out.width, wide)
    voided = sum(1 for r in records if r.voided)
    _say(out, f"共 {len(records)} 条记录" + (f"，其中 {voided} 条已作废" if voided else ""))


def print_target_detail(
    row: Evaluation,
    places: Sequence[dict[str, Any]],
    records: Sequence[Record],
    links: Sequence[tuple[str, str]] = (),
) -> None:
    """One target: its facts (every text from data cleaned and never read as markup), its
    chart and its records."""
    from rich.text import Text

    from xlgl.grid import clean

    out = console()
    target = row.target
    out.print(
        Text.assemble(
            (clean(target.id), "bold cyan"),
            "  ",
            (clean(target.indicator), "bold"),
            "  ",
            clean(target_text(target)),
        )
    )
    facts: list[tuple[str, str, str]] = []  # label, text, style

    def fact(label: str, value: str, style: str = "") -> None:
        facts.append((label, clean(value), style))

    fact("章节", f"{target.section} {target.topic}")
    kind = KIND_LABELS.get(target.kind, target.kind)
    comparator = COMPARATOR_WORDS.get(target.comparator, "{}").format("").strip()
    direction = "越高越好" if target.direction == "up" else "越低越好"
    fact("类型", f"{kind} / {comparator or target.comparator} / {direction}")
    fact("期间", f"{target.start.isoformat()} 至 {target.due.isoformat()}")
    if target.baseline is not None:
        fact(f"{target.year - 1}年基数", format_value(target.baseline, target.unit))
    for label, text in links:  # the targets of the previous and next years (year_link_facts)
        fact(label, text)
    fact("牵头单位", target.owner or "（未指定）")
    for label, text in (
        ("配合单位", "、".join(target.co_owners)),
        ("分管领导", target.leader or ""),
        ("联系人", target.contact or ""),
    ):
        if text:
            fact(label, text)
    for place in places:
        fact("报告原文", f"{place['section']} 第{place['offset']}字：“{place['quote']}”")
    fact("最新", format_value(row.latest, target.unit) if row.latest is not None else "—")
    fact(
        "进度",
        f"完成率 {percent(row.completion)} · 时间进度 {percent(row.time_progress)} · "
        f"应完成 {percent(row.expected)}",
    )
    fact("状态", STATUS_LABELS[row.status], STATUS_STYLES[row.status])
    for reason in row.reasons:
        fact("", reason.text)
    _print_facts(out, facts)
    actuals = [r.as_actual() for r in records if r.voids is None and r.value is not None]
    if actuals and out.width >= 70:
        from xlgl.chart import print_chart

        out.print()
        print_chart(out, target, actuals, row.as_of)
        out.print()
    if records:
        print_records_table(records, title=f"{clean(target.indicator)} 的记录")
    else:
        out.print("尚无记录")


def _print_facts(out, facts: Sequence[tuple[str, str, str]]) -> None:
    """Label and text side by side, the text folded by display width under itself."""
    from rich.cells import cell_len
    from rich.text import Text

    from xlgl.grid import wrap

    column = max(cell_len(label) for label, _, _ in facts) + 2
    for label, value, style in facts:
        lead = label + " " * (column - cell_len(label))
        for number, line in enumerate(wrap(value, out.width, indent=" " * column, first=lead)):
            text = Text(line)
            if number == 0 and label:
                text.stylize("bright_black", 0, len(label))
            if style:
                text.stylize(style, len(lead) if number == 0 else column, len(line))
            out.print(text, soft_wrap=True, crop=False)


# --- one choice of format for every listing -----------------------------------------------------


@dataclass(frozen=True)
class View:
    """A listing's three renderings: its table for people, its dicts for JSON and CSV."""

    fields: Sequence[str]
    to_dict: Callable[[Any], dict[str, Any]]
    print_table: Callable[..., None]


STATUS = View(STATUS_FIELDS, status_dict, print_status_table)


def status_view(pending: Mapping[tuple[str, str], int]) -> View:
    """STATUS with `pending`: how many of a row's figures wait for verification (销号), not
    counted yet; its table takes the same counts as `pending=`."""

    def to_dict(row: Evaluation) -> dict[str, Any]:
        return status_dict(row) | {"pending": pending.get((row.target.report, row.target.id), 0)}

    return View([*STATUS_FIELDS, "pending"], to_dict, print_status_table)


TARGETS = View(TARGET_FIELDS, target_dict, print_targets_table)
RECORDS = View(RECORD_FIELDS, record_dict, print_records_table)


def emit(view: View, items: Sequence[Any], fmt: str, **table_options: Any) -> None:
    """Print `items` as `fmt` (table, json or csv); table_options go to the table only."""
    if fmt == "json":
        write_json(map(view.to_dict, items))
    elif fmt == "csv":
        write_csv(map(view.to_dict, items), view.fields)
    else:
        view.print_table(items, **table_options)
