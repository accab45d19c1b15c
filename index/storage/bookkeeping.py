"""`SqlBookkeeping`: what an index keeps beside its documents, written once for both backends.

Three small tables live next to the documents but outside their generations (writing them
changes no chunk, no vector and no search result, so no cache is rebuilt):
- a document's source path (where an unchanged file is now);
- the files an ingest could not index, with the reason;
- the clause slots `index.slots` computed from the units, and the keyword evidence they were
  computed from (kept so that the gap check needs no keyword rules for the index's own texts).

Both backends keep them in the same SQL tables; only the placeholder and the byte-order
collation differ (`index.storage.rows.Dialect`), so the code is here once, over the read and
write transactions the backend hands in. `index.storage.base.Bookkeeping` is its contract.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from index.storage.manifest import utc_now
from index.storage.rows import Dialect
from index.types import SlotAssignment

# A read or write transaction of the backend: a DB-API connection (sqlite3 or psycopg).
Transaction = Callable[[], AbstractContextManager[Any]]

# Paths cleared per statement (SQLite binds at most 32,766 parameters in one).
_CLEAR_BATCH = 500


class SqlBookkeeping:
    """The bookkeeping tables of one index, through its backend's transactions."""

    def __init__(self, *, read: Transaction, write: Transaction, dialect: Dialect) -> None:
        self._read = read
        self._write = write
        self._dialect = dialect

    def set_source_path(self, doc_id: str, source_path: str) -> None:
        mark = self._dialect.mark
        with self._write() as conn:
            conn.execute(
                f"UPDATE documents SET source_path = {mark} "
                f"WHERE doc_id = {mark} AND source_path != {mark}",
                (source_path, doc_id, source_path),
            )

    def failures(self) -> tuple[tuple[str, str], ...]:
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT path, reason FROM failures ORDER BY path{self._dialect.byte_order}"
            ).fetchall()
        return tuple((str(path), str(reason)) for path, reason in rows)

    def set_failures(self, *, record: Mapping[str, str], clear: Sequence[str]) -> int:
        mark = self._dialect.mark
        cleared = 0
        with self._write() as conn:
            for path, reason in record.items():
                conn.execute(
                    f"INSERT INTO failures (path, reason, at) VALUES ({mark}, {mark}, {mark}) "
                    "ON CONFLICT (path) DO UPDATE SET reason = excluded.reason, at = excluded.at",
                    (path, reason, utc_now()),
                )
            paths = list(dict.fromkeys(clear))
            for start in range(0, len(paths), _CLEAR_BATCH):
                where, params = self._dialect.in_list("path", paths[start : start + _CLEAR_BATCH])
                deleted = conn.execute(f"DELETE FROM failures WHERE {where}", params).rowcount
                cleared += max(deleted, 0)
        return cleared

    def slots(self, *, doc_id: str | None, slot: str | None) -> list[SlotAssignment]:
        mark, order = self._dialect.mark, self._dialect.byte_order
        clauses, params = ["1 = 1"], []
        if doc_id is not None:
            clauses.append(f"s.doc_id = {mark}")
            params.append(doc_id)
        if slot is not None:
            clauses.append(f"s.slot = {mark}")
            params.append(slot)
        with self._read() as conn:
            rows = conn.execute(
                "SELECT s.doc_id, s.eid, s.slot, s.confidence, s.method FROM slots s "
                "JOIN units u ON u.doc_id = s.doc_id AND u.eid = s.eid "
                f"WHERE {' AND '.join(clauses)} "
                f"ORDER BY s.doc_id{order}, u.ord, s.slot{order}",
                params,
            ).fetchall()
        return [SlotAssignment(str(a), str(b), str(c), float(d), str(e)) for a, b, c, d, e in rows]

    def replace_slots(
        self,
        doc_id: str,
        assignments: Sequence[SlotAssignment],
        *,
        keywords: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        """Replace a document's slot assignments and keyword evidence (eid → (source sha256,
        evidence)) and drop those whose unit is gone."""
        mark = self._dialect.mark
        rows = [(doc_id, a.eid, a.slot, float(a.confidence), a.method) for a in assignments]
        evidence = [(doc_id, eid, sha, found) for eid, (sha, found) in (keywords or {}).items()]
        with self._write() as conn:
            conn.execute(f"DELETE FROM slots WHERE doc_id = {mark}", (doc_id,))
            conn.execute(f"DELETE FROM keywords WHERE doc_id = {mark}", (doc_id,))
            cursor = conn.cursor()
            try:
                cursor.executemany(
                    "INSERT INTO slots (doc_id, eid, slot, confidence, method) "
                    f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark})",
                    rows,
                )
                if evidence:
                    cursor.executemany(
                        "INSERT INTO keywords (doc_id, eid, source_sha256, evidence) "
                        f"VALUES ({mark}, {mark}, {mark}, {mark})",
                        evidence,
                    )
            finally:
                cursor.close()
            for table in ("slots", "keywords"):
                conn.execute(
                    f"DELETE FROM {table} WHERE NOT EXISTS (SELECT 1 FROM units u "
                    f"WHERE u.doc_id = {table}.doc_id AND u.eid = {table}.eid)"
                )

    def keywords(self, *, doc_id: str | None) -> dict[tuple[str, str], tuple[str, str]]:
        """(doc_id, eid) → (source sha256, evidence) of the units whose keyword evidence is
        stored (all of `doc_id`'s, or every document's); empty in an index written before the
        table existed that this process may not change (a read-only folder)."""
        mark = self._dialect.mark
        where, params = ("WHERE doc_id = " + mark, [doc_id]) if doc_id is not None else ("", [])
        with self._read() as conn:
            present = conn.execute(self._dialect.table_exists, ("keywords",)).fetchone()
            if not present or not present[0]:
                return {}
            rows = conn.execute(
                f"SELECT doc_id, eid, source_sha256, evidence FROM keywords {where}", params
            ).fetchall()
        return {(str(d), str(e)): (str(sha), str(found)) for d, e, sha, found in rows}
