"""Reading and checking seed files: the report's target list, in TOML (or JSON of the same shape).

A seed has a `[report]` table (key, title, year, source) and one `[[target]]` table per target with
the fields of docs/seed.md. Where the report text named by `source` lies beside the seed file, every
quote is checked against it at its offset. A bad seed is refused whole, in one line naming every
bad entry (InputError, exit 2), before any ledger is opened.

`source` is a plain file name in the seed's own folder: an absolute path, a directory part, `..`
or a symlink that leads out of the folder is refused, so a seed never reads another file into a
ledger. Every number must be finite (TOML and JSON both spell nan and inf).

Each target comes back as a dict with every field filled, defaults included:
frequency "event" for a milestone else "year", lag_days 0, scale/scale_unit None, also_units [],
aliases [], retired False, retired_reason None, confidence None, review False.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from xlgl.errors import InputError
from xlgl.model import COMPARATORS, DIRECTIONS, FREQUENCIES, KINDS
from xlgl.texts import MAX_TEXT  # the same cap as every other text field
from xlgl.units import unit_family

DEFAULT_SEED_NAME = "targets-2024.toml"

REQUIRED = ("id", "section", "indicator", "kind", "comparator", "value", "unit", "quote")
MAX_LAG_DAYS = 400
MAX_REPORT_BYTES = 20_000_000  # a report text is some 100 KB; anything near this is not one
MAX_SHOWN = 5  # problems named in the one-line error
KEY_PATTERN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?")
RESERVED_KEYS = ("all",)  # `--report all` means every report


@dataclass(frozen=True)
class Seed:
    report: dict[str, Any]
    targets: list[dict[str, Any]]
    report_text: str | None


def packaged_seed_dir() -> Path:
    """The seed shipped in the wheel (xlgl/seed), or the checkout's top-level seed/ directory."""
    shipped = resources.files("xlgl") / "seed"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parent.parent / "seed"


def default_seed_path() -> Path:
    return packaged_seed_dir() / DEFAULT_SEED_NAME


def load_seed(path: Path) -> Seed:
    """Read and check a seed file; InputError (one line) when anything in it is wrong."""
    data = _read(path)
    report_table = data.get("report")
    if not isinstance(report_table, dict):
        raise InputError(f"种子文件 {path} 缺少 [report] 表")
    entries = data.get("target")
    if not isinstance(entries, list) or not entries:
        raise InputError(f"种子文件 {path} 没有 [[target]] 条目")
    try:
        report = _check_report(report_table)
    except ValueError as error:
        raise InputError(f"种子文件 {path} 的 [report]：{error}") from None
    report_text = _report_text(path, report["source"])

    problems: list[str] = []
    targets: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        try:
            target = _check_target(entry, report, report_text)
        except ValueError as error:
            label = entry.get("id") if isinstance(entry, dict) else None
            label = label if isinstance(label, str) and label else f"#{number}"
            problems.append(f"目标 {label[:40]}：{error}")
            continue
        if target["id"] in seen:
            problems.append(f"目标 {target['id']}：id 重复")
        seen.add(target["id"])
        targets.append(target)
    problems += _name_clashes(targets)
    if problems:
        shown = "；".join(problems[:MAX_SHOWN])
        if len(problems) > MAX_SHOWN:
            shown += f"；另有 {len(problems) - MAX_SHOWN} 处"
        raise InputError(f"种子文件 {path} 有 {len(problems)} 处错误：{shown}")
    return Seed(report=report, targets=targets, report_text=report_text)


def _read(path: Path) -> dict[str, Any]:
    try:
        if not path.is_file():
            raise InputError(f"种子文件 {path} 不存在或不是普通文件")
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"无法读取种子文件 {path}：{error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except UnicodeDecodeError:
        raise InputError(f"种子文件 {path} 不是 UTF-8 编码") from None
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, RecursionError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"种子文件 {path} 格式错误：{detail}") from None
    if not isinstance(data, dict):
        raise InputError(f"种子文件 {path} 格式错误：顶层须为表（对象）")
    return data


