"""The bulletin as Markdown (`xlgl report --format markdown`): text to mail, and to render.

Every text that comes from data (ids, indicators, owners, sections, reasons, titles, the office)
goes through `md`, so nothing in the ledger becomes markup when a CommonMark or GFM renderer shows
the file: line breaks of every kind (CR, LF, U+2028 …) and other control characters fold to a
space, so a field never starts a line of its own (no injected heading, list or HTML block); every
character that Markdown or HTML reads as structure is backslash-escaped (`<` `>` `&` `\\`
backtick `*` `_` `[` `]` `|` `!` `~` and a leading `#` `-` `+` `=` or number-dot). Ids are
escaped text, never code spans, so a backtick cannot break out of one.
"""

from __future__ import annotations

import re

from xlgl import words
from xlgl.bulletin import (
    NOTE,
    Bulletin,
    Part,
    completion_line,
    headline,
    issue_text,
    pct,
    rank_text,
    signature,
)

# Characters that end a line somewhere (CommonMark: CR, LF; other readers: VT, FF, NEL, U+2028,
# U+2029) and other control characters: each becomes a space.
_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ESCAPED = re.compile(r"([\\`*_\[\]<>&|!~])")
_LEADING = re.compile(r"^([#+=-]|\d{1,9}[.)](?=\s|$))")


def md(text: object) -> str:
    """Text from data, safe anywhere in a Markdown line (table cell, list item, heading)."""
    folded = _BIDI.sub("", _BREAKS.sub(" ", str(text))).strip()
    escaped = _ESCAPED.sub(r"\\\1", folded)
    return _LEADING.sub(lambda m: _escape_leading(m.group(1)), escaped)


def _escape_leading(found: str) -> str:
    if found[0].isdigit():  # 1. or 1) starts an ordered list: escape the punctuation
        return f"{found[:-1]}\\{found[-1]}"
    return f"\\{found}"


def to_markdown(b: Bulletin) -> str:
    out: list[str] = []
    office_line = " · ".join(x for x in (md(b.office), issue_text(b)) if x)
    if office_line:
        out += [office_line, ""]
    out += [f"# {md(b.title)}", "", f"**{md(headline(b))}**", "", f"{completion_line(b)}。"]
    shown = b.shown
    out += ["", "| 状态 | 个数 |", "| --- | ---: |"]
    out += [f"| {words.STATUS_LABELS[s]} | {b.counts[s]} |" for s in shown]

    out += ["", "## 各部分进度", ""]
    out += _group_table("部分", b.parts, shown)

    out += ["", f"## 逾期与预警（{len(b.alerts)} 项）", ""]
    if not b.alerts:
        out.append("无逾期或预警目标。")
    for number, a in enumerate(b.alerts, 1):
        latest = f"{a.latest}（截至 {a.latest_as_of}）" if a.latest_as_of else "未报送"
        owner = f"；牵头单位：{md(a.owner)}" if a.owner else ""
        out.append(
            f"{number}. **【{a.status_label}】{md(a.indicator)}**（{md(a.id)}，{md(a.section)}）"
            f"：目标 {md(a.target)}，最新 {md(latest)}，完成率 {pct(a.completion)}，"
            f"时间进度 {pct(a.time_progress)}，时限 {md(a.due)}{owner}"
        )
        if a.reasons:
            out.append(f"   原因：{md('；'.join(a.reasons))}")

    out += ["", "## 各牵头单位情况", ""]
    out += _group_table("牵头单位", b.departments, shown, ranked=True)
    if b.chase is not None:
        out += ["", f"## 应报未报（{len(b.chase)} 项）", ""]
        if not b.chase:
            out.append("无应报未报的目标。")
        else:
            out += [
                "| 牵头单位 | 联系人 | 指标 | 应报数据截至 | 应报日期 |",
                "| --- | --- | --- | --- | --- |",
            ]
            out += [
                f"| {md(c.owner)} | {md(c.contact) or '—'} | {md(c.indicator)}（{md(c.id)}）"
                f" | {c.period_end} | {c.report_due} |"
                for c in b.chase
            ]

    out += ["", "## 全部目标", ""]
    out.append("| 部分 | 指标 | 目标 | 最新实绩 | 截至 | 完成率 | 时间进度 | 状态 | 原因 |")
    out.append("| --- | --- | ---: | ---: | --- | ---: | ---: | --- | --- |")
    for line in b.lines:
        out.append(
            f"| {md(line.section)} | {md(line.indicator)} | {md(line.target)} "
            f"| {md(line.latest)} | {md(line.latest_as_of)} | {pct(line.completion)} "
            f"| {pct(line.time_progress)} | {line.status_label} | {md('；'.join(line.reasons))} |"
        )
    out += ["", f"> 说明：{NOTE}", ""]
    office, day = signature(b)
    if office:
        out += [f"{md(office)}  ", day, ""]
    return "\n".join(out)


def _group_table(
    heading: str, groups: tuple[Part, ...], shown: tuple[str, ...], *, ranked: bool = False
) -> list[str]:
    labels = [words.STATUS_LABELS[s] for s in shown]
    columns = [
        *(["排名"] if ranked else []),
        heading,
        "目标数",
        *labels,
        "已报送",
        "全部目标平均完成率",
        "已报送平均完成率",
    ]
    out = ["| " + " | ".join(columns) + " |"]
    out.append("| " + " | ".join("---" if c == heading else "---:" for c in columns) + " |")
    for rank, g in zip(rank_text(groups), groups, strict=True):
        counts = [str(g.counts.get(s, 0)) for s in shown]
        cells = [
            *([rank] if ranked else []),
            md(g.label),
            str(g.total),
            *counts,
            str(g.reported),
            pct(g.completion_all),
            pct(g.completion),
        ]
        out.append("| " + " | ".join(cells) + " |")
    return out
