"""The one boundary between the command line and the core: exceptions become exit codes and
one plain Chinese line here, and the framework's own words (usage errors, help) are Chinese too.

Only typer's public API is used (typer.Typer, typer.core.TyperGroup/TyperCommand, the Context
methods click documents). typer 0.27+ vendors click as a private module (typer._click), so the
public `click` package installed beside it is a different class hierarchy whose exception classes
would not match; the framework's errors are told apart by their class names (ClickException,
UsageError, MissingParameter …, the same in both) and the documented attributes they carry
(param, option_name, possibilities), which works with either.

Help is laid out here, not by click's formatter, because that one wraps by character count and a
CJK character takes two cells in a terminal.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from xlgl.errors import EXIT_LEDGER, EXIT_USAGE, XlglError

# --- commands that know their help and their values ---------------------------------------------


class XlglCommand(TyperCommand):
    """A subcommand: Chinese help laid out by display width; `1.07 亿吨` read as one value."""

    def get_help(self, ctx: Any) -> str:
        return help_text(self, ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, join_units(self, args))


class XlglGroup(TyperGroup):
    """The root command: --db before or after the command; errors in Chinese, one line each."""

    def get_help(self, ctx: Any) -> str:
        return help_text(self, ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_root_options(self, ctx, args))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from difflib import get_close_matches

            close = get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.6)
            hint = f"，是否要找 {'、'.join(close)}" if close else "；用 xlgl -h 查看全部命令"
            ctx.fail(f"没有命令“{name}”{hint}")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except XlglError as error:
            from xlgl.errors import message_lines

            fail("\n".join(plain_chinese(line) for line in message_lines(error)), error.exit_code)
        except _sqlite_error() as error:  # sqlite3 is imported by the commands that use it
            fail(f"台账无法使用：{plain_chinese(str(error))}", EXIT_LEDGER)
        except OverflowError:  # a number beyond what the ledger stores: void 99999999999999999999
            fail("数值超出范围", EXIT_USAGE)
        except UnicodeEncodeError as error:  # bytes that are not UTF-8 in argv (surrogateescape)
            bad = f"U+{ord(error.object[error.start]):04X}" if error.object else ""
            fail(f"输入含无法保存的字符 {bad}（终端或参数不是 UTF-8？）", EXIT_USAGE)
        except BrokenPipeError:  # `xlgl status | head`: the reader left early; not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Usage errors as two plain lines (what is wrong; where the help is), exit 2."""
        given = {"args": args, "prog_name": prog_name, "complete_var": complete_var, **extra}
        if not standalone_mode:
            return super().main(standalone_mode=False, **given)
        try:
            code = super().main(standalone_mode=False, **given)
        except Exception as error:  # click's errors (vendored by typer 0.27+, or click's own)
            if _is(error, "Abort"):
                typer.echo("xlgl: 已中断", err=True)
                sys.exit(1)
            if not _is(error, "ClickException"):
                raise
            ctx = getattr(error, "ctx", None)
            if _is(error, "NoArgsIsHelpError") and ctx is not None:
                typer.echo(ctx.get_help(), err=True)
                sys.exit(EXIT_USAGE)
            typer.echo(f"xlgl: 错误：{usage_message(error)}", err=True)
            if _is(error, "UsageError"):
                command = ctx.command_path if ctx is not None else "xlgl"
                typer.echo(f"用 {command} -h 查看用法", err=True)
            sys.exit(getattr(error, "exit_code", EXIT_USAGE))
        sys.exit(code if isinstance(code, int) else 0)


class _NeverRaised(Exception):
    pass


def _sqlite_error() -> type[Exception]:
    """sqlite3.Error when sqlite3 has been imported (only then can it be raised): `xlgl --help`
    does without importing it."""
    module = sys.modules.get("sqlite3")
    return module.Error if module is not None else _NeverRaised


class XlglTyper(typer.Typer):
    """typer.Typer whose commands are XlglCommand unless a command names its own class."""

    def command(self, *args: Any, cls: Any = None, **kwargs: Any) -> Callable[..., Any]:
        return super().command(*args, cls=cls or XlglCommand, **kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Build only the command the arguments name (typer builds every command's parameters
        from its type hints, about a tenth of `xlgl status`'s start-up); all of them for help,
        a mistyped name or no command, where the list is shown or searched."""
        everything = self.registered_commands
        named = None if args or "args" in kwargs else _named_command(sys.argv)  # app(["…"]): all
        chosen = [info for info in everything if _command_name(info) == named]
        if len(chosen) == 1:
            self.registered_commands = chosen
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.registered_commands = everything


def _command_name(info: Any) -> str:
    return str(info.name or info.callback.__name__.lower().replace("_", "-"))


def _named_command(argv: Sequence[str]) -> str | None:
    """The command word of `xlgl [--db PATH] COMMAND …` (None for `xlgl`, `xlgl --help`)."""
    index = 1
    while index < len(argv) and argv[index].startswith("-"):
        if argv[index] in ("-h", "--help", "--version"):
            return None
        index += 2 if argv[index] == "--db" else 1
    return argv[index] if index < len(argv) else None


def fail(message: str, code: int) -> NoReturn:
    sys.stdout.flush()
    typer.echo(f"xlgl: 错误：{message}", err=True)
    raise typer.Exit(code)


def run(app: Callable[[], Any]) -> None:
    """Run the app: Ctrl-C is one line and 130; a bug is one line and 70 (XLGL_DEBUG=1 shows
    the traceback)."""
    from xlgl.errors import EXIT_INTERNAL

    try:
        app()
    except KeyboardInterrupt:
        print("xlgl: 已中断", file=sys.stderr)
        sys.exit(130)
    except Exception as error:
        if os.environ.get("XLGL_DEBUG"):
            raise
        from xlgl.errors import one_line

        print(
            f"xlgl: 内部错误（{type(error).__name__}: {one_line(str(error))}）；"
            "设 XLGL_DEBUG=1 可看详情",
            file=sys.stderr,
        )
        sys.exit(EXIT_INTERNAL)


# --- the framework's messages in Chinese ---------------------------------------------------------


def _is(error: BaseException, name: str) -> bool:
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
    if _is(error, "NoSuchOption"):
        name = error.option_name
        possible = sorted(getattr(error, "possibilities", None) or [])
        hint = f"；是否要找 {'、'.join(possible)}" if possible else ""
        return f"没有选项 {name}{hint}"
    if _is(error, "MissingParameter"):
        param = getattr(error, "param", None)
        kind = getattr(param, "param_type_name", "") if param is not None else ""
        what = "选项" if kind == "option" else "参数"
        return f"缺少{what} {_param_name(error)}"
    if _is(error, "BadParameter"):
        name = _param_name(error)
        reason = _translate(str(error.message))
        return f"{name} 的值无效：{reason}" if name else f"无效的值：{reason}"
    if _is(error, "FileError"):
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


# --- values as people type them ------------------------------------------------------------------

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


# --- help laid out by display width --------------------------------------------------------------

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
