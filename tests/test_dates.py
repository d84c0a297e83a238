"""Dates as people write them: days, months, quarters, halves, each read as a calendar date."""

from datetime import date

import pytest

from xlgl.dates import parse_date
from xlgl.errors import InputError

CASES = [
    # days
    ("2024-09-30", None, date(2024, 9, 30)),
    ("2024/9/30", None, date(2024, 9, 30)),
    ("2024.9.30", None, date(2024, 9, 30)),
    ("20240930", None, date(2024, 9, 30)),
    ("2024年9月30日", None, date(2024, 9, 30)),
    ("２０２４年９月３０日", None, date(2024, 9, 30)),
    ("２０２４－０９－３０", None, date(2024, 9, 30)),
    # months: the month's last day
    ("2024年9月", None, date(2024, 9, 30)),
    ("2024-09", None, date(2024, 9, 30)),
    ("2024/9", None, date(2024, 9, 30)),
    ("2024年2月", None, date(2024, 2, 29)),  # leap year
    ("2023年2月", None, date(2023, 2, 28)),
    ("9月底", 2024, date(2024, 9, 30)),
    ("9月末", 2024, date(2024, 9, 30)),
    ("6月", 2024, date(2024, 6, 30)),
    ("1-9月", 2024, date(2024, 9, 30)),
    ("1—9月", 2024, date(2024, 9, 30)),
    ("2024年1-11月", None, date(2024, 11, 30)),
    ("１－６月", 2024, date(2024, 6, 30)),
    # quarters: the quarter's last day
    ("2024年三季度", None, date(2024, 9, 30)),
    ("2024年第一季度", None, date(2024, 3, 31)),
    ("2024Q3", None, date(2024, 9, 30)),
    ("2024q4", None, date(2024, 12, 31)),
    ("三季度", 2024, date(2024, 9, 30)),
    ("前三季度", 2024, date(2024, 9, 30)),
    ("二季度末", 2024, date(2024, 6, 30)),
    # halves and the year
    ("上半年", 2024, date(2024, 6, 30)),
    ("2024年上半年", None, date(2024, 6, 30)),
    ("下半年", 2024, date(2024, 12, 31)),
    ("全年", 2024, date(2024, 12, 31)),
    ("年底", 2024, date(2024, 12, 31)),
    ("2025年底", 2024, date(2025, 12, 31)),
]


@pytest.mark.parametrize(("text", "year", "expected"), CASES)
def test_dates_as_people_write_them(text, year, expected):
    assert parse_date(text, year=year) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("9月底", "没有年份"),  # a period without a year and no year to complete it
        ("上半年", "没有年份"),
        ("2024-13", "不存在"),
        ("2024-02-30", "不存在"),
        ("下周", "无法识别"),
        ("9", "无法识别"),
        ("", "不能为空"),
        ("2024年五季度", "无法识别"),
    ],
)
def test_dates_that_name_no_day_are_refused_in_chinese(text, words):
    with pytest.raises(InputError, match=words):
        parse_date(text)


def test_status_and_record_take_a_month_as_its_last_day(xlgl):
    result = xlgl("record", "煤炭产量", "1.07亿吨", "--as-of", "9月底")
    assert result.exit_code == 0, result.output
    assert "截至 2024-09-30" in result.stdout  # the target's year completes 9月底
    result = xlgl("status", "--as-of", "2024年三季度", "--format", "json", "-q", "coal-output")
    assert result.exit_code == 0, result.output
    assert '"latest_as_of": "2024-09-30"' in result.stdout
    assert '"time_progress": 0.7486' in result.stdout  # 274 of 366 days: as of 2024-09-30


def test_history_as_of_lists_records_up_to_that_date(xlgl):
    for value, as_of in (("0.5亿吨", "2024-06-30"), ("1.07亿吨", "2024-09-30")):
        assert xlgl("record", "coal-output", value, "--as-of", as_of).exit_code == 0
    result = xlgl("history", "--as-of", "2024年上半年", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"as_of": "2024-06-30"' in result.stdout
    assert "2024-09-30" not in result.stdout
