"""The rules of DESIGN.md, case by case, with the arithmetic written out."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlgl.progress import (
    AT_RISK,
    MET,
    NO_DATA,
    ON_TRACK,
    OVERDUE,
    Actual,
    Settings,
    Target,
    completion,
    evaluate,
    expected_completion,
    is_met,
    latest_actual,
    severity,
    summarize,
    time_progress,
)

D = date
SETTINGS = Settings()


def target(kind="flow", comparator="reach", value=100.0, **fields) -> Target:
    direction = "down" if comparator == "at_most" else "up"
    return Target(
        id=f"{kind}-{comparator}",
        indicator="测试指标",
        kind=kind,
        comparator=comparator,
        value=value,
        unit=fields.pop("unit", "个"),
        direction=fields.pop("direction", direction),
        **fields,
    )


MID_YEAR = D(2024, 6, 30)


def figure(value, as_of=MID_YEAR, recorded_at="2024-07-01T00:00:00", id=1, voided=False):
    return Actual(value, as_of, recorded_at, id, voided)


# --- time progress ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2023, 12, 31), 0.0),  # before the start: clamped to 0
        (D(2024, 1, 1), 1 / 366),  # the first day counts (inclusive)
        (D(2024, 2, 29), 60 / 366),  # 2024 is a leap year: 31 + 29 days
        (D(2024, 6, 30), 182 / 366),
        (D(2024, 9, 30), 274 / 366),
        (D(2024, 12, 31), 1.0),  # the due date itself
        (D(2025, 3, 1), 1.0),  # after the due date: clamped to 1
    ],
)
def test_time_progress_counts_days_inclusively_in_the_leap_year(as_of, expected):
    assert time_progress(D(2024, 1, 1), D(2024, 12, 31), as_of) == pytest.approx(expected)


def test_time_progress_of_a_short_deadline():
    # 188 projects ready by 4月15日: Jan 31 + Feb 29 + Mar 31 + 15 = 106 days.
    assert time_progress(D(2024, 1, 1), D(2024, 4, 15), D(2024, 3, 1)) == pytest.approx(61 / 106)


@given(
    st.dates(D(2023, 1, 1), D(2026, 1, 1)),
    st.dates(D(2024, 1, 1), D(2024, 12, 31)),
    st.integers(0, 400),
)
def test_time_progress_stays_within_zero_and_one_and_grows(as_of, start, length):
    due = date.fromordinal(start.toordinal() + length)
    later = date.fromordinal(as_of.toordinal() + 1)
    p = time_progress(start, due, as_of)
    assert 0.0 <= p <= 1.0
    assert time_progress(start, due, later) >= p


# --- met: every comparator, on both sides of its line ------------------------------------------


@pytest.mark.parametrize(
    ("kind", "comparator", "value", "actual", "met"),
    [
        ("flow", "at_least", 450, 450, True),  # 以上: actual ≥ value
        ("flow", "at_least", 450, 449.99, False),
        ("share", "at_most", 5, 5, True),  # 以内: actual ≤ value
        ("share", "at_most", 5, 5.01, False),
        ("growth", "approx", 6, 5.7, True),  # 6%左右 is met at 5.7% = 6 × (1 − 0.05)
        ("growth", "approx", 6, 5.69, False),
        ("growth", "approx", 6, 7.5, True),  # beyond on the good side
        ("flow", "reach", 2883, 2883, True),  # plain amount
        ("flow", "reach", 2883, 2882, False),
        ("milestone", "range", 1, 1, True),  # 1—2家: the lower bound meets it
        ("milestone", "range", 1, 0, False),
        ("level", "stable", 195, 185.25, True),  # 稳定在195万头: 195 × 0.95 = 185.25
        ("level", "stable", 195, 185.2, False),
        ("level", "reach", 55, 55, True),
        ("share", "at_least", 95, 94.9, False),
        ("milestone", "reach", 1, 1, True),
    ],
)
def test_met_by_comparator(kind, comparator, value, actual, met):
    assert is_met(target(kind, comparator, value), actual, SETTINGS) is met


def test_a_target_tolerance_overrides_the_ledger_default():
    gdp = target("growth", "approx", 6, unit="%", tolerance=0.02)
    assert not is_met(gdp, 5.7, SETTINGS)  # 6 × 0.98 = 5.88
    assert is_met(gdp, 5.88, SETTINGS)
    assert is_met(target("growth", "approx", 6), 5.4, Settings(approx_tolerance=0.1))


def test_no_figure_is_never_met():
    assert not is_met(target(), None, SETTINGS)


# --- completion -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparator", "value", "actual", "rate"),
    [
        ("at_least", 1.4, 1.07, 1.07 / 1.4),  # direction up: a / v = 0.764
        ("approx", 6, 5.7, 0.95),
        ("range", 1, 2, 2.0),  # the lower bound is v
        ("at_most", 5, 4.2, 1.0),  # direction down, under the line: 1
        ("at_most", 5, 6.25, 0.8),  # direction down, over: v / a = 5 / 6.25
    ],
)
def test_completion(comparator, value, actual, rate):
    assert completion(target("share", comparator, value), actual) == pytest.approx(rate)


def test_completion_without_a_figure_is_missing_not_zero():
    assert completion(target(), None) is None


# --- expected completion, by kind ---------------------------------------------------------------


def test_expected_completion_by_kind():
    p = 0.5
    mid = D(2024, 7, 1)
    assert expected_completion(target("flow"), p, mid) == 0.5  # 时间过半、任务过半
    assert expected_completion(target("milestone", value=188), p, mid) == 0.5
    assert expected_completion(target("growth"), p, mid) == 1.0
    assert expected_completion(target("share"), p, mid) == 1.0
    # level with a baseline: (b + (v − b) × p) / v = (1968 + 32 × 0.5) / 2000 = 0.992
    capacity = target("level", "at_least", 2000, baseline=1968)
    assert expected_completion(capacity, p, mid) == pytest.approx(0.992)
    assert expected_completion(target("level", value=55), p, mid) == 0.5  # no baseline: p
    single = target("milestone", value=1)
    assert expected_completion(single, p, mid) == 0.0  # a single milestone: 0 until due
    assert expected_completion(single, 1.0, D(2024, 12, 31)) == 1.0


# --- status and reasons ---------------------------------------------------------------------------


def test_worked_example_coal_output_as_of_september():
    # 煤炭产量 1.4亿吨左右 (flow): 1.07亿吨 as of 2024-09-30.
    coal = target("flow", "approx", 1.4, unit="亿吨")
    row = evaluate(coal, figure(1.07, D(2024, 9, 30)), D(2024, 9, 30))
    assert row.completion == pytest.approx(1.07 / 1.4)  # 0.7643
    assert row.time_progress == pytest.approx(274 / 366)  # 0.7486
    assert row.expected == pytest.approx(274 / 366)
    assert row.status == ON_TRACK  # 0.7643 ≥ 0.7486 − 0.10


def test_behind_schedule_is_at_risk_with_the_gap_in_points():
    investment = target("flow", "at_least", 450, unit="亿元")
    # as of 2024-07-31: p = 213/366 = 0.5820; 120 / 450 = 0.2667; gap 31.5 points > 10
    row = evaluate(investment, figure(120, D(2024, 7, 31)), D(2024, 7, 31))
    assert row.status == AT_RISK
    codes = [r.code for r in row.reasons]
    assert codes == ["behind", "pace"]
    assert row.reasons[0].text == "落后时间进度 31.5 个百分点"
    # 330亿元 left over 153 days = 153 / (365.25 / 12) = 5.027 months: 65.65亿元 a month
    assert row.reasons[1].text == "剩余月份需月均完成 65.65亿元"


def test_within_the_threshold_is_on_track():
    investment = target("flow", "at_least", 450)
    # p = 0.5820, completion 0.49 → behind by 9.2 points: not yet a risk
    row = evaluate(investment, figure(220.5, D(2024, 7, 31)), D(2024, 7, 31))
    assert row.status == ON_TRACK
    assert row.reasons == ()


def test_overdue_with_and_without_data():
    ready = target("milestone", "reach", 188, due=D(2024, 4, 15))
    silent = evaluate(ready, None, D(2024, 4, 16))
    assert silent.status == OVERDUE
    assert [r.text for r in silent.reasons] == ["逾期 1 天（未报送）"]
    partly = evaluate(ready, figure(150, D(2024, 4, 10)), D(2024, 5, 31))
    assert partly.status == OVERDUE
    assert partly.reasons[0].text == "逾期 46 天"
    done = evaluate(ready, figure(188, D(2024, 4, 10)), D(2024, 5, 31))
    assert done.status == MET


def test_on_the_due_date_it_is_not_yet_overdue():
    ready = target("milestone", "reach", 188, due=D(2024, 4, 15))
    row = evaluate(ready, figure(100, D(2024, 4, 15)), D(2024, 4, 15))
    assert row.status == AT_RISK  # due today: within 30 days, and behind
    assert "距时限 0 天" in [r.text for r in row.reasons]


def test_due_soon_is_at_risk():
    row = evaluate(target("share", "at_least", 95), figure(100), D(2024, 12, 1))
    assert row.status == MET
    row = evaluate(target("share", "at_least", 95), figure(94, D(2024, 11, 30)), D(2024, 12, 1))
    assert row.status == AT_RISK
    assert [r.code for r in row.reasons] == ["due_soon"]


def test_stale_after_sixty_days_without_a_figure():
    rate = target("share", "at_least", 95)
    fresh = evaluate(rate, figure(90, D(2024, 5, 31)), D(2024, 7, 29))  # 59 days
    assert fresh.status == ON_TRACK
    stale = evaluate(rate, figure(90, D(2024, 5, 31)), D(2024, 7, 30))  # 60 days
    assert stale.status == AT_RISK
    assert stale.reasons[0].text == "60 天未报送（最近一次 2024-05-31）"


def test_never_reported_is_no_data_until_the_last_quarter():
    toilets = target("flow", "reach", 2883)
    assert evaluate(toilets, None, D(2024, 9, 30)).status == NO_DATA  # p = 0.749
    late = evaluate(toilets, None, D(2024, 10, 2))  # p = 276/366 = 0.754: under a quarter left
    assert late.status == AT_RISK
    assert [r.code for r in late.reasons] == ["silent", "pace"]


def test_met_within_tolerance_says_so():
    gdp = target("growth", "approx", 6, unit="%")
    row = evaluate(gdp, figure(5.8), D(2024, 6, 30))
    assert row.status == MET
    assert [r.text for r in row.reasons] == ["在容差 5% 内视为完成"]


def test_direction_down_over_the_line():
    unemployment = target("share", "at_most", 5, unit="%")
    row = evaluate(unemployment, figure(5.5), D(2024, 6, 30))
    assert row.completion == pytest.approx(5 / 5.5)  # 0.909: on schedule means 1.0
    assert row.status == ON_TRACK  # 0.909 ≥ 1.0 − 0.10
    assert evaluate(unemployment, figure(6), D(2024, 6, 30)).status == AT_RISK  # 0.833


def test_settings_change_the_thresholds():
    investment = target("flow", "at_least", 450)
    strict = Settings(behind_threshold=0.05)
    assert (
        evaluate(investment, figure(220.5, D(2024, 7, 31)), D(2024, 7, 31), strict).status
        == AT_RISK
    )


def test_a_figure_from_before_the_start_counts_as_of_the_start():
    row = evaluate(target("flow"), None, D(2023, 12, 1))
    assert row.time_progress == 0.0
    assert row.status == NO_DATA


# --- the latest figure ----------------------------------------------------------------------------


def test_latest_is_the_greatest_as_of_not_after_the_date():
    records = [
        figure(10, D(2024, 3, 31), id=1),
        figure(30, D(2024, 9, 30), id=2),
        figure(20, D(2024, 6, 30), id=3),
    ]
    assert latest_actual(records, D(2024, 7, 1)).value == 20
    assert latest_actual(records, D(2024, 12, 31)).value == 30
    assert latest_actual(records, D(2024, 3, 30)) is None


def test_latest_skips_voided_records():
    records = [figure(10, D(2024, 3, 31), id=1), figure(99, D(2024, 6, 30), id=2, voided=True)]
    assert latest_actual(records, D(2024, 12, 31)).value == 10


def test_several_records_on_one_date_the_last_recorded_wins():
    records = [
        figure(5, D(2024, 6, 30), "2024-07-02T09:00:00", id=7),
        figure(6, D(2024, 6, 30), "2024-07-03T09:00:00", id=3),
        figure(4, D(2024, 6, 30), "2024-07-01T09:00:00", id=9),
    ]
    assert latest_actual(records, D(2024, 6, 30)).value == 6


# --- every kind × comparator goes through evaluate -------------------------------------------------


@pytest.mark.parametrize("kind", ["level", "flow", "growth", "share", "milestone"])
@pytest.mark.parametrize(
    "comparator", ["at_least", "at_most", "approx", "reach", "range", "stable"]
)
def test_every_kind_and_comparator_evaluates_consistently(kind, comparator):
    goal = target(kind, comparator, 10, value_hi=12 if comparator == "range" else None)
    as_of = D(2024, 6, 30)
    exact = evaluate(goal, figure(10), as_of)
    assert exact.status == MET
    assert exact.completion == 1.0
    missing = evaluate(goal, None, as_of)
    assert missing.status == NO_DATA
    assert missing.completion is None
    late = evaluate(goal, None, D(2025, 1, 1))
    assert late.status == OVERDUE
    worse = 20 if goal.direction == "down" else 1
    assert evaluate(goal, figure(worse), D(2025, 1, 1)).status == OVERDUE


def test_worst_first_and_counts():
    ready = target("milestone", "reach", 188, due=D(2024, 4, 15))
    later = replace(ready, id="later", due=D(2024, 6, 1))
    as_of = D(2024, 7, 1)
    rows = [
        evaluate(target("flow"), figure(1, as_of), as_of),  # far behind
        evaluate(later, None, as_of),  # overdue 30 days
        evaluate(ready, None, as_of),  # overdue 77 days
        evaluate(target("share", "at_least", 1), figure(2), as_of),  # met
    ]
    ordered = sorted(rows, key=severity)
    assert [(r.target.id, r.status) for r in ordered] == [
        ("milestone-reach", OVERDUE),
        ("later", OVERDUE),
        ("flow-reach", AT_RISK),
        ("share-at_least", MET),
    ]
    assert summarize(rows) == {MET: 1, OVERDUE: 2, AT_RISK: 1, NO_DATA: 0, ON_TRACK: 0}
