"""Where the index lives and which model builds it, from flags or the environment."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MODEL = "e5"
MODEL_ENV = "READMIT_MODEL"
INDEX_ENV = "READMIT_INDEX"
DRAFTS_ENV = "READMIT_DRAFTS"


SERVER_SCHEMES = ("postgresql://", "postgres://")


def as_location(value: str | Path) -> Path | str:
    """An index or drafts location as given: a `postgresql://` URL stays a string, else a folder."""
    if isinstance(value, str) and value.startswith(SERVER_SCHEMES):
        return value
    return Path(value)


def is_server(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(SERVER_SCHEMES)


def default_index_dir() -> Path | str:
    """`READMIT_INDEX` (a folder or a PostgreSQL URL), else `.readmit/index` under the working
    directory."""
    configured = os.environ.get(INDEX_ENV)
    return as_location(configured) if configured else Path.cwd() / ".readmit" / "index"


def default_model() -> str:
    return os.environ.get(MODEL_ENV, DEFAULT_MODEL)


def default_drafts_dir() -> Path | str:
    """`READMIT_DRAFTS` (a folder or a URL); else the server of a server-mode index (drafts are
    shared there); else `.readmit/drafts` under the working directory."""
    configured = os.environ.get(DRAFTS_ENV)
    if configured:
        return as_location(configured)
    index = os.environ.get(INDEX_ENV, "")
    if is_server(index):
        return index
    return Path.cwd() / ".readmit" / "drafts"


def default_corpus_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "corpus"
