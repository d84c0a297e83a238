"""The seed holds every numeric target of the 2024 report, each traceable to the report's words.

These tests read the seed files directly (tomllib), without xlgl's loader, so that they judge the
data and not the code: quotes sit at their offsets, values and units stand in their quotes, every
comparator matches the bound word of its clause, every number of parts 二 and 三 is a target or an
exclusion with a reason, and published ids never disappear.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seed"
REPORT = SEED / "xilinguole-2024-work-report.txt"
TARGETS = SEED / "targets-2024.toml"
EXCLUSIONS = SEED / "exclusions-2024.toml"
PUBLISHED = Path(__file__).resolve().parent / "data" / "published-ids.txt"

PART_TWO = "二、2024年主要目标和重点任务"
PART_THREE = "三、切实加强行署自身建设"
HEADLINE = "2024年全盟经济社会发展主要预期目标是"
CHAPTERS = ("（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）")
SECTIONS = ("主要预期目标", *CHAPTERS, "三")

KINDS = {"level", "flow", "growth", "share", "milestone"}
COMPARATORS = {"at_least", "at_most", "approx", "reach", "range", "stable"}
TARGET_KEYS = {
    "id", "year", "section", "topic", "indicator", "kind", "comparator", "value", "value_hi",
    "unit", "direction", "baseline", "start", "due", "quote", "offset", "owner", "also",
    "frequency", "lag_days", "scale", "scale_unit", "also_units", "aliases", "retired",
    "retired_reason",
}  # fmt: skip
OPTIONAL_KEYS = {
    "value_hi", "baseline", "also", "scale", "scale_unit", "also_units", "aliases", "retired",
    "retired_reason",
}  # fmt: skip
FREQUENCIES = {"month", "quarter", "half", "year", "event"}
ID_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

# Each exclusion reason starts with one of these categories (then says why, for that occurrence).
REASON_CATEGORIES = (
    "the year 2024 itself",
    "ordinal",
    "name",
    "count of documents or rules",
    "version or class label",
    "threshold",
    "aspiration",
    "slogan",
    "outline of the report",
    "word, not a number",
)

# ---------------------------------------------------------------------------------------------
# What "a number" is. Arabic digits (half- or full-width) with decimal point, thousands comma and
# range dash as one token; an optional 第 before makes it an ordinal token. Chinese numerals count
# when they are plainly a number: after 第, as a run of two or more numeral characters
# (十四五, 二十, 千万), or as a single numeral followed by a measure word or magnitude
# (两个, 一批, 三年, 百里). A run right after Arabic digits is their magnitude (1.4亿吨) and
# belongs to them. A single numeral followed by anything else is a word (一体化, 统一,
# 一网通办, 一盘棋, 新一轮, 两化融合).
# ---------------------------------------------------------------------------------------------
DIGITS = "0-9０-９"
NUMERALS = "零〇一二两三四五六七八九十百千万亿"
MEASURE_WORDS = set(
    "个家户处项座条所头只名套场次批件亿万千百倍年月日届部枚剂亩吨人位种类级期张台辆份篇本间栋块片段道里米元度岁周天"
)
ARABIC = re.compile(
    rf"(?<![{DIGITS}.．])第?[{DIGITS}]+(?:[.,．][{DIGITS}]+)*(?:[—–\-～~][{DIGITS}]+(?:[.．][{DIGITS}]+)?)?"
)
CHINESE = re.compile(rf"(?<![{DIGITS}{NUMERALS}.．])第?[{NUMERALS}]+")
CN_VALUE = {1: "一", 2: "两二双", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九",
            10: "十", 100: "百", 1000: "千"}  # fmt: skip


def number_tokens(text: str) -> list[tuple[int, str]]:
    """(offset, token) of every number from the start of part 二 to the end of the report."""
    start = text.index(PART_TWO)
    found = [(m.start(), m.group()) for m in ARABIC.finditer(text, start)]
    for m in CHINESE.finditer(text, start):
        token, after = m.group(), text[m.end() : m.end() + 1]
        if token.startswith("第") or len(token) >= 2 or after in MEASURE_WORDS:
            found.append((m.start(), token))
    return sorted(found)


def spans_of(target: dict) -> list[tuple[int, int]]:
    places = [target, *target.get("also", [])]
    return [(p["offset"], p["offset"] + len(p["quote"])) for p in places]


def live_spans(targets: list[dict]) -> list[tuple[int, int]]:
    """The report spans that live targets quote; a retired target covers no number any more."""
    return [span for t in targets if not t.get("retired") for span in spans_of(t)]


def uncovered(text: str, targets: list[dict], exclusions: list[dict]) -> list[tuple[int, str]]:
    """Numbers of parts 二 and 三 in no live target quote and not an exclusion at their offset."""
    spans = live_spans(targets)
    excluded = {e["offset"]: e["text"] for e in exclusions}
    missing = []
    for start, token in number_tokens(text):
        end = start + len(token)
        if any(lo <= start and end <= hi for lo, hi in spans):
            continue
        text_there = excluded.get(start)
        if text_there is not None and text_there.startswith(token):
            continue
        missing.append((start, token))
    return missing


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
@cache
def report_text() -> str:
    return REPORT.read_text(encoding="utf-8")


@cache
def _seed() -> dict:
    return tomllib.loads(TARGETS.read_text(encoding="utf-8"))


def load_targets() -> list[dict]:
    return _seed()["target"]


def load_exclusions() -> list[dict]:
    return tomllib.loads(EXCLUSIONS.read_text(encoding="utf-8"))["exclusion"]


def section_spans(text: str) -> dict[str, tuple[int, int]]:
    two, three = text.index(PART_TWO), text.index(PART_THREE)
    head = text.index(HEADLINE, two)
    spans = {"主要预期目标": (head, text.index("\n", head))}
    starts = [text.index("\n" + marker, two) + 1 for marker in CHAPTERS]
    for marker, lo, hi in zip(CHAPTERS, starts, [*starts[1:], three], strict=True):
        spans[marker] = (lo, hi)
    spans["三"] = (three, len(text))
    return spans


def lead_phrase(text: str, offset: int) -> str:
    """The topic of the paragraph holding offset: its words before the first 。 (chapter marker
    of part 三 dropped); the headline goals paragraph is 主要预期目标."""
    paragraph = text[text.rfind("\n", 0, offset) + 1 : text.find("\n", offset)]
    if paragraph.startswith(HEADLINE):
        return "主要预期目标"
    return re.sub(r"^（[一二三四五六七八九十]+）", "", paragraph.split("。", 1)[0])


# Targets whose value the report implies rather than writes: the form that stands in the quote
# instead, and why. Every other target's value and unit stand in its quote.
WRITTEN_INSTEAD = {
    # 实现双投: 双 counts the two units (台) put into operation; the report writes no measure word.
    "baiyinhua-pithead-plant-units": "双",
    # 每个旗县市（区）至少办好1所: the target counts the 13 旗县市（区） (9旗2市1县 and 乌拉盖管理区)
    # that have one; the report writes the 1 per 旗县市（区）, not the count (docs/seed.md).
    "quality-high-schools": "1所",
}


def value_forms(target: dict) -> list[str]:
    """How the target's value (and its unit) can stand in the report: 1.4亿吨, 1—2家, 两个, 90％.
    For a milestone with a `scale`, the number in the report is the size of the one project
    (500万千瓦), so the forms are those of the scale; its value counts the project (1)."""

    def arabic(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else repr(float(x))

    if target["id"] in WRITTEN_INSTEAD:
        return [WRITTEN_INSTEAD[target["id"]]]
    if "scale" in target:
        target = {"value": target["scale"], "unit": target["scale_unit"]}
    value = target["value"]
    if target.get("value_hi") is not None:
        numbers = [f"{arabic(value)}{dash}{arabic(target['value_hi'])}" for dash in "—–-～~"]
    else:
        numbers = [arabic(value)]
        if float(value).is_integer():
            numbers += list(CN_VALUE.get(int(value), ""))
    units = ["%", "％"] if target["unit"] == "%" else [target["unit"]]
    return [n + u for n in numbers for u in units]


def find_value(target: dict) -> tuple[int, str]:
    """Position and form of the target's value+unit in its quote, standing as a whole number."""
    quote = target["quote"]
    for form in value_forms(target):
        for m in re.finditer(re.escape(form), quote):
            before = quote[m.start() - 1 : m.start()]
            if not before or not re.match(rf"[{DIGITS}{NUMERALS}.．]", before):
                return m.start(), form
    raise AssertionError(f"{target['id']}: value/unit {value_forms(target)[:3]} not in its quote")


