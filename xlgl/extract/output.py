"""A draft written out: TOML in the seed format (xlgl.seed.load_seed reads it) or one JSON object."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from xlgl.extract.draft import Draft

_HEADER = """\
# Draft seed made by `xlgl extract` from {source}. Review it before use:
# targets with review = true are those a person should look at first (confidence below 0.7);
# [[exclusion]] lists every number of the plan part that is not a target, and why.
# Load with: xlgl init --seed THIS_FILE (the report text beside it).
"""


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        inner = ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items() if v is not None)
        return "{ " + inner + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _table(name: str, row: dict[str, Any]) -> str:
    lines = [f"[{name}]" if name == "report" else f"[[{name}]]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in row.items() if value is not None]
    return "\n".join(lines) + "\n"


def draft_to_toml(draft: Draft) -> str:
    parts = [_HEADER.format(source=draft.report.get("source", "")), _table("report", draft.report)]
    parts += [_table("target", t) for t in draft.targets]
    parts += [_table("exclusion", e) for e in draft.exclusions]
    return "\n".join(parts)


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def draft_to_json(draft: Draft) -> str:
    document = {"report": draft.report, "targets": draft.targets, "exclusions": draft.exclusions}
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default) + "\n"
