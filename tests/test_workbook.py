"""`xlgl export --format xlsx`: the workbook read back with openpyxl against `status --format json`."""

import json
import subprocess
import sys
from datetime import datetime

import pytest
from openpyxl import load_workbook

from xlgl.words import STATUS_LABELS, STATUSES
from xlgl.workbook import HEADERS, PERCENT_FORMAT, RECORD_HEADERS, STATUS_FILLS

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
    return json.loads(result.output)


def sheet_rows(sheet):
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    return header, [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_sheets_and_target_headers(recorded, tmp_path):
    book = export(recorded, tmp_path / "台账.xlsx")
    assert book.sheetnames == ["汇总", "目标", "记录"]
    header, _ = sheet_rows(book["目标"])
    # the columns of status --format json, in order, in Chinese; the quote last
    expected = [HEADERS[name][0] for name in status_json(recorded)[0]] + ["报告原文"]
    assert header == expected
    assert header[:3] == ["编号", "章节", "指标"]
    assert {"完成率", "时间进度", "应完成", "状态", "原因"} <= set(header)
    assert book["目标"].freeze_panes == "B2"
    assert book["记录"].freeze_panes == "A2"


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
            elif name in ("reasons", "reason_codes"):
                assert (cell.value or "") == "；".join(value)
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
        quote = row["报告原文"]
        assert quote.value and quote.alignment.wrap_text
    # widths a person can read: the quote column wide, the id column not cramped
    assert sheet.column_dimensions["A"].width >= 15
    quote_letter = sheet.cell(1, len(HEADERS) - 1).column_letter
    assert sheet.column_dimensions[quote_letter].width >= 40


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
    assert labels["平均完成率"][1] == pytest.approx(
        sum(min(1, c) for c in reported) / len(reported), abs=1e-3
    )
    section_header = next(i for i, row in enumerate(cells) if row[0] == "章节")
    sections = {row[0]: row for row in cells[section_header + 1 :] if row[0] and row[1]}
    for section in {row["section"] for row in expected}:
        members = [row for row in expected if row["section"] == section]
        assert sections[section][1] == len(members)
        for column, status in enumerate(STATUSES, 2):
            assert sections[section][column] == sum(1 for r in members if r["status"] == status)


def test_records_sheet_matches_history(recorded, tmp_path):
    note = recorded("record", "household-toilets", "100", "--as-of", "2024-10-31", "--note", "=1+1")
    assert note.exit_code == 0, note.output  # after the as-of date: not in the workbook
    book = export(recorded, tmp_path / "t.xlsx")
    header, rows = sheet_rows(book["记录"])
    assert header == [label for label, _ in RECORD_HEADERS.values()]
    history = json.loads(recorded("history", "--format", "json").output)
    wanted = [r for r in history if r["as_of"] <= AS_OF]
    assert len(rows) == len(wanted) == 3
    for row, record in zip(rows, wanted, strict=True):
        assert row["UUID"].value == record["uuid"]
        assert row["目标编号"].value == record["target"]
        assert row["数值"].value == pytest.approx(record["value"])
        assert row["截至"].value.date().isoformat() == record["as_of"]
        assert row["来源"].value == "盟统计局"


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


def test_help_does_not_import_the_report_modules():
    code = (
        "import sys; from xlgl.cli import app; "
        "heavy = [m for m in ('xlsxwriter', 'openpyxl', 'xlgl.bulletin', 'xlgl.workbook', "
        "'xlgl.chart') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
