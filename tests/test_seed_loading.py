"""The seed loader (xlgl/seed.py): what a seed file gives, and how a bad one is refused.

A bad seed is refused through the CLI as a user meets it: `xlgl --db X init --seed bad.toml`
exits 2 with one plain Chinese line on stderr, and leaves no ledger file behind. Every seed here
is written into tmp_path; the expected values are written out by hand, not computed by the loader.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlgl.cli import app
from xlgl.errors import InputError
from xlgl.seed import default_seed_path, load_seed

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "seed" / "xilinguole-2024-work-report.txt"
MINI_SEED = Path(__file__).resolve().parent / "data" / "mini-seed.toml"
PUBLISHED = Path(__file__).resolve().parent / "data" / "published-ids.txt"

REPORT_TABLE = """[report]
title = "测试报告"
year = 2024
"""

COAL = """[[target]]
id = "coal-output"
section = "（一）"
topic = "多措并举稳经济运行"
indicator = "煤炭产量"
kind = "flow"
comparator = "approx"
value = 1.4
unit = "亿吨"
frequency = "month"
lag_days = 20
quote = "力争全年煤炭产量达到1.4亿吨左右"
offset = 5046
"""

START = """[[target]]
id = "uhv-phase3-base-start"
section = "（二）"
indicator = "特高压三期新能源基地开工"
kind = "milestone"
comparator = "reach"
value = 1
unit = "个"
scale = 500
scale_unit = "万千瓦"
quote = "全面开工建设特高压三期500万千瓦新能源基地"
offset = 6256
"""


def write(folder: Path, text: str, name: str = "seed.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def init(tmp_path: Path, seed: Path):
    db = tmp_path / "ledger" / "x.db"
    db.parent.mkdir(exist_ok=True)
    result = CliRunner().invoke(app, ["--db", str(db), "init", "--seed", str(seed)])
    return result, db


def assert_refused(tmp_path: Path, seed: Path, *words: str) -> str:
    result, db = init(tmp_path, seed)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]
    assert list(db.parent.iterdir()) == [], "a refused seed leaves no ledger file behind"
    return lines[0]


# --- what a good seed gives -----------------------------------------------------------------------


def test_every_field_is_filled_with_its_default(tmp_path: Path) -> None:
    bare = """[[target]]
id = "dairy-park"
section = "（二）"
indicator = "新建奶业园区"
kind = "milestone"
comparator = "reach"
value = 1
unit = "处"
quote = "新建奶业园区1处"

[[target]]
id = "grain-area"
section = "（二）"
indicator = "粮食播种面积"
kind = "level"
comparator = "reach"
value = 220
unit = "万亩"
quote = "确保粮食播种面积220万亩"
"""
    seed = load_seed(write(tmp_path, REPORT_TABLE + bare))
    park, grain = seed.targets
    defaults = {
        "lag_days": 0,
        "scale": None,
        "scale_unit": None,
        "also_units": [],
        "aliases": [],
        "retired": False,
        "retired_reason": None,
        "confidence": None,
        "review": False,
        "also": [],
        "owner": None,
        "start": date(2024, 1, 1),
        "due": date(2024, 12, 31),
        "direction": "up",
        "value_hi": None,
        "baseline": None,
        "topic": "",
        "year": 2024,
    }
    assert {name: park[name] for name in defaults} == defaults
    assert (park["frequency"], grain["frequency"]) == ("event", "year")
    assert seed.report == {"key": "report-2024", "title": "测试报告", "year": 2024, "source": None}


def test_new_fields_are_read_as_written(tmp_path: Path) -> None:
    extra = """also_units = ["人次"]
