"""The one figure check (xlgl/recording.py): what is refused, what --force and --replace let in,
what is a duplicate."""

from datetime import date

import pytest

from xlgl.model import Target
from xlgl.recording import ADD, DUPLICATE, FigureBook, FigureRefused

D = date
TODAY = D(2024, 11, 30)

GDP = Target("gdp-growth", "地区生产总值增长", "growth", "approx", 6, "%")
JOBLESS = Target("jobless", "城镇登记失业率", "share", "at_most", 5, "%", direction="down")
TOILETS = Target("household-toilets", "改造户厕", "flow", "reach", 2883, "个")
COAL = Target("coal-output", "煤炭产量", "flow", "approx", 1.4, "亿吨")
START = Target("uhv-start", "特高压三期开工", "milestone", "reach", 1, "个", frequency="event")


def book(*known) -> FigureBook:
    figures = FigureBook(TODAY)
    for n, (target, as_of, value) in enumerate(known, 1):
        figures.know(target, as_of, value, n)
    return figures


def refused(figures: FigureBook, target: Target, value: float, as_of: date, **options) -> str:
    with pytest.raises(FigureRefused) as caught:
        figures.check(target, value, as_of, **options)
    assert "\n" not in str(caught.value)
    return str(caught.value)


@pytest.mark.parametrize(
    ("target", "value", "as_of", "words"),
    [
        (GDP, 0.056, D(2024, 6, 30), "像是把百分数写成了小数，5.6% 请写 5.6 或 5.6%"),
        (GDP, 56, D(2024, 6, 30), "增速 56% 与目标 6% 相差超过 25 个百分点"),  # 56 − 6 = 50
        (GDP, -20, D(2024, 6, 30), "增速 -20% 与目标 6% 相差超过 25 个百分点"),  # 6 − (−20) = 26
        (JOBLESS, 101, D(2024, 6, 30), "比率不会超过 100%"),
        (COAL, 14.1, D(2024, 6, 30), "超过目标值 1.4亿吨 的 10 倍"),
    ],
)
def test_implausible_figures_are_refused_unless_forced(target, value, as_of, words):
    message = refused(book(), target, value, as_of, written_unit="")
    assert words in message and "--force" in message
    verdict = book().check(target, value, as_of, written_unit="", force=True)
    assert verdict.action == ADD and verdict.forced
    assert any(words.split("，")[0] in text for text in verdict.overridden)


@pytest.mark.parametrize("value", [31, 12, 0, -5, -19])  # within 25 个百分点 of 6%
def test_growth_rates_within_25_points_of_their_target_are_taken(value):
    assert book().check(GDP, value, D(2024, 6, 30), written_unit="%").action == ADD


def test_a_fraction_written_with_its_percent_sign_is_what_it_says():
    # 0.5% growth typed as 0.5% is a real figure, not a fraction mistaken for a percent
    assert book().check(GDP, 0.5, D(2024, 6, 30), written_unit="%").action == ADD


def test_a_small_percent_target_takes_small_figures():
    low = Target("low", "某比率", "share", "at_most", 1.5, "%", direction="down")
    assert book().check(low, 0.8, D(2024, 6, 30), written_unit="").action == ADD


@pytest.mark.parametrize(
    ("as_of", "words"),
    [
        (D(2024, 12, 1), "晚于今天"),  # after today's real date
        (D(2023, 12, 31), "早于目标起始日 2024-01-01"),
        (D(1999, 6, 1), "早于目标起始日"),
    ],
)
def test_dates_outside_the_possible_are_refused_even_when_forced(as_of, words):
    assert words in refused(book(), TOILETS, 100, as_of, force=True)


def test_a_date_more_than_a_year_after_the_due_date_is_refused():
    figures = FigureBook(D(2026, 11, 30))
    assert "晚于时限 2024-12-31 一年以上" in refused(figures, TOILETS, 100, D(2026, 11, 30))
    assert figures.check(TOILETS, 100, D(2025, 12, 31)).action == ADD  # 365 days after: fine


def test_the_same_figure_again_is_a_duplicate_and_a_different_one_a_conflict():
    figures = book((TOILETS, D(2024, 6, 30), 1000))
    assert figures.check(TOILETS, 1000, D(2024, 6, 30)).action == DUPLICATE
    message = refused(figures, TOILETS, 1200, D(2024, 6, 30))
    assert "已有数字 1000个" in message and "--replace" in message


def test_replace_voids_the_figure_it_corrects():
    figures = book((TOILETS, D(2024, 6, 30), 1000))
    verdict = figures.check(TOILETS, 1200, D(2024, 6, 30), replace=True)
    assert (verdict.action, verdict.value, verdict.voids) == (ADD, 1200, (1,))


def test_a_year_to_date_total_may_not_fall():
    figures = book((TOILETS, D(2024, 6, 30), 3000))
    assert "低于截至 2024-06-30 的 3000个" in refused(figures, TOILETS, 2800, D(2024, 9, 30))
    assert "高于截至 2024-06-30 的 3000个" in refused(figures, TOILETS, 3100, D(2024, 3, 31))
    assert figures.check(TOILETS, 2800, D(2024, 9, 30), force=True).forced


def test_a_level_may_fall():
    herd = Target("herd", "存栏", "level", "stable", 1030, "万只")
    figures = book((herd, D(2024, 6, 30), 1100))
    assert figures.check(herd, 1000, D(2024, 9, 30)).action == ADD


def test_an_increment_adds_to_the_latest_figure_and_may_not_precede_a_later_one():
    figures = book((TOILETS, D(2024, 6, 30), 1000))
    assert figures.check(TOILETS, 300, D(2024, 7, 31), increment=True).value == 1300
    # the book now holds 1300 at 07-31: an increment at 07-15 would break the running total
    assert "不能在其前追加增量" in refused(figures, TOILETS, 50, D(2024, 7, 15), increment=True)


def test_a_negative_increment_may_not_make_a_total_negative():
    figures = book((TOILETS, D(2024, 6, 30), 160))
    assert "不能为负" in refused(figures, TOILETS, -500, D(2024, 7, 31), increment=True, force=True)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1.8e308, 2e15])
def test_numbers_that_are_not_figures(value):
    assert "不是可用的数字" in refused(book(), GDP, value, D(2024, 6, 30), force=True)


def test_negatives_only_for_growth_rates():
    assert book().check(GDP, -2.3, D(2024, 6, 30)).action == ADD
    assert "不能为负" in refused(book(), TOILETS, -5000, D(2024, 6, 30), force=True)


def test_figures_of_one_import_are_checked_against_each_other():
    figures = book()
    assert figures.check(TOILETS, 1000, D(2024, 6, 30)).action == ADD
    assert figures.check(TOILETS, 1000, D(2024, 6, 30)).action == DUPLICATE  # same file, twice
    assert "已有数字" in refused(figures, TOILETS, 900, D(2024, 6, 30))
