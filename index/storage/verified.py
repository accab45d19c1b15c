"""What opening an index re-checks: only the files that changed since they were last verified.

Opening used to run SQLite's `PRAGMA quick_check` over all of `meta.sqlite` and checksum all of
`vectors.faiss`: 10.6 s at a million chunks (27 s from a cold page cache). Most opens find both
exactly as the previous process left them. `verified.json` (a derived file beside them, written
atomically) records, per file, the identity it had when its content was last checked:
device, inode, size, modification and change time (`st_ctime` cannot be set back by a program,
and a replaced file gets a new inode). Open checks a file in full only when its identity is not
the recorded one; after a full check, or after readmit wrote the file itself (a saved vector
cache is checksummed as it is written; a committed transaction is SQLite's own atomic write,
checkpointed into the file), the new identity is recorded. Damage that leaves a file's identity
unchanged (a failing disk) is what `readmit verify` is for: it still checks everything.
The files of the saved BM25 index (`bm25.g<generation>/…`, index.retrieval.lexical) are recorded
the same way, each against the sha256 its `lexical.json` lists.

`OPEN_CHECKS` counts the full checks this process ran, so tests can tell a trusted open from a
checked one without timing anything.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from index.storage.manifest import atomic_write_bytes
from ingest.files import read_regular_bytes

VERIFIED_FILE = "verified.json"
QUICK_CHECK = "quick_check"
VECTORS_SHA256 = "vectors sha256"
OPEN_CHECKS: Counter[str] = Counter()


@dataclass(frozen=True)
class FileIdentity:
    """What says a file is still the one that was checked (see the module docstring)."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of_stat(cls, status: os.stat_result) -> FileIdentity:
        return cls(
            device=status.st_dev,
            inode=status.st_ino,
            size=status.st_size,
            mtime_ns=status.st_mtime_ns,
            ctime_ns=status.st_ctime_ns,
        )

    @classmethod
    def of(cls, path: Path) -> FileIdentity | None:
        try:
            return cls.of_stat(os.stat(path))
        except OSError:
            return None


@dataclass(frozen=True)
class VerifiedFile:
    """A file's identity when it was last verified, with the sha256 it had (None: not hashed)."""

    identity: FileIdentity
    sha256: str | None = None


def _read(folder: Path) -> tuple[str | None, dict[str, VerifiedFile]]:
    try:
        raw = json.loads(read_regular_bytes(folder / VERIFIED_FILE, max_bytes=1 << 16))
        files = {
            str(name): VerifiedFile(
                identity=FileIdentity(**{k: int(v) for k, v in entry["identity"].items()}),
                sha256=None if entry.get("sha256") is None else str(entry["sha256"]),
            )
            for name, entry in dict(raw["files"]).items()
        }
        index_id = raw.get("index_id")
        return (None if index_id is None else str(index_id)), files
    except (OSError, ValueError, KeyError, TypeError, AttributeError, OverflowError):
        return None, {}  # missing or damaged: every file is simply checked in full


def verified(folder: Path, name: str, *, index_id: str | None) -> VerifiedFile | None:
    """The record for `name` in `folder`, if `verified.json` is this index's."""
    recorded_id, files = _read(folder)
    if recorded_id != index_id:
        return None
    return files.get(name)


def is_unchanged(
    folder: Path, name: str, *, index_id: str | None, sha256: str | None = None
) -> bool:
    """True when `name` still has the identity (and, if given, the sha256) recorded for it."""
    record = verified(folder, name, index_id=index_id)
    if record is None or (sha256 is not None and record.sha256 != sha256):
        return False
    return FileIdentity.of(folder / name) == record.identity


def record(
    folder: Path,
    name: str,
    identity: FileIdentity | None,
    *,
    index_id: str | None,
    sha256: str | None = None,
) -> None:
    """Record that `name` was verified with this identity (best effort: a read-only or full
    disk only means the next open checks it again)."""
    if identity is not None:
        record_files(
            folder, {name: VerifiedFile(identity=identity, sha256=sha256)}, index_id=index_id
        )


def unchanged(folder: Path, sha256: Mapping[str, str], *, index_id: str | None) -> set[str]:
    """Those of the files named in `sha256` (relative to `folder`) that still have the identity
    recorded for them with that same sha256: one read of `verified.json` for all of them."""
    recorded_id, files = _read(folder)
    if recorded_id != index_id:
        return set()
    return {
        name
        for name, checksum in sha256.items()
        if (entry := files.get(name)) is not None
        and entry.sha256 == checksum
        and FileIdentity.of(folder / name) == entry.identity
    }


def record_files(
    folder: Path,
    checked: Mapping[str, VerifiedFile],
    *,
    index_id: str | None,
    forget: Callable[[str], bool] | None = None,
) -> None:
    """`record` for several files at once; the records of files `forget` names (those of a
    removed older copy of the same cache) are dropped."""
    if not checked:
        return
    recorded_id, files = _read(folder)
    if recorded_id != index_id:
        files = {}  # another index's records say nothing about this one
    if forget is not None:
        files = {n: f for n, f in files.items() if not forget(n)}
    files.update(checked)
    text = json.dumps(
        {"index_id": index_id, "files": {n: asdict(f) for n, f in sorted(files.items())}},
        indent=2,
        sort_keys=True,
    )
    with contextlib.suppress(OSError):
        atomic_write_bytes(folder / VERIFIED_FILE, (text + "\n").encode("utf-8"))
