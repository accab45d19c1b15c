"""The door of a group deployment: sign-in throttling and lock-out (an injected clock, no
sleeping), audited failures, session tokens that survive a reload and die at sign-out, the
case-insensitive e-mail match of identity-provider users, and no silent fallback to "no
sign-in" for a group deployment, with files and with accounts in PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from readmit.access import Role
from readmit.access.deployment import open_gate
from readmit.access.gate import WRONG_PASSWORD, AccessGate
from readmit.access.session_token import SessionTokens
from readmit.access.signin import SignInMode, SignInRequiredError, client_address
from readmit.access.throttle import SignInThrottle, ThrottlePolicy
from readmit.access.users import UserStore, UserStoreError
from readmit.settings import load_settings

PASSWORD = "correct horse battery"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# ---- the throttle ------------------------------------------------------------------------------


def test_back_off_after_five_failures_and_lock_out_after_ten() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(clock=clock)
    for _ in range(5):
        assert throttle.check("alice", "10.0.0.1") is None
        throttle.failed("alice", "10.0.0.1")
    # The 5 free attempts are spent: the next waits 1 s, and each failure doubles the wait.
    waits = []
    for _ in range(5):
        refusal = throttle.check("alice", "10.0.0.1")
        assert refusal is not None and not refusal.locked
        assert "wait" in refusal.message()
        waits.append(refusal.retry_in)
        clock.advance(refusal.retry_in)
        assert throttle.check("alice", "10.0.0.1") is None
        if len(waits) < 5:
            throttle.failed("alice", "10.0.0.1")
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0]
    throttle.failed("alice", "10.0.0.1")  # the 10th
    locked = throttle.check("alice", "10.0.0.1")
    assert locked is not None and locked.locked and locked.retry_in == 15 * 60
    assert "locked" in locked.message()
    clock.advance(14 * 60)
    assert throttle.check("alice", "10.0.0.1") is not None
    clock.advance(60)
    assert throttle.check("alice", "10.0.0.1") is None  # the lock has run out


def test_accounts_and_clients_are_throttled_apart() -> None:
    clock = FakeClock()
    throttle = SignInThrottle(clock=clock, policy=ThrottlePolicy(free_failures=2))
    for name in ("a", "b", "c"):  # one client guessing three accounts
        throttle.failed(name, "10.0.0.9")
    refused = throttle.check("d", "10.0.0.9")
    assert refused is not None and refused.key == "client:10.0.0.9"
    assert throttle.check("d", "10.0.0.8") is None  # another client, an untouched account
    for client in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):  # many clients guessing one account
        throttle.failed("victim", client)
    refused = throttle.check("victim", "4.4.4.4")
    assert refused is not None and refused.key == "account:victim"
    # Success clears the account's count, not the client's.
    throttle.succeeded("d")
    assert throttle.check("d", "10.0.0.9") is not None
    # A day later everything is forgotten.
    clock.advance(24 * 3600 + 1)
    assert throttle.check("victim", "4.4.4.4") is None
    assert throttle.check("d", "10.0.0.9") is None


def test_the_client_behind_a_local_reverse_proxy_is_its_last_forwarded_address() -> None:
    assert client_address(remote="203.0.113.9", forwarded_for="10.9.9.9") == "203.0.113.9"
    assert client_address(remote=None, forwarded_for=None) is None  # the local user
    # The proxy appends the address it saw; what the client sent before it may be forged.
    forwarded = "1.2.3.4, 198.51.100.7"
    assert client_address(remote=None, forwarded_for=forwarded) == "198.51.100.7"
    assert client_address(remote="127.0.0.1", forwarded_for=forwarded) == "198.51.100.7"
    assert client_address(remote=None, forwarded_for="2001:db8::1") == "2001:db8::1"
    assert client_address(remote=None, forwarded_for="1.2.3.4, not-an-address") is None


# ---- the gate with local files -----------------------------------------------------------------


def local_gate(tmp_path: Path, clock: FakeClock, *, required: bool = False) -> AccessGate:
    settings = load_settings(index_dir=tmp_path / "index", environ={}, cwd=tmp_path)
    environ = {"READMIT_SIGN_IN": "required"} if required else {}
    return open_gate(settings, environ=environ, clock=clock)


def test_forty_wrong_passwords_are_throttled_locked_and_audited(tmp_path: Path) -> None:
    clock = FakeClock()
    gate = local_gate(tmp_path, clock)
    gate.accounts.add("alice", role=Role.DRAFTER, password=PASSWORD)
    answers = []
    for _ in range(40):
        answers.append(gate.sign_in("alice", "wrong password", client="10.0.0.1").message)
        clock.advance(20)  # a patient attacker: past every back-off, not past the lock-out
    assert answers[:10] == [WRONG_PASSWORD] * 10
    assert all("locked" in a for a in answers[10:])
    # Even the right password is not checked during the lock-out.
    locked = gate.sign_in("alice", PASSWORD, client="10.0.0.2")
    assert locked.principal is None and "locked" in locked.message
    entries = gate.audit.entries()
    failed = [e for e in entries if e.action == "signin.failed"]
    throttled = [e for e in entries if e.action == "signin.throttled"]
    assert (len(failed), len(throttled)) == (10, 31)
    assert all(e.target == "alice" and e.role == "none" for e in failed + throttled)
    assert "client=10.0.0.1" in failed[-1].detail
    assert all(PASSWORD not in e.describe() and "wrong" not in e.detail for e in entries)
    clock.advance(15 * 60)  # the lock runs out 15 minutes after the 10th failure
    result = gate.sign_in("alice", PASSWORD, client="10.0.0.2")
    assert result.principal is not None and result.principal.name == "alice"
    assert gate.audit.entries(action="signin")[0].action == "signin"


def test_a_session_token_survives_a_reload_until_sign_out_or_expiry(tmp_path: Path) -> None:
    clock = FakeClock()
    gate = local_gate(tmp_path, clock)
    gate.accounts.add("alice", role=Role.DRAFTER, groups=("negotiators",), password=PASSWORD)
    token = gate.sign_in("alice", PASSWORD, client=None).token
    assert token is not None and set(token) <= set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."
    )
    # A reload (a new session of another gate of the same deployment) resumes it.
    reloaded = local_gate(tmp_path, clock)
    resumed = reloaded.resume(token)
    assert resumed is not None and resumed.groups == ("negotiators",)
    # Role changes apply at once; a tampered or foreign token is nobody.
    gate.accounts.add("alice", role=Role.READER)
    assert reloaded.resume(token).role is Role.READER  # type: ignore[union-attr]
    head, body, signature = token.split(".")
    assert reloaded.resume(f"{head}.{body}.{signature[:-2]}AA") is None
    assert reloaded.resume(f"{head}.{body[:-2]}AA.{signature}") is None
    foreign = SessionTokens(b"x" * 32, clock=clock).issue("alice")
    assert reloaded.resume(foreign) is None
    assert reloaded.resume("") is None and reloaded.resume(None) is None
    # Sign-out in one process revokes it for every process of the deployment.
    gate.sign_out(token, resumed)
    assert reloaded.resume(token) is None
    assert gate.audit.entries(action="signout")[0].user == "alice"
    # Expiry (12 hours by default).
    second = gate.sign_in("alice", PASSWORD, client=None).token
    clock.advance(12 * 3600 - 1)
    assert gate.resume(second) is not None
    clock.advance(2)
    assert gate.resume(second) is None
    # A removed account is signed out.
    third = gate.sign_in("alice", PASSWORD, client=None).token
    gate.accounts.remove("alice")
    assert gate.resume(third) is None
    secret = tmp_path / ".readmit" / "session-secret"
    assert secret.exists() and oct(secret.stat().st_mode & 0o777) == "0o600"


def test_oidc_email_match_ignores_case(tmp_path: Path) -> None:
    gate = local_gate(tmp_path, FakeClock())
    gate.accounts.add("alice@org.eu", role=Role.DRAFTER, groups=("negotiators",))
    found = gate.oidc_principal(email="Alice@ORG.eu", email_verified=True)
    assert found is not None and found.name == "alice@org.eu"
    assert found.groups == ("negotiators",)
    assert gate.oidc_principal(email="Alice@ORG.eu", email_verified=False) is None
    assert gate.oidc_principal(email="bob@org.eu", email_verified=True) is None
    assert gate.oidc_principal(email="", email_verified=True) is None
    with pytest.raises(UserStoreError, match="only in case"):
        gate.accounts.add("ALICE@org.eu", role=Role.MAINTAINER)


def test_a_group_deployment_never_falls_back_to_no_sign_in(tmp_path: Path) -> None:
    # Local default: no users file, loopback: the single-user mode, as before.
    local = local_gate(tmp_path, FakeClock())
    mode = local.mode(oidc_configured=False)
    assert mode is SignInMode.NONE
    local.check_start(address="127.0.0.1", mode=mode)
    # A group deployment whose users file is missing (behind a reverse proxy on loopback).
    group = local_gate(tmp_path, FakeClock(), required=True)
    with pytest.raises(SignInRequiredError, match="group deployment"):
        group.check_start(address="127.0.0.1", mode=group.mode(oidc_configured=False))
    group.accounts.add("mia", role=Role.MAINTAINER, password=PASSWORD)
    group.check_start(address="127.0.0.1", mode=group.mode(oidc_configured=False))
    assert isinstance(group.accounts, UserStore) and group.accounts.required


# ---- server mode: accounts, audit, counters and sessions in PostgreSQL -------------------------


def server_gate(
    tmp_path: Path, url: str, clock: FakeClock, environ: dict[str, str] | None = None
) -> AccessGate:
    settings = load_settings(index_dir=url, environ={}, cwd=tmp_path)
    return open_gate(settings, environ=environ or {}, clock=clock)


def test_server_mode_keeps_accounts_audit_and_sessions_in_the_database(
    tmp_path: Path, pg_url: str
) -> None:
    clock = FakeClock()
    first = server_gate(tmp_path / "one", pg_url, clock)  # two app processes, two folders
    second = server_gate(tmp_path / "two", pg_url, clock)
    try:
        # No accounts yet: a server deployment refuses to start, even on loopback, unless
        # told explicitly that one person uses it alone.
        with pytest.raises(SignInRequiredError):
            first.check_start(address="127.0.0.1", mode=first.mode(oidc_configured=False))
        alone = server_gate(tmp_path / "alone", pg_url, clock, {"READMIT_SIGN_IN": "optional"})
        alone.check_start(address="127.0.0.1", mode=alone.mode(oidc_configured=False))
        alone.accounts.tables.close()  # type: ignore[attr-defined]
        first.accounts.add("Mia@Org.eu", role=Role.MAINTAINER, password=PASSWORD)
        assert second.mode(oidc_configured=False) is SignInMode.PASSWORD
        second.check_start(address="127.0.0.1", mode=SignInMode.PASSWORD)
        assert [a.name for a in second.accounts.list()] == ["Mia@Org.eu"]
        assert second.oidc_principal(email="mia@org.EU", email_verified=True) is not None

        # Failures count across processes: 5 on one, the 6th on the other is throttled.
        for _ in range(5):
            assert first.sign_in("Mia@Org.eu", "wrong", client="10.0.0.1").principal is None
        refused = second.sign_in("Mia@Org.eu", PASSWORD, client="10.0.0.7")
        assert refused.principal is None and "wait" in refused.message
        clock.advance(2)
        signed_in = second.sign_in("Mia@Org.eu", PASSWORD, client="10.0.0.7")
        assert signed_in.principal is not None

        # One session secret and one revocation list for every process.
        assert first.resume(signed_in.token) is not None
        first.sign_out(signed_in.token, signed_in.principal)
        assert second.resume(signed_in.token) is None

        actions = [e.action for e in second.audit.entries()]
        assert actions.count("signin.failed") == 5
        assert actions.count("signin.throttled") == 1 and "signout" in actions
        assert not (tmp_path / "one" / ".readmit").exists()  # nothing in local files
        assert not (tmp_path / "two" / ".readmit").exists()
    finally:
        for gate in (first, second):
            gate.accounts.tables.close()  # type: ignore[attr-defined]


def test_readmit_users_in_server_mode_writes_the_database(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from readmit.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("READMIT_INDEX", pg_url)
    runner = CliRunner()
    added = runner.invoke(
        main, ["users", "add", "Anna@Example.org", "--role", "drafter", "--no-password"]
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["--user", "Anna@Example.org", "users", "list", "--json"])
    assert listed.exit_code != 0  # a drafter may not manage users
    runner.invoke(main, ["--user", "Anna@Example.org", "users", "add", "x", "--role", "reader"])
    gate = server_gate(tmp_path, pg_url, FakeClock())
    try:
        assert [a.name for a in gate.accounts.list()] == ["Anna@Example.org"]
        # newest first: the drafter's two refused attempts (list, add), then the first account
        assert [e.action for e in gate.audit.entries()] == [
            "access.refused",
            "access.refused",
            "user.add",
        ]
    finally:
        gate.accounts.tables.close()  # type: ignore[attr-defined]
    assert not (tmp_path / ".readmit" / "users.json").exists()
    assert not (tmp_path / ".readmit" / "audit.jsonl").exists()


def test_readmit_users_import_moves_file_accounts_into_the_database(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from readmit.cli import main

    users_file = tmp_path / "users.json"
    local = UserStore(users_file)
    local.add("mia", role=Role.MAINTAINER, password=PASSWORD)
    local.add("rita", role=Role.READER, groups=("secretariat",), password=PASSWORD)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("READMIT_INDEX", pg_url)
    result = CliRunner().invoke(main, ["users", "import", str(users_file)])
    assert result.exit_code == 0, result.output
    assert "imported 2 account(s)" in result.output
    again = CliRunner().invoke(main, ["--user", "mia", "users", "import", str(users_file)])
    assert "imported 0 account(s)" in again.output
    gate = server_gate(tmp_path, pg_url, FakeClock())
    try:
        assert [(a.name, a.role, a.groups) for a in gate.accounts.list()] == [
            ("mia", Role.MAINTAINER, ()),
            ("rita", Role.READER, ("secretariat",)),
        ]
        # The password hashes came along: the same passwords sign in.
        assert gate.sign_in("rita", PASSWORD, client=None).principal is not None
        assert len(gate.audit.entries(action="user.add")) == 2
    finally:
        gate.accounts.tables.close()  # type: ignore[attr-defined]
