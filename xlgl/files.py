"""Files xlgl writes for people and for other ledgers: whole, or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from xlgl.errors import InputError


@contextmanager
def replace_into(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside `path`; when the block succeeds, rename it onto `path` with
    the permissions of a newly created file. A failed or killed run leaves any old file as it was
    (and a reader never sees half a file). A path that cannot be written is an InputError."""
    path = Path(path)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise InputError(f"无法写入 {path}：{error.strerror or error}") from None
    os.close(handle)
    try:
        yield Path(temp)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temp, 0o666 & ~mask)
        os.replace(temp, path)
    except BaseException as error:
        Path(temp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise InputError(f"无法写入 {path}：{error.strerror or error}") from None
        raise
