"""The Typer application and its root options; the commands register themselves on `app` from
the modules of this package (xlgl/cli/__init__.py imports them in the order `--help` lists them)."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from xlgl import __version__
from xlgl.boundary import XlglGroup, XlglTyper


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


app = XlglTyper(
    name="xlgl",
    cls=XlglGroup,
    help="锡林郭勒盟政府工作报告目标台账：登记实绩、计算完成率、列出逾期与预警目标。",
    epilog="退出码：0 成功；1 overdue --exit-code 列出了目标；2 用法或输入错误；4 台账无法使用。",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def show_version(asked: bool) -> None:
    if asked:
        typer.echo(f"xlgl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help="台账文件。默认取 $XLGL_DB，否则用户数据目录下的 xlgl/ledger.db（首次使用时自动建立）。",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", help="显示版本并退出。", is_eager=True, callback=show_version),
    ] = False,
) -> None:
    ctx.obj = db


def main() -> None:
    """The console entry point: exceptions become one plain line and an exit code (boundary.py)."""
    import xlgl.cli  # noqa: F401  (registers the commands)
    from xlgl.boundary import run

    run(app)
