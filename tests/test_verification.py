"""销号 by a second person (issue 13, part 3). With `require_verification` on, a figure — by
`record`, CSV, 报送表 or `import-records` — waits and leaves status unchanged until a person other
than the one who recorded it verifies it; the recorder verifying is refused; a rejected figure
never counts; verdicts travel with export-records / import-records, and importing twice adds
nothing. With the setting off (the default) nothing changes for a single clerk."""

import json
import random
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from xlgl.cli import app
from xlgl.model import Record
from xlgl.store import Ledger, NewRecord
from xlgl.verification import refusal

MINI_SEED = Path(__file__).parent / "data" / "mini-seed.toml"
DAY = "2024-10-31"


def run(db: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    assert result.exit_code == code, (args, result.output, result.exception)
    return result


def status(db: Path, *args: str) -> dict[str, dict]:
    rows = json.loads(run(db, "status", "--as-of", DAY, "--format", "json", *args).stdout)
    return {row["id"]: row for row in rows}


def history(db: Path) -> list[dict]:
    return json.loads(run(db, "history", "--format", "json").stdout)


def pending(db: Path, *args: str) -> list[dict]:
    return json.loads(run(db, "pending", "--format", "json", *args).stdout)


def new_ledger(path: Path, *, verifying: bool) -> Path:
    run(path, "init", "--seed", str(MINI_SEED))
    if verifying:
        run(path, "settings", "require_verification", "1")
    return path


@pytest.fixture
def office(tmp_path) -> Path:
    return new_ledger(tmp_path / "office.db", verifying=True)


# --- the setting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "shown"), [("1", "1"), ("on", "1"), ("是", "1"), ("TRUE", "1"), ("0", "0"),
                        ("off", "0"), ("否", "0"), ("false", "0")]
)  # fmt: skip
def test_the_setting_takes_yes_and_no_words(ledger_path, word, shown):
    out = run(ledger_path, "settings", "require_verification", word).stdout
    assert f"require_verification = {shown}" in out.splitlines()


@pytest.mark.parametrize("word", ["2", "0.5", "maybe", ""])
def test_the_setting_refuses_anything_else(ledger_path, word):
    result = run(ledger_path, "settings", "require_verification", word, code=2)
    assert "require_verification" in result.output and "Traceback" not in result.output
    assert "require_verification = 0" in run(ledger_path, "settings").stdout


def test_off_by_default_a_figure_counts_at_once(ledger_path):
    assert "require_verification = 0" in run(ledger_path, "settings").stdout
    out = run(ledger_path, "record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30").stdout
    assert "待复核" not in out
    row = status(ledger_path)["coal-output"]
    assert row["latest"] == 1.07 and row["pending"] == 0
    assert pending(ledger_path) == []
    assert history(ledger_path)[0]["review"] is None
    refused = run(ledger_path, "verify", "1", "--by", "王五", code=2)
    assert "无需复核" in refused.output


# --- the Done-when line --------------------------------------------------------------------------


def test_a_submitted_figure_counts_once_another_person_verifies_it(office):
    before = status(office)
    said = run(office, "record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30", "--by", "李四")
    assert "待复核" in said.stdout

    waiting = status(office)
    assert waiting["coal-output"]["latest"] is None and waiting["coal-output"]["pending"] == 1
    assert {k: v["status"] for k, v in waiting.items()} == {
        k: v["status"] for k, v in before.items()
    }
    [listed] = pending(office)
    assert (listed["id"], listed["target"], listed["value"], listed["as_of"], listed["by"]) == (
        1, "coal-output", 1.07, "2024-09-30", "李四"
    )  # fmt: skip

    # overdue says so too: the department has reported, the office has not checked
    listing = run(office, "overdue", "--as-of", "2024-10-31", "--only", "预警", "-f", "json")
    [coal] = [r for r in json.loads(listing.stdout) if r["id"] == "coal-output"]
    assert coal["pending"] == 1
    table = run(office, "overdue", "--as-of", "2024-10-31", "--only", "预警").stdout
    assert "1 条实绩待复核，未计入" in table

    # the recorder may not verify their own figure: one line, exit 2, nothing written
    held = office.read_bytes()
    refused = run(office, "verify", "1", "--by", "李四", code=2)
    assert len(refused.output.strip().splitlines()) == 1 and "录入人以外" in refused.output
    assert office.read_bytes() == held and status(office)["coal-output"]["latest"] is None

    done = run(office, "verify", "1", "--by", "王五")
    assert "复核通过 #1" in done.stdout and "王五" in done.stdout
    counted = status(office)["coal-output"]
    assert counted["latest"] == 1.07 and counted["latest_as_of"] == "2024-09-30"
    assert counted["completion"] == pytest.approx(1.07 / 1.4, abs=1e-4)
    assert counted["pending"] == 0 and pending(office) == []
    assert history(office)[0]["review"] == "verified"

    again = run(office, "verify", "1", "--by", "赵六", code=2)
    assert "已由 王五 复核通过" in again.output