CLAUSE_BREAKS = "，、；。："


def expected_comparator(target: dict) -> str:
    """The comparator the bound word of the target's own clause asks for."""
    quote = target["quote"]
    at, form = find_value(target)
    end = at + len(form)
    after_end = min([quote.find(c, end) for c in CLAUSE_BREAKS if c in quote[end:]] or [len(quote)])
    before_start = max([quote.rfind(c, 0, at) + 1 for c in CLAUSE_BREAKS] + [0])
    before, after = quote[before_start:at], quote[end:after_end]
    if target.get("value_hi") is not None:
        return "range"
    if "以内" in after or "不超过" in before:
        return "at_most"
    if "以上" in after or any(w in before for w in ("不低于", "突破", "超过", "至少")):
        return "at_least"
    if "左右" in after:
        return "approx"
    if "稳定在" in before or "保持在" in before:
        return "stable"
    return "reach"


def _by_id() -> dict[str, dict]:
    return {t["id"]: t for t in load_targets()}


TARGET_IDS = [t["id"] for t in load_targets()]


# ---------------------------------------------------------------------------------------------
# Quotes and offsets
# ---------------------------------------------------------------------------------------------
def test_report_header() -> None:
    report = _seed()["report"]
    assert report == {
        "key": "xlgl-2024",
        "title": "2024年锡林郭勒盟政府工作报告",
        "year": 2024,
        "source": "xilinguole-2024-work-report.txt",
    }
    assert (SEED / report["source"]).is_file()


