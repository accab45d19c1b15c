"""Where a deployment keeps its accounts, audit log, sign-in counters and session secret.

Embedded (a folder index): the users file (`READMIT_USERS`, default `.readmit/users.json`), the
audit file (`READMIT_AUDIT`), a 0600 `session-secret` and `revoked-sessions.jsonl` beside the
users file, failure counts in the process (one machine, normally one app process).

Server mode (a `postgresql://` index): all of it in the index's database (`index.pg_accounts`),
shared by every process.

`READMIT_SIGN_IN=required` makes a deployment a group deployment: with no account (a missing
users file, an empty accounts table) and no identity provider it refuses to start instead of
falling back to the local single-user mode. It is the default in server mode;
`READMIT_SIGN_IN=optional` (the embedded default) allows the single-user mode on loopback, e.g.
for one person using a local PostgreSQL.

`READMIT_SESSION_HOURS` (default 12): how long a sign-in lasts across reloads and tabs.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Mapping

from index.drivers import require_server_drivers
from readmit.access.audit import AuditLog
from readmit.access.gate import AccessGate
from readmit.access.session_token import (
    DEFAULT_LIFETIME,
    SECRET_BYTES,
    FileRevocations,
    SessionTokens,
    file_secret,
)
from readmit.access.throttle import Clock, MemoryFailures, SignInThrottle
from readmit.access.users import AccountStore, UserStore
from readmit.settings import Settings, is_server

SESSION_HOURS_ENV = "READMIT_SESSION_HOURS"
SIGN_IN_ENV = "READMIT_SIGN_IN"
SIGN_IN_CHOICES = ("required", "optional")
SESSION_SECRET_NAME = "session"


def session_lifetime(environ: Mapping[str, str]) -> float:
    configured = environ.get(SESSION_HOURS_ENV)
    if not configured:
        return DEFAULT_LIFETIME
    try:
        hours = float(configured)
    except ValueError:
        raise ValueError(f"{SESSION_HOURS_ENV}={configured!r} is not a number of hours") from None
    if not 0 < hours <= 24 * 30:
        raise ValueError(f"{SESSION_HOURS_ENV} must be between 0 and 720 hours")
    return hours * 3600.0


def sign_in_required(environ: Mapping[str, str], *, server: bool) -> bool:
    configured = environ.get(SIGN_IN_ENV, "").strip().lower()
    if not configured:
        return server
    if configured not in SIGN_IN_CHOICES:
        raise ValueError(f"{SIGN_IN_ENV}={configured!r}: expected one of {SIGN_IN_CHOICES}")
    return configured == "required"


def open_accounts(settings: Settings, *, environ: Mapping[str, str] | None = None) -> AccountStore:
    """The deployment's accounts alone (for `readmit users`)."""
    return open_gate(settings, environ=environ).accounts


def open_audit(settings: Settings) -> AuditLog:
    """The deployment's audit log alone."""
    return open_gate(settings).audit


def open_gate(
    settings: Settings,
    *,
    environ: Mapping[str, str] | None = None,
    clock: Clock = time.time,
) -> AccessGate:
    env = os.environ if environ is None else environ
    lifetime = session_lifetime(env)
    required = sign_in_required(env, server=is_server(settings.index_dir))
    if is_server(settings.index_dir):
        require_server_drivers()
        from index.pg_accounts import PgAccountTables
        from readmit.access.server import ServerAccountStore, ServerAuditLog

        tables = PgAccountTables(str(settings.index_dir))
        return AccessGate(
            accounts=ServerAccountStore(tables, required=required),
            audit=ServerAuditLog(tables),
            throttle=SignInThrottle(tables, clock=clock),
            tokens=SessionTokens(
                lambda: tables.secret(
                    SESSION_SECRET_NAME, make=lambda: secrets.token_bytes(SECRET_BYTES)
                ),
                revocations=tables,
                lifetime=lifetime,
                clock=clock,
            ),
        )
    state = settings.users_file.parent
    return AccessGate(
        accounts=UserStore(settings.users_file, required=required),
        audit=AuditLog(settings.audit_file),
        throttle=SignInThrottle(_local_failures(settings), clock=clock),
        tokens=SessionTokens(
            lambda: file_secret(state / "session-secret"),
            revocations=FileRevocations(state / "revoked-sessions.jsonl"),
            lifetime=lifetime,
            clock=clock,
        ),
    )


# One process's failure counts per users file, shared by every gate the process opens for it
# (the app may open one per session): a new browser tab does not reset them.
_LOCAL_FAILURES: dict[str, MemoryFailures] = {}
_LOCAL_FAILURES_LOCK = threading.Lock()


def _local_failures(settings: Settings) -> MemoryFailures:
    key = str(settings.users_file.resolve())
    with _LOCAL_FAILURES_LOCK:
        return _LOCAL_FAILURES.setdefault(key, MemoryFailures())
