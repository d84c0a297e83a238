"""The bulletin (督查通报): one value built from the status rows, rendered as HTML or Markdown.

`build` is a pure function of (status rows, as-of date, title, issuing office, 期号, report
text): it counts, averages and words everything once, so the HTML page (bulletin_html), the
Markdown text (bulletin_md) and the workbook's summary sheet say the same thing. The renderers
only lay that value out; they compute nothing.

Statuses, their labels, order (worst first) and tone come from words.py; every status the rules
may give is counted, and the tables show the statuses that occur (逾期 and 预警 always).

Section names: a target's `section` is a marker (（一）, 三) or a name (主要预期目标). Given the
report text, a marker's name is the heading line of that chapter in the report — the last line
before the section's first target (by `offset`) that starts with the marker, up to its first
“。” — so （一） reads （一）坚持稳中求进、以进促稳，全力推动经济持续向好. Without the text, the
name is the `topic` of the section's first target (（一）多措并举稳经济运行).

Two averages, each labelled: over all targets, a target without a figure counting 0
(全部目标平均完成率), and over the reported ones (已报送目标平均完成率); each completion capped at
100%. Departments (牵头单位) are ranked by the first, then by name; targets without an owner
come last, unranked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from xlgl import words
from xlgl.files import replace_into
from xlgl.progress import Evaluation, severity
from xlgl.units import format_value

NOTE = (
    "完成率：最新实绩与目标值之比（越低越好的指标为目标值与实绩之比）；"
    "时间进度：目标期间已过天数占全期天数的比例；"
    "应完成：按时间进度折算的应达完成率（累计类“时间过半、任务过半”，增速、比率类全年应在目标上）。"
    "全部目标平均完成率把未报送的目标按 0 计；已报送目标平均完成率只计已报送的目标；"
    "超过100%的按100%计。"
)
ALERT_TONES = ("bad", "warn")  # 逾期、未完成、预警: the list a bulletin leads with
ALWAYS_SHOWN = (words.OVERDUE, words.AT_RISK)  # counted in the headline even when 0

# Worst first (words.STATUSES): the order of the counts, cards and table columns.
DISPLAY_ORDER = words.STATUSES


@dataclass(frozen=True)
class Line:
    """One target as the bulletin words it."""

    id: str
    section: str
    indicator: str
    target: str  # 1.4亿吨左右
    latest: str  # 1.07亿吨, or — without a figure
    latest_as_of: str  # ISO date, or ''
    completion: float | None
    time_progress: float
    expected: float
    status: str
    status_label: str
    tone: str
    reasons: tuple[str, ...]
    owner: str
    due: str


@dataclass(frozen=True)
class Part:
    """A group of targets — one section of the report, or one department — and its figures."""

    section: str  # the marker (（一）) or the owner
    name: str  # the section's name (坚持稳中求进…), or the owner again
    total: int
    counts: dict[str, int]
    reported: int  # targets with a figure
    completion: float | None  # mean completion of the reported targets, each capped at 1
    completion_all: float  # mean completion of all its targets, 0 for those without a figure
    time_progress: float  # mean time progress of all its targets

    @property
    def label(self) -> str:
        """（一）坚持稳中求进…, 三、切实加强…, 主要预期目标 — the marker and the name."""
        if not self.name or self.name == self.section:
            return self.section
        joint = "、" if self.section and self.section[-1] not in "）)" else ""
        return f"{self.section}{joint}{self.name}"


@dataclass(frozen=True)
class ChaseLine:
    """A figure due and missing (follow_up.chase), as the bulletin words it."""

    owner: str
    contact: str
    id: str
    indicator: str
    period_end: str  # ISO date the missing figure is as of
    report_due: str  # ISO date it was due at the office


@dataclass(frozen=True)
class Bulletin:
    title: str
    as_of: date
    total: int
    counts: dict[str, int]  # every status, 0 where none
    reported: int
    completion: float | None
    completion_all: float
    time_progress: float
    parts: tuple[Part, ...]  # sections, in report order
    departments: tuple[Part, ...]  # owners, ranked by completion_all
    alerts: tuple[Line, ...]  # overdue, missed, then at risk, worst first
    lines: tuple[Line, ...]  # every target, grouped by section, in report order
    office: str = ""  # 发文机关 (e.g. 锡林郭勒盟人民政府督查室)
    issue_number: int | None = None  # 期号
    issued: date | None = None  # 落款 date (default: the as-of date)
    chase: tuple[ChaseLine, ...] | None = None  # 应报未报 (催报); None: not part of this bulletin

    @property
    def shown(self) -> tuple[str, ...]:
        """The statuses a table shows: those that occur, and 逾期 and 预警 always."""
        return tuple(s for s in DISPLAY_ORDER if self.counts.get(s) or s in ALWAYS_SHOWN)


def default_title(rows: Sequence[Evaluation]) -> str:
    years = {row.target.year for row in rows}
    year = f"{years.pop()}年" if len(years) == 1 else ""
    return f"{year}政府工作报告目标任务推进情况督查通报"


def build(
    rows: Sequence[Evaluation],
    as_of: date,
    title: str | None = None,
    *,
    office: str | None = None,
    issue_number: int | None = None,
    issued: date | None = None,
    report_text: str | None = None,
    chase: Sequence[Any] | None = None,
) -> Bulletin:
    """The bulletin of these status rows (in report order) as of a date; `chase` is the list of
    follow_up.chase (ChaseRow values), shown after the departments' table when given."""
    by_section: dict[str, list[Evaluation]] = {}
    by_owner: dict[str, list[Evaluation]] = {}
    for row in rows:
        by_section.setdefault(row.target.section, []).append(row)
        by_owner.setdefault(clean(row.target.owner or "") or words.NO_OWNER, []).append(row)
    names = section_names(by_section, report_text)
    alerts = sorted((r for r in rows if _tone(r.status) in ALERT_TONES), key=severity)
    whole = _part("", "", rows)
    departments = sorted(
        (_part(owner, owner, members) for owner, members in by_owner.items()),
        key=lambda p: (p.section == words.NO_OWNER, -p.completion_all, p.section),
    )
    return Bulletin(
        title=clean(title or "") or default_title(rows),
        as_of=as_of,
        total=whole.total,
        counts=whole.counts,
        reported=whole.reported,
        completion=whole.completion,
        completion_all=whole.completion_all,
        time_progress=whole.time_progress,
        parts=tuple(_part(s, names[s], members) for s, members in by_section.items()),
        departments=tuple(departments),
        alerts=tuple(_line(r) for r in alerts),
        lines=tuple(_line(r) for members in by_section.values() for r in members),
        office=clean(office or ""),
        issue_number=issue_number,
        issued=issued,
        chase=None if chase is None else tuple(_chase_line(row) for row in chase),
    )


