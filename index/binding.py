"""Derived files bound to their own database, as Lucene binds segment files to one commit.

`vectors.faiss` (through `manifest.json`) and a saved BM25 folder (`bm25.g<N>/lexical.json`)
are caches of `meta.sqlite`. A generation number alone does not say *which* database they
were built from: two indexes at generation 3 have caches that look interchangeable. So every
index gets a random id in its state table when it is first written, and each derived file
records that id, the generation and (for BM25) the sha256 of the chunk ids it covers. A
reader refuses a file whose id is not its database's and rebuilds it; `Collection.verify()`
also checks the chunk ids.
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid

import numpy as np

INDEX_ID_STATE = "index_id"


def read_index_id(conn: sqlite3.Connection) -> str | None:
    """The database's index id (None: an index last written before ids existed)."""
    row = conn.execute("SELECT value FROM state WHERE key = ?", (INDEX_ID_STATE,)).fetchone()
    return None if row is None else str(row[0])


def ensure_index_id(conn: sqlite3.Connection) -> None:
    """Give the database an index id if it has none (inside a write transaction)."""
    conn.execute(
        "INSERT OR IGNORE INTO state (key, value) VALUES (?, ?)",
        (INDEX_ID_STATE, uuid.uuid4().hex),
    )


def chunk_ids_sha256(ids: np.ndarray) -> str:
    """A checksum of a set of chunk ids (order-independent)."""
    ordered = np.sort(np.asarray(ids, dtype=np.int64))
    return hashlib.sha256(ordered.astype("<i8").tobytes()).hexdigest()


def foreign(what: str, recorded: str | None, expected: str | None) -> str | None:
    """Why `what` does not belong to this index, or None when its index id matches."""
    if recorded == expected:
        return None
    return f"{what} belongs to another index (index id {recorded}, this index is {expected})"
