"""Files that survive a crash: checksums of written files and fsync of files and folders.

Shared by the vector cache, the saved BM25 index and the manifest, which are all written to a
temporary name, flushed, renamed into place and checked by sha256 when read back.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from ingest.files import open_regular


def file_sha256(path: Path) -> str:
    """sha256 of a regular file (NotRegularFileError for a FIFO, which would block)."""
    with open_regular(path) as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def remove_path(path: Path) -> None:
    """Remove a file, link or folder tree, whichever it is (a refused cache may be any)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass  # rebuilt in memory anyway; the next writer tries again


def remove_stale(paths: Iterable[Path], *, older_than: float) -> None:
    """Remove temp files or folders last changed before `older_than` (a time stamp).

    Other processes create, rename and remove their own temp entries while we look: one that
    is gone between listing and `stat` (or removal) was simply finished by its owner.
    """
    for path in paths:
        try:
            if path.lstat().st_mtime >= older_than:
                continue
        except FileNotFoundError:
            continue
        remove_path(path)


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder's entries (so that a rename into it is durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
