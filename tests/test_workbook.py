"""`xlgl export --format xlsx`: the workbook read back with openpyxl against `status --format json`."""

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlgl.words import (
    COMPARATOR_LABELS,
    FREQUENCY_LABELS,
    KIND_LABELS,
    LIGHT_LABELS,
    STATUS_LABELS,
    STATUSES,
)
from xlgl.workbook import HEADERS, PERCENT_FORMAT, RECORD_HEADERS, STATUS_FILLS, TARGET_COLUMNS

AS_OF = "2024-09-30"
FIGURES = [
    ("coal-output", "0.8亿吨", "2024-07-31"),
    ("coal-output", "1.07亿吨", "2024-09-30"),
    ("project-investment", "120", "2024-05-31"),
]


@pytest.fixture
def recorded(xlgl):
    for target, value, as_of in FIGURES:
        result = xlgl("record", target, value, "--as-of", as_of, "--source", "盟统计局")
        assert result.exit_code == 0, result.output
    return xlgl


def export(xlgl, path, *args):
    result = xlgl("export", "--format", "xlsx", "-o", str(path), "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.output
    return load_workbook(path)


def status_json(xlgl, *args):
    result = xlgl("status", "--as-of", AS_OF, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    # `pending` (figures awaiting verification, 销号) is the office's working state: not a column
    return [{k: v for k, v in row.items() if k != "pending"} for row in json.loads(result.output)]


def sheet_rows(sheet):
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    return header, [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_sheets_and_target_headers(recorded, tmp_path):
    book = export(recorded, tmp_path / "台账.xlsx")
    assert book.sheetnames == ["汇总", "目标", "记录"]
    header, _ = sheet_rows(book["目标"])
    # every column of status --format json, in Chinese, the target as the report words it, and
    # the quote last
    assert {HEADERS[name][0] for name in status_json(recorded)[0]} <= set(header)
    assert "目标" in header and header[-1] == "报告原文"
    assert header[:3] == ["编号", "章节", "指标"]
    assert {"完成率", "时间进度", "应完成", "状态", "原因"} <= set(header)
    assert book["目标"].freeze_panes == "B2"
    assert book["记录"].freeze_panes == "A2"


def test_who_answers_is_in_the_targets_sheet(recorded, tmp_path):
    """配合单位, 分管领导 and 联系人 as `assign` set them (after the printed columns)."""
    result = recorded(
        "assign", "coal-output", "--owner", "盟能源局", "--co-owner", "盟发改委",
        "--co-owner", "盟自然资源局", "--leader", "张副盟长", "--contact", "李四 0479-8888888",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    _, rows = sheet_rows(export(recorded, tmp_path / "台账.xlsx")["目标"])
    values = [{name: cell.value for name, cell in row.items()} for row in rows]
    coal = next(row for row in values if row["编号"] == "coal-output")
    assert coal["牵头单位"] == "盟能源局"
    assert coal["配合单位"] == "盟发改委、盟自然资源局"
    assert (coal["分管领导"], coal["联系人"]) == ("张副盟长", "李四 0479-8888888")
    other = next(row for row in values if row["编号"] != "coal-output")
    assert (other["配合单位"], other["分管领导"], other["联系人"]) == (None, None, None)


def test_target_rows_match_status_json(recorded, tmp_path):
    book = export(recorded, tmp_path / "台账.xlsx")
    sheet = book["目标"]
    _, rows = sheet_rows(sheet)
    expected = status_json(recorded)
    assert len(rows) == len(expected) == 10
    for row, want in zip(rows, expected, strict=True):
        for name, value in want.items():
            cell = row[HEADERS[name][0]]
            if name == "status":
                fill, ink = STATUS_FILLS[value]
                assert cell.value == STATUS_LABELS[value]
                assert cell.fill.fill_type == "solid"
                assert cell.fill.fgColor.rgb == "FF" + fill
                assert cell.font.color.rgb == "FF" + ink
            elif name == "kind":
                assert cell.value == KIND_LABELS[value]
            elif name == "comparator":
                assert cell.value == COMPARATOR_LABELS[value]
            elif name == "direction":
                assert cell.value == {"up": "越高越好", "down": "越低越好"}[value]
            elif name in ("reasons", "reason_codes"):
                assert (cell.value or "") == "；".join(value)
            elif name == "light":
                assert cell.value == LIGHT_LABELS[value]
            elif name == "frequency":
                assert cell.value == FREQUENCY_LABELS[value]
            elif name == "final":
                assert bool(cell.value) == value
            elif name in ("completion", "time_progress", "expected", "expected_at_latest"):
                assert cell.value == (pytest.approx(value) if value is not None else None), name
                assert cell.number_format == PERCENT_FORMAT
            elif name in ("start", "due", "latest_as_of", "met_on", "next_report_due") and value:
                assert isinstance(cell.value, datetime)
                assert cell.value.date().isoformat() == value
                assert cell.number_format == "yyyy-mm-dd"
            else:
                assert cell.value == value, (want["id"], name)
        assert row["报告原文"].value
        assert row["指标"].alignment.wrap_text and row["原因"].alignment.wrap_text
    quote_letter = sheet.cell(1, len(TARGET_COLUMNS)).column_letter
    assert sheet.column_dimensions[quote_letter].width >= 40
    # printed: the reader's columns, up to 原因, the header on every page
    assert sheet.print_area.endswith(
        f"${sheet.cell(1, TARGET_COLUMNS.index('reasons') + 1).column_letter}${len(rows) + 1}"
    )
    assert sheet.print_title_rows == "$1:$1"


def test_known_statuses_as_of_end_of_september(recorded, tmp_path):
    _, rows = sheet_rows(export(recorded, tmp_path / "t.xlsx")["目标"])
    by_id = {row["编号"].value: row for row in rows}
    assert by_id["key-projects-ready"]["状态"].value == "逾期"
    assert by_id["key-projects-ready"]["状态"].fill.fgColor.rgb == "FFFFC7CE"  # red
    coal = by_id["coal-output"]
    assert coal["最新实绩"].value == pytest.approx(1.07)
    assert coal["完成率"].value == pytest.approx(1.07 / 1.4, abs=1e-4)


def test_summary_counts_per_status_and_section(recorded, tmp_path):
    sheet = export(recorded, tmp_path / "t.xlsx")["汇总"]
    expected = status_json(recorded)
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    labels = {row[0]: row for row in cells if row and row[0] is not None}
    for status in STATUSES:
        count = sum(1 for row in expected if row["status"] == status)
        assert labels[STATUS_LABELS[status]][1] == count, status
    assert labels["目标总数"][1] == len(expected) == 10
    reported = [row["completion"] for row in expected if row["completion"] is not None]
    assert labels["已报送目标平均完成率"][1] == pytest.approx(
        sum(min(1, c) for c in reported) / len(reported), abs=1e-3
    )
    assert labels["全部目标平均完成率（未报送按0计）"][1] == pytest.approx(
        sum(min(1, c) for c in reported) / len(expected), abs=1e-3
    )
    header_at = next(i for i, row in enumerate(cells) if row[0] == "章节")
    header = cells[header_at]
    assert header[:2] == ["章节", "目标数"] and "逾期" in header and "预警" in header
    table = []
    for row in cells[header_at + 1 :]:
        if not row[0]:
            break
        table.append(dict(zip(header, row, strict=False)))
    for section in {row["section"] for row in expected}:
        members = [row for row in expected if row["section"] == section]
        (found,) = [r for r in table if r["章节"].startswith(section)]
        assert found["目标数"] == len(members)
        for status in STATUSES:
            if STATUS_LABELS[status] in header:
                count = sum(1 for r in members if r["status"] == status)
                assert found[STATUS_LABELS[status]] == count
    # sections by name: the marker and the topic of its first target
    assert any(r["章节"] == "（一）多措并举稳经济运行" for r in table), [r["章节"] for r in table]
    owners = next(i for i, row in enumerate(cells) if row[0] == "牵头单位")
    assert cells[owners + 1][0] == "（未明确牵头单位）" and cells[owners + 1][1] == 10
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage  # 1 × 1 (the default); LibreOffice below


def test_records_sheet_matches_history(recorded, tmp_path):
    note = recorded("record", "household-toilets", "100", "--as-of", "2024-10-31", "--note", "=1+1")
    assert note.exit_code == 0, note.output  # after the as-of date: not in the workbook
    book = export(recorded, tmp_path / "t.xlsx")
    header, rows = sheet_rows(book["记录"])
    assert header == [label for label, _, _ in RECORD_HEADERS.values()]
    assert header[:3] == ["记录号", "目标编号", "指标"] and header[-1] == "UUID"
    history = json.loads(recorded("history", "--format", "json").output)
    wanted = [r for r in history if r["as_of"] <= AS_OF]
    assert len(rows) == len(wanted) == 3
    for row, record in zip(rows, wanted, strict=True):
        assert row["UUID"].value == record["uuid"]
        assert row["目标编号"].value == record["target"]
        assert row["数值"].value == pytest.approx(record["value"])
        assert row["截至"].value.date().isoformat() == record["as_of"]
        assert row["来源"].value == "盟统计局"
        assert row["指标"].value in ("煤炭产量", "重点项目完成投资")
        # local time to the minute; history keeps UTC
        utc = datetime.fromisoformat(record["recorded_at"])
        local = utc.astimezone().replace(tzinfo=None, second=0, microsecond=0)
        assert row["录入时间"].value == local
        assert row["录入时间"].number_format == "yyyy-mm-dd hh:mm"


def test_text_that_looks_like_a_formula_stays_text(recorded, tmp_path):
    result = recorded(
        "record", "household-toilets", "100", "--as-of", "2024-08-31", "--note", "=HYPERLINK(1)"
    )
    assert result.exit_code == 0, result.output
    _, rows = sheet_rows(export(recorded, tmp_path / "t.xlsx")["记录"])
    cell = next(row["备注"] for row in rows if row["目标编号"].value == "household-toilets")
    assert cell.value == "=HYPERLINK(1)"
    assert cell.data_type == "s"


def test_filters_narrow_targets_and_records(recorded, tmp_path):
    book = export(recorded, tmp_path / "t.xlsx", "--section", "1")
    _, rows = sheet_rows(book["目标"])
    assert {row["章节"].value for row in rows} == {"（一）"}
    assert len(rows) == len(status_json(recorded, "--section", "1"))
    _, records = sheet_rows(book["记录"])
    assert {row["目标编号"].value for row in records} == {"coal-output", "project-investment"}


def test_export_needs_an_output_file(recorded):
    result = recorded("export", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "-o" in result.output


def test_unwritable_destination_is_exit_2_and_leaves_no_temp_file(recorded, tmp_path):
    result = recorded("export", "-o", str(tmp_path / "missing" / "t.xlsx"))
    assert result.exit_code == 2
    assert "无法写入" in result.output
    assert not list(tmp_path.glob(".xlgl-*"))


@pytest.mark.slow
def test_help_does_not_import_the_report_modules():
    code = (
        "import sys; from xlgl.cli import app; "
        "heavy = [m for m in ('xlsxwriter', 'openpyxl', 'xlgl.bulletin', 'xlgl.workbook', "
        "'xlgl.chart') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- texts too long for a cell -------------------------------------------------------------------


@pytest.mark.slow
def test_a_text_over_the_cell_limit_is_shortened_visibly_and_said(tmp_path):
    from datetime import date

    from xlgl.model import Actual, Record, Target
    from xlgl.progress import evaluate
    from xlgl.workbook import CELL_LIMIT, write_workbook

    day = date(2024, 9, 30)
    target = Target(id="t", indicator="指标", kind="flow", comparator="reach", value=10, unit="个")
    row = evaluate(target, Actual(5, day), day)
    note = "很长的备注" * 8000  # 40,000 characters
    record = Record(
        1, "u-1", "t", 5.0, "个", day, "2024-09-30T02:03:04+00:00", "甲", "来源", note, None, False
    )
    path = tmp_path / "t.xlsx"
    notes = write_workbook(path, [row], [record], day)
    cell = load_workbook(path)["记录"]["J2"]
    assert len(cell.value) == CELL_LIMIT
    assert cell.value.endswith("……（已截断，全文见 xlgl show）")
    assert cell.value.startswith("很长的备注很长的备注")
    assert notes == [
        "记录!J2 的文字有 40000 字，超过 Excel 单元格上限 32767 字，工作簿中已截断；全文见 xlgl show"
    ]


# --- printed, by LibreOffice ---------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
SECTIONS = ("（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）")


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail(f"{names[0]} is not installed, and CI must run the print test (.ci/run)")
    pytest.skip(f"{names[0]} is not installed")


def _page_text(pdf: Path, page: int) -> str:
    command = [_tool("pdftotext"), "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _word_heights(pdf: Path, page: int, tmp_path: Path) -> list[float]:
    out = tmp_path / f"bbox-{page}.html"
    command = [_tool("pdftotext"), "-f", str(page), "-l", str(page), "-bbox", str(pdf), str(out)]
    subprocess.run(command, check=True, capture_output=True)
    boxes = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', out.read_text())
    return [float(high) - float(low) for low, high in boxes]


@pytest.mark.slow
def test_the_workbook_prints_in_libreoffice(tmp_path):
    """汇总 on one landscape A4 page; 目标 one page wide, the header on every page, a section
    per page run, text at least 9 pt; 记录 likewise. Page images go to test-artifacts/."""
    soffice = _tool("soffice", "libreoffice")
    _tool("pdftotext")
    from typer.testing import CliRunner

    from xlgl.cli import app

    ledger = tmp_path / "ledger.db"
    runner = CliRunner()

    def run(*args: str) -> None:
        result = runner.invoke(app, ["--db", str(ledger), *args])
        assert result.exit_code == 0, result.output

    run("init", "--seed", str(REPO / "seed" / "targets-2024.toml"))
    for target, value, as_of in FIGURES:
        run("record", target, value, "--as-of", as_of, "--source", "盟统计局")
    book = tmp_path / "台账.xlsx"
    run("export", "-o", str(book), "--as-of", AS_OF)
    profile = (tmp_path / "lo-profile").as_uri()
    convert = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*convert, "--outdir", str(tmp_path), str(book)],
        capture_output=True,
        timeout=300,
        check=True,
    )
    pdf = tmp_path / "台账.pdf"
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert pages >= 3
    assert b"/MediaBox[0 0 841.8" in data.replace(b" [", b"[")  # landscape A4

    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("workbook-page-*.png"):
        old.unlink()
    images = [_tool("pdftoppm"), "-r", "60", "-png", "-l", "4", str(pdf)]
    subprocess.run(
        [*images, str(ARTIFACTS / "workbook-page")],
        check=True,
    )

    texts = [_page_text(pdf, page) for page in range(1, pages + 1)]
    summary, rest = texts[0], texts[1:]
    assert "目标任务推进情况督查通报" in summary and "说明" in summary and "牵头单位" in summary
    assert all("说明：" not in text and "目标总数" not in text for text in rest)
    records_from = next(i for i, text in enumerate(rest) if "记录号" in text)
    targets, records = rest[:records_from], rest[records_from:]
    assert len(targets) >= 7  # a page run per section at least
    for number, text in enumerate(targets, 2):
        assert "编号" in text and "原因" in text, f"page {number}: header or 原因 missing"
        assert sum(marker in text for marker in SECTIONS) <= 1, f"page {number}: two sections"
        assert min(_word_heights(pdf, number, tmp_path)) >= 9 * 1.25  # 9 pt and up
    for text in records:
        assert "记录号" in text and "备注" in text
    assert "煤炭产量" in records[0]


def test_export_says_when_it_shortened_a_text(recorded, tmp_path, monkeypatch):
    from xlgl import workbook

    monkeypatch.setattr(workbook, "CELL_LIMIT", 40)
    note = "说明" * 30  # 60 characters, over the (lowered) limit
    result = recorded("record", "household-toilets", "100", "--as-of", "2024-08-31", "--note", note)
    assert result.exit_code == 0, result.output
    path = tmp_path / "t.xlsx"
    result = recorded("export", "-o", str(path), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert (
        "的文字有 60 字，超过 Excel 单元格上限 40 字，工作簿中已截断；全文见 xlgl show"
        in result.output
    )
    _, rows = sheet_rows(load_workbook(path)["记录"])
    cell = next(row["备注"] for row in rows if row["目标编号"].value == "household-toilets")
    assert cell.value.endswith("……（已截断，全文见 xlgl show）") and len(cell.value) == 40
