"""`Collection`: a searchable set of parsed documents embedded with one model, over a backend.

Modelled on simonw/llm's `Collection(db=..., model=...)`: storage and embedding model are given
to the constructor, and the index remembers the model it was built with, so that searching it
with vectors from another model is refused instead of returning nonsense.

Everything here is written once over the primitives of `index.storage.base.StorageBackend`
(and the index's `Bookkeeping`: source paths, failed files, clause slots): embedding (reusing
the stored vector of an unchanged chunk text), validation of what is written, dense search
over the backend's ranking, row → hit, parsed documents, status.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

import numpy as np

from index.binding import INDEX_ID_STATE
from index.embedders import Embedder
from index.errors import IndexWriteError
from index.storage.base import (
    GLOSSARY_STATE,
    TAXONOMY_STATE,
    Bookkeeping,
    StorageBackend,
    int_or_none,
    model_mismatch,
)
from index.storage.manifest import utc_now
from index.storage.rows import ordered_hits
from index.types import (
    ChunkText,
    DocumentRecord,
    EmbedProgress,
    Hit,
    IndexStatus,
    SearchFilters,
    SlotAssignment,
    StoredDocument,
    UnitRecord,
)
from ingest.taxonomy import taxonomy_fingerprint
from ingest.types import Chunk, DocumentMeta, ParsedDocument, Unit


class Collection:
    """The documents of one index (a backend) and the model that embeds them."""

    def __init__(
        self, storage: StorageBackend, *, bookkeeping: Bookkeeping, embedder: Embedder
    ) -> None:
        self.storage = storage
        self.bookkeeping = bookkeeping
        self.embedder = embedder
        try:
            model, dimension = storage.open_for(embedder)
            error = model_mismatch(storage.location, model, dimension, embedder)
            if error is not None:
                raise error
        except BaseException:
            storage.close()
            raise

    def __repr__(self) -> str:
        return f"Collection({self.storage!r}, embedder={self.embedder!r})"

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.storage.close()

    @property
    def location(self) -> str:
        return self.storage.location

    @property
    def cache_folder(self) -> Path | None:
        """Where caches derived from this index may be saved (None: keep them in memory)."""
        return self.storage.cache_folder

    @property
    def cache_write_error(self) -> str | None:
        """Why the last write of a derived cache failed (None: fine; the server has none)."""
        return self.storage.cache_write_error

    def writer_lock(self) -> AbstractContextManager[None]:
        """One writer at a time, across processes or machines (IndexBusyError otherwise)."""
        return self.storage.writer_lock()

    # ---- writes ----------------------------------------------------------------------------

    def upsert_document(
        self, doc: ParsedDocument, chunks: Sequence[Chunk], *, batch_size: int = 64
    ) -> int:
        """Embed `chunks` and replace everything stored for `doc.doc_id` in one transaction.

        Returns the number of chunks embedded: a chunk whose text is already stored for the
        document keeps its vector (a corrected article re-embeds only its own chunks).
        """
        return self.upsert_documents([(doc, chunks)], batch_size=batch_size)

    def upsert_documents(
        self,
        items: Iterable[tuple[ParsedDocument, Sequence[Chunk]]],
        *,
        batch_size: int = 64,
        progress: EmbedProgress | None = None,
    ) -> int:
        """Like `upsert_document` for several documents: embeds across documents in batches of
        `batch_size`, then writes them all in ONE transaction (all or nothing)."""
        pending = [(doc, list(chunks)) for doc, chunks in items]
        if not pending:
            return 0
        validate_documents(pending)
        self._check_model()  # refuses a model mismatch before spending time on embeddings
        all_chunks = [chunk for _, chunks in pending for chunk in chunks]
        vectors, embedded = self._vectors_for(all_chunks, batch_size, progress)
        stamp = utc_now()
        stored, offset = [], 0
        for doc, chunks in pending:
            part = vectors[offset : offset + len(chunks)]
            stored.append(StoredDocument(doc, tuple(chunks), part, stamp))
            offset += len(chunks)
        self.storage.write_documents(stored)
        return embedded

    def upsert_stored(self, items: Sequence[StoredDocument]) -> int:
        """Write documents with the vectors they already have (from another index): no embedding.

        One transaction, like `upsert_documents`; keeps each document's `indexed_at`.
        """
        if not items:
            return 0
        validate_documents([(item.document, item.chunks) for item in items])
        self._check_model()
        dimension = self.embedder.dimension
        shaped = [
            StoredDocument(
                item.document,
                tuple(item.chunks),
                np.asarray(item.vectors, dtype=np.float32).reshape(-1, dimension),
                item.indexed_at,
            )
            for item in items
        ]
        self.storage.write_documents(shaped)
        return sum(len(item.vectors) for item in shaped)

    def _vectors_for(
        self, chunks: list[Chunk], batch_size: int, progress: EmbedProgress | None
    ) -> tuple[np.ndarray, int]:
        """Vectors for `chunks`: stored ones reused for unchanged texts, the rest embedded."""
        doc_ids = sorted({c.doc_id for c in chunks})
        stored = {
            (chunk.doc_id, chunk.text): vector
            for chunk, vector in self.storage.chunk_vectors(doc_ids)
            if vector is not None
        }
        missing = [i for i, c in enumerate(chunks) if (c.doc_id, c.text) not in stored]
        fresh = self._embed([chunks[i].text for i in missing], batch_size, progress)
        vectors = np.zeros((len(chunks), self.embedder.dimension), dtype=np.float32)
        for i, chunk in enumerate(chunks):
            reused = stored.get((chunk.doc_id, chunk.text))
            if reused is not None:
                vectors[i] = reused
        if missing:
            vectors[missing] = fresh
        return vectors, len(missing)

    def _embed(
        self, texts: list[str], batch_size: int, progress: EmbedProgress | None
    ) -> np.ndarray:
        parts = [np.zeros((0, self.embedder.dimension), dtype=np.float32)]
        for start in range(0, len(texts), max(batch_size, 1)):
            parts.append(self.embedder.encode_documents(texts[start : start + batch_size]))
            if progress is not None:
                progress(min(start + batch_size, len(texts)), len(texts))
        return np.vstack(parts)

    def _check_model(self) -> None:
        state = self.storage.state()
        error = model_mismatch(
            self.location, state.get("model"), int_or_none(state.get("dimension")), self.embedder
        )
        if error is not None:
            raise error

    def remove_document(self, doc_id: str) -> bool:
        """Remove a document with its units and chunks; False if it was not indexed."""
        return self.storage.delete_document(doc_id)

    def record_failure(self, path: str, reason: str) -> None:
        """Remember that a file could not be ingested (listed by `status()`)."""
        self.bookkeeping.set_failures(record={path: reason}, clear=())

    def clear_failures(self, paths: Iterable[str]) -> int:
        return self.bookkeeping.set_failures(record={}, clear=list(paths))

    def set_source_path(self, doc_id: str, source_path: str) -> None:
        """Record where an unchanged document's file is now (no new generation: no vectors
        or texts change)."""
        self.bookkeeping.set_source_path(doc_id, source_path)

    def replace_slots(
        self,
        doc_id: str,
        assignments: Sequence[SlotAssignment],
        *,
        keywords: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        """Store a document's slot assignments and its units' keyword evidence (eid → (sha256
        of what was matched, evidence); replacing the previous ones) and prune orphans."""
        self.bookkeeping.replace_slots(doc_id, assignments, keywords=keywords)

    def record_rules(self, *, taxonomy_sha256: str, glossary_sha256: str) -> None:
        """Record which rule files the stored slots and this index's last ingest followed."""
        self.storage.set_state({TAXONOMY_STATE: taxonomy_sha256, GLOSSARY_STATE: glossary_sha256})

    # ---- search ----------------------------------------------------------------------------

    def search(self, query: str, *, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        """Dense search: the k chunks whose vectors best match the query, filters applied first."""
        if not query.strip():
            raise ValueError("search query is empty")
        vector = self.embedder.encode_queries([query])[0]
        return self.search_vectors(vector, k=k, filters=filters)

    def search_vectors(
        self, query_vector: np.ndarray, *, k: int = 10, filters: SearchFilters | None = None
    ) -> list[Hit]:
        """Search with a ready query vector (for hybrid search); score = inner product."""
        ids, scores = self.rank_vectors(query_vector, k=k, filters=filters)
        return self.hits_for_chunks(ids, scores=scores)

    def rank_vectors(
        self, query_vector: np.ndarray, *, k: int = 10, filters: SearchFilters | None = None
    ) -> tuple[list[int], list[float]]:
        """(chunk ids, scores) `search_vectors` would return, best first, without their texts."""
        query = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.embedder.dimension:
            raise ValueError(
                f"query vector has {query.shape[0]} values, index has {self.embedder.dimension}"
            )
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        return self.storage.rank_vectors(query, k=k, filters=filters)

    def allowed_chunk_ids(self, filters: SearchFilters) -> set[int]:
        """The chunk ids a search with these filters may return (for retrievers built elsewhere)."""
        return self.storage.allowed_chunk_ids(filters)

    def hits_for_chunks(
        self, chunk_ids: Sequence[int], *, scores: Sequence[float] | None = None
    ) -> list[Hit]:
        """Hits for these chunk ids in the given order, ranked 1..n; ids that vanished are skipped.

        Without `scores` every score is 0.0 (the caller scores them, e.g. by rank fusion).
        """
        wanted = [int(i) for i in chunk_ids]
        return ordered_hits(self.storage.hits_by_id(wanted), wanted, scores)

    # ---- reads -----------------------------------------------------------------------------

    def index_id(self) -> str | None:
        """The random id the database got when first written (index.binding): files derived
        from it record it, so another index's files are never taken for this one's."""
        return self.storage.state().get(INDEX_ID_STATE)

    def generation(self) -> int:
        """Bumped by every committed change; caches built over the chunks compare it."""
        return int(self.storage.state().get("generation", "0"))

    def document_hashes(self) -> dict[str, str]:
        """doc_id -> content_hash of every indexed document, for incremental ingest."""
        return {d.doc_id: d.content_hash for d in self.storage.documents()}

    def document_sources(self) -> dict[str, str]:
        """doc_id -> source path of every indexed document."""
        return {d.doc_id: d.source_path for d in self.storage.documents()}

    def recorded_taxonomy(self) -> str | None:
        """sha256 of the taxonomy the stored slots were computed with (None: not recorded)."""
        return self.storage.state().get(TAXONOMY_STATE)

    def list_documents(self) -> list[DocumentRecord]:
        return self.storage.documents()

    def get_document(self, doc_id: str) -> DocumentRecord | None:
        found = self.storage.documents(doc_id)
        return found[0] if found else None

    def get_unit(self, doc_id: str, eid: str) -> UnitRecord | None:
        found = self.storage.units(doc_id, eid)
        return found[0] if found else None

    def list_units(self, doc_id: str) -> list[UnitRecord]:
        """A document's units in reading order."""
        return self.storage.units(doc_id)

    def chunk_texts(self) -> list[ChunkText]:
        """(chunk_id, doc_id, text) of every chunk, by document and position."""
        return self.storage.chunk_texts()

    def iter_chunks(self) -> Iterator[ChunkText]:
        yield from self.chunk_texts()  # one snapshot, so the connection closes at once

    def status(self) -> IndexStatus:
        state = self.storage.state()
        documents = self.storage.documents()
        taxonomy_sha256 = state.get(TAXONOMY_STATE)
        return IndexStatus(
            documents=len(documents),
            units=sum(d.unit_count for d in documents),
            chunks=sum(d.chunk_count for d in documents),
            model=state.get("model"),
            dimension=int_or_none(state.get("dimension")),
            indexed_at=state.get("indexed_at"),
            failures=self.bookkeeping.failures(),
            taxonomy_sha256=taxonomy_sha256,
            glossary_sha256=state.get(GLOSSARY_STATE),
            # None: not computed yet (a first ingest computes them at its end), not stale.
            slots_stale=bool(documents)
            and taxonomy_sha256 is not None
            and taxonomy_sha256 != taxonomy_fingerprint(),
        )

    def verify(self) -> list[str]:
        """Integrity check without repairing anything; returns the problems (empty = OK)."""
        return self.storage.problems(self.embedder)

    def stored_document(self, doc_id: str) -> StoredDocument | None:
        """A document with its units, chunks and stored vectors (for `readmit copy`)."""
        record = self.get_document(doc_id)
        if record is None:
            return None
        units = self.storage.units(doc_id)
        rows = self.storage.chunk_vectors([doc_id])
        dimension = self.embedder.dimension
        matrix = np.zeros((len(rows), dimension), dtype=np.float32)
        for i, (chunk, vector) in enumerate(rows):
            if vector is None:
                raise IndexWriteError(f"{doc_id}: chunk {chunk.chunk_id} has a damaged vector")
            matrix[i] = vector
        return StoredDocument(
            document=parsed_document(record, units),
            chunks=tuple(chunk for chunk, _ in rows),
            vectors=matrix,
            indexed_at=record.indexed_at,
        )

    def unit_vectors(self, doc_id: str) -> dict[str, np.ndarray]:
        """eid → unit vector (the normalised mean of its chunks' stored vectors; no embedding)."""
        eids = [unit.eid for unit in self.storage.units(doc_id)]
        chunks = [(c.eid, v) for c, v in self.storage.chunk_vectors([doc_id]) if v is not None]
        return unit_vectors_from_chunks(eids, chunks)

    def slot_assignments(
        self, *, doc_id: str | None = None, slot: str | None = None
    ) -> list[SlotAssignment]:
        """Stored slot assignments of live units, by document and reading order."""
        return self.bookkeeping.slots(doc_id=doc_id, slot=slot)

    def slot_documents(self) -> set[str]:
        """Documents whose slots have been computed."""
        return {a.doc_id for a in self.bookkeeping.slots(doc_id=None, slot=None)}

    def keyword_rows(self, *, doc_id: str | None = None) -> dict[tuple[str, str], tuple[str, str]]:
        """(doc_id, eid) → (sha256 of what was matched, evidence) stored with the slots."""
        return self.bookkeeping.keywords(doc_id=doc_id)

    def keyword_documents(self) -> set[str]:
        """Documents with stored keyword evidence."""
        return {doc_id for doc_id, _ in self.bookkeeping.keywords(doc_id=None)}


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


def validate_documents(items: Sequence[tuple[ParsedDocument, Sequence[Chunk]]]) -> None:
    """Reject malformed input before anything is embedded or written, naming doc and reason."""
    seen_docs: set[str] = set()
    seen_chunks: dict[int, str] = {}
    for doc, chunks in items:
        doc_id = doc.doc_id
        if doc_id in seen_docs:
            raise IndexWriteError(f"{doc_id}: given twice in one upsert")
        seen_docs.add(doc_id)
        eids = [unit.eid for unit in doc.units]
        if len(set(eids)) != len(eids):
            duplicates = sorted({e for e in eids if eids.count(e) > 1})
            raise IndexWriteError(f"{doc_id}: duplicate unit eIds {', '.join(duplicates)}")
        unit_eids = set(eids)
        for chunk in chunks:
            where = f"{doc_id}: chunk {chunk.chunk_id} ({chunk.eid}, seq {chunk.seq})"
            if chunk.doc_id != doc_id:
                raise IndexWriteError(f"{where} says it belongs to {chunk.doc_id}")
            if chunk.chunk_id in seen_chunks:
                raise IndexWriteError(
                    f"{where} reuses the id of a chunk of {seen_chunks[chunk.chunk_id]}"
                )
            if not -(2**63) <= chunk.chunk_id < 2**63:
                raise IndexWriteError(f"{where}: id does not fit in a signed 64-bit integer")
            if not chunk.text.strip():
                raise IndexWriteError(f"{where} has no text")
            # A chunk cites its unit ("art_7") or a part of it ("art_7__para_2").
            if chunk.eid not in unit_eids and not any(
                chunk.eid.startswith(eid + "__") for eid in unit_eids
            ):
                raise IndexWriteError(f"{where} cites unit {chunk.eid}, which the document lacks")
            seen_chunks[chunk.chunk_id] = doc_id


def parsed_document(record: DocumentRecord, units: Sequence[UnitRecord]) -> ParsedDocument:
    """The ParsedDocument an index row was written from (OCR page numbers are not stored)."""
    meta = DocumentMeta(
        doc_id=record.doc_id,
        title=record.title,
        language=record.language,
        instrument_type=record.instrument_type,
        parties=record.parties,
        place_signed=record.place_signed,
        date_signed=record.date_signed,
        year=record.year,
        official_reference=record.official_reference,
        source_url=record.source_url,
        licence=record.licence,
        original_title=record.original_title,
        visibility=record.visibility,
    )
    return ParsedDocument(
        meta=meta,
        units=tuple(
            Unit(
                eid=u.eid,
                kind=u.kind,
                part=u.part,
                number=u.number,
                heading=u.heading,
                text=u.text,
                order=u.order,
                page_start=u.page_start,
                page_end=u.page_end,
                paragraphs=u.paragraphs,
                instrument=u.instrument,
                parent=u.parent,
            )
            for u in units
        ),
        content_hash=record.content_hash,
        source_path=record.source_path,
        has_pages=record.has_pages,
        page_count=record.page_count,
    )
