"""The one figure check decides most rows of an import in a few comparisons (FigureBook.plain);
whatever it decides must be what the full check (the slow, obvious path that gives reasons)
decides for the same figure in the same book. Random figures, seeded; the seed is in the id."""

import random
from datetime import date, timedelta

import pytest
from sampling import seeds

from xlgl.model import Target
from xlgl.recording import DUPLICATE, FigureBook, FigureRefused

TODAY = date(2024, 11, 30)
TARGETS = [
    Target("gdp-growth", "地区生产总值增长", "growth", "approx", 6, "%"),
    Target("jobless", "城镇登记失业率", "share", "at_most", 5, "%", direction="down"),
    Target("toilets", "改造户厕", "flow", "reach", 2883, "个"),
    Target("coal", "煤炭产量", "flow", "approx", 1.4, "亿吨"),
    Target("start", "特高压三期开工", "milestone", "reach", 1, "个", frequency="event"),
    Target("zero", "零目标", "level", "at_most", 0, "起", direction="down"),
    Target("early", "上半年完成", "flow", "reach", 50, "个", due=date(2023, 6, 30)),
]
VALUES = [0, 0.5, 1, 3, 5.6, 6, 14, 60, 99, 100, 101, 1500, 2900, 30000, -2.3, -1]


def full(book: FigureBook, target: Target, value: float, as_of: date) -> str:
    """The full path's word on a figure: ADD, DUPLICATE or the refusal's text."""
    try:
        return book._check(target, value, as_of, None, False, False, False).action
    except FigureRefused as refused:
        return str(refused)


def fast(book: FigureBook, target: Target, value: float, as_of: date) -> str:
    """What an import does: the plain case first, the full check for what it leaves."""
    action = book.plain(book.figures_of(target), target, value, as_of)
    return action if action is not None else full(book, target, value, as_of)


@pytest.mark.parametrize("seed", seeds(20))
def test_the_plain_case_decides_as_the_full_check_does(seed):
    rng = random.Random(seed)
    quick, slow = FigureBook(TODAY), FigureBook(TODAY)
    seen: list[tuple[Target, float, date]] = []
    for step in range(300):
        if seen and rng.random() < 0.15:  # the same figure again, or the same date
            target, value, as_of = rng.choice(seen)
            value *= rng.choice([1, 1, 1.5])
        else:
            target = rng.choice(TARGETS)
            as_of = date(2023, 12, 3) + timedelta(days=rng.randrange(0, 420, 7))
            value = rng.choice(VALUES) * rng.choice([1, 1, 1.001])
        seen.append((target, value, as_of))
        got, expected = fast(quick, target, value, as_of), full(slow, target, value, as_of)
        assert got == expected, f"seed {seed}, step {step}: {target.id} {value} {as_of}"
    assert quick._figures.keys() == slow._figures.keys()
    for key, figures in slow._figures.items():
        assert quick._figures[key].values == figures.values, key


def test_the_same_figure_again_is_a_duplicate_on_either_path():
    target = TARGETS[2]
    book = FigureBook(TODAY)
    assert fast(book, target, 100, date(2024, 3, 31)) == "add"
    assert fast(book, target, 100, date(2024, 3, 31)) == DUPLICATE
    assert "已有数字" in fast(book, target, 120, date(2024, 3, 31))
