"""`xlgl extract`: a draft seed from a work report's text.

The 2024 report is scored against the project's own seed (built by hand, tests/test_seed_data.py
checks it against the report); coverage of every number is judged by the number finder of
test_seed_data, not by the extractor's own. Rules are checked on short texts whose answer a
reader of reports gives at a glance.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest
from extract_score import score
from sampling import seeds
from test_seed_data import ARABIC, CHINESE, MEASURE_WORDS
from typer.testing import CliRunner

from xlgl.cli import app
from xlgl.extract import draft_to_json, draft_to_toml, extract_report
from xlgl.seed import load_seed

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "seed" / "xilinguole-2024-work-report.txt"
SEED = ROOT / "seed" / "targets-2024.toml"
PLAN_2024 = "二、2024年主要目标和重点任务"


def plan_numbers(text: str, start: int) -> list[tuple[int, str]]:
    """Every number from `start` on, as test_seed_data's finder sees them."""
    found = [(m.start(), m.group()) for m in ARABIC.finditer(text, start)]
    for m in CHINESE.finditer(text, start):
        token, after = m.group(), text[m.end() : m.end() + 1]
        if token.startswith("第") or len(token) >= 2 or after in MEASURE_WORDS:
            found.append((m.start(), token))
    return sorted(found)


def undecided(text: str, start: int, draft) -> list[str]:
    """Numbers of the plan part in no target's quote and not excluded at their place."""
    spans = [
        (p["offset"], p["offset"] + len(p["quote"]))
        for t in draft.targets
        for p in [t, *t.get("also", [])]
    ]
    excluded = {e["offset"]: e["number"] for e in draft.exclusions}
    missing = []
    for at, token in plan_numbers(text, start):
        if any(lo <= at and at + len(token) <= hi for lo, hi in spans):
            continue
        if excluded.get(at, "\0").startswith(token):
            continue
        missing.append(f"{token}@{at}")
    return missing


@pytest.fixture(scope="module")
def draft_2024():
    return extract_report(REPORT.read_text(encoding="utf-8"), source=REPORT.name)


def test_2024_report_reproduces_the_seed(draft_2024) -> None:
    keys = tomllib.loads(SEED.read_text(encoding="utf-8"))["target"]
    result = score(keys, draft_2024.targets)
    print("\n" + result.line("2024 report vs seed"))
    print("missed:", result.missed, "\nnot in the seed:", result.false)
    assert result.strict_recall >= 0.95, result.missed
    assert len(result.false) <= 0.10 * result.candidates, result.false


def test_2024_every_plan_number_is_a_target_or_an_exclusion(draft_2024) -> None:
    text = REPORT.read_text(encoding="utf-8")
    assert undecided(text, text.index(PLAN_2024), draft_2024) == []


def test_2024_quotes_stand_at_their_offsets(draft_2024) -> None:
    text = REPORT.read_text(encoding="utf-8")
    for target in draft_2024.targets:
        for place in [target, *target.get("also", [])]:
            assert text[place["offset"] : place["offset"] + len(place["quote"])] == place["quote"]
    for entry in draft_2024.exclusions:
        assert text[entry["offset"] :].startswith(entry["number"]), entry
        assert entry["number"] in entry["quote"] and entry["quote"] in text
        assert entry["reason"].split(":")[0] and ": " in entry["reason"]


def test_2024_draft_finds_report_facts(draft_2024) -> None:
    by_quote = {t["quote"]: t for t in draft_2024.targets}
    assert draft_2024.report["year"] == 2024
    jobs = next(t for t in draft_2024.targets if t["quote"] == "城镇新增就业1万人以上")
    assert jobs["section"] == "主要预期目标" and jobs["baseline"] == 1.1
    assert [p["section"] for p in jobs["also"]] == ["（六）"]
    ready = next(t for q, t in by_quote.items() if "4月15日前" in q)
    assert ready["value"] == 188 and ready["due"] == date(2024, 4, 15)
    uhv = next(t for q, t in by_quote.items() if "特高压三期" in q)
    assert (uhv["value"], uhv["scale"], uhv["scale_unit"], uhv["kind"]) == (
        1, 500, "万千瓦", "milestone"
    )  # fmt: skip
    assert uhv["frequency"] == "event" and uhv["lag_days"] == 0
    assert by_quote["地区生产总值增长6%左右"]["baseline"] == 6
    ids = [t["id"] for t in draft_2024.targets]
    assert len(set(ids)) == len(ids) and all(i.isascii() for i in ids)


# --- rules on short texts ---------------------------------------------------------------------

HEAD = "一、2024年工作回顾\n\n全年粮食产量达到150亿斤，城镇新增就业1.6万人。\n\n二、2025年重点工作\n\n（一）重点任务\n\n"


