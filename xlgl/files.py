"""Files xlgl writes for people and for other ledgers: whole, or not at all — the one place every
`-o FILE` goes through.

What a path may name (checked before anything is computed or written):
- nothing yet: a new regular file is created (its folder must exist);
- a regular file: it is replaced whole, and keeps its permission bits (a 0600 file stays 0600);
- a symbolic link to a regular file: **the link's target is written** and the link is left as it
  is (a note says so: the caller prints it). We chose this over refusing because links are how
  people point a fixed name (通报-最新.html, a web folder) at a file that moves; replacing the link
  itself with a regular file, as 0.1 did, silently broke that;
- anything else is refused with exit 2 and one line saying what it is: a directory, a device, a
  named pipe (FIFO), a socket, a dangling link, a link loop.

A write goes to a temporary file `.NAME.XXXXXXXX.tmp` beside the file, is flushed to disk and
renamed onto it, so a reader never sees half a file and a failed or killed write leaves the old
file as it was. A killed run leaves its temporary file behind: the next write into that folder
removes such files once they are an hour old. A full disk is “磁盘空间不足：无法写入 PATH”.
Renaming replaces the file, so hard links to the old file keep the old contents.

`output_format` reads the format from the file's extension, for every command that writes
several formats (one table: OUTPUT_FORMATS).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from xlgl.errors import InputError

STALE_SECONDS = 3600  # a temporary file this old is a killed write's, not a running one's
_TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")  # tempfile.mkstemp's names, as used below

# The formats a command writes, by the extension of its output file (the first one of each
# format is the one named in messages).
OUTPUT_FORMATS: dict[str, dict[str, str]] = {
    "report": {".html": "html", ".htm": "html", ".md": "markdown"},
    "export": {".xlsx": "xlsx", ".csv": "csv", ".json": "json"},
}
FORMAT_NAMES = {
    "html": "HTML",
    "markdown": "Markdown",
    "xlsx": "xlsx",
    "csv": "CSV",
    "json": "JSON",
}


def output_format(command: str, path: Path | str | None, given: str | None, default: str) -> str:
    """The format `command` writes into `path`: from its extension; `given` (an explicit
    --format) must agree with it. Without an extension (or without a file), `given` or
    `default`. An extension the command cannot write is an InputError naming those it can."""
    table = OUTPUT_FORMATS[command]
    suffix = Path(path).suffix.lower() if path is not None else ""
    if not suffix:
        return given or default
    found = table.get(suffix)
    if found is None:
        can = "、".join(table)
        raise InputError(f"不能写 {suffix}；可写 {can}")
    if given is not None and given != found:
        raise InputError(
            f"--format {given} 与文件扩展名 {suffix}（{FORMAT_NAMES[found]}）不符；"
            f"去掉 --format，或把文件名改为 {_suffix_of(table, given)}"
        )
    return found


def _suffix_of(table: dict[str, str], fmt: str) -> str:
    return next((f"*{suffix}" for suffix, name in table.items() if name == fmt), fmt)


@dataclass(frozen=True)
class Destination:
    """Where a write to `path` lands: `target` (the file itself, or a link's target), the
    permission bits to keep (None for a new file), and a note for the user (or '')."""

    path: Path
    target: Path
    mode: int | None
    note: str = ""


def destination(path: Path | str) -> Destination:
    """Check what `path` names (see the module docstring); InputError when it cannot be written."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return _new_file(path, path)
    except OSError as error:
        raise InputError(f"无法写入 {path}：{error.strerror or error}") from None
    if not stat.S_ISLNK(info.st_mode):
        return Destination(path, path, _existing_mode(path, info.st_mode))
    try:
        real = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        raise InputError(f"{path} 是指向不存在文件的符号链接（悬空链接），不能写入") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError(f"{path} 是循环的符号链接，不能写入") from None
        raise InputError(f"无法写入 {path}：{error.strerror or error}") from None
    mode = _existing_mode(path, os.stat(real).st_mode, real)
    return Destination(path, real, mode, f"{path} 是符号链接：已写入它指向的文件 {real}")


def _new_file(path: Path, target: Path) -> Destination:
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"目录不存在：{folder}，无法写入 {path}")
    return Destination(path, target, None)


def _existing_mode(path: Path, mode: int, real: Path | None = None) -> int:
    what = _kind_of(mode)
    if what:
        named = f"{path}（指向 {real}）" if real is not None else str(path)
        raise InputError(f"{named} 是{what}，不能写入；请给一个文件名")
    return stat.S_IMODE(mode)


def _kind_of(mode: int) -> str:
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "目录"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


@contextmanager
def replace_into(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside the file `path` names; when the block succeeds, flush it and
    rename it onto that file (see the module docstring). Any failure leaves the old file as it
    was; a path that cannot be written, or a full disk, is an InputError."""
    where = destination(path)
    with _replacing(where) as temp:
        yield temp


@contextmanager
def _replacing(where: Destination) -> Iterator[Path]:
    target = where.target
    remove_stale_temps(target.parent)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise _write_error(where.path, error) from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        _flush(temp)
        os.chmod(temp, where.mode if where.mode is not None else 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException as error:
        temp.unlink(missing_ok=True)
        found = _os_error(error)
        if found is not None:
            raise _write_error(where.path, found) from None
        raise


def _flush(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _os_error(error: BaseException) -> OSError | None:
    """The OSError behind a failed write: itself, or one a library wrapped (xlsxwriter's
    FileCreateError carries it as its argument)."""
    seen: set[int] = set()
    todo: list[object] = [error]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, OSError):
            return item
        todo += [item.__cause__, item.__context__, *item.args[:1]]
    return None


def _write_error(path: Path, error: OSError) -> InputError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return InputError(f"磁盘空间不足：无法写入 {path}")
    return InputError(f"无法写入 {path}：{error.strerror or error}")


def remove_stale_temps(folder: Path, *, now: float | None = None) -> int:
    """Remove the temporary files of killed writes (`.NAME.XXXXXXXX.tmp`, regular files older
    than STALE_SECONDS) from `folder`; returns how many. Errors are ignored: this is tidying."""
    cutoff = (time.time() if now is None else now) - STALE_SECONDS
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not _TEMP_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


@contextmanager
def text_file(path: Path | str, *, bom: bool = False) -> Iterator[tuple[TextIO, Destination]]:
    """Open a text file for writing via replace_into: yields (stream, destination). `bom` starts
    it with a UTF-8 byte order mark (CSV for Excel on Chinese Windows)."""
    where = destination(path)
    encoding = "utf-8-sig" if bom else "utf-8"
    with _replacing(where) as temp, open(temp, "w", encoding=encoding, newline="\n") as out:
        yield out, where


@contextmanager
def xlsx_book(path: Path) -> Iterator[Any]:
    """An xlsxwriter Workbook writing `path`, closed on leaving. Cells hold what is written: no
    formulas, links or numbers are read out of text. xlsxwriter writes every part of the file to
    a temporary file before zipping them; they go to a folder of their own that is removed
    however the writing ends (an error half-way used to leave them in /tmp)."""
    import xlsxwriter

    with tempfile.TemporaryDirectory(prefix="xlgl-xlsx-") as scratch:
        book = xlsxwriter.Workbook(str(path), XLSX_OPTIONS | {"tmpdir": scratch})
        yield book
        book.close()


XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
