"""The commands as a user runs them: what they print, what they store, how they exit."""

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlgl.cli import app

# Real figures published in 2024 (a copy of ../shared/seed/published-figures-2024.csv).
PUBLISHED = Path(__file__).parent / "data" / "published-figures-2024.csv"


def status_of(xlgl, target_id, as_of):
    result = xlgl("status", "--as-of", as_of, "--format", "json", "--search", target_id)
    assert result.exit_code == 0, result.output
    rows = [row for row in json.loads(result.stdout) if row["id"] == target_id]
    assert len(rows) == 1
    return rows[0]


# --- worked examples: record, then status as DESIGN.md's rules give by hand ----------------------


def test_coal_output_worked_example(xlgl):
    result = xlgl(
        "record", "煤炭产量", "1.07亿吨", "--as-of", "2024-09-30", "--source", "自治区统计局"
    )
    assert result.exit_code == 0, result.output
    assert "coal-output" in result.stdout and "1.07亿吨" in result.stdout
    row = status_of(xlgl, "coal-output", "2024-09-30")
    # flow target 1.4亿吨左右; 1 Jan – 30 Sep 2024 is 274 of 366 days (leap year)
    assert row["latest"] == 1.07
    assert row["latest_as_of"] == "2024-09-30"
    assert row["completion"] == round(1.07 / 1.4, 4) == 0.7643
    assert row["time_progress"] == round(274 / 366, 4) == 0.7486
    assert row["expected"] == 0.7486
    assert row["status"] == "on_track"  # 0.7643 ≥ 0.7486 − 0.10
    assert row["reasons"] == []


def test_level_target_with_a_baseline_worked_example(xlgl):
    assert (
        xlgl("record", "new-energy-capacity", "1980万千瓦", "--as-of", "2024-06-30").exit_code == 0
    )
    row = status_of(xlgl, "new-energy-capacity", "2024-06-30")
    # 2000万千瓦以上 from 1968: p = 182/366 = 0.4973; e = (1968 + 32 × 0.4973) / 2000 = 0.9920
    assert row["time_progress"] == round(182 / 366, 4)
    assert row["expected"] == round((1968 + 32 * 182 / 366) / 2000, 4) == 0.992
    assert row["completion"] == round(1980 / 2000, 4) == 0.99
    assert row["status"] == "on_track"  # 0.99 ≥ 0.992 − 0.10


def test_behind_schedule_worked_example_with_reasons(xlgl):
    assert xlgl("record", "project-investment", "120", "--as-of", "2024-05-31").exit_code == 0
    row = status_of(xlgl, "project-investment", "2024-07-31")
    # 450亿元以上: 120/450 = 0.2667, judged at the figure's date: e(05-31) = 152/366 = 0.4153,
    # behind by 14.9 points; at the as-of date p = 213/366 = 0.5820 is shown beside it
    assert row["completion"] == 0.2667
    assert row["expected"] == round(213 / 366, 4) == 0.582
    assert row["expected_at_latest"] == round(152 / 366, 4) == 0.4153
    assert row["status"] == "at_risk"
    assert row["reasons"] == [
        "落后时间进度 14.9 个百分点（截至 2024-05-31）",
        # monthly, published 20 days after the month: June's figure was due 07-20
        "应报未报：截至 2024-06-30 的数据应于 2024-07-20 前报送",
        # 330亿元 over 153 days = 5.027 months
        "剩余月份需月均完成 65.65亿元",
    ]
    assert row["reason_codes"] == ["behind", "late_report", "pace"]
    assert row["light"] == "yellow"


def test_growth_target_met_within_tolerance(xlgl):
    assert xlgl("record", "gdp-growth", "5.8%", "--as-of", "2024-06-30").exit_code == 0
    row = status_of(xlgl, "gdp-growth", "2024-06-30")
    assert row["completion"] == round(5.8 / 6, 4)
    assert row["expected"] == 1.0
    assert row["status"] == "met"  # 5.8 ≥ 6 × 0.95 = 5.7


def test_an_increment_records_the_new_cumulative(xlgl):
    assert xlgl("record", "household-toilets", "1200个", "--as-of", "2024-06-30").exit_code == 0
    result = xlgl("record", "household-toilets", "300", "--add", "--as-of", "2024-07-31")
    assert result.exit_code == 0, result.output
    assert status_of(xlgl, "household-toilets", "2024-07-31")["latest"] == 1500
    refused = xlgl("record", "gdp-growth", "0.1", "--add")
    assert refused.exit_code == 2
    assert "flow" in refused.stderr or "累计" in refused.stderr


