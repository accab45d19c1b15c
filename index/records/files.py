"""Revisioned records in a folder: one JSON file per record, replaced atomically on every save.

A save writes `<key>.json` through a temporary file in the same folder, fsyncs it and renames it
over the old file (`os.replace`), so a crash or a serialisation error leaves the previous
version intact; there is never a half-written record. Every save is a read-modify-write under
the record's lock file (`.history/<key>.lock`, an flock, across threads and processes), and is
appended to `.history/<key>.jsonl` (who, when, what operation, the saved data).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.durable import fsync_path
from index.records.base import (
    KEY_PATTERN,
    RecordError,
    RecordVersion,
    StaleRecordError,
    StoredRecord,
    with_revision,
)
from ingest.files import NOT_REGULAR, NotRegularFileError, read_regular_bytes

HISTORY_DIR = ".history"  # per record: <key>.jsonl (saved versions) and <key>.lock


class FileRecordStore:
    """A folder of `<key>.json` files (see module docstring)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def __repr__(self) -> str:
        return f"FileRecordStore({str(self.directory)!r})"

    @property
    def location(self) -> str:
        return str(self.directory)

    def where(self, key: str) -> str:
        return str(self.path_for(key))

    def close(self) -> None:
        """Nothing stays open between calls."""

    def path_for(self, key: str) -> Path:
        if not KEY_PATTERN.fullmatch(key):
            raise ValueError(f"invalid record key {key!r}")
        return self.directory / f"{key}.json"

    def _history_path(self, key: str) -> Path:
        return self.directory / HISTORY_DIR / f"{key}.jsonl"

    @contextlib.contextmanager
    def _locked(self, key: str) -> Iterator[None]:
        lock_path = self.directory / HISTORY_DIR / f"{self.path_for(key).stem}.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    # ---- reads -----------------------------------------------------------------------------

    def _read(self, path: Path) -> StoredRecord:
        try:
            # A FIFO named like a record would block a plain open() for ever.
            raw = read_regular_bytes(path).decode("utf-8")
        except NotRegularFileError:
            raise RecordError(str(path), f"unreadable: {NOT_REGULAR}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise RecordError(str(path), f"unreadable: {error}") from error
        try:
            data = json.loads(raw)
        except RecursionError:
            raise RecordError(str(path), "corrupt JSON: nested too deeply to read") from None
        except ValueError as error:  # JSONDecodeError, or an integer of over 4,300 digits
            raise RecordError(str(path), f"corrupt JSON: {error}") from error
        # A file from before revisions counts as revision 0, so its next save is checked too.
        stored = data.get("revision") if isinstance(data, dict) else None
        revision = stored if isinstance(stored, int) and not isinstance(stored, bool) else 0
        return StoredRecord(path.stem, revision, data)

    def get(self, key: str) -> StoredRecord | None:
        path = self.path_for(key)
        if not path.exists():
            return None
        return self._read(path)

    def all(self) -> tuple[list[StoredRecord], list[RecordError]]:
        records: list[StoredRecord] = []
        errors: list[RecordError] = []
        if self.directory.is_dir():
            for path in sorted(self.directory.glob("*.json")):
                if not KEY_PATTERN.fullmatch(path.stem):
                    continue
                try:
                    records.append(self._read(path))
                except RecordError as error:
                    errors.append(error)
        return records, errors

    def history(self, key: str) -> list[RecordVersion]:
        path = self._history_path(self.path_for(key).stem)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as error:
            raise RecordError(str(path), f"unreadable history: {error}") from error
        versions = []
        for line in lines:
            try:
                row = json.loads(line)
            except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
                continue  # a torn last line (crash mid-append) loses only that entry
            if not isinstance(row, dict) or not isinstance(row.get("revision"), int):
                continue
            versions.append(
                RecordVersion(
                    key=key,
                    revision=int(row["revision"]),
                    at=str(row.get("at", "")),
                    author=str(row.get("author", "")),
                    operation=str(row.get("operation", "")),
                    data=None if row.get("deleted") else row.get("draft"),
                )
            )
        return sorted(versions, key=lambda v: v.revision, reverse=True)

    # ---- writes ----------------------------------------------------------------------------

    def commit(
        self, key: str, data: Any, *, based_on: int | None, author: str, operation: str
    ) -> int:
        path = self.path_for(key)
        with self._locked(key):
            stored = self._read(path).revision if path.exists() else None
            if based_on is not None and stored != based_on:
                raise StaleRecordError(key, based_on, stored)
            revision = (stored or 0) + 1
            saved = with_revision(data, revision)
            self._write_file(path, saved)
            self._append_history(key, revision, saved, author=author, operation=operation)
        return revision

    def delete(self, key: str, *, based_on: int | None, author: str) -> bool:
        path = self.path_for(key)
        with self._locked(key):
            if not path.exists():
                return False
            try:
                stored: int | None = self._read(path).revision
            except RecordError:
                stored = None  # an unreadable record can still be deleted
            if based_on is not None and stored != based_on:
                raise StaleRecordError(key, based_on, stored)
            try:
                path.unlink()
            except FileNotFoundError:
                return False
            if stored is not None:
                self._append_history(key, stored + 1, None, author=author, operation="delete")
        return True

    def _write_file(self, path: Path, data: Any) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        descriptor, tmp_name = tempfile.mkstemp(
            dir=self.directory, prefix=f".{path.stem}.", suffix=".tmp"
        )
        tmp_path = Path(tmp_name)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=2)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_path, path)
        except (OSError, TypeError, ValueError) as error:
            with contextlib.suppress(FileNotFoundError):
                tmp_path.unlink()
            raise RecordError(str(path), f"could not save: {error}") from error
        # Makes the rename itself durable; not possible on every platform, hence best effort.
        with contextlib.suppress(OSError):
            fsync_path(self.directory)

    def _append_history(
        self, key: str, revision: int, data: Any, *, author: str, operation: str
    ) -> None:
        """One line per saved version; a failure here never undoes the save itself."""
        entry = {
            "revision": revision,
            "at": datetime.now(UTC).isoformat(timespec="microseconds"),
            "author": author,
            "operation": operation,
            "deleted": data is None,
            "draft": data,  # the key drafts written before this module used
        }
        history = self._history_path(key)
        try:
            history.parent.mkdir(parents=True, exist_ok=True)
            with open(history, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        except OSError:
            pass
