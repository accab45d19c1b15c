"""How far a running `readmit ingest` got, for the app to show while it indexes in the background.

`make run` starts the app at once and indexes the corpus in a separate `readmit ingest` process;
that process writes one small JSON file (`Settings.ingest_progress_file`) after every file, and
the app's sidebar reads it. The index itself is crash-safe and every commit is a consistent
generation, so the app searches whatever is indexed so far. The file is replaced atomically (a
reader never sees half of it) and names the writing process by its pid *and* the kernel's
start time of that process, as `ps`/systemd tell a process from a later one that reuses its
pid: a file left behind by a killed ingest, or naming a live but unrelated process, is
recognised as stale and not shown as running. Whatever the file holds (damaged JSON, a pid of
20 digits, 1e999, a FIFO) it is only ever "no progress", never an error.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ingest.files import read_regular_bytes


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
    pid_started: str = ""  # the kernel's start time of `pid` (process_started), "" unknown

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


# Far above any kernel's pid_max (2**22 on Linux); a larger "pid" is damage, not a process.
_MAX_PID = 2**31 - 1
_MAX_FILE_BYTES = 64 * 1024


def read_progress(path: Path) -> IngestProgress | None:
    """The last progress written, or None (no file, unreadable, damaged or not ours)."""
    try:
        raw = read_regular_bytes(path, max_bytes=_MAX_FILE_BYTES)
        data = json.loads(raw.decode("utf-8"))
        progress = IngestProgress(
            pid=int(data["pid"]),
            started_at=float(data["started_at"]),
            updated_at=float(data["updated_at"]),
            done=int(data["done"]),
            total=int(data["total"]),
            current=str(data.get("current", ""))[:1000],
            finished=bool(data.get("finished", False)),
            pid_started=str(data.get("pid_started", ""))[:40],
        )
    except (OSError, ValueError, KeyError, TypeError, OverflowError, RecursionError):
        return None  # JSONDecodeError and FileTooLargeError are ValueErrors
    sane = (
        0 < progress.pid <= _MAX_PID
        and 0 <= progress.done <= progress.total
        and math.isfinite(progress.started_at)
        and math.isfinite(progress.updated_at)
    )
    return progress if sane else None


def running_ingest(path: Path) -> IngestProgress | None:
    """The progress of an ingest that is still running, else None (none started, finished, or
    its process is gone: killed, crashed, machine restarted)."""
    progress = read_progress(path)
    if progress is None or progress.finished or not _alive(progress.pid, progress.pid_started):
        return None
    return progress


def process_started(pid: int) -> str:
    """When the kernel started process `pid` (field 22 of /proc/PID/stat, clock ticks since
    boot): with the pid it names one process, never a later one reusing the number. "" when
    there is no such process or no /proc (not Linux)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def _alive(pid: int, started: str) -> bool:
    if not 0 < pid <= _MAX_PID:
        return False
    if Path("/proc/self/stat").exists():
        # The pid alone could be any process that got the number since (or pid 1).
        return bool(started) and process_started(pid) == started
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
        pid = os.getpid()
        self._progress = IngestProgress(
            pid=pid,
            started_at=now,
            updated_at=now,
            done=0,
            total=total,
            pid_started=process_started(pid),
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