# --- overdue -------------------------------------------------------------------------------------


def test_the_188_projects_are_overdue_the_day_after_april_15(xlgl):
    result = xlgl("overdue", "--as-of", "2024-04-16", "--format", "json", "--exit-code")
    assert result.exit_code == 1, result.output
    rows = json.loads(result.stdout)
    ready = [row for row in rows if row["id"] == "key-projects-ready"]
    assert ready and ready[0]["status"] == "overdue"
    assert ready[0]["reasons"] == ["逾期 1 天，未报送"]
    assert rows[0]["id"] == "key-projects-ready"  # worst first


def test_overdue_exit_code_is_0_when_nothing_is_listed(xlgl):
    assert xlgl("record", "key-projects-ready", "188个", "--as-of", "2024-04-10").exit_code == 0
    result = xlgl("overdue", "--as-of", "2024-04-16", "--only", "overdue", "--exit-code")
    assert result.exit_code == 0, result.output
    assert "共 0 个目标" in result.stdout


def test_overdue_lists_worst_first_with_reasons_in_the_table(xlgl):
    xlgl("record", "project-investment", "120", "--as-of", "2024-05-31")
    result = xlgl("overdue", "--as-of", "2024-07-31")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    ready = next(i for i, line in enumerate(lines) if "key-projects-ready" in line)
    investment = next(i for i, line in enumerate(lines) if "project-investment" in line)
    assert ready < investment
    assert "逾期 107 天" in lines[ready]
    assert "落后时间进度" in lines[investment]
    at_risk_only = xlgl("overdue", "--as-of", "2024-07-31", "--only", "at-risk", "-f", "json")
    assert {row["status"] for row in json.loads(at_risk_only.stdout)} == {"at_risk"}


# --- status --------------------------------------------------------------------------------------


def test_status_table_shows_every_target_and_a_summary(xlgl):
    result = xlgl("status", "--as-of", "2024-09-30")
    assert result.exit_code == 0, result.output
    for target_id in ("gdp-growth", "coal-output", "beef-processing-projects"):
        assert target_id in result.stdout
    assert "1.4亿吨左右" in result.stdout and "1—2家" in result.stdout
    assert "截至 2024-09-30，共 10 个目标：逾期 1 · 预警 7 · 未报送 2" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour codes outside a terminal


def test_status_json_has_the_contract_fields(xlgl):
    rows = json.loads(xlgl("status", "--as-of", "2024-09-30", "-f", "json").stdout)
    assert len(rows) == 10
    for key in (
        "id",
        "indicator",
        "kind",
        "comparator",
        "value",
        "unit",
        "due",
        "latest",
        "latest_as_of",
        "completion",
        "time_progress",
        "expected",
        "status",
        "reasons",
    ):
        assert key in rows[0]
    ready = next(r for r in rows if r["id"] == "key-projects-ready")
    assert (ready["value"], ready["unit"], ready["due"], ready["latest"]) == (
        188,
        "个",
        "2024-04-15",
        None,
    )


def test_status_csv_has_a_header_and_the_same_rows(xlgl):
    result = xlgl("status", "--as-of", "2024-09-30", "-f", "csv", "--status", "overdue")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("id,section,indicator")
    assert len(lines) == 2 and lines[1].startswith("key-projects-ready,")


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (
            ["--section", "（二）"],
            {"new-energy-capacity", "beef-cattle-herd", "beef-processing-projects"},
        ),
        (
            ["--section", "2"],
            {"new-energy-capacity", "beef-cattle-herd", "beef-processing-projects"},
        ),
        (["--kind", "growth"], {"gdp-growth"}),
        (["--search", "失业"], {"unemployment-rate"}),
        (["--status", "overdue"], {"key-projects-ready"}),
    ],
)
def test_status_filters(xlgl, option, expected):
    result = xlgl("status", "--as-of", "2024-09-30", "-f", "json", *option)
    assert result.exit_code == 0, result.output
    assert {row["id"] for row in json.loads(result.stdout)} == expected


