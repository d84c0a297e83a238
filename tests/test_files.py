"""Output files: what `-o` may name, how a file is replaced, and the format read from its name."""

import errno
import json
import os
import stat
import tempfile
import time

import pytest

from xlgl import files
from xlgl.errors import InputError

AS_OF = "2024-09-30"


@pytest.fixture
def recorded(xlgl):
    result = xlgl("record", "coal-output", "1.07亿吨", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return xlgl


def status_json(xlgl):
    result = xlgl("status", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# --- what -o may name ----------------------------------------------------------------------------


def refused(xlgl, path, words):
    """`export` (or `report`, for a .md path) refuses `path`: exit 2, one line with `words`."""
    command = "report" if str(path).endswith(".md") else "export"
    for args in ((command, "-o", str(path)),):
        result = xlgl(*args, "--as-of", AS_OF)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output, result.output
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_a_directory_is_refused(recorded, tmp_path):
    for name in ("out.xlsx", "out.md"):
        folder = tmp_path / name
        folder.mkdir()
        refused(recorded, folder, "是目录")
        assert folder.is_dir() and not list(folder.iterdir())


def test_a_fifo_is_refused_without_blocking(recorded, tmp_path):
    for name in ("pipe.xlsx", "pipe.md"):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        refused(recorded, fifo, "命名管道")
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_device_is_refused(recorded):
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    refused(recorded, "/dev/null", "设备文件")
    result = recorded("report", "-f", "markdown", "-o", "/dev/null", "--as-of", AS_OF)
    assert result.exit_code == 2 and "设备文件" in result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_dangling_link_is_refused(recorded, tmp_path):
    for name in ("t.xlsx", "t.md"):
        link = tmp_path / name
        link.symlink_to(tmp_path / f"nowhere-{name}")
        refused(recorded, link, "悬空")
        assert link.is_symlink() and not (tmp_path / f"nowhere-{name}").exists()


def test_a_link_loop_is_refused(recorded, tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    a.symlink_to(b)
    b.symlink_to(a)
    refused(recorded, a, "循环")


def test_a_missing_folder_is_refused(recorded, tmp_path):
    refused(recorded, tmp_path / "missing" / "t.xlsx", "目录不存在")
    refused(recorded, tmp_path / "missing" / "t.md", "目录不存在")


def test_a_link_to_a_file_writes_the_file_and_says_so(recorded, tmp_path):
    real = tmp_path / "real" / "通报.md"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    result = recorded("report", "-o", str(link), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_text(encoding="utf-8").startswith("# ")
    assert "符号链接" in result.output and str(real) in result.output


def test_an_overwritten_file_keeps_its_mode(recorded, tmp_path):
    for name in ("t.xlsx", "t.csv", "t.md"):
        path = tmp_path / name
        path.write_text("old", encoding="utf-8")
        path.chmod(0o600)
        command = "report" if name.endswith(".md") else "export"
        result = recorded(command, "-o", str(path), "--as-of", AS_OF)
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
        assert path.read_bytes() != b"old"


def test_a_new_file_gets_the_umask_mode(recorded, tmp_path):
    old = os.umask(0o027)
    try:
        result = recorded("export", "-o", str(tmp_path / "t.xlsx"), "--as-of", AS_OF)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "t.xlsx").stat().st_mode) == 0o640


def test_stale_temporary_files_are_removed_by_the_next_write(recorded, tmp_path):
    stale = tmp_path / ".台账.xlsx.k2j4h5g6.tmp"
    fresh = tmp_path / ".other.csv.a1b2c3d4.tmp"  # a write running now
    mine = tmp_path / ".notes.tmp"  # not one of ours
    for path in (stale, fresh, mine):
        path.write_bytes(b"half")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    os.utime(mine, (hours_ago, hours_ago))
    result = recorded("export", "-o", str(tmp_path / "台账.xlsx"), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert fresh.exists() and mine.exists()
    leftovers = [p.name for p in tmp_path.glob(".*.tmp")]
    assert sorted(leftovers) == sorted([fresh.name, mine.name])


def test_a_full_disk_says_so_and_keeps_the_old_file(recorded, tmp_path, monkeypatch):
    def full(path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files, "_flush", full)
    for name in ("t.md", "t.xlsx", "t.csv"):
        path = tmp_path / name
        path.write_text("old", encoding="utf-8")
        command = "report" if name.endswith(".md") else "export"
        result = recorded(command, "-o", str(path), "--as-of", AS_OF)
        assert result.exit_code == 2, result.output
        assert f"磁盘空间不足：无法写入 {path}" in result.output
        assert "Traceback" not in result.output
        assert path.read_text(encoding="utf-8") == "old"
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_full_disk_inside_xlsxwriter_says_so(recorded, tmp_path, monkeypatch):
    """xlsxwriter wraps the OSError in its own FileCreateError."""
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    def close(self):
        raise FileCreateError(OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(xlsxwriter.Workbook, "close", close)
    path = tmp_path / "t.xlsx"
    result = recorded("export", "-o", str(path), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert f"磁盘空间不足：无法写入 {path}" in result.output
    assert not path.exists() and not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("command", ["export", "export-template"])
def test_a_workbook_that_fails_half_way_leaves_no_scratch_files(
    recorded, tmp_path, monkeypatch, command
):
    """xlsxwriter writes each part to a temporary file before zipping; a failure in between (here
    a title a non-UTF-8 terminal handed over) used to leave them in the temporary folder."""
    scratch = tmp_path / "temp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    args = ("export", "--title", "\udcff", "-o", str(tmp_path / "t.xlsx"), "--as-of", AS_OF)
    if command == "export-template":
        args = (*args, "--template")
    result = recorded(*args)
    assert result.exit_code == 2, result.output
    assert not list(scratch.iterdir()) and not list(tmp_path.glob("t.*"))


# --- the format from the file's name -------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "name", "given", "expected"),
    [
        ("report", "a.html", None, "html"),
        ("report", "a.HTM", None, "html"),
        ("report", "a.md", None, "markdown"),
        ("report", "a.md", "markdown", "markdown"),
        ("report", None, None, "html"),
        ("report", None, "markdown", "markdown"),
        ("report", "a", "markdown", "markdown"),
        ("export", "a.xlsx", None, "xlsx"),
        ("export", "a.csv", None, "csv"),
        ("export", "a.json", "json", "json"),
        ("export", "a", None, "xlsx"),
    ],
)
def test_output_format_table(command, name, given, expected):
    default = "html" if command == "report" else "xlsx"
    assert files.output_format(command, name, given, default) == expected


@pytest.mark.parametrize(
    ("command", "name", "given", "message"),
    [
        ("export", "x.pdf", None, "不能写 .pdf；可写 .xlsx、.csv、.json"),
        ("report", "通报.pdf", None, "不能写 .pdf；可写 .html、.htm、.md"),
        ("export", "x.xlsx", "csv", "--format csv 与文件扩展名 .xlsx"),
        ("report", "x.md", "html", "--format html 与文件扩展名 .md"),
    ],
)
def test_output_format_refusals(command, name, given, message):
    with pytest.raises(InputError) as raised:
        files.output_format(command, name, given, "x")
    assert message in str(raised.value)


def test_export_by_extension(recorded, tmp_path):
    rows = status_json(recorded)

    csv_path = tmp_path / "进度.csv"
    result = recorded("export", "-o", str(csv_path), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    data = csv_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + b"id,section,indicator")  # a BOM for Excel
    assert data.decode("utf-8-sig").count("\n") == len(rows) + 1
    assert not data.startswith(b"PK")

    plain = tmp_path / "plain.csv"
    result = recorded("export", "-o", str(plain), "--no-bom", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert plain.read_bytes().startswith(b"id,section,indicator")

    json_path = tmp_path / "进度.json"
    result = recorded("export", "-o", str(json_path), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert json.loads(json_path.read_text(encoding="utf-8")) == rows

    book = tmp_path / "台账.xlsx"
    assert recorded("export", "-o", str(book), "--as-of", AS_OF).exit_code == 0
    assert book.read_bytes()[:2] == b"PK"


def test_csv_to_a_pipe_has_no_bom(recorded):
    result = recorded("export", "--format", "csv", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("id,section,indicator")


def test_an_extension_a_command_cannot_write(recorded, tmp_path):
    for args, message in (
        (("export", "-o", str(tmp_path / "x.pdf")), "不能写 .pdf；可写 .xlsx、.csv、.json"),
        (("report", "-o", str(tmp_path / "通报.pdf")), "不能写 .pdf；可写 .html、.htm、.md"),
        (("export", "-f", "xlsx", "-o", str(tmp_path / "x.csv")), "与文件扩展名 .csv"),
        (("report", "-f", "html", "-o", str(tmp_path / "x.md")), "与文件扩展名 .md"),
    ):
        result = recorded(*args, "--as-of", AS_OF)
        assert result.exit_code == 2, result.output
        assert message in result.output
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".pdf", ".csv", ".md")]


def test_report_by_extension(recorded, tmp_path):
    for name, start in (("通报.md", "# "), ("通报.htm", "<!DOCTYPE html>")):
        path = tmp_path / name
        result = recorded("report", "-o", str(path), "--as-of", AS_OF)
        assert result.exit_code == 0, result.output
        assert path.read_text(encoding="utf-8").startswith(start)
