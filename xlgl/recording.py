"""The one check a figure passes before it counts, whichever way it comes in: `xlgl record`, a CSV
or 报送表 import, or records merged from another ledger (`import-records`).

`FigureBook` holds the live figures of the targets concerned (what the ledger already has, plus what
the same import has accepted so far) and `FigureBook.check` decides one figure:
- refused outright (InputError, exit 2): not a finite number, a negative where only a growth rate may
  be negative, a date in the future, before the target's start or more than 366 days after its due
  date, a figure for a date that already has a different one (unless `replace`);
- refused unless `force` (and then recorded as forced): a percent typed as a fraction (0.056 for a
  5.6% target of 2% or more), more than 10× the target value, a growth rate more than 25 个百分点
  from its target (56% against 6%), a rate (share) over 100%, a year-to-date total (flow) that falls
  over time, an increment (`--add`) before a later figure;
- skipped as a duplicate: the same target, date and value as a live figure.

Pure: the book is filled by the caller from the store, and the clock is the `today` argument.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from xlgl.errors import InputError

if TYPE_CHECKING:
    from xlgl.store import Ledger
from xlgl.model import Target
from xlgl.units import format_number, format_value

MAX_MAGNITUDE = 1e15  # beyond this a float no longer holds every integer: surely a typo
PLAUSIBLE_FACTOR = 10  # a figure over 10× the target value is refused unless forced
RATE_SPREAD_POINTS = 25  # a growth rate this far (个百分点) from its target: refused unless forced
FRACTION_PERCENT_FLOOR = 2  # a percent target of 2% or more given a bare value below 1
LATEST_AFTER_DUE = timedelta(days=366)

ADD = "add"
DUPLICATE = "duplicate"


FORCE_HINT = "确认无误可加 --force"
FILE_FORCE_HINT = "确认无误请用 xlgl record 逐条加 --force 录入"


class FigureRefused(InputError):
    """A figure that may not be recorded; `overridable` says whether --force would let it in."""

    def __init__(self, message: str, *, overridable: bool = False):
        super().__init__(message)
        self.overridable = overridable


@dataclass(slots=True)  # one a row of a million-row import: not frozen (frozen costs)
class Verdict:
    action: str  # ADD or DUPLICATE
    value: float  # what to store: for an increment, the new cumulative
    voids: tuple[int, ...] = ()  # live records on the same date that `replace` voids
    forced: bool = False  # a check that --force overrides was overridden
    overridden: tuple[str, ...] = ()  # what --force let through, for the record's trace


@dataclass
class _Figures:
    """One target's live figures: each date's value (the latest recorded wins) and record ids."""

    dates: list[date] = field(default_factory=list)  # sorted
    values: dict[date, float] = field(default_factory=dict)
    ids: dict[date, list[int]] = field(default_factory=dict)
    highest: float = -math.inf  # the highest value put (a year-to-date total's last, usually)
    limits: tuple[bool, bool, date, date, float, bool] | None = None  # FigureBook.plain's

    def put(self, as_of: date, value: float, record_id: int) -> None:
        if as_of not in self.values:
            if self.dates and as_of < self.dates[-1]:
                bisect.insort(self.dates, as_of)
            else:
                self.dates.append(as_of)
            self.ids[as_of] = []
        self.values[as_of] = value
        self.ids[as_of].append(record_id)
        if value > self.highest:
            self.highest = value

    def drop(self, as_of: date) -> None:
        if as_of in self.values:
            self.dates.remove(as_of)
            del self.values[as_of]
            del self.ids[as_of]
            self.highest = max(self.values.values(), default=-math.inf)

    def latest_not_after(self, as_of: date) -> float | None:
        index = bisect.bisect_right(self.dates, as_of)
        return self.values[self.dates[index - 1]] if index else None

    def highest_before(self, as_of: date) -> tuple[date, float] | None:
        index = bisect.bisect_left(self.dates, as_of)
        if not index:
            return None
        day = max(self.dates[:index], key=self.values.__getitem__)
        return day, self.values[day]

    def lowest_after(self, as_of: date) -> tuple[date, float] | None:
        index = bisect.bisect_right(self.dates, as_of)
        if index == len(self.dates):
            return None
        day = min(self.dates[index:], key=self.values.__getitem__)
        return day, self.values[day]


class FigureBook:
    """The live figures of some targets, to check new figures against (see the module doc)."""

    def __init__(self, today: date):
        self.today = today
        self._figures: dict[tuple[str, str], _Figures] = {}

    def know(self, target: Target, as_of: date, value: float, record_id: int = 0) -> None:
        """A live figure the ledger holds (or this import has accepted)."""
        self._book(target).put(as_of, value, record_id)

    def know_all(self, target: Target, figures: Iterable[tuple[date, float, int]]) -> None:
        book = self._book(target)
        for as_of, value, record_id in figures:
            book.put(as_of, value, record_id)

    def _book(self, target: Target) -> _Figures:
        key = (target.report, target.id)
        found = self._figures.get(key)
        if found is None:
            found = self._figures[key] = _Figures()
        return found

    def check(
        self,
        target: Target,
        value: float,
        as_of: date,
        *,
        written_unit: str | None = None,
        increment: bool = False,
        force: bool = False,
        replace: bool = False,
    ) -> Verdict:
        """Decide one figure (`value` already in the target's unit; for an increment, the amount
        added). `written_unit` is the unit the figure was written in ('' for a bare number, None
        when unknown). A figure accepted here is entered in the book, so the next check of the
        same import sees it.

        A million-row import calls this once a row: the plain case (a new date after the
        target's other figures, nothing near a limit) is decided first, in a few comparisons;
        anything else takes the full path below, which gives the reasons."""
        if not (increment or force or replace):
            action = self.plain(self._book(target), target, value, as_of, written_unit)
            if action is not None:
                return Verdict(action, value)
        else:
            existing = self._book(target).values.get(as_of)
            if existing is not None and not increment and existing == value:
                return Verdict(DUPLICATE, value)  # the same figure again: as the full path says
        return self._check(target, value, as_of, written_unit, increment, force, replace)

    def figures_of(self, target: Target) -> _Figures:
        """The target's figures in this book, for plain() (an import looks them up once)."""
        return self._book(target)

    def plain(
        self,
        book: _Figures,
        target: Target,
        value: float,
        as_of: date,
        written_unit: str | None = None,
    ) -> str | None:
        """The plain case of check() without --add, --force or --replace, decided in a few
        comparisons: DUPLICATE for the same figure again, ADD (entering it in `book`, the
        target's figures_of) for a new date after the target's other figures with nothing near a
        limit; None when the full check must decide (and give the reasons). An import calls
        this once a row, check() only for the rows it leaves undecided."""
        values = book.values
        existing = values.get(as_of)
        if existing is not None:
            return DUPLICATE if existing == value else None
        limits = book.limits
        if limits is None:  # what the conditions below need of the target, worked out once
            limits = book.limits = (
                target.kind == "growth",
                target.kind == "flow",
                target.start,
                min(self.today, target.due + LATEST_AFTER_DUE),
                PLAUSIBLE_FACTOR * abs(target.value) if target.value else math.inf,
                target.unit == "%",
            )
        growth, flow, first, last, cap, percent = limits
        dates = book.dates
        if (
            (growth or 0 <= value < MAX_MAGNITUDE)
            and value > -MAX_MAGNITUDE
            and first <= as_of <= last  # from the start, not after today nor a year after due
            and (not dates or as_of > dates[-1])  # after the target's other figures
            and (not flow or not dates or value >= book.highest - 1e-9)  # a total never falls
            and abs(value) <= cap  # not more than PLAUSIBLE_FACTOR × the target
            and (not growth or abs(value - target.value) <= RATE_SPREAD_POINTS)
            and (not percent or (value <= 100 and (value >= 1 or written_unit != "")))
        ):
            dates.append(as_of)  # book.put(as_of, value, 0) for a date after the others
            values[as_of] = value
            book.ids[as_of] = [0]
            if value > book.highest:
                book.highest = value
            return ADD
        return None

    def _check(
        self,
        target: Target,
        value: float,
        as_of: date,
        written_unit: str | None,
        increment: bool,
        force: bool,
        replace: bool,
    ) -> Verdict:
        name = f"{target.id}（{target.indicator}）"
        book = self._book(target)
        overridden: list[str] = []

        def soft(message: str) -> None:
            if not force:
                raise FigureRefused(f"{name}：{message}；{FORCE_HINT}", overridable=True)
            overridden.append(message)

        if increment and target.kind != "flow":
            raise FigureRefused(f"{name}：--add 只用于累计类（flow）目标，此目标是 {target.kind}")
        if not math.isfinite(value) or abs(value) >= MAX_MAGNITUDE:
            raise FigureRefused(f"{name}：数值 {value!r} 不是可用的数字")
        _check_date(target, as_of, self.today, name)

        if increment:
            later = book.lowest_after(as_of)
            if later is not None:
                soft(f"已有截至 {later[0].isoformat()} 的数字，不能在其前追加增量")
            base = book.latest_not_after(as_of) or 0.0
            value = round(base + value, 6)
            if not math.isfinite(value) or abs(value) >= MAX_MAGNITUDE:
                raise FigureRefused(f"{name}：累计数 {format_number(value)} 超出范围")

        if value < 0 and target.kind != "growth":
            raise FigureRefused(f"{name}：数值不能为负（{format_value(value, target.unit)}）")

        if written_unit == "" and looks_like_a_fraction(target.unit, target.value, value):
            soft(fraction_words(value))
        if target.kind == "share" and target.unit == "%" and value > 100:
            soft(f"{format_number(value)}% 的比率不会超过 100%")
        elif target.kind == "growth" and abs(value - target.value) > RATE_SPREAD_POINTS:
            soft(
                f"增速 {format_value(value, target.unit)} 与目标 "
                f"{format_value(target.value, target.unit)} 相差超过 {RATE_SPREAD_POINTS} 个百分点，"
                "请核对"
            )
        elif target.value and abs(value) > PLAUSIBLE_FACTOR * abs(target.value):
            soft(
                f"{format_value(value, target.unit)} 超过目标值 "
                f"{format_value(target.value, target.unit)} 的 {PLAUSIBLE_FACTOR} 倍，请核对单位"
            )

        voids: tuple[int, ...] = ()
        existing = book.values.get(as_of)
        if existing is not None:
            if abs(existing - value) <= 1e-9 * max(1.0, abs(value)):
                return Verdict(DUPLICATE, value)
            if not replace:
                raise FigureRefused(
                    f"{name}：截至 {as_of.isoformat()} 已有数字 "
                    f"{format_value(existing, target.unit)}，与 {format_value(value, target.unit)} "
                    "不同；更正请加 --replace（原记录作废并留痕）"
                )
            voids = tuple(book.ids[as_of])
            book.drop(as_of)

        if target.kind == "flow":
            earlier = book.highest_before(as_of)
            if earlier is not None and value < earlier[1] - 1e-9:
                soft(
                    f"累计数 {format_value(value, target.unit)} 低于截至 "
                    f"{earlier[0].isoformat()} 的 {format_value(earlier[1], target.unit)}"
                )
            later = book.lowest_after(as_of)
            if later is not None and value > later[1] + 1e-9:
                soft(
                    f"累计数 {format_value(value, target.unit)} 高于截至 "
                    f"{later[0].isoformat()} 的 {format_value(later[1], target.unit)}"
                )

        book.put(as_of, value, 0)
        return Verdict(ADD, value, voids, bool(overridden), tuple(overridden))


def in_a_file(refused: FigureRefused) -> str:
    """The refusal as an import from a file words it: a file takes no --force (one figure the
    clerk has checked goes in alone, with it)."""
    return str(refused).replace(FORCE_HINT, FILE_FORCE_HINT)


def looks_like_a_fraction(unit: str, target_value: float, value: float) -> bool:
    """A bare value below 1 for a percent target of FRACTION_PERCENT_FLOOR % or more: 0.056
    typed for 5.6%. Only for a figure written without its unit (a 0.5% written so is a figure)."""
    return unit == "%" and target_value >= FRACTION_PERCENT_FLOOR and 0 < abs(value) < 1


def fraction_words(value: float) -> str:
    percent = format_number(round(value * 100, 4))
    return f"{format_number(value)} 像是把百分数写成了小数，{percent}% 请写 {percent} 或 {percent}%"


def _check_date(target: Target, as_of: date, today: date, name: str) -> None:
    if as_of > today:
        raise FigureRefused(f"{name}：截至日期 {as_of.isoformat()} 晚于今天（{today.isoformat()}）")
    if as_of < target.start:
        raise FigureRefused(
            f"{name}：截至日期 {as_of.isoformat()} 早于目标起始日 {target.start.isoformat()}"
        )
    if as_of > target.due + LATEST_AFTER_DUE:
        raise FigureRefused(
            f"{name}：截至日期 {as_of.isoformat()} 晚于时限 {target.due.isoformat()} 一年以上"
        )


class _LiveFigures(Protocol):
    def live_figures(
        self, targets: Iterable[Target] | None
    ) -> dict[tuple[str, str], list[Any]]: ...


def figure_book(store: _LiveFigures, targets: Iterable[Target], today: date) -> FigureBook:
    """A book of what the ledger holds for `targets` (read it inside the write transaction that
    records the checked figures, so no other writer slips a figure in between)."""
    by_key = {(t.report, t.id): t for t in targets}
    book = FigureBook(today)
    # a few targets (a record, a 报送表): a query each; an import's many: one query for all
    asked = None if len(by_key) > FEW_TARGETS else list(by_key.values())
    for key, figures in store.live_figures(asked).items():
        if key in by_key:
            book.know_all(by_key[key], figures)
    return book


FEW_TARGETS = 50


@dataclass(frozen=True)
class Recorded:
    verdict: Verdict
    record_id: int | None  # None for a duplicate


def record_figure(
    store: Ledger,
    target: Target,
    value: float,
    as_of: date,
    *,
    today: date,
    written_unit: str | None = None,
    increment: bool = False,
    force: bool = False,
    replace: bool = False,
    **fields: Any,
) -> Recorded:
    """Check one figure against what the ledger holds and record it, in one write transaction:
    the new record, then a voiding record for each figure it replaces (note: 由 #N 取代).
    `fields`: by, source, note, progress, problems, next_steps, evidence."""
    with store.write():
        book = figure_book(store, [target], today)
        verdict = book.check(
            target, value, as_of, written_unit=written_unit, increment=increment, force=force,
            replace=replace,
        )  # fmt: skip
        if verdict.action == DUPLICATE:
            return Recorded(verdict, None)
        if verdict.forced:
            forced = "强制录入：" + "；".join(verdict.overridden)
            fields["note"] = f"{fields['note']}（{forced}）" if fields.get("note") else forced
        record_id = store.insert_record(
            target.report, target.id, verdict.value, target.unit, as_of,
            forced=verdict.forced, **fields,
        )  # fmt: skip
        for old in verdict.voids:
            store.insert_record(
                target.report, target.id, None, target.unit, as_of, voids=old,
                by=fields.get("by"), note=f"由 #{record_id} 取代",
            )  # fmt: skip
    return Recorded(verdict, record_id)