def test_owner_filter_after_assign(xlgl):
    assert xlgl("assign", "煤炭产量", "--owner", "盟能源局").exit_code == 0
    rows = json.loads(xlgl("status", "-f", "json", "--owner", "盟能源局").stdout)
    assert [row["id"] for row in rows] == ["coal-output"]
    assert rows[0]["owner"] == "盟能源局"


def test_assign_moves_the_due_date(xlgl):
    assert xlgl("assign", "coal-output", "--due", "2024-09-30", "--reason", "提前").exit_code == 0
    # monthly, published 20 days after the month: the final figure is awaited until 10-20
    row = status_of(xlgl, "coal-output", "2024-10-01")
    assert (row["due"], row["status"]) == ("2024-09-30", "awaiting")
    row = status_of(xlgl, "coal-output", "2024-10-21")
    assert (row["status"], row["reason_codes"]) == ("overdue", ["late_report"])


# --- the published figures, as a liaison records them -----------------------------------------


def test_the_published_coal_figures_import_and_match_the_command(xlgl, tmp_path):
    assert PUBLISHED.exists()
    result = xlgl("record", "--file", str(PUBLISHED))
    assert result.exit_code == 0, result.output
    assert "导入 2 条" in result.stdout
    history = json.loads(xlgl("history", "coal-output", "-f", "json").stdout)
    assert [(r["value"], r["as_of"]) for r in history] == [
        (0.8, "2024-07-31"),
        (1.07, "2024-09-30"),
    ]
    # the same figure in a CSV row in 万吨 and typed at the command line is the same value: each
    # is a duplicate of the figure already there, skipped and said
    csv_file = tmp_path / "actuals.csv"
    csv_file.write_text("target,value,as_of\n煤炭产量,10700万吨,2024-09-30\n", encoding="utf-8")
    again = xlgl("record", "--file", str(csv_file))
    assert again.exit_code == 0 and "导入 0 条记录（1 条已在台账中" in again.stdout
    typed = xlgl("record", "煤炭产量", "1.07亿吨", "--as-of", "2024-09-30")
    assert typed.exit_code == 0 and "未重复记录" in typed.stdout
    assert len(json.loads(xlgl("history", "-f", "json").stdout)) == 2
    # importing the published file twice adds nothing
    twice = xlgl("record", "--file", str(PUBLISHED))
    assert twice.exit_code == 0 and "导入 0 条记录（2 条已在台账中" in twice.stdout


# --- show, targets, history, void ---------------------------------------------------------------


def test_show_gives_the_quote_the_places_and_the_history(xlgl):
    xlgl("record", "城镇新增就业", "0.6万人", "--as-of", "2024-06-30")
    result = xlgl("show", "urban-jobs", "--as-of", "2024-06-30")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("城镇新增就业1万人以上") == 2  # headline goals and （六）
    assert "0.6万人" in result.stdout
    data = json.loads(xlgl("show", "urban-jobs", "-f", "json", "--as-of", "2024-06-30").stdout)[0]
    assert [p["section"] for p in data["places"]] == ["主要预期目标", "（六）"]
    assert data["records"][0]["value"] == 0.6


def test_show_says_the_figure_is_judged_at_its_own_date(xlgl):
    """1-9月 coal on 10-31: completion 76.4% against 74.9% due by 09-30 (on track), beside the
    pace of 10-31 (83.3%), which alone would read as behind."""
    xlgl("record", "煤炭产量", "1.07亿吨", "--as-of", "2024-09-30")
    lines = xlgl("show", "coal-output", "--as-of", "2024-10-31").stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("最新"))
    assert lines[at].split() == ["最新", "1.07亿吨（截至", "2024-09-30）"]
    assert lines[at + 1].split() == [
        "进度",
        "完成率",
        "76.4%（截至",
        "2024-09-30",
        "应完成",
        "74.9%）",
    ]
    assert lines[at + 2].split() == [
        "截至",
        "2024-10-31：时间进度",
        "83.3%",
        "·",
        "应完成",
        "83.3%",
    ]
    assert lines[at + 3].split() == ["状态", "正常"]
    same_day = xlgl("show", "coal-output", "--as-of", "2024-09-30").stdout
    assert "完成率 76.4% · 时间进度 74.9% · 应完成 74.9%" in same_day


