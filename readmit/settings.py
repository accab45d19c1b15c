"""Where the index, drafts, corpus and rejected uploads live and which model reads the index:
one frozen `Settings`, from flags (highest), then the environment, then the defaults. The CLI
and the app both build theirs with `load_settings`.

Environment: `READMIT_INDEX` (a folder, default `.readmit/index` under the working directory,
or a `postgresql://` URL: server mode), `READMIT_DRAFTS` (a folder or URL; default
`.readmit/drafts`, or in server mode the index's database, where drafts are shared),
`READMIT_CORPUS` (default `corpus/`), `READMIT_MODEL` (default: the model the index was built
with, `e5` for a new index). Rejected uploads go to `rejected-uploads/` beside the index folder
(in server mode: under `.readmit/`),
`READMIT_USERS` (the accounts of a group deployment, default `.readmit/users.json`),
`READMIT_AUDIT` (the audit log, default `.readmit/audit.jsonl`). `READMIT_USER` is the CLI's
`--user`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

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
        """Where a running `readmit ingest` says how far it got (readmit.ingest_progress),
        beside the rejected uploads: next to the index folder, or under `.readmit/`."""
        return self.rejected_uploads_dir.parent / INGEST_PROGRESS_FILE


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
