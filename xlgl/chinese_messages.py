"""The framework's usage errors, and the operating system's and SQLite's English reasons, in
Chinese (click's errors are told apart by class name: see xlgl.boundary)."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Sequence
from typing import Any


def error_is(error: BaseException, name: str) -> bool:
    """Whether `error` is of a class called `name` (click vendored by typer or click's own)."""
    return any(cls.__name__ == name for cls in type(error).__mro__)


def _param_name(error: Any) -> str:
    """How the user wrote the parameter: the option as typed (--reason), or the metavar."""
    hint = getattr(error, "param_hint", None)
    if isinstance(hint, str) and hint:
        return hint.replace("'", "")
    if isinstance(hint, Sequence) and hint:
        return " / ".join(str(item) for item in hint)
    param = getattr(error, "param", None)
    if param is None:
        return ""
    if getattr(param, "param_type_name", "") == "option":
        return " / ".join(param.opts)
    return (getattr(param, "metavar", None) or param.name or "").upper()


_TYPE_WORDS = {
    "int": "整数",
    "integer": "整数",
    "float": "数",
    "integer range": "范围内的整数",
    "float range": "范围内的数",
    "boolean": "是或否（yes/no）",
    "UUID": "UUID",
}

_VALUE_MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^'(.*)' is not a valid (.+?)\.?$", re.S),
        lambda m: f"“{m[1]}”不是有效的{_TYPE_WORDS.get(m[2], m[2])}",
    ),
    (
        re.compile(r"^'(.*)' is not one of (.+?)\.?$", re.S),
        lambda m: f"“{m[1]}”不是可选值之一：{_choices(m[2])}",
    ),
    (
        re.compile(r"^(.*) is not in the range (.+?)\.?$", re.S),
        lambda m: f"“{m[1]}”超出范围 {_range_words(m[2])}",
    ),
    (
        re.compile(r"^Option '(.+)' requires (?:an argument|\d+ arguments)\.?$"),
        lambda m: f"选项 {m[1]} 需要一个值",
    ),
    (re.compile(r"^Option '(.+)' does not take a value\.?$"), lambda m: f"选项 {m[1]} 不带值"),
    (
        re.compile(r"^Got unexpected extra arguments? ?\(?s?\)? ?\((.*)\)$", re.S),
        lambda m: f"多余的参数：{m[1]}（值中带空格时请加引号）",
    ),
    (re.compile(r"^Missing command\.?$"), lambda m: "缺少命令；用 xlgl -h 查看全部命令"),
    (re.compile(r"^No such command '(.*)'\.?", re.S), lambda m: f"没有命令“{m[1]}”"),
]


def _choices(text: str) -> str:
    return "、".join(re.findall(r"'([^']*)'", text))


def _range_words(text: str) -> str:
    return text.replace("<=", "≤").replace(">=", "≥").replace("x", "值")


def _translate(message: str) -> str:
    for pattern, words in _VALUE_MESSAGES:
        match = pattern.match(message.strip())
        if match:
            return words(match)
    return message


def usage_message(error: Any) -> str:
    """A framework error in Chinese; option names as the user typed them."""
    if error_is(error, "NoSuchOption"):
        name = error.option_name
        possible = sorted(getattr(error, "possibilities", None) or [])
        hint = f"；是否要找 {'、'.join(possible)}" if possible else ""
        return f"没有选项 {name}{hint}"
    if error_is(error, "MissingParameter"):
        param = getattr(error, "param", None)
        kind = getattr(param, "param_type_name", "") if param is not None else ""
        what = "选项" if kind == "option" else "参数"
        return f"缺少{what} {_param_name(error)}"
    if error_is(error, "BadParameter"):
        name = _param_name(error)
        reason = _translate(str(error.message))
        return f"{name} 的值无效：{reason}" if name else f"无效的值：{reason}"
    if error_is(error, "FileError"):
        filename = getattr(error, "ui_filename", None) or getattr(error, "filename", "")
        return f"无法打开文件“{filename}”：{plain_chinese(str(error.message))}"
    return _translate(error.format_message())


# Operating-system and SQLite reasons that reach messages in English.
_OS_WORDS = {
    errno.ENOENT: "文件或目录不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许的操作",
    errno.EISDIR: "这是一个目录",
    errno.ENOTDIR: "路径中有一部分不是目录",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "只读文件系统",
    errno.ELOOP: "符号链接循环",
    errno.EEXIST: "文件已存在",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EIO: "读写错误",
    errno.EBUSY: "设备或资源忙",
}
_ENGLISH = {os.strerror(code): words for code, words in _OS_WORDS.items()} | {
    "database is locked": "被其他进程锁定",
    "file is not a database": "不是台账文件（已损坏或格式不对）",
    "disk I/O error": "磁盘读写错误",
    "database or disk is full": "磁盘空间不足",
    "attempt to write a readonly database": "台账只读，无法写入",
    "unable to open database file": "无法打开台账文件",
    "database disk image is malformed": "台账文件已损坏",
    "unknown error": "未知错误",
}
_ENGLISH_PATTERN = re.compile("|".join(re.escape(text) for text in _ENGLISH))


def plain_chinese(text: str) -> str:
    """A message with the operating system's and SQLite's English reasons in Chinese."""
    return _ENGLISH_PATTERN.sub(lambda match: _ENGLISH[match[0]], text)
