"""Fuzzing the commands that take input from files and arguments (issue 15, "Done when"): random
bytes and random CSV to `record --file`, random JSON lines to `import-records`, random settings
to `settings` and random arguments to `assign`. Whatever comes in: never exit 70, never a
traceback, and on every refusal the ledger's records (and what the command would change) are
exactly as before.

Hypothesis runs derandomized (the same examples every run); the commands run in-process
(CliRunner, on the click command built once: typer would rebuild it for every call) against one
ledger per test. 2,200 examples in all.
"""

import json
import sqlite3
import string
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from typer.main import get_command

from xlgl.cli import app

pytestmark = pytest.mark.slow  # some 2,000 commands

MINI_SEED = Path(__file__).parent / "data" / "mini-seed.toml"
TARGETS = ["coal-output", "urban-jobs", "household-toilets", "gdp-growth", "unemployment-rate"]
UNITS = ["亿吨", "万吨", "万人", "个", "%", "", "吨", "亩"]


def fuzz(examples: int):
    return hypothesis_settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


class Ledger:
    """A seeded ledger in a temporary folder, with a few records, and a way to run xlgl on it."""

    def __init__(self, folder: Path):
        self.path = folder / "ledger.db"
        self.folder = folder
        self.runner = CliRunner()
        self.command = get_command(app)
        self.run("init", "--seed", str(MINI_SEED), expect=0)
        self.run("record", "coal-output", "0.8亿吨", "--as-of", "2024-07-31", expect=0)
        self.run("record", "urban-jobs", "0.5", "--as-of", "2024-06-30", expect=0)

    def run(self, *args: str, expect: int | None = None):
        result = self.runner.invoke(self.command, ["--db", str(self.path), *args])
        assert result.exit_code != 70, (args, result.output)
        assert "Traceback" not in result.output, (args, result.output)
        assert result.exit_code in (0, 2), (args, result.exit_code, result.output)
        if not isinstance(result.exception, SystemExit | None):
            raise AssertionError((args, repr(result.exception)))
        if expect is not None:
            assert result.exit_code == expect, (args, result.output)
        return result

    def table(self, name: str) -> list[tuple]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall()
        finally:
            conn.close()

    def unchanged_on_refusal(self, *args: str, tables: tuple[str, ...] = ("records",)) -> bool:
        """Run the command; records never change unless it succeeds (nor `tables`). Returns
        whether it succeeded."""
        before = {name: self.table(name) for name in tables}
        result = self.run(*args)
        if result.exit_code != 0:
            assert {name: self.table(name) for name in tables} == before, (args, result.output)
        return result.exit_code == 0


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# --- record --file ------------------------------------------------------------------------------


@fuzz(400)
@given(data=st.binary(max_size=400))
def test_random_bytes_to_record_file(folder, data):
    ledger = _ledger(folder, "bytes")
    path = ledger.folder / "in.csv"
    path.write_bytes(data)
    ledger.unchanged_on_refusal("record", "--file", str(path))


cell_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]) | st.sampled_from(',"\r\n\ufeff\u200b'),
    max_size=12,
)
figure = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    st.floats().map(repr),
    st.builds(lambda n, u: f"{n}{u}", st.integers(-(10**20), 10**20), st.sampled_from(UNITS)),
    cell_text,
)
day = st.one_of(
    st.dates().map(str),
    st.sampled_from(["2024-09-30", "9月底", "2024年三季度", "2024-02-30", "", "明天"]),
    cell_text,
)
header = st.lists(
    st.sampled_from(["target", "value", "as_of", "unit", "source", "note", "by", "指标", "x"]),
    min_size=1,
    max_size=8,
)


@st.composite
def csv_files(draw) -> str:
    columns = draw(header)
    cells = {
        "target": st.sampled_from(TARGETS) | cell_text, "value": figure, "as_of": day,
        "指标": st.sampled_from(TARGETS), "unit": st.sampled_from(UNITS) | cell_text,
    }  # fmt: skip
    rows = draw(st.lists(st.tuples(*(cells.get(c, cell_text) for c in columns)), max_size=6))
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    text = out.getvalue()
    if draw(st.booleans()):  # now and then a broken line
        text += draw(cell_text)
    return text


