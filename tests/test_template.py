"""The 报送表 (issue 13 part 1): written protected, filled as a department would with openpyxl, read
back cell by cell; bad cells, moved rows and foreign workbooks refused; figures checked through
the one figure check; and the CSV import's Chinese headers."""

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from xlgl.errors import InputError, RowErrors
from xlgl.model import Target
from xlgl.progress import evaluate
from xlgl.recording import ADD, DUPLICATE, FigureBook
from xlgl.template_read import added, filled_to_records, read_template
from xlgl.template_write import TemplateRow, period_to_report, template_rows, write_template

AS_OF = date(2024, 10, 8)
INPUT_COLUMNS = "EHIJKLM"  # 截至, 实绩, 进展情况, 存在问题, 下步措施, 佐证材料, 填报人

COAL = Target(
    "coal-output", "煤炭产量", "flow", "approx", 14000, "万吨", frequency="month", report="r24"
)
GDP = Target("gdp-growth", "地区生产总值增速", "growth", "approx", 6, "%", frequency="quarter")
FIRMS = Target(
    "hitech-firms", "高新技术企业", "level", "reach", 55, "户", also_units=("家",), report="r24"
)


def _rows(count: int = 10) -> list[TemplateRow]:
    rows = [
        TemplateRow("coal-output", "煤炭产量", "1.4亿吨左右", "万吨", date(2024, 9, 30),
                    9800.0, date(2024, 8, 31), "盟能源局", date(2024, 10, 28)),
        TemplateRow("gdp-growth", "地区生产总值增速", "6%左右", "%", date(2024, 9, 30)),
        TemplateRow("hitech-firms", "高新技术企业", "55户", "户", date(2024, 9, 30)),
    ]  # fmt: skip
    rows += [
        TemplateRow(f"t-{n}", f"指标{n}", "10个", "个", date(2024, 9, 30))
        for n in range(count - len(rows))
    ]
    return rows


@pytest.fixture
def template(tmp_path) -> Path:
    path = tmp_path / "报送表.xlsx"
    write_template(path, _rows(), report_key="r24", as_of=AS_OF, owner="盟能源局")
    return path


def _fill(path: Path, cells: dict[str, object], out: Path | None = None) -> Path:
    """Fill cells of 报送表 the way a department's Excel would save them."""
    book = openpyxl.load_workbook(path)
    sheet = book["报送表"]
    for ref, value in cells.items():
        sheet[ref] = value
    out = out or path.with_name("filled.xlsx")
    book.save(out)
    return out


def test_a_filled_template_reads_back_every_field(template):
    filled = _fill(
        template,
        {
            "H4": "1.07亿吨",
            "I4": "1—9月煤炭产量稳步增长",
            "J4": "部分煤矿安全检查停产",
            "K4": "督促复产",
            "L4": "锡能源发〔2024〕12号",
            "M4": "王丽",
            "H5": 5.8,
            "E5": "2024年6月",
            "H6": "50家",
            "E6": datetime(2024, 8, 31),
            "I8": "只报进展",  # row 8 (t-1): narrative only
        },
    )
    read = read_template(filled)
    assert read.report_key == "r24" and read.version == "1" and read.as_of == AS_OF
    assert [r.row for r in read.rows] == [4, 5, 6, 8]  # empty rows skipped
    coal, gdp, firms, narrative = read.rows
    assert (coal.target, coal.value, coal.as_of, coal.by) == (
        "coal-output",
        "1.07亿吨",
        date(2024, 9, 30),
        "王丽",
    )
    assert coal.progress == "1—9月煤炭产量稳步增长"
    assert coal.problems == "部分煤矿安全检查停产"
    assert coal.next_steps == "督促复产"
    assert coal.evidence == "锡能源发〔2024〕12号"
    assert coal.cell("实绩") == "报送表!H4"
    assert (gdp.target, gdp.value, gdp.as_of, gdp.by) == (
        "gdp-growth",
        "5.8",
        date(2024, 6, 30),
        None,
    )
    assert (firms.value, firms.as_of) == ("50家", date(2024, 8, 31))
    assert (narrative.target, narrative.value, narrative.progress) == ("t-1", None, "只报进展")