def test_targets_are_grouped_by_section_with_counts(xlgl):
    result = xlgl("targets")
    assert result.exit_code == 0, result.output
    assert "（一）（3 个目标）" in result.stdout
    assert "共 10 个目标" in result.stdout
    rows = json.loads(xlgl("targets", "-f", "json").stdout)
    assert rows[0]["quote"] == "地区生产总值增长6%左右"
    assert isinstance(rows[0]["offset"], int)


def test_void_keeps_both_records_in_the_history(xlgl):
    xlgl("record", "煤炭产量", "8亿吨", "--as-of", "2024-07-31")
    result = xlgl("void", "1", "--reason", "单位录错")
    assert result.exit_code == 0, result.output
    history = json.loads(xlgl("history", "-f", "json").stdout)
    assert [(r["id"], r["voids"], r["voided"]) for r in history] == [(1, None, True), (2, 1, False)]
    assert status_of(xlgl, "coal-output", "2024-07-31")["latest"] is None


def test_settings_can_be_read_and_changed(xlgl):
    assert "due_soon_days = 30" in xlgl("settings").stdout
    assert xlgl("settings", "due_soon_days", "45").exit_code == 0
    assert "due_soon_days = 45" in xlgl("settings").stdout
    assert xlgl("settings", "red_threshold", "0.25").exit_code == 0
    assert "red_threshold = 0.25" in xlgl("settings").stdout


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("approx_tolerance", "5", "须在 0 到 0.5 之间"),  # 5 would make GDP −2.3% 已完成
        ("due_soon_days", "inf", "须为整数"),
        ("due_soon_days", "7.5", "须为整数"),
        ("behind_threshold", "nan", "须为数字"),
        ("behind_threshold", "-0.1", "须在 0 到 1 之间"),
        ("red_threshold", "abc", "须为数字"),
        ("colour", "1", "没有设置项“colour”"),
    ],
)
def test_settings_out_of_range_are_refused_in_chinese(xlgl, ledger_path, name, value, words):
    before = ledger_path.read_bytes()
    result = xlgl("settings", name, value)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert ledger_path.read_bytes() == before
    assert "approx_tolerance = 0.05" in xlgl("settings").stdout


# --- errors: one line, the documented exit code -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["record", "火星基地", "3"], "没有目标"),
        (["record", "项目", "3"], "对应多个目标"),
        (["record", "煤炭产量", "1.07亿元"], "亿吨"),
        (["record", "煤炭产量", "abc"], "abc"),
        (["record", "煤炭产量", "1.07亿吨", "--as-of", "2024-13-01"], "2024-13-01"),
        (["status", "--as-of", "yesterday"], "yesterday"),
        (["void", "99", "--reason", "x"], "没有记录"),
        (["record", "煤炭产量"], "需要 TARGET 和 VALUE"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(xlgl, args, fragment):
    result = xlgl(*args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_a_missing_ledger_given_by_db_is_exit_4(tmp_path):
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "missing.db"), "status"])
    assert result.exit_code == 4
    assert "不存在" in result.stderr
    assert not (tmp_path / "missing.db").exists()


