"""Roles, the users store (argon2 hashes), the audit log, sign-in modes and sidecar visibility."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from index.storage import Collection, open_collection
from ingest.metadata import MetadataError, load_meta
from readmit.access import (
    LOCAL_MAINTAINER,
    AccessDeniedError,
    Action,
    AuditLog,
    Principal,
    Role,
    UserStore,
    UserStoreError,
    authorise,
)
from readmit.access.signin import (
    SignInMode,
    SignInRequiredError,
    check_bind_address,
    is_loopback,
    sign_in_mode,
)

READER = Principal(name="rita", role=Role.READER, groups=("secretariat",))
DRAFTER = Principal(name="dirk", role=Role.DRAFTER, groups=("negotiators",))
MAINTAINER = Principal(name="mia", role=Role.MAINTAINER)


# ---- roles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "allowed"),
    [
        (READER, {Action.SEARCH, Action.EXPORT}),
        (DRAFTER, {Action.SEARCH, Action.EXPORT, Action.DRAFT}),
        (MAINTAINER, set(Action)),
    ],
)
def test_each_role_may_do_exactly_its_actions(principal: Principal, allowed: set[Action]) -> None:
    for action in Action:
        if action in allowed:
            authorise(principal, action)
        else:
            with pytest.raises(AccessDeniedError) as refused:
                authorise(principal, action)
            message = str(refused.value)
            assert principal.name in message and action.value in message
            assert "role" in message


def test_principal_is_frozen_and_sees_by_group() -> None:
    with pytest.raises(AttributeError):
        READER.role = Role.MAINTAINER  # type: ignore[misc]
    assert READER.may_see(())
    assert READER.may_see(("secretariat", "other"))
    assert not READER.may_see(("negotiators",))
    assert MAINTAINER.may_see(("negotiators",))
    assert READER.visible_groups == ("secretariat",)
    assert MAINTAINER.visible_groups is None
    assert LOCAL_MAINTAINER.role is Role.MAINTAINER and LOCAL_MAINTAINER.visible_groups is None


# ---- users store ---------------------------------------------------------------------------------


def test_users_store_keeps_argon2_hashes_only(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.json")
    assert users.is_empty()
    users.add("alice", role=Role.DRAFTER, groups=("negotiators",), password="correct horse 1")
    raw = (tmp_path / "users.json").read_text(encoding="utf-8")
    assert "correct horse 1" not in raw
    stored = json.loads(raw)["users"]["alice"]["password_hash"]
    assert stored.startswith("$argon2id$")
    assert stat.S_IMODE((tmp_path / "users.json").stat().st_mode) == 0o600
    principal = users.authenticate("alice", "correct horse 1")
    assert principal == Principal(name="alice", role=Role.DRAFTER, groups=("negotiators",))
    assert users.authenticate("alice", "wrong password") is None
    assert users.authenticate("nobody", "correct horse 1") is None


def test_users_store_updates_and_removes(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.json")
    users.add("bob@example.org", role=Role.READER)  # an identity-provider user: no password
    assert users.authenticate("bob@example.org", "") is None
    users.add("bob@example.org", role=Role.MAINTAINER, groups=("b", "a", "a"))
    account = users.get("bob@example.org")
    assert account is not None
    assert (account.role, account.groups, account.has_password) == (
        Role.MAINTAINER,
        ("a", "b"),
        False,
    )
    assert users.remove("bob@example.org") is True
    assert users.remove("bob@example.org") is False
    assert users.is_empty()


@pytest.mark.parametrize(
    ("name", "groups", "password", "complaint"),
    [
        ("../evil", (), None, "invalid user name"),
        ("ok", ("bad group",), None, "invalid group name"),
        ("ok", (), "short", "at least"),
    ],
)
def test_users_store_refuses_bad_input(
    tmp_path: Path, name: str, groups: tuple[str, ...], password: str | None, complaint: str
) -> None:
    users = UserStore(tmp_path / "users.json")
    with pytest.raises(UserStoreError, match=complaint):
        users.add(name, role=Role.READER, groups=groups, password=password)
    assert not (tmp_path / "users.json").exists()


def test_damaged_users_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(UserStoreError, match="unreadable users file"):
        UserStore(path).list()


# ---- audit log -----------------------------------------------------------------------------------


def test_audit_log_records_who_what_when(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.record(DRAFTER, "draft.create", "d1", "Model agreement")
    log.record(MAINTAINER, "document.remove", "doc-a")
    with open(tmp_path / "audit.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"torn": ')  # a torn last line is skipped, not fatal
    entries = log.entries()
    assert [(e.user, e.role, e.action, e.target) for e in entries] == [
        ("mia", "maintainer", "document.remove", "doc-a"),
        ("dirk", "drafter", "draft.create", "d1"),
    ]
    assert entries[1].detail == "Model agreement" and entries[1].at.endswith("+00:00")
    assert [e.target for e in log.entries(user="dirk")] == ["d1"]
    assert [e.target for e in log.entries(action="document")] == ["doc-a"]


# ---- sign-in modes and the bound address -------------------------------------------------------


def test_sign_in_mode() -> None:
    assert sign_in_mode(oidc_configured=True, has_accounts=True) is SignInMode.OIDC
    assert sign_in_mode(oidc_configured=False, has_accounts=True) is SignInMode.PASSWORD
    assert sign_in_mode(oidc_configured=False, has_accounts=False) is SignInMode.NONE


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("", False),
        (None, False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_only_loopback_runs_without_sign_in(address: str | None, loopback: bool) -> None:
    assert is_loopback(address) is loopback
    if loopback:
        check_bind_address(address, SignInMode.NONE)
    else:
        with pytest.raises(SignInRequiredError, match="no sign-in is configured"):
            check_bind_address(address, SignInMode.NONE)
    check_bind_address(address, SignInMode.PASSWORD)  # with sign-in any address is allowed


# ---- visibility in the sidecar -------------------------------------------------------------------


def _sidecar(tmp_path: Path, visibility: object) -> Path:
    document = tmp_path / "doc-en.txt"
    document.write_text("Article 1\nText.\n", encoding="utf-8")
    meta = {"title": "A document", "visibility": visibility}
    (tmp_path / "doc-en.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return document


def test_sidecar_visibility(tmp_path: Path) -> None:
    assert load_meta(_sidecar(tmp_path, "public")).visibility == ()
    restricted = load_meta(_sidecar(tmp_path, {"groups": ["negotiators", "legal", "legal"]}))
    assert restricted.visibility == ("legal", "negotiators")


@pytest.mark.parametrize(
    "visibility", ["secret", {"groups": []}, {"groups": ["bad name"]}, {"users": ["x"]}, ["g"]]
)
def test_bad_sidecar_visibility_is_refused(tmp_path: Path, visibility: object) -> None:
    with pytest.raises(MetadataError, match="visibility"):
        load_meta(_sidecar(tmp_path, visibility))


# ---- `readmit users` and `readmit audit` -------------------------------------------------------


def test_users_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from readmit.cli import main

    users_file, audit_file = tmp_path / "users.json", tmp_path / "audit.jsonl"
    monkeypatch.setenv("READMIT_USERS", str(users_file))
    monkeypatch.setenv("READMIT_AUDIT", str(audit_file))
    monkeypatch.delenv("READMIT_USER", raising=False)
    runner = CliRunner()
    secret = "mia's long password"
    # The first account needs no --user: whoever can write the users file administers it.
    first = runner.invoke(
        main, ["users", "add", "mia", "--role", "maintainer"], input=f"{secret}\n{secret}\n"
    )
    assert first.exit_code == 0, first.output
    assert "added mia (maintainer)" in first.output
    assert secret not in users_file.read_text(encoding="utf-8")
    assert UserStore(users_file).authenticate("mia", secret) is not None
    # From now on a maintainer must be named.
    anonymous = runner.invoke(main, ["users", "add", "rita", "--role", "reader", "--no-password"])
    assert anonymous.exit_code == 2 and "--user" in anonymous.output
    added = runner.invoke(
        main,
        ["--user", "mia", "users", "add", "rita", "--role", "reader", "--group", "secretariat"],
        input="rita's password\nrita's password\n",
    )
    assert added.exit_code == 0 and "added rita (reader)" in added.output
    oidc = runner.invoke(
        main,
        ["--user", "mia", "users", "add", "anna@example.org", "--role", "drafter", "--no-password"],
    )
    assert oidc.exit_code == 0, oidc.output
    listed = runner.invoke(main, ["--user", "mia", "users", "list", "--json"])
    assert listed.exit_code == 0
    assert json.loads(listed.output) == [
        {"name": "anna@example.org", "role": "drafter", "groups": [], "password": False},
        {"name": "mia", "role": "maintainer", "groups": [], "password": True},
        {"name": "rita", "role": "reader", "groups": ["secretariat"], "password": True},
    ]
    table = runner.invoke(main, ["--user", "mia", "users", "list"])
    assert "identity provider" in table.output and "secretariat" in table.output
    assert "argon2" not in table.output + listed.output
    refused = runner.invoke(main, ["--user", "rita", "users", "remove", "mia"])
    assert refused.exit_code == 2 and "rita (reader) may not manage users" in refused.output
    bad = runner.invoke(main, ["--user", "mia", "users", "add", "x y", "--role", "reader"])
    assert bad.exit_code == 2 and "invalid user name" in bad.output
    removed = runner.invoke(main, ["--user", "mia", "users", "remove", "rita"])
    assert removed.exit_code == 0 and "removed rita" in removed.output
    again = runner.invoke(main, ["--user", "mia", "users", "remove", "rita"])
    assert again.exit_code == 1 and "no such user: rita" in again.output
    assert UserStore(users_file).get("rita") is None
    audit = runner.invoke(main, ["--user", "mia", "audit"])
    assert audit.exit_code == 0, audit.output
    lines = audit.output.splitlines()
    assert "user.remove" in lines[0] and "rita" in lines[0] and "mia (maintainer)" in lines[0]
    assert [json.loads(line)["action"] for line in audit_file.read_text().splitlines()] == [
        "user.add",
        "user.add",
        "user.add",
        "access.refused",  # rita's attempt to remove mia
        "user.remove",
    ]


# ---- visibility in the index (store filter, migration of an older index) -----------------------


def _restricted_collection(path: Path) -> Collection:
    import dataclasses

    from index.embedders import HashingEmbedder
    from tests.harness.documents import make_chunks, make_document

    collection = open_collection(path, embedder=HashingEmbedder(dimension=64))
    articles = [("1", "Time limits", "The requested State shall reply within 10 days.")]
    public = make_document("public-en", articles)
    secret = make_document("secret-en", articles)
    secret = dataclasses.replace(
        secret, meta=dataclasses.replace(secret.meta, visibility=("legal", "negotiators"))
    )
    for doc in (public, secret):
        collection.upsert_document(doc, make_chunks(doc))
    return collection


def test_visibility_filter_in_the_store(tmp_path: Path) -> None:
    from index.storage import visible_collection
    from index.types import SearchFilters

    collection = _restricted_collection(tmp_path / "index")
    by_doc = {c.chunk_id: c.doc_id for c in collection.chunk_texts()}

    def visible_docs(groups: tuple[str, ...] | None) -> set[str]:
        allowed = collection.allowed_chunk_ids(SearchFilters(visible_groups=groups))
        return {by_doc[c] for c in allowed}

    assert visible_docs(None) == {"public-en", "secret-en"}
    assert visible_docs(()) == {"public-en"}
    assert visible_docs(("other",)) == {"public-en"}
    assert visible_docs(("negotiators",)) == {"public-en", "secret-en"}
    document = collection.get_document("secret-en")
    assert document is not None and document.visibility == ("legal", "negotiators")
    view = visible_collection(collection, groups=("other",))
    vector = collection.embedder.encode_queries(["reply within 10 days"])[0]
    assert {h.doc_id for h in view.search_vectors(vector, k=10)} == {"public-en"}
    assert [d.doc_id for d in view.list_documents()] == ["public-en"]
    assert view.status().documents == 1
    collection.close()


def test_an_older_index_gains_the_visibility_column(tmp_path: Path) -> None:
    import sqlite3

    from index.embedders import HashingEmbedder

    _restricted_collection(tmp_path / "index").close()
    db = sqlite3.connect(tmp_path / "index" / "meta.sqlite")
    db.execute("ALTER TABLE documents DROP COLUMN visibility")  # as built before the column
    db.commit()
    db.close()
    with open_collection(tmp_path / "index", embedder=HashingEmbedder(dimension=64)) as reopened:
        assert {d.doc_id: d.visibility for d in reopened.list_documents()} == {
            "public-en": (),
            "secret-en": (),
        }
        assert reopened.verify() == []