def test_the_sheet_shows_the_office_columns_and_the_last_figure(template):
    sheet = openpyxl.load_workbook(template)["报送表"]
    assert [c.value for c in sheet[3]] == [
        "编号", "指标", "目标", "单位", "截至", "上次实绩", "上次截至",
        "实绩", "进展情况", "存在问题", "下步措施", "佐证材料", "填报人",
    ]  # fmt: skip
    assert "盟能源局" in sheet["A2"].value and "2024年10月28日前" in sheet["A2"].value
    assert [c.value for c in sheet[4]][:7] == [
        "coal-output",
        "煤炭产量",
        "1.4亿吨左右",
        "万吨",
        datetime(2024, 9, 30),
        9800,
        datetime(2024, 8, 31),
    ]
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$3:$3"
    assert all(c.font.sz >= 9 for c in sheet[4])


def test_only_the_input_cells_are_unlocked(template):
    book = openpyxl.load_workbook(template)
    sheet = book["报送表"]
    assert sheet.protection.sheet and not sheet.protection.password
    for row in (4, 13):
        for column in "ABCDEFGHIJKLM":
            locked = sheet[f"{column}{row}"].protection.locked
            assert locked == (column not in INPUT_COLUMNS), f"{column}{row}"
    assert sheet["A3"].protection.locked and sheet["A1"].protection.locked
    assert book["_xlgl"].sheet_state == "veryHidden"
    kinds = {str(v.sqref): v.type for v in sheet.data_validations.dataValidation}
    assert kinds == {"E4:E13": "date", "H4:H13": None}  # 实绩 takes text with units


def test_a_bad_cell_rejects_the_file_naming_the_cell(template):
    filled = _fill(template, {"H4": "1.07亿吨", "H12": "abc", "E13": "九月底", "H13": "3"})
    with pytest.raises(RowErrors) as caught:
        read_template(filled)
    lines = caught.value.lines
    assert "未导入任何数据" in lines[0]
    assert "报送表!H12：无法识别的数字“abc”" in lines
    assert any(line.startswith("报送表!E13：无法识别的日期“九月底”") for line in lines)
    assert len(lines) == 3


def test_a_figure_without_a_date_is_refused(template):
    filled = _fill(template, {"H5": "5.8", "E5": None})
    with pytest.raises(RowErrors, match="报送表!E5：填了实绩，未填截至日期"):
        read_template(filled)


def test_invisible_characters_in_a_cell_are_shown(template):
    filled = _fill(template, {"H4": "1.07\u200b亿吨"})
    with pytest.raises(RowErrors) as caught:
        read_template(filled)
    assert "\\u200b" in caught.value.lines[1] and "\u200b" not in str(caught.value)


def test_moved_rows_are_refused(template):
    book = openpyxl.load_workbook(template)
    sheet = book["报送表"]
    first = [c.value for c in sheet[4]]
    second = [c.value for c in sheet[5]]
    for column, (a, b) in enumerate(zip(first, second, strict=True), start=1):
        sheet.cell(4, column).value, sheet.cell(5, column).value = b, a  # sorted by a liaison
    sheet["H4"] = "5.8"
    book.save(template.with_name("sorted.xlsx"))
    with pytest.raises(RowErrors) as caught:
        read_template(template.with_name("sorted.xlsx"))
    assert "报送表!A4：编号“gdp-growth”与导出时的“coal-output”不符" in caught.value.lines


def test_an_added_row_is_refused(template):
    filled = _fill(template, {"A20": "coal-output", "H20": "1.1亿吨"})
    with pytest.raises(RowErrors, match="报送表!A20：导出时没有这一行"):
        read_template(filled)


