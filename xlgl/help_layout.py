"""Help in Chinese, laid out by display width (click's formatter wraps by character count, and a
CJK character takes two cells in a terminal)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from typing import Any

HELP_WORDS = {
    "Show this message and exit.": "显示帮助并退出。",
    "[OPTIONS]": "[选项]",
    "COMMAND [ARGS]...": "命令 [参数]...",
    "[ARGS]...": "[参数]...",
}
_METAVARS = {
    "<str>": "文本",
    "<text>": "文本",
    "TEXT": "文本",
    "<int>": "整数",
    "INTEGER": "整数",
    "<float>": "数",
    "FLOAT": "数",
    "<path>": "路径",
    "PATH": "PATH",
}
_EXTRA = re.compile(r"\s*\[(default|required)(?::\s*(.*?))?\]\s*$")


def help_width() -> int:
    """The terminal's width (COLUMNS first), at most 100 columns, at least 40."""
    return max(40, min(100, shutil.get_terminal_size((80, 24)).columns))


def help_text(command: Any, ctx: Any, width: int | None = None) -> str:
    """The whole help of `command`: usage, description, arguments, options, commands, epilog."""
    from xlgl.grid import wrap

    width = width or help_width()
    lines: list[str] = []
    pieces = _usage_pieces(command, ctx)
    usage = f"用法：{ctx.command_path} {' '.join(pieces)}".rstrip()
    lines.extend(wrap(usage, width, indent="  "))
    if command.help:
        lines.append("")
        text = command.help.replace("\b\n", "")
        for paragraph in text.split("\n\n"):
            lines.extend(wrap(" ".join(paragraph.split("\n")), width, indent="  ", first="  "))
    arguments: list[tuple[str, str]] = []
    options: list[tuple[str, str]] = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            if param.param_type_name == "argument":
                record = (param.make_metavar(ctx), "")
            else:
                continue
        names, words = record
        if param.param_type_name == "argument":
            names = _argument_name(param)
        names = _metavar_words(names)
        if "默认" in (param.help or ""):  # the help says the default in its own words
            words = _EXTRA.sub("", words or "")
        words = _help_words(words or "")
        (arguments if param.param_type_name == "argument" else options).append((names, words))
    for heading, entries in (("参数", arguments), ("选项", options)):
        if entries:
            lines.extend(["", f"{heading}："])
            lines.extend(_two_columns(entries, width))
    if hasattr(command, "list_commands"):
        entries = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or getattr(sub, "hidden", False):
                continue
            entries.append((name, _first_sentence(sub.help or sub.short_help or "")))
        if entries:
            lines.extend(["", "命令："])
            lines.extend(_two_columns(entries, width))
    if command.epilog:
        lines.append("")
        lines.extend(wrap(command.epilog, width, indent="  ", first="  "))
    return "\n".join(lines)


def _argument_name(param: Any) -> str:
    return param.metavar or (param.name or "").upper()


def _usage_pieces(command: Any, ctx: Any) -> list[str]:
    """[选项] and the arguments by their metavars (TARGET VALUE), optional ones in brackets."""
    pieces = ["[选项]"] if any(p.param_type_name == "option" for p in command.params) else []
    for param in command.params:
        if param.param_type_name != "argument":
            continue
        name = _argument_name(param) + ("..." if param.nargs == -1 else "")
        pieces.append(name if param.required else f"[{name}]")
    if hasattr(command, "list_commands"):
        pieces.append("命令 [参数]...")
    return pieces


def _metavar_words(names: str) -> str:
    for english, chinese in _METAVARS.items():
        names = names.replace(english, chinese)
    return names


def _help_words(text: str) -> str:
    text = HELP_WORDS.get(text, text)

    def extra(match: re.Match[str]) -> str:
        return "（必填）" if match[1] == "required" else f"（默认 {match[2]}）"

    return _EXTRA.sub(extra, text)


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find("。")
    return text[: end + 1] if end >= 0 else text


def _two_columns(entries: Sequence[tuple[str, str]], width: int) -> list[str]:
    """Name and words side by side; the words fold by display width under their column; a name
    too long for the column puts its words on the lines below."""
    from rich.cells import cell_len

    from xlgl.grid import wrap

    column = min(max(cell_len(name) for name, _ in entries), 28) + 4
    lines: list[str] = []
    for name, words in entries:
        head = f"  {name}"
        if not words:
            lines.append(head)
            continue
        if cell_len(head) + 2 > column:
            lines.extend(wrap(head, width, indent="      "))
            lines.extend(wrap(words, width, indent=" " * column, first=" " * column))
            continue
        first = head + " " * (column - cell_len(head))
        lines.extend(wrap(words, width, indent=" " * column, first=first))
    return lines