def only_target(sentence: str) -> dict:
    draft = extract_report(HEAD + sentence + "\n", source="t.txt")
    assert len(draft.targets) == 1, [t["quote"] for t in draft.targets]
    return draft.targets[0]


@pytest.mark.parametrize(
    ("sentence", "value", "value_hi", "unit", "comparator"),
    [
        ("力争全年煤炭产量达到1.4亿吨左右。", 1.4, None, "亿吨", "approx"),
        ("城镇登记失业率控制在5%以内。", 5, None, "%", "at_most"),
        ("确保产业资金投入比例不低于70%。", 70, None, "%", "at_least"),
        ("口岸过货量突破2300万吨。", 2300, None, "万吨", "at_least"),
        ("肉牛存栏稳定在195万头。", 195, None, "万头", "stable"),
        ("参保率稳定在95%以上。", 95, None, "%", "at_least"),
        ("再推动1—2家加工项目落地。", 1, 2, "家", "range"),
        ("绿氢产能达到6-7万吨。", 6, 7, "万吨", "range"),
        ("新建改扩建学校３０所。", 30, None, "所", "reach"),
        ("节能率达到９５％。", 95, None, "%", "reach"),
        ("新建江北、江南两个物流园区。", 2, None, "个", "reach"),
        ("新增学位两万个。", 2, None, "万个", "reach"),
        ("城镇化率提高1个百分点。", 1, None, "%", "reach"),
        ("新建公园3个，对年产值5000万元以上的企业给予奖励。", 3, None, "个", "reach"),
    ],
)
def test_value_unit_and_comparator(sentence, value, value_hi, unit, comparator) -> None:
    target = only_target(sentence)
    assert (target["value"], target["value_hi"], target["unit"], target["comparator"]) == (
        value, value_hi, unit, comparator
    )  # fmt: skip
    assert target["direction"] == ("down" if comparator == "at_most" else "up")


@pytest.mark.parametrize(
    ("sentence", "due"),
    [
        ("推动30个项目4月15日前全部开工。", date(2025, 4, 15)),
        ("上半年完成改造项目20个。", date(2025, 6, 30)),
        ("6月底前完成供热管网改造30公里。", date(2025, 6, 30)),
        ("年底前化解存量债务2亿元。", date(2025, 12, 31)),
        ("年内新建公园3个。", date(2025, 12, 31)),
    ],
)
def test_due_dates(sentence, due) -> None:
    assert only_target(sentence)["due"] == due


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("全面贯彻党的二十大精神和“十四五”规划。", "ordinal"),
        ("落实国务院15条硬措施。", "count of documents or rules"),
        ("建设500千伏变电站。", "version or class label"),
        ("实施安全生产治本攻坚三年行动。", "name"),
        ("做到成熟一个、盘活一个。", "slogan"),
        ("确保干一件成一件。", "slogan"),
        ("升级到2.0版。", "version or class label"),
        ("创建国家5A级旅游景区。", "version or class label"),
        ("推动国道303改造。", "name"),
        ("召开第34届那达慕。", "ordinal"),
        ("早日跻身千万吨口岸行列。", "aspiration"),
        ("重点抓好以下七个方面工作。", "outline of the report"),
    ],
)
def test_numbers_that_are_not_targets(sentence, category) -> None:
    draft = extract_report(HEAD + sentence + "\n", source="t.txt")
    assert draft.targets == []
    mine = [e for e in draft.exclusions if e["offset"] >= len(HEAD)]
    assert mine and all(e["reason"].startswith(("ordinal", "name", category)) for e in mine), mine
    assert any(e["reason"].startswith(category) for e in mine)


def test_headline_goals_and_baseline_from_the_review() -> None:
    text = (
        HEAD.replace("（一）重点任务\n\n", "")
        + "2025年主要预期目标是：粮食产量稳定在150亿斤以上，城镇新增就业1.5万人。\n"
    )
    targets = extract_report(text, source="t.txt").targets
    assert [t["section"] for t in targets] == ["主要预期目标", "主要预期目标"]
    assert [t["baseline"] for t in targets] == [150, 1.6]


def test_each_of_several_gets_its_own_target() -> None:
    draft = extract_report(HEAD + "新建木材加工、肉类加工项目各2个。\n", source="t.txt")
    assert [t["value"] for t in draft.targets] == [2, 2]
    assert len({t["indicator"] for t in draft.targets}) == 2


# --- files and the command ----------------------------------------------------------------------