@pytest.mark.parametrize("target_id", TARGET_IDS)
def test_quote_is_at_offset_in_its_section(target_id: str) -> None:
    text, target = report_text(), _by_id()[target_id]
    spans = section_spans(text)
    for place in [target, *target.get("also", [])]:
        quote, offset = place["quote"], place["offset"]
        assert quote and text[offset : offset + len(quote)] == quote, (target_id, quote)
        lo, hi = spans[place["section"]]
        assert lo <= offset and offset + len(quote) <= hi, (target_id, place["section"])


@pytest.mark.parametrize("target_id", TARGET_IDS)
def test_value_and_unit_stand_in_the_quote(target_id: str) -> None:
    target = _by_id()[target_id]
    find_value(target)  # raises with the forms it looked for
    unit = target.get("scale_unit", target["unit"])
    assert unit in target["quote"] or unit == "%" or target["id"] in WRITTEN_INSTEAD


@pytest.mark.parametrize("target_id", TARGET_IDS)
def test_comparator_matches_bound_word(target_id: str) -> None:
    target = _by_id()[target_id]
    assert target["comparator"] == expected_comparator(target), target["quote"]


@pytest.mark.parametrize("target_id", TARGET_IDS)
def test_topic_is_lead_phrase_of_its_paragraph(target_id: str) -> None:
    target = _by_id()[target_id]
    assert target["topic"] == lead_phrase(report_text(), target["offset"])


def test_exclusions_are_at_their_offsets_with_a_reason() -> None:
    text = report_text()
    part_two = text.index(PART_TWO)
    for entry in load_exclusions():
        assert set(entry) == {"text", "offset", "reason"}, entry
        assert isinstance(entry["text"], str) and isinstance(entry["offset"], int)
        offset, token = entry["offset"], entry["text"]
        assert text[offset : offset + len(token)] == token, entry
        assert offset >= part_two, f"{token}: part 一 is not scanned, exclude nothing there"
        assert entry["reason"].startswith(REASON_CATEGORIES), entry


def test_every_exclusion_excludes_a_number_no_target_covers() -> None:
    """No stale or redundant entries: each exclusion stands on a number the finder sees, outside
    every target quote."""
    text, targets = report_text(), load_targets()
    tokens = dict(number_tokens(text))
    spans = live_spans(targets)
    offsets = [e["offset"] for e in load_exclusions()]
    assert len(offsets) == len(set(offsets))
    for entry in load_exclusions():
        start = entry["offset"]
        assert start in tokens and entry["text"].startswith(tokens[start]), entry
        assert not any(lo <= start < hi for lo, hi in spans), entry


# ---------------------------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------------------------
def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


