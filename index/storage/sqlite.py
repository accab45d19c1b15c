"""`Collection`: one index folder (SQLite metadata + vectors, FAISS cache, manifest) and its model.

Modelled on simonw/llm's `Collection(db=..., model=...)`: storage and embedding model are given
to the constructor, and the folder remembers the model it was built with, so that searching
an index with vectors from another model is refused instead of returning nonsense.

Layout of the folder:
    meta.sqlite     source of truth: documents, units, chunks with float32 vectors, failures, state
    vectors.faiss   derived cache of the chunk vectors (rebuilt when stale or corrupt)
    manifest.json   model, dimension, library versions, counts, generation, sha256 of the cache
"""

from __future__ import annotations

import fcntl
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

from index import store
from index.embedders import EMBEDDERS, Embedder, embedder_key
from index.errors import IndexOpenError, IndexWriteError, ModelMismatchError, VectorCacheError
from index.lock import writer_lock
from index.manifest import (
    MANIFEST_FILE,
    Manifest,
    read_manifest,
    runtime_versions,
    utc_now,
    write_manifest,
)
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
from index.vectors import VECTORS_FILE, IndexLayout, VectorIndex
from ingest.taxonomy import taxonomy_fingerprint
from ingest.types import Chunk, ParsedDocument

log = logging.getLogger(__name__)

LOCK_FILE = "index.lock"
# `state` keys: sha256 of the rule files the stored slots / the last ingest followed.
TAXONOMY_STATE = "taxonomy_sha256"
GLOSSARY_STATE = "glossary_sha256"
ProgressCallback = Callable[[int, int], None]  # (chunks embedded so far, total)


def recorded_model(path: Path) -> str | None:
    """The model an existing index folder was built with, or None for a new/empty folder."""
    db_path = Path(path) / store.DB_FILE
    if not db_path.exists():
        return None
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return store.get_state(conn, "model")
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()


