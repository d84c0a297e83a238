"""Rendering: every view is a list of rows, rendered as a rich table, one JSON document, or CSV.

The dict forms (`target_dict`, `status_dict`, `record_dict`) are the JSON and CSV contract of
DESIGN.md, written here by `write_json` and `write_csv`; `emit` picks a listing's format. The
tables for people are in render_tables, `show` in render_detail, the words in render_words.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import IO, Any

from xlgl.model import TARGET_FIELDS, Record, Target
from xlgl.progress import Evaluation
from xlgl.render_tables import print_records_table, print_status_table, print_targets_table

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
