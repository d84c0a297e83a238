"""Filters as people write them, resolved to the ledger's own values before anything is queried.

`--section 1`, `--section （一）`, `--section 稳经济运行`; `--kind 累计`; `--status 逾期`,
`--status at-risk`; `--owner 盟能源局`. A value that names nothing is an InputError (exit 2)
with the candidates, never an empty table that a cron job would mail: the functions here are pure
(text and the known values in, a canonical value or an InputError out); `resolve_filters` reads
the known values from a ledger only when a filter is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

from xlgl.errors import InputError
from xlgl.words import KIND_LABELS, STATUS_LABELS, STATUSES

NUMERALS = "一二三四五六七八九十"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９（）", "0123456789()")

# A few words people use for kinds beyond the labels (and the labels themselves).
KIND_WORDS = {label: code for code, label in KIND_LABELS.items()} | {
    "增长": "growth",
    "增长率": "growth",
    "增幅": "growth",
    "累计数": "flow",
    "总量": "flow",
    "存量": "level",
    "比例": "share",
    "占比": "share",
    "比重": "share",
    "里程碑": "milestone",
    "项目": "milestone",
}
# Status words beyond the labels.
STATUS_WORDS = {label: code for code, label in STATUS_LABELS.items()} | {
    "完成": "met",
    "风险": "at_risk",
    "落后": "at_risk",
    "无数据": "no_data",
    "未报": "no_data",
    "待出": "awaiting",
    "逾期未完成": "overdue",
}


@dataclass(frozen=True)
class Known:
    """What a filter may name: the sections with their topics, and the owners, as in the ledger."""

    sections: Sequence[tuple[str, str]]  # (section, topic) for every target, in report order
    owners: Sequence[str]  # 牵头单位
    co_owners: Sequence[str] = ()  # 配合单位


def _candidates(text: str, names: Iterable[str], limit: int = 5) -> list[str]:
    names = list(dict.fromkeys(name for name in names if name))
    near = get_close_matches(text, names, n=limit, cutoff=0.6)
    containing = [name for name in names if text and (text in name or name in text)]
    return list(dict.fromkeys([*containing, *near]))[:limit]


def _did_you_mean(what: str, text: str, names: Iterable[str]) -> InputError:
    names = list(dict.fromkeys(name for name in names if name))
    close = _candidates(text, names)
    if close:
        return InputError(f"没有{what}“{text}”；是否要找：{'、'.join(close)}")
    if names:
        shown = "、".join(names[:12]) + ("……" if len(names) > 12 else "")
        return InputError(f"没有{what}“{text}”；可选：{shown}")
    return InputError(f"没有{what}“{text}”")


def resolve_section(text: str, known: Known) -> str:
    """The section named by `text`: its name (主要预期目标, （一）, 三), its number (1 → （一）),
    its numeral (一 → （一）), or words of its name or topics (稳经济运行 → （一）)."""
    names = list(dict.fromkeys(section for section, _ in known.sections))
    written = text.strip().translate(_FULL_WIDTH)
    if not written:
        raise InputError("章节不能为空")
    if written in names:
        return written
    bare = written.strip("()").strip()
    if bare.isdigit() and 1 <= int(bare) <= len(NUMERALS):
        bare = NUMERALS[int(bare) - 1]
    if f"（{bare}）" in names and (written != bare or bare not in names):
        return f"（{bare}）"
    if bare in names:
        return bare
    matching = list(
        dict.fromkeys(
            section for section, topic in known.sections if bare in topic or bare in section
        )
    )
    if len(matching) == 1:
        return matching[0]
    if len(matching) > 1:
        raise InputError(f"“{text}”对应多个章节：{'、'.join(matching)}；请写章节标记，如 （一）")
    topics = [topic for _, topic in known.sections]
    close = _candidates(bare, [*names, *topics])
    if close:
        raise InputError(f"没有章节“{text}”；是否要找：{'、'.join(close)}")
    raise InputError(f"没有章节“{text}”；可选：{'、'.join(names)}")


def resolve_owner(text: str, known: Known, *, lead_only: bool = False) -> str:
    """The owner exactly as assigned (surrounding spaces aside) — as 牵头单位 or 配合单位, or with
    `lead_only` as 牵头单位 — or an InputError naming the owners it may mean and the known ones."""
    written = text.strip()
    leads = sorted(set(known.owners))
    every = sorted(set(known.owners) | set(known.co_owners))
    if not written:
        raise InputError("单位不能为空")
    if written in (leads if lead_only else every):
        return written
    if written in every:
        raise InputError(
            f"“{written}”不是任何目标的牵头单位，只是配合单位（去掉 --lead-only 可查）"
        )
    if not every:
        raise InputError(f"没有单位“{text}”：尚未给任何目标指定牵头单位（用 xlgl assign）")
    close = _candidates(written, every)
    guess = f"是否要找：{'、'.join(close)}；" if close else ""
    shown = "、".join(every[:20]) + (f"……共 {len(every)} 个" if len(every) > 20 else "")
    raise InputError(f"没有单位“{written}”；{guess}台账中的单位：{shown}")


def resolve_kind(text: str) -> str:
    """A kind code from its code (flow) or its Chinese word (累计)."""
    written = text.strip().lower()
    if written in KIND_LABELS:
        return written
    if written in KIND_WORDS:
        return KIND_WORDS[written]
    raise _did_you_mean("类型", text.strip(), [*KIND_LABELS, *KIND_LABELS.values()])


def resolve_status(text: str) -> str:
    """A status code from its code in either spelling (at_risk, at-risk, AT RISK) or its
    Chinese label (预警, 逾期, 已完成 …)."""
    written = text.strip()
    code = re.sub(r"[-\s]+", "_", written.lower())
    if code in STATUS_LABELS:
        return code
    if written in STATUS_WORDS:
        return STATUS_WORDS[written]
    raise _did_you_mean("状态", written, [*STATUSES, *STATUS_LABELS.values()])


def resolve_statuses(texts: Iterable[str] | None) -> list[str] | None:
    """Every status named (repeated options, or several in one: 逾期,预警), in the vocabulary's
    order; None when none is given."""
    if not texts:
        return None
    wanted = {
        resolve_status(part)
        for text in texts
        for part in re.split(r"[,，、;；]", text)
        if part.strip()
    }
    if not wanted:
        raise InputError("状态不能为空")
    return [status for status in STATUSES if status in wanted]


def known_values(ledger: Any) -> Known:
    targets = ledger.targets()
    return Known(
        sections=[(target.section, target.topic or "") for target in targets],
        owners=[target.owner for target in targets if target.owner],
        co_owners=[name for target in targets for name in target.co_owners],
    )


def resolve_filters(
    ledger: Any,
    *,
    section: str | None = None,
    kind: str | None = None,
    owner: str | None = None,
    lead_only: bool = False,
) -> dict[str, Any]:
    """The filters of a listing resolved against `ledger` (keyword arguments for
    Ledger.targets / status_of); the ledger is read only when a section or owner is given. An
    owner matches 配合单位 too unless `lead_only`."""
    known = known_values(ledger) if section is not None or owner is not None else None
    return {
        "section": resolve_section(section, known) if section is not None and known else None,
        "kind": resolve_kind(kind) if kind is not None else None,
        "owner": resolve_owner(owner, known, lead_only=lead_only)
        if owner is not None and known
        else None,
        "lead_only": lead_only,
    }