class Collection:
    """A searchable set of parsed documents, embedded with one model, stored in one folder."""

    def __init__(self, path: Path, *, embedder: Embedder) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder
        self._store = store.MetadataStore(self.path / store.DB_FILE)
        # Guards the in-memory FAISS index and the generation it reflects.
        self._lock = threading.RLock()
        self._vectors: VectorIndex | None = None
        self._loaded_generation: int | None = None
        # Why the last cache write failed (None: it succeeded); the cache is derived, so a
        # failed write is a warning: the next open rebuilds it from SQLite.
        self.cache_write_error: str | None = None
        self._check_database()
        self._claim_model()
        self._refresh()

    def __repr__(self) -> str:
        return f"Collection({str(self.path)!r}, embedder={self.embedder!r})"

    @property
    def location(self) -> str:
        return str(self.path)

    def writer_lock(self) -> AbstractContextManager[None]:
        """One writer per folder at a time, across processes (an flock; see index.lock)."""
        return writer_lock(self.path)

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._store.close()

    # ---- integrity -------------------------------------------------------------------------

    def _check_database(self) -> None:
        """Refuse a damaged meta.sqlite with a clear message instead of failing mid-search."""
        problems = self._database_problems()
        if problems:
            raise IndexOpenError(
                f"{self.path / store.DB_FILE} is damaged ({'; '.join(problems[:3])}): "
                "restore it from a backup or re-index into a new folder"
            )

    def _database_problems(self) -> list[str]:
        try:
            with self._store.read() as conn:
                rows = conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as error:
            return [str(error)]
        return [str(row[0]) for row in rows if row[0] != "ok"]

    # ---- model bookkeeping -----------------------------------------------------------------

    def _mismatch(self, recorded: str | None, dimension: int | None) -> ModelMismatchError | None:
        wanted = self.embedder.name
        if recorded is not None and recorded != wanted:
            return ModelMismatchError(
                f"index at {self.path} was built with {recorded}; you asked for {wanted} "
                f"— re-index, or {_model_hint(recorded)}"
            )
        if dimension is not None and dimension != self.embedder.dimension:
            return ModelMismatchError(
                f"index at {self.path} holds {dimension}-d vectors; {wanted} makes "
                f"{self.embedder.dimension}-d vectors — re-index"
            )
        return None

    def _claim_model(self) -> None:
        """Record our model in a new index; refuse an index built with another model.

        An index without chunks holds no vectors, so it may simply switch to our model.
        """
        with self._store.read() as conn:  # the common case needs no write lock
            recorded = store.get_state(conn, "model")
            if (
                recorded is not None
                and self._mismatch(recorded, store.int_state(conn, "dimension")) is None
            ):
                return
        with self._store.write() as conn:
            recorded = store.get_state(conn, "model")
            dimension = store.int_state(conn, "dimension")
            error = self._mismatch(recorded, dimension)
            if error is None and recorded is not None:
                return
            if error is not None and store.counts(conn)[2] > 0:
                raise error
            store.set_state(conn, "model", self.embedder.name)
            store.set_state(conn, "dimension", str(self.embedder.dimension))
            store.bump_generation(conn)

    def _check_model(self, conn: sqlite3.Connection) -> None:
        error = self._mismatch(store.get_state(conn, "model"), store.int_state(conn, "dimension"))
        if error is not None:
            raise error

    # ---- the FAISS cache -------------------------------------------------------------------

    @contextmanager
    def _file_lock(self, *, shared: bool = False) -> Iterator[None]:
        """Across processes: writers of vectors.faiss + manifest.json take it exclusively, readers
        of the pair shared, so that nobody pairs an old manifest with a new cache file."""
        with open(self.path / LOCK_FILE, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _refresh(self) -> VectorIndex:
        """The in-memory index for the current generation (another process may have written)."""
        with self._store.read() as conn:
            self._check_model(conn)
            current = store.generation(conn)
        with self._lock:
            if self._vectors is None or self._loaded_generation != current:
                self._load_or_rebuild()
            assert self._vectors is not None
            return self._vectors

    def _load_or_rebuild(self) -> None:
        with self._file_lock(shared=True):
            reason = self._load_cache()
        if reason is None:
            return
        if reason == "no manifest" or reason.startswith("cache is generation"):
            # Normal: a new index, or another process committed and has not saved the cache yet.
            log.info("rebuilding %s from SQLite: %s", self.path / VECTORS_FILE, reason)
        else:
            log.warning("index cache refused: %s; rebuilding it from %s", reason, store.DB_FILE)
        self._rebuild()  # outside the shared lock: _persist takes the exclusive one

    def _load_cache(self) -> str | None:
        """Load vectors.faiss if the manifest vouches for it at the current generation; else
        return why not."""
        dimension = self.embedder.dimension
        manifest = read_manifest(self.path)
        with self._store.read() as conn:
            current = store.generation(conn)
            model = store.get_state(conn, "model")
        if manifest is None:
            exists = (self.path / MANIFEST_FILE).exists()
            return f"{MANIFEST_FILE} is unreadable" if exists else "no manifest"
        if manifest.generation != current:
            return f"cache is generation {manifest.generation}, database is {current}"
        if manifest.model != model or manifest.dimension != dimension:
            return f"cache was built for {manifest.model}"
        try:
            loaded = VectorIndex.load(
                self.path / VECTORS_FILE,
                expected_sha256=manifest.vectors_sha256,
                dimension=dimension,
                layout=IndexLayout.from_json(manifest.vector_index),
            )
        except VectorCacheError as error:
            return str(error)
        if loaded.ntotal != manifest.chunks:
            return f"cache holds {loaded.ntotal} vectors, manifest says {manifest.chunks}"
        if loaded.needs_rebuild():
            return f"a {loaded.layout.kind} index does not suit {loaded.ntotal} vectors"
        self._vectors, self._loaded_generation = loaded, current
        return None

    def _rebuild(self) -> None:
        with self._store.read() as conn:  # one snapshot: vectors and generation agree
            current = store.generation(conn)
            ids, matrix = store.all_vectors(conn, self.embedder.dimension)
        self._vectors = VectorIndex.build(self.embedder.dimension, ids, matrix)
        self._loaded_generation = current
        self._persist()

    def _persist(self) -> None:
        """Write vectors.faiss then manifest.json for the loaded generation, if still current."""
        assert self._vectors is not None
        with self._file_lock():
            _remove_orphaned_temp_files(self.path)
            on_disk = read_manifest(self.path)
            generation = self._loaded_generation or 0
            if on_disk is not None and on_disk.generation > generation:
                return  # another process already saved a newer state
            with self._store.read() as conn:
                if store.generation(conn) != generation:
                    return  # the database moved on; whoever moved it saves the cache
                documents, units, chunks = store.counts(conn)
                indexed_at = store.get_state(conn, "indexed_at")
                model = store.get_state(conn, "model")
            manifest = Manifest(
                model=model,
                dimension=self.embedder.dimension,
                generation=generation,
                vectors_sha256="",
                documents=documents,
                units=units,
                chunks=chunks,
                indexed_at=indexed_at,
                versions=runtime_versions() | self.embedder.library_versions(),
                vector_index=self._vectors.layout.to_json(),
            )
            try:
                checksum = self._vectors.save(self.path / VECTORS_FILE)
                write_manifest(self.path, replace(manifest, vectors_sha256=checksum))
            except OSError as error:
                self.cache_write_error = error.strerror or str(error)
                log.warning("cannot write the index cache (%s); it will be rebuilt", error)
                return
            self.cache_write_error = None

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
        progress: ProgressCallback | None = None,
    ) -> int:
        """Like `upsert_document` for several documents: embeds across documents in batches of
        `batch_size`, then writes them all in ONE transaction (all or nothing)."""
        pending = [(doc, list(chunks)) for doc, chunks in items]
        if not pending:
            return 0
        _validate(pending)
        self._refresh()  # refuses a model mismatch before spending time on embeddings
        all_chunks = [chunk for _, chunks in pending for chunk in chunks]
        vectors, embedded = self._vectors_for(all_chunks, batch_size, progress)
        self._write_embedded(pending, vectors, indexed_at=utc_now())
        return embedded

    def upsert_stored(self, items: Sequence[StoredDocument]) -> int:
        """Write documents with the vectors they already have (from another index): no embedding.

        One transaction, like `upsert_documents`; keeps each document's `indexed_at`.
        """
        pending = [(item.document, list(item.chunks)) for item in items]
        if not pending:
            return 0
        _validate(pending)
        self._refresh()
        dimension = self.embedder.dimension
        vectors = np.vstack(
            [np.zeros((0, dimension), dtype=np.float32)]
            + [np.asarray(item.vectors, dtype=np.float32).reshape(-1, dimension) for item in items]
        )
        latest = max(item.indexed_at for item in items)
        self._write_embedded(pending, vectors, indexed_at=latest, per_document=items)
        return len(vectors)

    def _write_embedded(
        self,
        pending: list[tuple[ParsedDocument, list[Chunk]]],
        vectors: np.ndarray,
        *,
        indexed_at: str,
        per_document: Sequence[StoredDocument] = (),
    ) -> None:
        all_chunks = [chunk for _, chunks in pending for chunk in chunks]
        new_ids = np.array([c.chunk_id for c in all_chunks], dtype=np.int64)
        stamps = [item.indexed_at for item in per_document] or [indexed_at] * len(pending)
        with self._lock:
            try:
                with self._store.write() as conn:
                    self._check_model(conn)
                    before = store.generation(conn)
                    removed: list[int] = []
                    for doc, _ in pending:
                        removed.extend(store.delete_document(conn, doc.doc_id))
                    owners = store.chunk_owners(conn, new_ids.tolist())
                    if owners:
                        chunk_id, owner = next(iter(owners.items()))
                        raise IndexWriteError(
                            f"chunk id {chunk_id} is already used by document {owner}; "
                            "chunk ids must be unique across documents"
                        )
                    offset = 0
                    for (doc, chunks), stamp in zip(pending, stamps, strict=True):
                        store.insert_document(conn, doc, indexed_at=stamp)
                        store.insert_chunks(conn, chunks, vectors[offset : offset + len(chunks)])
                        offset += len(chunks)
                    after = store.bump_generation(conn)
                    store.set_state(conn, "indexed_at", indexed_at)
                    total = store.counts(conn)[2]
            except sqlite3.IntegrityError as error:
                names = ", ".join(doc.doc_id for doc, _ in pending)
                raise IndexWriteError(f"cannot store {names}: {error}") from error
            self._apply(before, after, total, remove=removed, add_ids=new_ids, add=vectors)

    def _vectors_for(
        self, chunks: list[Chunk], batch_size: int, progress: ProgressCallback | None
    ) -> tuple[np.ndarray, int]:
        """Vectors for `chunks`: stored ones reused for unchanged texts, the rest embedded."""
        doc_ids = sorted({c.doc_id for c in chunks})
        with self._store.read() as conn:
            stored = store.stored_vectors_by_text(conn, doc_ids, self.embedder.dimension)
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

    def remove_document(self, doc_id: str) -> bool:
        """Remove a document with its units and chunks; False if it was not indexed."""
        with self._lock:
            with self._store.write() as conn:
                if store.get_document(conn, doc_id) is None:
                    return False
                before = store.generation(conn)
                removed = store.delete_document(conn, doc_id)
                after = store.bump_generation(conn)
                store.set_state(conn, "indexed_at", utc_now())
                total = store.counts(conn)[2]
            empty = np.zeros(0, dtype=np.int64)
            self._apply(
                before,
                after,
                total,
                remove=removed,
                add_ids=empty,
                add=np.zeros((0, self.embedder.dimension), dtype=np.float32),
            )
        return True

    def record_failure(self, path: str, reason: str) -> None:
        """Remember that a file could not be ingested (listed by `status()`)."""
        with self._store.write() as conn:
            store.record_failure(conn, path, reason, utc_now())

    def clear_failures(self, paths: Iterable[str]) -> int:
        with self._store.write() as conn:
            return store.clear_failures(conn, list(paths))

    def _embed(
        self, texts: list[str], batch_size: int, progress: ProgressCallback | None
    ) -> np.ndarray:
        parts = [np.zeros((0, self.embedder.dimension), dtype=np.float32)]
        for start in range(0, len(texts), max(batch_size, 1)):
            parts.append(self.embedder.encode_documents(texts[start : start + batch_size]))
            if progress is not None:
                progress(min(start + batch_size, len(texts)), len(texts))
        return np.vstack(parts)

    def _apply(
        self,
        before: int,
        after: int,
        total: int,
        *,
        remove: list[int],
        add_ids: np.ndarray,
        add: np.ndarray,
    ) -> None:
        """Move the in-memory index to `after` incrementally if it was at `before`, else rebuild."""
        vectors = self._vectors
        if vectors is not None and self._loaded_generation == before:
            vectors.remove(np.array(remove, dtype=np.int64))
            vectors.add(add_ids, add)
            if vectors.ntotal != total:
                log.warning(
                    "in-memory index drifted (%d != %d chunks); rebuilding", vectors.ntotal, total
                )
            elif vectors.needs_rebuild():  # grew past its layout (flat -> IVF, more cells)
                log.info("rebuilding the vector index for %d chunks", total)
            else:
                self._loaded_generation = after
                self._persist()
                return
        self._rebuild()

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
        ids, scores = self._rank(query_vector, k=k, filters=filters)
        return self.hits_for_chunks(ids, scores=scores)

    def rank_vectors(
        self, query_vector: np.ndarray, *, k: int = 10, filters: SearchFilters | None = None
    ) -> tuple[list[int], list[float]]:
        """(chunk ids, scores) `search_vectors` would return, best first, without their texts."""
        return self._rank(query_vector, k=k, filters=filters)

    def _rank(
        self, query_vector: np.ndarray, *, k: int, filters: SearchFilters | None
    ) -> tuple[list[int], list[float]]:
        query = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.embedder.dimension:
            raise ValueError(
                f"query vector has {query.shape[0]} values, index has {self.embedder.dimension}"
            )
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        vectors = self._refresh()
        allowed: np.ndarray | None = None
        if filters is not None and not filters.is_empty:
            with self._store.read() as conn:
                allowed = store.allowed_chunk_ids(conn, filters)
            if len(allowed) == 0:
                return [], []
        with self._lock:
            scores, ids = vectors.search(query, k, allowed_ids=allowed)
        # Equal scores (duplicate texts) are ordered by chunk id, not by FAISS insertion order,
        # so a rebuilt cache ranks exactly like the incrementally updated one.
        order = np.lexsort((ids, -scores))
        return ids[order].tolist(), scores[order].tolist()

    def allowed_chunk_ids(self, filters: SearchFilters) -> set[int]:
        """The chunk ids a search with these filters may return (for retrievers built elsewhere)."""
        with self._store.read() as conn:
            return set(store.allowed_chunk_ids(conn, filters).tolist())

    def hits_for_chunks(
        self, chunk_ids: Sequence[int], *, scores: Sequence[float] | None = None
    ) -> list[Hit]:
        """Hits for these chunk ids in the given order, ranked 1..n; ids that vanished are skipped.

        Without `scores` every score is 0.0 (the caller scores them, e.g. by rank fusion).
        """
        with self._store.read() as conn:
            found = store.hits_by_id(conn, chunk_ids)
        return store.ordered_hits(found, chunk_ids, scores)

    # ---- reads -----------------------------------------------------------------------------

    def generation(self) -> int:
        """Bumped by every committed change; caches built over the chunks compare it."""
        with self._store.read() as conn:
            return store.generation(conn)

    def document_hashes(self) -> dict[str, str]:
        """doc_id -> content_hash of every indexed document, for incremental ingest."""
        with self._store.read() as conn:
            return store.document_hashes(conn)

    def document_sources(self) -> dict[str, str]:
        """doc_id -> source path of every indexed document."""
        with self._store.read() as conn:
            return store.document_sources(conn)

    def set_source_path(self, doc_id: str, source_path: str) -> None:
        """Record where an unchanged document's file is now (no new generation: no vectors
        or texts change)."""
        with self._store.write() as conn:
            store.set_source_path(conn, doc_id, source_path)

    def list_documents(self) -> list[DocumentRecord]:
        with self._store.read() as conn:
            return store.list_documents(conn)

    def get_document(self, doc_id: str) -> DocumentRecord | None:
        with self._store.read() as conn:
            return store.get_document(conn, doc_id)

    def get_unit(self, doc_id: str, eid: str) -> UnitRecord | None:
        with self._store.read() as conn:
            return store.get_unit(conn, doc_id, eid)

    def list_units(self, doc_id: str) -> list[UnitRecord]:
        """A document's units in reading order."""
        with self._store.read() as conn:
            return store.list_units(conn, doc_id)

    def chunk_texts(self) -> list[ChunkText]:
        """(chunk_id, doc_id, text) of every chunk, by document and position."""
        with self._store.read() as conn:
            return [ChunkText(*row) for row in store.iter_chunk_texts(conn)]

    def iter_chunks(self) -> Iterator[ChunkText]:
        yield from self.chunk_texts()  # one snapshot, so the connection closes at once

    def status(self) -> IndexStatus:
        with self._store.read() as conn:
            documents, units, chunks = store.counts(conn)
            dimension = store.int_state(conn, "dimension")
            taxonomy_sha256 = store.get_state(conn, TAXONOMY_STATE)
            return IndexStatus(
                documents=documents,
                units=units,
                chunks=chunks,
                model=store.get_state(conn, "model"),
                dimension=dimension,
                indexed_at=store.get_state(conn, "indexed_at"),
                failures=store.failures(conn),
                taxonomy_sha256=taxonomy_sha256,
                glossary_sha256=store.get_state(conn, GLOSSARY_STATE),
                slots_stale=documents > 0 and taxonomy_sha256 != taxonomy_fingerprint(),
            )

    def verify(self) -> list[str]:
        """Integrity check without repairing anything; returns the problems (empty = OK)."""
        dimension = self.embedder.dimension
        with self._store.read() as conn:
            current = store.generation(conn)
            documents, units, chunks = store.counts(conn)
            problems = store.orphan_problems(conn)
            problems += [
                f"meta.sqlite: {row[0]}"
                for row in conn.execute("PRAGMA quick_check").fetchall()
                if row[0] != "ok"
            ]
            bad = store.bad_vector_blobs(conn, dimension)
            problems += [f"chunk {cid} has a vector of the wrong size" for cid in bad]
            ids, matrix = store.all_vectors(conn, dimension) if not bad else (None, None)
        if ids is not None and matrix is not None and len(ids):
            norms = np.linalg.norm(matrix, axis=1)
            off = int(np.sum(np.abs(norms - 1.0) > 1e-3))
            if off:
                problems.append(f"{off} stored vectors are not unit length")
        manifest = read_manifest(self.path)
        if manifest is None:
            return [*problems, "manifest.json is missing or unreadable"]
        expected = {
            "generation": current,
            "documents": documents,
            "units": units,
            "chunks": chunks,
            "model": self.embedder.name,
            "dimension": dimension,
        }
        for name, value in expected.items():
            if getattr(manifest, name) != value:
                problems.append(
                    f"manifest {name} is {getattr(manifest, name)!r}, expected {value!r}"
                )
        try:
            cached = VectorIndex.load(
                self.path / VECTORS_FILE,
                expected_sha256=manifest.vectors_sha256,
                dimension=dimension,
            )
        except VectorCacheError as error:
            return [*problems, str(error)]
        if ids is not None and matrix is not None:
            problems += _compare_vectors("vectors.faiss", cached, ids, matrix)
            with self._lock:
                if self._vectors is not None and self._loaded_generation == current:
                    problems += _compare_vectors("in-memory index", self._vectors, ids, matrix)
        return problems

    # ---- clause slots (index.slots computes them; stored next to the units) -------------------

    def unit_vectors(self, doc_id: str) -> dict[str, np.ndarray]:
        """eid → unit vector (the normalised mean of its chunks' stored vectors; no embedding)."""
        from index.backend import unit_vectors_from_chunks

        with self._store.read() as conn:
            eids = [unit.eid for unit in store.list_units(conn, doc_id)]
            chunks = store.unit_chunk_vectors(conn, doc_id, self.embedder.dimension)
        return unit_vectors_from_chunks(eids, chunks)

    def stored_document(self, doc_id: str) -> StoredDocument | None:
        """A document with its units, chunks and stored vectors (for `readmit copy`)."""
        with self._store.read() as conn:
            record = store.get_document(conn, doc_id)
            if record is None:
                return None
            units = store.list_units(conn, doc_id)
            rows = store.document_chunks(conn, doc_id, self.embedder.dimension)
        chunks = tuple(chunk for chunk, _ in rows)
        matrix = np.array([vector for _, vector in rows], dtype=np.float32).reshape(
            len(rows), self.embedder.dimension
        )
        return StoredDocument(
            document=parsed_document(record, units),
            chunks=chunks,
            vectors=matrix,
            indexed_at=record.indexed_at,
        )

    def replace_slots(self, doc_id: str, assignments: Sequence[SlotAssignment]) -> None:
        """Store a document's slot assignments (replacing the previous ones) and prune orphans."""
        rows = [(a.eid, a.slot, a.confidence, a.method) for a in assignments]
        with self._store.write() as conn:
            store.replace_slots(conn, doc_id, rows)
            store.prune_slots(conn)

    def slot_assignments(
        self, *, doc_id: str | None = None, slot: str | None = None
    ) -> list[SlotAssignment]:
        """Stored slot assignments of live units, by document and reading order."""
        with self._store.read() as conn:
            return store.slot_rows(conn, doc_id=doc_id, slot=slot)

    def recorded_taxonomy(self) -> str | None:
        """sha256 of the taxonomy the stored slots were computed with (None: not recorded)."""
        with self._store.read() as conn:
            return store.get_state(conn, TAXONOMY_STATE)

    def record_rules(self, *, taxonomy_sha256: str, glossary_sha256: str) -> None:
        """Record which rule files the stored slots and this index's last ingest followed."""
        with self._store.write() as conn:
            store.set_state(conn, TAXONOMY_STATE, taxonomy_sha256)
            store.set_state(conn, GLOSSARY_STATE, glossary_sha256)

    def slot_documents(self) -> set[str]:
        """Documents whose slots have been computed."""
        with self._store.read() as conn:
            return store.slot_documents(conn)


