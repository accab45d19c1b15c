"""Accounts, the audit log and sign-in state of a group deployment in PostgreSQL (server mode).

The index layer owns the database driver; `readmit.access` gives these rows their meaning
(roles, argon2 hashes, throttling, session tokens). Every process of a deployment shares them:
an account added on one machine signs in on every other, a failed sign-in counts wherever it
was tried, and a session revoked in one app process is refused by all.

Tables: `accounts` (one row per user), `audit_log` (append-only), `signin_failures` (failure
counters of the sign-in throttle), `app_secrets` (the key that signs session tokens; made once
by whichever process needs it first) and `revoked_sessions` (signed-out session tokens until
they expire).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from index.errors import IndexOpenError
from index.locations import redact_url
from index.storage import pg_schema

ACCOUNTS_LOCK = 5  # transaction lock (in pg_schema.LOCK_NAMESPACE): creating these tables

TABLES = """
CREATE TABLE IF NOT EXISTS accounts (
    name text PRIMARY KEY,
    role text NOT NULL,
    groups text[] NOT NULL DEFAULT '{}',
    password_hash text
);
CREATE UNIQUE INDEX IF NOT EXISTS accounts_name_folded ON accounts (lower(name));
CREATE TABLE IF NOT EXISTS audit_log (
    id bigserial PRIMARY KEY,
    at text NOT NULL,
    user_name text NOT NULL,
    role text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    detail text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log (user_name, id);
CREATE TABLE IF NOT EXISTS signin_failures (
    key text PRIMARY KEY,
    failures integer NOT NULL,
    last_at double precision NOT NULL
);
CREATE TABLE IF NOT EXISTS app_secrets (
    name text PRIMARY KEY,
    value bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS revoked_sessions (
    token_id text PRIMARY KEY,
    expires_at double precision NOT NULL
);
"""

AccountRow = dict[str, Any]  # {"role": str, "groups": list[str], "password_hash": str | None}
AuditRow = tuple[str, str, str, str, str, str]  # at, user, role, action, target, detail


class PgAccountTables:
    """The account, audit and sign-in tables of one database."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            with (
                psycopg.connect(url, autocommit=True, connect_timeout=10) as conn,
                conn.transaction(),
            ):
                conn.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)",
                    (pg_schema.LOCK_NAMESPACE, ACCOUNTS_LOCK),
                )
                for statement in pg_schema.statements(TABLES):
                    conn.execute(statement)
        except psycopg.Error as error:
            raise IndexOpenError(
                f"cannot open the accounts at {redact_url(url)}: {error}"
            ) from error
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=4,
            kwargs={"autocommit": True},
            open=False,
            name="readmit-accounts",
            check=ConnectionPool.check_connection,
        )
        self._pool.open(wait=True, timeout=30)

    @property
    def location(self) -> str:
        return redact_url(self.url)

    def close(self) -> None:
        self._pool.close()

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._pool.connection() as conn:
            return conn.execute(sql, params).fetchall()

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self._pool.connection() as conn:
            return conn.execute(sql, params).rowcount

    # ---- accounts ------------------------------------------------------------------------------

    def accounts(self) -> dict[str, AccountRow]:
        rows = self._rows("SELECT name, role, groups, password_hash FROM accounts")
        return {
            str(name): {"role": role, "groups": list(groups), "password_hash": password_hash}
            for name, role, groups, password_hash in rows
        }

    def put_account(self, name: str, entry: AccountRow) -> None:
        self._run(
            "INSERT INTO accounts (name, role, groups, password_hash) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, groups = EXCLUDED.groups, "
            "password_hash = EXCLUDED.password_hash",
            (name, entry["role"], list(entry.get("groups", [])), entry.get("password_hash")),
        )

    def delete_account(self, name: str) -> bool:
        return self._run("DELETE FROM accounts WHERE name = %s", (name,)) > 0

    # ---- audit log -----------------------------------------------------------------------------

    def append_audit(self, row: AuditRow) -> None:
        self._run(
            "INSERT INTO audit_log (at, user_name, role, action, target, detail) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            row,
        )

    def audit_rows(
        self, *, user: str | None, action_prefix: str | None, limit: int | None
    ) -> list[AuditRow]:
        """Newest first."""
        rows = self._rows(
            "SELECT at, user_name, role, action, target, detail FROM audit_log "
            "WHERE (%s::text IS NULL OR user_name = %s) "
            "AND (%s::text IS NULL OR left(action, length(%s)) = %s) "
            "ORDER BY id DESC LIMIT %s",
            (user, user, action_prefix, action_prefix, action_prefix, limit),
        )
        return [tuple(str(v) for v in row) for row in rows]  # type: ignore[misc]

    # ---- sign-in failures ----------------------------------------------------------------------

    def add_failure(self, key: str, *, now: float, forget_before: float) -> int:
        """Count one more failure for `key` (restarting from 1 when the last one is older than
        `forget_before`) in one statement, so concurrent processes never lose a count."""
        rows = self._rows(
            "INSERT INTO signin_failures AS f (key, failures, last_at) VALUES (%s, 1, %s) "
            "ON CONFLICT (key) DO UPDATE SET "
            "failures = CASE WHEN f.last_at < %s THEN 1 ELSE f.failures + 1 END, "
            "last_at = EXCLUDED.last_at RETURNING failures",
            (key, now, forget_before),
        )
        return int(rows[0][0])

    def failure(self, key: str) -> tuple[int, float] | None:
        rows = self._rows("SELECT failures, last_at FROM signin_failures WHERE key = %s", (key,))
        return None if not rows else (int(rows[0][0]), float(rows[0][1]))

    def clear_failures(self, key: str) -> None:
        self._run("DELETE FROM signin_failures WHERE key = %s", (key,))

    # ---- session tokens ------------------------------------------------------------------------

    def secret(self, name: str, *, make: Callable[[], bytes]) -> bytes:
        """The secret called `name`; the first process to ask stores `make()` (one for all)."""
        self._run(
            "INSERT INTO app_secrets (name, value) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (name, make()),
        )
        rows = self._rows("SELECT value FROM app_secrets WHERE name = %s", (name,))
        return bytes(rows[0][0])

    def revoke_session(self, token_id: str, *, expires_at: float, now: float) -> None:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("DELETE FROM revoked_sessions WHERE expires_at < %s", (now,))
            conn.execute(
                "INSERT INTO revoked_sessions (token_id, expires_at) VALUES (%s, %s) "
                "ON CONFLICT DO NOTHING",
                (token_id, expires_at),
            )

    def is_revoked(self, token_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM revoked_sessions WHERE token_id = %s", (token_id,)))
