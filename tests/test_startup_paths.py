"""The console entry point builds only the command its arguments name (start-up time); whatever
it builds, the user sees the same: every command in the help, a hint for a mistyped name, the
command's own help, --db before or after the command."""

import sys

import pytest
from typer.testing import CliRunner

from xlgl.cli import app, main

COMMANDS = ["status", "overdue", "targets", "show", "history", "record", "void", "init"]


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["xlgl", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    out, err = capsys.readouterr()
    return exited.value.code or 0, out, err


def test_help_lists_every_command(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "--help")
    assert code == 0
    listed = [
        line.split()[0] for line in out.splitlines() if line.startswith("  ") and line.strip()
    ]
    for command in COMMANDS:
        assert command in listed


@pytest.mark.parametrize("args", [["--help"], ["-h"], []])
def test_the_list_of_commands_is_the_one_the_full_app_shows(monkeypatch, capsys, args):
    """For `xlgl` and `xlgl --help` the commands are built without their parameters; the text
    is the one every command built in full gives (the app called with explicit arguments)."""
    code, out, err = run(monkeypatch, capsys, *args)
    full = CliRunner().invoke(app, args, prog_name="xlgl")
    listed, in_full = (out + err).splitlines(), full.output.splitlines()
    assert code == full.exit_code
    assert (
        listed[0].endswith("[选项] 命令 [参数]...")
        and in_full[0] == "用法：xlgl [选项] 命令 [参数]..."
    )
    assert listed[1:] == in_full[1:]  # the usage line names the program as it was started
    assert {"status", "record", "verify"} <= {
        line.split()[0] for line in listed if line[:2] == "  "
    }


def test_a_mistyped_command_is_told_the_close_ones(monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "statu")
    assert code == 2
    assert "没有命令“statu”，是否要找 status" in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_named_command_runs_with_db_before_or_after_it(monkeypatch, capsys, ledger_path, where):
    args = ["status", "--as-of", "2024-09-30"]
    db = ["--db", str(ledger_path)]
    code, out, err = run(monkeypatch, capsys, *(db + args if where == "before" else args + db))
    assert (code, err) == (0, "")
    assert "目标进度（截至 2024-09-30）" in out
    assert "coal-output" in out


def test_a_commands_help_is_its_own(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "record", "-h")
    assert code == 0
    assert out.startswith("用法：") and "record [选项] [TARGET] [VALUE]" in out.splitlines()[0]
