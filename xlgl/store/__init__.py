"""The store: the ledger's SQLite file (sqlite.py), the Ledger's reads and writes (ledger.py), the
bulk insert (bulk.py) and its read-ahead worker (readahead.py). It yields the values of
xlgl/model.py and imports no rules."""

from xlgl.model import NewRecord, Record
from xlgl.store.bulk import NewRow, uuid7
from xlgl.store.ledger import Ledger
from xlgl.store.sqlite import (
    DEFAULT_TIMEOUT,
    default_ledger_path,
    schema_version,
    translate_errors,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "Ledger",
    "NewRecord",
    "NewRow",
    "Record",
    "default_ledger_path",
    "schema_version",
    "translate_errors",
    "uuid7",
]
