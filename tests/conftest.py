"""Shared fixtures. No test touches a real home directory: XDG_DATA_HOME points at a temp dir
and XLGL_DB is unset, so the default ledger of a test lives in its own tmp_path."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlgl.cli import app

TESTS = Path(__file__).parent
MINI_SEED = TESTS / "data" / "mini-seed.toml"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.delenv("XLGL_DB", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "250")


@pytest.fixture
def seed_path() -> Path:
    return MINI_SEED


@pytest.fixture
def ledger_path(tmp_path) -> Path:
    """A ledger built from the mini seed (ten real targets of the report)."""
    path = tmp_path / "ledger.db"
    result = CliRunner().invoke(app, ["--db", str(path), "init", "--seed", str(MINI_SEED)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def xlgl(ledger_path):
    """Run xlgl against the mini ledger: xlgl("status", "--as-of", "2024-09-30") -> Result."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, ["--db", str(ledger_path), *args])

    return run
