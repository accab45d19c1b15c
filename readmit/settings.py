"""Where the index, drafts, corpus and rejected uploads live and which model reads the index:
one frozen `Settings`, from flags (highest), then the environment, then the defaults. The CLI
and the app both build theirs with `load_settings`.

Environment: `READMIT_INDEX` (a folder, default `.readmit/index` under the working directory,
or a `postgresql://` URL: server mode), `READMIT_DRAFTS` (a folder or URL; default
`.readmit/drafts`, or in server mode the index's database, where drafts are shared),
`READMIT_CORPUS` (default `corpus/`), `READMIT_MODEL` (default: the model the index was built
with, `e5` for a new index). Documents uploaded in the app are the user's data, never written
into the (tracked) corpus folder: they go to `uploads/` beside the index folder (in server mode:
under `.readmit/`) and are indexed together with the corpus. Rejected uploads go to
`rejected-uploads/` beside them,
`READMIT_USERS` (the accounts of a group deployment, default `.readmit/users.json`),
`READMIT_AUDIT` (the audit log, default `.readmit/audit.jsonl`). `READMIT_USER` is the CLI's
`--user`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from index.locations import is_server_location

DEFAULT_MODEL = "e5"
MODEL_ENV = "READMIT_MODEL"
INDEX_ENV = "READMIT_INDEX"
DRAFTS_ENV = "READMIT_DRAFTS"
CORPUS_ENV = "READMIT_CORPUS"
USERS_ENV = "READMIT_USERS"
AUDIT_ENV = "READMIT_AUDIT"
USER_ENV = "READMIT_USER"
STATE_FOLDER = ".readmit"
REJECTED_UPLOADS_FOLDER = "rejected-uploads"
UPLOADS_FOLDER = "uploads"
INGEST_PROGRESS_FILE = "ingest-progress.json"


# An index or drafts location: a folder, or the URL of a PostgreSQL database (a str).
Location = Path | str


def as_location(value: str | Path) -> Location:
    """A location as given: a `postgresql://` URL stays a string, anything else is a folder."""
    if is_server_location(value):
        return value
    return Path(value)


def is_server(location: Location) -> bool:
    return is_server_location(location)


def describe_location(location: Location) -> str:
    """A folder as an absolute path, a server URL without its password: what to tell a user
    who found nothing there (a relative default depends on the working directory)."""
    if isinstance(location, Path):
        return str(location.absolute())
    parts = urlsplit(location)
    if parts.password is None:
        return location
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass(frozen=True)
class Settings:
    """The folders and model one CLI run or one app process works with."""

    index_dir: Location
    drafts_dir: Location
    corpus_dir: Path
    rejected_uploads_dir: Path
    users_file: Path  # accounts, roles and groups (readmit.access.users)
    audit_file: Path  # who changed what (readmit.access.audit)
    model: str | None = None  # None: the model the index was built with (DEFAULT_MODEL if new)

    @property
    def ingest_progress_file(self) -> Path:
        """Where a running `readmit ingest` says how far it got (readmit.ingest_progress)."""
        return ingest_progress_path(self.index_dir, self.rejected_uploads_dir.parent)

    @property
    def uploads_dir(self) -> Path:
        """Documents uploaded in the app (the user's data, beside the rejected uploads)."""
        return self.rejected_uploads_dir.parent / UPLOADS_FOLDER

    @property
    def document_folders(self) -> list[Path]:
        """What `readmit ingest` and a re-index read by default: the corpus and the uploads."""
        return document_folders(self.corpus_dir, self.uploads_dir)


def ingest_progress_path(index: Location, local_state: Path) -> Path:
    """Inside a folder index (each index has its own, even when two share a parent folder);
    for a server index, under the local state folder."""
    if isinstance(index, Path):
        return index / INGEST_PROGRESS_FILE
    return local_state / INGEST_PROGRESS_FILE


def document_folders(corpus_dir: Path, uploads_dir: Path) -> list[Path]:
    """The corpus, and the uploads folder once something was uploaded."""
    return [corpus_dir, *([uploads_dir] if uploads_dir.is_dir() else [])]


def load_settings(
    *,
    index_dir: Location | None = None,
    drafts_dir: Location | None = None,
    corpus_dir: Path | None = None,
    model: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Settings from the given flags, else the environment, else the defaults (relative to
    `cwd`, default the working directory)."""
    env = os.environ if environ is None else environ
    base = cwd or Path.cwd()

    def location(flag: Location | None, name: str, default: Location) -> Location:
        if flag is not None:
            return as_location(flag)
        configured = env.get(name)
        return as_location(configured) if configured else default

    def folder(flag: Path | None, name: str, default: Path) -> Path:
        if flag is not None:
            return Path(flag)
        configured = env.get(name)
        return Path(configured) if configured else default

    index = location(index_dir, INDEX_ENV, base / STATE_FOLDER / "index")
    # In server mode drafts are shared in the index's database unless configured otherwise.
    drafts_default = index if is_server(index) else base / STATE_FOLDER / "drafts"
    local_state = index.parent if isinstance(index, Path) else base / STATE_FOLDER
    return Settings(
        index_dir=index,
        drafts_dir=location(drafts_dir, DRAFTS_ENV, drafts_default),
        corpus_dir=folder(corpus_dir, CORPUS_ENV, base / "corpus"),
        rejected_uploads_dir=local_state / REJECTED_UPLOADS_FOLDER,
        users_file=folder(None, USERS_ENV, base / STATE_FOLDER / "users.json"),
        audit_file=folder(None, AUDIT_ENV, base / STATE_FOLDER / "audit.jsonl"),
        model=model or env.get(MODEL_ENV) or None,
    )
