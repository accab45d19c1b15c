"""`PgCollection`: the server-mode index in PostgreSQL with pgvector (see index.backend).

- Every write (one ingest batch, one removal) is one transaction under a transaction-level
  advisory lock, so readers, who read in REPEATABLE READ snapshots, see a document's old or new
  version, never a mix; `generation` in `state` grows with every commit.
- The vector search is one SQL query: the filters are its WHERE clause and the HNSW index scan
  is iterative (pgvector 0.8 `hnsw.iterative_scan`), so a filter never empties the top k.
- `writer_lock()` is a session-level advisory lock: it works across machines, and the server
  drops it when the holder's connection ends (a killed ingest never leaves a stale lock).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from psycopg_pool import ConnectionPool

from index import pg_schema, store
from index.collection import GLOSSARY_STATE, TAXONOMY_STATE
from index.embedders import Embedder, embedder_key
from index.errors import IndexOpenError, IndexWriteError, ModelMismatchError
from index.lock import IndexBusyError
from index.manifest import runtime_versions, utc_now
from index.store import SLOT_FILTER_MIN_CONFIDENCE, UNIT_SELECT, unit_record
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
from ingest.taxonomy import taxonomy_fingerprint
from ingest.types import Chunk, ParsedDocument, document_kind, instrument_types_of_kinds

# Candidates the HNSW graph search keeps (pgvector's default is 40); the iterative scan goes
# on past it when filters drop rows.
EF_SEARCH = 200
_HIT_COLUMNS = """
    c.chunk_id, c.doc_id, d.title, c.part, c.article, c.heading, c.eid,
    c.page_start, c.page_end, d.language, c.text, d.instrument_type
"""
_DOCUMENT_COLUMNS = """
    d.doc_id, d.title, d.language, d.instrument_type, d.parties, d.year, d.date_signed,
    d.place_signed, d.official_reference, d.source_url, d.licence, d.original_title,
    d.source_path, d.content_hash, d.page_count, d.has_pages, d.indexed_at,
    (SELECT count(*) FROM units u WHERE u.doc_id = d.doc_id),
    (SELECT count(*) FROM chunks c WHERE c.doc_id = d.doc_id),
    d.visibility
"""


def redact_url(url: str) -> str:
    """The URL without its password, for messages and the app."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def _connect_error(url: str, error: Exception) -> IndexOpenError:
    return IndexOpenError(f"cannot open the index at {redact_url(url)}: {error}".strip())


def recorded_model(url: str) -> str | None:
    """The model a server index was built with, or None for a new or empty database."""
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            exists = conn.execute("SELECT to_regclass('state') IS NOT NULL").fetchone()
            if not exists or not exists[0]:
                return None
            row = conn.execute("SELECT value FROM state WHERE key = 'model'").fetchone()
            return None if row is None else str(row[0])
    except psycopg.Error as error:
        raise _connect_error(url, error) from error


