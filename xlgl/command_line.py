"""The command line as people type it: a unit after its number (`1.07 亿吨`) is one value, and
the root's --db may follow the command."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

_NUMBER_END = re.compile(r"[0-9０-９]$")
_UNIT = re.compile(r"^[^\s\d０-９\-+.,，=@/\\]{1,8}$")


def _value_options(command: Any) -> set[str]:
    """The option strings of `command` that take a value (the next word is theirs)."""
    names: set[str] = set()
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option" and not (
            getattr(param, "is_flag", False) or getattr(param, "count", False)
        ):
            names.update(param.opts)
    return names


def _positions(command: Any, args: Sequence[str]) -> list[int]:
    """Indexes of the positional words in args (not options, not option values)."""
    takes_value = _value_options(command)
    known = {opt for param in command.params for opt in getattr(param, "opts", [])}
    found: list[int] = []
    index = 0
    while index < len(args):
        word = args[index]
        if word == "--":
            found.extend(range(index + 1, len(args)))
            break
        if word in takes_value:
            index += 2
            continue
        if word.startswith("-") and (word.split("=", 1)[0] in known or not _is_number(word)):
            index += 1
            continue
        found.append(index)
        index += 1
    return found


def _is_number(word: str) -> bool:
    return bool(re.fullmatch(r"[-+−]?[0-9０-９.,，]+", word))


def join_units(command: Any, args: list[str]) -> list[str]:
    """`record 煤炭产量 1.07 亿吨`: a unit after a number is part of that value, when the
    command has no place for another word."""
    wanted = sum(1 for param in command.params if param.param_type_name == "argument")
    args = list(args)
    while True:
        positions = _positions(command, args)
        if len(positions) <= wanted:
            return args
        for before, after in pairwise(positions):
            if (
                after == before + 1
                and _NUMBER_END.search(args[before])
                and _UNIT.match(args[after])
            ):
                args[before : after + 1] = [args[before] + args[after]]
                break
        else:
            return args


def hoist_root_options(group: Any, ctx: Any, args: list[str]) -> list[str]:
    """`xlgl status --db X` as `xlgl --db X status`: the root's --db may follow the command."""
    root_takes_value = _value_options(group)
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] in root_takes_value else 1
    if index >= len(args):
        return args
    command = group.get_command(ctx, args[index])
    if command is None:
        return args
    takes_value = _value_options(command)
    head, tail = list(args[: index + 1]), list(args[index + 1 :])
    moved: list[str] = []
    rest: list[str] = []
    position = 0
    while position < len(tail):
        word = tail[position]
        if word == "--":
            rest.extend(tail[position:])
            break
        if word == "--db" and "--db" not in takes_value and position + 1 < len(tail):
            moved.extend(tail[position : position + 2])
            position += 2
            continue
        if word.startswith("--db=") and "--db" not in takes_value:
            moved.append(word)
            position += 1
            continue
        if word in takes_value:
            rest.extend(tail[position : position + 2])
            position += 2
            continue
        rest.append(word)
        position += 1
    if not moved:
        return args
    return moved + head + rest