aliases = ["煤炭"]
confidence = 0.85
review = true
retired = true
retired_reason = "测试"
"""
    seed = load_seed(write(tmp_path, REPORT_TABLE + COAL + extra + "\n" + START))
    coal, start = seed.targets
    assert (coal["frequency"], coal["lag_days"]) == ("month", 20)
    assert (coal["also_units"], coal["aliases"]) == (["人次"], ["煤炭"])
    assert (coal["confidence"], coal["review"]) == (0.85, True)
    assert (coal["retired"], coal["retired_reason"]) == (True, "测试")
    assert (start["value"], start["unit"], start["scale"], start["scale_unit"]) == (
        1,
        "个",
        500,
        "万千瓦",
    )


def test_the_report_key_is_read_or_made_from_the_source_name(tmp_path: Path) -> None:
    keyed = load_seed(write(tmp_path, REPORT_TABLE + 'key = "xm-2025"\n' + COAL))
    assert keyed.report["key"] == "xm-2025"
    named = REPORT_TABLE + 'source = "Xilinguole 2024 Work-Report.txt"\n' + COAL
    assert load_seed(write(tmp_path, named)).report["key"] == "xilinguole-2024-work-report"
    chinese = REPORT_TABLE + 'source = "政府工作报告.txt"\n' + COAL
    assert load_seed(write(tmp_path, chinese)).report["key"] == "report-2024"


def test_the_packaged_seed_has_a_calendar_for_every_target() -> None:
    seed = load_seed(default_seed_path())
    assert seed.report["key"] == "xlgl-2024"
    assert seed.report_text == REPORT.read_text(encoding="utf-8")
    assert len(seed.targets) == 107
    for t in seed.targets:
        assert t["frequency"] in {"month", "quarter", "half", "year", "event"}, t["id"]
        assert isinstance(t["lag_days"], int) and 0 <= t["lag_days"] <= 400, t["id"]
    by_id = {t["id"]: t for t in seed.targets}
    assert by_id["xilinhot-horse-trail"]["retired"] is True
    assert [t["id"] for t in seed.targets if t["retired"]] == ["xilinhot-horse-trail"]
    assert (by_id["uhv-phase3-base-start"]["scale"], by_id["uhv-phase3-base-start"]["value"]) == (
        500,
        1,
    )
    assert by_id["grazing-sheep-stock"]["due"] == date(2024, 6, 30)


def test_published_ids_resolve_retired_ones_included() -> None:
    lines = PUBLISHED.read_text(encoding="utf-8").splitlines()
    published = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    ids = {t["id"] for t in load_seed(default_seed_path()).targets}
    assert published <= ids
    assert "xilinhot-horse-trail" in published


def test_the_packaged_seed_builds_a_ledger(tmp_path: Path) -> None:
    result, _ = init(tmp_path, default_seed_path())
    assert result.exit_code == 0, result.output
    assert "共 107 个目标" in result.stdout


def test_the_mini_seeds_report_is_the_real_one() -> None:
    copy = MINI_SEED.parent / "xilinguole-2024-work-report.txt"
    assert copy.read_bytes() == REPORT.read_bytes()
    assert load_seed(MINI_SEED).report_text == REPORT.read_text(encoding="utf-8")


def test_a_report_beside_the_seed_checks_its_quotes(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_bytes(REPORT.read_bytes())
    good = load_seed(write(tmp_path, REPORT_TABLE + 'source = "r.txt"\n' + COAL))
    assert good.report_text is not None
    moved = COAL.replace("offset = 5046", "offset = 5047")
    with pytest.raises(InputError, match="引文与报告第 5047 字处不符"):
        load_seed(write(tmp_path, REPORT_TABLE + 'source = "r.txt"\n' + moved))


def test_a_symlink_inside_the_folder_is_followed(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_bytes(REPORT.read_bytes())
    os.symlink("r.txt", tmp_path / "link.txt")
    seed = load_seed(write(tmp_path, REPORT_TABLE + 'source = "link.txt"\n' + COAL))
    assert seed.report_text == REPORT.read_text(encoding="utf-8")


# --- bad seeds: exit 2, one line, no ledger -------------------------------------------------------


def _set(field: str, value: str, base: str = COAL) -> str:
    """The target `base` with `field = value` (replaced, or added before its quote)."""
    lines = [line for line in base.splitlines() if not line.startswith(f"{field} =")]
    at = next(i for i, line in enumerate(lines) if line.startswith("quote ="))
    lines.insert(at, f"{field} = {value}")
    return "\n".join(lines) + "\n"


def _with(field: str, value: str, base: str = COAL) -> str:
    """A whole seed: the report table and `base` with `field = value`."""
    return REPORT_TABLE + _set(field, value, base)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (_with("frequency", '"weekly"'), ["coal-output", "frequency", "month/quarter"]),
        (_with("value", "nan"), ["coal-output", "value", "nan"]),
        (_with("value", "inf"), ["value", "inf"]),
        (_with("baseline", "-inf"), ["baseline", "有限数值"]),
        (_with("lag_days", "401"), ["lag_days", "0 到 400"]),
        (_with("lag_days", "-1"), ["lag_days"]),
        (_with("lag_days", "2.5"), ["lag_days", "整数"]),
        (REPORT_TABLE + START.replace('scale_unit = "万千瓦"\n', ""), ["scale_unit", "同时"]),
        (_with("scale", "0", START), ["scale", "大于 0"]),
        (_with("scale", "nan", START), ["scale", "nan"]),
        (_with("scale_unit", '"光年"', START), ["光年", "无法识别"]),
        (_with("also_units", '["斤斤"]'), ["also_units", "斤斤"]),
        (_with("also_units", '"人次"'), ["also_units", "列表"]),
        (_with("aliases", '[""]'), ["aliases", "非空"]),
        (_with("confidence", "1.5"), ["confidence", "0 到 1"]),
        (_with("review", '"yes"'), ["review", "true 或 false"]),
        (_with("retired", "true"), ["retired_reason"]),
        (REPORT_TABLE.replace("year = 2024", 'year = "2024"') + COAL, ["year"]),
        (REPORT_TABLE + 'key = "all"\n' + COAL, ["key", "all"]),
        (REPORT_TABLE + 'key = "锡盟2024"\n' + COAL, ["key", "ASCII"]),
    ],
)
def test_a_bad_field_is_refused_in_one_line(tmp_path: Path, text: str, words: list[str]) -> None:
    assert_refused(tmp_path, write(tmp_path, text), *words)


def test_an_also_place_without_a_section_is_refused(tmp_path: Path) -> None:
    text = REPORT_TABLE + COAL + '[[target.also]]\nquote = "1.4亿吨"\noffset = 5057\n'
    assert_refused(tmp_path, write(tmp_path, text), "coal-output", "also", "section")


def test_a_duplicate_alias_is_refused(tmp_path: Path) -> None:
    text = _with("aliases", '["煤"]') + "\n" + _set("aliases", '["煤"]', START)
    assert_refused(tmp_path, write(tmp_path, text), "别名“煤”重复")


def test_an_alias_that_names_another_target_is_refused(tmp_path: Path) -> None:
    text = _with("aliases", '["coal-output"]', START) + "\n" + COAL
    assert_refused(tmp_path, write(tmp_path, text), "coal-output", "别名")


@pytest.mark.parametrize(
    "source",
    [
        "/etc/passwd",
        "../xilinguole-2024-work-report.txt",
        "..",
        "sub/r.txt",
        "sub\\\\r.txt",
        "~/r.txt",
        "C:r.txt",
    ],
)
def test_a_source_outside_the_seeds_folder_is_refused(tmp_path: Path, source: str) -> None:
    folder = tmp_path / "seeds"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "r.txt").write_bytes(REPORT.read_bytes())
    (tmp_path / "xilinguole-2024-work-report.txt").write_bytes(REPORT.read_bytes())
    seed = write(folder, REPORT_TABLE + f'source = "{source}"\n' + COAL)
    assert_refused(tmp_path, seed, "source")


def test_a_symlink_leading_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("机密", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", folder / "r.txt")
    seed = write(folder, REPORT_TABLE + 'source = "r.txt"\n' + COAL)
    assert_refused(tmp_path, seed, "source", "以外")


def test_a_directory_as_source_is_refused(tmp_path: Path) -> None:
    (tmp_path / "r.txt").mkdir()
    assert_refused(
        tmp_path, write(tmp_path, REPORT_TABLE + 'source = "r.txt"\n' + COAL), "普通文件"
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[{"report": {}}]', ["顶层"]),
        ('{"report": {"year": 2024}, "target": [{"id": "x"}]}', ["缺少字段"]),
        ("{" * 100_000, ["格式错误"]),
        ('{"report": {"year": 2024}, "target": "x"}', ["[[target]]"]),
    ],
)
def test_a_bad_json_seed_is_refused_in_one_line(tmp_path: Path, text: str, words) -> None:
    assert_refused(tmp_path, write(tmp_path, text, "seed.json"), *words)


def test_nan_in_a_json_seed_is_refused(tmp_path: Path) -> None:
    target = {
        "id": "coal-output",
        "section": "（一）",
        "indicator": "煤炭产量",
        "kind": "flow",
        "comparator": "approx",
        "value": float("nan"),
        "unit": "亿吨",
        "quote": "力争全年煤炭产量达到1.4亿吨左右",
        "offset": 5046,
    }
    text = json.dumps({"report": {"title": "t", "year": 2024}, "target": [target]})
    assert "NaN" in text
    assert_refused(tmp_path, write(tmp_path, text, "seed.json"), "value", "nan")


def test_a_seed_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "seed.toml"
    path.write_bytes((REPORT_TABLE + COAL).encode("gb18030"))
    assert_refused(tmp_path, path, "UTF-8")


def test_many_problems_are_counted_in_one_line(tmp_path: Path) -> None:
    bad = "".join(
        _with("value", "nan").replace(REPORT_TABLE, "").replace("coal-output", f"c{i}")
        for i in range(8)
    )
    line = assert_refused(tmp_path, write(tmp_path, REPORT_TABLE + bad), "8 处错误", "另有 3 处")
    assert "c0" in line and "c7" not in line
