"""`PgStorage`: the server-mode index in PostgreSQL with pgvector (see index.storage.base).

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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from psycopg_pool import ConnectionPool

from index.embedders import Embedder
from index.errors import IndexOpenError, IndexWriteError
from index.locations import redact_url
from index.lock import IndexBusyError
from index.storage import pg_schema
from index.storage.base import int_or_none, model_mismatch
from index.storage.bookkeeping import SqlBookkeeping
from index.storage.manifest import runtime_versions, utc_now
from index.storage.rows import (
    CHUNK_INSERT_COLUMNS,
    CHUNK_SELECT,
    DOCUMENT_COLUMNS,
    DOCUMENT_SELECT,
    HIT_SELECT,
    UNIT_COLUMNS,
    UNIT_SELECT,
    Dialect,
    as_vector,
    chunk_record,
    chunk_rows,
    document_record,
    document_row,
    hit_record,
    insert_sql,
    unit_record,
    unit_rows,
)
from index.storage.rows import filter_sql as shared_filter_sql
from index.types import (
    ChunkText,
    DocumentRecord,
    Hit,
    SearchFilters,
    StoredDocument,
    UnitRecord,
)
from ingest.types import Chunk

# Candidates the HNSW graph search keeps (pgvector's default is 40); the iterative scan goes
# on past it when filters drop rows.
EF_SEARCH = 200


def connect_error(url: str, error: Exception) -> IndexOpenError:
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
        raise connect_error(url, error) from error


def open_pool(url: str, *, name: str, max_size: int, vectors: bool) -> ConnectionPool:
    """A pool of autocommit connections (the index's and the drafts' share this set-up)."""
    pool = ConnectionPool(
        url,
        min_size=1,
        max_size=max_size,
        kwargs={"autocommit": True},
        configure=register_vector if vectors else None,
        open=False,
        name=name,
        # A connection that died while idle in the pool (the server restarted) is replaced
        # before it is handed out, so the first call after an outage does not fail on it.
        check=ConnectionPool.check_connection,
    )
    try:
        pool.open(wait=True, timeout=30)
    except psycopg.Error as error:
        raise connect_error(url, error) from error
    return pool


@contextmanager
def schema_transaction(url: str, lock: int) -> Iterator[psycopg.Connection[Any]]:
    """A connection in one transaction holding the schema advisory lock `lock`."""
    with (
        psycopg.connect(url, autocommit=True, connect_timeout=10) as conn,
        conn.transaction(),
    ):
        conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (pg_schema.LOCK_NAMESPACE, lock))
        yield conn


class PgStorage:
    """One PostgreSQL database's index tables (see module docstring)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._pool: ConnectionPool | None = None
        self._embedder: Embedder | None = None  # set by open_for

    def __repr__(self) -> str:
        return f"PgStorage({redact_url(self.url)!r})"

    @property
    def location(self) -> str:
        return redact_url(self.url)

    @property
    def cache_folder(self) -> Path | None:
        return None  # machines sharing the database share no folder

    @property
    def cache_write_error(self) -> str | None:
        return None  # no derived cache on the server

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()

    def bookkeeping(self) -> SqlBookkeeping:
        """Source paths, failed files and clause slots in this database's tables."""
        return SqlBookkeeping(read=self._read, write=self._write, dialect=POSTGRES)

    # ---- schema and model ----------------------------------------------------------------------

    def open_for(self, embedder: Embedder) -> tuple[str | None, int | None]:
        """Create the tables if needed, connect, and record `embedder` in a new index (or one
        without chunks, whose vector column then changes dimension)."""
        self._create_schema(embedder.dimension)
        self._pool = open_pool(self.url, name="readmit-index", max_size=8, vectors=True)
        with self._write() as conn:
            recorded = _get_state(conn, "model")
            dimension = int_or_none(_get_state(conn, "dimension"))
            same = (recorded, dimension) == (embedder.name, embedder.dimension)
            if recorded is None or (not same and _count_chunks(conn) == 0):
                if not same:
                    _resize_vectors(conn, embedder.dimension)
                _set_state(conn, "model", embedder.name)
                _set_state(conn, "dimension", str(embedder.dimension))
                _bump_generation(conn)
                recorded, dimension = embedder.name, embedder.dimension
        self._embedder = embedder
        return recorded, dimension

    def _create_schema(self, dimension: int) -> None:
        """Create the tables (once, under a lock), or refuse a schema of another version."""
        try:
            with schema_transaction(self.url, pg_schema.SCHEMA_LOCK) as conn:
                has_vector = conn.execute(
                    "SELECT 1 FROM pg_extension WHERE extname = 'vector'"
                ).fetchone()
                if not has_vector:
                    conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                version = _schema_version(conn)
                if version not in (None, pg_schema.PG_SCHEMA_VERSION):
                    raise IndexOpenError(
                        f"{redact_url(self.url)}: index schema version {version}, this "
                        f"readmit reads {pg_schema.PG_SCHEMA_VERSION} — copy the index into "
                        "a new database with a matching readmit"
                    )
                if version is None or not _schema_complete(conn):
                    script = pg_schema.TABLES.format(dimension=dimension)
                    for statement in pg_schema.statements(script):
                        conn.execute(statement)
                if version is None:
                    _set_state(conn, "schema_version", pg_schema.PG_SCHEMA_VERSION)
                    _set_state(conn, "generation", "0")
        except psycopg.errors.InsufficientPrivilege as error:
            raise IndexOpenError(
                f"{redact_url(self.url)}: the pgvector extension is not installed in this "
                f"database and this user may not create it ({error}); run "
                "CREATE EXTENSION vector as the database owner"
            ) from error
        except psycopg.Error as error:
            raise connect_error(self.url, error) from error

    def _check_model(self, conn: psycopg.Connection[Any]) -> None:
        assert self._embedder is not None, "open_for() first"
        error = model_mismatch(
            self.location,
            _get_state(conn, "model"),
            int_or_none(_get_state(conn, "dimension")),
            self._embedder,
        )
        if error is not None:
            raise error

    # ---- transactions ----------------------------------------------------------------------

    def _connection(self) -> Any:
        assert self._pool is not None, "open_for() first"
        return self._pool.connection()

    @contextmanager
    def _read(self) -> Iterator[psycopg.Connection[Any]]:
        """A read-only REPEATABLE READ transaction: one consistent snapshot for all its queries."""
        with self._connection() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield conn
            finally:
                conn.execute("ROLLBACK")

    @contextmanager
    def _write(self) -> Iterator[psycopg.Connection[Any]]:
        """A write transaction; the advisory lock orders writers (no lost generation bumps)."""
        with self._connection() as conn:
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

    def write_documents(self, items: Sequence[StoredDocument]) -> None:
        all_ids = [c.chunk_id for item in items for c in item.chunks]
        try:
            with self._write() as conn:
                self._check_model(conn)
                _delete_documents(conn, [item.document.doc_id for item in items])
                owner = conn.execute(
                    "SELECT chunk_id, doc_id FROM chunks WHERE chunk_id = ANY(%s) LIMIT 1",
                    (all_ids,),
                ).fetchone()
                if owner is not None:
                    raise IndexWriteError(
                        f"chunk id {owner[0]} is already used by document {owner[1]}; "
                        "chunk ids must be unique across documents"
                    )
                for item in items:
                    conn.execute(
                        insert_sql("documents", DOCUMENT_COLUMNS, "%s"),
                        document_row(item.document, indexed_at=item.indexed_at),
                    )
                    matrix = np.ascontiguousarray(item.vectors, dtype=np.float32)
                    with conn.cursor() as cur:
                        cur.executemany(
                            insert_sql("units", UNIT_COLUMNS, "%s"), unit_rows(item.document)
                        )
                        cur.executemany(
                            insert_sql("chunks", CHUNK_INSERT_COLUMNS, "%s"),
                            chunk_rows(item.chunks, list(matrix)),
                        )
                _bump_generation(conn)
                _set_state(conn, "indexed_at", max(item.indexed_at for item in items))
                self._record_facts(conn)
        except psycopg.errors.IntegrityError as error:
            names = ", ".join(item.document.doc_id for item in items)
            raise IndexWriteError(f"cannot store {names}: {error}") from error

    def _record_facts(self, conn: psycopg.Connection[Any]) -> None:
        """The facts the embedded index keeps in manifest.json (counts, library versions)."""
        assert self._embedder is not None
        for name, value in zip(("documents", "units", "chunks"), _counts(conn), strict=True):
            _set_state(conn, name, str(value))
        versions = runtime_versions() | self._embedder.library_versions()
        _set_state(conn, "versions", json.dumps(versions, sort_keys=True))

    def delete_document(self, doc_id: str) -> bool:
        with self._write() as conn:
            found = conn.execute("SELECT 1 FROM documents WHERE doc_id = %s", (doc_id,))
            if found.fetchone() is None:
                return False
            _delete_documents(conn, [doc_id])
            _bump_generation(conn)
            _set_state(conn, "indexed_at", utc_now())
            self._record_facts(conn)
        return True

    def set_state(self, values: Mapping[str, str]) -> None:
        with self._write() as conn:
            for key, value in values.items():
                _set_state(conn, key, value)

    # ---- reads -----------------------------------------------------------------------------

    def rank_vectors(
        self, query: np.ndarray, *, k: int, filters: SearchFilters | None
    ) -> tuple[list[int], list[float]]:
        """One SQL query: filters in its WHERE clause, ranked by inner product (HNSW)."""
        where, params = filter_sql(filters or SearchFilters())
        with self._read() as conn:
            self._check_model(conn)
            conn.execute(f"SET LOCAL hnsw.ef_search = {max(EF_SEARCH, min(k * 2, 1000))}")
            conn.execute("SET LOCAL hnsw.iterative_scan = strict_order")
            rows = conn.execute(
                "SELECT c.chunk_id, -(c.vector <#> %s) AS score "
                f"FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE {where} "
                "ORDER BY c.vector <#> %s LIMIT %s",
                [query, *params, query, k],
            ).fetchall()
        # Equal scores are ordered by chunk id, as in the embedded backend.
        rows.sort(key=lambda row: (-float(row[1]), int(row[0])))
        return [int(row[0]) for row in rows], [float(row[1]) for row in rows]

    def allowed_chunk_ids(self, filters: SearchFilters) -> set[int]:
        where, params = filter_sql(filters)
        with self._read() as conn:
            rows = conn.execute(
                "SELECT c.chunk_id FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                f"WHERE {where}",
                params,
            ).fetchall()
        return {int(row[0]) for row in rows}

    def hits_by_id(self, chunk_ids: Sequence[int]) -> dict[int, Hit]:
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {HIT_SELECT} FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
                "WHERE c.chunk_id = ANY(%s)",
                ([int(i) for i in chunk_ids],),
            ).fetchall()
        return {int(row[0]): hit_record(row) for row in rows}

    def documents(self, doc_id: str | None = None) -> list[DocumentRecord]:
        where, params = ("WHERE d.doc_id = %s", [doc_id]) if doc_id is not None else ("", [])
        with self._read() as conn:
            rows = conn.execute(
                f'SELECT {DOCUMENT_SELECT} FROM documents d {where} ORDER BY d.doc_id COLLATE "C"',
                params,
            ).fetchall()
        return [document_record(row) for row in rows]

    def units(self, doc_id: str, eid: str | None = None) -> list[UnitRecord]:
        where, params = ("AND eid = %s", [doc_id, eid]) if eid is not None else ("", [doc_id])
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {UNIT_SELECT} FROM units WHERE doc_id = %s {where} "
                'ORDER BY ord, eid COLLATE "C"',
                params,
            ).fetchall()
        return [unit_record(row) for row in rows]

    def chunk_texts(self) -> list[ChunkText]:
        with self._read() as conn:
            rows = conn.execute(
                'SELECT chunk_id, doc_id, text FROM chunks ORDER BY doc_id COLLATE "C", ord'
            ).fetchall()
        return [ChunkText(int(a), str(b), str(c)) for a, b, c in rows]

    def chunk_vectors(self, doc_ids: Sequence[str]) -> list[tuple[Chunk, np.ndarray | None]]:
        assert self._embedder is not None
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {CHUNK_SELECT} FROM chunks WHERE doc_id = ANY(%s) "
                'ORDER BY doc_id COLLATE "C", ord',
                (list(doc_ids),),
            ).fetchall()
        dimension = self._embedder.dimension
        return [(chunk_record(row), as_vector(row[10], dimension)) for row in rows]

    def state(self) -> dict[str, str]:
        with self._read() as conn:
            rows = conn.execute("SELECT key, value FROM state").fetchall()
        return {str(k): str(v) for k, v in rows}

    def problems(self, embedder: Embedder) -> list[str]:
        problems: list[str] = []
        with self._read() as conn:
            counts = dict(zip(("documents", "units", "chunks"), _counts(conn), strict=True))
            for name, value in counts.items():
                recorded = _get_state(conn, name)
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
            if _get_state(conn, "model") != embedder.name:
                problems.append(f"state model is {_get_state(conn, 'model')!r}")
        return problems

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


