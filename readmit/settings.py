"""Where the index, drafts, corpus and rejected uploads live and which model reads the index:
one frozen `Settings`, from flags (highest), then the environment, then the defaults. The CLI
and the app both build theirs with `load_settings`.

Environment: `READMIT_INDEX` (default `.readmit/index` under the working directory),
`READMIT_DRAFTS` (default `.readmit/drafts`), `READMIT_CORPUS` (default `corpus/`),
`READMIT_MODEL` (default: the model the index was built with, `e5` for a new index),
`READMIT_USERS` (the accounts of a group deployment, default `.readmit/users.json`),
`READMIT_AUDIT` (the audit log, default `.readmit/audit.jsonl`). Rejected uploads go to
`rejected-uploads/` beside the index folder. `READMIT_USER` is the CLI's `--user`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class Settings:
    """The folders and model one CLI run or one app process works with."""

    index_dir: Path
    drafts_dir: Path
    corpus_dir: Path
    rejected_uploads_dir: Path
    users_file: Path  # accounts, roles and groups (readmit.access.users)
    audit_file: Path  # who changed what (readmit.access.audit)
    model: str | None = None  # None: the model the index was built with (DEFAULT_MODEL if new)


def load_settings(
    *,
    index_dir: Path | None = None,
    drafts_dir: Path | None = None,
    corpus_dir: Path | None = None,
    model: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Settings from the given flags, else the environment, else the defaults (relative to
    `cwd`, default the working directory)."""
    env = os.environ if environ is None else environ
    base = cwd or Path.cwd()

    def folder(flag: Path | None, name: str, default: Path) -> Path:
        if flag is not None:
            return Path(flag)
        configured = env.get(name)
        return Path(configured) if configured else default

    index = folder(index_dir, INDEX_ENV, base / STATE_FOLDER / "index")
    return Settings(
        index_dir=index,
        drafts_dir=folder(drafts_dir, DRAFTS_ENV, base / STATE_FOLDER / "drafts"),
        corpus_dir=folder(corpus_dir, CORPUS_ENV, base / "corpus"),
        rejected_uploads_dir=index.parent / REJECTED_UPLOADS_FOLDER,
        users_file=folder(None, USERS_ENV, base / STATE_FOLDER / "users.json"),
        audit_file=folder(None, AUDIT_ENV, base / STATE_FOLDER / "audit.jsonl"),
        model=model or env.get(MODEL_ENV) or None,
    )
