"""Status rows: the rules (xlgl/progress.py) applied to what the store yields.

A pure function of (targets with their latest figure, as-of date, settings): no I/O, no clock.
The store finds each target's latest figure in SQL; tests hold that to progress.latest_actual.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from xlgl.model import Actual, Settings, Target
from xlgl.progress import Evaluation, evaluate
from xlgl.words import MET, MET_LATE


def status_rows(
    pairs: Iterable[tuple[Target, Actual | None]],
    as_of: date,
    settings: Settings,
    statuses: Iterable[str] | None = None,
    history: Callable[[list[Target]], dict[tuple[str, str], list[Any]]] | None = None,
) -> list[Evaluation]:
    """The status row of every (target, latest figure), in the order given; with `statuses`,
    only the rows of those statuses. `history` gives the live figures (as_of, value, record id,
    oldest first) of the targets it is asked for: a target met after its due date is judged on
    them, since whether it was met late depends on when its figures first met it."""
    wanted = set(statuses) if statuses is not None else None
    collecting = gc.isenabled()
    gc.disable()  # 100,000 acyclic rows: no cycle to collect while they are built
    try:
        rows = [evaluate(target, latest, as_of, settings) for target, latest in pairs]
    finally:
        if collecting:
            gc.enable()
    late = [r for r in rows if r.status in (MET, MET_LATE) and as_of > r.target.due]
    if late and history is not None:
        figures = history([r.target for r in late])
        again = {}
        for row in late:
            target = row.target
            known = [
                Actual(value, day, "", record_id)
                for day, value, record_id in figures.get((target.report, target.id), [])
                if day <= as_of
            ]
            latest = known[-1] if known else None
            again[id(row)] = evaluate(target, latest, as_of, settings, known)
        rows = [again.get(id(row), row) for row in rows]
    if wanted is not None:
        rows = [row for row in rows if row.status in wanted]
    return rows
