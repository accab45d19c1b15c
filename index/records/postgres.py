"""Revisioned records in PostgreSQL (server-mode drafts live here; see index.records.base).

The compare-and-set is one transaction holding the record's row lock, and every commit adds a
history row (who, when, operation, the saved JSON) in the same transaction. History outlives a
deletion, so a re-created record continues its numbering.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from index.errors import IndexLayerError, IndexOpenError
from index.locations import redact_url
from index.records.base import (
    RecordError,
    RecordVersion,
    StaleRecordError,
    StoredRecord,
    with_revision,
)
from index.storage import pg_schema
from index.storage.postgres import open_pool, schema_transaction


class ReadOnlyDatabaseError(IndexLayerError):
    """A change was sent to a server that only reads (a streaming replica): nothing was saved."""


class PgRecordStore:
    """The `drafts` and `draft_history` tables of one database.

    On a read-only server (a hot-standby replica) whose tables exist the store opens for
    reading, and every change is refused with ReadOnlyDatabaseError: drafts are saved on the
    primary only, and a save sent elsewhere fails loudly instead of vanishing.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            with schema_transaction(url, pg_schema.DRAFTS_LOCK) as conn:
                for statement in pg_schema.statements(pg_schema.DRAFT_TABLES):
                    conn.execute(statement)
        except psycopg.errors.ReadOnlySqlTransaction as error:
            if not _draft_tables_exist(url):
                raise IndexOpenError(
                    f"cannot open drafts at {redact_url(url)}: a read-only server without "
                    f"the drafts tables ({error})"
                ) from error
        except psycopg.Error as error:
            raise IndexOpenError(f"cannot open drafts at {redact_url(url)}: {error}") from error
        self._pool = open_pool(url, name="readmit-drafts", max_size=4, vectors=False)

    def __repr__(self) -> str:
        return f"PgRecordStore({redact_url(self.url)!r})"

    @property
    def location(self) -> str:
        return redact_url(self.url)

    def where(self, key: str) -> str:
        return f"{self.location} draft {key}"

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self._pool.connection() as conn, conn.transaction():
                yield conn
        except psycopg.errors.ReadOnlySqlTransaction as error:
            raise ReadOnlyDatabaseError(
                f"{redact_url(self.url)} is a read-only server (a replica): nothing was saved; "
                "drafts are saved on the primary (READMIT_DRAFTS must name it)"
            ) from error

    def get(self, key: str) -> StoredRecord | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT revision, data FROM drafts WHERE draft_id = %s", (key,)
            ).fetchone()
        return None if row is None else StoredRecord(key, int(row[0]), row[1])

    def all(self) -> tuple[list[StoredRecord], list[RecordError]]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                'SELECT draft_id, revision, data FROM drafts ORDER BY draft_id COLLATE "C"'
            ).fetchall()
        return [StoredRecord(str(k), int(r), d) for k, r, d in rows], []

    def _next_revision(self, conn: psycopg.Connection[Any], key: str) -> int:
        # History outlives a deletion, so a re-created record continues its numbering.
        row = conn.execute(
            "SELECT coalesce(max(revision), 0) FROM draft_history WHERE draft_id = %s", (key,)
        ).fetchone()
        return int(row[0]) + 1 if row else 1

    def commit(
        self, key: str, data: Any, *, based_on: int | None, author: str, operation: str
    ) -> int:
        """Store `data` as the next revision; StaleRecordError if the stored one moved on.

        `based_on=None` writes unconditionally (a record never read: creation, import)."""
        with self._transaction() as conn:
            # Row lock: concurrent commits of one record queue here and then see the winner.
            row = conn.execute(
                "SELECT revision FROM drafts WHERE draft_id = %s FOR UPDATE", (key,)
            ).fetchone()
            stored = None if row is None else int(row[0])
            if based_on is not None and stored != based_on:
                raise StaleRecordError(key, based_on, stored)
            if stored is None:
                conn.execute(
                    "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                    (pg_schema.LOCK_NAMESPACE, key),
                )
            revision = max(self._next_revision(conn, key), (stored or 0) + 1)
            conn.execute(
                "INSERT INTO drafts (draft_id, revision, data, updated_at) "
                "VALUES (%s, %s, %s, now()) ON CONFLICT (draft_id) DO UPDATE "
                "SET revision = excluded.revision, data = excluded.data, updated_at = now()",
                (key, revision, Jsonb(with_revision(data, revision))),
            )
            conn.execute(
                "INSERT INTO draft_history (draft_id, revision, at, author, operation, data) "
                "VALUES (%s, %s, now(), %s, %s, %s)",
                (key, revision, author, operation, Jsonb(with_revision(data, revision))),
            )
        return revision

    def delete(self, key: str, *, based_on: int | None, author: str) -> bool:
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT revision FROM drafts WHERE draft_id = %s FOR UPDATE", (key,)
            ).fetchone()
            if row is None:
                return False
            if based_on is not None and int(row[0]) != based_on:
                raise StaleRecordError(key, based_on, int(row[0]))
            revision = self._next_revision(conn, key)
            conn.execute("DELETE FROM drafts WHERE draft_id = %s", (key,))
            conn.execute(
                "INSERT INTO draft_history (draft_id, revision, at, author, operation, data) "
                "VALUES (%s, %s, now(), %s, 'delete', NULL)",
                (key, revision, author),
            )
        return True

    def history(self, key: str) -> list[RecordVersion]:
        """Every saved version, newest first."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT revision, at, author, operation, data FROM draft_history "
                "WHERE draft_id = %s ORDER BY revision DESC",
                (key,),
            ).fetchall()
        return [
            RecordVersion(key, int(r), at.isoformat(), str(a), str(o), d) for r, at, a, o, d in rows
        ]


def _draft_tables_exist(url: str) -> bool:
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        row = conn.execute(
            "SELECT to_regclass('drafts') IS NOT NULL AND to_regclass('draft_history') IS NOT NULL"
        ).fetchone()
    return bool(row and row[0])