@pytest.mark.parametrize("target_id", TARGET_IDS)
def test_fields_have_the_right_types_and_values(target_id: str) -> None:
    t = _by_id()[target_id]
    assert TARGET_KEYS - OPTIONAL_KEYS <= set(t) <= TARGET_KEYS, set(t) ^ TARGET_KEYS
    assert ID_PATTERN.fullmatch(t["id"]) and len(t["id"]) <= 40
    assert t["year"] == 2024
    assert t["section"] in SECTIONS
    for name in ("topic", "indicator", "unit", "quote", "owner"):
        assert isinstance(t[name], str)
    assert t["topic"] and t["indicator"] and t["owner"] == ""
    assert t["kind"] in KINDS and t["comparator"] in COMPARATORS
    assert _is_number(t["value"]) and t["value"] > 0
    assert (t["comparator"] == "range") == ("value_hi" in t)
    if "value_hi" in t:
        assert _is_number(t["value_hi"]) and t["value_hi"] > t["value"]
    assert t["direction"] in {"up", "down"}
    assert (t["comparator"] == "at_most") == (t["direction"] == "down")
    assert (t["kind"] in {"growth", "share"}) == (t["unit"] == "%")
    if "baseline" in t:
        assert _is_number(t["baseline"])
    assert type(t["start"]) is dt.date and type(t["due"]) is dt.date
    if "牧业年度" in t["quote"]:  # the pastoral year: July to June, counted at 6月末
        assert (t["start"], t["due"]) == (dt.date(2023, 7, 1), dt.date(2024, 6, 30))
    else:
        assert dt.date(2024, 1, 1) <= t["start"] <= t["due"] <= dt.date(2024, 12, 31)
    assert isinstance(t["offset"], int)
    for place in t.get("also", []):
        assert set(place) == {"section", "quote", "offset"} and place["section"] in SECTIONS
    # The reporting calendar: every target says how often and how late its figure comes.
    assert t["frequency"] in FREQUENCIES
    assert type(t["lag_days"]) is int and 0 <= t["lag_days"] <= 400
    assert (t["kind"] == "milestone") == (t["frequency"] == "event")
    if t["frequency"] == "event":
        assert t["lag_days"] == 0
    assert ("scale" in t) == ("scale_unit" in t)
    if "scale" in t:
        assert t["kind"] == "milestone" and t["value"] == 1 and _is_number(t["scale"])
        assert t["scale"] > 0 and t["scale_unit"] in t["quote"]
    for unit in t.get("also_units", []):
        assert isinstance(unit, str) and unit and unit != t["unit"]
    for alias in t.get("aliases", []):
        assert isinstance(alias, str) and alias.strip() == alias and alias
    assert ("retired" in t) == ("retired_reason" in t)
    if "retired" in t:
        assert t["retired"] is True and t["retired_reason"]


def test_names_people_type_are_unique() -> None:
    """An alias finds one target: it is no other target's id, indicator or alias."""
    names = [t["id"] for t in load_targets()] + [t["indicator"] for t in load_targets()]
    aliases = [a for t in load_targets() for a in t.get("aliases", [])]
    assert len(aliases) == len({a.casefold() for a in aliases})
    assert not {a.casefold() for a in aliases} & {n.casefold() for n in names}


def test_ids_and_indicators_are_unique() -> None:
    ids = [t["id"] for t in load_targets()]
    assert len(ids) == len(set(ids))
    indicators = [t["indicator"] for t in load_targets()]
    assert len(indicators) == len(set(indicators)), "users type indicators; keep them unique"


def test_no_two_targets_claim_the_same_number() -> None:
    """Atomic: each number token of the report is the value of at most one target, unless the
    clause states one number for several things (各1户) or one size for several bases."""
    seen: dict[tuple[int, str], str] = {}
    for t in load_targets():
        at, form = find_value(t)
        key = (t["offset"] + at, form)
        if key in seen:
            shared = report_text()[t["offset"] : t["offset"] + len(t["quote"])]
            assert "各" in shared or "、" in shared, (seen[key], t["id"])
        seen[key] = t["id"]


# ---------------------------------------------------------------------------------------------
# Coverage: every number of parts 二 and 三 is a target or an exclusion
# ---------------------------------------------------------------------------------------------
def test_every_number_is_a_target_or_an_exclusion() -> None:
    missing = uncovered(report_text(), load_targets(), load_exclusions())
    assert not missing, "numbers with no target and no exclusion: " + ", ".join(
        f"{token}@{start}" for start, token in missing
    )


def test_coverage_scan_starts_at_part_two() -> None:
    text = report_text()
    tokens = number_tokens(text)
    assert tokens[0][0] == text.index(PART_TWO) + len("二、")  # 2024 of the heading
    assert all(start > text.index(PART_TWO) for start, _ in tokens)


