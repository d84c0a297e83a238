"""The chase list and the per-department view (xlgl/follow_up.py)."""

from datetime import date

from xlgl.follow_up import NO_OWNER, by_owner, chase
from xlgl.model import Actual, Target
from xlgl.progress import evaluate

D = date


def target(id, kind="flow", value=100.0, **fields) -> Target:
    return Target(id, f"指标{id}", kind, "reach", value, "个", **fields)


def row(goal: Target, as_of: date, *figures: tuple[float, date]):
    actuals = [Actual(v, d, f"2024-01-01T00:00:{n:02d}", n) for n, (v, d) in enumerate(figures)]
    return evaluate(goal, actuals[-1] if actuals else None, as_of, figures=actuals)


ENERGY = {"owner": "盟能源局", "contact": "张三 0479-1234567"}
HOUSING = {"owner": "盟住建局", "contact": "李四 0479-7654321"}


def test_event_targets_owe_last_months_progress_by_the_report_day():
    as_of = D(2024, 5, 10)  # past 05-05: April's progress is due
    start = target("uhv-start", "milestone", 1, frequency="event", **ENERGY)
    toilets = target("toilets", "milestone", 2883, frequency="event", **HOUSING)
    reported = target("roads", "milestone", 2, frequency="event", **HOUSING)
    rows = [row(start, as_of), row(toilets, as_of), row(reported, as_of, (1, D(2024, 4, 30)))]
    chased = chase(rows, as_of)
    assert [(c.owner, c.id, c.contact, c.period_end, c.report_due) for c in chased] == [
        ("盟住建局", "toilets", "李四 0479-7654321", D(2024, 4, 30), D(2024, 5, 5)),
        ("盟能源局", "uhv-start", "张三 0479-1234567", D(2024, 4, 30), D(2024, 5, 5)),
    ]


def test_on_the_report_day_itself_the_previous_month_is_chased():
    as_of = D(2024, 5, 5)  # April's report is due today: not late yet; March's is
    start = target("uhv-start", "milestone", 1, frequency="event", **ENERGY)
    (chased,) = chase([row(start, as_of)], as_of)
    assert (chased.period_end, chased.report_due) == (D(2024, 3, 31), D(2024, 4, 5))


def test_calendar_targets_are_chased_after_their_next_report_due():
    coal = target("coal", frequency="month", lag_days=20, **ENERGY)
    # the September figure is in; October's is due 11-20
    on_time = row(coal, D(2024, 11, 20), (80, D(2024, 9, 30)))
    late = row(coal, D(2024, 11, 21), (80, D(2024, 9, 30)))
    assert chase([on_time], D(2024, 11, 20)) == []
    (chased,) = chase([late], D(2024, 11, 21))
    assert (chased.period_end, chased.report_due) == (D(2024, 10, 31), D(2024, 11, 20))


def test_a_figure_waiting_for_verification_is_reported_not_chased():
    coal = target("coal", frequency="month", lag_days=20, **ENERGY)
    start = target("uhv-start", "milestone", 1, frequency="event", **ENERGY)
    as_of = D(2024, 11, 25)  # October's coal figure was due 11-20; the milestone's by 11-05
    rows = [row(coal, as_of, (80, D(2024, 9, 30))), row(start, as_of)]
    assert [c.id for c in chase(rows, as_of)] == ["coal", "uhv-start"]
    submitted = {("", "coal"): D(2024, 10, 31), ("", "uhv-start"): D(2024, 10, 31)}
    assert chase(rows, as_of, submitted=submitted) == []  # the office owes the 销号, not them
    # a submitted September figure does not answer for October's
    (chased,) = chase(rows[:1], as_of, submitted={("", "coal"): D(2024, 9, 30)})
    assert (chased.period_end, chased.report_due) == (D(2024, 10, 31), D(2024, 11, 20))


def test_met_targets_owe_nothing_and_the_unowned_come_last():
    as_of = D(2024, 5, 10)
    done = target("done", "milestone", 1, frequency="event", **ENERGY)
    nobody = target("nobody", "milestone", 1, frequency="event")
    other = target("other", "milestone", 1, frequency="event", **HOUSING)
    rows = [row(done, as_of, (1, D(2024, 3, 1))), row(nobody, as_of), row(other, as_of)]
    assert [(c.owner, c.id) for c in chase(rows, as_of)] == [
        ("盟住建局", "other"),
        (NO_OWNER, "nobody"),
    ]


def test_one_line_per_department_counts_and_completion_over_all_and_reported():
    as_of = D(2024, 7, 10)
    rows = [
        row(target("a", **ENERGY), as_of, (50, D(2024, 6, 30))),  # 0.50, on track
        row(target("b", **ENERGY), as_of, (150, D(2024, 6, 30))),  # 1.50 → capped at 1, met
        row(target("c", **ENERGY), as_of),  # no figure: counts as 0 over all
        row(target("d", "milestone", 1, due=D(2024, 6, 30), **HOUSING), as_of),  # overdue
    ]
    lines = {line.owner: line for line in by_owner(rows)}
    energy = lines["盟能源局"]
    assert (energy.total, energy.reported) == (3, 2)
    assert energy.counts["met"] == 1 and energy.counts["on_track"] == 1
    assert energy.completion_all == (0.5 + 1.0 + 0) / 3
    assert energy.completion_reported == (0.5 + 1.0) / 2
    housing = lines["盟住建局"]
    assert housing.counts["overdue"] == 1 and housing.completion_reported is None
    assert [line.owner for line in by_owner(rows)] == ["盟住建局", "盟能源局"]  # worst first


def test_co_owners_count_when_asked():
    as_of = D(2024, 7, 10)
    shared = target("a", owner="盟能源局", co_owners=("盟发改委",))
    rows = [row(shared, as_of, (50, D(2024, 6, 30)))]
    assert [line.owner for line in by_owner(rows)] == ["盟能源局"]
    assert {line.owner for line in by_owner(rows, lead_only=False)} == {"盟能源局", "盟发改委"}


def test_chase_lists_every_owner_whose_april_figure_is_missing(xlgl):
    import json

    assert xlgl("assign", "key-projects-ready", "--owner", "盟发改委").exit_code == 0
    assert xlgl("assign", "beef-processing-projects", "--owner", "盟农牧局").exit_code == 0
    result = xlgl("chase", "--as-of", "2024-05-10", "--format", "json", "--exit-code")
    assert result.exit_code == 1, result.output
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {
        "owner", "contact", "id", "indicator", "period_end", "report_due", "report"
    }  # fmt: skip
    beef = next(r for r in rows if r["id"] == "beef-processing-projects")
    # an event target: April's progress, due by the 5th of May
    assert (beef["owner"], beef["period_end"], beef["report_due"]) == (
        "盟农牧局",
        "2024-04-30",
        "2024-05-05",
    )
    assert {"盟发改委", "盟农牧局"} <= {r["owner"] for r in rows}
    table = xlgl("chase", "--as-of", "2024-05-10")
    assert table.exit_code == 0 and "盟农牧局" in table.stdout and "应报未报" in table.stdout
