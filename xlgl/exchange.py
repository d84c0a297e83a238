"""Moving records between ledgers as JSON lines (`xlgl export-records` / `xlgl import-records`).

One JSON object a line, oldest record first:

    {"uuid": "…", "target": "coal-output", "value": 5361.0, "unit": "万吨", "as_of": "2024-03-31",
     "recorded_at": "2024-04-20T08:00:00.000000+00:00", "by": "…", "source": "…", "note": null,
     "voids": null}

A voiding record has `"value": null` and `voids` set to the UUID of the record it voids (ids differ
between ledgers; UUIDs do not). `submitted` is true for a figure made while its ledger required
verification (销号); after the records come the verdicts on them, records of their own:

    {"uuid": "…", "verifies": "<the record's UUID>", "verdict": "verified", "by": "…",
     "at": "2024-10-08T01:02:03.000000+00:00", "reason": null, "report": "xlgl-2024"}

A figure imported into a ledger that requires verification waits there too.

Importing adds only the records the ledger lacks, so the same file
imported twice adds nothing the second time. The whole file goes in or nothing does: a line that is
not such an object, a target the receiving ledger does not have, a unit that differs from the
target's, or a void whose record is nowhere to be found rejects the file, naming every bad line.
"""

from __future__ import annotations

import json
import math
import sys
import uuid as uuid_module
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from xlgl.errors import InputError, RowErrors, one_line
from xlgl.files import replace_into
from xlgl.recording import DUPLICATE, FigureRefused, figure_book, in_a_file
from xlgl.store import Ledger, reviews
from xlgl.store.reviews import VERDICT_FIELDS
from xlgl.texts import checked_text

MAX_LISTED_ROWS = 50  # bad lines named in one error message
MAX_LINE_BYTES = 1_000_000  # a record with every text field at its cap is some 100 KB

FIELDS = (
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
    "report",
    "submitted",
)


@dataclass(frozen=True, slots=True)
class ExchangedRecord:
    """A record as it travels between ledgers: named by its UUID; a voiding record names the
    record it voids by that record's UUID. `report` None (a file from xlgl 0.1): the one report
    of the receiving ledger that holds `target`."""

    line: int  # where it stands in the file, for messages
    uuid: str
    target: str
    value: float | None
    unit: str | None
    as_of: date
    recorded_at: str
    by: str | None
    source: str | None
    note: str | None
    voids: str | None
    report: str | None = None
    submitted: bool = False  # made where verification was required: it waits here too


class Standing(Enum):
    """What the receiving ledger makes of a record in the file."""

    NEW = "new"  # not here: add it
    PRESENT = "present"  # here already, the same: skip it
    REFUSED = "refused"  # here with other content, or it cannot be placed: the file is refused


def write_records(records: Iterable[dict[str, Any]], path: Path | str) -> int:
    """Write records as JSON lines to `path` ('-' for stdout); returns how many. A file is
    written beside its final name and renamed into place, so a reader never sees half of it."""
    if str(path) == "-":
        return _write_lines(records, sys.stdout)
    with replace_into(path) as temp, open(temp, "w", encoding="utf-8", newline="\n") as out:
        return _write_lines(records, out)


def _write_lines(records: Iterable[dict[str, Any]], out: Any) -> int:
    count = 0
    for record in records:
        keys = VERDICT_FIELDS if "verdict" in record else FIELDS
        out.write(json.dumps({k: record[k] for k in keys}, ensure_ascii=False, allow_nan=False))
        out.write("\n")
        count += 1
    return count


def read_all(path: Path | str) -> list[ExchangedRecord | ExchangedVerdict]:
    """The whole file, parsed and checked, before any lock is taken (issue 15 #14: a slow or
    endless source must not hold the ledger's write lock); RowErrors naming every bad line."""
    errors: list[str] = []
    records = list(read_records(path, errors))
    if errors:
        raise RowErrors(
            f"有 {len(errors)} 行错误，未导入任何记录：", errors[:MAX_LISTED_ROWS], len(errors)
        )
    return records


