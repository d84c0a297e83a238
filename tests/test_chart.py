"""The terminal chart of `xlgl show`: recorded figures against the expected path."""

from datetime import date

import pytest

from xlgl.chart import FIGURE, GOAL, LABEL_WIDTH, PATH, TODAY, chart_lines, expected_value, figures
from xlgl.model import Actual, Target

COAL = Target(
    id="coal-output",
    indicator="煤炭产量",
    kind="flow",
    comparator="approx",
    value=1.4,
    unit="亿吨",
    baseline=1.37,
)
RECORDS = [Actual(0.8, date(2024, 7, 31), "t1", 1), Actual(1.07, date(2024, 9, 30), "t2", 2)]


def plot(chart):
    """The plot area only (no labels, no axis)."""
    return [line[LABEL_WIDTH + 2 :] for line in chart.lines[:-2]]


@pytest.mark.parametrize(
    ("target", "day", "value"),
    [
        (COAL, date(2024, 1, 1), 1.4 / 366),  # flow: from zero, time progress
        (COAL, date(2024, 12, 31), 1.4),
        (
            Target("h", "存栏", "level", "stable", 195, "万头", baseline=190),
            date(2024, 12, 31),
            195,
        ),
        (Target("h", "存栏", "level", "stable", 195, "万头", baseline=190), date(2024, 1, 1), 190),
        (Target("u", "失业率", "share", "at_most", 5, "%", direction="down"), date(2024, 3, 1), 5),
    ],
)
def test_expected_value(target, day, value):
    assert expected_value(target, day) == pytest.approx(value, abs=0.02)


def test_figures_use_the_latest_per_date_and_skip_voided_and_future():
    records = [
        Actual(1.0, date(2024, 6, 30), "a", 1),
        Actual(1.1, date(2024, 6, 30), "b", 2),  # a correction, recorded later
        Actual(9.9, date(2024, 7, 31), "c", 3, voided=True),
        Actual(1.3, date(2024, 11, 30), "d", 4),
    ]
    assert figures(records, date(2024, 9, 30)) == [(date(2024, 6, 30), 1.1)]


def test_chart_places_figures_on_the_path():
    chart = chart_lines(COAL, RECORDS, date(2024, 9, 30), width=52, height=10)
    area = plot(chart)
    assert len(area) == 10 and all(len(line) == 52 for line in area)
    points = [(r, c) for r, line in enumerate(area) for c, ch in enumerate(line) if ch == FIGURE]
    assert len(points) == 2
    (r1, c1), (r2, c2) = sorted(points, key=lambda p: p[1])
    assert c1 < c2 and r2 < r1  # later and higher
    assert c2 == round((date(2024, 9, 30) - date(2024, 1, 1)).days / 365 * 51)
    assert GOAL in area[0] or GOAL in area[1]  # the goal near the top
    assert area[-1][0] == PATH  # the path starts at zero
    assert all(line[c2] in (TODAY, FIGURE, PATH, GOAL) for line in area)  # the as-of line
    assert "1.4" in chart.lines[0] or "1.4" in chart.lines[1]
    assert chart.lines[-1].strip().startswith("2024-01-01") and chart.lines[-1].endswith(
        "2024-12-31"
    )
    assert "目标 1.4亿吨" in chart.legend and "截至 2024-09-30" in chart.legend


def test_a_down_target_and_no_figures_draw_without_error():
    rate = Target("u", "失业率", "share", "at_most", 5, "%", direction="down")
    chart = chart_lines(rate, [], date(2024, 9, 30))
    assert not any(FIGURE in line for line in chart.lines)
    negative = Target("g", "增速", "growth", "approx", 6, "%")
    chart = chart_lines(negative, [Actual(-2.0, date(2024, 3, 31))], date(2024, 9, 30))
    assert sum(line.count(FIGURE) for line in chart.lines) == 1


def test_show_prints_the_chart(xlgl):
    for value, day in (("0.8亿吨", "2024-07-31"), ("1.07亿吨", "2024-09-30")):
        assert xlgl("record", "coal-output", value, "--as-of", day).exit_code == 0
    result = xlgl("show", "coal-output", "--as-of", "2024-09-30")
    assert result.exit_code == 0, result.output
    assert "煤炭产量：实绩与应达进度" in result.output
    assert result.output.count(FIGURE) == 3  # two figures and the legend
    assert "\x1b[" not in result.output  # plain when not a terminal


def test_show_without_figures_has_no_chart(xlgl):
    result = xlgl("show", "coal-output", "--as-of", "2024-09-30")
    assert result.exit_code == 0, result.output
    assert "实绩与应达进度" not in result.output