def test_a_foreign_workbook_is_refused(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "报送表"
    book.active["A4"], book.active["H4"] = "coal-output", "1.07亿吨"
    book.save(tmp_path / "other.xlsx")
    with pytest.raises(InputError, match="不是 xlgl 导出的报送表"):
        read_template(tmp_path / "other.xlsx")
    (tmp_path / "text.xlsx").write_text("target,value,as_of\n")
    with pytest.raises(InputError, match="不是 xlsx 工作簿"):
        read_template(tmp_path / "text.xlsx")
    with pytest.raises(InputError, match="找不到文件"):
        read_template(tmp_path / "missing.xlsx")


def test_another_template_version_is_refused(template):
    book = openpyxl.load_workbook(template)
    book["_xlgl"]["B1"] = "99"
    book.save(template)
    with pytest.raises(InputError, match="第 99 版报送表"):
        read_template(template)


# --- figures through the one check -------------------------------------------------------------


def _targets() -> dict[str, Target]:
    extra = {
        f"t-{n}": Target(f"t-{n}", f"指标{n}", "milestone", "reach", 10, "个") for n in range(7)
    }
    return {COAL.id: COAL, GDP.id: GDP, FIRMS.id: FIRMS, **extra}


def test_filled_rows_become_checked_figures_and_twice_adds_nothing(template):
    filled = read_template(
        _fill(
            template,
            {"H4": "1.07亿吨", "I4": "稳步增长", "M4": "王丽", "H6": "50家", "I7": "有进展"},
        )
    )
    book = FigureBook(today=AS_OF)
    records = filled_to_records(filled, _targets(), book, default_by="督查室")
    coal, firms, narrative = records
    assert (coal.target, coal.value, coal.as_of, coal.by, coal.progress) == (
        "coal-output",
        10700,
        date(2024, 9, 30),
        "王丽",
        "稳步增长",
    )
    assert coal.verdict.action == ADD
    assert (firms.value, firms.by) == (50, "督查室")  # 家 is written for this 户 target, 1:1
    assert narrative.value is None and narrative.verdict is None
    assert [r.target for r in added(records)] == ["coal-output", "hitech-firms"]

    again = filled_to_records(filled, _targets(), book)  # the book now holds the first import
    assert [r.verdict.action for r in again if r.verdict] == [DUPLICATE, DUPLICATE]
    assert added(again) == []


def test_a_figure_the_check_refuses_names_its_cell(template):
    filled = read_template(
        _fill(template, {"H4": "1.07万千瓦", "H5": "0.058", "E6": date(2024, 12, 31), "H6": "50"})
    )
    book = FigureBook(today=AS_OF)
    book.know(GDP, date(2024, 9, 30), 5.5)
    with pytest.raises(RowErrors) as caught:
        filled_to_records(filled, _targets(), book)
    lines = caught.value.lines
    assert len(lines) == 4 and "3 处错误" in lines[0]
    assert lines[1].startswith("报送表!H4：") and "不能换算" in lines[1]
    assert lines[2].startswith("报送表!H5：") and "像是把百分数写成了小数" in lines[2]
    assert lines[3].startswith("报送表!H6：") and "晚于今天" in lines[3]


def test_an_unknown_target_names_the_id_cell(template):
    filled = read_template(_fill(template, {"H4": "1.07亿吨"}))
    with pytest.raises(RowErrors, match="报送表!A4：台账中没有目标“coal-output”"):
        filled_to_records(filled, {}, FigureBook(today=AS_OF))


# --- rows from the ledger's evaluation ---------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "as_of", "period"),
    [
        ("month", date(2024, 10, 8), date(2024, 9, 30)),
        ("month", date(2024, 10, 31), date(2024, 10, 31)),
        ("quarter", date(2024, 10, 8), date(2024, 9, 30)),
        ("quarter", date(2024, 9, 29), date(2024, 6, 30)),
        ("half", date(2024, 10, 8), date(2024, 6, 30)),
        ("year", date(2024, 10, 8), date(2024, 9, 30)),
        ("event", date(2024, 3, 2), date(2024, 2, 29)),
        ("month", date(2024, 1, 10), date(2024, 1, 31)),  # before the first period end
        ("quarter", date(2024, 2, 10), date(2024, 3, 31)),
        ("month", date(2025, 3, 10), date(2024, 12, 31)),  # after the due date
    ],
)
def test_the_period_to_report(frequency, as_of, period):
    target = Target("x", "x", "flow", "reach", 10, "个", frequency=frequency)
    assert period_to_report(target, as_of) == period


