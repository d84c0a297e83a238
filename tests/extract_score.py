"""Scoring a draft against a hand-made answer key: recall, precision, comparators.

A key target is found when a draft target stands on the same words (its quote, or one of its
other places, overlaps the key's quote) with the same value and unit. A milestone drafted as one
named project of a given size (value 1, scale 500 万千瓦) also matches a key that states the size
as its value (500 万千瓦). A draft target is a real target when it matches some key target by
place and value (unit and comparator aside); the rest are false candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _spans(target: dict[str, Any]) -> list[tuple[int, int]]:
    places = [target, *target.get("also", [])]
    return [(p["offset"], p["offset"] + len(p["quote"])) for p in places]


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(lo1 < hi2 and lo2 < hi1 for lo1, hi1 in a for lo2, hi2 in b)


def _same(x: Any, y: Any) -> bool:
    return x is not None and y is not None and abs(float(x) - float(y)) < 1e-9


def _value_matches(key: dict[str, Any], got: dict[str, Any]) -> bool:
    return _same(key["value"], got["value"]) or _same(key["value"], got.get("scale"))


def _unit_matches(key: dict[str, Any], got: dict[str, Any]) -> bool:
    if _same(key["value"], got.get("scale")) and not _same(key["value"], got["value"]):
        return key["unit"] == got.get("scale_unit")
    return key["unit"] == got["unit"]


@dataclass
class Score:
    keys: int
    candidates: int
    found: list[str] = field(default_factory=list)  # key labels found with value and unit
    missed: list[str] = field(default_factory=list)
    comparator_right: int = 0
    false: list[str] = field(default_factory=list)  # draft candidates matching no key

    @property
    def recall(self) -> float:
        return len(self.found) / self.keys if self.keys else 1.0

    @property
    def precision(self) -> float:
        return 1 - len(self.false) / self.candidates if self.candidates else 1.0

    @property
    def comparator_rate(self) -> float:
        return self.comparator_right / len(self.found) if self.found else 1.0

    @property
    def strict_recall(self) -> float:
        """Found with the right value, unit and comparator."""
        return self.comparator_right / self.keys if self.keys else 1.0

    def line(self, name: str) -> str:
        return (
            f"{name}: recall {self.recall:.1%} ({len(self.found)}/{self.keys}), "
            f"with comparator {self.strict_recall:.1%}, precision {self.precision:.1%} "
            f"({self.candidates - len(self.false)}/{self.candidates}), "
            f"comparator right {self.comparator_rate:.1%}"
        )


def score(keys: list[dict[str, Any]], drafted: list[dict[str, Any]]) -> Score:
    result = Score(keys=len(keys), candidates=len(drafted))
    used: set[int] = set()
    for key in keys:
        spans = _spans(key)
        label = f"{key['quote']} = {key['value']}{key['unit']}"
        matches = [
            i for i, got in enumerate(drafted)
            if _overlap(spans, _spans(got)) and _value_matches(key, got) and _unit_matches(key, got)
        ]  # fmt: skip
        fresh = [i for i in matches if i not in used] or matches
        if not fresh:
            result.missed.append(label)
            continue
        best = next((i for i in fresh if drafted[i]["comparator"] == key["comparator"]), fresh[0])
        used.add(best)
        result.found.append(label)
        if drafted[best]["comparator"] == key["comparator"]:
            result.comparator_right += 1
    for got in drafted:
        if not any(_overlap(_spans(k), _spans(got)) and _value_matches(k, got) for k in keys):
            result.false.append(f"{got['quote']} = {got['value']}{got['unit']}")
    return result
