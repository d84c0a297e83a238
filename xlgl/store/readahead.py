"""The read-ahead worker of a bulk import: a forked process reads and checks the input while this
one inserts (issue 7: reading and checking a million CSV rows costs about as much as inserting
them, so on two cores this halves the import).

The fork rule: **fork before the write transaction begins, and the child never touches SQLite.**
A forked child shares the parent's open file descriptors, the ledger's among them; SQLite's
locks are per process (POSIX advisory locks), so a child that used, or merely closed, an
inherited connection could drop or confuse the parent's locks. ReadAhead.__enter__ therefore
refuses to fork while the given connection is inside a transaction, the child only runs
`produce()` (plain file reading) and sends plain values down a pipe, and it leaves through
os._exit (multiprocessing's fork start method), which runs no finalizer that could close the
connection.

The child dies with its parent (issue 15 #16): on Linux it asks the kernel for SIGKILL when the
parent dies (prctl PR_SET_PDEATHSIG), checks the parent did not die before that took hold, and
a send into a pipe nobody reads (BrokenPipeError) ends it too.

Messages, child to parent, are typed: Chunk (rows), End, Refused (the input has bad rows, or
cannot be read: the same error the in-process reader raises) and Crashed (a bug: its traceback).
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from xlgl.errors import InputError, RowErrors, XlglError

Row = TypeVar("Row")
CHUNK_ROWS = 2000  # rows in one Chunk
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
SIGKILL = 9


@dataclass(frozen=True)
class Chunk(Generic[Row]):
    rows: list[Row]


@dataclass(frozen=True)
class End:
    pass


@dataclass(frozen=True)
class Refused:
    """The input was refused: a RowErrors (headline, the rows listed, how many bad rows in all),
    or, when `bad_rows` is None, an InputError whose message is the headline."""

    headline: str
    rows: list[str]
    bad_rows: int | None


@dataclass(frozen=True)
class Crashed:
    traceback: str


Message = Chunk[Any] | End | Refused | Crashed


def available() -> bool:
    """Whether a read-ahead worker can be forked here: Linux only (fork is cheap and safe there)."""
    return sys.platform.startswith("linux")


class ReadAhead(Generic[Row]):
    """Rows of `produce()`, read by a forked worker. Use as a context manager: entering forks
    (before any write transaction: see the module's fork rule), iterating receives, leaving stops
    and reaps the worker. `name` names the input in messages."""

    def __init__(
        self,
        produce: Callable[[], Iterator[Row]],
        name: str,
        *,
        ledger_conn: sqlite3.Connection | None = None,
        chunk_rows: int = CHUNK_ROWS,
        on_refused: Callable[[Refused], None] | None = None,
    ):
        self.produce = produce
        self.name = name
        self.ledger_conn = ledger_conn
        self.chunk_rows = chunk_rows
        self.on_refused = on_refused
        self._worker: Any = None
        self._receiver: Any = None

    def __enter__(self) -> ReadAhead[Row]:
        import multiprocessing

        if self.ledger_conn is not None and self.ledger_conn.in_transaction:
            raise RuntimeError("read-ahead must fork before the write transaction begins")
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        # The fork: no transaction is open (checked above); the child never touches SQLite.
        worker = context.Process(
            target=_work, args=(self.produce, sender, os.getpid(), self.chunk_rows), daemon=True
        )
        worker.start()
        sender.close()
        self._worker, self._receiver = worker, receiver
        return self

    def __exit__(self, *exc: object) -> None:
        if self._receiver is not None:
            self._receiver.close()
        if self._worker is not None:
            if self._worker.is_alive():
                self._worker.terminate()
            self._worker.join()

    def __iter__(self) -> Iterator[Row]:
        if self._receiver is None:
            raise RuntimeError("ReadAhead is iterated inside its with block")
        while True:
            try:
                message: Message = self._receiver.recv()
            except EOFError:
                raise InputError(
                    f"读取 {self.name} 的进程意外退出（退出码 {self._worker.exitcode}），"
                    "未导入任何数据"
                ) from None
            if isinstance(message, Chunk):
                yield from message.rows
            elif isinstance(message, End):
                return
            elif isinstance(message, Refused):
                if self.on_refused is not None:
                    self.on_refused(message)
                if message.bad_rows is None:
                    raise InputError(message.headline)
                raise RowErrors(message.headline, message.rows, message.bad_rows)
            else:
                raise RuntimeError(f"读取 {self.name} 的进程出错：\n{message.traceback}")


def _die_with(parent: int) -> None:
    """In the child: be killed when the parent dies (Linux), and exit if it already has."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl: a closed pipe still ends the worker at its next send
    if os.getppid() != parent:  # the parent died before the request took hold
        os._exit(0)


def _work(produce: Callable[[], Iterator[Any]], sender: Any, parent: int, chunk_rows: int) -> None:
    """The worker: produce()'s rows in Chunks, then End, or what went wrong."""
    _die_with(parent)
    try:
        rows = produce()
        while chunk := list(itertools.islice(rows, chunk_rows)):
            sender.send(Chunk(chunk))
        sender.send(End())
    except RowErrors as error:
        sender.send(Refused(error.headline, error.rows, error.total))
    except XlglError as error:
        sender.send(Refused(str(error), [], None))
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the importing process is gone or stopping: nobody to tell
    except BaseException:
        sender.send(Crashed(traceback.format_exc()))
    finally:
        sender.close()