# --- the report ---------------------------------------------------------------------------------


def _check_report(table: dict[str, Any]) -> dict[str, Any]:
    year = table.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999:
        raise ValueError("year 须为年份整数（如 2024）")
    title = table.get("title", "")
    if not isinstance(title, str) or len(title) > MAX_TEXT:
        raise ValueError("title 须为文字")
    source = table.get("source")
    if source is not None:
        _check_source_name(source)
    key = table.get("key")
    if key is None:
        key = default_report_key(source, year)
    elif not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise ValueError("key 须为 ASCII 短名（字母、数字、- _ .，如 xlgl-2024）")
    if key.casefold() in RESERVED_KEYS:
        raise ValueError(f"key 不能是保留字“{key}”")
    return {"key": key, "title": title, "year": year, "source": source}


def default_report_key(source: str | None, year: int) -> str:
    """The key of a report whose seed names none: the ASCII slug of its source file's stem
    (xilinguole-2024-work-report.txt → xilinguole-2024-work-report), else report-<year>."""
    if source:
        slug = re.sub(r"[^a-z0-9]+", "-", Path(source).stem.lower()).strip("-")[:64].strip("-")
        if slug and slug not in RESERVED_KEYS:
            return slug
    return f"report-{year}"


def _check_source_name(source: Any) -> None:
    if not isinstance(source, str) or not source.strip():
        raise ValueError("source 须为报告原文的文件名")
    if source.startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:", source):
        raise ValueError(f"source 须为种子文件旁的文件名，不能是绝对路径：{source[:80]}")
    if "/" in source or "\\" in source or source in (".", ".."):
        raise ValueError(f"source 须为种子文件旁的文件名，不能含目录或“..”：{source[:80]}")
    if any(ord(c) < 32 or ord(c) == 127 for c in source) or len(source) > 255:
        raise ValueError("source 文件名含控制字符或过长")


def _report_text(seed_path: Path, source: str | None) -> str | None:
    """The report text named by `source`, read only from the seed's own folder; None when the
    file is not there (the quotes are then not checked)."""
    if not source:
        return None
    folder = seed_path.resolve().parent
    candidate = folder / source
    try:
        if not candidate.exists():
            return None
        real = candidate.resolve(strict=True)
        if real.parent != folder:
            raise InputError(f"种子文件 {seed_path} 的 source“{source}”链接到种子所在文件夹以外")
        if not real.is_file():
            raise InputError(f"种子文件 {seed_path} 的 source“{source}”不是普通文件")
        if real.stat().st_size > MAX_REPORT_BYTES:
            raise InputError(f"种子文件 {seed_path} 的 source“{source}”过大，不像报告原文")
        return real.read_bytes().decode("utf-8-sig")
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop on older Pythons
        reason = getattr(error, "strerror", None) or "无法解析路径"
        raise InputError(f"无法读取种子文件 {seed_path} 的 source“{source}”：{reason}") from None
    except UnicodeDecodeError:
        raise InputError(f"种子文件 {seed_path} 的 source“{source}”不是 UTF-8 文本") from None


# --- one target ---------------------------------------------------------------------------------


