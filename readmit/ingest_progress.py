"""How far a running `readmit ingest` got, for the app to show while it indexes in the background.

`make run` starts the app at once and indexes the corpus in a separate `readmit ingest` process;
that process writes one small JSON file (`Settings.ingest_progress_file`) after every file, and
the app's sidebar reads it. The index itself is crash-safe and every commit is a consistent
generation, so the app searches whatever is indexed so far. The file is replaced atomically (a
reader never sees half of it) and names the writing process: a file left behind by a killed
ingest is recognised as stale and not shown as running.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class IngestProgress:
    """One ingest run: files done of all files it looks at, the last file and its outcome."""

    pid: int
    started_at: float  # seconds since the epoch
    updated_at: float
    done: int
    total: int
    current: str = ""  # "name.pdf: indexed" (the last file finished)
    finished: bool = False

    @property
    def fraction(self) -> float:
        return 1.0 if self.total == 0 else min(1.0, self.done / self.total)


def write_progress(path: Path, progress: IngestProgress) -> None:
    """Replace the progress file atomically; a file that cannot be written is skipped (progress
    is a courtesy: it never stops an ingest)."""
    temporary = path.with_name(f".{path.name}.{progress.pid}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(asdict(progress)), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def read_progress(path: Path) -> IngestProgress | None:
    """The last progress written, or None (no file, unreadable or not ours)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return IngestProgress(
            pid=int(data["pid"]),
            started_at=float(data["started_at"]),
            updated_at=float(data["updated_at"]),
            done=int(data["done"]),
            total=int(data["total"]),
            current=str(data.get("current", "")),
            finished=bool(data.get("finished", False)),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def running_ingest(path: Path) -> IngestProgress | None:
    """The progress of an ingest that is still running, else None (none started, finished, or
    its process is gone: killed, crashed, machine restarted)."""
    progress = read_progress(path)
    if progress is None or progress.finished or not _alive(progress.pid):
        return None
    return progress


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class ProgressWriter:
    """Writes the progress of this process's ingest of `total` files to `path`.

    A second ingest started while one runs fails at the index's writer lock; it leaves the
    running one's progress alone (it writes only once it has indexed a file itself)."""

    def __init__(self, path: Path, *, total: int) -> None:
        now = time.time()
        self._path = path
        self._progress = IngestProgress(
            pid=os.getpid(), started_at=now, updated_at=now, done=0, total=total
        )
        other = running_ingest(path)
        self._writing = other is None or other.pid == self._progress.pid
        if self._writing:
            write_progress(path, self._progress)

    def file_done(self, current: str) -> None:
        progress = self._progress
        self._progress = replace(
            progress, done=progress.done + 1, current=current, updated_at=time.time()
        )
        self._writing = True
        write_progress(self._path, self._progress)

    def finish(self) -> None:
        if self._writing:
            self._progress = replace(self._progress, finished=True, updated_at=time.time())
            write_progress(self._path, self._progress)
