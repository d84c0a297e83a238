"""The store's side of carrying a year over (xlgl/years.py has the rules): the earlier targets a
new report's targets continue, the links between years, carried targets, targets to review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xlgl import years
from xlgl.model import Actual, Target

if TYPE_CHECKING:
    from xlgl.store.ledger import Ledger


@dataclass(frozen=True)
class _Report:
    key: str
    year: int


def _reports(ledger: Ledger, key: str | None = None, year: int | None = None) -> list[_Report]:
    """The ledger's reports in the order loaded, with (key, year) appended when not loaded yet."""
    found = [
        _Report(k, y) for k, y in ledger.conn.execute("SELECT key, year FROM reports ORDER BY seq")
    ]
    if key is not None and year is not None and all(r.key != key for r in found):
        found.append(_Report(key, year))
    return found


def figures_of(ledger: Ledger, targets: Sequence[Target]) -> dict[tuple[str, str], list[Actual]]:
    """Each target's live figures as Actual values, oldest first."""
    return {
        pair: [Actual(value, day, "", record_id) for day, value, record_id in rows]
        for pair, rows in ledger.live_figures(targets).items()
    }


def derived_baselines(
    ledger: Ledger, key: str, year: int, targets: Sequence[dict[str, Any]]
) -> dict[str, years.Baseline]:
    """For the seed targets of report `key` (of `year`) that state no baseline: the final figure
    of the previous report's target each continues, where there is one (years.py's rules)."""
    wanted = [t for t in targets if t.get("baseline") is None]
    previous = years.previous_report(_reports(ledger, key, year), key) if wanted else None
    if previous is None:
        return {}
    earlier = ledger.targets(report=previous.key)
    matches = {}
    for target in wanted:
        found = years.continued_target(target["indicator"], target["unit"], target["id"], earlier)
        if found is not None:
            matches[target["id"]] = (target, found)
    figures = figures_of(ledger, [found for _, found in matches.values()])
    baselines = {}
    for target_id, (target, found) in matches.items():
        baseline = years.carried_baseline(
            found, figures.get((found.report, found.id), []), target["unit"]
        )
        if baseline is not None:
            baselines[target_id] = baseline
    return baselines


@dataclass(frozen=True)
class YearLink:
    """A target of another year linked to the one shown: how (`baseline`: its final figure is
    the baseline; `carried`: carried over; `same`: same indicator and unit), with its final
    figure (or its last figure so far)."""

    direction: str  # "previous" or "next"
    how: str
    target: Target
    figure: Actual | None
    final: bool


def year_links(ledger: Ledger, target: Target) -> list[YearLink]:
    """The targets of the previous and the next years that `target` is linked to."""
    stored = _stored_links(ledger, target.report, target.id)
    reports = _reports(ledger)
    found: list[tuple[str, str, Target]] = []
    origin = years.parse_link(stored["baseline_from"]) or years.parse_link(stored["carried_from"])
    how = "baseline" if stored["baseline_from"] else "carried"
    if origin is not None:
        earlier = ledger.target(origin[1], origin[0])
        if earlier is not None:
            found.append(("previous", how, earlier))
    else:
        previous = years.previous_report(reports, target.report)
        if previous is not None:
            earlier = years.continued_target(
                target.indicator, target.unit, target.id, ledger.targets(report=previous.key)
            )
            if earlier is not None:
                found.append(("previous", "same", earlier))
    here = years.link(target.report, target.id)
    for report, target_id, baseline_from in ledger.conn.execute(
        "SELECT report, id, baseline_from FROM targets "
        "WHERE baseline_from = ?1 OR carried_from = ?1 ORDER BY seq",
        [here],
    ):
        later = ledger.target(target_id, report)
        if later is not None:
            found.append(("next", "baseline" if baseline_from == here else "carried", later))
    following = years.next_report(reports, target.report)
    if following is not None and not any(d == "next" for d, _, _ in found):
        these = ledger.targets(report=target.report)
        for later in ledger.targets(report=following.key):
            if later.indicator.strip() != target.indicator.strip():
                continue
            links = _stored_links(ledger, later.report, later.id)
            if links["baseline_from"] or links["carried_from"]:
                continue
            if years.continued_target(later.indicator, later.unit, later.id, these) == target:
                found.append(("next", "same", later))
    figures = figures_of(ledger, [t for _, _, t in found])
    links = []
    for direction, kind, other in found:
        figure = years.final_figure(other, figures.get((other.report, other.id), []))
        links.append(YearLink(direction, kind, other, figure, years.is_final(other, figure)))
    return links


def _stored_links(ledger: Ledger, report: str, target_id: str) -> dict[str, str | None]:
    row = ledger.conn.execute(
        "SELECT baseline_from, carried_from FROM targets WHERE report = ? AND id = ?",
        [report, target_id],
    ).fetchone()
    return {"baseline_from": row[0] if row else None, "carried_from": row[1] if row else None}


def carried_to(ledger: Ledger, targets: Sequence[Target]) -> dict[tuple[str, str], str]:
    """For each of `targets` that has been carried over: the link of the target it became."""
    found = {}
    for target in targets:
        row = ledger.conn.execute(
            "SELECT report, id FROM targets WHERE carried_from = ? ORDER BY seq LIMIT 1",
            [years.link(target.report, target.id)],
        ).fetchone()
        if row:
            found[(target.report, target.id)] = years.link(*row)
    return found


def add_carried(ledger: Ledger, columns: dict[str, Any]) -> None:
    """Insert a carried target (years.carried_target's columns) after every other target."""
    with ledger.write():
        seq = ledger.conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM targets").fetchone()[0]
        row = {**columns, "seq": seq}
        names = ", ".join(f'"{name}"' for name in row)
        marks = ", ".join(f":{name}" for name in row)
        ledger.conn.execute(f"INSERT INTO targets ({names}) VALUES ({marks})", row)


def target_ids(ledger: Ledger, report: str) -> set[str]:
    return {
        row[0] for row in ledger.conn.execute("SELECT id FROM targets WHERE report = ?", [report])
    }


def review_ids(ledger: Ledger, report: str | None) -> set[tuple[str, str]]:
    """(report, id) of the targets whose seed flagged `review = true`."""
    only, params = ("AND report = ?", [report]) if report is not None else ("", [])
    return {
        (r, i)
        for r, i in ledger.conn.execute(
            f"SELECT report, id FROM targets WHERE review = 1 {only}", params
        )
    }
