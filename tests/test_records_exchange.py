"""Records travel between ledgers as JSON lines keyed by UUID (issue 5): importing the same file
twice adds nothing; voids travel by the voided record's UUID; a file with any bad line — a target
the receiving ledger lacks, among others — is refused whole (exit 2) naming every bad line."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlgl.cli import app

MINI_SEED = Path(__file__).parent / "data" / "mini-seed.toml"


def xlgl(db: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    assert result.exit_code == code, (args, result.output, result.exception)
    return result


def history(db: Path) -> list[dict]:
    return json.loads(xlgl(db, "history", "--format", "json").stdout)


@pytest.fixture
def laptop(tmp_path) -> Path:
    """A department's ledger: three figures, one of them voided."""
    db = tmp_path / "laptop.db"
    xlgl(db, "init", "--seed", str(MINI_SEED))
    xlgl(db, "record", "coal-output", "1.07亿吨", "--as-of", "2024-09-30", "--source", "月报")
    xlgl(db, "record", "urban-jobs", "0.62", "--as-of", "2024-06-30", "--note", "上半年")
    xlgl(db, "record", "coal-output", "0.9亿吨", "--as-of", "2024-08-31")
    xlgl(db, "void", "3", "--reason", "重复报送")
    return db


@pytest.fixture
def office(tmp_path) -> Path:
    db = tmp_path / "office.db"
    xlgl(db, "init", "--seed", str(MINI_SEED))
    xlgl(db, "record", "gdp-growth", "5.1", "--as-of", "2024-06-30")
    return db


def comparable(records: list[dict]) -> dict[str, tuple]:
    by_id = {r["id"]: r["uuid"] for r in records}
    return {
        r["uuid"]: (r["target"], r["value"], r["as_of"], r["recorded_at"], r["by"], r["source"],
                    r["note"], by_id.get(r["voids"]), r["voided"])
        for r in records
    }  # fmt: skip


def test_records_move_between_ledgers_once(laptop, office, tmp_path):
    exported = tmp_path / "laptop.jsonl"
    xlgl(laptop, "export-records", str(exported))
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 4 and lines[3]["voids"] == lines[2]["uuid"] and lines[3]["value"] is None

    first = xlgl(office, "import-records", str(exported))
    assert "导入 4 条" in first.stdout
    before = office.read_bytes()
    second = xlgl(office, "import-records", str(exported))
    assert "导入 0 条" in second.stdout and "4 条已在台账中" in second.stdout
    assert office.read_bytes() == before

    merged = comparable(history(office))
    laptop_records = comparable(history(laptop))
    assert len(merged) == 5
    assert {u: merged[u] for u in laptop_records} == laptop_records  # voids kept, by UUID

    # and back: the office's own record reaches the laptop; the laptop's come back as nothing new
    back = tmp_path / "office.jsonl"
    xlgl(office, "export-records", str(back))
    assert "导入 1 条" in xlgl(laptop, "import-records", str(back)).stdout
    assert comparable(history(laptop)) == comparable(history(office))


def test_status_after_import_counts_the_void(laptop, office, tmp_path):
    exported = tmp_path / "laptop.jsonl"
    xlgl(laptop, "export-records", str(exported))
    xlgl(office, "import-records", str(exported))
    rows = json.loads(xlgl(office, "status", "--as-of", "2024-09-30", "-f", "json").stdout)
    coal = next(r for r in rows if r["id"] == "coal-output")
    assert coal["latest"] == 1.07


def test_a_record_for_a_target_the_ledger_lacks_rejects_the_whole_file(laptop, tmp_path):
    exported = tmp_path / "laptop.jsonl"
    xlgl(laptop, "export-records", str(exported))
    lines = exported.read_text(encoding="utf-8").splitlines()
    foreign = json.loads(lines[0]) | {"uuid": "0b9f4c1e-59a4-4d6b-9a8e-3b0f3c2b6a11", "target": "x"}
    exported.write_text("\n".join([*lines, json.dumps(foreign)]) + "\n", encoding="utf-8")

    other = tmp_path / "other.db"
    xlgl(other, "init", "--seed", str(MINI_SEED))
    before = other.read_bytes()
    result = xlgl(other, "import-records", str(exported), code=2)
    assert "第 5 行" in result.stderr and "“x”" in result.stderr
    assert len(result.stderr.splitlines()) == 2
    assert other.read_bytes() == before


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "不是 JSON"),
        ("[1, 2]", "不是 JSON 对象"),
        ('{"uuid": "nope", "target": "coal-output", "as_of": "2024-01-01", "recorded_at": "2024-01-02T00:00:00+00:00",'
         ' "value": 1}', "不是 UUID"),
        ('{"uuid": "0b9f4c1e-59a4-4d6b-9a8e-3b0f3c2b6a12", "target": "coal-output",'
         ' "as_of": "2024-13-01", "recorded_at": "2024-01-02T00:00:00+00:00", "value": 1}', "ISO 日期"),
        ('{"uuid": "0b9f4c1e-59a4-4d6b-9a8e-3b0f3c2b6a13", "target": "coal-output",'
         ' "as_of": "2024-01-01", "recorded_at": "2024-01-02T00:00:00+00:00", "value": "1.07亿吨"}', "须为数字"),
        ('{"uuid": "0b9f4c1e-59a4-4d6b-9a8e-3b0f3c2b6a14", "target": "coal-output",'
         ' "as_of": "2024-01-01", "recorded_at": "2024-01-02T00:00:00+00:00", "value": null,'
         ' "voids": "0b9f4c1e-59a4-4d6b-9a8e-3b0f3c2b6a15"}', "既不在本台账中"),
        ('{"uuid": "0b9f4c1e-59a4-4d6b-9a8e-3b0f3c2b6a16", "target": "coal-output",'
         ' "as_of": "2024-01-01", "recorded_at": "2024-01-02T00:00:00+00:00", "value": 1, "unit": "万吨"}', "单位"),
    ],
)  # fmt: skip
def test_bad_lines_are_named_and_nothing_is_imported(office, tmp_path, line, reason):
    good = (
        '{"uuid": "0b9f4c1e-59a4-4d6b-9a8e-3b0f3c2b6a17", "target": "urban-jobs",'
        ' "as_of": "2024-03-31", "recorded_at": "2024-04-01T00:00:00+00:00", "value": 0.3}'
    )
    path = tmp_path / "in.jsonl"
    path.write_text(f"{good}\n{line}\n", encoding="utf-8")
    before = office.read_bytes()
    result = xlgl(office, "import-records", str(path), code=2)
    assert "第 2 行" in result.stderr and reason in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert office.read_bytes() == before


def test_a_changed_record_under_a_known_uuid_is_refused(laptop, tmp_path):
    exported = tmp_path / "laptop.jsonl"
    xlgl(laptop, "export-records", str(exported))
    first = json.loads(exported.read_text(encoding="utf-8").splitlines()[0])
    exported.write_text(json.dumps(first | {"value": 99.0}) + "\n", encoding="utf-8")
    result = xlgl(laptop, "import-records", str(exported), code=2)
    assert "内容不同" in result.stderr


def test_export_to_stdout_and_import_from_stdin(laptop, office):
    out = xlgl(laptop, "export-records", "-").stdout
    result = CliRunner().invoke(app, ["--db", str(office), "import-records", "-"], input=out)
    assert result.exit_code == 0, result.output
    assert "导入 4 条" in result.stdout
