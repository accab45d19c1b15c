"""The contract of a revisioned record store: JSON records by key, each save a new revision.

Server-mode and folder drafts are kept this way (readmit.drafting.store gives the records their
meaning). Every record has a revision; `commit` writes revision n+1 only if the stored revision
is still the one the change was based on (a compare-and-set: a stale save is refused with
StaleRecordError and nothing is lost), and every commit and deletion adds a history entry (who,
when, operation, the saved data). tests/test_storage_contract.py runs one contract on both
backends (`files.FileRecordStore`, `postgres.PgRecordStore`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from index.errors import IndexLayerError

# Letters, digits, "_" and "-" only: no separators, no dots, hence no path traversal.
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class RecordError(IndexLayerError):
    """A record that cannot be read or written: where it is, and why."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class StaleRecordError(IndexLayerError):
    """The record's stored revision is not the one the change was based on."""

    def __init__(self, key: str, based_on: int | None, stored: int | None) -> None:
        super().__init__(f"{key}: based on revision {based_on}, stored is {stored}")
        self.key = key
        self.based_on = based_on
        self.stored = stored


@dataclass(frozen=True)
class StoredRecord:
    key: str
    revision: int
    data: Any


@dataclass(frozen=True)
class RecordVersion:
    key: str
    revision: int
    at: str
    author: str
    operation: str
    data: Any  # None for a deletion


class RecordStore(Protocol):
    """Revisioned JSON records by key (see module docstring); keys match KEY_PATTERN."""

    @property
    def location(self) -> str: ...

    def where(self, key: str) -> str:
        """The record's place, for messages."""
        ...

    def close(self) -> None: ...

    def get(self, key: str) -> StoredRecord | None:
        """The stored record (None: there is none); RecordError if it cannot be read."""
        ...

    def all(self) -> tuple[list[StoredRecord], list[RecordError]]:
        """Every readable record by key, and the ones that could not be read."""
        ...

    def commit(
        self, key: str, data: Any, *, based_on: int | None, author: str, operation: str
    ) -> int:
        """Store `data` as the next revision (returned); StaleRecordError if the stored one
        moved on. `based_on=None` writes unconditionally (a record never read: creation)."""
        ...

    def delete(self, key: str, *, based_on: int | None, author: str) -> bool:
        """Delete the record (its history stays); False if there was none."""
        ...

    def history(self, key: str) -> list[RecordVersion]:
        """Every saved version, newest first."""
        ...


def with_revision(data: Any, revision: int) -> Any:
    """`data` as stored at `revision` (a record object carries its own revision)."""
    if isinstance(data, dict):
        return {**data, "revision": revision}
    return data
