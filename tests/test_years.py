"""The rules of carrying a year over (xlgl/years.py), tested directly: which earlier report and
target a new target continues, the final figure, the baseline it gives, carrying an open target."""

from dataclasses import dataclass
from datetime import date

import pytest

from xlgl import years
from xlgl.model import Actual, Target
from xlgl.progress import Evaluation


@dataclass
class R:
    key: str
    year: int


def coal(**changes) -> Target:
    fields = dict(
        id="coal-output",
        indicator="煤炭产量",
        kind="flow",
        comparator="approx",
        value=1.4,
        unit="亿吨",
        due=date(2024, 12, 31),
        lag_days=20,
        report="xlgl-2024",
        year=2024,
    )
    return Target(**(fields | changes))


def fig(value: float, day: str, number: int = 1, voided: bool = False) -> Actual:
    return Actual(value, date.fromisoformat(day), f"2025-01-0{number}T00:00:00Z", number, voided)


@pytest.mark.parametrize(
    ("reports", "key", "expected"),
    [
        ([R("xlgl-2024", 2024), R("xlgl-2025", 2025)], "xlgl-2025", "xlgl-2024"),
        ([R("xlgl-2024", 2024), R("xlgl-2025", 2025)], "xlgl-2024", None),
        # the latest earlier year, not the first loaded
        (
            [R("xlgl-2023", 2023), R("xlgl-2024", 2024), R("xlgl-2025", 2025)],
            "xlgl-2025",
            "xlgl-2024",
        ),
        # another government's report of the same year loaded later: the same stem wins
        (
            [R("xlgl-2024", 2024), R("chifeng-2024", 2024), R("xlgl-2025", 2025)],
            "xlgl-2025",
            "xlgl-2024",
        ),
        # no report of the same stem: the latest earlier year, the one loaded last
        ([R("a-2024", 2024), R("b-2024", 2024), R("c-2025", 2025)], "c-2025", "b-2024"),
        ([R("xlgl-2024", 2024)], "xlgl-2026", None),
    ],
)
def test_previous_report(reports, key, expected):
    found = years.previous_report(reports, key)
    assert (found.key if found else None) == expected


def test_next_report_is_the_one_that_follows():
    reports = [R("xlgl-2024", 2024), R("xlgl-2025", 2025), R("xlgl-2026", 2026)]
    assert years.next_report(reports, "xlgl-2024").key == "xlgl-2025"
    assert years.next_report(reports, "xlgl-2026") is None


@pytest.mark.parametrize(
    ("from_unit", "to_unit", "factor"),
    [
        ("亿吨", "亿吨", 1),
        ("亿吨", "万吨", 10000),
        ("万吨", "亿吨", 0.0001),
        ("万千瓦", "千瓦", 10000),
        ("亿吨", "亿元", None),  # another family
        ("个", "户", None),  # counting words are each their own family
        ("平方米", "亩", None),  # converts, but across families: not the same indicator
        ("%", "个百分点", None),
    ],
)
def test_unit_factor(from_unit, to_unit, factor):
    found = years.unit_factor(from_unit, to_unit)
    assert (float(found) if found is not None else None) == factor


def test_continued_target_needs_the_indicator_and_a_unit_that_converts():
    earlier = [coal(), coal(id="gdp", indicator="地区生产总值增长", unit="%", kind="growth")]
    assert years.continued_target("煤炭产量", "亿吨", "coal-2025", earlier).id == "coal-output"
    assert years.continued_target("煤炭产量", "万吨", "x", earlier).id == "coal-output"
    assert years.continued_target("煤炭产量", "亿元", "x", earlier) is None
    assert years.continued_target("原煤产量", "亿吨", "x", earlier) is None
    assert years.continued_target("煤炭产量", "亿吨", "x", [coal(retired=True)]) is None


def test_of_several_matches_the_same_id_wins_else_none():
    earlier = [coal(id="coal-a"), coal(id="coal-b")]
    assert years.continued_target("煤炭产量", "亿吨", "coal-b", earlier).id == "coal-b"
    assert years.continued_target("煤炭产量", "亿吨", "coal-c", earlier) is None


