"""Every payload in every output format (issue 15): owners, notes and sources that carry HTML,
Markdown, terminal escapes, rich markup and spreadsheet formulas come out of every format as
the text they are, never as an element, a heading, an escape code, markup or a formula.

One ledger holds all the payloads (three per target, as owner, note and source); each format is
produced once from it and checked for every payload."""

import csv
import io
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from test_bulletin import PAYLOADS as MARKDOWN_PAYLOADS
from test_bulletin import SAFE_TAGS, SCRIPT_PAYLOAD, _title, browse, chromium, console_messages
from test_terminal_width import BAD as TERMINAL_BAD
from test_terminal_width import PAYLOADS as TERMINAL_PAYLOADS
from typer.testing import CliRunner

from xlgl.cli import app

pytestmark = pytest.mark.slow  # one ledger, a process per format, a browser

AS_OF = "2024-09-30"
FORMULAS = ['=HYPERLINK("http://evil.example","点此")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
ALL_PAYLOADS = [*MARKDOWN_PAYLOADS, *TERMINAL_PAYLOADS, SCRIPT_PAYLOAD, *FORMULAS]


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout


def build(db: Path, owner_of) -> dict[str, str]:
    """Every target gets owner_of(n) as its owner, and a flow or milestone a record with it as
    its note and source; returns each target's owner."""
    ids = [row["id"] for row in json.loads(run(db, "targets", "-f", "json"))]
    owners: dict[str, str] = {}
    for n, target in enumerate(ids):
        owner = owners[target] = owner_of(n, len(ids))
        run(db, "assign", target, "--owner", owner)
        row = json.loads(run(db, "show", target, "-f", "json"))[0]
        if row["kind"] in ("flow", "milestone"):
            run(db, "record", target, "1", "--as-of", AS_OF, "--note", owner, "--source", owner)
    return owners


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, mini_ledger_template) -> tuple[Path, dict[str, str]]:
    """A ledger whose every target has payloads as its owner (and note and source)."""
    db = tmp_path_factory.mktemp("injection") / "ledger.db"
    shutil.copyfile(mini_ledger_template, db)
    owners = build(
        db,
        lambda n, count: "".join(
            f"单位{n}-{k}{payload}" for k, payload in enumerate(ALL_PAYLOADS[n::count])
        ),
    )
    return db, owners


@pytest.fixture(scope="module")
def plain(tmp_path_factory, mini_ledger_template) -> Path:
    """The same ledger with plain owners: what the bulletin's own elements are."""
    db = tmp_path_factory.mktemp("plain") / "ledger.db"
    shutil.copyfile(mini_ledger_template, db)
    build(db, lambda n, count: f"单位{n}")
    return db


def test_every_payload_is_in_the_ledger(hostile):
    _, owners = hostile
    joined = "".join(owners.values())
    assert all(payload in joined for payload in ALL_PAYLOADS)


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--as-of", AS_OF, "--wide"),
        ("overdue", "--as-of", AS_OF, "--wide"),
        ("status", "--by", "owner", "--as-of", AS_OF),
        ("history", "--wide"),
        ("targets", "--wide"),
        ("chase", "--as-of", AS_OF),
        ("report", "-f", "markdown", "--as-of", AS_OF),
    ],
)
def test_text_outputs_carry_no_escape_codes(hostile, args):
    db, _ = hostile
    text = run(db, *args)
    assert not any(bad in text for bad in TERMINAL_BAD), args
    assert "\x1b" not in text and "\x9b" not in text


def test_show_carries_no_escape_codes_and_no_markup(hostile):
    db, owners = hostile
    for target in owners:
        text = run(db, "show", target, "--as-of", AS_OF)
        assert not any(bad in text for bad in TERMINAL_BAD), target
    assert "[bold red on white]FAKE 已完成[/]" in "".join(
        run(db, "show", target, "--as-of", AS_OF) for target in owners
    )  # rich markup shown as the text it is


