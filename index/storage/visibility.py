"""Document visibility: a read-only view of an index that shows one viewer what they may see.

A document is public (`visibility == ()`) or restricted to named groups. `VisibleStorage` wraps
a backend and delegates to it, `VisibleBookkeeping` likewise its bookkeeping: search applies the
viewer's groups inside retrieval (`SearchFilters.visible_groups`, a WHERE clause in the store),
so the top k are k visible results; every other read (documents, units, slots, chunk texts,
hits by id) is filtered here,
so that code written against a `Collection` — clause matrix, time limits, gap check, more like
this — cannot see past it. Every write is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import numpy as np

from index.embedders import Embedder
from index.storage.base import Bookkeeping, StorageBackend, int_or_none
from index.storage.collection import Collection
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


def is_visible(visibility: Sequence[str], groups: Sequence[str] | None) -> bool:
    """May a viewer with `groups` (None = sees everything) see a document with `visibility`?"""
    return groups is None or not visibility or any(g in groups for g in visibility)


def scope_filters(filters: SearchFilters | None, groups: tuple[str, ...] | None) -> SearchFilters:
    """`filters` narrowed to what a viewer with `groups` may see (None = everything)."""
    base = filters or SearchFilters()
    if groups is None:
        return base
    if base.visible_groups is not None:  # already scoped: keep only groups in both
        groups = tuple(g for g in groups if g in base.visible_groups)
    return replace(base, visible_groups=groups)


def visible_collection(collection: Collection, *, groups: Sequence[str]) -> Collection:
    """What a viewer who belongs to `groups` may read of `collection`: the same model over a
    `VisibleStorage` of its backend (one FAISS cache serves every viewer)."""
    storage = VisibleStorage(collection.storage, groups=groups)
    return Collection(
        storage,
        bookkeeping=VisibleBookkeeping(collection.bookkeeping, storage=storage),
        embedder=collection.embedder,
    )


class VisibleStorage:
    """A backend's documents as a viewer in `groups` may read them; writes are refused."""

    def __init__(self, base: StorageBackend, *, groups: Sequence[str]) -> None:
        self._base = base
        self.groups = tuple(sorted(groups))

    def __repr__(self) -> str:
        return f"VisibleStorage({self._base!r}, groups={self.groups!r})"

    @property
    def location(self) -> str:
        return self._base.location

    @property
    def cache_folder(self) -> Path | None:
        return None  # derived caches of a view hold only what its viewer may see: in memory

    @property
    def cache_write_error(self) -> str | None:
        return None

    def close(self) -> None:
        """The base backend is shared; its owner closes it."""

    def open_for(self, embedder: Embedder) -> tuple[str | None, int | None]:
        state = self._base.state()  # the owner opened the base; a view writes nothing
        return state.get("model"), int_or_none(state.get("dimension"))

    # ---- writes: never through a viewer's view ---------------------------------------------

    def _refuse(self) -> NoReturn:
        raise PermissionError("a viewer's view of the index is read-only")

    def writer_lock(self) -> AbstractContextManager[None]:
        self._refuse()

    def write_documents(self, items: Sequence[StoredDocument]) -> None:
        self._refuse()

    def delete_document(self, doc_id: str) -> bool:
        self._refuse()

    def set_state(self, values: Mapping[str, str]) -> None:
        self._refuse()

    def problems(self, embedder: Embedder) -> list[str]:
        self._refuse()

    # ---- reads, filtered -------------------------------------------------------------------

    def _visible_ids(self) -> set[str]:
        return {d.doc_id for d in self.documents()}

    def _may_see(self, doc_id: str) -> bool:
        return bool(self.documents(doc_id))

    def rank_vectors(
        self, query: np.ndarray, *, k: int, filters: SearchFilters | None
    ) -> tuple[list[int], list[float]]:
        return self._base.rank_vectors(query, k=k, filters=scope_filters(filters, self.groups))

    def allowed_chunk_ids(self, filters: SearchFilters) -> set[int]:
        return self._base.allowed_chunk_ids(scope_filters(filters, self.groups))

    def hits_by_id(self, chunk_ids: Sequence[int]) -> dict[int, Hit]:
        visible = self._visible_ids()
        found = self._base.hits_by_id(chunk_ids)
        return {cid: hit for cid, hit in found.items() if hit.doc_id in visible}

    def documents(self, doc_id: str | None = None) -> list[DocumentRecord]:
        found = self._base.documents(doc_id)
        return [d for d in found if is_visible(d.visibility, self.groups)]

    def units(self, doc_id: str, eid: str | None = None) -> list[UnitRecord]:
        return self._base.units(doc_id, eid) if self._may_see(doc_id) else []

    def chunk_texts(self) -> list[ChunkText]:
        visible = self._visible_ids()
        return [c for c in self._base.chunk_texts() if c.doc_id in visible]

    def chunk_vectors(self, doc_ids: Sequence[str]) -> list[tuple[Chunk, np.ndarray | None]]:
        visible = self._visible_ids()
        return self._base.chunk_vectors([d for d in doc_ids if d in visible])

    def state(self) -> dict[str, str]:
        return self._base.state()


class VisibleBookkeeping:
    """A backend's bookkeeping as the viewer of `storage` may read it; writes are refused."""

    def __init__(self, base: Bookkeeping, *, storage: VisibleStorage) -> None:
        self._base = base
        self._storage = storage

    def _refuse(self) -> NoReturn:
        raise PermissionError("a viewer's view of the index is read-only")

    def set_source_path(self, doc_id: str, source_path: str) -> None:
        self._refuse()

    def set_failures(self, *, record: Mapping[str, str], clear: Sequence[str]) -> int:
        self._refuse()

    def replace_slots(
        self,
        doc_id: str,
        assignments: Sequence[SlotAssignment],
        *,
        keywords: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        self._refuse()

    def failures(self) -> tuple[tuple[str, str], ...]:
        """Failed files (whose names may be those of restricted documents) are a maintainer's
        business and are not shown."""
        return ()

    def slots(self, *, doc_id: str | None, slot: str | None) -> list[SlotAssignment]:
        visible = {d.doc_id for d in self._storage.documents()}
        return [a for a in self._base.slots(doc_id=doc_id, slot=slot) if a.doc_id in visible]

    def keywords(self, *, doc_id: str | None) -> dict[tuple[str, str], tuple[str, str]]:
        visible = {d.doc_id for d in self._storage.documents()}
        if doc_id is not None and doc_id not in visible:
            return {}
        found = self._base.keywords(doc_id=doc_id)
        return {key: row for key, row in found.items() if key[0] in visible}
