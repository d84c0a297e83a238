"""`xlgl show`: one target's facts, chart and records on the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlgl.model import Record
from xlgl.progress import Evaluation
from xlgl.render_tables import STATUS_STYLES, console, print_records_table
from xlgl.render_words import COMPARATOR_WORDS, percent, target_text
from xlgl.units import format_value
from xlgl.words import KIND_LABELS, STATUS_LABELS


def print_target_detail(
    row: Evaluation,
    places: Sequence[dict[str, Any]],
    records: Sequence[Record],
    links: Sequence[tuple[str, str]] = (),
) -> None:
    """One target: its facts (every text from data cleaned and never read as markup), its
    chart and its records."""
    from rich.text import Text

    from xlgl.grid import clean

    out = console()
    target = row.target
    out.print(
        Text.assemble(
            (clean(target.id), "bold cyan"),
            "  ",
            (clean(target.indicator), "bold"),
            "  ",
            clean(target_text(target)),
        )
    )
    facts: list[tuple[str, str, str]] = []  # label, text, style

    def fact(label: str, value: str, style: str = "") -> None:
        facts.append((label, clean(value), style))

    fact("章节", f"{target.section} {target.topic}")
    kind = KIND_LABELS.get(target.kind, target.kind)
    comparator = COMPARATOR_WORDS.get(target.comparator, "{}").format("").strip()
    direction = "越高越好" if target.direction == "up" else "越低越好"
    fact("类型", f"{kind} / {comparator or target.comparator} / {direction}")
    fact("期间", f"{target.start.isoformat()} 至 {target.due.isoformat()}")
    if target.baseline is not None:
        fact(f"{target.year - 1}年基数", format_value(target.baseline, target.unit))
    for label, text in links:  # the targets of the previous and next years (year_link_facts)
        fact(label, text)
    fact("牵头单位", target.owner or "（未明确）")
    for label, text in (
        ("配合单位", "、".join(target.co_owners)),
        ("分管领导", target.leader or ""),
        ("联系人", target.contact or ""),
    ):
        if text:
            fact(label, text)
    for place in places:
        fact("报告原文", f"{place['section']} 第{place['offset']}字：“{place['quote']}”")
    latest = row.latest_as_of
    if row.latest is None or latest is None:
        fact("最新", "—")
    else:
        fact("最新", f"{format_value(row.latest, target.unit)}（截至 {latest.isoformat()}）")
    at_as_of = f"时间进度 {percent(row.time_progress)} · 应完成 {percent(row.expected)}"
    if latest is not None and latest != row.as_of and row.expected_at_latest is not None:
        # judged at the figure's own date (docs/rules.md): say so, beside the as-of date's pace
        fact(
            "进度",
            f"完成率 {percent(row.completion)}（截至 {latest.isoformat()} 应完成 "
            f"{percent(row.expected_at_latest)}）",
        )
        fact("", f"截至 {row.as_of.isoformat()}：{at_as_of}")
    else:
        fact("进度", f"完成率 {percent(row.completion)} · {at_as_of}")
    fact("状态", STATUS_LABELS[row.status], STATUS_STYLES[row.status])
    for reason in row.reasons:
        fact("", reason.text)
    _print_facts(out, facts)
    actuals = [r.as_actual() for r in records if r.voids is None and r.value is not None]
    if actuals and out.width >= 70:
        from xlgl.chart import print_chart

        out.print()
        print_chart(out, target, actuals, row.as_of)
        out.print()
    if records:
        print_records_table(records, title=f"{clean(target.indicator)} 的记录")
    else:
        out.print("尚无记录")


def _print_facts(out, facts: Sequence[tuple[str, str, str]]) -> None:
    """Label and text side by side, the text folded by display width under itself."""
    from rich.cells import cell_len
    from rich.text import Text

    from xlgl.grid import wrap

    column = max(cell_len(label) for label, _, _ in facts) + 2
    for label, value, style in facts:
        lead = label + " " * (column - cell_len(label))
        for number, line in enumerate(wrap(value, out.width, indent=" " * column, first=lead)):
            text = Text(line)
            if number == 0 and label:
                text.stylize("bright_black", 0, len(label))
            if style:
                text.stylize(style, len(lead) if number == 0 else column, len(line))
            out.print(text, soft_wrap=True, crop=False)
