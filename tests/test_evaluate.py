"""Status rows through a whole year: every kind and comparator, before the start, during the year,
on the due date, within the publication lag, after it with and without the final figure, met on
time and met late. Each case states its arithmetic. 2024 has 366 days."""

from dataclasses import replace
from datetime import date

import pytest

from xlgl.model import Actual, Settings, Target
from xlgl.progress import evaluate, severity, summarize

D = date
SETTINGS = Settings()


def target(kind, comparator, value, unit="个", **fields) -> Target:
    direction = "down" if comparator == "at_most" else "up"
    return Target(
        id=fields.pop("id", f"{kind}-{comparator}"),
        indicator="测试指标",
        kind=kind,
        comparator=comparator,
        value=value,
        unit=unit,
        direction=fields.pop("direction", direction),
        **fields,
    )


def fig(value, as_of, n=1):
    return Actual(value, as_of, f"2025-01-01T00:00:{n:02d}", n)


# Targets of the cases: the year 2024, with the calendar of their kind of figure.
FLOW = target("flow", "reach", 100, frequency="month", lag_days=20)  # 累计, monthly
LEVEL = target("level", "at_least", 2000, "万千瓦", baseline=1968, frequency="quarter", lag_days=25)
GDP = target("growth", "approx", 6, "%", frequency="quarter", lag_days=25)  # 6%左右
INVEST = target("growth", "at_least", 15, "%", frequency="month", lag_days=20)  # 15%以上
JOBLESS = target("share", "at_most", 5, "%", frequency="quarter", lag_days=25)  # 5%以内
SHEEP = target("level", "stable", 1030, "万只", frequency="year", lag_days=60)  # 稳定在1030万只
START = target("milestone", "reach", 1, scale=500, scale_unit="万千瓦", frequency="event")
WORKSHOPS = target("milestone", "reach", 9, "家", frequency="event")  # 9家作坊: counted
READY = target("milestone", "reach", 188, due=D(2024, 4, 15), frequency="event")  # by 4月15日
RANGE = target("flow", "range", 1, "家", value_hi=2, frequency="year", lag_days=60)  # 1—2家

