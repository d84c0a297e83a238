"""The ledger's values: a target, a recorded figure, the ledger's settings.

Plain data shared by the store (which builds them from rows, by field name), the rules (which judge
them) and the outputs. Nothing here reads a file or the clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date

# A target's fields as the seed file and `xlgl targets --format json` name them.
TARGET_FIELDS = (
    "id",
    "year",
    "section",
    "topic",
    "indicator",
    "kind",
    "comparator",
    "value",
    "value_hi",
    "unit",
    "direction",
    "baseline",
    "start",
    "due",
    "quote",
    "offset",
    "owner",
)
KINDS = ("level", "flow", "growth", "share", "milestone")
COMPARATORS = ("at_least", "at_most", "approx", "reach", "range", "stable")
DIRECTIONS = ("up", "down")
FREQUENCIES = ("month", "quarter", "half", "year", "event")


@dataclass(frozen=True)
class Settings:
    """Ledger settings; the defaults are the documented ones (docs/rules.md). A target may
    override the tolerance."""

    behind_threshold: float = 0.10  # behind when completion < expected − this
    red_threshold: float = 0.30  # red light when behind by more than this
    due_soon_days: int = 30  # the blue light: due within this many days
    approx_tolerance: float = 0.05  # 左右: met within this share of the value
    stable_tolerance: float = 0.05  # 稳定在/保持在: a band of this share either side
    report_day: int = 5  # an event target reports its progress by this day of the next month
    require_verification: bool = False  # 销号: a new figure counts once another person verifies it


SETTING_NAMES = tuple(f.name for f in fields(Settings))

# Each setting's range, inclusive, and what it is, for `xlgl settings`.
SETTING_RANGES: dict[str, tuple[float, float, str]] = {
    "behind_threshold": (0, 1, "落后多少（完成率与应完成之差）算预警，如 0.10"),
    "red_threshold": (0, 1, "落后多少算红灯，如 0.30"),
    "due_soon_days": (0, 366, "距时限多少天内亮蓝灯（整数天）"),
    "approx_tolerance": (0, 0.5, "“左右”的容差，如 0.05"),
    "stable_tolerance": (0, 0.5, "“稳定在”的容差，如 0.05"),
    "report_day": (1, 28, "无报送周期的目标每月几日前报送上月进展（整数，默认 5）"),
    "require_verification": (
        0,
        1,
        "新登记的实绩须经录入人以外的人复核（xlgl verify）后才计入：1 是，0 否",
    ),
}
# The words a yes/no setting accepts, beside 1 and 0.
FLAG_WORDS = {"是": 1, "否": 0, "开": 1, "关": 0, "on": 1, "off": 0, "true": 1, "false": 0,
              "yes": 1, "no": 0}  # fmt: skip


# Settings that are text (the store's text_settings), for `xlgl settings` and the bulletin.
TEXT_SETTINGS: dict[str, str] = {
    "office": "发文机关，通报的版头与落款，如 锡林郭勒盟人民政府督查室（空字符串为清除）",
    "issue": "最近一期通报的期号；设过后 report 每写出一期新的通报加 1（0 为从第 1 期起编号）",
}


def parse_text_setting(name: str, text: str) -> str:
    """A text setting's value: office as written (trimmed, '' clears it, at most 60 characters),
    issue a whole number ≥ 0; ValueError in Chinese."""
    written = " ".join(text.split())
    if name == "issue":
        if not written.isdecimal():
            raise ValueError(f"issue 须为不小于 0 的整数，“{text}”不是")
        return str(int(written))
    if len(written) > 60:
        raise ValueError(f"{name} 过长：{len(written)} 字，上限 60 字")
    return written


def parse_setting(name: str, text: str) -> float | int:
    """A setting's value from text, checked against its type and range; ValueError in Chinese."""
    if name not in SETTING_RANGES:
        names = "、".join([*SETTING_NAMES, *TEXT_SETTINGS])
        raise ValueError(f"没有设置项“{name}”；可设：{names}")
    low, high, _ = SETTING_RANGES[name]
    if isinstance(getattr(Settings(), name), bool):
        flag = FLAG_WORDS.get(text.strip().lower(), text.strip())
        if flag not in (0, 1, "0", "1"):
            raise ValueError(f"{name} 须为 1 或 0（是/否、on/off），“{text}”不是")
        return int(flag)
    whole = isinstance(getattr(Settings(), name), int)
    try:
        value = float(text.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (whole and value != int(value)):
        kind = "整数" if whole else "数字"
        raise ValueError(f"{name} 须为{kind}，“{text}”不是")
    if not low <= value <= high:
        raise ValueError(f"{name} 须在 {low:g} 到 {high:g} 之间，“{text}”超出范围")
    return int(value) if whole else value


# Target and Actual are built 100,000 at a time by `xlgl status`: slots, and not frozen, since a
# frozen dataclass sets every field through object.__setattr__. Treat them as values all the
# same: never assign to a field.
@dataclass(slots=True)
class Target:
    id: str
    indicator: str
    kind: str
    comparator: str
    value: float
    unit: str
    direction: str = "up"
    start: date = date(2024, 1, 1)
    due: date = date(2024, 12, 31)
    value_hi: float | None = None
    baseline: float | None = None
    tolerance: float | None = None  # overrides the ledger's approx/stable tolerance
    year: int = 2024
    section: str = ""
    topic: str = ""
    quote: str = ""
    offset: int = 0
    owner: str | None = None
    frequency: str = "year"  # month | quarter | half | year | event
    lag_days: int = 0  # days after a period's end until its figure is normally published
    scale: float | None = None  # a milestone: the size of one named project …
    scale_unit: str | None = None  # … in this unit (500 万千瓦)
    also_units: tuple[str, ...] = ()  # units the report also writes this indicator in (1:1)
    report: str = ""  # the key of the report that states it
    retired: bool = False
    co_owners: tuple[str, ...] = ()  # 配合单位
    leader: str | None = None  # 分管领导
    contact: str | None = None  # 联系人 (name and telephone, as the office writes it)


@dataclass(slots=True)
class Actual:
    """A recorded figure; `recorded_at` (ISO UTC) and `id` break ties on the same as_of."""

    value: float
    as_of: date
    recorded_at: str = ""
    id: int = 0
    voided: bool = False


@dataclass(frozen=True)
class Record:
    """A stored record as the store yields it: a figure (in `unit`, the unit it was recorded in,
    which was its target's unit then) or, with `voids` set and no value, the voiding of one."""

    id: int
    uuid: str
    target: str
    value: float | None
    unit: str
    as_of: date
    recorded_at: str
    by: str | None
    source: str | None
    note: str | None
    voids: int | None
    voided: bool
    report: str = ""
    forced: bool = False  # a plausibility check was overridden
    progress: str | None = None  # 进展 (issue 13)
    problems: str | None = None  # 问题
    next_steps: str | None = None  # 下一步
    evidence: str | None = None  # 佐证
    submitted: bool = False  # made while the ledger required verification (销号, m003)
    verdict: str | None = None  # "verified" or "rejected" once another person has judged it

    @property
    def review(self) -> str | None:
        """None (counts without verification), "submitted" (waits), "verified" or "rejected"."""
        return self.verdict or ("submitted" if self.submitted else None)

    def as_actual(self) -> Actual:
        return Actual(self.value or 0.0, self.as_of, self.recorded_at, self.id, self.voided)


@dataclass(frozen=True)
class NewRecord:
    """A figure to record, already in the target's unit."""

    target: str
    value: float
    as_of: date
    by: str | None = None
    source: str | None = None
    note: str | None = None
    report: str | None = None  # None: the one report holding `target`
    forced: bool = False
    progress: str | None = None
    problems: str | None = None
    next_steps: str | None = None
    evidence: str | None = None


VERIFIED = "verified"  # a Review's verdicts (销号): the figure counts from then on…
REJECTED = "rejected"  # …or never


@dataclass(frozen=True)
class Review:
    """A verdict on a submitted record (销号): `verdict` is "verified" or "rejected"; `at` ISO UTC."""

    id: int
    uuid: str
    record: int
    verdict: str
    by: str
    at: str
    reason: str | None = None
