"""The storage contract behind `Collection`, and the choice of backend by the index location.

Everything above the index layer (service, clause intelligence, eval, export, app, CLI) talks to
a `CollectionBackend`. Two implementations keep it (one module each, behind this small
contract, the way txtai keeps its ANN backends):

- `index.collection.Collection`: embedded, one folder: SQLite (source of truth) + FAISS cache.
- `index.pg_collection.PgCollection`: PostgreSQL with pgvector, for a shared server.

The location picks the backend: a folder path, or a `postgresql://` URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from index.embedders import Embedder
from index.types import (
    ChunkText,
    DocumentRecord,
    Hit,
    IndexStatus,
    SearchFilters,
    SlotAssignment,
    StoredDocument,
    UnitRecord,
)
from ingest.types import Chunk, ParsedDocument

SERVER_SCHEMES = ("postgresql://", "postgres://")


ProgressCallback = Callable[[int, int], None]  # (chunks embedded so far, total)


@runtime_checkable
class CollectionBackend(Protocol):
    """What a searchable collection of embedded documents offers (see module docstring).

    Guarantees every implementation keeps (tests/test_storage_contract.py checks them):
    - a write replaces whole documents in one transaction: readers see the old or the new
      version of a document, never a mix, and `generation()` grows with every commit;
    - filters are applied inside the vector search, before the top k is cut;
    - an index built with one model refuses another model with ModelMismatchError;
    - `writer_lock()` admits one writer at a time (IndexBusyError for the second), across
      processes (embedded) or machines (server).
    """

    embedder: Embedder
    # Why the last write of a derived cache failed (None: fine; the server backend has none).
    cache_write_error: str | None

    @property
    def location(self) -> str: ...

    def close(self) -> None: ...

    def __enter__(self) -> CollectionBackend: ...

    def __exit__(self, *exc: object) -> None: ...

    def writer_lock(self) -> AbstractContextManager[None]: ...

    # writes
    def upsert_document(
        self, doc: ParsedDocument, chunks: Sequence[Chunk], *, batch_size: int = 64
    ) -> int: ...

    def upsert_documents(
        self,
        items: Iterable[tuple[ParsedDocument, Sequence[Chunk]]],
        *,
        batch_size: int = 64,
        progress: ProgressCallback | None = None,
    ) -> int: ...

    def upsert_stored(self, items: Sequence[StoredDocument]) -> int: ...

    def remove_document(self, doc_id: str) -> bool: ...

    def record_failure(self, path: str, reason: str) -> None: ...

    def clear_failures(self, paths: Iterable[str]) -> int: ...

    def replace_slots(self, doc_id: str, assignments: Sequence[SlotAssignment]) -> None: ...

    # search
    def search(
        self, query: str, *, k: int = 10, filters: SearchFilters | None = None
    ) -> list[Hit]: ...

    def search_vectors(
        self, query_vector: np.ndarray, *, k: int = 10, filters: SearchFilters | None = None
    ) -> list[Hit]: ...

    def rank_vectors(
        self, query_vector: np.ndarray, *, k: int = 10, filters: SearchFilters | None = None
    ) -> tuple[list[int], list[float]]: ...

    def allowed_chunk_ids(self, filters: SearchFilters) -> set[int]: ...

    def hits_for_chunks(
        self, chunk_ids: Sequence[int], *, scores: Sequence[float] | None = None
    ) -> list[Hit]: ...

    # reads
    def generation(self) -> int: ...

    def document_hashes(self) -> dict[str, str]: ...

    def document_sources(self) -> dict[str, str]: ...

    def set_source_path(self, doc_id: str, source_path: str) -> None: ...

    def recorded_taxonomy(self) -> str | None: ...

    def record_rules(self, *, taxonomy_sha256: str, glossary_sha256: str) -> None: ...

    def list_documents(self) -> list[DocumentRecord]: ...

    def get_document(self, doc_id: str) -> DocumentRecord | None: ...

    def get_unit(self, doc_id: str, eid: str) -> UnitRecord | None: ...

    def list_units(self, doc_id: str) -> list[UnitRecord]: ...

    def chunk_texts(self) -> list[ChunkText]: ...

    def iter_chunks(self) -> Iterator[ChunkText]: ...

    def status(self) -> IndexStatus: ...

    def verify(self) -> list[str]: ...

    def stored_document(self, doc_id: str) -> StoredDocument | None: ...

    def unit_vectors(self, doc_id: str) -> dict[str, np.ndarray]: ...

    def slot_assignments(
        self, *, doc_id: str | None = None, slot: str | None = None
    ) -> list[SlotAssignment]: ...

    def slot_documents(self) -> set[str]: ...


def is_server_location(location: str | Path) -> bool:
    """A `postgresql://` URL (server mode) rather than an index folder."""
    return isinstance(location, str) and location.startswith(SERVER_SCHEMES)


def location_label(location: str | Path) -> str:
    """The location for messages, without a password."""
    if not is_server_location(location):
        return str(location)
    from index.pg_collection import redact_url

    return redact_url(str(location))


def open_collection(location: str | Path, *, embedder: Embedder) -> CollectionBackend:
    """The collection at `location`: an index folder (embedded) or a PostgreSQL URL (server)."""
    if is_server_location(location):
        from index.pg_collection import PgCollection  # psycopg only loads in server mode

        return PgCollection(str(location), embedder=embedder)
    from index.collection import Collection

    return Collection(Path(location), embedder=embedder)


def recorded_model_at(location: str | Path) -> str | None:
    """The model an existing index was built with, or None for a new or empty one."""
    if is_server_location(location):
        from index.pg_collection import recorded_model as pg_recorded_model

        return pg_recorded_model(str(location))
    from index.collection import recorded_model

    return recorded_model(Path(location))


def unit_vectors_from_chunks(
    eids: Sequence[str], chunks: Iterable[tuple[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    """eid → the normalised mean of its chunks' vectors (a chunk "art_7__para_2" is art_7's)."""
    by_length = sorted(eids, key=len, reverse=True)
    sums: dict[str, np.ndarray] = {}
    for chunk_eid, vector in chunks:
        owner = next(
            (e for e in by_length if chunk_eid == e or chunk_eid.startswith(e + "__")), None
        )
        if owner is not None:
            sums[owner] = sums.get(owner, 0) + vector
    return {eid: total / (np.linalg.norm(total) or 1.0) for eid, total in sums.items()}
