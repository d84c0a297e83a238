"""Carrying a year over at the command line (issue 12, part 3): `init` of the next year's seed takes
last year's final figures as baselines and `show` links the two years; `overdue` on a finished
year marks the milestones still open for 结转; `carry` makes them targets of the new report;
`targets --review` lists what the draft left for a person to check."""

import json
from pathlib import Path

import pytest

SEED_2025 = """
[report]
key = "xlgl-2025"
title = "2025年（测试用）"
year = 2025

[[target]]
id = "coal-output"
section = "（一）"
indicator = "煤炭产量"
kind = "flow"
comparator = "approx"
value = 1.45
unit = "亿吨"
quote = "煤炭产量达到1.45亿吨左右"

[[target]]
id = "coal-wan"
section = "（一）"
indicator = "煤炭产量"
kind = "flow"
comparator = "at_least"
value = 14500
unit = "万吨"
quote = "煤炭产量14500万吨"

[[target]]
id = "new-energy-capacity"
section = "（二）"
indicator = "新能源装机"
kind = "level"
comparator = "at_least"
value = 2600
unit = "万千瓦"
baseline = 2050
quote = "新能源装机突破2600万千瓦"

[[target]]
id = "urban-jobs"
section = "主要预期目标"
indicator = "城镇新增就业"
kind = "flow"
comparator = "at_least"
value = 1.1
unit = "万人"
quote = "城镇新增就业1.1万人以上"

[[target]]
id = "gps"
section = "（三）"
indicator = "每万人口全科医生数"
kind = "level"
comparator = "reach"
value = 3.5
unit = "名"
quote = "每万人口全科医生数达到3.5名"
review = true
confidence = 0.6
"""


@pytest.fixture
def seed_2025(tmp_path) -> Path:
    path = tmp_path / "seed-2025.toml"
    path.write_text(SEED_2025, encoding="utf-8")
    return path


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def as_json(result):
    return json.loads(ok(result).output)


