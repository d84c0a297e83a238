"""Which target a name means: one rule, used by every command and by the CSV importer.

In order, the first that finds anything decides:
1. the target's id;
2. an alias (`xlgl alias NAME TARGET`, or a seed's `aliases`);
3. the exact indicator name;
4. a unique part of the indicator or the id.
Several targets at one step are an error listing them (ask for the id, or --report when the same
id lives in several reports); nothing found is an error naming the closest names.

The rule asks its questions of a TargetQueries: the store offers them over SQL
(Ledger.lookup(report)), the CSV importer over the targets it holds in memory.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from xlgl.errors import InputError


class Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def indicator(self) -> str: ...
    @property
    def report(self) -> str: ...


T = TypeVar("T", bound=Named)


class TargetQueries(Protocol[T]):
    def by_id(self, name: str) -> list[T]: ...
    def by_alias(self, name: str) -> list[T]: ...
    def by_indicator(self, name: str) -> list[T]: ...
    def containing(self, name: str) -> list[T]: ...
    def names(self) -> list[str]: ...


LISTED = 8  # targets named in an "ambiguous" message


def find_target(queries: TargetQueries[T], name: str) -> T:
    """The target `name` means, by the rule above; InputError when none or several."""
    name = name.strip()
    if not name:
        raise InputError("目标名为空：请写目标 id 或指标名")
    for step in (queries.by_id, queries.by_alias, queries.by_indicator, queries.containing):
        found = step(name)
        if len(found) == 1:
            return found[0]
        if found:
            raise InputError(ambiguous(name, found))
    import difflib

    close = difflib.get_close_matches(name, queries.names(), n=3, cutoff=0.5)
    hint = f"；是否要找：{'、'.join(close)}" if close else "；用 xlgl targets 查看全部目标"
    raise InputError(f"没有目标“{name}”{hint}")


def ambiguous(name: str, found: list[T]) -> str:
    reports = {t.report for t in found}
    if len(reports) > 1 and len({t.id for t in found}) == 1:
        listed = "、".join(sorted(reports))
        return f"“{name}”在多个报告中都有（{listed}）；请用 --report 指定报告"
    listed = "、".join(f"{t.id}（{t.indicator}）" for t in found[:LISTED])
    more = f" 等 {len(found)} 个" if len(found) > LISTED else ""
    return f"“{name}”对应多个目标：{listed}{more}；请用 id"