CASES = [
    # --- flow, reach 100个, monthly, lag 20 ---
    ("before the start: nothing expected, nothing due", FLOW, [], D(2023, 12, 15), "no_data", [], "grey"),
    ("January, before its figure is due (01-31 + 20 = 02-20)", FLOW, [], D(2024, 2, 10), "no_data", [], "grey"),
    ("no January figure by 02-21: 应报未报", FLOW, [], D(2024, 2, 21), "at_risk", ["late_report"], "yellow"),
    # e(06-30) = 182/366 = 0.497; r = 0.50 → on track
    ("on track at mid-year", FLOW, [fig(50, D(2024, 6, 30))], D(2024, 7, 10), "on_track", [], "green"),
    # r = 0.30: 0.497 − 0.30 = 0.197 > 0.10 behind; ≤ 0.30 yellow; pace (100 − 30) over 5.7 months
    ("behind by 19.7 points", FLOW, [fig(30, D(2024, 6, 30))], D(2024, 7, 10), "at_risk", ["behind", "pace"], "yellow"),
    # r = 0.10: 0.497 − 0.10 = 0.397 > 0.30 → red
    ("behind by 39.7 points", FLOW, [fig(10, D(2024, 6, 30))], D(2024, 7, 10), "at_risk", ["behind", "pace"], "red"),
    # July's figure was due 07-31 + 20 = 08-20
    ("July's figure late on 08-21", FLOW, [fig(50, D(2024, 6, 30))], D(2024, 8, 21), "at_risk", ["late_report"], "yellow"),
    # judged at the figure's own date: e(09-30) = 274/366 = 0.749, r = 0.70, short 4.9 points
    # (at the as-of date e(10-31) = 305/366 = 0.833 would make it 13.3 points behind)
    ("a September figure judged at 09-30", FLOW, [fig(70, D(2024, 9, 30))], D(2024, 10, 31), "on_track", [], "green"),
    # on the due date: not yet after it; e(11-30) = 335/366 = 0.915, r = 0.95; due in 0 days
    ("on the due date", FLOW, [fig(95, D(2024, 11, 30))], D(2024, 12, 31), "on_track", ["due_soon"], "blue"),
    # after the due date, the December figure due 12-31 + 20 = 2025-01-20: nothing late yet
    ("within the publication lag", FLOW, [fig(95, D(2024, 11, 30))], D(2025, 1, 10), "awaiting", [], "grey"),
    ("after the lag, no final figure", FLOW, [fig(95, D(2024, 11, 30))], D(2025, 1, 21), "overdue", ["late_report"], "red"),
    ("the final figure short of the target", FLOW, [fig(95, D(2024, 12, 31))], D(2025, 2, 1), "missed", ["missed"], "red"),
    ("met on time", FLOW, [fig(100, D(2024, 12, 31))], D(2025, 2, 1), "met", [], "green"),
    ("met late (a figure after the due date)", FLOW, [fig(95, D(2024, 12, 31), 1), fig(100, D(2025, 1, 31), 2)], D(2025, 2, 28), "met_late", [], "green"),
    # --- level, at least 2000万千瓦 from a baseline of 1968, quarterly, lag 25 ---
    # e(06-30) = (1968 + 32 × 182/366) / 2000 = 0.992; r = 1980/2000 = 0.99 → on track
    ("a level on its path from the baseline", LEVEL, [fig(1980, D(2024, 6, 30))], D(2024, 7, 10), "on_track", [], "green"),
    # r = 1700/2000 = 0.85: 0.992 − 0.85 = 0.142 > 0.10 behind
    ("a level behind its path", LEVEL, [fig(1700, D(2024, 6, 30))], D(2024, 7, 10), "at_risk", ["behind"], "yellow"),
    # --- growth, 6%左右 (approx, tolerance 0.05: met from 5.7) ---
    ("growth met within the tolerance", GDP, [fig(5.7, D(2024, 6, 30))], D(2024, 7, 10), "met", ["tolerance"], "green"),
    # r = 5.5/6 = 0.917: short of 1 by 0.083 ≤ 0.10 → not yet a warning
    ("growth a little under", GDP, [fig(5.5, D(2024, 6, 30))], D(2024, 7, 10), "on_track", [], "green"),
    # r = 5/6 = 0.833: short by 0.167 > 0.10 → 低于目标 1.0 个百分点
    ("growth under the target", GDP, [fig(5.0, D(2024, 6, 30))], D(2024, 7, 10), "at_risk", ["below_target"], "yellow"),
    ("growth's final figure under", GDP, [fig(5.5, D(2024, 12, 31))], D(2025, 2, 1), "missed", ["missed"], "red"),
    # --- growth, 15%以上: 12% is r = 0.8, 20 points short → yellow (≤ 0.30) ---
    ("at least 15%, 12% recorded", INVEST, [fig(12, D(2024, 9, 30))], D(2024, 10, 10), "at_risk", ["below_target"], "yellow"),
    # --- share, 5%以内 (at_most, direction down) ---
    ("under the cap", JOBLESS, [fig(4.8, D(2024, 9, 30))], D(2024, 10, 10), "met", [], "green"),
    ("over the cap during the year", JOBLESS, [fig(5.5, D(2024, 9, 30))], D(2024, 10, 10), "at_risk", ["over_cap"], "yellow"),
    ("over the cap at the end", JOBLESS, [fig(5.5, D(2024, 12, 31))], D(2025, 2, 1), "missed", ["missed"], "red"),
    # --- level, 稳定在1030万只 (stable: 1030 × (1 ± 0.05) = 978.5 … 1081.5) ---
    ("inside the band", SHEEP, [fig(1050, D(2024, 6, 30))], D(2024, 7, 10), "met", ["tolerance"], "green"),
    ("above the band", SHEEP, [fig(1200, D(2024, 6, 30))], D(2024, 7, 10), "at_risk", ["out_of_band"], "yellow"),
    ("above the band at the end", SHEEP, [fig(1200, D(2024, 12, 31))], D(2025, 3, 15), "missed", ["missed"], "red"),
    # year frequency: the one figure is due 12-31 + 60 = 2025-03-01
    ("a yearly figure within its lag", SHEEP, [], D(2025, 2, 1), "awaiting", [], "grey"),
    ("a yearly figure after its lag", SHEEP, [], D(2025, 3, 2), "overdue", ["late_report"], "red"),
    # --- a single milestone (one start of a 500万千瓦 base): nothing expected until due ---
    ("one start, not yet, mid-year", START, [], D(2024, 6, 30), "no_data", [], "grey"),
    ("one start recorded 0 mid-year", START, [fig(0, D(2024, 6, 30))], D(2024, 7, 10), "on_track", [], "green"),
    # p(10-15) = 289/366 = 0.79 > 0.75 with no figure: silent
    ("one start, silent in the last quarter", START, [], D(2024, 10, 15), "at_risk", ["silent"], "yellow"),
    ("one start, overdue after the due date", START, [], D(2025, 1, 1), "overdue", ["overdue"], "red"),
    ("one start, done late", START, [fig(1, D(2025, 3, 1))], D(2025, 3, 10), "met_late", [], "green"),
    # --- counted milestones keep the linear expectation: 2/9 = 0.222 vs 0.497 → 27.5 points ---
    ("nine workshops, two by mid-year", WORKSHOPS, [fig(2, D(2024, 6, 30))], D(2024, 7, 10), "at_risk", ["behind"], "yellow"),
    ("188 projects ready on 06-10 against 04-15", READY, [fig(188, D(2024, 6, 10))], D(2024, 6, 30), "met_late", [], "green"),
    ("188 projects, not ready the day after", READY, [], D(2024, 4, 16), "overdue", ["overdue"], "red"),
    # --- range 1—2家: the lower bound meets it ---
    ("a range met at its lower bound", RANGE, [fig(1, D(2024, 6, 30))], D(2024, 7, 10), "met", [], "green"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("goal", "figures", "as_of", "status", "codes", "light"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_year_of_every_kind_and_comparator(goal, figures, as_of, status, codes, light):
    latest = figures[-1] if figures else None
    row = evaluate(goal, latest, as_of, SETTINGS, figures)
    assert (row.status, row.reason_codes, row.light) == (status, codes, light)
    assert row.final == (as_of > goal.due and status in ("met", "met_late", "missed"))


def test_coal_output_as_published_is_on_track_at_the_end_of_october():
    # 1.07亿吨 for 1—9月, published 10-22. On 10-31 it is judged against e(09-30) = 274/366.
    coal = target("flow", "approx", 1.4, "亿吨", frequency="month", lag_days=20)
    figures = [fig(0.8, D(2024, 7, 31), 1), fig(1.07, D(2024, 9, 30), 2)]
    row = evaluate(coal, figures[-1], D(2024, 10, 31), SETTINGS, figures)
    assert row.status == "on_track"
    assert row.completion == pytest.approx(1.07 / 1.4)  # 0.7643
    assert row.expected_at_latest == pytest.approx(274 / 366)  # 0.7486
    assert row.expected == pytest.approx(305 / 366)  # at the as-of date, shown to the reader
    assert row.next_report_due == D(2024, 11, 20)  # 10-31 + 20


@pytest.mark.parametrize(
    ("goal", "value", "text"),
    [
        (JOBLESS, 5.5, "超出上限 0.5 个百分点"),
        (INVEST, 12, "低于目标 3.0 个百分点"),
        (SHEEP, 1200, "高于目标 170万只（允许 ±5%）"),
        (replace(SHEEP, id="low"), 900, "低于目标 130万只（允许 ±5%）"),
    ],
)
def test_a_shortfall_against_a_rate_is_stated_against_the_target(goal, value, text):
    row = evaluate(goal, fig(value, D(2024, 9, 30)), D(2024, 10, 10), SETTINGS)
    assert [r.text for r in row.reasons] == [text]
    assert "时间进度" not in text


def test_the_behind_reason_says_the_points_and_the_date_it_was_judged_at():
    row = evaluate(FLOW, fig(30, D(2024, 6, 30)), D(2024, 7, 10), SETTINGS)
    # 182/366 − 0.30 = 0.1973 → 19.7 points; (100 − 30) / (174 days / 30.4375) = 12.24… → 13个
    assert [r.text for r in row.reasons] == [
        "落后时间进度 19.7 个百分点（截至 2024-06-30）",
        "剩余月份需月均完成 13个",
    ]


def test_a_missed_verdict_gives_the_shortfall():
    row = evaluate(FLOW, fig(95, D(2024, 12, 31)), D(2025, 2, 1), SETTINGS)
    assert [r.text for r in row.reasons] == ["未完成：低于目标 5个，完成率 95%"]


def test_met_on_carries_the_first_date_of_the_run_that_meets():
    figures = [fig(100, D(2024, 10, 31), 1), fig(110, D(2024, 12, 31), 2)]
    row = evaluate(FLOW, figures[-1], D(2025, 2, 1), SETTINGS, figures)
    assert (row.status, row.met_on, row.final) == ("met", D(2024, 10, 31), True)


def test_the_red_threshold_is_a_setting():
    behind = fig(10, D(2024, 6, 30))  # 39.7 points behind
    assert evaluate(FLOW, behind, D(2024, 7, 10), SETTINGS).light == "red"
    assert evaluate(FLOW, behind, D(2024, 7, 10), Settings(red_threshold=0.5)).light == "yellow"


def test_worst_first_and_counts_per_status():
    as_of = D(2024, 7, 1)
    rows = [
        evaluate(FLOW, fig(45, D(2024, 6, 30)), as_of),  # on track
        evaluate(replace(READY, id="later", due=D(2024, 6, 1)), None, as_of),  # overdue 30 days
        evaluate(READY, None, as_of),  # overdue 77 days
        evaluate(FLOW, fig(10, D(2024, 6, 30)), as_of),  # red, behind
        evaluate(INVEST, fig(12, D(2024, 6, 30)), as_of),  # yellow, below target
        evaluate(JOBLESS, fig(4, D(2024, 6, 30)), as_of),  # met
    ]
    ordered = [(r.target.id, r.status, r.light) for r in sorted(rows, key=severity)]
    assert ordered == [
        ("milestone-reach", "overdue", "red"),
        ("later", "overdue", "red"),
        ("flow-reach", "at_risk", "red"),
        ("growth-at_least", "at_risk", "yellow"),
        ("flow-reach", "on_track", "green"),
        ("share-at_most", "met", "green"),
    ]
    counts = summarize(rows)
    assert list(counts) == [
        "overdue", "missed", "at_risk", "no_data", "awaiting", "on_track", "met_late", "met"
    ]  # fmt: skip
    assert counts == {
        "overdue": 2, "missed": 0, "at_risk": 2, "no_data": 0,
        "awaiting": 0, "on_track": 1, "met_late": 0, "met": 1,
    }  # fmt: skip
