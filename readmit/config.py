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
