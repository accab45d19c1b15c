"""Document visibility: a read-only view of a `Collection` that shows one viewer what they may see.

A document is public (`visibility == ()`) or restricted to named groups. Search applies the
viewer's groups inside retrieval (`SearchFilters.visible_groups`, a WHERE clause in the store),
so the top k are k visible results; every other read (documents, units, slots, chunk texts,
hits by id, status counts) is filtered here, so that code written against a `Collection` —
clause matrix, time limits, gap check, more like this — cannot see past it. The view has no
write methods at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import NoReturn

import numpy as np

from index.backend import CollectionBackend
from index.collection import Collection
from index.types import (
    ChunkText,
    DocumentRecord,
    Hit,
    IndexStatus,
    SearchFilters,
    SlotAssignment,
    UnitRecord,
)


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


class VisibleCollection(Collection):
    """What a viewer who belongs to `groups` may read of `collection`.

    A `Collection` to its callers (the service, clause intelligence) but holding no storage of
    its own: it does not run `Collection.__init__`, every read goes through the base collection
    (so one FAISS cache serves every viewer) and every write is refused.
    """

    def __init__(self, collection: CollectionBackend, *, groups: tuple[str, ...]) -> None:
        # Deliberately no super().__init__(): the base collection owns the storage.
        self._base = collection
        self.groups = tuple(sorted(groups))
        self.embedder = collection.embedder
        self.cache_write_error = None

    @property
    def location(self) -> str:
        return self._base.location

    def __repr__(self) -> str:
        return f"VisibleCollection({self._base!r}, groups={self.groups!r})"

    def close(self) -> None:
        """The base collection is shared; its owner closes it."""

    # ---- writes: never through a viewer's view ---------------------------------------------

    def _refuse(self, *_: object, **__: object) -> NoReturn:
        raise PermissionError("a viewer's view of the index is read-only")

    upsert_document = _refuse
    upsert_documents = _refuse
    remove_document = _refuse
    record_failure = _refuse
    clear_failures = _refuse
    replace_slots = _refuse
    verify = _refuse
    upsert_stored = _refuse
    writer_lock = _refuse
    set_source_path = _refuse
    record_rules = _refuse

    def may_see(self, doc_id: str) -> bool:
        document = self._base.get_document(doc_id)
        return document is not None and is_visible(document.visibility, self.groups)

    def _visible_ids(self) -> set[str]:
        return {d.doc_id for d in self.list_documents()}

    def _scoped(self, filters: SearchFilters | None) -> SearchFilters:
        return scope_filters(filters, self.groups)

    # ---- the Collection read interface ---------------------------------------------------------

    def generation(self) -> int:
        return self._base.generation()

    def list_documents(self) -> list[DocumentRecord]:
        return [d for d in self._base.list_documents() if is_visible(d.visibility, self.groups)]

    def get_document(self, doc_id: str) -> DocumentRecord | None:
        document = self._base.get_document(doc_id)
        if document is None or not is_visible(document.visibility, self.groups):
            return None
        return document

    def document_hashes(self) -> dict[str, str]:
        visible = self._visible_ids()
        return {k: v for k, v in self._base.document_hashes().items() if k in visible}

    def get_unit(self, doc_id: str, eid: str) -> UnitRecord | None:
        return self._base.get_unit(doc_id, eid) if self.may_see(doc_id) else None

    def list_units(self, doc_id: str) -> list[UnitRecord]:
        return self._base.list_units(doc_id) if self.may_see(doc_id) else []

    def chunk_texts(self) -> list[ChunkText]:
        visible = self._visible_ids()
        return [c for c in self._base.chunk_texts() if c.doc_id in visible]

    def iter_chunks(self) -> Iterator[ChunkText]:
        yield from self.chunk_texts()

    def search(self, query: str, *, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        return self._base.search(query, k=k, filters=self._scoped(filters))

    def search_vectors(
        self, query_vector: np.ndarray, *, k: int = 10, filters: SearchFilters | None = None
    ) -> list[Hit]:
        return self._base.search_vectors(query_vector, k=k, filters=self._scoped(filters))

    def rank_vectors(
        self, query_vector: np.ndarray, *, k: int = 10, filters: SearchFilters | None = None
    ) -> tuple[list[int], list[float]]:
        return self._base.rank_vectors(query_vector, k=k, filters=self._scoped(filters))

    def allowed_chunk_ids(self, filters: SearchFilters) -> set[int]:
        return self._base.allowed_chunk_ids(self._scoped(filters))

    def hits_for_chunks(
        self, chunk_ids: Sequence[int], *, scores: Sequence[float] | None = None
    ) -> list[Hit]:
        visible = self._visible_ids()
        hits = self._base.hits_for_chunks(chunk_ids, scores=scores)
        kept = [h for h in hits if h.doc_id in visible]
        return [replace(h, rank=rank) for rank, h in enumerate(kept, start=1)]

    def status(self) -> IndexStatus:
        """Counts of the visible documents only; failed files (whose names may be those of
        restricted documents) are a maintainer's business and are not shown."""
        full = self._base.status()
        documents = self.list_documents()
        return replace(
            full,
            documents=len(documents),
            units=sum(d.unit_count for d in documents),
            chunks=sum(d.chunk_count for d in documents),
            failures=(),
        )

    def slot_assignments(
        self, *, doc_id: str | None = None, slot: str | None = None
    ) -> list[SlotAssignment]:
        visible = self._visible_ids()
        found = self._base.slot_assignments(doc_id=doc_id, slot=slot)
        return [a for a in found if a.doc_id in visible]

    def slot_documents(self) -> set[str]:
        return self._base.slot_documents() & self._visible_ids()

    def unit_vectors(self, doc_id: str) -> dict[str, np.ndarray]:
        return self._base.unit_vectors(doc_id) if self.may_see(doc_id) else {}
