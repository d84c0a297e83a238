"""The errors xlgl turns into exit codes at the CLI boundary (see README, "Exit codes")."""

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
