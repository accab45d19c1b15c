"""The writer lock of an index folder: one ingest (or removal) at a time.

`fcntl.flock` on `writer.lock` is held for the whole run. The kernel drops it when the holder
exits or is killed (SIGKILL, power cut), so a stale lock never blocks the next run; the pid
written into the file only serves the message a second writer gets.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import IndexLayerError

WRITER_LOCK_FILE = "writer.lock"


class IndexBusyError(IndexLayerError):
    """Another process is writing to the same index (folder or server)."""

    def __init__(self, index_dir: Path | str, pid: int | None) -> None:
        holder = f"pid {pid}" if pid is not None else "pid unknown"
        super().__init__(f"another ingest is running ({holder}) on {index_dir}; try again later")
        self.index_dir = index_dir
        self.pid = pid


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Hold the folder's writer lock, or raise IndexBusyError at once (no waiting)."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / WRITER_LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(index_dir, _holder(path)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # the pid of a finished run would mislead whoever reads the file
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None