def _chase_line(row: Any) -> ChaseLine:
    return ChaseLine(
        owner=words.NO_OWNER if row.owner == words.NO_OWNER else clean(row.owner),
        contact=clean(row.contact or ""),
        id=clean(row.id),
        indicator=clean(row.indicator),
        period_end=row.period_end.isoformat(),
        report_due=row.report_due.isoformat(),
    )


def section_names(
    by_section: Mapping[str, Sequence[Evaluation]], report_text: str | None
) -> dict[str, str]:
    """Each section's name (see the module docstring)."""
    names = {}
    for section, members in by_section.items():
        if not _is_marker(section):
            names[section] = section  # 主要预期目标: a name already
            continue
        name = _heading(report_text, section, members) if report_text else ""
        names[section] = clean(name or (members[0].target.topic if members else "") or section)
    return names


def _is_marker(section: str) -> bool:
    """（一）…（七）, or a part's numeral (三)."""
    return section.startswith("（") or 0 < len(section) <= 2


def _heading(text: str, section: str, members: Sequence[Evaluation]) -> str:
    marker = section if section.startswith("（") else f"{section}、"
    first = min(row.target.offset for row in members)
    at = text.rfind(f"\n{marker}", 0, max(first, 0) + 1)
    if at < 0:
        if not text.startswith(marker):
            return ""
        at = -1
    line = text[at + 1 + len(marker) :].split("\n", 1)[0]
    return line.split("。", 1)[0].strip()


def _tone(status: str) -> str:
    return words.STATUS_TONES.get(status, "quiet")


def _part(section: str, name: str, rows: Sequence[Evaluation]) -> Part:
    counts = dict.fromkeys(DISPLAY_ORDER, 0)
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    capped = [min(1.0, r.completion) if r.completion is not None else 0.0 for r in rows]
    return Part(
        section=section,
        name=name,
        total=len(rows),
        counts=counts,
        reported=sum(1 for r in rows if r.latest is not None),
        completion=mean_completion(rows),
        completion_all=sum(capped) / len(capped) if capped else 0.0,
        time_progress=_mean([r.time_progress for r in rows]) or 0.0,
    )


def mean_completion(rows: Sequence[Evaluation]) -> float | None:
    """Mean completion of the rows that have a figure, each capped at 100% (None without any)."""
    return _mean([min(1.0, r.completion) for r in rows if r.completion is not None])


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


# Control characters (C0, DEL, C1, line and paragraph separators) read as a space; bidirectional
# overrides and marks, which reorder what a reader sees, are dropped. Each renderer escapes too.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Text from data as a bulletin shows it: one line, no bidirectional overrides."""
    return _BIDI.sub("", _CONTROLS.sub(" ", text)).strip()


def _line(row: Evaluation) -> Line:
    from xlgl.render_words import target_text

    target = row.target
    return Line(
        id=clean(target.id),
        section=clean(target.section),
        indicator=clean(target.indicator),
        target=clean(target_text(target)),
        latest=format_value(row.latest, target.unit) if row.latest is not None else "—",
        latest_as_of=row.latest_as_of.isoformat() if row.latest_as_of else "",
        completion=row.completion,
        time_progress=row.time_progress,
        expected=row.expected,
        status=row.status,
        status_label=words.STATUS_LABELS.get(row.status, row.status),
        tone=_tone(row.status),
        reasons=tuple(clean(reason.text) for reason in row.reasons),
        owner=clean(target.owner or ""),
        due=target.due.isoformat(),
    )


# --- words shared by every rendering -------------------------------------------------------------


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def headline(b: Bulletin) -> str:
    """截至2024年9月30日，共10个目标：逾期1个、预警3个、未报送3个、正常2个、已完成1个。"""
    parts = "、".join(f"{words.STATUS_LABELS[s]}{b.counts[s]}个" for s in b.shown)
    return f"截至{cn_date(b.as_of)}，共{b.total}个目标：{parts}。"


def completion_line(b: Bulletin) -> str:
    """全部目标平均完成率 x%（未报送按 0 计）；已报送 n 个目标平均完成率 y%；平均时间进度 z%。"""
    return (
        f"全部目标平均完成率 {pct(b.completion_all)}（未报送按 0 计）；"
        f"已报送 {b.reported} 个目标平均完成率 {pct(b.completion)}；"
        f"平均时间进度 {pct(b.time_progress)}"
    )


def rank_text(groups: Sequence[Part]) -> list[str]:
    """The 排名 column of the departments' table: 1, 2 …, and '' for targets without an owner."""
    ranks, rank = [], 0
    for group in groups:
        if group.section == words.NO_OWNER:
            ranks.append("")
        else:
            rank += 1
            ranks.append(str(rank))
    return ranks


def issue_text(b: Bulletin) -> str:
    """第 N 期, or ''."""
    return f"第 {b.issue_number} 期" if b.issue_number is not None else ""


def signature(b: Bulletin) -> tuple[str, str]:
    """落款: (office, date), or ('', '') without an office."""
    if not b.office:
        return ("", "")
    return (b.office, cn_date(b.issued or b.as_of))


def to_markdown(b: Bulletin) -> str:
    from xlgl.bulletin_md import to_markdown as render

    return render(b)


def to_html(b: Bulletin, generated: str = "") -> str:
    from xlgl.bulletin_html import to_html as render

    return render(b, generated)


def save(path: Path | str, text: str) -> None:
    """Write the page whole or not at all."""
    with replace_into(path) as temp, open(temp, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
