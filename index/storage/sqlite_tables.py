"""`meta.sqlite`: documents, units, chunks (with their vectors), failures and index state.

SQLite is the source of truth, vectors included, so replacing a document is one transaction:
a crash leaves either the old or the new version, never half of each. WAL mode lets readers
(the app) keep reading while a writer (an ingest) commits.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import numpy as np

from index.binding import ensure_index_id
from index.errors import IndexFullError, IndexOpenError
from index.read_only import cannot_write, connect_read_only
from index.storage import rows as shared
from index.types import DocumentRecord, Hit, SearchFilters, UnitRecord
from ingest.types import Chunk, ParsedDocument

DB_FILE = "meta.sqlite"
SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    language TEXT NOT NULL,
    instrument_type TEXT NOT NULL,
    parties TEXT NOT NULL,              -- JSON array of party names
    year INTEGER,
    date_signed TEXT,
    place_signed TEXT,
    official_reference TEXT,
    source_url TEXT,
    licence TEXT,
    original_title TEXT,
    source_path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    page_count INTEGER,
    has_pages INTEGER NOT NULL,
    indexed_at TEXT NOT NULL,
    visibility TEXT NOT NULL DEFAULT '[]'  -- JSON array of the groups that may see it, [] = public
);
CREATE TABLE IF NOT EXISTS units (
    doc_id TEXT NOT NULL,
    eid TEXT NOT NULL,
    kind TEXT NOT NULL,
    part TEXT NOT NULL,
    number TEXT,
    heading TEXT,
    text TEXT NOT NULL,
    ord INTEGER NOT NULL,
    page_start INTEGER,
    page_end INTEGER,
    instrument TEXT NOT NULL,
    paragraphs TEXT NOT NULL DEFAULT '[]',  -- JSON: the unit's paragraphs and points
    parent TEXT,                        -- eid of the enclosing chapter/section (section tree)
    PRIMARY KEY (doc_id, eid)
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL,
    eid TEXT NOT NULL,
    part TEXT NOT NULL,
    article TEXT,
    heading TEXT,
    text TEXT NOT NULL,
    seq INTEGER NOT NULL,
    ord INTEGER NOT NULL,               -- position among the document's chunks (reading order)
    page_start INTEGER,
    page_end INTEGER,
    vector BLOB NOT NULL                -- float32, little-endian, `dimension` values
);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks (doc_id, ord);
CREATE TABLE IF NOT EXISTS failures (
    path TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS slots (
    doc_id TEXT NOT NULL,
    eid TEXT NOT NULL,                  -- the unit (article, annex section) the slot is for
    slot TEXT NOT NULL,                 -- a key of ingest.taxonomy
    confidence REAL NOT NULL,
    method TEXT NOT NULL,               -- which evidence gave it, e.g. "heading+embedding"
    PRIMARY KEY (doc_id, eid, slot)
);
CREATE INDEX IF NOT EXISTS slots_by_slot ON slots (slot, confidence);
CREATE TABLE IF NOT EXISTS keywords (
    doc_id TEXT NOT NULL,
    eid TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,        -- of the rules, language, heading and text matched
    evidence TEXT NOT NULL,             -- JSON: what the keyword rules found (index.slots)
    PRIMARY KEY (doc_id, eid)
);
"""

_BUSY_TIMEOUT_MS = 30_000


