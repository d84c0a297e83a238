"""Who answers for a target (issue 13, parts 4–6): 牵头单位, 配合单位, 分管领导, 联系人 set by
`assign`; a changed due date needs a reason and leaves a trace in `show` and `history`; owner
filters match co-owners (`--lead-only` for 牵头 alone); `status --by owner`; the settings
`office` and `issue`; the bulletin's 期号, 落款 and chase list."""

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from ledgers import built

from xlgl.words import STATUSES

AS_OF = "2024-09-30"
FIGURES = [
    ("coal-output", "1.07亿吨", "2024-09-30"),
    ("project-investment", "120", "2024-08-31"),
    ("urban-jobs", "9000人", "2024-08-31"),
]
CONTACT = "王芳 0479-8888888"


@pytest.fixture(scope="module")
def assigned_ledger(tmp_path_factory, mini_ledger_template) -> Path:
    """Three departments: 盟能源局 leads coal-output with 盟发改委 and 盟统计局 helping;
    盟发改委 leads project-investment and key-projects-ready; 盟人社局 leads urban-jobs."""
    commands: list[tuple[str, ...]] = [
        ("assign", "coal-output", "--owner", "盟能源局", "--co-owner", "盟发改委、盟统计局"),
        ("assign", "coal-output", "--leader", "张副盟长", "--contact", CONTACT),
        ("assign", "project-investment", "--owner", "盟发改委", "--contact", "李明 0479-1234567"),
        ("assign", "key-projects-ready", "--owner", "盟发改委", "--contact", "赵强 0479-7654321"),
        ("assign", "urban-jobs", "--owner", "盟人社局", "--co-owner", "盟财政局",
         "--co-owner", "盟统计局"),
    ]  # fmt: skip
    commands += [("record", target, value, "--as-of", as_of) for target, value, as_of in FIGURES]
    path = tmp_path_factory.mktemp("assigned") / "ledger.db"
    return built(path, commands, start=mini_ledger_template)


@pytest.fixture
def assigned(xlgl, ledger_path, assigned_ledger):
    """xlgl on a copy of assigned_ledger."""
    shutil.copyfile(assigned_ledger, ledger_path)
    return xlgl


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ids(result):
    return [row["id"] for row in as_json(result)]


# --- assign ---------------------------------------------------------------------------------------


def test_assign_sets_co_owners_leader_and_contact(assigned):
    shown = as_json(assigned("show", "coal-output", "--format", "json"))[0]
    assert shown["owner"] == "盟能源局"
    assert shown["co_owners"] == ["盟发改委", "盟统计局"]
    assert shown["leader"] == "张副盟长"
    assert shown["contact"] == CONTACT
    jobs = as_json(assigned("show", "urban-jobs", "--format", "json"))[0]
    assert jobs["co_owners"] == ["盟财政局", "盟统计局"]  # --co-owner repeated
    table = assigned("show", "coal-output").stdout
    for text in ("配合单位", "盟发改委、盟统计局", "分管领导", "张副盟长", CONTACT):
        assert text in table


def test_co_owners_are_cleared_and_never_the_owner(assigned):
    refused = assigned("assign", "coal-output", "--co-owner", "盟能源局")
    assert refused.exit_code == 2
    assert "牵头单位" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert assigned("assign", "coal-output", "--co-owner", "").exit_code == 0
    assert as_json(assigned("show", "coal-output", "-f", "json"))[0]["co_owners"] == []


def test_loading_the_seed_again_keeps_what_assign_set(assigned, seed_path):
    assert assigned("init", "--seed", str(seed_path)).exit_code == 0
    shown = as_json(assigned("show", "coal-output", "--format", "json"))[0]
    assert (shown["owner"], shown["co_owners"], shown["contact"]) == (
        "盟能源局",
        ["盟发改委", "盟统计局"],
        CONTACT,
    )


def due_of(xlgl, target):
    return as_json(xlgl("show", target, "--format", "json"))[0]["due"]


def test_a_new_due_date_needs_a_reason(xlgl):
    refused = xlgl("assign", "coal-output", "--due", "2024-10-31")
    assert refused.exit_code == 2
    assert "--reason" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert due_of(xlgl, "coal-output") == "2024-12-31"
    lone = xlgl("assign", "coal-output", "--reason", "无故")
    assert lone.exit_code == 2 and "--due" in lone.stderr


