"""Shared fixtures. No test touches a real home directory: XDG_DATA_HOME points at a temp dir
and XLGL_DB is unset, so the default ledger of a test lives in its own tmp_path."""

import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
import typer.testing
from ledgers import built
from typer.testing import CliRunner

from xlgl.cli import app

TESTS = Path(__file__).parent
MINI_SEED = TESTS / "data" / "mini-seed.toml"

# CliRunner.invoke builds the click command tree from the Typer app on every call (every
# command's parameters from its type hints: ~10 ms, the cost of most small CLI tests). The tree
# holds no state between invocations (click makes a new context each time), so build it once.
typer.testing._get_command = cache(typer.testing._get_command)  # type: ignore[attr-defined]


RAM_DISK = Path("/dev/shm")
RAM_DISK_ROOM = 2 << 30  # bytes free on it before the tests use it


def pytest_configure(config: pytest.Config) -> None:
    """Temporary files in memory where the machine has room for them: the tests commit to SQLite
    thousands of times, and each commit waits for the disk (an fsync, about 0.5 ms on this
    project's VM; a quarter of the quick suite's time). What is tested is the same: SQLite's
    locks, WAL and shared memory work alike on tmpfs. A --basetemp given stays as given."""
    if "not slow" in (config.option.markexpr or ""):
        quick_property_tests()
    if config.option.basetemp or not RAM_DISK.is_dir() or not os.access(RAM_DISK, os.W_OK):
        return
    disk = os.statvfs(RAM_DISK)
    if disk.f_bavail * disk.f_frsize >= RAM_DISK_ROOM:
        tempfile.tempdir = str(RAM_DISK)


def quick_property_tests() -> None:
    """The quick loop (`pytest -m "not slow"`) tries fewer generated examples per property test
    (20, not Hypothesis's 100) unless a test sets its own number; the whole suite tries them all."""
    from hypothesis import settings

    settings.register_profile("quick", max_examples=20)
    settings.load_profile("quick")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.delenv("XLGL_DB", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "250")


@pytest.fixture
def seed_path() -> Path:
    return MINI_SEED


@pytest.fixture(scope="session")
def mini_ledger_template(tmp_path_factory) -> Path:
    """The mini-seed ledger, built once by `xlgl init --seed`; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    built(path, [("init", "--seed", str(MINI_SEED))])
    assert [p.name for p in path.parent.iterdir() if p.name.startswith("ledger")] == ["ledger.db"]
    return path


@pytest.fixture
def ledger_path(tmp_path, mini_ledger_template) -> Path:
    """A ledger built from the mini seed (ten real targets of the report): a copy of one built
    once per session (the same bytes `init --seed` writes, in a few milliseconds)."""
    path = tmp_path / "ledger.db"
    shutil.copyfile(mini_ledger_template, path)
    return path


@pytest.fixture
def xlgl(ledger_path):
    """Run xlgl against the mini ledger: xlgl("status", "--as-of", "2024-09-30") -> Result."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, ["--db", str(ledger_path), *args])

    return run
