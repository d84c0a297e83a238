"""Several reports in one ledger (issue 12 part 2): a second seed adds a report beside the first;
every command works on one report (by --report, or the one whose year holds the as-of date) or
across all of them."""

import json
from pathlib import Path

import pytest

SEED_2025 = Path(__file__).parent / "data" / "mini-seed-2025.toml"


@pytest.fixture
def two(xlgl):
    """The mini 2024 ledger with the 2025 seed beside it, and one figure in each year."""
    added = xlgl("init", "--seed", str(SEED_2025))
    assert added.exit_code == 0, added.output
    assert "共 3 个目标（新增 3，更新 0）" in added.output
    for args in (
        ("coal-output", "1.2", "--as-of", "2024-12-31"),
        ("coal-output", "0.5", "--as-of", "2025-06-30"),
    ):
        result = xlgl("record", *args)
        assert result.exit_code == 0, result.output
    return xlgl


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_status_is_per_report_by_date_or_by_key_and_across_with_all(two):
    in_2024 = _json(two("status", "--as-of", "2024-09-30", "--format", "json"))
    in_2025 = _json(two("status", "--as-of", "2025-06-30", "--format", "json"))
    chosen = _json(two("status", "--as-of", "2025-06-30", "--report", "xlgl-2024", "-f", "json"))
    everything = _json(two("status", "--as-of", "2025-06-30", "--report", "all", "-f", "json"))
    assert {row["report"] for row in in_2024} == {"xlgl-2024"} and len(in_2024) == 10
    assert {row["report"] for row in in_2025} == {"xlgl-2025"} and len(in_2025) == 3
    assert len(chosen) == 10
    assert len(everything) == 13
    coal = {row["report"]: row["latest"] for row in everything if row["id"] == "coal-output"}
    assert coal == {"xlgl-2024": 1.2, "xlgl-2025": 0.5}


def test_record_show_and_history_follow_the_report(two):
    shown = _json(two("show", "coal-output", "--as-of", "2025-06-30", "--format", "json"))[0]
    assert shown["report"] == "xlgl-2025"
    assert [r["value"] for r in shown["records"]] == [0.5]
    old = _json(two("show", "coal-output", "--report", "xlgl-2024", "--format", "json"))[0]
    assert [r["value"] for r in old["records"]] == [1.2]
    only_2024 = _json(two("history", "--report", "xlgl-2024", "--format", "json"))
    everything = _json(two("history", "--report", "all", "--format", "json"))
    assert [r["value"] for r in only_2024] == [1.2]
    assert [r["value"] for r in everything] == [1.2, 0.5]


def test_overdue_and_export_per_report(two, tmp_path):
    overdue = _json(two("overdue", "--report", "xlgl-2025", "--as-of", "2025-11-30", "-f", "json"))
    assert "clinics-built" in {row["id"] for row in overdue}
    assert {row["report"] for row in overdue} == {"xlgl-2025"}
    exported = two(
        "export", "--report", "all", "--as-of", "2025-12-31", "-o", str(tmp_path / "a.xlsx")
    )
    assert exported.exit_code == 0, exported.output
    assert "13 个目标、2 条记录" in exported.output


def test_a_name_in_two_reports_asks_for_the_report_and_an_unknown_key_is_refused(two):
    ambiguous = two("record", "coal-output", "1", "--report", "all")
    assert ambiguous.exit_code == 2
    assert "--report" in ambiguous.output and "xlgl-2024" in ambiguous.output
    unknown = two("status", "--report", "xlgl-2030")
    assert unknown.exit_code == 2
    assert "没有报告“xlgl-2030”" in unknown.output


def test_a_csv_import_places_each_row_in_its_report(two, tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("target,value,as_of\nclinics-built,3,2025-05-31\n", encoding="utf-8")
    result = two("record", "--file", str(csv))
    assert result.exit_code == 0, result.output
    clash = tmp_path / "b.csv"
    clash.write_text("target,value,as_of\ncoal-output,1.3,2025-07-31\n", encoding="utf-8")
    refused = two("record", "--file", str(clash))
    assert refused.exit_code == 2 and "--report" in refused.output
    placed = two("record", "--file", str(clash), "--report", "xlgl-2025")
    assert placed.exit_code == 0, placed.output
    history = _json(two("history", "coal-output", "--report", "xlgl-2025", "-f", "json"))
    assert [r["value"] for r in history] == [0.5, 1.3]


def test_records_travel_between_ledgers_with_their_report(two, tmp_path):
    exported = tmp_path / "records.jsonl"
    assert two("export-records", str(exported)).exit_code == 0
    lines = [json.loads(line) for line in exported.read_text("utf-8").splitlines()]
    assert [(r["report"], r["value"]) for r in lines] == [("xlgl-2024", 1.2), ("xlgl-2025", 0.5)]
    from typer.testing import CliRunner

    from xlgl.cli import app

    other = tmp_path / "other.db"
    runner = CliRunner()
    for seed in (Path(__file__).parent / "data" / "mini-seed.toml", SEED_2025):
        assert runner.invoke(app, ["--db", str(other), "init", "--seed", str(seed)]).exit_code == 0
    merged = runner.invoke(app, ["--db", str(other), "import-records", str(exported)])
    assert merged.exit_code == 0, merged.output
    history = runner.invoke(app, ["--db", str(other), "history", "--report", "all", "-f", "json"])
    assert [(r["report"], r["value"]) for r in _json(history)] == [
        ("xlgl-2024", 1.2),
        ("xlgl-2025", 0.5),
    ]


def test_an_alias_names_its_target_in_commands_and_csv_files(xlgl, tmp_path):
    made = xlgl("alias", "煤产量", "coal-output")
    assert made.exit_code == 0, made.output
    assert "coal-output" in made.output
    recorded = xlgl("record", "煤产量", "0.9", "--as-of", "2024-08-31")
    assert recorded.exit_code == 0 and "coal-output" in recorded.output
    csv = tmp_path / "a.csv"
    csv.write_text("target,value,as_of\n煤产量,1.0,2024-09-30\n", encoding="utf-8")
    assert xlgl("record", "--file", str(csv)).exit_code == 0
    history = _json(xlgl("history", "coal-output", "-f", "json"))
    assert [r["value"] for r in history] == [0.9, 1.0]