def test_xlgl_db_environment_variable_names_the_ledger(ledger_path, monkeypatch):
    monkeypatch.setenv("XLGL_DB", str(ledger_path))
    result = CliRunner().invoke(app, ["targets", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 10


def test_first_use_creates_and_seeds_the_default_ledger(tmp_path):
    result = CliRunner().invoke(app, ["status", "-f", "json", "--as-of", "2024-04-16"])
    assert result.exit_code == 0, result.output
    default = tmp_path / "data-home" / "xlgl" / "ledger.db"
    assert default.exists()
    assert f"已新建台账 {default}" in result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) > 100  # the packaged seed of the whole report
    assert next(r for r in rows if r["id"] == "key-projects-ready")["status"] == "overdue"
    again = CliRunner().invoke(app, ["status", "-f", "json"])
    assert again.stderr == ""  # said once, on first use


def test_init_twice_changes_nothing(ledger_path, seed_path):
    result = CliRunner().invoke(app, ["--db", str(ledger_path), "init", "--seed", str(seed_path)])
    assert result.exit_code == 0, result.output
    assert "新增 0，更新 0" in result.stdout


def test_today_is_the_default_as_of(xlgl):
    row = json.loads(xlgl("status", "-f", "json", "--search", "gdp-growth").stdout)[0]
    assert row["time_progress"] == (
        1.0 if date.today() > date(2024, 12, 31) else row["time_progress"]
    )


def test_init_with_a_seed_on_first_use_holds_only_that_seed(tmp_path, seed_path):
    result = CliRunner().invoke(app, ["init", "--seed", str(seed_path)])
    assert result.exit_code == 0, result.output
    assert "共 10 个目标（新增 10，更新 0）" in result.stdout
    rows = json.loads(CliRunner().invoke(app, ["targets", "-f", "json"]).stdout)
    assert len(rows) == 10  # not the packaged 106 as well


def test_a_json_seed_of_the_same_shape_builds_the_same_ledger(tmp_path, seed_path):
    import tomllib

    data = tomllib.loads(seed_path.read_text(encoding="utf-8"))
    report = seed_path.parent / data["report"]["source"]  # a seed reads only its own folder
    (tmp_path / report.name).write_bytes(report.read_bytes())
    json_seed = tmp_path / "seed.json"
    json_seed.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["--db", str(tmp_path / "j.db"), "init", "--seed", str(json_seed)]
    )
    assert result.exit_code == 0, result.output
    from_json = json.loads(
        CliRunner().invoke(app, ["--db", str(tmp_path / "j.db"), "targets", "-f", "json"]).stdout
    )
    result = CliRunner().invoke(
        app, ["--db", str(tmp_path / "t.db"), "init", "--seed", str(seed_path)]
    )
    from_toml = json.loads(
        CliRunner().invoke(app, ["--db", str(tmp_path / "t.db"), "targets", "-f", "json"]).stdout
    )
    assert from_json == from_toml


def test_a_seed_with_a_misquoted_target_is_refused_whole(tmp_path, seed_path):
    text = seed_path.read_text(encoding="utf-8").replace(
        "力争全年煤炭产量达到1.4亿吨左右", "力争全年煤炭产量达到1.5亿吨左右"
    )
    bad = seed_path.parent / "bad-seed.toml"  # beside the mini seed, so the report is found
    bad.write_text(text, encoding="utf-8")
    try:
        result = CliRunner().invoke(
            app, ["--db", str(tmp_path / "b.db"), "init", "--seed", str(bad)]
        )
    finally:
        bad.unlink()
    assert result.exit_code == 2
    assert "coal-output" in result.stderr and "引文" in result.stderr
    assert not (tmp_path / "b.db").exists()


def test_version():
    from xlgl import __version__

    result = CliRunner().invoke(app, ["--version"])
    assert (result.exit_code, result.stdout.strip()) == (0, f"xlgl {__version__}")


def test_force_and_replace_do_what_they_say_and_leave_a_trace(xlgl, ledger_path):
    before = ledger_path.read_bytes()
    refused = xlgl("record", "gdp-growth", "0.056", "--as-of", "2024-06-30")
    assert refused.exit_code == 2 and "像是把百分数写成了小数" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert ledger_path.read_bytes() == before
    forced = xlgl("record", "gdp-growth", "0.056", "--as-of", "2024-06-30", "--force")
    assert forced.exit_code == 0 and "强制录入" in forced.stdout
    conflict = xlgl("record", "gdp-growth", "5.6", "--as-of", "2024-06-30")
    assert conflict.exit_code == 2 and "--replace" in conflict.stderr
    replaced = xlgl("record", "gdp-growth", "5.6%", "--as-of", "2024-06-30", "--replace")
    assert replaced.exit_code == 0 and "作废 #1" in replaced.stdout
    history = json.loads(xlgl("history", "gdp-growth", "-f", "json").stdout)
    assert [(r["id"], r["value"], r["voids"], r["voided"], r["forced"]) for r in history] == [
        (1, 0.056, None, True, True),
        (2, 5.6, None, False, False),
        (3, None, 1, False, False),
    ]
    assert "强制录入" in history[0]["note"] and history[2]["note"] == "由 #2 取代"
    assert status_of(xlgl, "gdp-growth", "2024-06-30")["latest"] == 5.6


@pytest.mark.parametrize("as_of", ["2099-03-31", "1999-06-01"])  # the future; before the start
def test_dates_outside_the_target_year_are_refused(xlgl, ledger_path, as_of):
    before = ledger_path.read_bytes()
    result = xlgl("record", "household-toilets", "100", "--as-of", as_of)
    assert result.exit_code == 2, result.output
    assert ledger_path.read_bytes() == before
