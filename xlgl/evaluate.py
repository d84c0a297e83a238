"""Status rows: the rules (xlgl/progress.py) applied to what the store yields.

A pure function of (targets with their latest figure, as-of date, settings): no I/O, no clock.
The store finds each target's latest figure in SQL; tests hold that to progress.latest_actual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from datetime import date

from xlgl.model import Actual, Settings, Target
from xlgl.progress import Evaluation, evaluate


def status_rows(
    pairs: Iterable[tuple[Target, Actual | None]],
    as_of: date,
    settings: Settings,
    statuses: Iterable[str] | None = None,
) -> list[Evaluation]:
    """The status row of every (target, latest figure), in the order given; with `statuses`,
    only the rows of those statuses."""
    wanted = set(statuses) if statuses is not None else None
    collecting = gc.isenabled()
    gc.disable()  # 100,000 acyclic rows: no cycle to collect while they are built
    try:
        if wanted is None:
            rows = [evaluate(target, latest, as_of, settings) for target, latest in pairs]
        else:  # overdue keeps a few rows of many: the others go at once
            rows = []
            for target, latest in pairs:
                row = evaluate(target, latest, as_of, settings)
                if row.status in wanted:
                    rows.append(row)
    finally:
        if collecting:
            gc.enable()
    return rows