def test_json_gives_back_every_payload_exactly(hostile):
    db, owners = hostile
    for command in (("status", "--as-of", AS_OF), ("targets",)):
        rows = json.loads(run(db, *command, "-f", "json"))
        assert {row["id"]: row["owner"] for row in rows} == owners, command
    records = json.loads(run(db, "history", "-f", "json"))
    assert records
    for record in records:
        assert record["note"] == record["source"] == owners[record["target"]]


@pytest.mark.parametrize("command", [("status",), ("history",), ("targets",), ("chase",)])
def test_csv_cells_never_start_a_formula(hostile, command):
    db, _ = hostile
    dated = command in (("status",), ("chase",))
    text = run(db, *command, "-f", "csv", *(("--as-of", AS_OF) if dated else ()))
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert any("HYPERLINK" in cell for cell in cells) or command == ("chase",)


def test_the_workbook_holds_text_never_a_formula(hostile, tmp_path):
    db, _ = hostile
    book = tmp_path / "台账.xlsx"
    run(db, "export", "-o", str(book), "--as-of", AS_OF)
    workbook = openpyxl.load_workbook(book)
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(str(cell.value or ""))
    assert any("HYPERLINK" in value for value in values)


def test_the_template_holds_text_never_a_formula(hostile, tmp_path):
    db, _ = hostile
    book = tmp_path / "报送表.xlsx"
    run(db, "export", "--template", "-o", str(book), "--as-of", AS_OF)
    for sheet in openpyxl.load_workbook(book).worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += attrs


def _elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def test_the_html_bulletin_holds_only_its_own_elements(hostile, plain, tmp_path):
    db, _ = hostile
    clean, page = tmp_path / "clean.html", tmp_path / "通报.html"
    run(plain, "report", "-o", str(clean), "--as-of", AS_OF)
    run(db, "report", "-o", str(page), "--as-of", AS_OF, "--title", SCRIPT_PAYLOAD)
    own = _elements(clean.read_text(encoding="utf-8"))
    found = _elements(page.read_text(encoding="utf-8"))
    assert found.tags <= own.tags, found.tags - own.tags
    names = {name for name, _ in found.attributes}
    assert not [name for name in names if name.startswith("on")]
    assert not [v for _, v in found.attributes if v and "javascript:" in v.lower()]


def test_the_markdown_bulletin_renders_only_its_own_elements(hostile):
    from markdown_it import MarkdownIt

    db, _ = hostile
    markdown = run(db, "report", "-f", "markdown", "--as-of", AS_OF, "--title", SCRIPT_PAYLOAD)
    for preset in ("commonmark", "default"):
        html = MarkdownIt(preset).render(markdown)
        found = _elements(html)
        assert found.tags <= SAFE_TAGS | {"h3", "em", "code"}, (preset, found.tags - SAFE_TAGS)
        assert "img" not in found.tags and "a" not in found.tags and "script" not in found.tags
        assert "伪造" not in "".join(
            line for line in html.splitlines() if line.startswith(("<h1", "<h2", "<h3"))
        )


def test_no_payload_runs_or_adds_an_element_in_a_browser(hostile, tmp_path):
    from markdown_it import MarkdownIt

    chromium()
    db, _ = hostile
    page, text = tmp_path / "通报.html", tmp_path / "通报.md"
    for path in (page, text):
        run(db, "report", "-o", str(path), "--as-of", AS_OF, "--title", SCRIPT_PAYLOAD)
    rendered = tmp_path / "通报-md.html"
    body = MarkdownIt("commonmark").render(text.read_text(encoding="utf-8"))
    rendered.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>SAFE</title></head>'
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    for opened in (page, rendered):
        loaded = browse(opened, tmp_path, "--dump-dom")
        assert _title(loaded.stdout) != "PWNED", opened.name
        assert "<img" not in loaded.stdout and "<script>alert" not in loaded.stdout, opened.name
        assert console_messages(loaded.stderr) == [], opened.name
