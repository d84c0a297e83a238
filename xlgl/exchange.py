"""Moving records between ledgers as JSON lines (`xlgl export-records` / `xlgl import-records`).

One JSON object a line, oldest record first:

    {"uuid": "…", "target": "coal-output", "value": 5361.0, "unit": "万吨", "as_of": "2024-03-31",
     "recorded_at": "2024-04-20T08:00:00.000000+00:00", "by": "…", "source": "…", "note": null,
     "voids": null}

A voiding record has `"value": null` and `voids` set to the UUID of the record it voids (ids differ
between ledgers; UUIDs do not). Importing adds only the records the ledger lacks, so the same file
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
from datetime import date
from pathlib import Path
from typing import Any

from xlgl.errors import InputError, one_line
from xlgl.files import replace_into
from xlgl.ledger import ExchangedRecord

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
)


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
        out.write(json.dumps({k: record[k] for k in FIELDS}, ensure_ascii=False, allow_nan=False))
        out.write("\n")
        count += 1
    return count


def read_records(path: Path | str, errors: list[str]) -> Iterator[ExchangedRecord]:
    """The file's records, one at a time; a bad line is appended to `errors` and skipped (the
    ledger's import_records raises once the file has been read, naming every bad line)."""
    if str(path) == "-":
        yield from _parse_lines(sys.stdin.buffer, errors)
        return
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 (a with block below)
    except OSError as error:
        raise InputError(f"无法读取 {path}：{error.strerror}") from None
    with handle:
        yield from _parse_lines(handle, errors)


def _parse_lines(handle: Any, errors: list[str]) -> Iterator[ExchangedRecord]:
    for number, raw in enumerate(handle, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            yield parse_record(raw, number)
        except InputError as error:
            errors.append(f"第 {number} 行：{one_line(str(error))}")


def parse_record(raw: bytes, line: int) -> ExchangedRecord:
    """One line of an exchange file; InputError with the reason if it is not a valid record."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError("不是 UTF-8 文本") from None
    except ValueError as error:
        raise InputError(f"不是 JSON（{error.msg}）") from None
    if not isinstance(data, dict):
        raise InputError("不是 JSON 对象")
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
    for name in ("target", "recorded_at", "unit", "by", "source", "note"):
        item = data.get(name)
        if item is not None and not isinstance(item, str):
            raise InputError(f"{name} 须为字符串")
        texts[name] = item
    try:
        as_of = date.fromisoformat(str(data["as_of"]))
    except ValueError:
        raise InputError(f"as_of “{data['as_of']}”不是 ISO 日期（如 2024-09-30）") from None
    return ExchangedRecord(
        line=line,
        uuid=record_uuid,
        target=texts["target"],
        value=value,
        unit=texts["unit"],
        as_of=as_of,
        recorded_at=texts["recorded_at"],
        by=texts["by"],
        source=texts["source"],
        note=texts["note"],
        voids=voids,
    )


def _uuid(value: Any, name: str) -> str:
    try:
        return str(uuid_module.UUID(str(value)))
    except ValueError:
        raise InputError(f"{name} “{value}”不是 UUID") from None