def read_records(
    path: Path | str, errors: list[str]
) -> Iterator[ExchangedRecord | ExchangedVerdict]:
    """The file's records, one at a time; a bad line is appended to `errors` and skipped (the
    ledger's import_records raises once the file has been read, naming every bad line)."""
    if str(path) == "-":
        yield from _parse_lines(sys.stdin.buffer, errors)
        return
    from xlgl.importer import check_regular_file

    check_regular_file(Path(path))
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 (a with block below)
    except OSError as error:
        raise InputError(f"无法读取 {path}：{error.strerror}") from None
    with handle:
        yield from _parse_lines(handle, errors)


def _parse_lines(handle: Any, errors: list[str]) -> Iterator[ExchangedRecord | ExchangedVerdict]:
    for number, raw in enumerate(_lines(handle), start=1):
        if raw is None:
            errors.append(f"第 {number} 行：过长（超过 {MAX_LINE_BYTES} 字节），不是一条记录")
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            yield parse_record(raw, number)
        except InputError as error:
            errors.append(f"第 {number} 行：{one_line(str(error))}")


def _lines(handle: Any) -> Iterator[bytes | None]:
    """The handle's lines; None for a line longer than MAX_LINE_BYTES, read past in chunks and
    never held whole (a file of zeros without a newline is not read into memory)."""
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) <= MAX_LINE_BYTES or raw.endswith(b"\n"):
            yield raw
            continue
        while raw and not raw.endswith(b"\n"):
            raw = handle.readline(MAX_LINE_BYTES)
        yield None