def test_each_due_change_is_kept_with_its_reason(xlgl):
    first = xlgl(
        "assign", "coal-output", "--due", "2024-10-31", "--reason", "停产整顿", "--by", "李四"
    )
    assert first.exit_code == 0, first.output
    assert "2024-12-31 → 2024-10-31" in first.stdout
    assert xlgl("record", "coal-output", "1.07亿吨", "--as-of", AS_OF).exit_code == 0
    second = xlgl("assign", "coal-output", "--due", "2024-11-30", "--reason", "复产延后")
    assert second.exit_code == 0, second.output
    assert due_of(xlgl, "coal-output") == "2024-11-30"

    changes = as_json(xlgl("show", "coal-output", "--format", "json"))[0]["due_changes"]
    assert [(c["old_due"], c["new_due"], c["reason"]) for c in changes] == [
        ("2024-12-31", "2024-10-31", "停产整顿"),
        ("2024-10-31", "2024-11-30", "复产延后"),
    ]
    assert changes[0]["by"] == "李四" and changes[1]["by"]  # the login name by default
    assert all(c["changed_at"] for c in changes)

    history = as_json(xlgl("history", "coal-output", "--format", "json"))
    kinds = [entry.get("kind", "record") for entry in history]
    assert kinds == ["due_change", "record", "due_change"]  # in the order they happened
    assert history[1]["value"] == 1.07
    table = xlgl("history", "coal-output").stdout
    assert "时限调整" in table and "停产整顿" in table and "复产延后" in table
    shown = xlgl("show", "coal-output").stdout
    assert "停产整顿" in shown and "2024-11-30" in shown
    # history as CSV stays one row per record
    rows = list(csv.DictReader(io.StringIO(xlgl("history", "--format", "csv").stdout)))
    assert len(rows) == 1 and rows[0]["target"] == "coal-output"


def test_the_same_due_date_again_leaves_no_trace(xlgl):
    same = xlgl("assign", "coal-output", "--due", "2024-12-31", "--reason", "确认")
    assert same.exit_code == 0 and "未变" in same.stdout
    assert as_json(xlgl("show", "coal-output", "-f", "json"))[0]["due_changes"] == []


# --- owner filters --------------------------------------------------------------------------------


def test_an_owner_filter_matches_co_owners(assigned):
    status = ("status", "--as-of", AS_OF, "--format", "json")
    assert ids(assigned(*status, "--owner", "盟发改委")) == [
        "coal-output",
        "key-projects-ready",
        "project-investment",
    ]
    lead = ids(assigned(*status, "--owner", "盟发改委", "--lead-only"))
    assert lead == ["key-projects-ready", "project-investment"]
    assert ids(assigned(*status, "-O", "盟统计局")) == ["coal-output", "urban-jobs"]
    targets = assigned("targets", "--owner", "盟统计局", "--format", "json")
    assert ids(targets) == ["coal-output", "urban-jobs"]
    overdue = assigned("overdue", "--as-of", "2025-03-31", "-O", "盟财政局", "-f", "json")
    assert ids(overdue) == ["urban-jobs"]
    exported = assigned("export", "-f", "json", "--as-of", AS_OF, "-O", "盟统计局")
    assert ids(exported) == ["coal-output", "urban-jobs"]


def test_lead_only_for_a_department_that_only_helps_is_an_error(assigned):
    result = assigned("status", "--owner", "盟统计局", "--lead-only")
    assert result.exit_code == 2
    assert "配合单位" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_an_unknown_owner_is_an_error_listing_the_known_ones(assigned):
    for command in ("status", "overdue", "chase", "targets", "report", "export"):
        fmt = "markdown" if command == "report" else "json"
        result = assigned(command, "--owner", "盟交通局", "--format", fmt)
        assert result.exit_code == 2, (command, result.output)
        line = result.stderr.strip()
        assert len(line.splitlines()) == 1 and "盟交通局" in line
        for known in ("盟能源局", "盟发改委", "盟统计局", "盟人社局", "盟财政局"):
            assert known in line, command


def test_chase_names_the_contact_of_each_owner(assigned):
    """Done when: `xlgl chase --as-of 2024-05-10 --format json` lists every owner with targets
    whose April figure is missing, with the contact."""
    rows = as_json(assigned("chase", "--as-of", "2024-05-10", "--format", "json"))
    by_id = {row["id"]: row for row in rows}
    # the monthly coal figure of April is due on 5-20: not yet; of March (due 4-20): missing
    assert by_id["coal-output"]["owner"] == "盟能源局"
    assert by_id["coal-output"]["contact"] == CONTACT
    assert by_id["project-investment"]["contact"] == "李明 0479-1234567"
    # an event target reports its April progress by 5-05; its due date 4-15 is the period's end
    assert by_id["key-projects-ready"]["period_end"] == "2024-04-15"
    assert by_id["key-projects-ready"]["report_due"] == "2024-05-05"
    helped = as_json(assigned("chase", "--as-of", "2024-05-10", "-f", "json", "-O", "盟统计局"))
    assert {row["id"] for row in helped} == {"coal-output", "urban-jobs"}


# --- status --by owner ----------------------------------------------------------------------------


def expected_lines(rows, departments):
    """Per department, from the status rows themselves: counts, completion capped at 1."""
    found = {}
    for name, members in departments.items():
        mine = [r for r in rows if r["id"] in members]
        done = [min(1.0, r["completion"]) for r in mine if r["completion"] is not None]
        found[name] = {
            "total": len(mine),
            "reported": len(done),
            "completion_all": sum(done) / len(mine),
            "completion_reported": sum(done) / len(done) if done else None,
            **{s: sum(1 for r in mine if r["status"] == s) for s in STATUSES},
        }
    return found