def _get_state(conn: psycopg.Connection[Any], key: str) -> str | None:
    row = conn.execute("SELECT value FROM state WHERE key = %s", (key,)).fetchone()
    return None if row is None else str(row[0])


def _set_state(conn: psycopg.Connection[Any], key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO state (key, value) VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _bump_generation(conn: psycopg.Connection[Any]) -> int:
    value = _get_state(conn, "generation") or "0"
    if not value.isdigit():
        raise IndexOpenError(f"the index's generation {value!r} is not a number")
    _set_state(conn, "generation", str(int(value) + 1))
    return int(value) + 1


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


def _schema_version(conn: psycopg.Connection[Any]) -> str | None:
    row = conn.execute("SELECT to_regclass('state') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return None
    found = conn.execute("SELECT value FROM state WHERE key = 'schema_version'").fetchone()
    return None if found is None else str(found[0])


def _counts(conn: psycopg.Connection[Any]) -> tuple[int, int, int]:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM units), "
        "(SELECT count(*) FROM chunks)"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


def _count_chunks(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT count(*) FROM chunks").fetchone()
    return int(row[0]) if row else 0


def _resize_vectors(conn: psycopg.Connection[Any], dimension: int) -> None:
    """An index without chunks switches model: its vector column changes dimension."""
    conn.execute("DROP INDEX IF EXISTS chunks_vector_hnsw")
    conn.execute(f"ALTER TABLE chunks ALTER COLUMN vector TYPE vector({int(dimension)})")
    conn.execute("CREATE INDEX chunks_vector_hnsw ON chunks USING hnsw (vector vector_ip_ops)")


def _delete_documents(conn: psycopg.Connection[Any], doc_ids: list[str]) -> None:
    conn.execute("DELETE FROM chunks WHERE doc_id = ANY(%s)", (doc_ids,))
    conn.execute("DELETE FROM slots WHERE doc_id = ANY(%s)", (doc_ids,))
    conn.execute("DELETE FROM keywords WHERE doc_id = ANY(%s)", (doc_ids,))
    conn.execute("DELETE FROM units WHERE doc_id = ANY(%s)", (doc_ids,))
    conn.execute("DELETE FROM documents WHERE doc_id = ANY(%s)", (doc_ids,))


POSTGRES = Dialect(
    mark="%s",
    in_list=lambda expr, values: (f"{expr} = ANY(%s)", [list(values)]),
    json_elements=lambda column, alias: (f"jsonb_array_elements_text({column}) {alias}", alias),
    empty_json_array="'[]'::jsonb",
    byte_order=' COLLATE "C"',
    table_exists="SELECT count(*) FROM pg_tables "
    "WHERE schemaname = current_schema() AND tablename = %s",
)


def filter_sql(filters: SearchFilters) -> tuple[str, list[object]]:
    return shared_filter_sql(filters, POSTGRES)
