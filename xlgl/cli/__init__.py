"""The `xlgl` command: parses arguments, opens the ledger, calls the core, renders, sets exit codes.

No rule lives here: status and completion come from evaluate.py over what the store yields, figures are read
by units.py, CSV files by importer.py. Heavy modules are imported inside the commands that use them,
so `xlgl --help` starts fast. The commands are registered in the order `--help` lists them.
"""

from xlgl.boundary import fail

# isort: off
from xlgl.cli import reading, figures, verifying, setup, years, outputs  # noqa: F401

# isort: on
from xlgl.cli.app import app, main

__all__ = ["app", "fail", "main"]
