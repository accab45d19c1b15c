"""Searching an index this process may not change (a read-only mount, another user's folder).

Searching needs no write access. SQLite reads a WAL database read-only when its `-shm` file
exists or can be created; in a folder we cannot write to, after the last writer has closed
(and removed `-wal`/`-shm`), only `immutable=1` opens it, which is right there: no one can
commit without creating the `-wal` file next to it.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from pathlib import Path
from urllib.parse import quote

_DENIED = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def cannot_write(path: Path) -> bool:
    """True when this process cannot write `path` (a file it cannot open for writing, a
    folder it cannot create a file in: permissions, a read-only file system, an immutable
    file); False when it can, or `path` is missing."""
    try:
        if path.is_dir():
            with tempfile.TemporaryFile(dir=path):
                return False
        fd = os.open(path, os.O_WRONLY)
    except OSError as error:
        return error.errno in _DENIED
    os.close(fd)
    return False


def connect_read_only(path: Path, *, timeout: float) -> sqlite3.Connection:
    """A read-only connection; `immutable=1` only where the folder cannot be written."""
    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        conn = sqlite3.connect(
            uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        if not cannot_write(path.parent):
            raise
    conn = sqlite3.connect(
        uri + "&immutable=1",
        uri=True,
        timeout=timeout,
        isolation_level=None,
        check_same_thread=False,
    )
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn
