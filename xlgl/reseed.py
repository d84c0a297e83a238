"""A seed refresh that changes the unit of targets with live records (issue 15 #1): the rule.

`xlgl init --seed` must not make a recorded 1.07 (亿吨) read 1.07万吨. For every target whose
unit the seed changes while live records hold figures in the old unit:

- no flag: the refresh is refused (exit 2), naming each target, its old and new unit and how
  many records;
- `--convert`: within a family (亿吨 → 万吨) the live records are converted exactly into the
  new unit, as new records (the old ones voided, both kept in history); a change of family
  (亿吨 → %, 万千瓦 → 个) is refused, even with --convert;
- `--yes`: the change is accepted; records not converted keep the unit they were recorded in,
  where they keep their meaning, and are no longer read as figures of the target (its
  completion starts again from the first figure recorded in the new unit).

Pure functions: the store (store/seeding.py) carries out the plans returned here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from xlgl.errors import InputError
from xlgl.units import UnitError, convert, format_value, to_stored


@dataclass(frozen=True)
class UnitChange:
    """A target whose unit the seed changes while live records hold figures in the old one."""

    target: str
    old: str
    new: str
    records: int  # live figures recorded in `old`
    factor: Decimal | None  # exact factor from old to new; None when they do not convert
    convert: bool = False  # the refresh converts its records

    def describe(self) -> str:
        how = f"×{_plain(self.factor)}" if self.factor is not None else "不能换算"
        old, new = self.old or "（无单位）", self.new or "（无单位）"
        return f"{self.target} {old}→{new}（{self.records} 条记录，{how}）"

    def converted(self, value: float) -> float:
        """`value` (in `old`) in `new`, exactly (through the decimal it was written as);
        InputError when the ledger cannot store the result exactly (past 6 decimals: 1吨 is
        0.00000001亿吨), so a conversion never rounds a figure."""
        exact = convert(Decimal(repr(value)), self.old, self.new)
        stored = to_stored(exact)
        if Decimal(repr(stored)) != exact:
            raise InputError(
                f"{self.target}：{format_value(value, self.old)} 换算为{self.new}是 "
                f"{format(exact.normalize(), 'f')}，超出台账保存的精度（6 位小数）；"
                "未换算，可改用 --yes 保留原单位"
            )
        return stored

    def note(self, value: float, converted: float, old_id: int) -> str:
        return (
            f"单位换算自 #{old_id}：{format_value(value, self.old)} = "
            f"{format_value(converted, self.new)}"
        )


def unit_changes(
    old_units: Mapping[str, str], new_units: Mapping[str, str], live: Mapping[str, int]
) -> list[UnitChange]:
    """The targets (in the seed's order) whose unit changes from `old_units` (the ledger's) to
    `new_units` (the seed's) while they have live records (`live`: how many, in the old unit)."""
    changes = []
    for target, new in new_units.items():
        old = old_units.get(target)
        if old is None or old == new or not live.get(target):
            continue
        try:
            factor: Decimal | None = convert(Decimal(1), old, new)
        except UnitError:
            factor = None
        changes.append(UnitChange(target, old, new, live[target], factor))
    return changes


def unit_refusal(changes: list[UnitChange], *, convert: bool, accept: bool) -> str | None:
    """Why a refresh with these unit changes may not go on (one line), or None when it may:
    with no flag every change is refused; --convert converts changes within a family and
    refuses the others unless --yes accepts them too; --yes alone accepts every change."""
    if not changes or accept:
        return None
    if not convert:
        return (
            f"种子改变了 {len(changes)} 个已有实绩的目标的单位："
            + "；".join(c.describe() for c in changes)
            + "。加 --convert 按系数换算已有记录，或加 --yes 接受（原记录保留原单位，"
            "不计入新单位的完成情况）；台账未改动"
        )
    apart = [c for c in changes if c.factor is None]
    if not apart:
        return None
    return (
        "单位不能换算："
        + "；".join(c.describe() for c in apart)
        + "。--convert 只换算同一类单位；确要改用新单位请加 --yes（原记录保留原单位，"
        "不计入新单位的完成情况）；台账未改动"
    )


def unit_plans(
    old_units: Mapping[str, str],
    new_units: Mapping[str, str],
    live: Mapping[str, int],
    *,
    convert: bool = False,
    accept: bool = False,
) -> list[UnitChange]:
    """The store's UnitRule for `xlgl init --seed [--convert] [--yes]`: every change, marked
    for conversion where --convert converts it; InputError when unit_refusal refuses."""
    changes = unit_changes(old_units, new_units, live)
    refused = unit_refusal(changes, convert=convert, accept=accept)
    if refused:
        raise InputError(refused)
    return [
        UnitChange(c.target, c.old, c.new, c.records, c.factor, convert and c.factor is not None)
        for c in changes
    ]


def _plain(number: Decimal) -> str:
    """A factor as written: 10000, 0.0001, 0.0015 (no exponent)."""
    return format(number.normalize(), "f")