def parse_record(raw: bytes, line: int) -> ExchangedRecord | ExchangedVerdict:
    """One line of an exchange file; InputError with the reason if it is not a valid record."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError("不是 UTF-8 文本") from None
    except json.JSONDecodeError as error:
        raise InputError(f"不是 JSON（{error.msg}）") from None
    except ValueError as error:  # a number too long to read
        raise InputError(f"不是可读的 JSON（{error}）") from None
    if not isinstance(data, dict):
        raise InputError("不是 JSON 对象")
    if "verdict" in data:
        return parse_verdict(data, line)
    missing = [name for name in ("uuid", "target", "as_of", "recorded_at") if not data.get(name)]
    if missing:
        raise InputError(f"缺少字段 {', '.join(missing)}")
    record_uuid = _uuid(data["uuid"], "uuid")
    voids = _uuid(data["voids"], "voids") if data.get("voids") is not None else None
    value = data.get("value")
    if voids is None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise InputError(f"value 须为数字，而不是 {json.dumps(value, ensure_ascii=False)}")
        value = float(value)
    elif value is not None:
        raise InputError("作废记录（voids 非空）的 value 须为 null")
    texts = {}
    for name in ("target", "recorded_at", "unit", "by", "source", "note", "report"):
        item = data.get(name)
        if item is not None and not isinstance(item, str):
            raise InputError(f"{name} 须为字符串")
        checked_text(item, name)  # the cap of every text field (xlgl/texts.py)
        texts[name] = item
    try:
        as_of = date.fromisoformat(str(data["as_of"]))
    except ValueError:
        raise InputError(f"as_of “{data['as_of']}”不是 ISO 日期（如 2024-09-30）") from None
    if voids is None and "unit" in data and not texts["unit"]:  # absent: the target's unit
        raise InputError("unit 为空：须写明记录的单位（如 “万吨”），或不写这一项")
    try:  # it orders corrections: one that cannot be read would silently lose to or beat others
        stamp = datetime.fromisoformat(str(texts["recorded_at"]))
    except ValueError:
        raise InputError(
            f"recorded_at “{texts['recorded_at']}”不是 ISO 时间（如 2024-10-01T08:00:00+00:00）"
        ) from None
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)  # compared as text: one form
    return ExchangedRecord(
        line=line,
        uuid=record_uuid,
        target=str(texts["target"]),
        value=value,
        unit=texts["unit"],
        as_of=as_of,
        recorded_at=stamp.astimezone(UTC).isoformat(timespec="microseconds"),
        by=texts["by"],
        source=texts["source"],
        note=texts["note"],
        voids=voids,
        report=texts["report"],
        submitted=data.get("submitted") is True,
    )


def _uuid(value: Any, name: str) -> str:
    try:
        return str(uuid_module.UUID(str(value)))
    except ValueError:
        raise InputError(f"{name} “{value}”不是 UUID") from None


# --- merging into a ledger --------------------------------------------------------------------------


def import_records(
    ledger: Ledger, records: Iterable[ExchangedRecord | ExchangedVerdict], errors: list[str]
) -> tuple[int, int]:
    """Add the records `ledger` lacks, in one transaction; returns (added, already there).

    A record already there (same UUID, same content) is skipped, so importing a file twice adds
    nothing. Problems are appended to `errors` as "第 N 行：reason" (read_records adds its own
    there too); if there are any when the records end, nothing is written and RowErrors is
    raised naming every one."""
    added = present = 0
    with ledger.write():
        units: dict[tuple[str, str], str] = {
            (report, target): unit
            for report, target, unit in ledger.conn.execute("SELECT report, id, unit FROM targets")
        }
        reports_of: dict[str, list[str]] = {}
        for report, target in units:
            reports_of.setdefault(target, []).append(report)
        voiding: list[tuple[ExchangedRecord, str]] = []
        verdicts: list[ExchangedVerdict] = []
        waiting = reviews.waits(ledger)
        targets = {(t.report, t.id): t for t in ledger.targets(include_retired=True)}
        book = figure_book(ledger, targets.values(), date.today())  # as for `xlgl record`
        for record in records:
            if isinstance(record, ExchangedVerdict):
                verdicts.append(record)  # after every record: they judge records of the file too
                continue
            standing, report, problem = _standing(ledger, record, units, reports_of)
            if standing is Standing.PRESENT:
                present += 1
            elif standing is Standing.REFUSED:
                errors.append(f"第 {record.line} 行：{problem}")
            elif record.voids is not None:
                voiding.append((record, report))  # after the file's other records: they may be its
            else:
                try:
                    verdict = book.check(targets[(report, record.target)], record.value or 0.0,
                                         record.as_of)  # fmt: skip
                except FigureRefused as refused:
                    errors.append(f"第 {record.line} 行：{in_a_file(refused)}")
                    continue
                if verdict.action == DUPLICATE:  # the same figure under another UUID
                    present += 1
                    continue
                _insert(ledger, record, report, units[(report, record.target)], None,
                        record.submitted or waiting)  # fmt: skip
                added += 1
        for record, report in voiding:
            voided = ledger.record_by_uuid(record.voids or "")
            if voided is None:
                problem = f"作废的记录 {record.voids} 既不在本台账中，也不在文件中"
            elif voided["voids_id"] is not None:
                problem = f"作废的记录 {record.voids} 本身是作废记录"
            elif voided.get("voided"):
                problem = f"记录 {record.voids} 已被作废，不能再作废"
            elif (voided["report"], voided["target"]) != (report, record.target):
                problem = (
                    f"作废的记录 {record.voids} 属于目标 {voided['target']}，不是 {record.target}"
                )
            else:
                _insert(ledger, record, report, units[(report, record.target)], voided["id"])
                added += 1
                continue
            errors.append(f"第 {record.line} 行：{problem}")
        judged, known = merge_verdicts(ledger, verdicts, errors)
        added, present = added + judged, present + known
        if errors:
            raise RowErrors(
                f"有 {len(errors)} 行错误，未导入任何记录：", errors[:MAX_LISTED_ROWS], len(errors)
            )
    return added, present


def _standing(
    ledger: Ledger,
    record: ExchangedRecord,
    units: dict[tuple[str, str], str],
    reports_of: dict[str, list[str]],
) -> tuple[Standing, str, str]:
    """(standing, the report it belongs to here, why it is refused)."""
    holders = reports_of.get(record.target, [])
    if record.report is not None:
        holders = [r for r in holders if r == record.report]
    if not holders:
        where = f"报告 {record.report} 的" if record.report else ""
        return (
            Standing.REFUSED,
            "",
            f"{where}目标“{record.target}”不在本台账中（先用同一份种子 init）",
        )
    if len(holders) > 1:
        return Standing.REFUSED, "", f"目标“{record.target}”在本台账的多个报告中，文件未写 report"
    report = holders[0]
    unit = units[(report, record.target)]
    if record.unit is not None and record.unit != unit:
        return (
            Standing.REFUSED,
            report,
            f"目标 {record.target} 的单位在本台账中是“{unit}”，文件中是“{record.unit}”",
        )
    here = ledger.record_by_uuid(record.uuid)
    if here is None:
        return Standing.NEW, report, ""
    mine = (here["report"], here["target"], here["value"], here["as_of"], here["voids"])
    theirs = (report, record.target, record.value, record.as_of.isoformat(), record.voids)
    if mine != theirs:
        return Standing.REFUSED, report, f"记录 {record.uuid} 已在本台账中，但内容不同"
    return Standing.PRESENT, report, ""


def _insert(
    ledger: Ledger,
    record: ExchangedRecord,
    report: str,
    unit: str,
    voids: int | None,
    submitted: bool = False,
) -> None:
    ledger.insert_record(
        report,
        record.target,
        record.value,
        record.unit or unit,
        record.as_of,
        by=record.by,
        source=record.source,
        note=record.note,
        voids=voids,
        record_uuid=record.uuid,
        recorded_at=record.recorded_at,
        submitted=submitted,
    )


# --- verdicts (销号) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExchangedVerdict:
    """A verdict as it travels: named by its UUID, judging the record whose UUID is `verifies`."""

    line: int
    uuid: str
    verifies: str
    verdict: str
    by: str
    at: str
    reason: str | None
    report: str | None = None


def parse_verdict(data: dict[str, Any], line: int) -> ExchangedVerdict:
    from xlgl.model import REJECTED, VERIFIED

    missing = [name for name in ("uuid", "verifies", "by", "at") if not data.get(name)]
    if missing:
        raise InputError(f"缺少字段 {', '.join(missing)}")
    if data["verdict"] not in (VERIFIED, REJECTED):
        raise InputError(f"verdict 须为 {VERIFIED} 或 {REJECTED}")
    for name in ("by", "at", "reason", "report"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise InputError(f"{name} 须为字符串")
        checked_text(data.get(name), name)  # the cap of every text field (xlgl/texts.py)
    return ExchangedVerdict(
        line=line,
        uuid=_uuid(data["uuid"], "uuid"),
        verifies=_uuid(data["verifies"], "verifies"),
        verdict=data["verdict"],
        by=data["by"],
        at=data["at"],
        reason=data.get("reason"),
        report=data.get("report"),
    )


def merge_verdicts(
    ledger: Ledger, verdicts: Iterable[ExchangedVerdict], errors: list[str]
) -> tuple[int, int]:
    """Add the verdicts `ledger` lacks (inside import_records' transaction, after the records);
    returns (added, already there). The same verdict on a record, under another UUID, is already
    there; a different one is refused, as is a verdict by the person who recorded the figure."""
    from xlgl.store.reviews import add_review, review_by_uuid, review_of
    from xlgl.verification import VERDICT_WORDS, same_person

    added = present = 0
    for verdict in verdicts:
        here = review_by_uuid(ledger, verdict.uuid)
        record = ledger.record_by_uuid(verdict.verifies)
        problem = None
        if here is not None:
            if (here["verifies"], here["verdict"]) == (verdict.verifies, verdict.verdict):
                present += 1
                continue
            problem = f"复核记录 {verdict.uuid} 已在本台账中，但内容不同"
        elif record is None:
            problem = f"复核的记录 {verdict.verifies} 既不在本台账中，也不在文件中"
        elif record["voids_id"] is not None:
            problem = f"复核的记录 {verdict.verifies} 是作废记录"
        else:
            by_then = ledger._read('SELECT "by" FROM records WHERE id = ?', [record["id"]])[0][0]
            earlier = review_of(ledger, record["id"])
            if earlier is not None and earlier.verdict == verdict.verdict:
                present += 1
                continue
            if earlier is not None:
                problem = (
                    f"记录 {verdict.verifies} 在本台账中已{VERDICT_WORDS[earlier.verdict]}，"
                    f"文件中为{VERDICT_WORDS[verdict.verdict]}"
                )
            elif same_person(verdict.by, by_then):
                problem = f"复核人 {verdict.by} 就是录入人，复核须由他人进行"
            else:
                add_review(ledger, record["id"], verdict.verdict, verdict.by, verdict.reason,
                           review_uuid=verdict.uuid, at=verdict.at)  # fmt: skip
                added += 1
                continue
        errors.append(f"第 {verdict.line} 行：{problem}")
    return added, present