@pytest.mark.parametrize(
    ("inserted", "token"),
    [("新建99座桥梁。", "99"), ("新建两座桥梁。", "两"), ("培训1,200人次。", "1,200"),
     ("新增3—5家企业。", "3—5"), ("新增６户。", "６"), ("再建一批项目。", "一")],
)  # fmt: skip
def test_a_number_added_at_the_end_is_reported(inserted: str, token: str) -> None:
    text = report_text()
    before = uncovered(text, load_targets(), load_exclusions())
    after = uncovered(text + inserted, load_targets(), load_exclusions())
    assert after == [*before, (len(text) + inserted.index(token), token)]


def test_a_number_added_inside_part_two_is_reported() -> None:
    text = report_text()
    at = text.index("全面推进乡村振兴。") + len("全面推进乡村振兴。")
    changed = text[:at] + "新建99座桥梁。" + text[at:]
    missing = uncovered(changed, load_targets(), load_exclusions())
    assert (at + 2, "99") in missing


@pytest.mark.parametrize(
    "phrase",
    [
        "一体化",
        "统一",
        "一网通办",
        "一盘棋",
        "新一轮",
        "两化融合",
        "一企一方案",
        "二连浩特",
        "三多三少三慢",
    ],
)
def test_words_with_numerals_are_not_numbers(phrase: str) -> None:
    assert number_tokens(PART_TWO + "\n" + phrase + "。") == [(2, "2024")]


@pytest.mark.parametrize(
    ("phrase", "token"),
    [
        ("两个电厂", "两"),
        ("各1户", "1"),
        ("一批企业", "一"),
        ("百里马道", "百"),
        ("第十四届", "第十四"),
        ("十四五", "十四五"),
        ("千万千瓦", "千万千"),
        ("1.4亿吨", "1.4"),
        ("1—2家", "1—2"),
        ("6-7级", "6-7"),
    ],
)
def test_numbers_are_found(phrase: str, token: str) -> None:
    found = number_tokens(PART_TWO + "\n" + phrase + "。")
    assert found[1:] == [(len(PART_TWO) + 1 + phrase.index(token), token)]


# ---------------------------------------------------------------------------------------------
# Published ids
# ---------------------------------------------------------------------------------------------
def published_ids() -> list[str]:
    lines = PUBLISHED.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_published_ids_are_unique() -> None:
    ids = published_ids()
    assert len(ids) == len(set(ids))


def test_every_published_id_is_still_in_the_seed() -> None:
    gone = set(published_ids()) - set(TARGET_IDS)
    assert not gone, f"published ids are never removed or renamed: {sorted(gone)}"


def test_every_seed_id_is_published() -> None:
    new = set(TARGET_IDS) - set(published_ids())
    assert not new, f"publish new ids in tests/data/published-ids.txt: {sorted(new)}"


# ---------------------------------------------------------------------------------------------
# Pinned targets
# ---------------------------------------------------------------------------------------------
def _indicator(name: str) -> dict:
    (target,) = [t for t in load_targets() if t["indicator"] == name]
    return target


def test_headline_goals() -> None:
    headline = [t for t in load_targets() if t["section"] == "主要预期目标"]
    got = {(t["indicator"], t["value"], t["unit"], t["comparator"]) for t in headline}
    assert got == {
        ("地区生产总值增长", 6, "%", "approx"),
        ("规上工业增加值增长", 6.5, "%", "approx"),
        ("固定资产投资增长", 15, "%", "at_least"),
        ("一般公共预算收入增长", 6, "%", "approx"),
        ("城镇新增就业", 1, "万人", "at_least"),
    }
    assert _by_id()["gdp-growth"]["indicator"] == "地区生产总值增长"
    jobs = _by_id()["urban-jobs"]
    assert jobs["indicator"] == "城镇新增就业"
    also = [(a["section"], a["quote"]) for a in jobs["also"]]
    assert also == [("（六）", "城镇新增就业1万人以上")]
    assert jobs["also"][0]["offset"] != jobs["offset"]


