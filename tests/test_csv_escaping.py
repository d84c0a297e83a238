"""`--format csv` never hands a spreadsheet a formula (issue 5): a cell that begins with = + - @,
a tab or a carriage return is written with a leading ' so it is read as text."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from xlgl.cli import app
from xlgl.render import csv_cell

DANGEROUS = ["=1+1", "+SUM(A1:A9)", "-2+3", "@SUM(1)", "\t=cmd", "\r=cmd", "=cmd|' /C calc'!A0"]


def csv_rows(db, *args: str) -> list[dict]:
    result = CliRunner().invoke(app, ["--db", str(db), *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("text", DANGEROUS)
def test_history_csv_escapes_formula_cells(ledger_path, text):
    result = CliRunner().invoke(
        app,
        ["--db", str(ledger_path), "record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30",
         "--source", text, "--note", text, "--by", text],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    row = csv_rows(ledger_path, "history")[-1]
    for field in ("source", "note", "by"):
        assert row[field] == "'" + text.replace("\r", "\n")
    assert row["value"] == "1.07"  # numbers stay numbers


def test_status_and_targets_csv_escape_owner(ledger_path):
    result = CliRunner().invoke(
        app, ["--db", str(ledger_path), "assign", "coal-output", "--owner", '=HYPERLINK("x")']
    )
    assert result.exit_code == 0, result.output
    for command in (["status", "--as-of", "2024-09-30"], ["targets"]):
        owners = {r["id"]: r["owner"] for r in csv_rows(ledger_path, *command)}
        assert owners["coal-output"] == '\'=HYPERLINK("x")'


def test_negative_growth_figures_are_escaped_as_text_not_lost(ledger_path):
    """A negative number written by xlgl itself is a number, not a formula: kept as written."""
    result = CliRunner().invoke(
        app,
        ["--db", str(ledger_path), "record", "--as-of", "2024-06-30", "--", "gdp-growth", "-1.5"],
    )
    assert result.exit_code == 0, result.output
    row = csv_rows(ledger_path, "history")[-1]
    assert float(row["value"].lstrip("'")) == -1.5


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_no_cell_starts_like_a_formula(text):
    cell = csv_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) and "\r" not in cell
    plain = text.replace("\r\n", "\n").replace("\r", "\n")
    assert cell in (plain, "'" + plain)
    # and it survives a CSV round trip as one cell of one row
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([cell, "end"])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [[cell, "end"]]
