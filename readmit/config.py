"""Where the index lives and which model builds it, from flags or the environment."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MODEL = "e5"
MODEL_ENV = "READMIT_MODEL"
INDEX_ENV = "READMIT_INDEX"
DRAFTS_ENV = "READMIT_DRAFTS"


def default_index_dir() -> Path:
    """`READMIT_INDEX`, else `.readmit/index` under the working directory."""
    configured = os.environ.get(INDEX_ENV)
    return Path(configured) if configured else Path.cwd() / ".readmit" / "index"


def default_model() -> str:
    return os.environ.get(MODEL_ENV, DEFAULT_MODEL)


def default_drafts_dir() -> Path:
    configured = os.environ.get(DRAFTS_ENV)
    return Path(configured) if configured else Path.cwd() / ".readmit" / "drafts"


def default_corpus_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "corpus"


USERS_ENV = "READMIT_USERS"
AUDIT_ENV = "READMIT_AUDIT"
USER_ENV = "READMIT_USER"


def default_users_file() -> Path:
    """`READMIT_USERS`, else `.readmit/users.json` (the accounts of a group deployment)."""
    configured = os.environ.get(USERS_ENV)
    return Path(configured) if configured else Path.cwd() / ".readmit" / "users.json"


def default_audit_file() -> Path:
    """`READMIT_AUDIT`, else `.readmit/audit.jsonl` (who changed what, one JSON line each)."""
    configured = os.environ.get(AUDIT_ENV)
    return Path(configured) if configured else Path.cwd() / ".readmit" / "audit.jsonl"