def _check_target(entry: Any, report: dict[str, Any], report_text: str | None) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ValueError("不是表")
    missing = [name for name in REQUIRED if name not in entry]
    if missing:
        raise ValueError("缺少字段 " + ", ".join(missing))
    target_id = entry["id"]
    if (
        not isinstance(target_id, str)
        or not target_id.isascii()
        or not target_id.strip()
        or len(target_id) > 64
        or not target_id.isprintable()
    ):
        raise ValueError("id 须为非空 ASCII 字符串（至多 64 个字符）")
    kind = _choice(entry, "kind", KINDS)
    comparator = _choice(entry, "comparator", COMPARATORS)
    direction = entry.get("direction", "down" if comparator == "at_most" else "up")
    if direction not in DIRECTIONS:
        raise ValueError("direction 须为 up 或 down")
    unit = _text(entry, "unit", empty=True)
    if unit_family(unit) is None:
        raise ValueError(f"单位“{unit}”无法识别")
    value = _required_number(entry, "value")
    value_hi = _number(entry, "value_hi", optional=True)
    if comparator == "range" and (value_hi is None or value_hi < value):
        raise ValueError("range 目标须有不小于 value 的 value_hi")
    year = entry.get("year", report["year"])
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999:
        raise ValueError("year 须为年份整数")
    start = _date(entry.get("start", date(year, 1, 1)), "start")
    due = _date(entry.get("due", date(year, 12, 31)), "due")
    if due < start:
        raise ValueError("due 早于 start")
    quote = _text(entry, "quote")
    offset = entry.get("offset")
    if offset is not None and (isinstance(offset, bool) or not isinstance(offset, int)):
        raise ValueError("offset 须为整数")
    also = _also(entry.get("also", []))
    if report_text is not None:
        for place in [{"quote": quote, "offset": offset}, *also]:
            _check_quote(place, report_text)
    frequency = entry.get("frequency", "event" if kind == "milestone" else "year")
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency 须为 {'/'.join(FREQUENCIES)} 之一")
    lag_days = entry.get("lag_days", 0)
    if isinstance(lag_days, bool) or not isinstance(lag_days, int):
        raise ValueError("lag_days 须为整数天数")
    if not 0 <= lag_days <= MAX_LAG_DAYS:
        raise ValueError(f"lag_days 须在 0 到 {MAX_LAG_DAYS} 之间")
    scale, scale_unit = _scale(entry)
    retired = _flag(entry, "retired")
    retired_reason = entry.get("retired_reason")
    if retired_reason is not None:
        retired_reason = _text(entry, "retired_reason")
    if retired and not retired_reason:
        raise ValueError("retired 目标须写明 retired_reason")
    confidence = _number(entry, "confidence", optional=True)
    if confidence is not None and not 0 <= confidence <= 1:
        raise ValueError("confidence 须在 0 到 1 之间")
    owner = entry.get("owner") or None
    if owner is not None:
        owner = _text(entry, "owner")
    return {
        "id": target_id,
        "year": year,
        "section": _text(entry, "section"),
        "topic": _text(entry, "topic", empty=True) if "topic" in entry else "",
        "indicator": _text(entry, "indicator"),
        "kind": kind,
        "comparator": comparator,
        "value": value,
        "value_hi": value_hi,
        "unit": unit,
        "direction": direction,
        "baseline": _number(entry, "baseline", optional=True),
        "start": start,
        "due": due,
        "quote": quote,
        "offset": offset,
        "also": also,
        "owner": owner,
        "frequency": frequency,
        "lag_days": lag_days,
        "scale": scale,
        "scale_unit": scale_unit,
        "also_units": _also_units(entry, unit),
        "aliases": _aliases(entry),
        "retired": retired,
        "retired_reason": retired_reason,
        "confidence": confidence,
        "review": _flag(entry, "review"),
    }


