"""The audit log: who changed what and when, one JSON object per line, append-only.

Appends take an exclusive `flock` and go out in one `write` on an O_APPEND descriptor, so two
app processes (or the app and the CLI) never interleave half lines.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from readmit.access.principal import Principal


@dataclass(frozen=True)
class AuditEntry:
    at: str  # UTC, ISO 8601
    user: str
    role: str
    action: str  # e.g. "draft.create", "draft.edit", "document.upload", "index.reindex"
    target: str  # a draft id, a document id or file name, a user name
    detail: str = ""

    def describe(self) -> str:
        tail = f" — {self.detail}" if self.detail else ""
        return f"{self.at}  {self.user} ({self.role})  {self.action}  {self.target}{tail}"


class AuditLog:
    """The audit log in a local file (`path`); `readmit.access.server.ServerAuditLog` keeps it
    in the index's database instead, through the same `record` and `entries`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def record(self, who: Principal, action: str, target: str, detail: str = "") -> AuditEntry:
        return self.record_event(
            user=who.name, role=who.role.value, action=action, target=target, detail=detail
        )

    def record_event(
        self, *, user: str, role: str, action: str, target: str, detail: str = ""
    ) -> AuditEntry:
        """An entry for someone who may not be a principal (yet): e.g. a failed sign-in, where
        `user` is the name that was tried and `role` is "none"."""
        entry = AuditEntry(
            at=datetime.now(UTC).isoformat(timespec="seconds"),
            user=user,
            role=role,
            action=action,
            target=target,
            detail=detail,
        )
        self._append(entry)
        return entry

    def _append(self, entry: AuditEntry) -> None:
        line = (json.dumps(asdict(entry), ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            os.write(descriptor, line)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)  # releases the lock

    def entries(
        self, *, user: str | None = None, action: str | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """The newest entries first; a damaged line (e.g. a torn last write) is skipped."""
        if not self.path.exists():
            return []
        found: list[AuditEntry] = []
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    entry = AuditEntry(**json.loads(line))
                except (json.JSONDecodeError, TypeError):
                    continue
                if user is not None and entry.user != user:
                    continue
                if action is not None and not entry.action.startswith(action):
                    continue
                found.append(entry)
        found.reverse()
        return found if limit is None else found[:limit]