@pytest.mark.parametrize(
    ("target_id", "fields"),
    [
        ("coal-output", dict(value=1.4, unit="亿吨", comparator="approx", baseline=1.37)),
        (
            "key-projects-ready",
            dict(
                kind="milestone", comparator="reach", value=188, unit="个", due=dt.date(2024, 4, 15)
            ),
        ),
        ("project-investment", dict(kind="flow", comparator="at_least", value=450, unit="亿元")),
        (
            "new-energy-capacity",
            dict(value=2000, unit="万千瓦", comparator="at_least", baseline=1968),
        ),
        ("port-freight", dict(value=2300, unit="万吨", comparator="at_least", baseline=2195)),
        ("urban-unemployment-rate", dict(kind="share", comparator="at_most", direction="down")),
        ("beef-processing-projects", dict(comparator="range", value=1, value_hi=2, unit="家")),
    ],
)
def test_pinned_targets(target_id: str, fields: dict) -> None:
    target = _by_id()[target_id]
    assert {name: target.get(name) for name in fields} == fields


def test_each_of_two_is_two_targets() -> None:
    """专精特新中小企业和企业技术中心各1户 is two targets;
    改造71个老旧小区、162套危旧房、80公里地下管网 is three."""
    each = [t for t in load_targets() if "各1户" in t["quote"]]
    assert sorted(t["unit"] for t in each) == ["户", "户"] and len({t["id"] for t in each}) == 2
    renewal = {t["id"]: (t["value"], t["unit"]) for t in load_targets() if t["section"] == "（五）"}
    assert renewal["old-housing-estates"] == (71, "个")
    assert renewal["dilapidated-housing"] == (162, "套")
    assert renewal["underground-pipes"] == (80, "公里")


def test_baselines_come_from_part_one() -> None:
    """A baseline is a 2023 figure that part 一 states, written there as the number we keep."""
    text = report_text()
    part_one = text[: text.index(PART_TWO)]
    for t in load_targets():
        if "baseline" in t:
            b = t["baseline"]
            written = str(int(b)) if float(b).is_integer() else repr(float(b))
            pattern = rf"(?<![{DIGITS}.]){re.escape(written)}(?![{DIGITS}])"
            assert re.search(pattern, part_one), t["id"]


# ---------------------------------------------------------------------------------------------
# Corrections of the second reading (issue 10): each one a case a reviewer can check
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("target_id", "scale", "scale_unit"),
    [
        ("duolun-horse-trail", 300, "公里"),
        ("hunshandake-gw-base-start", 1000, "万千瓦"),
        ("sunite-gw-base-start", 1000, "万千瓦"),
        ("uhv-phase3-base-start", 500, "万千瓦"),
        ("mengneng-grid-project-start", 250, "万千瓦"),
    ],
)
def test_one_named_project_counts_one_and_keeps_its_size(target_id, scale, scale_unit) -> None:
    t = _by_id()[target_id]
    assert (t["kind"], t["value"], t["unit"]) == ("milestone", 1, "个")
    assert (t["scale"], t["scale_unit"]) == (scale, scale_unit)
    assert (t["frequency"], t["lag_days"]) == ("event", 0)


def test_the_hundred_li_trail_is_a_name_and_its_id_is_retired() -> None:
    t = _by_id()["xilinhot-horse-trail"]
    assert t["retired"] is True and "名称" in t["retired_reason"]
    (entry,) = [e for e in load_exclusions() if e["text"] == "百里"]
    assert entry["reason"].startswith("name")
    assert entry["offset"] == report_text().index("锡林浩特百里马道") + len("锡林浩特")
    assert sum(1 for tid in TARGET_IDS if tid == "xilinhot-horse-trail") == 1  # kept, not reused


def test_dual_operation_of_the_baiyinhua_pithead_plant_is_a_target() -> None:
    """推动国电投白音华坑口电厂实现双投: 双 = two units in operation."""
    (t,) = [t for t in load_targets() if "双投" in t["quote"]]
    assert t["quote"] == "推动国电投白音华坑口电厂实现双投" and t["section"] == "（一）"
    assert (t["kind"], t["comparator"], t["value"], t["unit"]) == ("milestone", "reach", 2, "台")
    assert t["id"] in published_ids()


def test_quality_high_schools_counts_banners_with_one() -> None:
    """每个旗县市（区）至少办好1所: a department reports how many of the 13 旗县市（区） have one;
    a single "1" no longer meets it for the whole league."""
    t = _by_id()["quality-high-schools"]
    assert (t["kind"], t["comparator"], t["value"], t["unit"]) == ("level", "at_least", 13, "个")
    assert "旗县市（区）" in t["indicator"]


