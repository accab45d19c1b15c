"""Sign-in throttling: repeated failures slow down, then lock out, an account and a client.

Failures are counted per account name (an attacker trying many passwords for one user from many
machines) and per client (one machine trying many users). The first `free_failures` cost
nothing; each further one doubles the wait before the next attempt is even checked
(`base_delay` · 2ⁿ, at most `max_delay`); from `lockout_failures` on, the key is locked for
`lockout` seconds after its last failure. A count is forgotten `forget_after` seconds after its
last failure. A correct password clears its account's count only: a client's count decays with
time, so signing in to one's own account does not reset a client that is guessing others'.

Counters live behind `FailureCounter`: in memory for one process (embedded mode), in the
database in server mode (`readmit.access.server`), shared by every app process. The clock is
injected, so tests need no sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

Clock = Callable[[], float]  # seconds since the epoch


class FailureCounter(Protocol):
    def add_failure(self, key: str, *, now: float, forget_before: float) -> int:
        """Count one failure (from 1 again if the last is older than `forget_before`)."""
        ...

    def failure(self, key: str) -> tuple[int, float] | None:
        """(failures, time of the last) for `key`, or None."""
        ...

    def clear_failures(self, key: str) -> None: ...


class MemoryFailures:
    """Failure counts of one process."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def add_failure(self, key: str, *, now: float, forget_before: float) -> int:
        with self._lock:
            failures, last = self._counts.get(key, (0, now))
            failures = 1 if last < forget_before else failures + 1
            self._counts[key] = (failures, now)
            return failures

    def failure(self, key: str) -> tuple[int, float] | None:
        with self._lock:
            return self._counts.get(key)

    def clear_failures(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 5
    base_delay: float = 1.0  # seconds, after the first failure past the free ones
    max_delay: float = 60.0
    lockout_failures: int = 10
    lockout: float = 15 * 60.0
    forget_after: float = 24 * 3600.0


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is not even checked, and for how long."""

    key: str  # "account:NAME" or "client:ADDRESS"
    failures: int
    retry_in: float  # seconds
    locked: bool  # True: the lock-out, False: the back-off

    def message(self) -> str:
        wait = max(1, round(self.retry_in))
        if self.locked:
            minutes = max(1, round(self.retry_in / 60))
            return (
                f"Too many failed sign-ins: sign-in is locked for about {minutes} minute(s). "
                "Ask a maintainer if you forgot your password."
            )
        return f"Too many failed sign-ins: wait {wait} second(s) before trying again."


def account_key(name: str) -> str:
    return f"account:{name.casefold()}"


def client_key(client: str) -> str:
    return f"client:{client}"


class SignInThrottle:
    def __init__(
        self,
        counter: FailureCounter | None = None,
        *,
        policy: ThrottlePolicy | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.counter = counter if counter is not None else MemoryFailures()
        self.policy = policy or ThrottlePolicy()
        self.clock = clock

    def wait_after(self, failures: int) -> tuple[float, bool]:
        """(seconds to wait after the last failure, is it the lock-out) for `failures`."""
        policy = self.policy
        if failures >= policy.lockout_failures:
            return policy.lockout, True
        beyond = failures - policy.free_failures
        if beyond < 0:
            return 0.0, False
        return min(policy.max_delay, policy.base_delay * 2.0**beyond), False

    def _keys(self, name: str, client: str | None) -> list[str]:
        keys = [account_key(name)]
        if client:
            keys.append(client_key(client))
        return keys

    def check(self, name: str, client: str | None) -> Refusal | None:
        """A refusal if the account or the client must wait; None: check the password."""
        now = self.clock()
        worst: Refusal | None = None
        for key in self._keys(name, client):
            found = self.counter.failure(key)
            if found is None:
                continue
            failures, last = found
            if last < now - self.policy.forget_after:
                continue
            wait, locked = self.wait_after(failures)
            retry_in = last + wait - now
            if retry_in > 0 and (worst is None or retry_in > worst.retry_in):
                worst = Refusal(key=key, failures=failures, retry_in=retry_in, locked=locked)
        return worst

    def failed(self, name: str, client: str | None) -> dict[str, int]:
        """Count a failed attempt; the failures now counted per key."""
        now = self.clock()
        forget_before = now - self.policy.forget_after
        return {
            key: self.counter.add_failure(key, now=now, forget_before=forget_before)
            for key in self._keys(name, client)
        }

    def succeeded(self, name: str) -> None:
        self.counter.clear_failures(account_key(name))