def test_a_rejected_figure_never_counts(office):
    run(office, "record", "coal-output", "0.8亿吨", "--as-of", "2024-07-31", "--by", "李四")
    run(office, "verify", "1", "--by", "王五")
    run(office, "record", "coal-output", "1.7亿吨", "--as-of", "2024-09-30", "--by", "李四")
    assert "--reason" in run(office, "verify", "2", "--by", "王五", "--reject", code=2).output

    out = run(
        office, "verify", "2", "--by", "王五", "--reject", "--reason", "与统计月报不符"
    ).stdout
    assert "退回 #2" in out and "与统计月报不符" in out
    row = status(office)["coal-output"]
    assert (row["latest"], row["latest_as_of"], row["pending"]) == (0.8, "2024-07-31", 0)
    assert pending(office) == []
    assert "已由 王五 退回" in run(office, "verify", "2", "--by", "赵六", code=2).output
    # the department reports the right figure for the same date: no conflict with the rejected one
    run(office, "record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30", "--by", "李四")
    run(office, "verify", "3", "--by", "王五")
    assert status(office)["coal-output"]["latest"] == 1.07
    assert [r["review"] for r in history(office)] == ["verified", "rejected", "verified"]


def test_a_voided_or_voiding_record_is_not_verified(office):
    run(office, "record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30", "--by", "李四")
    run(office, "void", "1", "--reason", "报错了", "--by", "李四")
    assert pending(office) == []
    assert "已作废" in run(office, "verify", "1", "--by", "王五", code=2).output
    assert "作废记录" in run(office, "verify", "2", "--by", "王五", code=2).output
    assert "没有记录 9" in run(office, "verify", "9", "--by", "王五", code=2).output


def test_the_setting_decides_when_a_record_is_made(ledger_path):
    run(ledger_path, "record", "coal-output", "0.8亿吨", "--as-of", "2024-07-31")
    run(ledger_path, "settings", "require_verification", "on")
    assert status(ledger_path)["coal-output"]["latest"] == 0.8  # made while off: counts
    run(ledger_path, "record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30", "--by", "李四")
    run(ledger_path, "settings", "require_verification", "off")
    row = status(ledger_path)["coal-output"]  # made while on: still waits
    assert (row["latest"], row["pending"]) == (0.8, 1)
    run(ledger_path, "verify", "2", "--by", "王五")
    assert status(ledger_path)["coal-output"]["latest"] == 1.07


def test_a_resubmitted_figure_is_a_duplicate_and_a_correction_replaces_it(office):
    run(office, "record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30", "--by", "李四")
    assert "未重复记录" in run(office, "record", "coal-output", "1.07亿吨", "--as-of",
                               "2024-09-30").stdout  # fmt: skip
    refused = run(office, "record", "coal-output", "1.1亿吨", "--as-of", "2024-09-30", code=2)
    assert "--replace" in refused.output
    run(office, "record", "coal-output", "1.1亿吨", "--as-of", "2024-09-30", "--replace",
        "--by", "李四")  # fmt: skip
    assert [r["id"] for r in pending(office)] == [2]  # the first one voided, the correction waits


# --- every path waits ----------------------------------------------------------------------------


def test_csv_figures_wait_and_twice_adds_nothing(office, tmp_path):
    csv = tmp_path / "9月.csv"
    csv.write_text(
        "target,value,as_of,by\ncoal-output,1.07亿吨,2024-09-30,李四\n"
        "urban-jobs,0.8,2024-09-30,张三\n",
        encoding="utf-8",
    )
    assert "待复核" in run(office, "record", "--file", str(csv)).stdout
    run(office, "record", "--file", str(csv))
    assert [(r["target"], r["by"]) for r in pending(office)] == [
        ("coal-output", "李四"), ("urban-jobs", "张三")
    ]  # fmt: skip
    assert status(office)["urban-jobs"]["latest"] is None
    run(office, "verify", "2", "--by", "李四")  # 李四 may verify 张三's figure
    rows = status(office)
    assert rows["urban-jobs"]["latest"] == 0.8 and rows["coal-output"]["pending"] == 1


def test_a_filled_template_waits(office, tmp_path):
    template = tmp_path / "报送表.xlsx"
    run(office, "export", "--template", "--as-of", "2024-10-08", "-o", str(template))
    book = openpyxl.load_workbook(template)
    sheet = book["报送表"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=4) if r[0].value == "coal-output")
    sheet[f"H{row}"], sheet[f"E{row}"] = "1.07", "2024-09-30"
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    run(office, "record", "--file", str(filled))
    run(office, "record", "--file", str(filled))
    assert [r["target"] for r in pending(office)] == ["coal-output"]
    assert status(office)["coal-output"]["latest"] is None


