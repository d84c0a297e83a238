"""Carrying a year over, over a ledger: the rules of xlgl/years.py applied to what the store
yields (store/links.py) — the baselines a new report's seed takes from the previous report's final
figures, and the targets of other years a target is linked to (`xlgl show`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from xlgl import years
from xlgl.model import Actual, Target
from xlgl.store import links

if TYPE_CHECKING:
    from xlgl.seed import Seed
    from xlgl.store import Ledger


@dataclass(frozen=True)
class _Report:
    key: str
    year: int


def _reports(ledger: Ledger, key: str | None = None, year: int | None = None) -> list[_Report]:
    """The ledger's reports in the order loaded, with (key, year) appended when not loaded yet."""
    found = [_Report(r.key, r.year) for r in ledger.reports()]
    if key is not None and year is not None and all(r.key != key for r in found):
        found.append(_Report(key, year))
    return found


def derived_baselines(
    ledger: Ledger, key: str, year: int, targets: Sequence[dict[str, Any]]
) -> dict[str, years.Baseline]:
    """For the seed targets of report `key` (of `year`) that state no baseline: the final figure
    of the previous report's target each continues, where there is one."""
    wanted = [t for t in targets if t.get("baseline") is None]
    previous = years.previous_report(_reports(ledger, key, year), key) if wanted else None
    if previous is None:
        return {}
    earlier: dict[str, list[Target]] = {}  # by indicator: a report may hold 100,000 targets
    for old in ledger.targets(report=previous.key):
        earlier.setdefault(old.indicator.strip(), []).append(old)
    matches = {}
    for target in wanted:
        same = earlier.get(str(target["indicator"]).strip(), [])
        found = years.continued_target(target["indicator"], target["unit"], target["id"], same)
        if found is not None:
            matches[target["id"]] = (target, found)
    figures = links.figures_of(ledger, [found for _, found in matches.values()])
    baselines = {}
    for target_id, (target, found) in matches.items():
        baseline = years.carried_baseline(
            found, figures.get((found.report, found.id), []), target["unit"]
        )
        if baseline is not None:
            baselines[target_id] = baseline
    return baselines


def with_baselines(ledger: Ledger, seed: Seed, key: str) -> Seed:
    """The seed with each target that states no baseline given last year's final figure as
    its baseline and `baseline_from` naming where it came from (derived_baselines)."""
    year = int(seed.report.get("year", 0))
    found = derived_baselines(ledger, key, year, seed.targets)
    if not found:
        return seed
    targets = [
        t | {"baseline": found[t["id"]].value, "baseline_from": found[t["id"]].source}
        if t["id"] in found
        else t
        for t in seed.targets
    ]
    return replace(seed, targets=targets)


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
    """The targets of the previous and the next years that `target` is linked to: by the links
    stored (baseline_from, carried_from), else by years.continued_target's rule."""
    stored = links.stored_links(ledger, target.report, target.id)
    reports = _reports(ledger)
    found: list[tuple[str, str, Target]] = []
    origin = years.parse_link(stored["baseline_from"]) or years.parse_link(stored["carried_from"])
    if origin is not None:
        earlier = ledger.target(origin[1], origin[0])
        how = "baseline" if stored["baseline_from"] else "carried"
        if earlier is not None:
            found.append(("previous", how, earlier))
    else:
        previous = years.previous_report(reports, target.report)
        if previous is not None:
            earlier = years.continued_target(
                target.indicator,
                target.unit,
                target.id,
                _same_indicator(ledger, previous.key, target),
            )
            if earlier is not None:
                found.append(("previous", "same", earlier))
    for report, target_id, how in links.linked_to(ledger, years.link(target.report, target.id)):
        later = ledger.target(target_id, report)
        if later is not None:
            found.append(("next", how, later))
    following = years.next_report(reports, target.report)
    if following is not None and not any(d == "next" for d, _, _ in found):
        these = _same_indicator(ledger, target.report, target)
        for later in _same_indicator(ledger, following.key, target):
            if any(links.stored_links(ledger, later.report, later.id).values()):
                continue
            earlier = years.continued_target(later.indicator, later.unit, later.id, these)
            if earlier is not None and (earlier.report, earlier.id) == (target.report, target.id):
                found.append(("next", "same", later))
    figures = links.figures_of(ledger, [t for _, _, t in found])
    year_links = []
    for direction, how, other in found:
        figure = years.final_figure(other, figures.get((other.report, other.id), []))
        year_links.append(YearLink(direction, how, other, figure, years.is_final(other, figure)))
    return year_links


def _same_indicator(ledger: Ledger, report: str, target: Target) -> list[Target]:
    """The targets of `report` with `target`'s indicator (as written)."""
    return ledger.lookup(report).by_indicator(target.indicator)
