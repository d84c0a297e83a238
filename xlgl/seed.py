"""Reading and checking seed files: the report's target list, in TOML (or JSON of the same shape).

A seed has a `[report]` table (title, year, source) and one `[[target]]` table per target with the
fields of DESIGN.md. Where the report text named by `source` lies beside the seed file, every quote
is checked against it at its offset. A bad seed is refused whole, naming every bad entry.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from xlgl.errors import InputError
from xlgl.model import COMPARATORS, DIRECTIONS, KINDS
from xlgl.units import unit_family

DEFAULT_SEED_NAME = "targets-2024.toml"

REQUIRED = ("id", "section", "indicator", "kind", "comparator", "value", "unit", "quote")


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
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"无法读取种子文件 {path}：{error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"种子文件 {path} 格式错误：{error}") from None

    report = data.get("report")
    if not isinstance(report, dict):
        raise InputError(f"种子文件 {path} 缺少 [report] 表")
    entries = data.get("target")
    if not isinstance(entries, list) or not entries:
        raise InputError(f"种子文件 {path} 没有 [[target]] 条目")

    report_text = _report_text(path, report)
    problems: list[str] = []
    targets = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        try:
            target = _check_target(entry, report, report_text)
        except ValueError as error:
            label = entry.get("id", f"#{number}") if isinstance(entry, dict) else f"#{number}"
            problems.append(f"目标 {label}：{error}")
            continue
        if target["id"] in seen:
            problems.append(f"目标 {target['id']}：id 重复")
        seen.add(target["id"])
        targets.append(target)
    if problems:
        shown = "；".join(problems[:5]) + (
            f"；另有 {len(problems) - 5} 处" if len(problems) > 5 else ""
        )
        raise InputError(f"种子文件 {path} 有 {len(problems)} 处错误：{shown}")
    return Seed(report=report, targets=targets, report_text=report_text)


def _report_text(path: Path, report: dict[str, Any]) -> str | None:
    source = report.get("source")
    if not source:
        return None
    candidate = path.parent / str(source)
    if not candidate.is_file():
        return None
    return candidate.read_text(encoding="utf-8")


def _check_target(entry: Any, report: dict[str, Any], report_text: str | None) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ValueError("不是表")
    missing = [name for name in REQUIRED if name not in entry]
    if missing:
        raise ValueError("缺少字段 " + ", ".join(missing))
    target_id = entry["id"]
    if not isinstance(target_id, str) or not target_id.isascii() or not target_id.strip():
        raise ValueError("id 须为非空 ASCII 字符串")
    if entry["kind"] not in KINDS:
        raise ValueError(f"kind 须为 {'/'.join(KINDS)} 之一")
    if entry["comparator"] not in COMPARATORS:
        raise ValueError(f"comparator 须为 {'/'.join(COMPARATORS)} 之一")
    direction = entry.get("direction", "down" if entry["comparator"] == "at_most" else "up")
    if direction not in DIRECTIONS:
        raise ValueError("direction 须为 up 或 down")
    if unit_family(str(entry["unit"])) is None:
        raise ValueError(f"单位“{entry['unit']}”无法识别")
    value = _number(entry, "value")
    value_hi = _number(entry, "value_hi", optional=True)
    if entry["comparator"] == "range" and (value_hi is None or value_hi < value):
        raise ValueError("range 目标须有不小于 value 的 value_hi")
    year = int(entry.get("year", report.get("year", 2024)))
    start = _date(entry.get("start", date(year, 1, 1)), "start")
    due = _date(entry.get("due", date(year, 12, 31)), "due")
    if due < start:
        raise ValueError("due 早于 start")
    quote = entry["quote"]
    offset = entry.get("offset")
    also = entry.get("also", [])
    if report_text is not None:
        for place in [{"quote": quote, "offset": offset}, *also]:
            _check_quote(place, report_text)
    return {
        "id": target_id,
        "year": year,
        "section": str(entry["section"]),
        "topic": str(entry.get("topic", "")),
        "indicator": str(entry["indicator"]),
        "kind": entry["kind"],
        "comparator": entry["comparator"],
        "value": value,
        "value_hi": value_hi,
        "unit": str(entry["unit"]),
        "direction": direction,
        "baseline": _number(entry, "baseline", optional=True),
        "start": start,
        "due": due,
        "quote": str(quote),
        "offset": offset,
        "also": also,
        "owner": entry.get("owner") or None,
    }


def _check_quote(place: dict[str, Any], report_text: str) -> None:
    quote, offset = place.get("quote"), place.get("offset")
    if not isinstance(quote, str) or not isinstance(offset, int):
        raise ValueError("quote/offset 缺失")
    if report_text[offset : offset + len(quote)] != quote:
        raise ValueError(f"引文与报告第 {offset} 字处不符：{quote[:20]}")


def _number(entry: dict[str, Any], name: str, optional: bool = False) -> float | None:
    value = entry.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} 须为数值")
    return float(value)


def _date(value: Any, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name} 不是日期：{value}") from None
