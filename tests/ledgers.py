"""Ledgers a module's tests share: built once through the CLI, copied for each test."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlgl.cli import app


def built(path: Path, commands: list[tuple[str, ...]], start: Path | None = None) -> Path:
    """`path` after the xlgl `commands` (each its arguments) run on it, or on a copy of `start`:
    a ledger a module's tests share as a template (built once, copied for each test)."""
    if start is not None:
        shutil.copyfile(start, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(path.parent / "data-home"))
        patch.delenv("XLGL_DB", raising=False)
        for command in commands:
            result = CliRunner().invoke(app, ["--db", str(path), *command])
            assert result.exit_code == 0, (command, result.output)
    return path
