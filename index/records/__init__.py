"""Revisioned record stores: one contract (`base.RecordStore`), a folder or PostgreSQL.

The location picks the backend: a folder path, or a `postgresql://` URL (psycopg loads only
then). readmit.drafting.store keeps drafts in them.
"""

from __future__ import annotations

from pathlib import Path

from index.drivers import require_server_drivers
from index.locations import is_server_location
from index.records.base import (
    KEY_PATTERN,
    RecordError,
    RecordStore,
    RecordVersion,
    StaleRecordError,
    StoredRecord,
)
from index.records.files import FileRecordStore

__all__ = [
    "KEY_PATTERN",
    "RecordError",
    "RecordStore",
    "RecordVersion",
    "StaleRecordError",
    "StoredRecord",
    "open_record_store",
]


def open_record_store(location: str | Path) -> RecordStore:
    """Records in a folder, or in the PostgreSQL database of a `postgresql://` URL."""
    if is_server_location(location):
        require_server_drivers()
        from index.records.postgres import PgRecordStore  # psycopg: server mode only

        return PgRecordStore(str(location))
    return FileRecordStore(Path(location))
