"""`SqliteStorage`: the embedded index, one folder (SQLite metadata + vectors, FAISS cache).

Layout of the folder:
    meta.sqlite     source of truth: documents, units, chunks with float32 vectors, failures, state
    vectors.faiss   derived cache of the chunk vectors (rebuilt when stale or corrupt)
    manifest.json   model, dimension, library versions, counts, generation, sha256 of the cache
    verified.json   what open need not check again (index.storage.verified)

The primitives of `index.storage.base.StorageBackend`; what is derived from them (embedding,
validation, hits, status) is in `index.storage.collection`.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

from index.binding import foreign, read_index_id
from index.embedders import Embedder
from index.errors import IndexOpenError, IndexWriteError, VectorCacheError
from index.lock import writer_lock
from index.retrieval.lexical import LEXICAL_FOLDER_PREFIX, saved_folder_problems
from index.storage import sqlite_tables as tables
from index.storage.base import model_mismatch
from index.storage.bookkeeping import SqlBookkeeping
from index.storage.manifest import (
    MANIFEST_FILE,
    Manifest,
    read_manifest,
    runtime_versions,
    utc_now,
    write_manifest,
)
from index.storage.rows import as_vector
from index.storage.vectors import VECTORS_FILE, IndexLayout, VectorIndex
from index.storage.verified import OPEN_CHECKS, QUICK_CHECK, FileIdentity, is_unchanged, verified
from index.storage.verified import record as record_verified
from index.types import (
    ChunkText,
    DocumentRecord,
    Hit,
    SearchFilters,
    StoredDocument,
    UnitRecord,
)
from ingest.types import Chunk

log = logging.getLogger(__name__)

LOCK_FILE = "index.lock"


def recorded_model(path: Path) -> str | None:
    """The model an existing index folder was built with, or None for a new/empty folder."""
    db_path = Path(path) / tables.DB_FILE
    if not db_path.exists():
        return None
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return tables.get_state(conn, "model")
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()


class SqliteStorage:
    """One index folder (see module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._store = tables.MetadataStore(self.path / tables.DB_FILE)
        # Guards the in-memory FAISS index and the generation it reflects.
        self._lock = threading.RLock()
        self._vectors: VectorIndex | None = None
        self._loaded_generation: int | None = None
        self._embedder: Embedder | None = None  # set by open_for
        # Why the last cache write failed (None: it succeeded); the cache is derived, so a
        # failed write is a warning: the next open rebuilds it from SQLite.
        self._cache_write_error: str | None = None
        try:
            self._check_database()
        except IndexOpenError:
            self._store.close()
            raise
        if not self._store.read_only:
            self._store.commit_observer = self

    def __repr__(self) -> str:
        return f"SqliteStorage({str(self.path)!r})"

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def cache_folder(self) -> Path | None:
        return self.path

    @property
    def cache_write_error(self) -> str | None:
        return self._cache_write_error

    def close(self) -> None:
        self._store.close()

    def bookkeeping(self) -> SqlBookkeeping:
        """Source paths, failed files and clause slots in this folder's meta.sqlite."""
        return SqlBookkeeping(read=self._store.read, write=self._store.write, dialect=tables.SQLITE)

    def index_id(self) -> str | None:
        """The random id this database got when first written (index.binding): derived files
        record it, so that another index's files are never taken for this one's."""
        with self._store.read() as conn:
            return read_index_id(conn)

    def writer_lock(self) -> AbstractContextManager[None]:
        """One writer per folder at a time, across processes (an flock; see index.lock)."""
        self._store.require_writable()
        return writer_lock(self.path)

    @property
    def _dimension(self) -> int:
        assert self._embedder is not None, "open_for() first"
        return self._embedder.dimension

    def vector_layout(self) -> dict[str, object]:
        """The FAISS layout in use (flat or IVF, its cells), for benchmarks."""
        return self._refresh().layout.to_json()

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, vectors) of every chunk, by chunk id (for benchmarks' exact baselines)."""
        with self._store.read() as conn:
            return tables.all_vectors(conn, self._dimension)

    # ---- integrity -------------------------------------------------------------------------

    def _check_database(self) -> None:
        """Refuse a damaged meta.sqlite with a clear message instead of failing mid-search.

        Only a file changed since it was last verified is checked (index.storage.verified);
        `problems()` (readmit verify) always checks all of it."""
        index_id = self._readable_index_id()
        if is_unchanged(self.path, tables.DB_FILE, index_id=index_id):
            return
        before = FileIdentity.of(self.path / tables.DB_FILE)
        problems = self._database_problems()
        if problems:
            raise IndexOpenError(
                f"{self.path / tables.DB_FILE} is damaged ({'; '.join(problems[:3])}): "
                "restore it from a backup or re-index into a new folder"
            )
        if not self._store.read_only and FileIdentity.of(self.path / tables.DB_FILE) == before:
            record_verified(self.path, tables.DB_FILE, before, index_id=index_id)

    def _readable_index_id(self) -> str | None:
        try:
            return self.index_id()
        except sqlite3.DatabaseError:
            return None  # a damaged file: the full check below says what is wrong

    def _database_problems(self) -> list[str]:
        OPEN_CHECKS[QUICK_CHECK] += 1
        try:
            with self._store.read() as conn:
                rows = conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as error:
            return [str(error)]
        return [str(row[0]) for row in rows if row[0] != "ok"]

    # `tables.CommitObserver`: a write that starts from a verified file leaves a verified file.
    def before_write(self) -> bool:
        return is_unchanged(self.path, tables.DB_FILE, index_id=self._readable_index_id())

    def after_commit(self, conn: sqlite3.Connection, *, vouched: bool) -> None:
        """Move the committed pages into meta.sqlite now (a checkpoint, as SQLite would do later
        anyway) and record the file as verified: the change is SQLite's own atomic write."""
        if not vouched:
            return
        try:
            busy, frames, moved = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            return
        if busy or frames != moved:
            return  # readers hold older pages: a later checkpoint changes the file, checked then
        index_id = read_index_id(conn)
        identity = FileIdentity.of(self.path / tables.DB_FILE)
        record_verified(self.path, tables.DB_FILE, identity, index_id=index_id)

    # ---- model bookkeeping -----------------------------------------------------------------

    def open_for(self, embedder: Embedder) -> tuple[str | None, int | None]:
        """Record `embedder` in a new index (or one without chunks) and load the FAISS cache.

        An index without chunks holds no vectors, so it may simply switch to our model.
        """
        with self._store.read() as conn:  # the common case needs no write lock
            recorded = tables.get_state(conn, "model")
            dimension = tables.int_state(conn, "dimension")
        if recorded is None or (recorded, dimension) != (embedder.name, embedder.dimension):
            with self._store.write() as conn:
                recorded = tables.get_state(conn, "model")
                dimension = tables.int_state(conn, "dimension")
                same = (recorded, dimension) == (embedder.name, embedder.dimension)
                if recorded is None or (not same and tables.counts(conn)[2] == 0):
                    tables.set_state(conn, "model", embedder.name)
                    tables.set_state(conn, "dimension", str(embedder.dimension))
                    tables.bump_generation(conn)
                    recorded, dimension = embedder.name, embedder.dimension
        if model_mismatch(self.location, recorded, dimension, embedder) is None:
            self._embedder = embedder
            self._refresh()
        return recorded, dimension

    def _check_model(self, conn: sqlite3.Connection) -> None:
        assert self._embedder is not None, "open_for() first"
        error = model_mismatch(
            self.location,
            tables.get_state(conn, "model"),
            tables.int_state(conn, "dimension"),
            self._embedder,
        )
        if error is not None:
            raise error

    # ---- the FAISS cache -------------------------------------------------------------------

    @contextmanager
    def _file_lock(self, *, shared: bool = False) -> Iterator[None]:
        """Across processes: writers of vectors.faiss + manifest.json take it exclusively, readers
        of the pair shared, so that nobody pairs an old manifest with a new cache file."""
        lock_path = self.path / LOCK_FILE
        if self._store.read_only:
            yield  # nobody writes the cache of an index no one can write (index.read_only)
            return
        try:
            opened = open(lock_path, "a+b")  # noqa: SIM115 (closed by the with below)
        except IsADirectoryError:
            raise IndexOpenError(
                f"{lock_path} is not a regular file (a folder): remove it, readmit recreates it"
            ) from None
        with opened as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _refresh(self) -> VectorIndex:
        """The in-memory index for the current generation (another process may have written)."""
        with self._store.read() as conn:
            self._check_model(conn)
            current = tables.generation(conn)
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
            log.warning("index cache refused: %s; rebuilding it from %s", reason, tables.DB_FILE)
        self._rebuild()  # outside the shared lock: _persist takes the exclusive one

    def _load_cache(self) -> str | None:
        """Load vectors.faiss if the manifest vouches for it at the current generation; else
        return why not."""
        dimension = self._dimension
        manifest = read_manifest(self.path)
        with self._store.read() as conn:
            current = tables.generation(conn)
            model = tables.get_state(conn, "model")
            index_id = read_index_id(conn)
        if manifest is None:
            exists = (self.path / MANIFEST_FILE).exists()
            return f"{MANIFEST_FILE} is unreadable" if exists else "no manifest"
        if manifest.generation != current:
            return f"cache is generation {manifest.generation}, database is {current}"
        if manifest.model != model or manifest.dimension != dimension:
            return f"cache was built for {manifest.model}"
        alien = foreign(f"{VECTORS_FILE} with its {MANIFEST_FILE}", manifest.index_id, index_id)
        if alien is not None:
            return alien
        known = verified(self.path, VECTORS_FILE, index_id=index_id)
        try:
            loaded = VectorIndex.load(
                self.path / VECTORS_FILE,
                expected_sha256=manifest.vectors_sha256,
                dimension=dimension,
                layout=IndexLayout.from_json(manifest.vector_index),
                verified=(
                    known.identity
                    if known is not None and known.sha256 == manifest.vectors_sha256
                    else None
                ),
            )
        except VectorCacheError as error:
            return str(error)
        if loaded.checksummed_file is not None and not self._store.read_only:
            record_verified(
                self.path,
                VECTORS_FILE,
                loaded.checksummed_file,
                index_id=index_id,
                sha256=manifest.vectors_sha256,
            )
        if loaded.ntotal != manifest.chunks:
            return f"cache holds {loaded.ntotal} vectors, manifest says {manifest.chunks}"
        if loaded.needs_rebuild():
            return f"a {loaded.layout.kind} index does not suit {loaded.ntotal} vectors"
        self._vectors, self._loaded_generation = loaded, current
        return None

    def _rebuild(self) -> None:
        with self._store.read() as conn:  # one snapshot: vectors and generation agree
            current = tables.generation(conn)
            ids, matrix = tables.all_vectors(conn, self._dimension)
        self._vectors = VectorIndex.build(self._dimension, ids, matrix)
        self._loaded_generation = current
        self._persist()

    def _persist(self) -> None:
        """Write vectors.faiss then manifest.json for the loaded generation, if still current."""
        assert self._vectors is not None and self._embedder is not None
        if self._store.read_only:
            return  # searched from memory; whoever may write the index saves its cache
        with self._file_lock():
            _remove_orphaned_temp_files(self.path)
            on_disk = read_manifest(self.path)
            generation = self._loaded_generation or 0
            if on_disk is not None and on_disk.generation > generation:
                return  # another process already saved a newer state
            with self._store.read() as conn:
                if tables.generation(conn) != generation:
                    return  # the database moved on; whoever moved it saves the cache
                documents, units, chunks = tables.counts(conn)
                indexed_at = tables.get_state(conn, "indexed_at")
                model = tables.get_state(conn, "model")
                index_id = read_index_id(conn)
            manifest = Manifest(
                index_id=index_id,
                model=model,
                dimension=self._dimension,
                generation=generation,
                vectors_sha256="",
                documents=documents,
                units=units,
                chunks=chunks,
                indexed_at=indexed_at,
                versions=runtime_versions() | self._embedder.library_versions(),
                vector_index=self._vectors.layout.to_json(),
            )
            try:
                checksum = self._vectors.save(self.path / VECTORS_FILE)
                write_manifest(self.path, replace(manifest, vectors_sha256=checksum))
                # Checksummed as written, and we hold the exclusive lock: verified as it stands.
                saved = FileIdentity.of(self.path / VECTORS_FILE)
                record_verified(self.path, VECTORS_FILE, saved, index_id=index_id, sha256=checksum)
            except OSError as error:
                self._cache_write_error = error.strerror or str(error)
                log.warning("cannot write the index cache (%s); it will be rebuilt", error)
                return
            self._cache_write_error = None

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

    # ---- writes ----------------------------------------------------------------------------

    def write_documents(self, items: Sequence[StoredDocument]) -> None:
        new_ids = np.array([c.chunk_id for item in items for c in item.chunks], dtype=np.int64)
        vectors = np.vstack(
            [np.zeros((0, self._dimension), dtype=np.float32)]
            + [np.asarray(item.vectors, dtype=np.float32) for item in items]
        )
        with self._lock:
            try:
                with self._store.write() as conn:
                    self._check_model(conn)
                    before = tables.generation(conn)
                    removed: list[int] = []
                    for item in items:
                        removed.extend(tables.delete_document(conn, item.document.doc_id))
                    owners = tables.chunk_owners(conn, new_ids.tolist())
                    if owners:
                        chunk_id, owner = next(iter(owners.items()))
                        raise IndexWriteError(
                            f"chunk id {chunk_id} is already used by document {owner}; "
                            "chunk ids must be unique across documents"
                        )
                    for item in items:
                        tables.insert_document(conn, item.document, indexed_at=item.indexed_at)
                        tables.insert_chunks(conn, item.chunks, item.vectors)
                    after = tables.bump_generation(conn)
                    tables.set_state(conn, "indexed_at", max(item.indexed_at for item in items))
                    total = tables.counts(conn)[2]
            except sqlite3.IntegrityError as error:
                names = ", ".join(item.document.doc_id for item in items)
                raise IndexWriteError(f"cannot store {names}: {error}") from error
            self._apply(before, after, total, remove=removed, add_ids=new_ids, add=vectors)

    def delete_document(self, doc_id: str) -> bool:
        with self._lock:
            with self._store.write() as conn:
                if not tables.documents(conn, doc_id):
                    return False
                before = tables.generation(conn)
                removed = tables.delete_document(conn, doc_id)
                after = tables.bump_generation(conn)
                tables.set_state(conn, "indexed_at", utc_now())
                total = tables.counts(conn)[2]
            self._apply(
                before,
                after,
                total,
                remove=removed,
                add_ids=np.zeros(0, dtype=np.int64),
                add=np.zeros((0, self._dimension), dtype=np.float32),
            )
        return True

    def set_state(self, values: Mapping[str, str]) -> None:
        with self._store.write() as conn:
            for key, value in values.items():
                tables.set_state(conn, key, value)

    # ---- reads -----------------------------------------------------------------------------

    def rank_vectors(
        self, query: np.ndarray, *, k: int, filters: SearchFilters | None
    ) -> tuple[list[int], list[float]]:
        vectors = self._refresh()
        allowed: np.ndarray | None = None
        if filters is not None and not filters.is_empty:
            with self._store.read() as conn:
                allowed = tables.allowed_chunk_ids(conn, filters)
            if len(allowed) == 0:
                return [], []
        with self._lock:
            scores, ids = vectors.search(query, k, allowed_ids=allowed)
        # Equal scores (duplicate texts) are ordered by chunk id, not by FAISS insertion order,
        # so a rebuilt cache ranks exactly like the incrementally updated one.
        order = np.lexsort((ids, -scores))
        return ids[order].tolist(), scores[order].tolist()

    def allowed_chunk_ids(self, filters: SearchFilters) -> set[int]:
        with self._store.read() as conn:
            return set(tables.allowed_chunk_ids(conn, filters).tolist())

    def hits_by_id(self, chunk_ids: Sequence[int]) -> dict[int, Hit]:
        with self._store.read() as conn:
            return tables.hits_by_id(conn, chunk_ids)

    def documents(self, doc_id: str | None = None) -> list[DocumentRecord]:
        with self._store.read() as conn:
            return tables.documents(conn, doc_id)

    def units(self, doc_id: str, eid: str | None = None) -> list[UnitRecord]:
        with self._store.read() as conn:
            return tables.units(conn, doc_id, eid)

    def chunk_texts(self) -> list[ChunkText]:
        with self._store.read() as conn:
            rows = conn.execute("SELECT chunk_id, doc_id, text FROM chunks ORDER BY doc_id, ord")
            return [ChunkText(*row) for row in rows]

    def chunk_vectors(self, doc_ids: Sequence[str]) -> list[tuple[Chunk, np.ndarray | None]]:
        with self._store.read() as conn:
            rows = tables.document_chunks(conn, doc_ids)
        dimension = self._dimension
        return [(chunk, as_vector(blob, dimension)) for chunk, blob in rows]

    def state(self) -> dict[str, str]:
        with self._store.read() as conn:
            return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM state")}

    def problems(self, embedder: Embedder) -> list[str]:
        dimension = embedder.dimension
        damage = [f"meta.sqlite: {problem}" for problem in self._database_problems()]
        if damage:  # the queries below would only fail on the damaged pages
            return damage
        with self._store.read() as conn:
            current = tables.generation(conn)
            documents, units, chunks = tables.counts(conn)
            problems = tables.orphan_problems(conn)
            index_id = read_index_id(conn)
            bad = tables.bad_vector_blobs(conn, dimension)
            problems += [f"chunk {cid} has a vector of the wrong size" for cid in bad]
            ids, matrix = tables.all_vectors(conn, dimension) if not bad else (None, None)
        if ids is not None and matrix is not None and len(ids):
            norms = np.linalg.norm(matrix, axis=1)
            off = int(np.sum(np.abs(norms - 1.0) > 1e-3))
            if off:
                problems.append(f"{off} stored vectors are not unit length")
        if ids is not None:
            bm25 = self.path / f"{LEXICAL_FOLDER_PREFIX}{current}"
            if os.path.lexists(bm25):  # saved by the ingest (or the first search) of `current`
                problems += saved_folder_problems(
                    bm25, generation=current, index_id=index_id, chunk_ids=ids
                )
        manifest = read_manifest(self.path)
        if manifest is None:
            return [*problems, "manifest.json is missing or unreadable"]
        alien = foreign(f"{VECTORS_FILE} with its {MANIFEST_FILE}", manifest.index_id, index_id)
        if alien is not None:
            problems.append(alien)
        expected = {
            "generation": current,
            "documents": documents,
            "units": units,
            "chunks": chunks,
            "model": embedder.name,
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
