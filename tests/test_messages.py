"""Every message a user can see for bad usage is Chinese, apart from what it quotes from the
input (option names as typed, values in quotes) and a short list of names (xlgl, CSV, JSON …).

The messages are collected by running the commands; the check strips option names and quoted
input and then looks for any English word of three letters or more."""

import re

import pytest
from typer.testing import CliRunner

from xlgl.cli import app

# Names a Chinese message may carry: the program, formats, metavars, codes users type.
ALLOWED = {
    "xlgl",
    "xlgl-",  # a report key: xlgl-2024
    "key",
    "all",
    "alias",
    "extract",
    "chase",
    "verify",  # 销号
    "pending",
    "carry",
    "python",
    "csv",
    "json",
    "toml",
    "xlsx",
    "html",
    "markdown",
    "lines",
    "wps",
    "excel",
    "table",
    "uuid",
    "target",
    "value",
    "file",
    "date",
    "path",
    "record_id",
    "xlgl_db",
    "xlgl_timeout",
    "ledger",
    "flow",
    "level",
    "growth",
    "share",
    "milestone",
    "met",
    "met_late",
    "overdue",
    "at_risk",
    "at-risk",
    "no_data",
    "on_track",
    "missed",
    "awaiting",
    "name",
    # the CSV columns (a file format's contract)
    "as_of",
    "unit",
    "source",
    "note",
    # command names, as typed
    "init",
    "status",
    "record",
    "targets",
    "show",
    "history",
    "void",
    "assign",
    "settings",
    "export",
    "report",
    "export-records",
    "import-records",
    "household-toilets",
    "coal-output",
}
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][A-Za-z-]*")
QUOTED = re.compile(r"“[^”]*”|'[^']*'|\"[^\"]*\"|<[^>]*>")
WORD = re.compile(r"[A-Za-z][A-Za-z_-]{2,}")


def english_words(text: str, quoted_input: tuple[str, ...] = ()) -> list[str]:
    for value in quoted_input:
        text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", " ", text)
    text = QUOTED.sub(" ", OPTION.sub(" ", text))
    text = re.sub(r"\S+\.(?:csv|db|html|xlsx|toml|json)\b", " ", text)  # file names
    return [word for word in WORD.findall(text) if word.lower() not in ALLOWED]


BAD_USAGE = {
    "unknown command": ["stauts"],
    "unknown command, nothing near": ["frobnicate"],
    "missing command": [],
    "missing argument": ["show"],
    "missing option": ["void", "1"],
    "extra argument": ["show", "coal-output", "extra"],
    "unknown option": ["status", "--bogus"],
    "option without its value": ["status", "--as-of"],
    "flag given a value": ["status", "--wide=yes"],
    "bad integer": ["void", "abc", "--reason", "typo"],
    "huge integer": ["void", "99999999999999999999", "--reason", "typo"],
    "bad choice": ["status", "--format", "xml"],
    "out of range": ["assign", "coal-output", "--tolerance", "5"],
    "bad float": ["assign", "coal-output", "--tolerance", "abc"],
    "bad date": ["status", "--as-of", "下周"],
    "unknown target": ["show", "no-such-target"],
    "unknown section": ["status", "--section", "8"],
    "unknown status": ["status", "--status", "late"],
    "empty owner": ["assign", "coal-output", "--owner", ""],
}


@pytest.fixture
def run(ledger_path):
    runner = CliRunner()

    def invoke(*args: str):
        db = ["--db", str(ledger_path)] if args else []
        return runner.invoke(app, [*db, *args])

    return invoke


@pytest.mark.parametrize("case", BAD_USAGE)
def test_bad_usage_is_one_chinese_error_and_exit_2(run, case):
    args = BAD_USAGE[case]
    result = run(*args) if args else CliRunner().invoke(app, ["--db", "x.db"])
    assert result.exit_code == 2, (case, result.output)
    lines = result.stderr.strip().splitlines()
    assert lines and lines[0].startswith("xlgl: 错误："), (case, result.stderr)
    assert len(lines) <= 2, result.stderr
    assert "Traceback" not in result.output
    assert english_words(result.stderr, tuple(args)) == [], (case, result.stderr)


@pytest.mark.parametrize(
    "path", ["missing.csv", "folder"], ids=["missing file", "a folder for a file"]
)
@pytest.mark.parametrize("command", [["record", "--file"], ["import-records"], ["init", "--seed"]])
def test_bad_files_are_named_in_chinese(run, tmp_path, command, path):
    (tmp_path / "folder").mkdir()
    target = str(tmp_path / path)
    result = run(*command, target)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("xlgl: 错误："), result.stderr
    assert english_words(result.stderr, (target,)) == [], result.stderr


def test_unknown_command_suggests_the_near_one(run):
    result = run("stauts")
    assert "没有命令“stauts”，是否要找 status" in result.stderr


def test_unknown_option_keeps_the_name_as_typed(run):
    result = run("status", "--ownr", "x")
    assert "--ownr" in result.stderr


def test_db_may_follow_the_command(ledger_path):
    result = CliRunner().invoke(app, ["status", "--db", str(ledger_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"id": "coal-output"' in result.stdout
    result = CliRunner().invoke(app, ["targets", f"--db={ledger_path}", "--format", "json"])
    assert result.exit_code == 0, result.output


def test_a_value_with_a_space_before_its_unit_is_one_value(run):
    result = run("record", "煤炭产量", "1.07", "亿吨", "--as-of", "2024-09-30")
    assert result.exit_code == 0, result.output
    assert "1.07亿吨" in result.stdout
    result = run("record", "gdp-growth", "-1.2", "%", "--as-of", "2024-09-30")
    assert result.exit_code == 0, result.output
    # a word that is not a unit after the value stays an error
    result = run("record", "煤炭产量", "1.07", "亿吨", "extra", "--as-of", "2024-09-30")
    assert result.exit_code == 2


COMMANDS = [
    [],
    ["init"],
    ["status"],
    ["overdue"],
    ["record"],
    ["targets"],
    ["show"],
    ["history"],
    ["void"],
    ["assign"],
    ["settings"],
    ["export"],
    ["report"],
    ["export-records"],
    ["import-records"],
    ["verify"],
    ["pending"],
    ["carry"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "xlgl")
def test_help_is_chinese_and_fits_80_columns(command, monkeypatch):
    from unicodedata import east_asian_width

    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "用法：" in text and "选项：" in text
    for english in ("Usage", "Options", "Arguments", "Commands", "Show this message", "default"):
        assert english not in text
    assert english_words(text) == [], text
    for line in text.splitlines():
        cells = sum(2 if east_asian_width(c) in "WF" else 1 for c in line)
        assert cells <= 80, line


def test_no_arguments_shows_the_help(run):
    result = CliRunner().invoke(app, [])
    assert result.exit_code == 2
    assert "命令：" in result.output