@pytest.mark.parametrize(
    ("target_id", "comparator", "value"),
    [
        ("grazing-cattle-stock", "stable", 195),
        ("penned-cattle-stock", "reach", 25),
        ("grazing-sheep-stock", "stable", 1030),
    ],
)
def test_pastoral_year_counts_are_taken_at_the_end_of_june(target_id, comparator, value) -> None:
    t = _by_id()[target_id]
    assert "牧业年度" in t["quote"]
    assert (t["comparator"], t["value"], t["frequency"]) == (comparator, value, "year")
    assert (t["start"], t["due"]) == (dt.date(2023, 7, 1), dt.date(2024, 6, 30))


def test_rural_industry_fund_share_has_last_years_81_8() -> None:
    assert _by_id()["rural-industry-fund-share"]["baseline"] == 81.8
    assert "产业类项目达到81.8%" in report_text()[: report_text().index(PART_TWO)]


@pytest.mark.parametrize(
    ("target_id", "verb"),
    [
        ("funeral-facility", "投用"),
        ("dilapidated-housing", "改造"),
        ("underground-pipes", "改造"),
        ("coal-mines-smart", "实施"),
        ("non-coal-mines-smart", "实施"),
    ],
)
def test_quotes_keep_the_verb_that_makes_them_a_commitment(target_id, verb) -> None:
    t = _by_id()[target_id]
    assert verb in t["quote"]
    assert report_text()[t["offset"] : t["offset"] + len(t["quote"])] == t["quote"]


def test_stable_is_only_stable_without_yi_shang() -> None:
    """稳定在/保持在 without 以上 is a two-sided band (stable); with 以上 it is a floor."""
    for t in load_targets():
        at, form = find_value(t)
        after = t["quote"][at + len(form) : at + len(form) + 2]
        before = t["quote"][:at]
        if ("稳定在" in before[-4:] or "保持在" in before[-4:]) and after != "以上":
            assert t["comparator"] == "stable", t["id"]
        if t["comparator"] == "stable":
            assert after != "以上", t["id"]


@pytest.mark.parametrize(
    ("target_id", "frequency", "lag_days"),
    [
        ("coal-output", "month", 20),  # 1-9月 published 2024-10-22: the month's figure ~20 days on
        ("gdp-growth", "quarter", 25),
        ("grain-area", "year", 120),
        ("key-projects-ready", "event", 0),
        ("grazing-sheep-stock", "year", 45),
    ],
)
def test_reporting_calendar_by_kind_of_source(target_id, frequency, lag_days) -> None:
    t = _by_id()[target_id]
    assert (t["frequency"], t["lag_days"]) == (frequency, lag_days)


@pytest.mark.parametrize(
    ("target_id", "also_units", "written"),
    [
        ("airport-passengers", ["人次"], "124万人次"),
        ("high-tech-enterprises", ["家"], "新认定高新技术企业26家"),
        ("tech-smes", ["家"], "科技型中小企业评价入库76家"),
        ("new-industrial-enterprises", ["家"], "新提限工业企业16家"),
    ],
)
def test_units_the_report_itself_uses_are_accepted(target_id, also_units, written) -> None:
    assert _by_id()[target_id]["also_units"] == also_units
    assert written in report_text()


def test_common_short_names() -> None:
    assert "GDP" in _by_id()["gdp-growth"]["aliases"]
    assert "规上工业增加值" in _by_id()["industrial-value-added-growth"]["aliases"]
    assert "固投" in _by_id()["fixed-asset-investment-growth"]["aliases"]


def test_each_calendar_rule_code_means_one_frequency_and_lag() -> None:
    """The comment after each `frequency` names its rule (docs/seed.md); a rule is one
    (frequency, lag_days), so a reviewer can check a target against its rule's reason."""
    lines = TARGETS.read_text(encoding="utf-8").splitlines()
    codes = [line.split("#", 1)[1].split()[0] for line in lines if line.startswith("frequency =")]
    assert len(codes) == len(load_targets())
    rules: dict[str, set[tuple[str, int]]] = {}
    for code, t in zip(codes, load_targets(), strict=True):
        rules.setdefault(code, set()).add((t["frequency"], t["lag_days"]))
    assert all(len(pairs) == 1 for pairs in rules.values()), rules
    assert set(rules) <= set("MQDHYARPE")
    docs = (ROOT / "docs" / "seed.md").read_text(encoding="utf-8")
    for code, ((frequency, lag),) in rules.items():
        assert f"| {code} | {frequency}, {lag} |" in docs, code
