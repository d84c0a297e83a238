"""Terminal tables: CJK columns line up, narrow terminals fold the long columns, nothing trails."""

from rich.cells import cell_len

from xlgl.grid import Column, draw

COLUMNS = (
    Column("id"),
    Column("指标", fold=6),
    Column("目标", align="right"),
    Column("原因", fold=6),
)
ROWS = [
    ("coal-output", "煤炭产量", "1.4亿吨左右", "落后时间进度 17.8 个百分点\n距时限 21 天"),
    ("key-projects-ready", "盟级重点项目具备开复工条件", "188个", ""),
]


def lines(width):
    return draw(COLUMNS, ROWS, width).plain.splitlines()


def test_cjk_columns_line_up_in_terminal_cells():
    header, rule, coal, coal_more, ready = lines(200)
    # each column starts at the same cell on every line; 目标 is right-aligned to its header
    reasons_at = cell_len(header[: header.index("原因")])
    assert cell_len(coal[: coal.index("落后")]) == reasons_at
    assert cell_len(coal_more[: coal_more.index("距时限")]) == reasons_at
    target_end = cell_len(header[: header.index("目标") + 2])
    assert cell_len(coal[: coal.index("左右") + 2]) == target_end
    assert cell_len(ready[: ready.index("188个") + 4]) == target_end
    assert rule == "─" * cell_len(rule)
    assert cell_len(rule) == cell_len(coal)  # the widest line is as wide as the rule


def test_a_narrow_terminal_folds_the_folding_columns_to_fit():
    folded = lines(60)
    assert len(folded) > 5
    assert all(cell_len(line) <= 60 for line in folded)
    text = "".join(folded).replace(" ", "")
    assert "盟级重点项目具备开复工条件".replace(" ", "")[:4] in text
    assert "距时限21天" in text


def test_no_trailing_blanks():
    assert all(line == line.rstrip() for line in lines(200))
    assert all(line == line.rstrip() for line in lines(60))


def test_folding_breaks_between_cjk_characters_or_at_spaces_never_inside_numbers():
    from xlgl.grid import _fold

    assert _fold("落后时间进度 17.8 个百分点", 9) == ["落后时间", "进度 17.8", "个百分点"]
    assert _fold("71 天未报送（最近一次 2024-09-30）", 12) == [
        "71 天未报送",
        "（最近一次",
        "2024-09-30）",
    ]
    assert _fold("abcdefghijklmnopqrstuvwxyz", 9) == ["abcdefghi", "jklmnopqr", "stuvwxyz"]


def test_styles_cover_exactly_their_cells():
    text = draw(
        (Column("id", style="cyan"), Column("状态"), Column("原因")),
        [("coal-output", ("预警", "yellow"), "距时限 21 天"), ("gdp", ("已完成", "green"), "")],
        200,
    )
    styled = {(text.plain[span.start : span.end], str(span.style)) for span in text.spans}
    assert styled == {
        ("id", "bold"),
        ("状态", "bold"),
        ("原因", "bold"),
        ("coal-output", "cyan"),
        ("gdp", "cyan"),
        ("预警", "yellow"),
        ("已完成", "green"),
    }
