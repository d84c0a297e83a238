"""The one boundary between the command line and the core: exceptions become exit codes and
one plain Chinese line here, and the framework's own words (usage errors, help) are Chinese too.

Only typer's public API is used (typer.Typer, typer.core.TyperGroup/TyperCommand, the Context
methods click documents). typer 0.27+ vendors click as a private module (typer._click), so the
public `click` package installed beside it is a different class hierarchy whose exception classes
would not match; the framework's errors are told apart by their class names (ClickException,
UsageError, MissingParameter …, the same in both) and the documented attributes they carry
(param, option_name, possibilities), which works with either.

The framework's messages in Chinese are in xlgl.chinese_messages, help laid out by display width
in xlgl.help_layout (both imported only when needed), and the command line as people type it
(`1.07 亿吨`, --db after the command) in xlgl.command_line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from xlgl.command_line import hoist_root_options, join_units
from xlgl.errors import EXIT_LEDGER, EXIT_USAGE, XlglError

# --- commands that know their help and their values ---------------------------------------------


class XlglCommand(TyperCommand):
    """A subcommand: Chinese help laid out by display width; `1.07 亿吨` read as one value."""

    def get_help(self, ctx: Any) -> str:
        from xlgl.help_layout import help_text

        return help_text(self, ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, join_units(self, args))


class XlglGroup(TyperGroup):
    """The root command: --db before or after the command; errors in Chinese, one line each."""

    def get_help(self, ctx: Any) -> str:
        from xlgl.help_layout import help_text

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
            from xlgl.chinese_messages import plain_chinese
            from xlgl.errors import message_lines

            fail("\n".join(plain_chinese(line) for line in message_lines(error)), error.exit_code)
        except _sqlite_error() as error:  # sqlite3 is imported by the commands that use it
            from xlgl.chinese_messages import plain_chinese

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
            from xlgl.chinese_messages import error_is, usage_message

            if error_is(error, "Abort"):
                typer.echo("xlgl: 已中断", err=True)
                sys.exit(1)
            if not error_is(error, "ClickException"):
                raise
            ctx = getattr(error, "ctx", None)
            if error_is(error, "NoArgsIsHelpError") and ctx is not None:
                typer.echo(ctx.get_help(), err=True)
                sys.exit(EXIT_USAGE)
            typer.echo(f"xlgl: 错误：{usage_message(error)}", err=True)
            if error_is(error, "UsageError"):
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
        from its type hints, about a tenth of `xlgl status`'s start-up); for `xlgl` and
        `xlgl --help`, every command as the list shows it (name and help, no parameters); all of
        them in full for a mistyped name, where click searches them, and for app([…])."""
        everything = self.registered_commands
        explicit = bool(args) or "args" in kwargs
        named = None if explicit else _named_command(sys.argv)
        chosen = [info for info in everything if _command_name(info) == named]
        if len(chosen) == 1:
            self.registered_commands = chosen
        elif not explicit and named is None:
            self.registered_commands = [_as_listed(info) for info in everything]
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.registered_commands = everything


def _as_listed(info: Any) -> Any:
    """A command as the list of commands shows it: its name and help, without the parameters
    (which typer would build from the callback's type hints) and without the callback."""
    import copy

    def listed() -> None:
        raise AssertionError("a command built for the list of commands was run")

    listed.__name__, listed.__doc__ = info.callback.__name__, info.callback.__doc__
    shown = copy.copy(info)
    shown.callback = listed
    return shown


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
