"""Malformed input of every kind: exit 2, a one-line reason on stderr (a rejected CSV file: one
headline and one line per bad row, each naming its line number), no traceback, and the ledger file
byte-for-byte unchanged (issue 5). Property-based, through the CLI (in-process for speed)."""

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from xlgl.cli import app

MINI_SEED = Path(__file__).parent / "data" / "mini-seed.toml"
IDS = [
    "gdp-growth", "coal-output", "key-projects-ready", "project-investment", "new-energy-capacity",
    "urban-jobs", "household-toilets", "unemployment-rate", "beef-cattle-herd",
    "beef-processing-projects",
]  # fmt: skip
CJK_NUMERALS = "零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟"
FAST = settings(  # each example runs the CLI: 40 at most, fewer in the quick loop (conftest.py)
    max_examples=min(40, settings.default.max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def make_ledger(directory: Path) -> Path:
    path = directory / "ledger.db"
    result = CliRunner().invoke(app, ["--db", str(path), "init", "--seed", str(MINI_SEED)])
    assert result.exit_code == 0, result.output
    return path


def names_in(ledger: Path) -> list[str]:
    result = CliRunner().invoke(app, ["--db", str(ledger), "targets", "--format", "csv"])
    lines = result.stdout.splitlines()[1:]
    return [line.split(",")[0] for line in lines] + [line.split(",")[4] for line in lines]


def run_rejected(ledger: Path, *args: str, lines: int = 1) -> str:
    """Run xlgl; assert exit 2, `lines` lines on stderr, no traceback, the ledger unchanged."""
    before = ledger.read_bytes()
    result = CliRunner().invoke(app, ["--db", str(ledger), *args])
    assert result.exit_code == 2, (args, result.output, result.exception)
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert len(result.stderr.splitlines()) == lines, (args, result.stderr)
    assert result.stderr.startswith("xlgl: 错误：")
    assert ledger.read_bytes() == before
    return result.stderr


@pytest.fixture
def ledger(tmp_path) -> Path:
    return make_ledger(tmp_path)


# --- values, dates, target names ------------------------------------------------------------------

NOT_A_NUMBER = st.text(
    alphabet=st.characters(
        blacklist_categories=("Nd", "No", "Nl", "Cs"), blacklist_characters=CJK_NUMERALS
    ),
    max_size=20,
)
WRONG_UNIT = st.builds(
    lambda n, unit: f"{n}{unit}",
    st.integers(min_value=1, max_value=10**6),
    st.sampled_from(["公里", "千瓦", "个", "元", "人", "%", "亩", "公斤力", "xyz", "吨吨"]),
)


@FAST
@given(value=st.one_of(NOT_A_NUMBER, WRONG_UNIT))
@example(value="")
@example(value="1.2.3")
@example(value="--5")
@example(value="nan")
@example(value="inf")
@example(value="5\n6")
@example(value="=1+1")
def test_malformed_values_are_rejected(ledger, value):
    run_rejected(ledger, "record", "--as-of", "2024-06-30", "--", "coal-output", value)


@FAST
@given(
    day=st.one_of(
        st.text(max_size=15).filter(lambda t: t != ""),
        st.builds(
            "{}-{:02d}-{:02d}".format,
            st.integers(1000, 9999),
            st.integers(13, 99) | st.just(0),
            st.integers(1, 28),
        ),
        st.builds(
            "{}-{:02d}-{:02d}".format, st.just(2023), st.just(2), st.integers(29, 99) | st.just(0)
        ),
    )
)
@example(day="2024-02-30")
@example(day="2024年13月1日")
@example(day=" ")
@example(day="2024-06-30\n")
def test_malformed_dates_are_rejected(ledger, day):
    from datetime import date

    try:  # a string that happens to be a real date is not malformed
        from xlgl.dates import parse_date

        parse_date(day)
        is_date = True
    except Exception:
        is_date = False
    if is_date:
        assert isinstance(parse_date(day), date)
        return
    run_rejected(ledger, "record", f"--as-of={day}", "--", "coal-output", "1.07亿吨")


@FAST
@given(name=st.text(alphabet=string.printable + "煤炭产量牛肉增速就业新能源装机的了", max_size=20))
@example(name="")
@example(name="coal\noutput")
@example(name="o")
@example(name="煤炭产量x")
def test_unknown_or_ambiguous_target_names_are_rejected(ledger, name):
    query = name.strip()
    known = set(names_in(ledger))
    if query in known or (query and sum(query in k for k in known) == 1):
        return  # a target's id or name, or a unique part of one: xlgl rightly accepts it
    run_rejected(ledger, "record", "--as-of", "2024-06-30", "--", name, "1")


# --- CSV files ---------------------------------------------------------------------------------------

GOOD_ROWS = st.sampled_from(
    [
        ["coal-output", "1.07亿吨", "2024-09-30"],
        ["urban-jobs", "0.5", "2024-06-30"],
        ["煤炭产量", "0.9", "2024/8/31"],
        ["household-toilets", "1200", "2024年7月31日"],
    ]
)
BAD_ROWS = st.sampled_from(
    [
        ["no-such-target", "1", "2024-06-30"],
        ["coal-output", "很多", "2024-06-30"],
        ["coal-output", "1.07", "2024-13-01"],
        ["coal-output", "5公里", "2024-06-30"],
        ["coal-output", "", "2024-06-30"],
        ["coal-output", "1.07", ""],
        ["=cmd|' /C calc'!A0", "1", "2024-06-30"],
        ["coal\noutput", "1", "2024-06-30"],
        ["urban-jobs"],
    ]
)


def csv_text(rows: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text

    return "".join(",".join(cell(c) for c in row) + "\r\n" for row in rows)


@FAST
@given(
    rows=st.lists(st.tuples(st.booleans(), GOOD_ROWS, BAD_ROWS), min_size=1, max_size=12).filter(
        lambda rows: not all(good for good, _, _ in rows)
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_csv_files_with_bad_rows_are_rejected_whole_naming_every_bad_row(
    ledger, tmp_path, rows, encoding
):
    lines = [["target", "value", "as_of"]]
    bad_lines = []
    line = 2  # the header is line 1
    for good, good_row, bad_row in rows:
        row = good_row if good else bad_row
        if not good:
            bad_lines.append(line)
        lines.append(row)
        line += 1 + sum(cell.count("\n") for cell in row)
    path = tmp_path / "actuals.csv"
    path.write_bytes(csv_text(lines).encode(encoding))
    stderr = run_rejected(ledger, "record", "--file", str(path), lines=1 + len(bad_lines))
    for number in bad_lines:
        assert f"第 {number} 行" in stderr


@FAST
@given(data=st.binary(max_size=300))
@example(data=b"")
@example(data=b"target,value\ncoal-output,1\n")
@example(data=b"\xff\xfe\x00t\x00a")
@example(data=b'target,value,as_of\n"coal-output,1,2024-01-01\n')
@example(data=b"target,value,as_of\ncoal-output,1,2024-01-01\x00\n")
def test_csv_files_that_are_not_actuals_are_rejected(ledger, tmp_path, data):
    path = tmp_path / "junk.csv"
    path.write_bytes(data)
    before = ledger.read_bytes()
    result = CliRunner().invoke(app, ["--db", str(ledger), "record", "--file", str(path)])
    assert result.exit_code == 2, (data, result.output)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("xlgl: 错误：")
    # one line for the file, or a headline and one line per bad row
    assert len(result.stderr.splitlines()) == 1 or "行错误" in result.stderr.splitlines()[0]
    assert ledger.read_bytes() == before


def test_a_missing_csv_file_is_one_line(ledger, tmp_path):
    run_rejected(ledger, "record", "--file", str(tmp_path / "nowhere.csv"))
    run_rejected(ledger, "record", "--file", str(tmp_path))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_good_csv_files_are_read_in_each_encoding(ledger, tmp_path, encoding):
    """The other side of the property: the same files without bad rows go in whole."""
    rows = [["target", "value", "as_of", "source"]] + [
        ["煤炭产量", f"{n}", f"2024-{n:02d}-28", "盟统计局月报"] for n in range(1, 10)
    ]
    # A GB18030 file whose first 100,000 bytes are plain ASCII must not be taken for UTF-8.
    rows += [["coal-output", "1", "2024-01-01", "x" * 50]] * 2000
    rows.append(["coal-output", "1", "2024-01-02", "锡林郭勒盟统计局"])
    path = tmp_path / "actuals.csv"
    path.write_bytes(csv_text(rows).encode(encoding))
    result = CliRunner().invoke(app, ["--db", str(ledger), "record", "--file", str(path)])
    assert result.exit_code == 0, result.output
    history = CliRunner().invoke(app, ["--db", str(ledger), "history", "--format", "csv"])
    assert "锡林郭勒盟统计局" in history.stdout and "盟统计局月报" in history.stdout