def test_status_by_owner(assigned):
    rows = as_json(assigned("status", "--as-of", AS_OF, "--format", "json"))
    lines = as_json(assigned("status", "--as-of", AS_OF, "--by", "owner", "--format", "json"))
    got = {line["owner"]: line for line in lines}
    want = expected_lines(
        rows,
        {
            "盟能源局": {"coal-output"},
            "盟发改委": {"coal-output", "project-investment", "key-projects-ready"},
            "盟统计局": {"coal-output", "urban-jobs"},
            "盟人社局": {"urban-jobs"},
            "盟财政局": {"urban-jobs"},
        },
    )
    for name, line in want.items():
        for key, value in line.items():
            assert got[name][key] == pytest.approx(value, abs=1e-4), (name, key)
    unassigned = [r for r in rows if r["owner"] is None]
    assert [line["total"] for line in lines if line["owner"] not in want] == [len(unassigned)]

    lead = as_json(
        assigned("status", "--as-of", AS_OF, "--by", "owner", "--lead-only", "-f", "json")
    )
    leads = {line["owner"]: line["total"] for line in lead}
    assert "盟统计局" not in leads and leads["盟发改委"] == 2
    assert sum(leads.values()) == len(rows)  # each target counted once

    table = assigned("status", "--as-of", AS_OF, "--by", "owner").stdout
    for text in ("盟发改委", "全部目标平均完成率", "已报送平均完成率", "已报送"):
        assert text in table
    text = assigned("status", "--as-of", AS_OF, "--by", "owner", "--format", "csv").stdout
    table_rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["owner"] for r in table_rows} >= set(want)
    assert {"total", "reported", "completion_all", "completion_reported", "overdue"} <= set(
        table_rows[0]
    )


def test_by_owner_takes_only_owner(xlgl):
    assert xlgl("status", "--by", "section").exit_code == 2


# --- settings and the bulletin ----------------------------------------------------------------------


def test_settings_office_and_issue(xlgl):
    listed = xlgl("settings")
    assert listed.exit_code == 0
    assert "office = （未设置）" in listed.stdout
    result = xlgl("settings", "office", "锡林郭勒盟人民政府督查室")
    assert result.exit_code == 0, result.output
    assert "office = 锡林郭勒盟人民政府督查室" in xlgl("settings").stdout
    assert "behind_threshold = 0.1" in xlgl("settings").stdout  # the thresholds still listed
    bad = xlgl("settings", "issue", "第三期")
    assert bad.exit_code == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert xlgl("settings", "office", "").exit_code == 0
    assert "office = （未设置）" in xlgl("settings").stdout


def issue_line(path):
    return path.read_text(encoding="utf-8").splitlines()[0]


def test_report_numbers_its_bulletins(assigned, tmp_path):
    assert assigned("settings", "office", "锡林郭勒盟人民政府督查室").exit_code == 0
    first = tmp_path / "1.md"
    result = assigned("report", "-o", str(first), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert issue_line(first) == "锡林郭勒盟人民政府督查室"  # no 期号 before the office numbers them
    assert first.read_text(encoding="utf-8").rstrip().endswith("2024年9月30日")  # 落款

    assert assigned("report", "-o", str(first), "--as-of", AS_OF, "--issue", "5").exit_code == 0
    assert issue_line(first) == "锡林郭勒盟人民政府督查室 · 第 5 期"
    html = tmp_path / "1.html"
    assert assigned("report", "-o", str(html), "--as-of", AS_OF).exit_code == 0
    assert "第 5 期" in html.read_text(encoding="utf-8")  # the same week's HTML: the same issue

    preview = assigned("report", "-f", "markdown", "--as-of", "2024-10-31")
    assert preview.stdout.startswith("锡林郭勒盟人民政府督查室 · 第 6 期")
    second = tmp_path / "2.md"
    result = assigned("report", "-o", str(second), "--as-of", "2024-10-31")
    assert result.exit_code == 0 and "第 6 期" in result.stdout
    assert issue_line(second) == "锡林郭勒盟人民政府督查室 · 第 6 期"
    assert "issue = 6" in assigned("settings").stdout
    third = tmp_path / "3.md"
    assert assigned("report", "-o", str(third), "--as-of", "2024-11-30").exit_code == 0
    assert issue_line(third).endswith("第 7 期")


def test_bulletin_lists_who_has_not_reported(assigned):
    text = assigned("report", "-f", "markdown", "--as-of", AS_OF).stdout
    chase = text[text.index("## 应报未报") :]
    chase = chase[: chase.index("\n## ")]
    # key-projects-ready (an event target, due 4-15) never reported: owed, with its contact
    assert "盟发改委" in chase and "赵强 0479-7654321" in chase
    # urban-jobs reported August; September's figure is due 10-20: not owed yet
    assert "urban-jobs" not in chase and "盟人社局" not in chase
    expected = as_json(assigned("chase", "--as-of", AS_OF, "--format", "json"))
    assert f"## 应报未报（{len(expected)} 项）" in text
    for row in expected:
        assert row["id"] in chase
    departments = text[text.index("## 各牵头单位情况") : text.index("## 应报未报")]
    assert "盟发改委" in departments
    assert text.index("## 逾期与预警") < text.index("## 各牵头单位情况")
