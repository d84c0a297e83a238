"""The errors xlgl turns into exit codes at the CLI boundary (see README, "Exit codes")."""

import re

EXIT_OK = 0
EXIT_FOUND = 1  # `overdue --exit-code` listed something
EXIT_USAGE = 2  # bad usage or bad input
EXIT_LEDGER = 4  # the ledger cannot be used
EXIT_INTERNAL = 70  # a bug: EX_SOFTWARE from sysexits.h


class XlglError(Exception):
    """An error the user can act on; str(error) is the whole message, one or two lines."""

    exit_code = EXIT_USAGE


class InputError(XlglError):
    """Bad input: unknown target, unreadable figure or date, a bad CSV file."""

    exit_code = EXIT_USAGE


class LedgerError(XlglError):
    """The ledger cannot be used: locked past the timeout, damaged, newer, read-only, missing."""

    exit_code = EXIT_LEDGER


class RowErrors(InputError):
    """A file rejected whole: a headline, then one line per bad row (its line number and reason)."""

    def __init__(self, headline: str, rows: list[str], total: int | None = None):
        total = len(rows) if total is None else total
        self.headline, self.rows, self.total = headline, rows, total
        self.lines = [headline, *rows]
        if total > len(rows):
            self.lines.append(f"……另有 {total - len(rows)} 行错误")
        super().__init__("\n".join(self.lines))


# C0 and C1 controls, and the separators str.splitlines() breaks at (\x85, \u2028, \u2029).
_CONTROL = {code: f"\\x{code:02x}" for code in [*range(32), *range(0x7F, 0xA0)]} | {
    0x2028: "\\u2028",
    0x2029: "\\u2029",
    10: "\\n",
    13: "\\r",
    9: "\\t",
}


def one_line(text: str) -> str:
    """Text made safe for one line of a message: control characters shown as escapes."""
    return text.translate(_CONTROL)


def message_lines(error: XlglError) -> list[str]:
    """What to print for an error: one line, or a RowErrors' headline and bad rows, one a line."""
    return [one_line(line) for line in getattr(error, "lines", None) or [str(error)]]


#: Characters that print as nothing (format characters: U+FEFF, U+200B …), shown as escapes in
#: messages so that a cell that looks right but is not can be found.
_INVISIBLE_RE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def visible(text: str) -> str:
    """Text with its invisible characters written as escapes (U+200B shown as \\u200b)."""
    return _INVISIBLE_RE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
