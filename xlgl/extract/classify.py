"""Which numbers of the plan part are not targets, and why.

Each rule is one a reader of government reports applies without thinking; none names a sentence
of one report. A reason starts with a category (as in the 2024 seed's exclusions) and then says
what the number is, in Chinese, for the person who reviews the draft:

year · date · ordinal · name · slogan · version or class label · threshold · aspiration ·
count of documents or rules · outline of the report · baseline · word, not a number
"""

from __future__ import annotations

import re

from xlgl.extract.numbers import Number

_TIME_SPANS = ("年", "个月", "周", "天")
_PLAN_NAMES = ("行动", "计划", "规划", "攻坚", "工程", "方案", "成长")
_CLASS_AFTER = ("版", "级", "A", "星", "类", "档", "代", "型", "号", "线", "批次")
_RULE_NOUNS = (
    "措施",
    "举措",
    "规定",
    "意见",
    "条例",
    "办法",
    "文件",
    "政策",
    "硬措施",
    "禁令",
    "要求",
)
_OUTLINE = re.compile(r"^(个|项|大)?方面")
_ASPIRATION = re.compile(r"跻身|迈入|进入|迈进|挺进|晋级")
_ASPIRATION_END = ("行列", "之列", "梯队", "俱乐部")
_BASELINE_AFTER = re.compile(r"^(提高|提升|增加|增长|扩大|降低|下降|减少)(到|至)")
_BARE_TARGET = re.compile(
    r"(达到|控制在|稳定在|保持在|不超过|不低于|不少于|降至|降到|下降到|降低到|缩短到|缩短至|提高到|提升到)$"
)
_COUNT_VERBS = re.compile(r"建成|新建|建设|开工|创建|培育|引进|打造|新增|实施")
_WORDS = (
    "零部件", "零售", "零碳", "零星", "零距离", "零容忍", "一体化", "一批", "一大批", "一系列",
    "一次性", "一件事", "一站式", "一揽子", "一张网", "一张图", "一网", "一窗", "一线", "一流",
    "一些", "一般", "一定", "一直", "一致", "一起", "一同", "一道", "一并", "一律", "一切",
    "一方面", "一部分", "进一步", "统一", "唯一", "万一", "千方百计", "千家万户", "百姓", "三农",
    "四季", "万物", "一年来", "一个个", "一项项", "一件件", "一把手", "一盘棋", "一张蓝图",
    "一岗双责", "两岸", "两翼", "两轮", "双循环", "双碳", "双减", "双拥", "双一流", "双下降",
    "双清零", "双倍增", "双投", "双百", "半拉子", "上半年", "下半年", "多半", "一半", "大半",
    "五湖四海", "三令五申", "七上八下", "一以贯之", "一体", "万无一失", "百花齐放", "千里",
)  # fmt: skip


def _inside_quotes(norm: str, n: Number, para_start: int) -> str:
    """The quoted name around the number (“十四五”, 《…三年行动方案》), or ''."""
    for opening, closing in (("“", "”"), ("《", "》"), ('"', '"'), ("‘", "’")):
        left = norm.rfind(opening, para_start, n.start)
        if left == -1:
            continue
        if norm.rfind(closing, left + 1, n.start) != -1:
            continue
        right = norm.find(closing, n.unit_end, n.unit_end + 40)
        if right != -1 and right - left <= 40:
            return norm[left : right + 1]
    return ""


def _in_word(norm: str, n: Number) -> str:
    lo = max(0, n.start - 4)
    window = norm[lo : n.unit_end + 4]
    at = n.start - lo
    for word in _WORDS:
        i = window.find(word)
        while i != -1:
            if i <= at < i + len(word):
                return word
            i = window.find(word, i + 1)
    return ""


def _slogan(norm: str, n: Number) -> bool:
    """成熟一个、盘活一个; 干一件成一件; 一户一策: one thing repeated as a manner of working."""
    token = norm[n.start : n.unit_end]
    if not n.chinese or n.value != 1:
        return False
    window = norm[max(0, n.start - 6) : n.unit_end + 6]
    if window.count(token) >= 2 and len(token) >= 2:
        return True
    return bool(re.match(r"^一.一", norm[n.start : n.start + 3]))


def _enumerated(before: str) -> bool:
    return "、" in before or "和" in before[-12:] or "及" in before[-12:]