def test_narrative_figures_added_together_wait(office):
    with Ledger.open(office) as ledger:
        ledger.add_records(
            [NewRecord("coal-output", 1.07, date(2024, 9, 30), by="李四", progress="按月推进")]
        )
    assert [r["target"] for r in pending(office)] == ["coal-output"]


# --- verdicts travel ------------------------------------------------------------------------------


def comparable(records: list[dict]) -> dict[str, tuple]:
    return {r["uuid"]: (r["target"], r["value"], r["as_of"], r["by"], r["review"]) for r in records}


def test_export_and_import_carry_verdicts_and_twice_adds_nothing(office, tmp_path):
    run(office, "record", "coal-output", "0.8亿吨", "--as-of", "2024-07-31", "--by", "李四")
    run(office, "record", "coal-output", "1.7亿吨", "--as-of", "2024-09-30", "--by", "李四")
    run(office, "record", "urban-jobs", "0.8", "--as-of", "2024-09-30", "--by", "张三")
    run(office, "verify", "1", "--by", "王五")
    run(office, "verify", "2", "--by", "王五", "--reject", "--reason", "与统计月报不符")
    exported = tmp_path / "office.jsonl"
    run(office, "export-records", str(exported))
    lines = [json.loads(line) for line in exported.read_text("utf-8").splitlines()]
    verdicts = [line for line in lines if "verdict" in line]
    assert [(v["verdict"], v["by"], v["reason"]) for v in verdicts] == [
        ("verified", "王五", None), ("rejected", "王五", "与统计月报不符")
    ]  # fmt: skip
    assert verdicts[0]["verifies"] == lines[0]["uuid"] and all(line["uuid"] for line in verdicts)
    assert [line["submitted"] for line in lines[:3]] == [True, True, True]

    laptop = new_ledger(tmp_path / "laptop.db", verifying=False)
    assert "导入 5 条" in run(laptop, "import-records", str(exported)).stdout
    held = laptop.read_bytes()
    second = run(laptop, "import-records", str(exported)).stdout
    assert "导入 0 条" in second and "5 条已在台账中" in second
    assert laptop.read_bytes() == held

    assert comparable(history(laptop)) == comparable(history(office))
    mine, theirs = status(laptop), status(office)
    for key in ("latest", "latest_as_of", "status", "pending"):
        assert {k: v[key] for k, v in mine.items()} == {k: v[key] for k, v in theirs.items()}
    assert mine["coal-output"]["latest"] == 0.8 and mine["urban-jobs"]["pending"] == 1
    # the figure that still waits can be verified in the other ledger, and travels back
    run(laptop, "verify", "3", "--by", "王五")
    back = tmp_path / "laptop.jsonl"
    run(laptop, "export-records", str(back))
    assert "导入 1 条" in run(office, "import-records", str(back)).stdout
    assert status(office)["urban-jobs"]["latest"] == 0.8


def test_a_department_s_figures_wait_in_the_office(tmp_path, office):
    department = new_ledger(tmp_path / "dept.db", verifying=False)
    run(department, "record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30", "--by", "李四")
    assert status(department)["coal-output"]["latest"] == 1.07
    sent = tmp_path / "dept.jsonl"
    run(department, "export-records", str(sent))
    run(office, "import-records", str(sent))
    assert status(office)["coal-output"]["latest"] is None
    assert [r["by"] for r in pending(office)] == ["李四"]


def test_a_conflicting_or_self_verdict_refuses_the_file(tmp_path, office):
    run(office, "record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30", "--by", "李四")
    exported = tmp_path / "office.jsonl"
    run(office, "export-records", str(exported))
    other = tmp_path / "other.db"
    other.write_bytes(office.read_bytes())
    run(office, "verify", "1", "--by", "王五")
    run(other, "verify", "1", "--by", "赵六", "--reject", "--reason", "缺佐证")
    run(office, "export-records", str(exported))
    held = other.read_bytes()
    refused = run(other, "import-records", str(exported), code=2)
    assert "已退回" in refused.output and "复核通过" in refused.output
    assert other.read_bytes() == held

    record = json.loads(exported.read_text("utf-8").splitlines()[0])
    selfish = tmp_path / "self.jsonl"
    verdict = {"uuid": "0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "verifies": record["uuid"],
               "verdict": "verified", "by": "李四", "at": "2024-10-08T01:00:00+00:00",
               "reason": None}  # fmt: skip
    selfish.write_text(json.dumps(record) + "\n" + json.dumps(verdict) + "\n", encoding="utf-8")
    third = new_ledger(tmp_path / "third.db", verifying=True)
    refused = run(third, "import-records", str(selfish), code=2)
    assert "第 2 行" in refused.output and "就是录入人" in refused.output
    assert history(third) == []

    long = tmp_path / "long.jsonl"
    verdict |= {"by": "王五", "verdict": "rejected", "reason": "缺佐证" * 2000}  # 6,000 characters
    long.write_text(json.dumps(record) + "\n" + json.dumps(verdict) + "\n", encoding="utf-8")
    refused = run(third, "import-records", str(long), code=2)
    assert "第 2 行" in refused.output and "reason" in refused.output and "4000" in refused.output
    assert history(third) == []


