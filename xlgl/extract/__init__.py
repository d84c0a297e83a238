"""Drafting a seed from any Chinese government work report (`xlgl extract`).

layout.py    where the plan part starts; sections and paragraph topics
numbers.py   every number with its unit (Arabic, full-width, Chinese numerals, ranges, %)
clauses.py   clauses, segments and the bound words of a figure
classify.py  numbers that are not targets, with the reason
fields.py    indicator, kind, due, reporting calendar, baseline of a candidate
draft.py     the walk over the plan part that puts it together
output.py    TOML (seed format) and JSON
"""

from __future__ import annotations

from pathlib import Path

from xlgl.extract.draft import Draft, extract_report
from xlgl.extract.layout import decode
from xlgl.extract.output import draft_to_json, draft_to_toml

__all__ = ["Draft", "draft_to_json", "draft_to_toml", "extract_report", "read_report"]


def read_report(path: Path) -> str:
    """The text of a report file (UTF-8 with or without BOM, or GB18030); InputError if not."""
    from xlgl.errors import InputError

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"无法读取报告 {path}：文件不存在") from None
    except IsADirectoryError:
        raise InputError(f"无法读取报告 {path}：这是一个目录") from None
    except OSError as error:
        raise InputError(f"无法读取报告 {path}：{error.strerror or error}") from None
    return decode(raw, str(path)).replace("\r\n", "\n")
