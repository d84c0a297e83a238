"""The rules (xlgl/rules.py), case by case, with the arithmetic written out."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlgl.model import Actual, Settings, Target
from xlgl.rules import (
    completion,
    expected_completion,
    is_met,
    latest_actual,
    met_on,
    next_report_due,
    period_end_after,
    period_end_on_or_after,
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
        ("level", "stable", 195, 204.75, True),  # a band: 195 × 1.05 = 204.75 still inside
        ("level", "stable", 1030, 1200, False),  # 1200万只 against 稳定在1030万只: out of it
        ("share", "at_most", 5, 5.5, False),  # 5%以内: 5.5% is over the cap
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
    mid = D(2024, 7, 1)  # 183 of 366 days: p = 0.5
    assert expected_completion(target("flow"), mid) == 0.5  # 时间过半、任务过半
    assert expected_completion(target("milestone", value=188), mid) == 0.5  # counted: linear
    assert expected_completion(target("growth"), mid) == 1.0
    assert expected_completion(target("share"), mid) == 1.0
    # level with a baseline: (b + (v − b) × p) / v = (1968 + 32 × 0.5) / 2000 = 0.992
    capacity = target("level", "at_least", 2000, baseline=1968)
    assert expected_completion(capacity, mid) == pytest.approx(0.992)
    assert expected_completion(target("level", value=55), mid) == 0.5  # no baseline: p
    single = target("milestone", value=1, scale=500, scale_unit="万千瓦")
    assert expected_completion(single, mid) == 0.0  # one start: nothing expected until due
    assert expected_completion(single, D(2024, 12, 31)) == 1.0


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


# --- met_on: the first figure after which every figure meets ------------------------------------


def test_met_on_is_the_start_of_the_last_unbroken_run_of_met_figures():
    jobs = target("share", "at_least", 95)
    figures = [
        figure(96, D(2024, 3, 31), id=1),  # met …
        figure(94, D(2024, 6, 30), id=2),  # … then not …
        figure(95, D(2024, 9, 30), id=3),  # … then met again, and since
        figure(97, D(2024, 12, 31), id=4),
    ]
    assert met_on(jobs, figures, SETTINGS) == D(2024, 9, 30)
    assert met_on(jobs, figures[:2], SETTINGS) is None  # the latest is not met


# --- the reporting calendar ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "day", "end"),
    [
        ("month", D(2024, 9, 30), D(2024, 10, 31)),  # strictly after: the next month's end
        ("month", D(2024, 2, 10), D(2024, 2, 29)),  # leap February
        ("quarter", D(2024, 9, 30), D(2024, 12, 31)),
        ("quarter", D(2024, 4, 1), D(2024, 6, 30)),
        ("half", D(2024, 3, 31), D(2024, 6, 30)),
        ("half", D(2024, 6, 30), D(2024, 12, 31)),
        ("year", D(2024, 6, 30), D(2024, 12, 31)),  # the due date is the year's one period end
        ("month", D(2024, 12, 31), None),  # nothing after the due date
        ("event", D(2024, 3, 1), None),
    ],
)
def test_the_period_end_after_a_figure(frequency, day, end):
    assert period_end_after(frequency, day, D(2024, 12, 31)) == end


def test_a_period_end_never_passes_the_due_date():
    # 188 projects by 4月15日, reported quarterly: the quarter ends at 03-31, then the due date.
    assert period_end_on_or_after("quarter", D(2024, 4, 1), D(2024, 4, 15)) == D(2024, 4, 15)
    assert period_end_on_or_after("month", D(2024, 1, 1), D(2024, 12, 31)) == D(2024, 1, 31)


def test_next_report_due_is_the_next_period_end_plus_the_lag():
    coal = target("flow", "approx", 1.4, unit="亿吨", frequency="month", lag_days=20)
    # 1—9月 (as of 09-30) is in; 1—10月 ends 10-31 and is published about 20 days later.
    assert next_report_due(coal, D(2024, 9, 30)) == D(2024, 11, 20)
    # nothing yet: January's figure, due 01-31 + 20
    assert next_report_due(coal, None) == D(2024, 2, 20)
    # a figure for the due date: nothing more is due
    assert next_report_due(coal, D(2024, 12, 31)) is None
    gdp = target("growth", "approx", 6, unit="%", frequency="quarter", lag_days=25)
    assert next_report_due(gdp, D(2024, 6, 30)) == D(2024, 10, 25)  # 09-30 + 25
    assert next_report_due(target("milestone", value=1, frequency="event"), None) is None