def exclusion_reason(
    norm: str, n: Number, clause: tuple[int, int], para_start: int, later_figure: bool = False
) -> str | None:
    """Why the number is not a target, or None when it may be one. `later_figure`: another
    figure with a unit follows in the same segment (亿元以上项目820个: 亿元以上 says which)."""
    token = norm[n.start : n.end]
    after = norm[n.unit_end : n.unit_end + 8]
    before = norm[clause[0] : n.start]
    tail = after
    for word in ("及以上", "以上", "以下", "以内", "左右"):
        if tail.startswith(word):
            tail = tail[len(word) :]
            break
    if n.ordinal:
        return f"ordinal: 序数“{token}”"
    whole = n.value is not None and n.value == int(n.value)
    if not n.chinese and not n.unit and whole and n.value is not None and 1949 <= n.value <= 2100:
        return f"the year itself: 年份{token}"
    if not n.unit and after[:1] in ("月", "日", "号") and n.value is not None and n.value <= 31:
        return f"date: 日期（{token}{after[:1]}）"
    if not n.unit and (after[:1] == "届" or after.startswith(("中全会", "次会议", "次全会"))):
        return f"ordinal: 届次“{token}{after[:1]}”"
    if n.chinese and not n.unit and after[:1] == "大":
        return f"ordinal: “{token}大”，第{token}次代表大会"
    word = _in_word(norm, n)
    if word:
        return f"word, not a number: “{word}”"
    quoted = _inside_quotes(norm, n, para_start)
    if quoted:
        return f"name: {quoted}"
    if _slogan(norm, n):
        return f"slogan: “{norm[max(clause[0], n.start - 4) : n.unit_end + 4]}”"
    if not n.unit and after.startswith(_TIME_SPANS):
        span = next(s for s in _TIME_SPANS if after.startswith(s))
        rest = after[len(span) :]
        if rest.startswith(_PLAN_NAMES) or rest[:2] in ("成长", "行动"):
            return f"name: 以年限命名的行动或计划（{token}{span}{rest[:4]}）"
        return f"word, not a number: 时间长度“{token}{span}”"
    if n.unit in ("千伏", "伏", "期") or (not n.unit and after.startswith(_CLASS_AFTER)):
        return f"version or class label: 等级、版本或期次（{norm[n.start : n.unit_end + 1]}）"
    if n.value is None or (n.chinese and not n.unit and token in ("万", "千", "百", "亿", "十")):
        if before.endswith("每"):
            return f"word, not a number: 计量口径“每{token}{after[:2]}”"
        return f"word, not a number: “{norm[max(0, n.start - 2) : n.unit_end + 2]}”"
    if before.endswith("每") and n.chinese:
        return f"word, not a number: 计量口径“每{token}{after[:2]}”"
    if tail.startswith("的") and n.unit and (n.unit != "%" or later_figure or "对" in before):
        return f"threshold: 限定范围的门槛（{norm[n.start : n.unit_end]}{after[: len(after) - len(tail) + 1]}）"
    if n.unit and tail != after and later_figure and tail[:1] not in ("，", "、", "；", "。", ""):
        return f"threshold: 限定范围的门槛（{norm[n.start : n.unit_end]}{after[: len(after) - len(tail)]}）"
    if not n.unit and after[:1] in ("岁", "级") and tail != after:
        return f"threshold: 限定范围的门槛（{token}{after[:3]}）"
    if before.endswith("以下") or re.search(r"报告(确定|提出|部署)的$", before):
        return f"outline of the report: {token}{n.unit}{tail[:4]}"
    clause_text = norm[clause[0] : clause[1]]
    if _ASPIRATION.search(before) and any(
        e in norm[n.unit_end : clause[1]] for e in _ASPIRATION_END
    ):
        return f"aspiration: “{clause_text}”是愿景，不是本年度的量"
    counts_rules = n.unit in ("条", "项", "部", "个", "份") or (n.chinese and not n.unit)
    if counts_rules and (tail.startswith(_RULE_NOUNS) or after.startswith(_RULE_NOUNS)):
        return f"count of documents or rules: {token}{n.unit}{tail[:4]}"
    if _OUTLINE.match(after) or (n.unit in ("个", "项") and tail.startswith("方面")):
        return f"outline of the report: {token}{n.unit}方面"
    if _BASELINE_AFTER.match(tail):
        return f"baseline: 起点数（{token}{n.unit}），目标是其后的数"
    if not n.unit and (_BARE_TARGET.search(before) or (tail != after and "." in token)):
        return None  # 死亡率控制在0.01以内, 下降到22微克每立方米: a unit xlgl does not know
    if not n.unit:
        return f"name: 编号或名称中的数字（{token}{after[:3]}），没有单位"
    if n.chinese and n.value <= 10 and not _enumerated(before):
        ends_clause = n.unit_end + len(after) - len(tail) >= clause[1]
        if not _COUNT_VERBS.search(before[-3:]) and not ends_clause:
            return f"name: 以数目相称的提法或描述（{token}{n.unit}{tail[:4]}）"
    return None
