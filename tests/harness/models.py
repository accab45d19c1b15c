"""The test-only hashing embedder, as tests use it (it is no `--model` choice of the CLI)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from index.embedders import Embedder, HashingEmbedder, make_embedder
from index.storage import open_collection


def hashing_index(index_dir: Path, *, dimension: int = 256) -> Path:
    """An empty index folder that records the hashing fake as its model.

    The CLI and `KnowledgeBase(model=None)` open an index with the model it records, so CLI
    tests run on the fast fake by creating their index with this first.
    """
    open_collection(index_dir, embedder=HashingEmbedder(dimension=dimension)).close()
    return index_dir


@cache
def shared_embedder(name: str) -> Embedder:
    """One instance per model for the whole test process (loading a model takes seconds);
    "hashing" is the test fake, any other name a real model."""
    if name == "hashing":
        return HashingEmbedder()
    return make_embedder(name)
