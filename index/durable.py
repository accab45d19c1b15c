"""Files that survive a crash: checksums of written files and fsync of files and folders.

Shared by the vector cache, the saved BM25 index and the manifest, which are all written to a
temporary name, flushed, renamed into place and checked by sha256 when read back.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder's entries (so that a rename into it is durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
