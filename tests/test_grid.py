"""Terminal tables: CJK columns line up, narrow terminals fold the long columns, nothing trails."""

import pytest
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


# --- fitting a width --------------------------------------------------------------------------

STATUS_LIKE = (
    Column("id", fold=8),
    Column("章节", drop=1),
    Column("指标", fold=6, soft=12),
    Column("截至", drop=2),
    Column("状态"),
    Column("原因", fold=8, under=""),
)
STATUS_ROWS = [
    (
        "coal-output",
        "（一）",
        "煤炭产量",
        "09-30",
        "预警",
        "落后时间进度 17.8 个百分点\n距时限 21 天",
    ),
    ("key-projects-ready", "（一）", "盟级重点项目具备开复工条件", "", "逾期", "逾期 168 天"),
]


def test_reasons_go_under_their_row_before_any_column_drops():
    wide = draw(STATUS_LIKE, STATUS_ROWS, 200).plain.splitlines()
    assert "原因" in wide[0] and "章节" in wide[0]
    header, _, coal, coal_reasons, ready, ready_reasons = draw(
        STATUS_LIKE, STATUS_ROWS, 68
    ).plain.splitlines()
    assert "原因" not in header and "章节" in header and "截至" in header
    assert coal_reasons == "    落后时间进度 17.8 个百分点；距时限 21 天"
    assert ready_reasons == "    逾期 168 天"
    assert coal.startswith("coal-output") and ready.startswith("key-projects-ready")


def test_columns_drop_by_rank_then_the_folding_ones_fold():
    header = draw(STATUS_LIKE, STATUS_ROWS, 62).plain.splitlines()[0]
    assert "章节" not in header and "截至" in header  # 章节 (rank 1) goes before 截至 (rank 2)
    lines = draw(STATUS_LIKE, STATUS_ROWS, 30).plain.splitlines()
    assert "截至" not in lines[0]
    assert all(cell_len(line) <= 30 for line in lines)
    assert any(line.startswith("key-") for line in lines)  # the id folds after its hyphen


def test_any_width_is_kept_even_below_the_floors():
    for width in (10, 20, 25):
        lines = draw(STATUS_LIKE, STATUS_ROWS, width).plain.splitlines()
        assert all(cell_len(line) <= width for line in lines), (width, lines)


def test_wide_keeps_every_column_on_one_line():
    lines = draw(STATUS_LIKE, STATUS_ROWS, 40, wide=True).plain.splitlines()
    assert "原因" in lines[0] and "章节" in lines[0]
    assert "盟级重点项目具备开复工条件" in lines[4]


def test_wrap_counts_cjk_as_two_cells():
    from xlgl.grid import wrap

    lines = wrap("只看某状态，可重复：逾期、预警、未完成、on_track。", 20, indent="  ")
    # no line starts with a comma; the ASCII word stays whole
    assert lines == ["只看某状态，可重复：", "  逾期、预警、未完", "  成、on_track。"]


def test_clean_removes_what_a_terminal_would_act_on():
    from xlgl.grid import clean

    assert clean("a\x1b]52;c;ZXZp\x07b\x1b[2Jc\x9b31md\u202ee\x7f\tf") == "a]52;c;ZXZpb[2Jc31mde f"
    assert clean("第一行\r\n第二行") == "第一行\n第二行"
    assert clean("[bold]不是标记[/]") == "[bold]不是标记[/]"


@pytest.mark.slow
def test_a_long_line_folds_in_linear_time():
    """Each token is measured once: 20× the text is about 20× the work; quadratic folding would
    be 400×. The bound (150×) is generous so that a loaded machine does not fail it; each time
    is the best of five."""
    import time

    from xlgl.grid import _fold

    def cost(text):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            _fold(text, 40)
            times.append(time.perf_counter() - start)
        return min(times)

    short = "煤炭产量 coal-output 2024-09-30，" * 500
    ratio = cost(short * 20) / max(cost(short), 1e-6)
    assert ratio < 150, ratio