def _model_hint(recorded: str) -> str:
    """How to open the index with its own model: `--model KEY` for a model users can choose,
    else (an index built by a test) leaving --model out."""
    key = embedder_key(recorded)
    if key in {cls.key for cls in EMBEDDERS}:
        return f"use --model {key}"
    return "leave out --model to use the index's own model"


def _remove_orphaned_temp_files(folder: Path) -> None:
    """Temp files of cache/manifest writes that a killed process left behind.

    Called under the file lock, so no live writer is in the middle of writing one.
    """
    for name in (VECTORS_FILE, MANIFEST_FILE):
        for leftover in folder.glob(f".{name}.*.tmp"):
            leftover.unlink(missing_ok=True)


def _compare_vectors(
    label: str, index: VectorIndex, ids: np.ndarray, matrix: np.ndarray
) -> list[str]:
    """Does `index` hold exactly these (id, vector) pairs?"""
    if index.ntotal != len(ids):
        return [f"{label} holds {index.ntotal} vectors, SQLite holds {len(ids)} chunks"]
    cached_ids = index.ids()
    order = np.argsort(cached_ids)
    if not np.array_equal(cached_ids[order], ids):  # `ids` come sorted from SQLite
        missing = len(set(ids.tolist()) - set(cached_ids.tolist()))
        return [f"{label} ids differ from SQLite chunk ids ({missing} chunk ids missing)"]
    if len(ids) and not np.allclose(index.vectors()[order], matrix, atol=1e-6):
        return [f"{label} vectors differ from the vectors stored in SQLite"]
    return []


def _validate(items: Sequence[tuple[ParsedDocument, Sequence[Chunk]]]) -> None:
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
    from ingest.types import DocumentMeta, Unit

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