class PgCollection:
    """A searchable set of parsed documents in one PostgreSQL database (see module docstring)."""

    def __init__(self, url: str, *, embedder: Embedder) -> None:
        self.url = url
        self.embedder = embedder
        self.cache_write_error: str | None = None  # no derived cache on the server
        self._create_schema()
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=8,
            kwargs={"autocommit": True},
            configure=register_vector,
            open=False,
            name="readmit-index",
            # A connection that died while idle in the pool (the server restarted) is replaced
            # before it is handed out, so the first call after an outage does not fail on it.
            check=ConnectionPool.check_connection,
        )
        try:
            self._pool.open(wait=True, timeout=30)
        except psycopg.Error as error:
            raise _connect_error(url, error) from error
        self._claim_model()

    def __repr__(self) -> str:
        return f"PgCollection({redact_url(self.url)!r}, embedder={self.embedder!r})"

    def __enter__(self) -> PgCollection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def location(self) -> str:
        return redact_url(self.url)

    def close(self) -> None:
        self._pool.close()

    # ---- schema and model ----------------------------------------------------------------------

    def _create_schema(self) -> None:
        """Create the tables (once, under a lock), or refuse a schema of another version."""
        try:
            with (
                psycopg.connect(self.url, autocommit=True, connect_timeout=10) as conn,
                conn.transaction(),
            ):
                conn.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)",
                    (pg_schema.LOCK_NAMESPACE, pg_schema.SCHEMA_LOCK),
                )
                has_vector = conn.execute(
                    "SELECT 1 FROM pg_extension WHERE extname = 'vector'"
                ).fetchone()
                if not has_vector:
                    conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                version = self._schema_version(conn)
                if version not in (None, pg_schema.PG_SCHEMA_VERSION):
                    raise IndexOpenError(
                        f"{redact_url(self.url)}: index schema version {version}, this "
                        f"readmit reads {pg_schema.PG_SCHEMA_VERSION} — copy the index into "
                        "a new database with a matching readmit"
                    )
                if version is None or not self._schema_complete(conn):
                    script = pg_schema.TABLES.format(dimension=self.embedder.dimension)
                    for statement in pg_schema.statements(script):
                        conn.execute(statement)
                if version is None:
                    self._set_state(conn, "schema_version", pg_schema.PG_SCHEMA_VERSION)
                    self._set_state(conn, "generation", "0")
        except psycopg.errors.InsufficientPrivilege as error:
            raise IndexOpenError(
                f"{redact_url(self.url)}: the pgvector extension is not installed in this "
                f"database and this user may not create it ({error}); run "
                "CREATE EXTENSION vector as the database owner"
            ) from error
        except psycopg.Error as error:
            raise _connect_error(self.url, error) from error

    @staticmethod
    def _schema_complete(conn: psycopg.Connection[Any]) -> bool:
        """Every table, index and added column is there (so opening needs no DDL and no lock)."""
        relations = [*pg_schema.EXPECTED_TABLES, *pg_schema.EXPECTED_INDEXES]
        missing = conn.execute(pg_schema.MISSING_OBJECTS, {"relations": relations}).fetchone()
        tables = [table for table, _ in pg_schema.ADDED_COLUMNS]
        columns = [column for _, column in pg_schema.ADDED_COLUMNS]
        absent = conn.execute(
            pg_schema.MISSING_COLUMNS, {"tables": tables, "columns": columns}
        ).fetchone()
        return bool(missing and absent and missing[0] == 0 and absent[0] == 0)

    @staticmethod
    def _schema_version(conn: psycopg.Connection[Any]) -> str | None:
        row = conn.execute("SELECT to_regclass('state') IS NOT NULL").fetchone()
        if not row or not row[0]:
            return None
        found = conn.execute("SELECT value FROM state WHERE key = 'schema_version'").fetchone()
        return None if found is None else str(found[0])

    @staticmethod
    def _get_state(conn: psycopg.Connection[Any], key: str) -> str | None:
        row = conn.execute("SELECT value FROM state WHERE key = %s", (key,)).fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def _set_state(conn: psycopg.Connection[Any], key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO state (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def _generation(self, conn: psycopg.Connection[Any]) -> int:
        value = self._get_state(conn, "generation") or "0"
        if not value.isdigit():
            raise IndexOpenError(f"{self.location}: generation {value!r} is not a number")
        return int(value)

    def _bump_generation(self, conn: psycopg.Connection[Any]) -> int:
        new = self._generation(conn) + 1
        self._set_state(conn, "generation", str(new))
        return new

    def _mismatch(self, recorded: str | None, dimension: str | None) -> ModelMismatchError | None:
        wanted = self.embedder.name
        if recorded is not None and recorded != wanted:
            return ModelMismatchError(
                f"index at {self.location} was built with {recorded}; you asked for {wanted} "
                f"— re-index or use --model {embedder_key(recorded)}"
            )
        if dimension is not None and dimension != str(self.embedder.dimension):
            return ModelMismatchError(
                f"index at {self.location} holds {dimension}-d vectors; {wanted} makes "
                f"{self.embedder.dimension}-d vectors — re-index"
            )
        return None

    def _claim_model(self) -> None:
        """Record our model in a new index; refuse an index built with another model.

        An index without chunks may switch model (its vector column changes dimension)."""
        with self._write() as conn:
            recorded = self._get_state(conn, "model")
            dimension = self._get_state(conn, "dimension")
            error = self._mismatch(recorded, dimension)
            if error is None and recorded is not None:
                return
            if error is not None:
                row = conn.execute("SELECT count(*) FROM chunks").fetchone()
                if row and row[0]:
                    raise error
                conn.execute("DROP INDEX IF EXISTS chunks_vector_hnsw")
                conn.execute(
                    "ALTER TABLE chunks ALTER COLUMN vector TYPE "  # dimension is an int
                    f"vector({int(self.embedder.dimension)})"
                )
                conn.execute(
                    "CREATE INDEX chunks_vector_hnsw ON chunks USING hnsw (vector vector_ip_ops)"
                )
            self._set_state(conn, "model", self.embedder.name)
            self._set_state(conn, "dimension", str(self.embedder.dimension))
            self._bump_generation(conn)

    def _check_model(self, conn: psycopg.Connection[Any]) -> None:
        error = self._mismatch(self._get_state(conn, "model"), self._get_state(conn, "dimension"))
        if error is not None:
            raise error

    # ---- transactions ----------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[psycopg.Connection[Any]]:
        """A read-only REPEATABLE READ transaction: one consistent snapshot for all its queries."""
        with self._pool.connection() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield conn
            finally:
                conn.execute("ROLLBACK")

    @contextmanager
    def _write(self) -> Iterator[psycopg.Connection[Any]]:
        """A write transaction; the advisory lock orders writers (no lost generation bumps)."""
        with self._pool.connection() as conn:
            conn.execute("BEGIN")
            try:
                conn.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)",
                    (pg_schema.LOCK_NAMESPACE, pg_schema.WRITE_LOCK),
                )
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Hold the index's writer lock (across machines), or raise IndexBusyError at once."""
        with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as conn:
            key = (pg_schema.LOCK_NAMESPACE, pg_schema.RUN_LOCK)
            row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", key).fetchone()
            if not row or not row[0]:
                holder = conn.execute(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND classid = %s::oid AND objid = %s::oid LIMIT 1",
                    ((pg_schema.LOCK_NAMESPACE), pg_schema.RUN_LOCK),
                ).fetchone()
                raise IndexBusyError(self.location, None if holder is None else int(holder[0]))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s, %s)", key)

    # ---- writes ----------------------------------------------------------------------------

    def upsert_document(
        self, doc: ParsedDocument, chunks: Sequence[Chunk], *, batch_size: int = 64
    ) -> int:
        """Embed `chunks` and replace everything stored for `doc.doc_id` in one transaction."""
        return self.upsert_documents([(doc, chunks)], batch_size=batch_size)

    def upsert_documents(
        self,
        items: Iterable[tuple[ParsedDocument, Sequence[Chunk]]],
        *,
        batch_size: int = 64,
        progress: Any = None,
    ) -> int:
        """Embed in batches across documents, then write them all in ONE transaction."""
        from index.collection import _validate

        pending = [(doc, list(chunks)) for doc, chunks in items]
        if not pending:
            return 0
        _validate(pending)
        with self._read() as conn:
            self._check_model(conn)
        all_chunks = [c for _, chunks in pending for c in chunks]
        # A chunk whose text is already stored for its document keeps its vector (as the
        # embedded index: a corrected article re-embeds only its own chunks).
        reused = self._reusable_vectors(all_chunks)
        fresh = [c for c in all_chunks if (c.doc_id, c.text) not in reused]
        texts = [c.text for c in fresh]
        parts = [np.zeros((0, self.embedder.dimension), dtype=np.float32)]
        for start in range(0, len(texts), max(batch_size, 1)):
            parts.append(self.embedder.encode_documents(texts[start : start + batch_size]))
            if progress is not None:
                progress(min(start + batch_size, len(texts)), len(texts))
        embedded = np.vstack(parts)
        by_text = dict(reused)
        by_text.update({(c.doc_id, c.text): embedded[i] for i, c in enumerate(fresh)})
        vectors = np.vstack(
            [np.zeros((0, self.embedder.dimension), dtype=np.float32)]
            + [by_text[(c.doc_id, c.text)].reshape(1, -1) for c in all_chunks]
        ).astype(np.float32, copy=False)
        stamp = utc_now()
        self._write_embedded(pending, vectors, [stamp] * len(pending))
        return len(fresh)

    def _reusable_vectors(self, chunks: Sequence[Chunk]) -> dict[tuple[str, str], np.ndarray]:
        """Stored vectors of these documents by (doc_id, text): the same text embeds the same."""
        doc_ids = sorted({chunk.doc_id for chunk in chunks})
        if not doc_ids:
            return {}
        with self._read() as conn:
            rows = conn.execute(
                "SELECT doc_id, text, vector FROM chunks WHERE doc_id = ANY(%s)", (doc_ids,)
            ).fetchall()
        dimension = self.embedder.dimension
        found: dict[tuple[str, str], np.ndarray] = {}
        for doc_id, text, vector in rows:
            array = _as_array(vector)
            if array.shape == (dimension,):
                found[(doc_id, text)] = array
        return found

    def upsert_stored(self, items: Sequence[StoredDocument]) -> int:
        """Write documents with the vectors they already have (from another index)."""
        from index.collection import _validate

        pending = [(item.document, list(item.chunks)) for item in items]
        if not pending:
            return 0
        _validate(pending)
        dimension = self.embedder.dimension
        vectors = np.vstack(
            [np.zeros((0, dimension), dtype=np.float32)]
            + [np.asarray(item.vectors, dtype=np.float32).reshape(-1, dimension) for item in items]
        )
        self._write_embedded(pending, vectors, [item.indexed_at for item in items])
        return len(vectors)

    def _write_embedded(
        self,
        pending: list[tuple[ParsedDocument, list[Chunk]]],
        vectors: np.ndarray,
        stamps: list[str],
    ) -> None:
        all_ids = [c.chunk_id for _, chunks in pending for c in chunks]
        try:
            with self._write() as conn:
                self._check_model(conn)
                doc_ids = [doc.doc_id for doc, _ in pending]
                self._delete_documents(conn, doc_ids)
                owner = conn.execute(
                    "SELECT chunk_id, doc_id FROM chunks WHERE chunk_id = ANY(%s) LIMIT 1",
                    (all_ids,),
                ).fetchone()
                if owner is not None:
                    raise IndexWriteError(
                        f"chunk id {owner[0]} is already used by document {owner[1]}; "
                        "chunk ids must be unique across documents"
                    )
                offset = 0
                for (doc, chunks), stamp in zip(pending, stamps, strict=True):
                    self._insert_document(conn, doc, stamp)
                    self._insert_chunks(conn, chunks, vectors[offset : offset + len(chunks)])
                    offset += len(chunks)
                self._bump_generation(conn)
                self._set_state(conn, "indexed_at", max(stamps))
                self._record_facts(conn)
        except psycopg.errors.IntegrityError as error:
            names = ", ".join(doc.doc_id for doc, _ in pending)
            raise IndexWriteError(f"cannot store {names}: {error}") from error

    def _record_facts(self, conn: psycopg.Connection[Any]) -> None:
        """The facts the embedded index keeps in manifest.json (counts, library versions)."""
        documents, units, chunks = self._counts(conn)
        self._set_state(conn, "documents", str(documents))
        self._set_state(conn, "units", str(units))
        self._set_state(conn, "chunks", str(chunks))
        versions = runtime_versions() | self.embedder.library_versions()
        self._set_state(conn, "versions", json.dumps(versions, sort_keys=True))

    @staticmethod
    def _delete_documents(conn: psycopg.Connection[Any], doc_ids: list[str]) -> None:
        conn.execute("DELETE FROM chunks WHERE doc_id = ANY(%s)", (doc_ids,))
        conn.execute("DELETE FROM slots WHERE doc_id = ANY(%s)", (doc_ids,))
        conn.execute("DELETE FROM units WHERE doc_id = ANY(%s)", (doc_ids,))
        conn.execute("DELETE FROM documents WHERE doc_id = ANY(%s)", (doc_ids,))

    @staticmethod
    def _insert_document(conn: psycopg.Connection[Any], doc: ParsedDocument, stamp: str) -> None:
        conn.execute(
            store.insert_sql("documents", store.DOCUMENT_COLUMNS, "%s"),
            store.document_row(doc, indexed_at=stamp),
        )
        with conn.cursor() as cur:
            cur.executemany(
                store.insert_sql("units", store.UNIT_COLUMNS, "%s"), store.unit_rows(doc)
            )

    @staticmethod
    def _insert_chunks(
        conn: psycopg.Connection[Any], chunks: Sequence[Chunk], vectors: np.ndarray
    ) -> None:
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO chunks (chunk_id, doc_id, eid, part, article, heading, text, seq, "
                "ord, page_start, page_end, vector) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        c.chunk_id,
                        c.doc_id,
                        c.eid,
                        c.part,
                        c.article,
                        c.heading,
                        c.text,
                        c.seq,
                        i,
                        c.page_start,
                        c.page_end,
                        matrix[i],
                    )
                    for i, c in enumerate(chunks)
                ],
            )

    def remove_document(self, doc_id: str) -> bool:
        with self._write() as conn:
            found = conn.execute("SELECT 1 FROM documents WHERE doc_id = %s", (doc_id,))
            if found.fetchone() is None:
                return False
            self._delete_documents(conn, [doc_id])
            self._bump_generation(conn)
            self._set_state(conn, "indexed_at", utc_now())
            self._record_facts(conn)
        return True

    def record_failure(self, path: str, reason: str) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO failures (path, reason, at) VALUES (%s, %s, %s) "
                "ON CONFLICT (path) DO UPDATE SET reason = excluded.reason, at = excluded.at",
                (path, reason, utc_now()),
            )

    def clear_failures(self, paths: Iterable[str]) -> int:
        wanted = list(paths)
        if not wanted:
            return 0
        with self._write() as conn:
            cursor = conn.execute("DELETE FROM failures WHERE path = ANY(%s)", (wanted,))
            return max(cursor.rowcount, 0)

    def replace_slots(self, doc_id: str, assignments: Sequence[SlotAssignment]) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM slots WHERE doc_id = %s", (doc_id,))
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO slots (doc_id, eid, slot, confidence, method) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [(doc_id, a.eid, a.slot, float(a.confidence), a.method) for a in assignments],
                )
            conn.execute(
                "DELETE FROM slots s WHERE NOT EXISTS "
                "(SELECT 1 FROM units u WHERE u.doc_id = s.doc_id AND u.eid = s.eid)"
            )

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
        """One SQL query: filters in its WHERE clause, ranked by inner product (HNSW)."""
        query = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        if query.shape[0] != self.embedder.dimension:
            raise ValueError(
                f"query vector has {query.shape[0]} values, index has {self.embedder.dimension}"
            )
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        where, params = filter_sql(filters or SearchFilters())
        with self._read() as conn:
            self._check_model(conn)
            conn.execute(f"SET LOCAL hnsw.ef_search = {max(EF_SEARCH, min(k * 2, 1000))}")
            conn.execute("SET LOCAL hnsw.iterative_scan = strict_order")
            rows = conn.execute(
                f"SELECT {_HIT_COLUMNS}, -(c.vector <#> %s) AS score "
                f"FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE {where} "
                "ORDER BY c.vector <#> %s LIMIT %s",
                [query, *params, query, k],
            ).fetchall()
        # Equal scores are ordered by chunk id, as in the embedded backend.
        rows.sort(key=lambda row: (-float(row[12]), int(row[0])))
        return [
            replace(_hit(row), rank=rank, score=float(row[12]))
            for rank, row in enumerate(rows, start=1)
        ]

    def rank_vectors(
        self, query_vector: np.ndarray, *, k: int = 10, filters: SearchFilters | None = None
    ) -> tuple[list[int], list[float]]:
        """(chunk ids, scores) `search_vectors` would return, best first."""
        hits = self.search_vectors(query_vector, k=k, filters=filters)
        return [hit.chunk_id for hit in hits], [hit.score for hit in hits]

    def allowed_chunk_ids(self, filters: SearchFilters) -> set[int]:
        where, params = filter_sql(filters)
        with self._read() as conn:
            rows = conn.execute(
                "SELECT c.chunk_id FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                f"WHERE {where}",
                params,
            ).fetchall()
        return {int(row[0]) for row in rows}

    def hits_for_chunks(
        self, chunk_ids: Sequence[int], *, scores: Sequence[float] | None = None
    ) -> list[Hit]:
        """Hits for these chunk ids in the given order, ranked 1..n; vanished ids are skipped."""
        wanted = [int(i) for i in chunk_ids]
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_HIT_COLUMNS} FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                "WHERE c.chunk_id = ANY(%s)",
                (wanted,),
            ).fetchall()
        found = {int(row[0]): _hit(row) for row in rows}
        return store.ordered_hits(found, wanted, scores)

    def fulltext_search(
        self, words: Sequence[str], *, k: int, allowed: set[int] | None = None
    ) -> list[tuple[int, float]]:
        """PostgreSQL full-text search (the alternative to per-process BM25 that
        docs/search-quality.md measures): each chunk parsed with its document's language
        configuration, the words searched in all four, ranked by ts_rank_cd; (chunk id, score).
        """
        cleaned = [w for w in (re.sub(r"[^\w]", "", word) for word in words) if w]
        if not cleaned:
            return []
        terms = " | ".join(dict.fromkeys(cleaned))
        where, params = "TRUE", []
        if allowed is not None:
            where, params = "c.chunk_id = ANY(%s)", [sorted(allowed)]
        config = (
            "CASE d.language WHEN 'en' THEN 'english'::regconfig WHEN 'nl' THEN 'dutch'::regconfig "
            "WHEN 'fr' THEN 'french'::regconfig WHEN 'de' THEN 'german'::regconfig "
            "ELSE 'simple'::regconfig END"
        )
        with self._read() as conn:
            rows = conn.execute(
                f"WITH q AS (SELECT to_tsquery('english', %s) || to_tsquery('dutch', %s) "
                f"|| to_tsquery('french', %s) || to_tsquery('german', %s) AS query) "
                f"SELECT c.chunk_id, ts_rank_cd(to_tsvector({config}, c.text), q.query) AS score "
                f"FROM chunks c JOIN documents d ON d.doc_id = c.doc_id, q "
                f"WHERE to_tsvector({config}, c.text) @@ q.query AND {where} "
                "ORDER BY score DESC, c.chunk_id LIMIT %s",
                [terms, terms, terms, terms, *params, k],
            ).fetchall()
        return [(int(chunk_id), float(score)) for chunk_id, score in rows]

    # ---- reads -----------------------------------------------------------------------------

    def generation(self) -> int:
        with self._read() as conn:
            return self._generation(conn)

    def document_hashes(self) -> dict[str, str]:
        with self._read() as conn:
            rows = conn.execute("SELECT doc_id, content_hash FROM documents").fetchall()
        return {str(a): str(b) for a, b in rows}

    def document_sources(self) -> dict[str, str]:
        with self._read() as conn:
            rows = conn.execute("SELECT doc_id, source_path FROM documents").fetchall()
        return {str(a): str(b) for a, b in rows}

    def set_source_path(self, doc_id: str, source_path: str) -> None:
        """Where an unchanged document's file is now (no new generation: nothing searchable
        changes)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE documents SET source_path = %s WHERE doc_id = %s", (source_path, doc_id)
            )

    def recorded_taxonomy(self) -> str | None:
        with self._read() as conn:
            return self._get_state(conn, TAXONOMY_STATE)

    def record_rules(self, *, taxonomy_sha256: str, glossary_sha256: str) -> None:
        with self._write() as conn:
            self._set_state(conn, TAXONOMY_STATE, taxonomy_sha256)
            self._set_state(conn, GLOSSARY_STATE, glossary_sha256)

    def list_documents(self) -> list[DocumentRecord]:
        with self._read() as conn:
            rows = conn.execute(
                f'SELECT {_DOCUMENT_COLUMNS} FROM documents d ORDER BY d.doc_id COLLATE "C"'
            ).fetchall()
        return [_document(row) for row in rows]

    def get_document(self, doc_id: str) -> DocumentRecord | None:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_DOCUMENT_COLUMNS} FROM documents d WHERE d.doc_id = %s", (doc_id,)
            ).fetchone()
        return None if row is None else _document(row)

    def get_unit(self, doc_id: str, eid: str) -> UnitRecord | None:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {UNIT_SELECT} FROM units WHERE doc_id = %s AND eid = %s", (doc_id, eid)
            ).fetchone()
        return None if row is None else unit_record(row)

    def list_units(self, doc_id: str) -> list[UnitRecord]:
        with self._read() as conn:
            rows = conn.execute(
                f'SELECT {UNIT_SELECT} FROM units WHERE doc_id = %s ORDER BY ord, eid COLLATE "C"',
                (doc_id,),
            ).fetchall()
        return [unit_record(row) for row in rows]

    def chunk_texts(self) -> list[ChunkText]:
        with self._read() as conn:
            rows = conn.execute(
                'SELECT chunk_id, doc_id, text FROM chunks ORDER BY doc_id COLLATE "C", ord'
            ).fetchall()
        return [ChunkText(int(a), str(b), str(c)) for a, b, c in rows]

    def iter_chunks(self) -> Iterator[ChunkText]:
        yield from self.chunk_texts()

    @staticmethod
    def _counts(conn: psycopg.Connection[Any]) -> tuple[int, int, int]:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM units), "
            "(SELECT count(*) FROM chunks)"
        ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])

    def status(self) -> IndexStatus:
        with self._read() as conn:
            documents, units, chunks = self._counts(conn)
            dimension = self._get_state(conn, "dimension")
            failures = conn.execute(
                'SELECT path, reason FROM failures ORDER BY path COLLATE "C"'
            ).fetchall()
            taxonomy_sha256 = self._get_state(conn, TAXONOMY_STATE)
            return IndexStatus(
                documents=documents,
                units=units,
                chunks=chunks,
                model=self._get_state(conn, "model"),
                dimension=int(dimension) if dimension and dimension.isdigit() else None,
                indexed_at=self._get_state(conn, "indexed_at"),
                failures=tuple((str(p), str(r)) for p, r in failures),
                taxonomy_sha256=taxonomy_sha256,
                glossary_sha256=self._get_state(conn, GLOSSARY_STATE),
                slots_stale=documents > 0 and taxonomy_sha256 != taxonomy_fingerprint(),
            )

    def verify(self) -> list[str]:
        """Integrity check without repairing anything; returns the problems (empty = OK)."""
        problems: list[str] = []
        with self._read() as conn:
            counts = dict(zip(("documents", "units", "chunks"), self._counts(conn), strict=True))
            for name, value in counts.items():
                recorded = self._get_state(conn, name)
                if recorded is not None and recorded != str(value):
                    problems.append(f"state {name} is {recorded}, the tables hold {value}")
            for chunk_id, doc_id in conn.execute(
                "SELECT chunk_id, doc_id FROM chunks c WHERE NOT EXISTS "
                "(SELECT 1 FROM documents d WHERE d.doc_id = c.doc_id)"
            ).fetchall():
                problems.append(f"chunk {chunk_id} belongs to missing document {doc_id}")
            for chunk_id, doc_id, eid in conn.execute(
                "SELECT chunk_id, doc_id, eid FROM chunks c WHERE NOT EXISTS "
                "(SELECT 1 FROM units u WHERE u.doc_id = c.doc_id AND (u.eid = c.eid "
                " OR left(c.eid, length(u.eid) + 2) = u.eid || '__'))"
            ).fetchall():
                problems.append(f"chunk {chunk_id} of {doc_id} points to missing unit {eid}")
            off = conn.execute(
                "SELECT count(*) FROM chunks WHERE abs(vector_norm(vector) - 1.0) > 1e-3"
            ).fetchone()
            if off and off[0]:
                problems.append(f"{off[0]} stored vectors are not unit length")
            hnsw = conn.execute("SELECT to_regclass('chunks_vector_hnsw') IS NOT NULL").fetchone()
            if not hnsw or not hnsw[0]:
                problems.append("the HNSW index chunks_vector_hnsw is missing")
            if self._get_state(conn, "model") != self.embedder.name:
                problems.append(f"state model is {self._get_state(conn, 'model')!r}")
        return problems

    def stored_document(self, doc_id: str) -> StoredDocument | None:
        from index.collection import parsed_document

        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_DOCUMENT_COLUMNS} FROM documents d WHERE d.doc_id = %s", (doc_id,)
            ).fetchone()
            if row is None:
                return None
            record = _document(row)
            units = [
                unit_record(r)
                for r in conn.execute(
                    f"SELECT {UNIT_SELECT} FROM units WHERE doc_id = %s "
                    'ORDER BY ord, eid COLLATE "C"',
                    (doc_id,),
                ).fetchall()
            ]
            rows = conn.execute(
                "SELECT chunk_id, doc_id, eid, part, article, heading, text, seq, page_start, "
                "page_end, vector FROM chunks WHERE doc_id = %s ORDER BY ord",
                (doc_id,),
            ).fetchall()
        chunks = tuple(
            Chunk(
                chunk_id=int(r[0]),
                doc_id=r[1],
                eid=r[2],
                part=r[3],
                article=r[4],
                heading=r[5],
                text=r[6],
                seq=int(r[7]),
                page_start=r[8],
                page_end=r[9],
            )
            for r in rows
        )
        matrix = np.array([_as_array(r[10]) for r in rows], dtype=np.float32)
        return StoredDocument(
            document=parsed_document(record, units),
            chunks=chunks,
            vectors=matrix.reshape(len(rows), self.embedder.dimension),
            indexed_at=record.indexed_at,
        )

    def unit_vectors(self, doc_id: str) -> dict[str, np.ndarray]:
        from index.backend import unit_vectors_from_chunks

        with self._read() as conn:
            eids = [
                str(r[0])
                for r in conn.execute(
                    "SELECT eid FROM units WHERE doc_id = %s", (doc_id,)
                ).fetchall()
            ]
            rows = conn.execute(
                "SELECT eid, vector FROM chunks WHERE doc_id = %s ORDER BY ord", (doc_id,)
            ).fetchall()
        return unit_vectors_from_chunks(eids, ((str(eid), _as_array(v)) for eid, v in rows))

    def slot_assignments(
        self, *, doc_id: str | None = None, slot: str | None = None
    ) -> list[SlotAssignment]:
        clauses, params = ["TRUE"], []
        if doc_id is not None:
            clauses.append("s.doc_id = %s")
            params.append(doc_id)
        if slot is not None:
            clauses.append("s.slot = %s")
            params.append(slot)
        with self._read() as conn:
            rows = conn.execute(
                "SELECT s.doc_id, s.eid, s.slot, s.confidence, s.method FROM slots s "
                "JOIN units u ON u.doc_id = s.doc_id AND u.eid = s.eid "
                f"WHERE {' AND '.join(clauses)} "
                'ORDER BY s.doc_id COLLATE "C", u.ord, s.slot COLLATE "C"',
                params,
            ).fetchall()
        return [SlotAssignment(str(a), str(b), str(c), float(d), str(e)) for a, b, c, d, e in rows]

    def slot_documents(self) -> set[str]:
        with self._read() as conn:
            rows = conn.execute("SELECT DISTINCT doc_id FROM slots").fetchall()
        return {str(r[0]) for r in rows}


def filter_sql(filters: SearchFilters) -> tuple[str, list[object]]:
    """The WHERE clause over `chunks c JOIN documents d` (semantics as index.store.filter_sql)."""
    clauses: list[str] = []
    params: list[object] = []

    def any_of(column: str, values: Sequence[str], *, fold: bool) -> None:
        expr = f"lower({column})" if fold else column
        clauses.append(f"{expr} = ANY(%s)")
        params.append([v.lower() if fold else v for v in values])

    if filters.doc_ids:
        any_of("d.doc_id", filters.doc_ids, fold=False)
    if filters.languages:
        any_of("d.language", filters.languages, fold=True)
    if filters.parts:
        any_of("c.part", filters.parts, fold=True)
    if filters.instrument_types:
        any_of("d.instrument_type", filters.instrument_types, fold=True)
    if filters.kinds:  # a kind is a set of instrument types (as index.store.filter_sql)
        any_of("d.instrument_type", instrument_types_of_kinds(filters.kinds) or ("",), fold=True)
    if filters.parties:
        clauses.append(
            "EXISTS (SELECT 1 FROM jsonb_array_elements_text(d.parties) p WHERE lower(p) = ANY(%s))"
        )
        params.append([p.lower() for p in filters.parties])
    if filters.year_from is not None:
        clauses.append("d.year >= %s")
        params.append(filters.year_from)
    if filters.year_to is not None:
        clauses.append("d.year <= %s")
        params.append(filters.year_to)
    if filters.visible_groups is not None:
        # Public, or restricted to one of the viewer's groups (as index.store.visibility_sql).
        clauses.append("(d.visibility = '[]'::jsonb OR d.visibility ?| %s::text[])")
        params.append(list(filters.visible_groups))
    if filters.slots:
        clauses.append(
            "EXISTS (SELECT 1 FROM slots s WHERE s.doc_id = c.doc_id "
            "AND (c.eid = s.eid OR left(c.eid, length(s.eid) + 2) = s.eid || '__') "
            "AND s.slot = ANY(%s) AND s.confidence >= %s)"
        )
        params.append(list(filters.slots))
        params.append(SLOT_FILTER_MIN_CONFIDENCE)
    return (" AND ".join(clauses) or "TRUE"), params


def _as_array(value: Any) -> np.ndarray:
    """A vector column's value (pgvector's Vector, or a list) as float32."""
    if hasattr(value, "to_numpy"):
        value = value.to_numpy()
    return np.asarray(value, dtype=np.float32)


def _hit(row: Sequence[Any]) -> Hit:
    return Hit(
        rank=0,
        score=0.0,
        chunk_id=int(row[0]),
        doc_id=row[1],
        title=row[2],
        part=row[3],
        article=row[4],
        heading=row[5],
        eid=row[6],
        page_start=row[7],
        page_end=row[8],
        language=row[9],
        text=row[10],
        kind=document_kind(row[11]),
    )


def _document(row: Sequence[Any]) -> DocumentRecord:
    values = list(row)
    values[4] = tuple(values[4])  # parties: jsonb array → tuple
    values[15] = bool(values[15])
    values[17] = int(values[17])
    values[18] = int(values[18])
    values[19] = tuple(values[19] or ())  # visibility: jsonb array → tuple
    return DocumentRecord(*values)
