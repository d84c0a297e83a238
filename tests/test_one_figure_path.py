"""Every way a figure comes in — `record`, a CSV file, a filled 报送表, records merged from another
ledger — passes the same check (xlgl/recording.py) and is refused with the same words, the ledger
unchanged."""

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from xlgl.cli import app

# gdp-growth is 6%左右: 56 is 50 个百分点 above it. coal-output is 1.4亿吨: 14.1 is over ten times
# it; and it is a year-to-date total: 0.5亿吨 as of 09-30 falls below the 0.8亿吨 recorded as of 07-31.
BAD_FIGURES = [
    ("gdp-growth", "56", "2024-06-30", "与目标 6% 相差超过 25 个百分点"),
    ("coal-output", "14.1", "2024-06-30", "超过目标值 1.4亿吨 的 10 倍"),
    ("coal-output", "0.5", "2024-09-30", "低于截至 2024-07-31 的 0.8亿吨"),
]


def ledger_with_coal(xlgl) -> None:
    assert xlgl("record", "coal-output", "0.8亿吨", "--as-of", "2024-07-31").exit_code == 0


def by_record(xlgl, tmp_path: Path, target: str, value: str, as_of: str):
    return xlgl("record", target, value, "--as-of", as_of)


def by_csv(xlgl, tmp_path: Path, target: str, value: str, as_of: str):
    path = tmp_path / "figures.csv"
    path.write_text(f"target,value,as_of\n{target},{value},{as_of}\n", encoding="utf-8")
    return xlgl("record", "--file", str(path))


def by_template(xlgl, tmp_path: Path, target: str, value: str, as_of: str):
    template = tmp_path / "报送表.xlsx"
    assert xlgl("export", "--template", "--as-of", "2024-10-08", "-o", str(template)).exit_code == 0
    book = openpyxl.load_workbook(template)
    sheet = book["报送表"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=4) if r[0].value == target)
    sheet[f"H{row}"], sheet[f"E{row}"] = value, as_of
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    return xlgl("record", "--file", str(filled))


def by_exchange(xlgl, tmp_path: Path, target: str, value: str, as_of: str):
    other = tmp_path / "other.db"
    runner = CliRunner()
    seed = Path(__file__).parent / "data" / "mini-seed.toml"
    assert runner.invoke(app, ["--db", str(other), "init", "--seed", str(seed)]).exit_code == 0
    forced = runner.invoke(
        app, ["--db", str(other), "record", target, value, "--as-of", as_of, "--force"]
    )
    assert forced.exit_code == 0, forced.output  # the other ledger let it in, forced
    exported = tmp_path / "records.jsonl"
    assert runner.invoke(app, ["--db", str(other), "export-records", str(exported)]).exit_code == 0
    return xlgl("import-records", str(exported))


@pytest.mark.parametrize("path", [by_record, by_csv, by_template, by_exchange])
@pytest.mark.parametrize(("target", "value", "as_of", "words"), BAD_FIGURES)
def test_the_same_bad_figure_is_refused_the_same_way_on_every_path(
    xlgl, ledger_path, tmp_path, path, target, value, as_of, words
):
    ledger_with_coal(xlgl)
    before = json.loads(xlgl("history", "-f", "json").stdout)
    result = path(xlgl, tmp_path, target, value, as_of)
    assert result.exit_code == 2, result.output
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert json.loads(xlgl("history", "-f", "json").stdout) == before


@pytest.mark.parametrize("path", [by_record, by_csv, by_template])
def test_a_fraction_typed_for_a_percent_is_refused_wherever_it_is_typed(
    xlgl, ledger_path, tmp_path, path
):
    # 0.056 typed for GDP growth of 5.6% (target 6%); an exchange file holds numbers, not typing
    before = json.loads(xlgl("history", "-f", "json").stdout)
    result = path(xlgl, tmp_path, "gdp-growth", "0.056", "2024-06-30")
    assert result.exit_code == 2, result.output
    assert "0.056 像是把百分数写成了小数，5.6% 请写 5.6 或 5.6%" in result.stderr, result.stderr
    assert json.loads(xlgl("history", "-f", "json").stdout) == before


def test_a_file_points_to_force_one_figure_at_a_time(xlgl, tmp_path):
    result = by_csv(xlgl, tmp_path, "gdp-growth", "56", "2024-06-30")
    assert result.exit_code == 2
    assert "确认无误请用 xlgl record 逐条加 --force 录入" in result.stderr, result.stderr
    path = tmp_path / "figures.csv"
    refused = xlgl("record", "--file", str(path), "--force")
    assert refused.exit_code == 2 and "--file 不能与 --force" in refused.stderr
    forced = xlgl("record", "gdp-growth", "56", "--as-of", "2024-06-30", "--force")
    assert forced.exit_code == 0, forced.output