def refused(result, words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.output
    assert "Traceback" not in result.output


@pytest.fixture
def two_years(xlgl, seed_2025):
    """The mini 2024 ledger with coal output's final figure (and one figure on the way for
    the jobs), then the 2025 seed."""
    ok(xlgl("record", "coal-output", "1.07", "--as-of", "2024-09-30"))
    ok(xlgl("record", "coal-output", "1.38亿吨", "--as-of", "2024-12-31"))
    ok(xlgl("record", "urban-jobs", "0.8", "--as-of", "2024-10-31"))
    ok(xlgl("init", "--seed", str(seed_2025)))
    return xlgl


def shown(xlgl, target: str, report: str) -> dict:
    return as_json(xlgl("show", target, "--report", report, "--format", "json"))[0]


def test_a_target_without_a_baseline_takes_last_years_final_figure(two_years):
    coal = shown(two_years, "coal-output", "xlgl-2025")
    assert coal["baseline"] == 1.38
    assert coal["years"] == [
        {"direction": "previous", "how": "baseline", "report": "xlgl-2024", "id": "coal-output",
         "indicator": "煤炭产量", "figure": 1.38, "figure_as_of": "2024-12-31", "final": True},
    ]  # fmt: skip
    # the same indicator in 万吨: converted exactly
    assert shown(two_years, "coal-wan", "xlgl-2025")["baseline"] == 13800


def test_a_baseline_the_seed_states_is_kept_and_a_figure_on_the_way_is_no_baseline(two_years):
    energy = shown(two_years, "new-energy-capacity", "xlgl-2025")
    assert energy["baseline"] == 2050
    # still linked to last year's target by indicator and unit, both ways
    assert [(y["direction"], y["how"], y["report"]) for y in energy["years"]] == [
        ("previous", "same", "xlgl-2024")
    ]
    old = shown(two_years, "new-energy-capacity", "xlgl-2024")
    assert [(y["direction"], y["how"], y["id"]) for y in old["years"]] == [
        ("next", "same", "new-energy-capacity")
    ]
    jobs = shown(two_years, "urban-jobs", "xlgl-2025")
    assert jobs["baseline"] is None
    assert jobs["years"][0]["final"] is False and jobs["years"][0]["figure"] == 0.8


def test_show_links_both_years_in_words(two_years):
    new = ok(two_years("show", "coal-output", "--report", "xlgl-2025")).output
    assert "2024年基数  1.38亿吨" in new
    assert "上年        xlgl-2024 coal-output 1.38亿吨（终值），本目标基数取自此" in new
    old = ok(two_years("show", "coal-output", "--report", "2024")).output
    assert "下年" in old and "xlgl-2025 coal-output 尚无实绩，其基数取自本目标" in old
    jobs = ok(two_years("show", "urban-jobs", "--report", "xlgl-2025")).output
    assert "xlgl-2024 urban-jobs 0.8万人（截至 2024-10-31，非终值）" in jobs


def test_init_again_after_the_final_figure_fills_the_baseline(two_years, seed_2025):
    assert shown(two_years, "urban-jobs", "xlgl-2025")["baseline"] is None
    ok(two_years("record", "urban-jobs", "1.2", "--as-of", "2024-12-31", "--report", "xlgl-2024"))
    again = ok(two_years("init", "--seed", str(seed_2025))).output
    assert "新增 0，更新 1" in again
    assert shown(two_years, "urban-jobs", "xlgl-2025")["baseline"] == 1.2
    # and once more: nothing changes
    assert "新增 0，更新 0" in ok(two_years("init", "--seed", str(seed_2025))).output


def overdue_2024(xlgl) -> dict:
    rows = as_json(xlgl("overdue", "--report", "2024", "--as-of", "2025-03-31", "-f", "json"))
    return {row["id"]: row for row in rows}


def test_overdue_of_a_finished_year_marks_open_milestones_for_carrying(two_years):
    rows = overdue_2024(two_years)
    projects = rows["key-projects-ready"]
    assert projects["status"] == "overdue" and projects["reason_codes"][-1] == "carry"
    assert projects["reasons"][-1] == "待结转：xlgl carry key-projects-ready --to xlgl-2025"
    # a flow target missed or overdue is not a milestone to carry
    assert all(
        "carry" not in row["reason_codes"] for row in rows.values() if row["kind"] != "milestone"
    )
    table = ok(two_years("overdue", "--report", "xlgl-2024", "--as-of", "2025-03-31")).output
    assert "待结转：xlgl carry key-projects-ready --to xlgl-2025" in table
    # during its own year the same milestone is overdue, without the mark
    in_year = as_json(
        two_years("overdue", "--report", "2024", "--as-of", "2024-06-30", "-f", "json")
    )
    assert all("carry" not in row["reason_codes"] for row in in_year)


def test_carry_makes_a_target_of_the_new_report_that_cites_the_old(two_years):
    before = overdue_2024(two_years)["key-projects-ready"]
    said = ok(two_years("carry", "key-projects-ready", "--to", "2025")).output
    assert "xlgl-2024 key-projects-ready" in said and "→ xlgl-2025 key-projects-ready" in said
    new = shown(two_years, "key-projects-ready", "xlgl-2025")
    assert (new["value"], new["unit"], new["indicator"]) == (
        188,
        "个",
        "盟级重点项目具备开复工条件",
    )
    assert (new["start"], new["due"], new["section"]) == ("2025-01-01", "2025-12-31", "结转")
    assert new["years"][0] | {"figure": None} == {
        "direction": "previous", "how": "carried", "report": "xlgl-2024",
        "id": "key-projects-ready", "indicator": "盟级重点项目具备开复工条件", "figure": None,
        "figure_as_of": None, "final": False,
    }  # fmt: skip
    # the old target keeps its verdict, now marked as carried
    after = overdue_2024(two_years)["key-projects-ready"]
    assert after["status"] == before["status"] == "overdue"
    assert after["reasons"][-1] == "已结转为 xlgl-2025 key-projects-ready"
    old = ok(two_years("show", "key-projects-ready", "--report", "xlgl-2024")).output
    assert "结转为" in old and "xlgl-2025 key-projects-ready" in old
    status_2025 = as_json(two_years("status", "--report", "xlgl-2025", "-f", "json"))
    assert "key-projects-ready" in {row["id"] for row in status_2025}


def test_carry_with_a_due_date_and_an_id_taken_in_the_new_report(two_years):
    ok(two_years("record", "coal-output", "1.2", "--as-of", "2024-12-31", "--replace"))
    said = ok(two_years("carry", "coal-output", "--to", "xlgl-2025", "--due", "2025-06-30")).output
    assert "→ xlgl-2025 coal-output-2024" in said  # coal-output is the 2025 seed's own
    new = shown(two_years, "coal-output-2024", "xlgl-2025")
    assert new["due"] == "2025-06-30" and new["value"] == 1.4


def test_carry_refuses_in_one_line(two_years):
    refused(two_years("carry", "key-projects-ready", "--to", "2026"), "没有报告“2026”")
    refused(two_years("carry", "coal-output", "--to", "2025"), "已完成，无需结转")
    ok(two_years("carry", "key-projects-ready", "--to", "2025"))
    refused(two_years("carry", "key-projects-ready", "--to", "2025"), "已结转为 xlgl-2025")
    refused(
        two_years("carry", "household-toilets", "--to", "2024", "--report", "2024"),
        "不能结转到本报告",
    )
    refused(two_years("carry", "no-such-target", "--to", "2025"), "no-such-target")


KEY_PROJECTS_2025 = """
[[target]]
id = "key-projects-ready"
section = "（三）"
indicator = "重点项目开工"
kind = "milestone"
comparator = "reach"
value = 200
unit = "个"
quote = "200个重点项目开工"
"""


def test_a_seed_that_names_a_carried_target_is_refused_and_changes_nothing(
    two_years, seed_2025, ledger_path
):
    """Re-loading next year's seed, now with a target of the carried target's id, would have
    overwritten the carried one (its indicator, value, calendar) with the seed's."""
    ok(two_years("carry", "key-projects-ready", "--to", "2025"))
    carried = shown(two_years, "key-projects-ready", "xlgl-2025")
    seed_2025.write_text(SEED_2025 + KEY_PROJECTS_2025, encoding="utf-8")
    before = ledger_path.read_bytes()
    refused(two_years("init", "--seed", str(seed_2025)), "key-projects-ready")
    assert ledger_path.read_bytes() == before
    assert shown(two_years, "key-projects-ready", "xlgl-2025") == carried


def test_targets_review_lists_the_flagged_targets(two_years):
    flagged = as_json(two_years("targets", "--review", "--report", "xlgl-2025", "-f", "json"))
    assert [t["id"] for t in flagged] == ["gps"]
    assert as_json(two_years("targets", "--review", "--report", "2024", "-f", "json")) == []
    table = ok(two_years("targets", "--review", "--report", "2025")).output
    assert "gps" in table and "coal-output" not in table


def test_report_by_year_refused_when_two_reports_share_it(two_years, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(SEED_2025.replace('key = "xlgl-2025"', 'key = "other-2025"'), "utf-8")
    ok(two_years("init", "--seed", str(other)))
    refused(two_years("status", "--report", "2025"), "多份报告")


def test_a_version_1_ledger_migrates_and_takes_the_next_year(tmp_path, seed_2025):
    import shutil

    from typer.testing import CliRunner

    from xlgl.cli import app

    path = tmp_path / "v1.db"
    shutil.copy(Path(__file__).parent / "data" / "ledger-v1.db", path)
    runner = CliRunner()
    before = as_json(
        runner.invoke(app, ["--db", str(path), "history", "--report", "all", "-f", "json"])
    )
    ok(runner.invoke(app, ["--db", str(path), "init", "--seed", str(seed_2025)]))
    after = as_json(
        runner.invoke(app, ["--db", str(path), "history", "--report", "all", "-f", "json"])
    )
    assert after == before and before
    carried = runner.invoke(
        app, ["--db", str(path), "targets", "--review", "--report", "2025", "-f", "json"]
    )
    assert [t["id"] for t in as_json(carried)] == ["gps"]
