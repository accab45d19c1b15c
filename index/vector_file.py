"""Small matrices of vectors kept on disk beside an index (clause-type and glossary vectors).

Embedding them again costs seconds per process; each file carries the key (model, texts'
fingerprint) it was computed for, so a file from another model, taxonomy or glossary, a
damaged one or a missing one is simply recomputed.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def load_vectors(path: Path, key: str, shape: tuple[int, int]) -> np.ndarray | None:
    """The stored matrix when it was computed for `key` and has `shape`, else None."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            if str(stored["key"]) != key or stored["vectors"].shape != shape:
                return None
            return np.asarray(stored["vectors"], dtype=np.float32)
    except (OSError, KeyError, ValueError):
        return None  # missing, damaged or for another key: recompute


def save_vectors(path: Path, key: str, matrix: np.ndarray) -> None:
    """Write atomically; a read-only index folder keeps the vectors in memory only."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            np.savez(handle, key=np.array(key), vectors=matrix)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