def _choice(entry: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = entry.get(name)
    if value not in allowed:
        raise ValueError(f"{name} 须为 {'/'.join(allowed)} 之一")
    return str(value)


def _text(entry: dict[str, Any], name: str, *, empty: bool = False) -> str:
    value = entry.get(name)
    if not isinstance(value, str):
        raise ValueError(f"{name} 须为文字")
    if not empty and not value.strip():
        raise ValueError(f"{name} 不能为空")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{name} 过长（至多 {MAX_TEXT} 个字符）")
    return value


def _flag(entry: dict[str, Any], name: str) -> bool:
    value = entry.get(name, False)
    if not isinstance(value, bool):
        raise ValueError(f"{name} 须为 true 或 false")
    return value


def _also(places: Any) -> list[dict[str, Any]]:
    """Other places the report states the same target: each with section, quote and offset."""
    if not isinstance(places, list):
        raise ValueError("also 须为列表（[[target.also]]）")
    checked = []
    for number, place in enumerate(places, start=1):
        if not isinstance(place, dict):
            raise ValueError(f"also 第 {number} 项不是表")
        missing = [name for name in ("section", "quote", "offset") if name not in place]
        if missing:
            raise ValueError(f"also 第 {number} 项缺少字段 {', '.join(missing)}")
        offset = place["offset"]
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise ValueError(f"also 第 {number} 项的 offset 须为整数")
        checked.append(
            {
                "section": _text(place, "section"),
                "quote": _text(place, "quote"),
                "offset": offset,
            }
        )
    return checked


def _scale(entry: dict[str, Any]) -> tuple[float | None, str | None]:
    scale = _number(entry, "scale", optional=True)
    scale_unit = entry.get("scale_unit")
    if scale is None and scale_unit is None:
        return None, None
    if scale is None or scale_unit is None:
        raise ValueError("scale 与 scale_unit 须同时给出")
    if scale <= 0:
        raise ValueError("scale 须大于 0")
    scale_unit = _text(entry, "scale_unit")
    if unit_family(scale_unit) is None:
        raise ValueError(f"scale_unit“{scale_unit}”无法识别")
    return scale, scale_unit


def _also_units(entry: dict[str, Any], unit: str) -> list[str]:
    units = entry.get("also_units", [])
    if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
        raise ValueError("also_units 须为单位文字的列表")
    for also_unit in units:
        if not also_unit or unit_family(also_unit) is None:
            raise ValueError(f"also_units 中的单位“{also_unit}”无法识别")
        if also_unit == unit:
            raise ValueError(f"also_units 重复了目标单位“{unit}”")
    if len(set(units)) != len(units):
        raise ValueError("also_units 有重复")
    return list(units)


def _aliases(entry: dict[str, Any]) -> list[str]:
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list):
        raise ValueError("aliases 须为文字列表")
    for alias in aliases:
        if not isinstance(alias, str) or not alias.strip() or len(alias) > 100:
            raise ValueError("aliases 的每一项须为非空文字（至多 100 个字符）")
        if alias != alias.strip() or not alias.isprintable():
            raise ValueError(f"别名“{alias.strip()}”首尾有空白或含控制字符")
    return list(aliases)


def _name_clashes(targets: list[dict[str, Any]]) -> list[str]:
    """An alias must find one target: no alias twice, none equal to another target's id or
    indicator (compared without case)."""
    owners: dict[str, str] = {}
    for target in targets:
        for name in (target["id"], target["indicator"]):
            owners.setdefault(name.casefold(), target["id"])
    problems = []
    seen: dict[str, str] = {}
    for target in targets:
        for alias in target["aliases"]:
            folded = alias.casefold()
            if folded in seen:
                problems.append(f"别名“{alias}”重复（{seen[folded]} 与 {target['id']}）")
            elif owners.get(folded, target["id"]) != target["id"]:
                problems.append(f"目标 {target['id']} 的别名“{alias}”已是 {owners[folded]} 的名称")
            seen.setdefault(folded, target["id"])
    return problems


def _check_quote(place: dict[str, Any], report_text: str) -> None:
    quote, offset = place.get("quote"), place.get("offset")
    if not isinstance(quote, str) or not isinstance(offset, int):
        raise ValueError("quote/offset 缺失")
    if offset < 0 or report_text[offset : offset + len(quote)] != quote:
        raise ValueError(f"引文与报告第 {offset} 字处不符：{quote[:20]}")


def _number(entry: dict[str, Any], name: str, optional: bool = False) -> float | None:
    value = entry.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} 须为数值")
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        raise ValueError(f"{name} 过大") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} 须为有限数值，不能是 nan 或 inf")
    return number


def _required_number(entry: dict[str, Any], name: str) -> float:
    number = _number(entry, name)
    assert number is not None  # _number refuses a missing value unless optional
    return number


def _date(value: Any, name: str) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"{name} 须为日期，不带时刻：{value}")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name} 不是日期：{str(value)[:40]}") from None