def test_draft_toml_loads_as_a_seed(tmp_path, draft_2024) -> None:
    (tmp_path / REPORT.name).write_text(REPORT.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "draft.toml"
    path.write_text(draft_to_toml(draft_2024), encoding="utf-8")
    seed = load_seed(path)  # also checks every quote against the report beside it
    assert len(seed.targets) == len(draft_2024.targets)
    assert seed.report_text is not None
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert len(raw["exclusion"]) == len(draft_2024.exclusions)
    assert {"confidence", "review", "frequency", "lag_days"} <= set(raw["target"][0])


def test_draft_json_shape(draft_2024) -> None:
    document = json.loads(draft_to_json(draft_2024))
    assert set(document) == {"report", "targets", "exclusions"}
    assert {"title", "year", "source", "key"} <= set(document["report"])
    assert set(document["exclusions"][0]) == {"quote", "offset", "number", "reason"}
    first = document["targets"][0]
    assert first["due"] == "2024-12-31" and isinstance(first["confidence"], float)


def test_extract_then_init_loads_the_draft(tmp_path) -> None:
    report = tmp_path / "2024年报告.txt"
    report.write_text(REPORT.read_text(encoding="utf-8"), encoding="utf-8")
    runner = CliRunner()
    made = runner.invoke(app, ["extract", str(report), "-o", str(tmp_path / "draft.toml")])
    assert made.exit_code == 0, made.output
    assert "候选目标" in made.output
    loaded = runner.invoke(
        app, ["--db", str(tmp_path / "x.db"), "init", "--seed", str(tmp_path / "draft.toml")]
    )
    assert loaded.exit_code == 0, loaded.output
    listed = runner.invoke(app, ["--db", str(tmp_path / "x.db"), "targets", "-f", "json"])
    assert len(json.loads(listed.stdout)) >= 100


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_extract_reads_bom_and_gb18030(tmp_path, encoding) -> None:
    report = tmp_path / "r.txt"
    report.write_bytes(REPORT.read_text(encoding="utf-8").encode(encoding))
    result = CliRunner().invoke(app, ["extract", str(report), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert len(document["targets"]) >= 100
    assert document["targets"][0]["quote"] == "地区生产总值增长6%左右"


def test_extract_of_a_missing_or_binary_file_is_one_line(tmp_path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["extract", str(tmp_path / "none.txt")])
    assert missing.exit_code == 2 and len(missing.stderr.strip().splitlines()) == 1
    binary = tmp_path / "b.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    result = runner.invoke(app, ["extract", str(binary)])
    assert result.exit_code == 2, result.output
    assert "无法读取报告" in result.stderr and "Traceback" not in result.output


@pytest.mark.slow
def test_help_does_not_import_the_extractor() -> None:
    code = (
        "import sys\nfrom xlgl import cli\n"
        "try:\n    cli.app(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('xlgl.extract' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stderr.strip().endswith("False"), done.stderr


FRAGMENTS = [
    "新增", "达到", "稳定在", "控制在", "以上", "以内", "左右", "不低于", "突破", "增长", "万", "亿",
    "千", "两", "双", "半", "第", "十四五", "１２", "3.5", "6-7", "1—2", "%", "％", "个百分点", "个",
    "家", "万千瓦", "亩", "吨", "元", "人次", "年", "月", "日前", "，", "、", "。", "；", "“", "”",
    "（", "）", "\n", "百分之", "九十", "零", "〇", "1,278", "2025年", "的", "各", "和", "每", "级",
]  # fmt: skip


@pytest.mark.parametrize("seed", seeds(40))
def test_random_text_never_breaks_the_extractor(seed: int) -> None:
    """Any text: no exception, quotes verbatim, every number a target or an exclusion."""
    import random

    rng = random.Random(seed)
    picks = [rng.choice(FRAGMENTS) for _ in range(400)]
    body = "".join(("新增" + p) if p[0].isdigit() else p for p in picks)  # 3.5 and 2025 stay apart
    text = "一、2024年工作回顾\n增长5%。\n二、2025年重点工作\n" + body
    draft = extract_report(text, source="random.txt")
    for target in draft.targets:
        assert text[target["offset"] :].startswith(target["quote"]), (seed, target)
    assert undecided(text, text.index("二、2025年重点工作"), draft) == [], f"seed {seed}"


def test_five_year_goals_of_a_new_term_are_not_this_years_plan() -> None:
    text = (
        "一、过去五年工作回顾\n\n五年来新建学校40所。\n\n二、今后五年的目标任务\n\n"
        "到2027年，地区生产总值突破3000亿元。\n\n三、2023年工作安排\n\n新建学校8所。\n"
    )
    draft = extract_report(text, source="t.txt")
    assert draft.report["year"] == 2023
    assert [t["quote"] for t in draft.targets] == ["新建学校8所"]
    assert draft.targets[0]["section"] == "三"
