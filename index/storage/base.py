"""The storage contract: the primitives a backend keeps, below everything derived from them.

A backend stores documents, units, chunks with their vectors and a small key/value state, and
ranks vectors with filters applied inside the search: `StorageBackend`, 14 primitives. Everything
else — embedding, validation, search over the ranking, row → hit, parsed documents, status —
is written once over these primitives in `index.storage.collection.Collection`.

What an index keeps beside its documents but outside their generations (source paths, failed
files, clause slots) is a second small contract, `Bookkeeping`, written once in SQL for both
backends (`index.storage.bookkeeping.SqlBookkeeping`).

Two backends keep it, one module each:
- `index.storage.sqlite.SqliteStorage`: one folder, SQLite (source of truth) + FAISS cache;
- `index.storage.postgres.PgStorage`: PostgreSQL with pgvector, for a shared server.

Guarantees every backend keeps (tests/test_storage_contract.py checks them on both):
- `write_documents` replaces whole documents in one transaction: readers see the old or the
  new version of a document, never a mix; the state's `generation` grows with every commit;
- filters are applied inside `rank_vectors`, before the top k is cut;
- `writer_lock()` admits one writer at a time (IndexBusyError for the second), across
  processes (embedded) or machines (server).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from index.embedders import EMBEDDERS, Embedder, embedder_key
from index.errors import ModelMismatchError
from index.types import (
    ChunkText,
    DocumentRecord,
    Hit,
    SearchFilters,
    SlotAssignment,
    StoredDocument,
    UnitRecord,
)
from ingest.types import Chunk

# `state` keys: sha256 of the rule files the stored slots / the last ingest followed.
TAXONOMY_STATE = "taxonomy_sha256"
GLOSSARY_STATE = "glossary_sha256"


@runtime_checkable
class StorageBackend(Protocol):
    """The primitives of one index store (see module docstring)."""

    @property
    def location(self) -> str:
        """Where the index is, for people (no password)."""
        ...

    @property
    def cache_folder(self) -> Path | None:
        """A folder for caches derived from this index (BM25, wording vectors); None: keep
        them in memory (a server index, a viewer's view)."""
        ...

    @property
    def cache_write_error(self) -> str | None:
        """Why the last write of a derived cache failed (None: fine, or no cache)."""
        ...

    def close(self) -> None: ...

    def open_for(self, embedder: Embedder) -> tuple[str | None, int | None]:
        """Record `embedder` as the index's model if it has none (or no chunks), make the
        vector search ready for it, and return the (model, dimension) the index now has."""
        ...

    def writer_lock(self) -> AbstractContextManager[None]: ...

    def write_documents(self, items: Sequence[StoredDocument]) -> None:
        """Replace these documents (with their units, chunks and vectors) in ONE transaction."""
        ...

    def delete_document(self, doc_id: str) -> bool: ...

    def rank_vectors(
        self, query: np.ndarray, *, k: int, filters: SearchFilters | None
    ) -> tuple[list[int], list[float]]:
        """The k best chunk ids by inner product, filters applied first; equal scores by id."""
        ...

    def allowed_chunk_ids(self, filters: SearchFilters) -> set[int]: ...

    def hits_by_id(self, chunk_ids: Sequence[int]) -> dict[int, Hit]:
        """Unranked hits for the chunk ids that exist, read in one snapshot."""
        ...

    def documents(self, doc_id: str | None = None) -> list[DocumentRecord]:
        """Every document by id, or the one `doc_id` names."""
        ...

    def units(self, doc_id: str, eid: str | None = None) -> list[UnitRecord]:
        """A document's units in reading order, or the one `eid` names."""
        ...

    def chunk_texts(self) -> list[ChunkText]:
        """(chunk_id, doc_id, text) of every chunk, by document and position."""
        ...

    def chunk_vectors(self, doc_ids: Sequence[str]) -> list[tuple[Chunk, np.ndarray | None]]:
        """These documents' chunks with their stored vectors (None: damaged), in reading order."""
        ...

    def state(self) -> dict[str, str]: ...

    def set_state(self, values: Mapping[str, str]) -> None: ...

    def problems(self, embedder: Embedder) -> list[str]:
        """Integrity problems of the stored data and its caches (empty: fine); repairs nothing."""
        ...


@runtime_checkable
class Bookkeeping(Protocol):
    """What an index keeps beside its documents, outside their generations: writing it changes
    no chunk, vector or search result."""

    def set_source_path(self, doc_id: str, source_path: str) -> None:
        """Where an unchanged document's file is now."""
        ...

    def failures(self) -> tuple[tuple[str, str], ...]:
        """(path, reason) of the files an ingest could not index, by path."""
        ...

    def set_failures(self, *, record: Mapping[str, str], clear: Sequence[str]) -> int:
        """Record failed files (path → reason) and forget others; returns how many were cleared."""
        ...

    def slots(self, *, doc_id: str | None, slot: str | None) -> list[SlotAssignment]:
        """Slot assignments of live units, by document, reading order and slot."""
        ...

    def replace_slots(
        self,
        doc_id: str,
        assignments: Sequence[SlotAssignment],
        *,
        keywords: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        """Replace a document's slot assignments and the keyword evidence of its units (eid →
        (sha256 of what was matched, evidence), `index.slots`); drop those whose unit is gone."""
        ...

    def keywords(self, *, doc_id: str | None) -> dict[tuple[str, str], tuple[str, str]]:
        """(doc_id, eid) → (sha256 of what was matched, evidence) of live units that have it."""
        ...


def model_mismatch(
    location: str, recorded: str | None, dimension: int | None, embedder: Embedder
) -> ModelMismatchError | None:
    """Why `embedder` may not search an index built with `recorded` (None: it may)."""
    wanted = embedder.name
    if recorded is not None and recorded != wanted:
        return ModelMismatchError(
            f"index at {location} was built with {recorded}; you asked for {wanted} "
            f"— re-index, or {_model_hint(recorded)}"
        )
    if dimension is not None and dimension != embedder.dimension:
        return ModelMismatchError(
            f"index at {location} holds {dimension}-d vectors; {wanted} makes "
            f"{embedder.dimension}-d vectors — re-index"
        )
    return None


def _model_hint(recorded: str) -> str:
    """How to open the index with its own model: `--model KEY` for a model users can choose,
    else (an index built by a test) leaving --model out."""
    key = embedder_key(recorded)
    if key in {cls.key for cls in EMBEDDERS}:
        return f"use --model {key}"
    return "leave out --model to use the index's own model"


def int_or_none(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None
