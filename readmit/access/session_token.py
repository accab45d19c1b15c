"""Signed, expiring session tokens: a signed-in user stays signed in across reloads and tabs.

A token is `v1.<payload>.<signature>`: the payload (base64url JSON: user name, token id, issued
and expiry times) signed with HMAC-SHA256 under a server secret that lives with the deployment's
data (the index database in server mode, a 0600 file beside the users file otherwise), never in
the repository. Verification checks the signature in constant time (`hmac.compare_digest`),
the expiry and the revocation list; signing out revokes the token until it would have expired.
A token carries no role or groups: those are read from the accounts on every use, so a removed
account or a changed role takes effect at once.

Tokens are ASCII letters, digits and `-_.` only, so they are inert in a cookie or an HTML page.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from readmit.access.throttle import Clock

TOKEN_VERSION = "v1"
SECRET_BYTES = 32
DEFAULT_LIFETIME = 12 * 3600.0  # seconds; READMIT_SESSION_HOURS configures it


class Revocations(Protocol):
    def revoke_session(self, token_id: str, *, expires_at: float, now: float) -> None: ...

    def is_revoked(self, token_id: str) -> bool: ...


class MemoryRevocations:
    def __init__(self) -> None:
        self._revoked: dict[str, float] = {}
        self._lock = threading.Lock()

    def revoke_session(self, token_id: str, *, expires_at: float, now: float) -> None:
        with self._lock:
            self._revoked = {k: v for k, v in self._revoked.items() if v >= now}
            self._revoked[token_id] = expires_at

    def is_revoked(self, token_id: str) -> bool:
        with self._lock:
            return token_id in self._revoked


class FileRevocations:
    """Revoked token ids, one JSON line each, in a local file (embedded deployments)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def revoke_session(self, token_id: str, *, expires_at: float, now: float) -> None:
        line = json.dumps({"id": token_id, "expires_at": expires_at}) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line.encode("ascii"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def is_revoked(self, token_id: str) -> bool:
        if not self.path.exists():
            return False
        with open(self.path, encoding="ascii", errors="replace") as handle:
            for line in handle:
                with contextlib.suppress(ValueError, TypeError, AttributeError):
                    if json.loads(line).get("id") == token_id:
                        return True
        return False


def file_secret(path: Path) -> bytes:
    """The secret in `path`, made (random, owner-only) by the first caller."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process made it first
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(descriptor, secrets.token_bytes(SECRET_BYTES).hex().encode("ascii"))
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
    secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
    if len(secret) < SECRET_BYTES:
        raise ValueError(f"{path}: the session secret is too short")
    return secret


@dataclass(frozen=True)
class SessionClaims:
    user: str
    token_id: str
    issued_at: float
    expires_at: float


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionTokens:
    def __init__(
        self,
        secret: bytes | Callable[[], bytes],
        *,
        revocations: Revocations | None = None,
        lifetime: float = DEFAULT_LIFETIME,
        clock: Clock = time.time,
    ) -> None:
        self._secret = secret
        self.revocations = revocations if revocations is not None else MemoryRevocations()
        self.lifetime = lifetime
        self.clock = clock

    def _key(self) -> bytes:
        # Read lazily: a deployment without sign-in never creates a secret.
        if callable(self._secret):
            self._secret = self._secret()
        return self._secret

    def _sign(self, signed_part: str) -> str:
        return _b64(hmac.new(self._key(), signed_part.encode("ascii"), hashlib.sha256).digest())

    def issue(self, user: str) -> str:
        now = self.clock()
        payload = {
            "u": user,
            "id": secrets.token_urlsafe(16),
            "iat": round(now, 3),
            "exp": round(now + self.lifetime, 3),
        }
        body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
        signed_part = f"{TOKEN_VERSION}.{body}"
        return f"{signed_part}.{self._sign(signed_part)}"

    def verify(self, token: str | None) -> SessionClaims | None:
        """The claims of a genuine, unexpired, unrevoked token; None for anything else."""
        if not token or len(token) > 2048:
            return None
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != TOKEN_VERSION:
            return None
        signed_part = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(self._sign(signed_part), parts[2]):
            return None
        try:
            payload = json.loads(_unb64(parts[1]))
            claims = SessionClaims(
                user=str(payload["u"]),
                token_id=str(payload["id"]),
                issued_at=float(payload["iat"]),
                expires_at=float(payload["exp"]),
            )
        except (ValueError, KeyError, TypeError):
            return None
        if claims.expires_at <= self.clock():
            return None
        if self.revocations.is_revoked(claims.token_id):
            return None
        return claims

    def revoke(self, token: str | None) -> bool:
        """Refuse `token` from now on (sign-out); False if it was not a valid token."""
        claims = self.verify(token)
        if claims is None:
            return False
        self.revocations.revoke_session(
            claims.token_id, expires_at=claims.expires_at, now=self.clock()
        )
        return True
