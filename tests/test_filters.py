"""Filters as people write them; a filter that names nothing is exit 2 with the candidates."""

import json

import pytest

from xlgl.errors import InputError
from xlgl.filters import (
    Known,
    resolve_kind,
    resolve_owner,
    resolve_section,
    resolve_status,
    resolve_statuses,
)

KNOWN = Known(
    sections=[
        ("主要预期目标", "2024年全盟经济社会发展主要预期目标"),
        ("（一）", "多措并举稳经济运行"),
        ("（一）", "千方百计抓项目招商"),
        ("（二）", "以绿电利用为龙头全面带动非煤产业发展"),
        ("（五）", "全面推进乡村振兴"),
        ("三", "三、2024年工作安排"),
    ],
    owners=["盟能源局", "盟统计局", "盟发改委"],
)


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("（一）", "（一）"),
        ("(一)", "（一）"),
        ("1", "（一）"),
        ("１", "（一）"),
        ("一", "（一）"),
        ("2", "（二）"),
        ("主要预期目标", "主要预期目标"),
        ("稳经济运行", "（一）"),
        ("项目招商", "（一）"),
        ("乡村振兴", "（五）"),
        ("绿电", "（二）"),
        ("三", "三"),  # part 三 is a section of its own, written as it is
    ],
)
def test_sections_by_marker_number_numeral_or_words(text, section):
    assert resolve_section(text, KNOWN) == section


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("8", "没有章节“8”"),
        ("（九）", "没有章节"),
        ("生态保护", "没有章节"),
        ("2024", "对应多个章节"),  # words in more than one section: say which
    ],
)
def test_a_section_that_names_nothing_is_refused_with_choices(text, words):
    with pytest.raises(InputError, match=words) as raised:
        resolve_section(text, KNOWN)
    assert "（一）" in str(raised.value) or "主要预期目标" in str(raised.value)


def test_owner_typo_suggests_the_owner_it_may_mean():
    assert resolve_owner(" 盟能源局 ", KNOWN) == "盟能源局"
    with pytest.raises(InputError) as raised:
        resolve_owner("盟能原局", KNOWN)
    assert str(raised.value) == (
        "没有单位“盟能原局”；是否要找：盟能源局；台账中的单位：盟发改委、盟统计局、盟能源局"
    )
    with pytest.raises(InputError, match="盟能源局"):
        resolve_owner("盟能源", KNOWN)  # a part of a name is not the name
    with pytest.raises(InputError, match="尚未给任何目标指定牵头单位"):
        resolve_owner("盟能源局", Known(sections=[], owners=[]))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("flow", "flow"),
        ("Flow", "flow"),
        ("累计", "flow"),
        ("增速", "growth"),
        ("增长", "growth"),
        ("水平", "level"),
        ("比率", "share"),
        ("占比", "share"),
        ("节点", "milestone"),
    ],
)
def test_kinds_in_english_or_chinese(text, kind):
    assert resolve_kind(text) == kind


def test_unknown_kind_names_the_kinds():
    with pytest.raises(InputError, match="没有类型“流量”"):
        resolve_kind("流量")


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("at_risk", "at_risk"),
        ("at-risk", "at_risk"),
        ("AT RISK", "at_risk"),
        ("预警", "at_risk"),
        ("逾期", "overdue"),
        ("逾期完成", "met_late"),
        ("met-late", "met_late"),
        ("未完成", "missed"),
        ("待出数", "awaiting"),
        ("未报送", "no_data"),
        ("no-data", "no_data"),
        ("正常", "on_track"),
        ("已完成", "met"),
    ],
)
def test_statuses_in_english_either_spelling_or_chinese(text, status):
    assert resolve_status(text) == status


def test_several_statuses_in_the_vocabulary_order():
    assert resolve_statuses(["预警,逾期", "met"]) == ["overdue", "at_risk", "met"]
    assert resolve_statuses(None) is None
    with pytest.raises(InputError, match="没有状态“落伍”"):
        resolve_statuses(["落伍"])


# --- through the commands ----------------------------------------------------------------------


@pytest.fixture
def assigned(xlgl):
    for target, owner in (("coal-output", "盟能源局"), ("gdp-growth", "盟统计局")):
        result = xlgl("assign", target, "--owner", owner)
        assert result.exit_code == 0, result.output
    return xlgl


def ids(result):
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


def test_filters_in_chinese_select_the_same_targets_as_in_english(assigned):
    xlgl = assigned
    as_of = ("--as-of", "2024-09-30", "--format", "json")
    assert ids(xlgl("status", *as_of, "--kind", "累计")) == ids(
        xlgl("status", *as_of, "-k", "flow")
    )
    assert "coal-output" in ids(xlgl("status", *as_of, "--section", "稳经济运行"))
    assert ids(xlgl("status", *as_of, "--owner", "盟能源局")) == ["coal-output"]
    assert ids(xlgl("status", *as_of, "-O", "盟能源局")) == ["coal-output"]
    assert ids(xlgl("status", *as_of, "--status", "逾期")) == ids(
        xlgl("overdue", *as_of, "--only", "overdue")
    )
    assert ids(xlgl("overdue", *as_of, "--only", "at_risk")) == ids(
        xlgl("overdue", *as_of, "--only", "at-risk")
    )
    assert ids(xlgl("targets", "--format", "json", "--section", "1")) == ids(
        xlgl("targets", "--format", "json", "--section", "（一）")
    )


@pytest.mark.parametrize(
    ("command", "option", "value", "words"),
    [
        ("status", "--owner", "盟能源", "是否要找：盟能源局"),
        ("status", "--section", "8", "没有章节“8”"),
        ("status", "--section", "生态保护", "没有章节"),
        ("status", "--kind", "流量", "没有类型"),
        ("status", "--status", "落伍", "没有状态"),
        ("overdue", "--only", "at risk now", "没有状态"),
        ("overdue", "--owner", "盟能原局", "是否要找：盟能源局"),
        ("targets", "--owner", "盟能原局", "是否要找：盟能源局"),
    ],
)
def test_a_filter_that_matches_nothing_is_exit_2_with_candidates(
    assigned, command, option, value, words
):
    result = assigned(command, option, value)
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert result.stdout == ""  # no empty table


def test_report_with_an_owner_typo_writes_nothing(assigned, tmp_path):
    out = tmp_path / "own.html"
    result = assigned("report", "-o", str(out), "--owner", "盟能原局")
    assert result.exit_code == 2, result.output
    assert "盟能源局" in result.stderr
    assert not out.exists()
    result = assigned("report", "-o", str(out), "--owner", "盟能源局")
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_assign_an_empty_owner_is_an_error(xlgl):
    result = xlgl("assign", "coal-output", "--owner", " ")
    assert result.exit_code == 2
    assert "牵头单位不能为空" in result.stderr