def test_template_rows_from_status_rows():
    # a monthly figure published 20 days after its month: the sheet of 10-08 asks for 1-9月,
    # due 09-30 + 20 days, whatever earlier month is still missing (not the overdue January's 02-20)
    coal = Target(
        "coal-output", "煤炭产量", "flow", "approx", 14000, "万吨", frequency="month", lag_days=20
    )
    (made,) = template_rows([evaluate(coal, None, AS_OF)])
    assert made == TemplateRow(
        "coal-output", "煤炭产量", "14000万吨左右", "万吨", date(2024, 9, 30), None, None, None,
        date(2024, 10, 20),
    )  # fmt: skip


def test_an_event_target_has_no_report_due_of_its_own():
    start = Target("uhv-start", "特高压三期开工", "milestone", "reach", 1, "个", frequency="event")
    (made,) = template_rows([evaluate(start, None, AS_OF)])
    assert made.report_due is None


# --- CSV with Chinese headers ------------------------------------------------------------------


def _history(xlgl) -> list[dict]:
    result = xlgl("history", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize(
    "header",
    ["指标,实绩,截至日期,单位,来源,备注,填报人", "目标编号,数值,截至,单位,来源,备注,填报人"],
)
def test_csv_with_chinese_headers_imports(xlgl, tmp_path, header):
    path = tmp_path / "9月.csv"
    path.write_text(
        f"{header}\ncoal-output,1.07,2024-09-30,亿吨,自治区统计局,1—9月,王丽\n",
        encoding="utf-8-sig",
    )
    result = xlgl("record", "--file", str(path))
    assert result.exit_code == 0, result.output
    (record,) = _history(xlgl)
    assert (record["target"], record["value"], record["as_of"]) == (
        "coal-output",
        1.07,
        "2024-09-30",
    )
    assert (record["source"], record["note"], record["by"]) == ("自治区统计局", "1—9月", "王丽")


def test_csv_with_a_duplicate_column_is_refused_naming_both(xlgl, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("target,实绩,截至,数值\ncoal-output,1.07,2024-09-30,1.1\n", encoding="utf-8")
    result = xlgl("record", "--file", str(path))
    assert result.exit_code == 2
    assert "“实绩”与“数值”重复" in result.output
    assert _history(xlgl) == []


def test_csv_shows_invisible_characters_in_messages(xlgl, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text(
        "目标编号,实绩,截至\ncoal-output\u200b,1.07,2024-09-30\n\ufeffcoal-output,1.1,2024-09-30\n",
        encoding="utf-8",
    )
    result = xlgl("record", "--file", str(path))
    assert result.exit_code == 2
    assert "第 2 行：没有目标“coal-output\\u200b”" in result.output
    assert "第 3 行：没有目标“\\ufeffcoal-output”" in result.output
    assert _history(xlgl) == []


# --- the commands ------------------------------------------------------------------------------


def test_export_template_fill_and_record_it_back(xlgl, tmp_path):
    out = tmp_path / "报送表.xlsx"
    result = xlgl("export", "--template", "--as-of", "2024-10-08", "-o", str(out))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["报送表"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=4) if r[0].value == "coal-output")
    filled = _fill(out, {f"H{row}": "10700万吨", f"E{row}": "2024-09-30", f"M{row}": "王丽"})

    result = xlgl("record", "--file", str(filled))
    assert result.exit_code == 0, result.output
    assert "导入 1 条记录" in result.output
    status = json.loads(xlgl("status", "--as-of", "2024-10-08", "--format", "json").output)
    coal = next(r for r in status if r["id"] == "coal-output")
    assert (coal["latest"], coal["latest_as_of"]) == (1.07, "2024-09-30")
    (record,) = _history(xlgl)
    assert record["by"] == "王丽"

    result = xlgl("record", "--file", str(filled))  # the same file again adds nothing
    assert result.exit_code == 0, result.output
    assert "导入 0 条记录" in result.output and len(_history(xlgl)) == 1

    bad = _fill(out, {f"H{row}": "1.2亿吨", f"H{row + 1}": "abc"}, tmp_path / "bad.xlsx")
    result = xlgl("record", "--file", str(bad))
    assert result.exit_code == 2
    assert f"报送表!H{row + 1}：无法识别的数字“abc”" in result.output
    assert len(_history(xlgl)) == 1