@fuzz(500)
@given(text=csv_files(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_random_csv_to_record_file(folder, text, encoding):
    ledger = _ledger(folder, "csv")
    path = ledger.folder / "in.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(text.encode("utf-8"))
    ledger.unchanged_on_refusal("record", "--file", str(path))


# --- import-records -----------------------------------------------------------------------------

# text as a terminal that is not UTF-8 hands it over (lone surrogates, from surrogateescape) too
any_text = st.text(max_size=10) | st.lists(
    st.characters() | st.characters(categories=["Cs"]), max_size=10
).map("".join)
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=10),
)
json_value = st.recursive(
    json_scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip


@st.composite
def exchange_lines(draw) -> str:
    """A line that is nearly a record: each field plausible, or not, or missing, or random."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=40))
    good = {
        "uuid": st.uuids().map(str), "target": st.sampled_from(TARGETS),
        "value": st.floats(allow_nan=False) | st.integers(-(10**30), 10**30),
        "unit": st.sampled_from(UNITS), "as_of": st.dates().map(str),
        "recorded_at": st.datetimes().map(lambda d: d.isoformat()),
        "by": any_text, "source": any_text, "note": any_text,
        "voids": st.none() | st.uuids().map(str), "report": st.sampled_from(["xlgl-2024", "x"]),
    }  # fmt: skip
    record = {}
    for name, strategy in good.items():
        choice = draw(st.integers(0, 9))
        if choice < 7:
            record[name] = draw(strategy)
        elif choice < 9:
            record[name] = draw(json_value)
    return json.dumps(record, ensure_ascii=draw(st.booleans()))


@fuzz(600)
@given(lines=st.lists(exchange_lines(), min_size=1, max_size=4))
def test_random_json_lines_to_import_records(folder, lines):
    ledger = _ledger(folder, "jsonl")
    path = ledger.folder / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    ledger.unchanged_on_refusal("import-records", str(path))


# --- settings and assign ------------------------------------------------------------------------

NAMES = [
    "behind_threshold", "red_threshold", "due_soon_days", "approx_tolerance",
    "stable_tolerance", "report_day",
]  # fmt: skip
number_text = st.one_of(
    st.floats().map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["nan", "inf", "-inf", "1e999", "0x10", "1_000", "０.５", "五", "", " 3 "]),
    st.text(alphabet=string.printable, max_size=8),
)


@fuzz(350)
@given(
    name=st.sampled_from(NAMES) | any_text,
    value=number_text | any_text,
)
def test_random_settings(folder, name, value):
    ledger = _ledger(folder, "settings")
    if ledger.unchanged_on_refusal("settings", name, value, tables=("records", "settings")):
        ledger.run("status", "--as-of", "2024-09-30", expect=0)  # whatever was stored, reads


@fuzz(350)
@given(
    target=st.sampled_from(TARGETS) | any_text,
    owner=st.none() | any_text,
    due=st.none() | day,
    tolerance=st.none() | number_text,
)
def test_random_assign(folder, target, owner, due, tolerance):
    ledger = _ledger(folder, "assign")
    args = ["assign", "--", target] if target.startswith("-") else ["assign", target]
    for option, given_value in (("--owner", owner), ("--due", due), ("--tolerance", tolerance)):
        if given_value is not None:
            args[1:1] = [f"{option}={given_value}"]
    if ledger.unchanged_on_refusal(*args, tables=("records", "targets")):
        ledger.run("status", "--as-of", "2024-09-30", expect=0)  # whatever was stored, reads


_LEDGERS: dict[tuple[str, str], Ledger] = {}


def _ledger(folder: Path, name: str) -> Ledger:
    """One ledger per test, made on its first example."""
    key = (str(folder), name)
    if key not in _LEDGERS:
        place = folder / name
        place.mkdir()
        _LEDGERS[key] = Ledger(place)
    return _LEDGERS[key]
