"""The bulletin as one self-contained HTML page (`xlgl report -o 通报.html`).

Inline CSS and SVG, no script, no network, system fonts; prints on A4 and reads on a phone. Every
text from data is HTML-escaped (`html.escape`, quotes included). Colours follow each status's
tone (words.STATUS_TONES), mapped to web colours here.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from xlgl import words
from xlgl.bulletin import (
    NOTE,
    Bulletin,
    Line,
    Part,
    cn_date,
    completion_line,
    headline,
    issue_text,
    pct,
    rank_text,
    signature,
)

# Each tone of words.STATUS_TONES as print-friendly web colours (ink, background).
TONE_COLOURS = {
    "bad": ("#c0271d", "#fde7e5"),
    "warn": ("#a86400", "#fff4d6"),
    "good": ("#1e7b34", "#e3f4e6"),
    "late_good": ("#4d7c2a", "#eef5e6"),
    "quiet": ("#5f6670", "#eef0f2"),
}


def colours(status: str) -> tuple[str, str]:
    return TONE_COLOURS.get(words.STATUS_TONES.get(status, "quiet"), TONE_COLOURS["quiet"])


FONT_STACK = (
    '-apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", '
    '"Source Han Sans SC", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif'
)

CSS = """
:root { --ink:#1f2328; --muted:#5f6670; --line:#d8dde3; --bg:#f5f6f8; --accent:#b3261e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin:0; background:var(--bg); color:var(--ink); font: 15px/1.6 FONTS; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 20px 40px; }
header.doc { background:#fff; border-top: 6px solid var(--accent); padding: 22px 26px 18px;
  border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
header.doc .kicker { color: var(--accent); font-weight: 700; letter-spacing: .3em; font-size: 13px; }
h1 { font-size: 24px; margin: 4px 0 6px; line-height: 1.35; }
.lead { margin: 0; color: var(--ink); font-size: 16px; }
.meta { color: var(--muted); font-size: 13px; margin-top: 6px; }
section.card { background:#fff; border-radius: 6px; padding: 18px 22px; margin-top: 16px;
  box-shadow: 0 1px 3px rgba(0,0,0,.08); }
h2 { font-size: 18px; margin: 0 0 12px; padding-left: 10px; border-left: 4px solid var(--accent);
  line-height: 1.3; }
.masthead { display: flex; justify-content: space-between; gap: 12px; margin-top: 6px;
  padding-bottom: 6px; border-bottom: 2px solid var(--accent); color: var(--accent); font-weight: 700; }
.masthead .issue { white-space: nowrap; }
.sign { text-align: right; margin-top: 18px; line-height: 1.8; }
table.groups { margin-top: 4px; }
.scroll { overflow-x: auto; }
table.groups th { white-space: normal; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(96px, 1fr)); gap: 10px;
  margin-top: 16px; }
.kpi { background:#fff; border-radius: 6px; padding: 12px 10px; text-align: center;
  box-shadow: 0 1px 3px rgba(0,0,0,.08); border-top: 4px solid var(--c); }
.kpi .n { font-size: 28px; font-weight: 700; color: var(--c); line-height: 1.2;
  font-variant-numeric: tabular-nums; }
.kpi .l { font-size: 13px; color: var(--muted); }
.kpi .s { font-size: 11px; color: var(--muted); }
.chart svg { width: 100%; height: auto; display: block; }
.chart svg.narrow { display: none; }
.chart .legend { font-size: 12px; color: var(--muted); margin-top: 6px; }
.legend i { display:inline-block; width: 14px; height: 10px; margin: 0 4px 0 12px;
  vertical-align: middle; border-radius: 2px; }
.legend i.tick { width: 3px; height: 14px; background: var(--ink); border-radius: 0; }
ol.alerts { list-style: none; margin: 0; padding: 0; }
ol.alerts li { border: 1px solid var(--line); border-left: 5px solid var(--c); border-radius: 4px;
  padding: 10px 14px; margin-bottom: 10px; break-inside: avoid; }
.alerts .head { font-weight: 700; }
.alerts .facts { color: var(--muted); font-size: 13px; }
.alerts .why { margin-top: 4px; }
.pill { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px;
  font-weight: 700; color: var(--c); background: var(--b); white-space: nowrap; line-height: 20px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
thead th { background: #eef1f4; font-weight: 700; white-space: nowrap; }
td.nw { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.sec td { background: #fafbfc; font-weight: 700; color: var(--accent); }
.bar { position: relative; height: 8px; background: #e6e9ed; border-radius: 4px; margin-top: 3px;
  min-width: 60px; }
.bar span { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 4px; background: var(--c); }
.bar b { position: absolute; top: -3px; bottom: -3px; width: 2px; background: var(--ink); }
.why { font-size: 13px; }
.note { font-size: 12px; color: var(--muted); margin-top: 16px; }
footer { font-size: 12px; color: var(--muted); text-align: center; margin-top: 18px; }
@media screen and (max-width: 760px) {
  main { padding: 12px 10px 28px; }
  header.doc { padding: 16px 16px 14px; }
  h1 { font-size: 20px; }
  section.card { padding: 14px 14px; }
  .kpis { grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px; }
  .kpi .n { font-size: 22px; }
  .kpi.wide { grid-column: span 3; }
  .chart svg.wide { display: none; }
  .chart svg.narrow { display: block; }
  table.full td.empty { display: none; }
  table.full thead { display: none; }
  table.full, table.full tbody, table.full tr, table.full td { display: block; width: 100%; }
  table.full tr { border: 1px solid var(--line); border-radius: 4px; margin-bottom: 8px;
    padding: 6px 10px; }
  table.full tr.sec { border: 0; padding: 0; margin: 14px 0 6px; }
  table.full td { border: 0; padding: 2px 0; text-align: left; }
  table.full td[data-label]::before { content: attr(data-label) "："; color: var(--muted); }
  table.full td.name { font-weight: 700; font-size: 14px; }
  table.full td.name::before { content: none; }
}
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { background: #fff; font-size: 11pt; -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  header.doc, section.card, .kpi { box-shadow: none; border-radius: 0; }
  header.doc { padding: 0 0 10px; border-top-width: 4px; }
  section.card { padding: 10px 0; margin-top: 10px; }
  .kpis { gap: 6px; }
  .kpi { border: 1px solid var(--line); border-top: 4px solid var(--c); padding: 6px 4px; }
  .kpi .n { font-size: 20pt; }
  table { font-size: 9pt; }
  thead { display: table-header-group; }
  tr, li, .chart { break-inside: avoid; }
  h2 { break-after: avoid; }
  footer { display: none; }
}
""".replace("FONTS", FONT_STACK)


def to_html(b: Bulletin, generated: str = "") -> str:
    """The bulletin as one self-contained HTML page."""
    e = escape
    issue = issue_text(b)
    masthead = ""
    if b.office or issue:
        masthead = (
            '<div class="masthead" id="masthead">'
            + (f'<span class="office">{e(b.office)}</span>' if b.office else "")
            + (f'<span class="issue">{e(issue)}</span>' if issue else "")
            + "</div>"
        )
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{e(b.title)}（截至{e(cn_date(b.as_of))}）</title>",
        f"<style>{CSS}</style></head><body><main>",
        f'<header class="doc"><div class="kicker">督 查 通 报</div>{masthead}',
        f"<h1>{e(b.title)}</h1>",
        f'<p class="lead" id="headline">{e(headline(b))}</p>',
        f'<div class="meta" id="completion">{e(completion_line(b))}'
        + (f" · 生成于 {e(generated)}" if generated else "")
        + "</div></header>",
        '<div class="kpis" id="counts">',
        _kpi("目标总数", b.total, "#1f2328"),
    ]
    out += [_kpi(words.STATUS_LABELS[s], b.counts[s], colours(s)[0], s) for s in b.shown]
    out.append(
        _kpi("全部目标平均完成率", pct(b.completion_all), "#1f4e8c", wide=True, sub="未报送按 0 计")
    )
    out.append(
        _kpi(
            "已报送目标平均完成率",
            pct(b.completion),
            "#1f4e8c",
            wide=True,
            sub=f"已报送 {b.reported}/{b.total}",
        )
    )
    out.append("</div>")

    out.append('<section class="card chart"><h2>各部分完成率与时间进度</h2>')
    out.append(_parts_svg(b.parts))
    out.append(_parts_svg(b.parts, narrow=True))
    out.append(
        '<div class="legend"><i style="background:#2f8f46"></i>已报送目标平均完成率（不落后）'
        '<i style="background:#d08a00"></i>落后时间进度10个百分点以上'
        '<i class="tick"></i>平均时间进度</div></section>'
    )

    out.append(f'<section class="card" id="alerts"><h2>逾期与预警（{len(b.alerts)} 项）</h2>')
    if b.alerts:
        out.append('<ol class="alerts">')
        for a in b.alerts:
            latest = f"{a.latest}（截至 {a.latest_as_of}）" if a.latest_as_of else "未报送"
            owner = f" · 牵头单位 {e(a.owner)}" if a.owner else ""
            out.append(
                f'<li style="{_vars(a.status)}"><div class="head">{_pill(a)} {e(a.indicator)}'
                f"</div>"
                f'<div class="facts">{e(a.section)} · 目标 {e(a.target)} · 最新 {e(latest)} · '
                f"完成率 {pct(a.completion)} · 时间进度 {pct(a.time_progress)} · "
                f"时限 {e(a.due)}{owner} · <code>{e(a.id)}</code></div>"
                f'<div class="why">{e("；".join(a.reasons))}</div></li>'
            )
        out.append("</ol>")
    else:
        out.append("<p>无逾期或预警目标。</p>")
    out.append("</section>")

    out.append('<section class="card"><h2>各牵头单位情况</h2>')
    out.append('<div class="scroll">')
    out.append(_groups_table(b.departments, b.shown, "departments", "牵头单位", ranked=True))
    out.append("</div>")
    out.append("</section>")
    if b.chase is not None:
        out.append(_chase_section(b))

    out.append('<section class="card"><h2>全部目标</h2><table class="full" id="targets">')
    out.append(
        "<thead><tr><th>指标</th><th>目标</th><th>最新实绩</th><th>截至</th>"
        '<th class="num">完成率</th><th class="num">时间进度</th><th>状态</th><th>原因</th>'
        "</tr></thead><tbody>"
    )
    labels = {part.section: part.label for part in b.parts}
    section = None
    for line in b.lines:
        if line.section != section:
            section = line.section
            label = labels.get(section, section)
            out.append(f'<tr class="sec"><td colspan="8">{e(label)}</td></tr>')
        empty = " empty" if line.completion is None else ""
        out.append(
            f'<tr id="t-{e(line.id)}" style="{_vars(line.status)}">'
            f'<td class="name">{e(line.indicator)}</td>'
            f'<td class="nw" data-label="目标">{e(line.target)}</td>'
            f'<td class="nw{empty}" data-label="最新实绩">{e(line.latest)}</td>'
            f'<td class="nw{empty}" data-label="截至">{e(line.latest_as_of) or "—"}</td>'
            f'<td class="num{empty}" data-label="完成率">{pct(line.completion)}{_bar(line)}</td>'
            f'<td class="num" data-label="时间进度">{pct(line.time_progress)}</td>'
            f'<td data-label="状态">{_pill(line)}</td>'
            f'<td class="why{"" if line.reasons else " empty"}" data-label="原因">'
            f"{e('；'.join(line.reasons))}</td></tr>"
        )
    out.append("</tbody></table>")
    out.append(f'<p class="note">说明：{e(NOTE)}</p>')
    office, day = signature(b)
    if office:
        out.append(
            f'<div class="sign" id="signature"><div>{e(office)}</div><div>{e(day)}</div></div>'
        )
    out.append("</section>")
    out.append(f"<footer>{e(b.title)} · 截至{e(cn_date(b.as_of))} · 由 xlgl 目标台账生成</footer>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"


def _groups_table(
    groups: Sequence[Part], shown: Sequence[str], table_id: str, heading: str, *, ranked: bool
) -> str:
    e = escape
    head = ('<th class="num">排名</th>' if ranked else "") + f"<th>{e(heading)}</th>"
    head += '<th class="num">目标数</th>'
    head += "".join(f'<th class="num">{e(words.STATUS_LABELS[s])}</th>' for s in shown)
    head += (
        '<th class="num">已报送</th><th class="num">全部目标平均完成率</th>'
        '<th class="num">已报送平均完成率</th>'
    )
    out = [f'<table class="groups" id="{table_id}"><thead><tr>{head}</tr></thead><tbody>']
    for rank, g in zip(rank_text(groups), groups, strict=True):
        cells = (f'<td class="num">{rank}</td>' if ranked else "") + f"<td>{e(g.label)}</td>"
        cells += f'<td class="num">{g.total}</td>'
        cells += "".join(f'<td class="num">{g.counts.get(s, 0)}</td>' for s in shown)
        cells += (
            f'<td class="num">{g.reported}</td><td class="num">{pct(g.completion_all)}</td>'
            f'<td class="num">{pct(g.completion)}</td>'
        )
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _chase_section(b: Bulletin) -> str:
    """应报未报: who owes which figure by when, with the contact to call."""
    e = escape
    chase = b.chase or ()
    owners = len({c.owner for c in chase})
    out = [f'<section class="card" id="chase-list"><h2>应报未报（{len(chase)} 项）</h2>']
    if not chase:
        out.append("<p>无应报未报的目标。</p></section>")
        return "".join(out)
    out.append(f"<p>涉及 {owners} 个单位，请督促报送。</p>")
    out.append('<div class="scroll"><table class="groups" id="chase"><thead><tr>')
    out.append(
        "<th>牵头单位</th><th>联系人</th><th>指标</th><th>应报数据截至</th><th>应报日期</th>"
    )
    out.append("</tr></thead><tbody>")
    for c in chase:
        out.append(
            f"<tr><td>{e(c.owner)}</td><td>{e(c.contact) or '—'}</td>"
            f"<td>{e(c.indicator)} <code>{e(c.id)}</code></td>"
            f'<td class="nw">{e(c.period_end)}</td><td class="nw">{e(c.report_due)}</td></tr>'
        )
    out.append("</tbody></table></div></section>")
    return "".join(out)


def _vars(status: str) -> str:
    colour, background = colours(status)
    return f"--c:{colour};--b:{background}"


def _kpi(
    label: str, value: object, colour: str, status: str = "", wide: bool = False, sub: str = ""
) -> str:
    data = f' data-status="{status}"' if status else ""
    classes = "kpi wide" if wide else "kpi"
    small = f'<div class="s">{escape(sub)}</div>' if sub else ""
    return (
        f'<div class="{classes}"{data} style="--c:{colour}">'
        f'<div class="n">{escape(str(value))}</div><div class="l">{escape(label)}</div>{small}</div>'
    )


def _pill(line: Line) -> str:
    return f'<span class="pill" style="{_vars(line.status)}">{escape(line.status_label)}</span>'


def _bar(line: Line) -> str:
    if line.completion is None:
        return ""
    width = max(0.0, min(1.0, line.completion)) * 100
    tick = max(0.0, min(1.0, line.time_progress)) * 100
    return (
        f'<div class="bar" aria-hidden="true"><span style="width:{width:.1f}%"></span>'
        f'<b style="left:calc({tick:.1f}% - 1px)"></b></div>'
    )


def _parts_svg(parts: Sequence[Part], *, narrow: bool = False) -> str:
    """Horizontal bars: each section's mean completion, with a tick at its mean time progress.

    The wide layout puts the section name left of its bar and the figures right of it; the narrow
    one (phones) puts the name and figures on a line above the bar."""
    if narrow:
        width, left, right, top, row_h, bar_h, bar_dy = 360, 6, 10, 22, 56, 16, 14
    else:
        width, left, right, top, row_h, bar_h, bar_dy = 860, 130, 170, 26, 44, 18, 0
    track = width - left - right
    height = top + row_h * len(parts) + 6
    kind = "narrow" if narrow else "wide"
    out = [
        f'<svg class="{kind}" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="各部分完成率与时间进度" xmlns="http://www.w3.org/2000/svg" font-size="13" '
        f"font-family='{FONT_STACK}'>"
    ]
    for mark in (0, 25, 50, 75, 100):
        x = left + track * mark / 100
        anchor = "start" if narrow and mark == 0 else "end" if narrow and mark == 100 else "middle"
        out.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 4}" stroke="#e1e5ea"/>'
            f'<text x="{x:.1f}" y="{top - 10}" text-anchor="{anchor}" fill="#8a929b" '
            f'font-size="11">{mark}%</text>'
        )
    for index, part in enumerate(parts):
        y = top + row_h * index
        mid = y + (row_h + bar_dy) / 2
        out.append(
            f"<g><title>{escape(part.label)}：已报送目标平均完成率 {pct(part.completion)}，"
            f"平均时间进度 {pct(part.time_progress)}，已报送 {part.reported}/{part.total}</title>"
        )
        stats = f"时间进度 {pct(part.time_progress)}"
        counts = f"{part.total} 个目标，已报送 {part.reported}"
        if narrow:
            out.append(
                f'<rect x="0" y="{y + 2:.1f}" width="{width}" height="20" fill="#ffffff"/>'
                f'<text x="{left}" y="{y + 16:.1f}" fill="#1f2328" font-weight="700">'
                f"{escape(part.section)}</text>"
                f'<text x="{width - right}" y="{y + 16:.1f}" text-anchor="end" fill="#5f6670" '
                f'font-size="12">{stats} · {counts}</text>'
            )
        else:
            out.append(
                f'<text x="{left - 12}" y="{mid + 4:.1f}" text-anchor="end" fill="#1f2328" '
                f'font-weight="700">{escape(part.section)}</text>'
                f'<text x="{left + track + 14}" y="{mid - 2:.1f}" fill="#1f2328" font-size="12">'
                f"{stats}</text>"
                f'<text x="{left + track + 14}" y="{mid + 13:.1f}" fill="#8a929b" font-size="11">'
                f"{counts}</text>"
            )
        out.append(
            f'<rect x="{left}" y="{mid - bar_h / 2:.1f}" width="{track}" height="{bar_h}" '
            'rx="3" fill="#eef0f3"/>'
        )
        if part.completion is not None:
            behind = part.completion < part.time_progress - 0.10
            colour = "#d08a00" if behind else "#2f8f46"
            bar_w = track * max(0.0, min(1.0, part.completion))
            text_x, anchor, fill = left + bar_w + 6, "start", "#1f2328"
            if bar_w > track - 60:
                text_x, anchor, fill = left + bar_w - 6, "end", "#ffffff"
            out.append(
                f'<rect x="{left}" y="{mid - bar_h / 2:.1f}" width="{bar_w:.1f}" '
                f'height="{bar_h}" rx="3" fill="{colour}"/>'
                f'<text x="{text_x:.1f}" y="{mid + 4.5:.1f}" text-anchor="{anchor}" '
                f'fill="{fill}" font-weight="700" font-size="12">{pct(part.completion)}</text>'
            )
        else:
            out.append(
                f'<text x="{left + 8}" y="{mid + 4.5:.1f}" fill="#8a929b" font-size="12">'
                "未报送</text>"
            )
        tick_x = left + track * min(1.0, part.time_progress)
        out.append(
            f'<line x1="{tick_x:.1f}" y1="{mid - bar_h / 2 - 5:.1f}" x2="{tick_x:.1f}" '
            f'y2="{mid + bar_h / 2 + 5:.1f}" stroke="#1f2328" stroke-width="2.5"/></g>'
        )
    out.append("</svg>")
    return "".join(out)
