"""The shape of a work report: where the plan part begins, its sections and paragraph topics.

A report reviews last year (一、过去一年… / 2023年工作回顾) and then sets this year's goals and work
(二、2024年主要目标和重点任务, or 二、2025年工作总体要求和主要目标 + 三、2025年重点工作). The plan
part starts at the first top-level heading (一、二、三…) whose words speak of goals or work for the
year (目标, 任务, 工作安排, 重点工作, 总体要求 …) and not of looking back (回顾, 过去, 成绩) or of
the five years of a new government's term (今后五年的主要目标任务, as reports of 换届 years have). Without
such a heading, at the paragraph that states the 主要预期目标; without that, the whole text is plan.

Sections follow DESIGN.md: the paragraph listing the 主要预期目标 (and the short list items that
follow it), else the chapter marker （一）…（七） of a plan part, else the numeral of a later
top-level part (三 for 三、切实加强行署自身建设). A paragraph's topic is its lead phrase: the words
before its first 。 with the chapter marker dropped, cut at the first comma when longer than 30.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from xlgl.errors import InputError

CN_DIGITS = "一二三四五六七八九十"
HEADLINE = "主要预期目标"
_PART = re.compile(rf"^\s*([{CN_DIGITS}]+)、")
_CHAPTER = re.compile(rf"^\s*[（(]([{CN_DIGITS}]+)[）)]")
_PLAN_WORDS = re.compile(r"目标|任务|工作安排|重点工作|总体要求|工作部署|主要工作|今年工作|做好")
_LOOKING_BACK = re.compile(
    r"回顾|过去|成绩|总结|去年|今后五年|未来五年|五年"
)  # not this year's plan
_YEAR = re.compile(r"(20[0-9]{2})年")
_TOPIC_CUT = 30


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    section: str
    topic: str
    headline: bool  # lists the 主要预期目标


@dataclass(frozen=True)
class Layout:
    plan_start: int
    year: int
    title: str
    paragraphs: list[Paragraph]  # of the plan part, in order

    def review(self, text: str) -> str:
        return text[: self.plan_start]


def decode(raw: bytes, name: str) -> str:
    """A report file's text: UTF-8 with or without BOM, else GB18030 (WPS on Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"无法读取报告 {name}：不是 UTF-8 或 GB18030 编码的文本")


def _lines(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for line in text.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            spans.append((at + lead, at + len(line.rstrip())))
        at += len(line) + 1
    return spans


def _is_heading(line: str) -> bool:
    return bool(_PART.match(line)) and (len(line) <= 40 or "。" not in line[:40])


def _is_plan_heading(line: str) -> bool:
    return _is_heading(line) and bool(_PLAN_WORDS.search(line)) and not _LOOKING_BACK.search(line)


def find_layout(text: str, source: str) -> Layout:
    lines = _lines(text)
    plan_at = next((i for i, (a, b) in enumerate(lines) if _is_plan_heading(text[a:b])), None)
    if plan_at is None:
        plan_at = next((i for i, (a, b) in enumerate(lines) if HEADLINE in text[a:b]), 0)
    plan_start = lines[plan_at][0] if lines else 0
    return Layout(
        plan_start=plan_start,
        year=_year(text, lines, plan_at),
        title=_title(text, lines),
        paragraphs=list(_paragraphs(text, lines[plan_at:])),
    )


def _year(text: str, lines: list[tuple[int, int]], plan_at: int) -> int:
    if lines:
        heading = text[lines[plan_at][0] : lines[plan_at][1]]
        found = _YEAR.search(heading[:60])
        if found:
            return int(found.group(1))
    plan = text[lines[plan_at][0] :] if lines else text
    counts = Counter(int(y) for y in _YEAR.findall(plan))
    if not counts:
        counts = Counter(int(y) for y in _YEAR.findall(text))
    if not counts:
        raise InputError("报告中找不到年份（如“2025年”），无法确定目标所属年度")
    return max(counts, key=lambda y: (counts[y], y))


def _title(text: str, lines: list[tuple[int, int]]) -> str:
    for a, b in lines[:3]:
        line = text[a:b].strip()
        if "报告" in line and len(line) <= 50 and "。" not in line:
            return line
    return ""


def _topic(paragraph: str) -> str:
    lead = _CHAPTER.sub("", paragraph, count=1).split("。", 1)[0].strip()
    if len(lead) > _TOPIC_CUT:
        lead = re.split(r"[，：；,]", lead, maxsplit=1)[0]
    return lead[:_TOPIC_CUT]


def _paragraphs(text: str, lines: list[tuple[int, int]]):
    part, chapter, plan_part, headline = "", "", True, False
    for index, (a, b) in enumerate(lines):
        line = text[a:b]
        part_match = _PART.match(line)
        if part_match and _is_heading(line):
            part, chapter, headline = part_match.group(1), "", False
            plan_part = index == 0 or _is_plan_heading(line)
        chapter_match = _CHAPTER.match(line)
        if chapter_match:
            chapter, headline = f"（{chapter_match.group(1)}）", False
        if HEADLINE in line:
            headline = True
        elif headline and (len(line) > 120 or chapter_match or part_match):
            headline = False
        if headline:
            section, topic = HEADLINE, HEADLINE
        else:
            section = (chapter if plan_part and chapter else part) or "—"
            topic = _topic(line)
        yield Paragraph(a, b, section, topic, headline)
