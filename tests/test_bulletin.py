"""The bulletin (督查通报): the value, its Markdown and HTML renderings, and the HTML in a real browser.

The browser test opens the page in headless Debian chromium. It skips where no chromium is
installed, except in CI (the CI variable set), where a missing browser is a failure.
"""

import json
import os
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from xlgl import bulletin
from xlgl.model import Actual, Target
from xlgl.progress import evaluate
from xlgl.render_words import percent

AS_OF = "2024-09-30"
FIGURES = [
    ("coal-output", "0.8亿吨", "2024-07-31"),
    ("coal-output", "1.07亿吨", "2024-09-30"),
    ("project-investment", "120", "2024-05-31"),
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def recorded(xlgl):
    for target, value, as_of in FIGURES:
        result = xlgl("record", target, value, "--as-of", as_of)
        assert result.exit_code == 0, result.output
    return xlgl


def status_json(xlgl):
    result = xlgl("status", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def counts_of(rows):
    return {s: sum(1 for r in rows if r["status"] == s) for s in bulletin.DISPLAY_ORDER}


# --- the value -----------------------------------------------------------------------------------


def target(id, section, value=100.0, kind="flow", due=date(2024, 12, 31), **extra):
    return Target(
        id=id,
        indicator=f"指标{id}",
        kind=kind,
        comparator="at_least",
        value=value,
        unit="个",
        section=section,
        due=due,
        **extra,
    )


def test_build_counts_parts_and_alerts():
    day = date(2024, 9, 30)
    rows = [
        evaluate(target("a", "（一）"), Actual(150, day), day),  # met, completion 1.5
        evaluate(target("b", "（一）"), Actual(10, day), day),  # at risk: far behind
        evaluate(target("c", "（二）", due=date(2024, 4, 15)), None, day),  # overdue
        evaluate(target("d", "（一）"), None, day),  # no data
    ]
    b = bulletin.build(rows, day, "测试通报")
    assert b.title == "测试通报"
    assert b.total == 4
    assert b.counts == {
        "met": 1,
        "met_late": 0,
        "missed": 0,
        "overdue": 1,
        "at_risk": 1,
        "awaiting": 0,
        "no_data": 1,
        "on_track": 0,
    }
    assert b.reported == 2
    assert b.completion == pytest.approx((1.0 + 0.1) / 2)  # capped at 100%, reported only
    assert [p.section for p in b.parts] == ["（一）", "（二）"]
    first = b.parts[0]
    assert (first.total, first.reported, first.counts["met"]) == (3, 2, 1)
    assert b.parts[1].completion is None
    assert [a.id for a in b.alerts] == ["c", "b"]  # overdue first
    assert [line.id for line in b.lines] == ["a", "b", "d", "c"]  # grouped by section
    assert bulletin.headline(b).startswith("截至2024年9月30日，共4个目标：逾期1个、预警1个")


REPORT = """一、2023年工作回顾
（一）去年的事。不是今年的章节。
二、2024年主要目标和重点任务
主要预期目标：地区生产总值增长6%左右。
（一）稳经济运行，推动发展。多措并举稳经济运行。煤炭产量1.4亿吨左右。
（二）调结构。养殖100万头。
三、切实加强自身建设
（一）狠抓落实。完成10项。
"""


def test_section_names_from_the_report_text_or_the_topic():
    day = date(2024, 9, 30)

    def at(id, section, quote, owner=None, topic=""):
        extra = {"offset": REPORT.index(quote), "topic": topic, "owner": owner}
        return evaluate(target(id, section, **extra), None, day)

    rows = [
        at("gdp", "主要预期目标", "地区生产总值增长6%左右", "盟统计局"),
        at("coal", "（一）", "煤炭产量1.4亿吨左右", "盟能源局", topic="多措并举稳经济运行"),
        at("herd", "（二）", "养殖100万头", "盟农牧局", topic="稳畜"),
        at("work", "三", "完成10项", topic="狠抓落实"),
    ]
    b = bulletin.build(rows, day, report_text=REPORT)
    assert [p.label for p in b.parts] == [
        "主要预期目标",
        "（一）稳经济运行，推动发展",  # part 二's heading, not part 一's, up to its first 。
        "（二）调结构",
        "三、切实加强自身建设",
    ]
    without = bulletin.build(rows, day)
    assert [p.label for p in without.parts] == [
        "主要预期目标",
        "（一）多措并举稳经济运行",
        "（二）稳畜",
        "三、狠抓落实",
    ]
    # departments: ranked, those without an owner last and unranked
    assert [d.section for d in b.departments][-1] == "（未明确牵头单位）"
    assert bulletin.rank_text(b.departments) == ["1", "2", "3", ""]


def test_html_escapes_text_and_needs_no_network():
    day = date(2024, 9, 30)
    row = evaluate(
        Target(
            id="x",
            indicator="<script>alert(1)</script>",
            kind="flow",
            comparator="reach",
            value=1,
            unit="个",
            section="A & B",
        ),
        None,
        day,
    )
    page = bulletin.to_html(bulletin.build([row], day))
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "A &amp; B" in page
    # self-contained: nothing fetched from anywhere
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "@media print" in page and "size: A4" in page
    assert 'name="viewport"' in page


def test_markdown_escapes_table_cells():
    day = date(2024, 9, 30)
    row = evaluate(
        Target(id="x", indicator="甲|乙", kind="flow", comparator="reach", value=1, unit="个"),
        None,
        day,
    )
    text = bulletin.to_markdown(bulletin.build([row], day))
    assert "甲\\|乙" in text


# --- nothing from data becomes markup (issue 15 #6) -----------------------------------------------

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "\r\n## 伪造标题：全部目标已完成",
    "\r<!--",
    "-->\n<script>alert(1)</script>",
    "a`b``c```d",
    "[link](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "<https://evil.example/>",
    "\u2028# 伪造\u2029- 列表",
    "*粗* _斜_ **粗** ~~删~~",
    "| --- | 表格 |",
    "\\",
    "&lt;b&gt; &amp; &#60;",
    "1. 伪造列表",
    "> 伪造引用",
    "\n---\n",
    "\n===",
    "    代码块",
    "<!-- 注释 -->",
]
SAFE_TAGS = {
    "h1", "h2", "p", "strong", "ol", "ul", "li", "blockquote", "br",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def hostile_rows():
    """Every payload in every text field of an overdue target (so each is an alert item)."""
    day = date(2024, 9, 30)
    rows = []
    for number, payload in enumerate(PAYLOADS):
        target = Target(
            id=f"t{number}{payload}",
            indicator=f"指标{number}{payload}",
            kind="milestone",
            comparator="reach",
            value=1,
            unit="个",
            section=f"（{number}）{payload}",
            topic=payload,
            owner=f"单位{number}{payload}",
            due=date(2024, 4, 15),
            offset=number,
        )
        rows.append(evaluate(target, None, day))
    return rows


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_data(self, data):
        self.text.append(data)


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[\r\n\u2028\u2029]", " ", text).split())


def _rendered_markdown(rows, renderer):
    value = bulletin.build(
        rows, date(2024, 9, 30), "标题<img src=x onerror=alert(1)>", office="\r\n# 办公室<b>"
    )
    text = bulletin.to_markdown(value)
    return value, text, renderer.render(text)


@pytest.mark.parametrize("preset", ["commonmark", "commonmark+table", "default"])
def test_markdown_renders_no_element_and_no_heading_from_data(preset):
    from markdown_it import MarkdownIt

    renderer = MarkdownIt(preset.split("+")[0])
    if "+table" in preset:
        renderer.enable("table")
    rows = hostile_rows()
    value, _, page = _rendered_markdown(rows, renderer)
    parsed = _Tags()
    parsed.feed(page)
    tags = {tag for tag, _ in parsed.tags}
    assert tags <= SAFE_TAGS, tags - SAFE_TAGS
    attributes = {a for _, attrs in parsed.tags for a in attrs}
    assert attributes <= {("style", "text-align:right")}, "no attribute from data"
    assert parsed.comments == [] and "<!--" not in page
    headings = re.findall(r"<(h[1-6])>(.*?)</h[1-6]>", page, re.S)
    assert [h for h, _ in headings] == ["h1", "h2", "h2", "h2", "h2"]
    assert [t for _, t in headings[1:]] == [
        "各部分进度",
        f"逾期与预警（{len(rows)} 项）",
        "各牵头单位情况",
        "全部目标",
    ]
    # every alert item is there, each with its own text, whole
    alerts = page.split("逾期与预警")[1].split("各牵头单位情况")[0]
    items = re.findall(r"<li>(.*?)</li>", alerts, re.S)
    assert len(items) == len(value.alerts) == len(rows)
    for item, line in zip(items, value.alerts, strict=True):
        shown = _Tags()
        shown.feed(item)
        words_shown = _fold("".join(shown.text))
        assert _fold(line.indicator) in words_shown, (line.indicator, words_shown)
        assert _fold(line.owner) in words_shown
        assert _fold(line.id) in words_shown
    visible = _fold("".join(parsed.text))
    assert "标题<img src=x onerror=alert(1)>" in visible
    assert "# 办公室<b>" in visible
    assert "&lt;b&gt; &amp; &#60;" in visible  # entities in data stay as typed


def test_markdown_escape_is_no_code_span():
    from xlgl.bulletin_md import md

    assert md("a`b") == "a\\`b"
    assert md("x\r\ny\u2028z") == "x y z"
    assert md("# h") == "\\# h" and md("1. x") == "1\\. x" and md("1.4亿吨") == "1.4亿吨"
    assert md("coal-output") == "coal-output"


def test_html_has_no_element_from_data():
    rows = hostile_rows()
    value = bulletin.build(
        rows, date(2024, 9, 30), "标题<img src=x onerror=alert(1)>", office="<b>办公室</b>"
    )
    page = bulletin.to_html(value)
    parsed = _Tags()
    parsed.feed(page)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"img", "script", "a", "b", "iframe"}, tags
    assert not [name for _, attrs in parsed.tags for name, _ in attrs if name.startswith("on")]
    assert parsed.comments == []
    visible = "".join(parsed.text)
    for row in rows:
        assert bulletin.clean(row.target.indicator) in visible


# --- Markdown through the CLI --------------------------------------------------------------------


def test_markdown_counts_and_overdue_list(recorded):
    result = recorded("report", "--format", "markdown", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    text = result.output
    counts = counts_of(status_json(recorded))
    assert counts["overdue"] == 1 and counts["at_risk"] >= 1
    assert text.startswith("# 2024年政府工作报告目标任务推进情况督查通报")
    assert "截至2024年9月30日，共10个目标：" in text
    for status, label in (("overdue", "逾期"), ("at_risk", "预警"), ("no_data", "未报送")):
        assert f"| {label} | {counts[status]} |" in text
        assert f"{label}{counts[status]}个" in text
    alerts = text.split("## 逾期与预警")[1].split("## 全部目标")[0]
    assert f"（{counts['overdue'] + counts['at_risk']} 项）" in alerts
    items = re.findall(r"^\d+\. \*\*【(.+?)】(.+?)\*\*（(.+?)，", alerts, re.M)
    assert items[0] == ("逾期", "盟级重点项目具备开复工条件", "key-projects-ready")
    assert ("预警", "重点项目完成投资", "project-investment") in items
    assert "逾期 168 天，未报送" in alerts
    assert "剩余月份需月均完成" in alerts
    full = text.split("## 全部目标")[1]
    assert "| （一） | 煤炭产量 | 1.4亿吨左右 | 1.07亿吨 | 2024-09-30 | 76.4% |" in full
    # both averages, each labelled, and the departments' table
    reported = [r["completion"] for r in status_json(recorded) if r["completion"] is not None]
    every = sum(min(1, c) for c in reported) / 10
    assert f"全部目标平均完成率 {every * 100:.1f}%（未报送按 0 计）" in text
    assert f"已报送 {len(reported)} 个目标平均完成率" in text
    departments = text.split("## 各牵头单位情况")[1].split("## 全部目标")[0]
    assert "|  | （未明确牵头单位） | 10 |" in departments


def test_markdown_to_a_file(recorded, tmp_path):
    path = tmp_path / "通报.md"
    result = recorded("report", "-f", "markdown", "-o", str(path), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output
    assert path.read_text(encoding="utf-8").startswith("# ")


@pytest.mark.slow
def test_html_needs_an_output_file(recorded):
    result = recorded("report", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "-o" in result.output


# --- HTML in a real browser ----------------------------------------------------------------------


def chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must run the browser test (.ci/run)")
        pytest.skip("chromium is not installed")
    return found


def browse(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
        page.resolve().as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def console_messages(stderr: str) -> list[str]:
    """Chromium logs every console message (errors, failed loads, CSP) as a CONSOLE line."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


class _Texts(HTMLParser):
    """The text of each element that has an id, as a browser would show it (style left out)."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "col", "source", "wbr"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None]] = []
        self.texts: dict[str, list[str]] = {}
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        element_id = dict(attrs).get("id")
        self.open.append((tag, element_id))
        if element_id:
            self.texts[element_id] = []
        self.hidden += tag in ("style", "title", "script")

    def handle_endtag(self, tag):
        while self.open:
            name, _ = self.open.pop()
            self.hidden -= name in ("style", "title", "script")
            if name == tag:
                break

    def handle_data(self, data):
        if self.hidden:
            return
        for _, element_id in self.open:
            if element_id:
                self.texts[element_id].append(data)


def element(dom: str, element_id: str) -> str:
    parser = _Texts()
    parser.feed(dom)
    assert element_id in parser.texts, f"no element #{element_id} in the rendered page"
    return re.sub(r"\s+", " ", " ".join(parser.texts[element_id])).strip()


@pytest.mark.slow
def test_console_scan_sees_errors(tmp_path):
    """The scan below is not vacuous: a page with a script error is caught."""
    page = tmp_path / "canary.html"
    page.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><link rel="icon" href="data:,">'
        "<script>console.error('canary'); notDefined();</script>",
        encoding="utf-8",
    )
    messages = console_messages(browse(page, tmp_path, "--dump-dom").stderr)
    assert any("canary" in m for m in messages)
    assert any("notDefined" in m for m in messages)


@pytest.mark.slow
def test_html_report_in_a_browser(recorded, tmp_path):
    chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    page = ARTIFACTS / "bulletin.html"
    result = recorded("report", "--format", "html", "-o", str(page), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output

    loaded = browse(page, tmp_path, "--dump-dom")
    assert console_messages(loaded.stderr) == []
    dom = loaded.stdout
    assert "<svg" in dom

    rows = status_json(recorded)
    counts = counts_of(rows)
    headline = element(dom, "headline")
    assert "共10个目标" in headline
    assert f"逾期{counts['overdue']}个" in headline and f"预警{counts['at_risk']}个" in headline
    cards = element(dom, "counts")
    assert f"{counts['overdue']} 逾期" in cards and f"{counts['no_data']} 未报送" in cards

    coal = next(r for r in rows if r["id"] == "coal-output")
    coal_row = element(dom, "t-coal-output")
    for text in ("煤炭产量", "1.4亿吨左右", "1.07亿吨", "2024-09-30", percent(coal["completion"])):
        assert text in coal_row

    alerts = element(dom, "alerts")
    assert "盟级重点项目具备开复工条件" in alerts and "逾期 168 天" in alerts
    assert alerts.index("逾期 168 天") < alerts.index("重点项目完成投资")

    for name, size in (("bulletin-desktop.png", "1280,1900"), ("bulletin-phone.png", "390,2400")):
        shot = ARTIFACTS / name
        shot.unlink(missing_ok=True)
        browse(page, tmp_path, f"--screenshot={shot}", f"--window-size={size}")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = ARTIFACTS / "bulletin-a4.pdf"
    pdf.unlink(missing_ok=True)
    browse(page, tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert pdf.read_bytes()[:5] == b"%PDF-"


SCRIPT_PAYLOAD = """<img src=x onerror="document.title='PWNED'">"""


def _title(dom: str) -> str:
    found = re.search(r"<title>(.*?)</title>", dom, re.S)
    return found.group(1) if found else ""


@pytest.mark.slow
def test_payloads_run_no_script_in_a_browser(recorded, tmp_path):
    """An owner and a title that would set document.title if they ran: the HTML bulletin and
    the Markdown one rendered by a CommonMark renderer, opened in chromium."""
    from markdown_it import MarkdownIt

    chromium()
    canary = tmp_path / "canary.html"  # the check is not vacuous: the raw payload does run
    canary.write_text(f"<!DOCTYPE html><title>SAFE</title><p>{SCRIPT_PAYLOAD}</p>", "utf-8")
    assert _title(browse(canary, tmp_path, "--dump-dom").stdout) == "PWNED"

    result = recorded("assign", "coal-output", "--owner", SCRIPT_PAYLOAD)
    assert result.exit_code == 0, result.output
    page, text = tmp_path / "通报.html", tmp_path / "通报.md"
    for path in (page, text):
        result = recorded("report", "-o", str(path), "--as-of", AS_OF, "--title", SCRIPT_PAYLOAD)
        assert result.exit_code == 0, result.output
    rendered = tmp_path / "通报-md.html"
    body = MarkdownIt("commonmark").render(text.read_text(encoding="utf-8"))
    rendered.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>SAFE</title></head>'
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    for opened in (page, rendered):
        loaded = browse(opened, tmp_path, "--dump-dom")
        dom = loaded.stdout
        assert _title(dom) != "PWNED", opened.name  # the title as written, not set by a script
        assert "<img" not in dom, opened.name
        assert "onerror" in dom  # shown as text, not run
        assert console_messages(loaded.stderr) == [], opened.name


@pytest.mark.slow
def test_a_bulletin_fit_to_issue_in_a_browser(recorded, ledger_path, tmp_path):
    """Office, 期号, section names from the report text, both averages, the department table
    and the 落款, as a browser shows them."""
    from xlgl.evaluate import status_rows
    from xlgl.store import Ledger

    chromium()
    assert recorded("assign", "coal-output", "--owner", "盟能源局").exit_code == 0
    assert recorded("assign", "key-projects-ready", "--owner", "盟发改委").exit_code == 0
    seed = Path(__file__).resolve().parent.parent / "seed" / "xilinguole-2024-work-report.txt"
    with Ledger.open(ledger_path) as ledger:
        day = date(2024, 9, 30)
        rows = status_rows(ledger.targets_with_latest(day), day, ledger.settings())
    value = bulletin.build(
        rows,
        date(2024, 9, 30),
        office="锡林郭勒盟人民政府督查室",
        issue_number=7,
        issued=date(2024, 10, 8),
        report_text=seed.read_text(encoding="utf-8"),
    )
    page = tmp_path / "通报.html"
    bulletin.save(page, bulletin.to_html(value))
    loaded = browse(page, tmp_path, "--dump-dom")
    assert console_messages(loaded.stderr) == []
    dom = loaded.stdout
    masthead = element(dom, "masthead")
    assert "锡林郭勒盟人民政府督查室" in masthead and "第 7 期" in masthead
    assert element(dom, "signature") == "锡林郭勒盟人民政府督查室 2024年10月8日"
    targets = element(dom, "targets")
    assert "（一）坚持稳中求进、以进促稳，全力推动经济持续向好" in targets
    completion = element(dom, "completion")
    assert "全部目标平均完成率" in completion and "（未报送按 0 计）" in completion
    assert "已报送 2 个目标平均完成率" in completion
    departments = element(dom, "departments")
    for owner in ("盟能源局", "盟发改委", "（未明确牵头单位）"):
        assert owner in departments
    # ranked by completion over all targets: 盟能源局 (76.4%) above 盟发改委 (no figure)
    assert departments.index("盟能源局") < departments.index("盟发改委")


@pytest.mark.slow
def test_report_command_issues_a_bulletin_a_browser_shows(recorded, tmp_path):
    """Through the CLI: the office and 期号 from the ledger's settings, section names from the
    report text, the department table and the chase list with the contact to call."""
    chromium()
    for args in (
        ("settings", "office", "锡林郭勒盟人民政府督查室"),
        ("assign", "coal-output", "--owner", "盟能源局", "--co-owner", "盟发改委"),
        ("assign", "key-projects-ready", "--owner", "盟发改委", "--contact", "赵强 0479-7654321"),
    ):
        result = recorded(*args)
        assert result.exit_code == 0, result.output
    page = tmp_path / "通报.html"
    result = recorded("report", "-o", str(page), "--as-of", AS_OF, "--issue", "7")
    assert result.exit_code == 0, result.output
    loaded = browse(page, tmp_path, "--dump-dom")
    assert console_messages(loaded.stderr) == []
    dom = loaded.stdout
    masthead = element(dom, "masthead")
    assert "锡林郭勒盟人民政府督查室" in masthead and "第 7 期" in masthead
    assert element(dom, "signature") == "锡林郭勒盟人民政府督查室 2024年9月30日"
    assert "（一）坚持稳中求进、以进促稳，全力推动经济持续向好" in element(dom, "targets")
    departments = element(dom, "departments")
    assert departments.index("盟能源局") < departments.index("盟发改委")
    chase = element(dom, "chase-list")
    owed = json.loads(recorded("chase", "--as-of", AS_OF, "--format", "json").stdout)
    assert f"应报未报（{len(owed)} 项）" in chase
    assert "盟发改委 赵强 0479-7654321 盟级重点项目具备开复工条件 key-projects-ready" in chase
    for row in owed:
        assert row["id"] in chase
    # the order on the page: overdue list, departments, chase list, every target
    at = [dom.index(f'id="{name}"') for name in ("alerts", "departments", "chase", "targets")]
    assert at == sorted(at)


# --- the cron example ----------------------------------------------------------------------------


@pytest.mark.slow
def test_weekly_reports_example(recorded, ledger_path, tmp_path):
    import sys

    script = Path(__file__).resolve().parent.parent / "examples" / "weekly-reports.sh"
    out = tmp_path / "reports"
    env = os.environ | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "XLGL_DB": str(ledger_path),
        "XLGL_REPORT_DIR": str(out),
        "XLGL_AS_OF": AS_OF,
    }
    env.pop("XLGL_MAIL_TO", None)
    result = subprocess.run(["sh", str(script)], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"台账-{AS_OF}.xlsx", f"通报-{AS_OF}.html", f"通报-{AS_OF}.md"]
    assert result.stdout.split() == [str(out / name) for name in names]
    assert "逾期1个" in (out / f"通报-{AS_OF}.md").read_text(encoding="utf-8")

    env["XLGL_DB"] = str(tmp_path / "no-such-dir" / "ledger.db")
    failed = subprocess.run(["sh", str(script)], capture_output=True, text=True, env=env)
    assert failed.returncode not in (0, 1)
    assert failed.stderr.count("\n") <= 2


def test_report_issue_number(recorded, tmp_path):
    path = tmp_path / "通报.md"
    result = recorded("report", "-o", str(path), "--as-of", AS_OF, "--issue", "12")
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8").startswith("第 12 期\n\n# ")
    refused = recorded("report", "-o", str(path), "--as-of", AS_OF, "--issue", "0")
    assert refused.exit_code == 2


def test_bidirectional_overrides_are_dropped():
    """U+202E would show 局源能盟 reversed text in a different order than it is stored."""
    day = date(2024, 9, 30)
    row = evaluate(target("x", "（一）", owner="盟\u202e局源能\u202c"), None, day)
    b = bulletin.build([row], day)
    for text in (bulletin.to_markdown(b), bulletin.to_html(b)):
        assert "\u202e" not in text and "\u202c" not in text
        assert "盟局源能" in text