# --- what the office sees ------------------------------------------------------------------------


def test_pending_by_owner_and_as_csv(office):
    run(office, "assign", "coal-output", "--owner", "盟能源局")
    run(office, "assign", "urban-jobs", "--owner", "盟人社局")
    run(office, "record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30", "--by", "李四")
    run(office, "record", "urban-jobs", "0.8", "--as-of", "2024-09-30", "--by", "张三")
    assert [r["target"] for r in pending(office, "--owner", "盟人社局")] == ["urban-jobs"]
    csv = run(office, "pending", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("id,target,indicator,value,unit,as_of,by,recorded_at")
    assert len(csv) == 3
    table = run(office, "pending").stdout
    assert "煤炭产量" in table and "共 2 条待复核" in table


def test_the_status_table_marks_waiting_figures_only_when_some_wait(office, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    plain = run(office, "status", "--as-of", DAY).stdout
    assert "待复核" not in plain
    run(office, "record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30", "--by", "李四")
    marked = run(office, "status", "--as-of", DAY).stdout
    assert "1 条实绩待复核" in marked and "1 条实绩待复核，未计入" in marked.splitlines()[-1]
    assert max(len(line) for line in marked.splitlines()) <= 80  # ASCII-only lines at most
    from rich.cells import cell_len

    assert max(cell_len(line) for line in marked.splitlines()) <= 80


# --- the rule, and the store's latest figure against a plain oracle ------------------------------


def _record(**changes) -> Record:
    base = dict(id=7, uuid="u", target="t", value=1.0, unit="", as_of=date(2024, 6, 30),
                recorded_at="", by="李四", source=None, note=None, voids=None, voided=False,
                submitted=True)  # fmt: skip
    return Record(**(base | changes))


@pytest.mark.parametrize(
    ("changes", "by", "reject", "reason", "words"),
    [
        ({}, "王五", False, None, None),
        ({}, "王五", True, "不符", None),
        ({}, " 李四 ", False, None, "录入人以外"),
        ({"by": "Li"}, "li", False, None, "录入人以外"),
        ({}, "王五", True, "  ", "--reason"),
        ({"submitted": False}, "王五", False, None, "无需复核"),
        ({"voided": True}, "王五", False, None, "已作废"),
        ({"voids": 3, "value": None}, "王五", False, None, "作废记录"),
    ],
)
def test_refusal(changes, by, reject, reason, words):
    found = refusal(_record(**changes), None, by, reject, reason)
    assert (found is None) if words is None else (words in found)


def test_the_store_s_latest_figure_counts_only_verified_submissions(office):
    """Random records, some waiting, verified, rejected or voided: the latest figure status uses
    is, for every as-of date, the one this test picks by the written rule."""
    rng = random.Random(13)
    print("seed 13")
    kept: list[dict] = []
    with Ledger.open(office) as ledger:
        for n in range(120):
            submitted = rng.random() < 0.7
            day = date(2024, rng.randint(1, 10), rng.choice([10, 20, 28]))
            with ledger.write():
                record_id = ledger.insert_record(
                    ledger.target("coal-output").report, "coal-output",
                    float(n), "亿吨", day, by="李四", submitted=submitted,
                )  # fmt: skip
            fate = rng.choice(["wait", "verified", "rejected", "voided", "plain"])
            if submitted and fate in ("verified", "rejected"):
                from xlgl.verification import judge

                judge(ledger, record_id, by="王五", reject=fate == "rejected", reason="x")
            if fate == "voided":
                ledger.void(record_id, "x", "李四")
            counts = fate != "voided" and (not submitted or fate == "verified")
            kept.append({"id": record_id, "as_of": day, "value": float(n), "counts": counts})
        for month in range(1, 12):
            as_of = date(2024, month, 15)
            live = [k for k in kept if k["counts"] and k["as_of"] <= as_of]
            expected = max(live, key=lambda k: (k["as_of"], k["id"]))["value"] if live else None
            got = ledger.latest_values(as_of).get((ledger.target("coal-output").report,
                                                   "coal-output"))  # fmt: skip
            assert (got.value if got else None) == expected, as_of