def _connect(db_path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN ourselves, so a transaction spans exactly what we say.
    if read_only:
        conn = connect_read_only(db_path, timeout=_BUSY_TIMEOUT_MS / 1000)
    else:
        conn = sqlite3.connect(
            db_path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
    conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    # NORMAL is still atomic in WAL mode; only the last commit may be lost on power failure.
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class CommitObserver(Protocol):
    """Called around each write transaction of a `MetadataStore`."""

    def before_write(self) -> bool:
        """Whether the database file is, right now, the one last verified."""
        ...

    def after_commit(self, conn: sqlite3.Connection, *, vouched: bool) -> None:
        """After COMMIT, outside the transaction; `vouched`: what before_write said."""
        ...


class MetadataStore:
    """Connections to `meta.sqlite`: one guarded writer, and a fresh reader per read."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._write_lock = threading.Lock()
        # Told about every committed write (index.storage.sqlite records what it vouches for).
        self.commit_observer: CommitObserver | None = None
        # An index this process cannot change is opened for searching only (index.read_only).
        self.read_only = db_path.exists() and cannot_write(db_path)
        if self.read_only:
            self._open_read_only()
            return
        try:
            self._writer = _connect(db_path)
            self._writer.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as error:  # the half-open connection is closed by GC
            raise IndexOpenError(f"{db_path}: not a readmit index database ({error})") from error
        try:
            with self.write() as conn:
                version = _schema_version(conn)
                if version not in (None, SCHEMA_VERSION):
                    raise IndexOpenError(
                        f"{db_path}: index schema version {version}, this readmit reads "
                        f"{SCHEMA_VERSION} — re-index into a new folder"
                    )
                if version is not None:
                    _check_tables(db_path, conn)
                # Not executescript(): it would COMMIT on its own, outside our transaction.
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                _add_missing_columns(conn)
                if version is None:
                    set_state(conn, "schema_version", SCHEMA_VERSION)
                    set_state(conn, "generation", "0")
        except sqlite3.DatabaseError as error:
            self._writer.close()
            raise IndexOpenError(f"{db_path}: not a readmit index database ({error})") from error
        except IndexOpenError:
            self._writer.close()
            raise

    def _open_read_only(self) -> None:
        try:
            self._writer = _connect(self.db_path, read_only=True)
            version = _schema_version(self._writer)
            if version != SCHEMA_VERSION:
                raise IndexOpenError(
                    f"{self.db_path}: index schema version {version}, this readmit reads "
                    f"{SCHEMA_VERSION}; the index is read-only, so it cannot be upgraded here"
                )
            _check_tables(self.db_path, self._writer)
        except sqlite3.DatabaseError as error:
            raise IndexOpenError(
                f"{self.db_path}: not a readmit index database ({error})"
            ) from error

    def require_writable(self) -> None:
        """IndexOpenError with a clear message when this index is read-only for us."""
        if self.read_only:
            raise IndexOpenError(
                f"{self.db_path} is read-only for this user: searching works, changing the "
                "index needs write access to its folder"
            )

    def close(self) -> None:
        with self._write_lock:
            self._writer.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction (the write lock is taken up front, so no upgrade deadlock)."""
        self.require_writable()
        with self._write_lock:
            conn = self._writer
            observer = self.commit_observer
            vouched = observer is not None and observer.before_write()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:  # SQLite may have rolled back on its own
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
                if observer is not None:
                    observer.after_commit(conn, vouched=vouched)
            except sqlite3.OperationalError as error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if _is_disk_full(error):
                    raise IndexFullError(
                        f"disk full: cannot write {self.db_path} ({error}); nothing of this "
                        "change was kept — free some space and run it again"
                    ) from error
                raise

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction on its own connection: one consistent snapshot, never blocked."""
        conn = _connect(self.db_path, read_only=self.read_only)
        try:
            conn.execute("PRAGMA query_only = 1")
            conn.execute("BEGIN")
            yield conn
        finally:
            conn.close()  # a read transaction has nothing to commit


# Columns added after schema 1 was released: (table, column, definition). An older index gets
# them with their default (every document public; no parent unit until the document is next
# re-indexed) instead of having to be rebuilt.
_ADDED_COLUMNS = (
    ("documents", "visibility", "TEXT NOT NULL DEFAULT '[]'"),
    ("units", "parent", "TEXT"),
)


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, column, definition in _ADDED_COLUMNS:
        present = {str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


# Tables every index has had since schema version 1 (later ones are created when missing).
REQUIRED_TABLES = ("documents", "units", "chunks", "failures", "state")


def _check_tables(db_path: Path, conn: sqlite3.Connection) -> None:
    """Refuse an index that lost a table: re-creating it empty would silently drop content."""
    present = {
        str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    missing = [name for name in REQUIRED_TABLES if name not in present]
    if missing:
        raise IndexOpenError(
            f"{db_path} is damaged (table {', '.join(missing)} missing): restore it from a "
            "backup or re-index into a new folder"
        )


def _is_disk_full(error: sqlite3.OperationalError) -> bool:
    # SQLITE_FULL: "database or disk is full"; a full WAL or journal says "disk I/O error".
    return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "full" in str(error)


def _schema_version(conn: sqlite3.Connection) -> str | None:
    has_state = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'state'"
    ).fetchone()
    return get_state(conn, "schema_version") if has_state else None


# ---- state ---------------------------------------------------------------------------------


def get_state(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_state(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO state (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def int_state(conn: sqlite3.Connection, key: str) -> int | None:
    """An integer state value (None when unset); a non-integer one means a damaged index."""
    value = get_state(conn, key)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise IndexOpenError(
            f"the index is damaged: its state {key!r} is {value[:40]!r}, not an integer — "
            "restore it from a backup or re-index into a new folder"
        ) from None


def generation(conn: sqlite3.Connection) -> int:
    return int_state(conn, "generation") or 0


def bump_generation(conn: sqlite3.Connection) -> int:
    ensure_index_id(conn)  # every write is bound to this database (index.binding)
    new = generation(conn) + 1
    set_state(conn, "generation", str(new))
    return new


def counts(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """(documents, units, chunks)."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM units), "
        "(SELECT count(*) FROM chunks)"
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


# ---- writes --------------------------------------------------------------------------------


def delete_document(conn: sqlite3.Connection, doc_id: str) -> list[int]:
    """Delete a document with its units and chunks; return the removed chunk ids."""
    removed = [
        int(r[0]) for r in conn.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))
    ]
    conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM slots WHERE doc_id = ?", (doc_id,))  # recomputed after ingest
    conn.execute("DELETE FROM keywords WHERE doc_id = ?", (doc_id,))  # likewise
    conn.execute("DELETE FROM units WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
    return removed


def chunk_owners(conn: sqlite3.Connection, chunk_ids: Sequence[int]) -> dict[int, str]:
    """Which document already holds each of these chunk ids."""
    owners: dict[int, str] = {}
    for start in range(0, len(chunk_ids), 500):
        batch = list(chunk_ids[start : start + 500])
        marks = ",".join("?" * len(batch))
        for chunk_id, doc_id in conn.execute(
            f"SELECT chunk_id, doc_id FROM chunks WHERE chunk_id IN ({marks})", batch
        ):
            owners[int(chunk_id)] = str(doc_id)
    return owners


def insert_document(conn: sqlite3.Connection, doc: ParsedDocument, *, indexed_at: str) -> None:
    conn.execute(
        shared.insert_sql("documents", shared.DOCUMENT_COLUMNS, "?"),
        shared.document_row(doc, indexed_at=indexed_at),
    )
    conn.executemany(shared.insert_sql("units", shared.UNIT_COLUMNS, "?"), shared.unit_rows(doc))


def insert_chunks(conn: sqlite3.Connection, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
    matrix = np.ascontiguousarray(vectors, dtype="<f4")
    blobs = [row.tobytes() for row in matrix]
    conn.executemany(
        shared.insert_sql("chunks", shared.CHUNK_INSERT_COLUMNS, "?"),
        shared.chunk_rows(chunks, blobs),
    )


# ---- reads ---------------------------------------------------------------------------------


def all_vectors(conn: sqlite3.Connection, dimension: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of every chunk, ordered by chunk id.

    Rows are streamed into arrays sized up front (one read transaction: the count holds), so a
    million chunks do not also sit in memory as a million Python rows and blobs.
    """
    count = int(conn.execute("SELECT count(*) FROM chunks").fetchone()[0])
    ids = np.zeros(count, dtype=np.int64)
    matrix = np.zeros((count, dimension), dtype=np.float32)
    rows = conn.execute("SELECT chunk_id, vector FROM chunks ORDER BY chunk_id")
    for i, (chunk_id, blob) in enumerate(rows):
        ids[i] = chunk_id
        matrix[i] = _vector(chunk_id, blob, dimension)
    return ids, matrix


def _vector(chunk_id: int, blob: object, dimension: int) -> np.ndarray:
    """A stored vector; one of the wrong size means a damaged index (never a numpy error)."""
    if not isinstance(blob, bytes) or len(blob) != dimension * 4:
        size = len(blob) if isinstance(blob, bytes) else type(blob).__name__
        raise IndexOpenError(
            f"the index is damaged: chunk {chunk_id} has a vector of {size} bytes, expected "
            f"{dimension * 4} — restore it from a backup or re-index into a new folder"
        )
    return np.frombuffer(blob, dtype="<f4", count=dimension)


def bad_vector_blobs(conn: sqlite3.Connection, dimension: int) -> list[int]:
    rows = conn.execute("SELECT chunk_id FROM chunks WHERE length(vector) != ?", (dimension * 4,))
    return [int(r[0]) for r in rows]


def _in_list(expr: str, values: Sequence[object]) -> tuple[str, list[object]]:
    return f"{expr} IN ({','.join('?' * len(values))})", list(values)


SQLITE = shared.Dialect(
    mark="?",
    in_list=_in_list,
    json_elements=lambda column, alias: (f"json_each({column}) {alias}", f"{alias}.value"),
    empty_json_array="'[]'",
    byte_order="",  # SQLite's default collation is BINARY
    table_exists="SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
)


def filter_sql(filters: SearchFilters) -> tuple[str, list[object]]:
    return shared.filter_sql(filters, SQLITE)


def allowed_chunk_ids(conn: sqlite3.Connection, filters: SearchFilters) -> np.ndarray:
    where, params = filter_sql(filters)
    rows = conn.execute(
        f"SELECT c.chunk_id FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE {where}",
        params,
    ).fetchall()
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def hits_by_id(conn: sqlite3.Connection, chunk_ids: Sequence[int]) -> dict[int, Hit]:
    """Hit objects (rank 0, score 0.0: the caller ranks them) for the chunk ids that exist."""
    hits: dict[int, Hit] = {}
    for start in range(0, len(chunk_ids), 500):
        batch = [int(i) for i in chunk_ids[start : start + 500]]
        marks = ",".join("?" * len(batch))
        rows = conn.execute(
            f"SELECT {shared.HIT_SELECT} FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
            f"WHERE c.chunk_id IN ({marks})",
            batch,
        )
        for row in rows:
            hits[int(row[0])] = shared.hit_record(row)
    return hits


def documents(conn: sqlite3.Connection, doc_id: str | None) -> list[DocumentRecord]:
    """Every document by id, or the one `doc_id` names (none if it is not indexed)."""
    where, params = ("WHERE d.doc_id = ?", [doc_id]) if doc_id is not None else ("", [])
    rows = conn.execute(
        f"SELECT {shared.DOCUMENT_SELECT} FROM documents d {where} ORDER BY d.doc_id", params
    )
    return [shared.document_record(row) for row in rows]


def units(conn: sqlite3.Connection, doc_id: str, eid: str | None) -> list[UnitRecord]:
    """A document's units in reading order, or the one `eid` names."""
    where, params = ("AND eid = ?", [doc_id, eid]) if eid is not None else ("", [doc_id])
    rows = conn.execute(
        f"SELECT {shared.UNIT_SELECT} FROM units WHERE doc_id = ? {where} ORDER BY ord, eid", params
    )
    return [shared.unit_record(row) for row in rows]


def orphan_problems(conn: sqlite3.Connection) -> list[str]:
    """Chunks whose document or unit is missing (should be impossible; verify() reports it)."""
    problems = []
    for chunk_id, doc_id in conn.execute(
        "SELECT chunk_id, doc_id FROM chunks c WHERE NOT EXISTS "
        "(SELECT 1 FROM documents d WHERE d.doc_id = c.doc_id)"
    ):
        problems.append(f"chunk {chunk_id} belongs to missing document {doc_id}")
    for chunk_id, doc_id, eid in conn.execute(
        "SELECT chunk_id, doc_id, eid FROM chunks c WHERE NOT EXISTS "
        "(SELECT 1 FROM units u WHERE u.doc_id = c.doc_id AND (u.eid = c.eid "
        " OR substr(c.eid, 1, length(u.eid) + 2) = u.eid || '__'))"
    ):
        problems.append(f"chunk {chunk_id} of {doc_id} points to missing unit {eid}")
    return problems


def document_chunks(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> list[tuple[Chunk, object]]:
    """These documents' chunks with their stored vector blobs, by document and reading order."""
    found: list[tuple[Chunk, object]] = []
    for start in range(0, len(doc_ids), 500):
        batch = list(doc_ids[start : start + 500])
        marks = ",".join("?" * len(batch))
        rows = conn.execute(
            f"SELECT {shared.CHUNK_SELECT} FROM chunks WHERE doc_id IN ({marks}) "
            "ORDER BY doc_id, ord",
            batch,
        )
        found.extend((shared.chunk_record(row), row[10]) for row in rows)
    return found