def test_final_figure_is_the_last_live_one_up_to_due_plus_lag():
    target = coal()  # due 2024-12-31, lag 20 days
    figures = [
        fig(1.07, "2024-09-30", 1),
        fig(1.38, "2024-12-31", 2),
        fig(1.39, "2025-01-20", 3),  # due + lag: still counts
        fig(1.5, "2025-01-21", 4),  # after: the next year's business
    ]
    final = years.final_figure(target, figures)
    assert final.value == 1.39 and years.is_final(target, final)
    voided = [fig(1.07, "2024-09-30", 1), fig(1.38, "2024-12-31", 2, voided=True)]
    on_the_way = years.final_figure(target, voided)
    assert on_the_way.value == 1.07 and not years.is_final(target, on_the_way)
    assert years.final_figure(target, []) is None


def test_the_baseline_is_the_final_figure_in_the_new_unit():
    figures = [fig(1.07, "2024-09-30", 1), fig(1.38, "2024-12-31", 2)]
    same = years.carried_baseline(coal(), figures, "亿吨")
    assert same == years.Baseline(1.38, "xlgl-2024/coal-output")
    assert years.carried_baseline(coal(), figures, "万吨").value == 13800
    # a figure on the way is not a year's result: no baseline
    assert years.carried_baseline(coal(), figures[:1], "亿吨") is None


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("xlgl-2024/coal-output", ("xlgl-2024", "coal-output")),
        ("xlgl-2024/a/b", ("xlgl-2024", "a/b")),  # ids may hold a slash, keys never
        (None, None),
        ("nothing", None),
    ],
)
def test_links(text, parsed):
    assert years.parse_link(text) == parsed


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        (set(), "key-projects-ready"),
        ({"key-projects-ready"}, "key-projects-ready-2024"),
        ({"key-projects-ready", "key-projects-ready-2024"}, "key-projects-ready-2024-2"),
    ],
)
def test_carried_id(taken, expected):
    assert years.carried_id("key-projects-ready", 2024, taken) == expected


def test_carried_target_keeps_the_measure_and_moves_the_year():
    old = coal(id="projects", kind="milestone", comparator="reach", value=188, unit="个",
               due=date(2024, 4, 15), lag_days=0)  # fmt: skip
    new = years.carried_target(old, "projects", "xlgl-2025", 2025, None)
    assert (new["indicator"], new["value"], new["unit"], new["kind"]) == (
        "煤炭产量",
        188,
        "个",
        "milestone",
    )
    assert (new["start"], new["due"], new["year"]) == ("2025-01-01", "2025-12-31", 2025)
    assert new["carried_from"] == "xlgl-2024/projects" and new["report"] == "xlgl-2025"
    assert years.carried_target(old, "p", "k", 2025, date(2025, 6, 30))["due"] == "2025-06-30"


@pytest.mark.parametrize(
    ("status", "carried_to", "to_year", "refused"),
    [
        ("overdue", None, 2025, None),
        ("missed", None, 2025, None),
        ("overdue", "xlgl-2025/coal-output", 2025, "已结转为 xlgl-2025 coal-output"),
        ("met", None, 2025, "已完成"),
        ("met_late", None, 2025, "已完成"),
        ("overdue", None, 2024, "只能结转到以后年度"),
    ],
)
def test_carry_refusal(status, carried_to, to_year, refused):
    found = years.carry_refusal(coal(), status, carried_to, to_year)
    assert (found is None) if refused is None else (refused in found)


def _row(target: Target, status: str, as_of: date) -> Evaluation:
    return Evaluation(target, as_of, None, None, None, 1.0, 1.0, None, status)


def test_milestones_of_a_finished_year_not_met_are_marked_for_carrying():
    milestone = coal(id="projects", kind="milestone", due=date(2024, 4, 15))
    done = coal(id="done", kind="milestone")
    flow = coal()
    day = date(2025, 3, 31)
    rows = [_row(milestone, "overdue", day), _row(done, "met", day), _row(flow, "overdue", day)]
    marked = years.mark_for_carry(rows, day, {}, {"xlgl-2024": "xlgl-2025"})
    assert [r.reason_codes for r in marked] == [["carry"], [], []]
    assert marked[0].reasons[0].text == "待结转：xlgl carry projects --to xlgl-2025"
    carried = years.mark_for_carry(rows, day, {("xlgl-2024", "projects"): "xlgl-2025/projects"}, {})
    assert carried[0].reasons[0].text == "已结转为 xlgl-2025 projects"
    no_next = years.mark_for_carry(rows, day, {}, {"xlgl-2024": None})
    assert "下一年度报告载入后" in no_next[0].reasons[0].text
    # within its own year a late milestone is overdue, not yet for 结转
    same_year = date(2024, 6, 30)
    assert (
        years.mark_for_carry([_row(milestone, "overdue", same_year)], same_year, {}, {})[0].reasons
        == ()
    )
