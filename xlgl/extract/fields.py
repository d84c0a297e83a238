"""The fields of a target candidate: indicator, kind, due date, reporting calendar, baseline.

All rules read the words of the figure's own segment (DESIGN.md, "Targets"):

* indicator — the words before the figure with the lead verbs and adverbs (确保, 力争, 全年, 全盟 …)
  and the bound words (达到, 稳定在 …) taken off; when nothing is left (改造71个老旧小区), the
  verb and the thing counted after the figure.
* kind — % figures after 增长/增速/下降 … are `growth`, other % `share`; counted things to start,
  finish or be approved (开工, 建成, 投用, 落地 …) are `milestone`; a state reached (达到, 稳定在,
  规模, 存栏, 装机, 面积 …) is `level`; anything else done during the year is `flow`.
* due — 4月15日前 → 04-15, 6月底前 → 06-30, 一季度 → 03-31, 上半年 → 06-30, 三季度 → 09-30,
  else the year's end (年底前, 年内).
* frequency/lag_days — milestones are events (0 days); the national accounts (地区生产总值) are
  quarterly (25); monthly statistics (规上工业, 固定资产投资, 财政收入, 消费品零售, 进出口, 产量,
  发电量) monthly (20); everything else yearly (60).
* baseline — the review part's figure of the same family whose words before it share the most
  two-character pieces with the indicator (a growth target takes a figure after 增长).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal

from xlgl.units import UnitError, convert, unit_family

_LEAD = re.compile(
    r"^(?:[和及与并、，]|确保|力争|争取|推动|推进|努力|全年|今年|年内|全盟|全市|全旗|全县|全区|全省|"
    r"全州|继续|持续|进一步|计划|预计|累计|要|再|共|约|实现|加快|全面|积极|按|使|让|将)+"
)
_BOUND_END = re.compile(
    r"(?:达到|稳定在|保持在|控制在|突破|超过|不低于|不少于|不超过|至少|提高到|提升到|增加到|提高至|"
    r"提升至|增至|降至|降到|为|在|达|按|约|总数|累计)+$"
)
_GROWTH = re.compile(r"(增长|增速|增幅|涨幅|下降|降低|减少|提高|提升)(?:率)?$")
_SHARE_WORDS = re.compile(r"率|占比|比重|比例|覆盖|达标")
_MILESTONE = re.compile(
    r"开工|建成|竣工|投产|投用|投运|通车|落地|启动|创建|获批|纳入|挂牌|开通|完工|并网|开业|"
    r"申报|认定|命名|验收|签约|升级为|建成投用|开工建设|交付"
)
_LEVEL = re.compile(r"达到|稳定在|保持在|规模|总数|总量|存栏|装机|面积|保有量|累计达到|拥有|总装机")
_SCALE_NOUN = re.compile(
    r"^[^，。；、0-9]{0,8}?(基地|项目|工程|电站|通道|园区|电厂|线路|马道|场站|储能)"
)
_MONTHLY = re.compile(
    r"规上工业|规模以上工业|固定资产投资|公共预算|财政收入|消费品零售|进出口|产量|发电量|用电量|货运量"
)
_QUARTERLY = re.compile(r"地区生产总值|GDP|生产总值|可支配收入|居民收入")
_LAGS = {"month": 20, "quarter": 25, "half": 30, "year": 60, "event": 0}
COUNTING = frozenset("个家户处项座条所套场次批件部张台辆间栋列名位支口眼片架艘株棵本册份门节")


_VERBS = re.compile(
    r"^(?:开工建设|建成投用|新续建|新改建|新建|续建|建设|建成|改造|实施好|实施|完成|培育|引进|推动|扶持|"
    r"解决|开展|组织|打造|创建|认定|新增|投入|开通|争取|落实|推广|遴选|举办|提供|安排|招引|带动)+$"
)


def indicator(before: str, after: str, counted: bool = False) -> str:
    """What is measured: the subject before the figure, or the verb and the thing counted."""
    core = _BOUND_END.sub("", _LEAD.sub("", before.strip())).strip("，、 ")
    noun = re.split(r"[，。；、0-9（(]", after, maxsplit=1)[0][:12]
    for word in ("及以上", "以上", "以内", "以下", "左右"):
        noun = noun.removeprefix(word)
    if noun and (len(core) < 2 or _VERBS.match(core) or counted):
        return (core + noun)[-24:]
    return core[-24:] or noun or "（待定）"


def kind(unit: str, before: str, clause: str, after: str) -> str:
    if unit == "%" or unit.endswith("百分点"):
        near = before[-8:]
        if unit.endswith("百分点") or (
            _GROWTH.search(near.rstrip("达到为在")) and not _SHARE_WORDS.search(near[-4:])
        ):
            return "growth"
        return "share"
    family = unit_family(unit)
    if family in COUNTING and _MILESTONE.search(clause):
        return "milestone"
    if family not in COUNTING and _MILESTONE.search(clause) and _SCALE_NOUN.match(after):
        return "milestone"
    if _LEVEL.search(before):
        return "level"
    return "flow"


def is_scaled(unit: str, after: str) -> bool:
    """A milestone whose figure is the size of one named project (500万千瓦新能源基地)."""
    family = unit_family(unit)
    return family not in COUNTING and family != "percent" and bool(_SCALE_NOUN.match(after))


def due(clause: str, year: int) -> date:
    m = re.search(r"([0-9]{1,2})月([0-9]{1,2})日(?:前|之前|以前)", clause)
    if m and 1 <= int(m.group(1)) <= 12:
        month = int(m.group(1))
        day = min(int(m.group(2)), calendar.monthrange(year, month)[1])
        return date(year, month, day)
    m = re.search(r"([0-9]{1,2}|[一二三四五六七八九十]{1,2})月(?:底|末)?(?:前|之前|以前)", clause)
    named = _month(m.group(1)) if m else None
    if named:
        return date(year, named, calendar.monthrange(year, named)[1])
    for words, month in (
        ("一季度", 3),
        ("上半年", 6),
        ("二季度", 6),
        ("三季度", 9),
        ("前三季度", 9),
    ):
        if words in clause:
            return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 12, 31)


def _month(text: str) -> int | None:
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    names = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    return names.index(text) + 1 if text in names else None


def frequency(kind_: str, indicator_: str) -> tuple[str, int]:
    if kind_ == "milestone":
        chosen = "event"
    elif _QUARTERLY.search(indicator_):
        chosen = "quarter"
    elif _MONTHLY.search(indicator_):
        chosen = "month"
    else:
        chosen = "year"
    return chosen, _LAGS[chosen]


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


class Baselines:
    """Figures of the review part, looked up by family and the words before them."""

    def __init__(self, entries: list[tuple[str, str, Decimal]]):
        # (words before the figure, unit, value)
        self.entries = [(words, _pairs(words), unit, value) for words, unit, value in entries]

    def find(self, indicator_: str, unit: str, growth: bool, level: bool) -> Decimal | None:
        core = indicator_.removesuffix("增长")
        wanted = _pairs(core)
        if not wanted:
            return None
        family = unit_family(unit)
        best, best_score = None, 0
        for words, pairs, their_unit, value in self.entries:
            if unit_family(their_unit) != family:
                continue
            if family == "percent" and growth != bool(re.search(r"增长$|增速$|增幅$", words)):
                continue
            if level and re.search(r"新增$|新建$|增加$", words):
                continue
            score = len(wanted & pairs)
            if score > best_score:
                best, best_score = (value, their_unit), score
        if best is None or best_score < max(2, 0.4 * len(wanted)):
            return None
        try:
            return convert(best[0], best[1], unit)
        except UnitError:
            return None
