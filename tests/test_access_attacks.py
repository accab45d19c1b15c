"""Access control tested the way an attacker would try it.

A small real corpus (two public implementing protocols and one negotiating text restricted to
the group "negotiators"), indexed with the real MiniLM model, and four accounts:

- rita: reader in "secretariat" (the attacker: may not see the negotiating text),
- sara: drafter in "secretariat" (a draft is shared with this group),
- dirk: drafter in "negotiators" (owns the drafts),
- mia: maintainer.

Rita tries the application facade directly, every CLI command and every page and URL
parameter of the app; nothing of the restricted document or of the unshared draft may appear:
no doc id, no title, no text, no counts that include it.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from index.types import SearchFilters
from readmit.access import AccessDeniedError, AuditLog, Principal, Role, UserStore
from readmit.cli import main
from readmit.drafting import DraftNotFoundError, DraftStore
from readmit.drafting.model import ClauseNotFoundError
from readmit.facade import ClauseScope, Readmit, Services, UploadedFile, open_readmit
from readmit.service import KnowledgeBase
from readmit.settings import load_settings
from tests.harness.corpus import REPO, copy_documents

pytestmark = pytest.mark.slow

DATA = REPO / "tests" / "data" / "access"
SECRET_ID = "zembla-draft-readmission-agreement-2026-en"
PUBLIC_IDS = [
    "benelux-bosnia-implementing-protocol-2013-en",
    "benelux-moldova-implementing-protocol-2013-en",
]
SECRET_DRAFT_TITLE = "Confidential negotiating mandate"
# Nothing shown to rita may contain any of these (case-insensitive).
MARKERS = ("zembla", "negotiating text", "confidential negotiating mandate")
PASSWORD = "a long enough password"
APP = str(REPO / "app.py")

RITA = Principal(name="rita", role=Role.READER, groups=("secretariat",))
SARA = Principal(name="sara", role=Role.DRAFTER, groups=("secretariat",))
DIRK = Principal(name="dirk", role=Role.DRAFTER, groups=("negotiators",))
MIA = Principal(name="mia", role=Role.MAINTAINER)


def assert_no_leak(text: str) -> None:
    lowered = text.lower()
    for marker in MARKERS:
        assert marker not in lowered, (
            f"{marker!r} leaked: …{lowered[lowered.find(marker) - 80 :][:200]}…"
        )


class Setup:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.corpus = base / "corpus"
        self.index = base / "index"
        self.users_file = base / "users.json"
        self.drafts = base / "drafts"
        self.audit_file = base / "audit.jsonl"
        self.kb = KnowledgeBase(self.index, model="minilm")
        self.secret_draft_id = ""
        self.shared_draft_id = ""
        self.secret_clause_id = ""
        self.public_clause_id = ""
        self.services: Services | None = None

    def workbench(self, principal: Principal) -> Readmit:
        """The application facade as `principal` sees it (one set of services for all)."""
        if self.services is None:
            settings = dataclasses.replace(
                load_settings(index_dir=self.index, drafts_dir=self.drafts, corpus_dir=self.corpus),
                users_file=self.users_file,
                audit_file=self.audit_file,
            )
            self.services = Services(settings, kb=self.kb)
        return open_readmit(self.services.settings, principal, services=self.services)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    built = Setup(tmp_path_factory.mktemp("access"))
    copy_documents(built.corpus, PUBLIC_IDS)
    for name in (f"{SECRET_ID}.txt", f"{SECRET_ID}.meta.json"):
        shutil.copy2(DATA / name, built.corpus / name)
    report = built.kb.ingest([built.corpus])
    assert report.failed == () and len(report.indexed) == 3
    users = UserStore(built.users_file)
    for principal in (RITA, SARA, DIRK, MIA):
        users.add(principal.name, role=principal.role, groups=principal.groups, password=PASSWORD)
    dirk = built.workbench(DIRK)
    secret = dirk.create_draft(SECRET_DRAFT_TITLE)
    built.secret_draft_id = secret.draft_id
    shared = dirk.create_draft("Shared model agreement")
    built.shared_draft_id = shared.draft_id
    _, secret_clause = dirk.add_unit_to_draft(
        draft_id=shared.draft_id, doc_id=SECRET_ID, eid="art_3", section="time-limits"
    )
    _, public_clause = dirk.add_unit_to_draft(
        draft_id=shared.draft_id, doc_id=PUBLIC_IDS[0], eid="art_3", section="time-limits"
    )
    built.secret_clause_id = secret_clause.clause_id
    built.public_clause_id = public_clause.clause_id
    dirk.share_draft(shared.draft_id, users=(), groups=("secretariat",))
    return built


# ---- the application facade, called directly ---------------------------------------------------


QUERY = "time limit for replying to a readmission application"


def test_search_filters_inside_retrieval_so_top_10_are_visible(setup: Setup) -> None:
    negotiator = setup.workbench(DIRK).search(QUERY + " Zembla", k=10).hits
    assert negotiator[0].doc_id == SECRET_ID  # the restricted text answers best
    hits = setup.workbench(RITA).search(QUERY + " Zembla", k=10).hits
    assert len(hits) == 10
    assert all(hit.doc_id in PUBLIC_IDS for hit in hits)
    assert [hit.rank for hit in hits] == list(range(1, 11))
    for filters in (SearchFilters(doc_ids=(SECRET_ID,)), SearchFilters(parties=("Zembla",))):
        assert setup.workbench(RITA).search(QUERY, k=10, filters=filters).hits == ()


def test_reader_reads_nothing_of_the_restricted_document(setup: Setup) -> None:
    rita = setup.workbench(RITA)
    assert rita.document(SECRET_ID) is None
    assert rita.article(SECRET_ID, "art_3") is None
    assert rita.article_in_context(SECRET_ID, "art_3") is None
    assert rita.units(SECRET_ID) == [] and rita.structure(SECRET_ID) is None
    assert rita.similar(SECRET_ID, "art_3") == []
    # Below the door, the index as rita's view reads it.
    kb = setup.kb.viewed_by(RITA.visible_groups)
    assert kb.document(SECRET_ID) is None
    assert kb.article(SECRET_ID, "art_3") is None
    assert kb.neighbours(SECRET_ID, "art_3") == (None, None)
    assert kb.counterparts(SECRET_ID, "art_3") == []
    assert kb.more_like_this(SECRET_ID, "art_3") == []
    assert {d.doc_id for d in kb.documents()} == set(PUBLIC_IDS)
    assert all(h.doc_id != SECRET_ID for h in kb.more_like_this(PUBLIC_IDS[0], "art_3"))
    full = setup.kb.status()
    seen = kb.status()
    secret = setup.kb.document(SECRET_ID)
    assert secret is not None and secret.visibility == ("negotiators",)
    assert (seen.documents, seen.chunks) == (full.documents - 1, full.chunks - secret.chunk_count)
    assert all(c.doc_id != SECRET_ID for c in kb.collection.chunk_texts())
    assert kb.collection.slot_assignments(doc_id=SECRET_ID) == []
    with pytest.raises(PermissionError):
        kb.collection.remove_document(SECRET_ID)


def test_clause_intelligence_leaves_the_restricted_document_out(setup: Setup) -> None:
    rita, dirk = setup.workbench(RITA), setup.workbench(DIRK)
    assert any(row["doc_id"] == SECRET_ID for row in dirk.time_limits())
    outputs = [
        rita.clause_matrix(all_documents=True).rows(),
        rita.time_limits(all_documents=True),
        rita.clause_articles("time-limit-reply"),
        rita.accepted_documents(),
        rita.draft_gaps(setup.shared_draft_id),
        rita.guidance_by_slot(),
    ]
    assert_no_leak(repr(outputs))


def test_views_kept_for_one_principal_never_reach_another(setup: Setup) -> None:
    """The facade keeps what the clause views computed (per index generation and visible
    groups) for every later click: the negotiator asks first, so every view is kept with the
    restricted document in it; the reader then asks the very same calls and gets their own."""
    services = Services(setup.workbench(DIRK)._services.settings, kb=setup.kb)  # a fresh cache
    dirk = open_readmit(services.settings, DIRK, services=services)
    rita = open_readmit(services.settings, RITA, services=services)
    scope = ClauseScope(all_documents=True)

    def views(app: Readmit) -> list[object]:
        return [
            app.clause_matrix(scope=scope).rows(),
            app.clause_articles("time-limit-reply", scope=scope),
            app.time_limits(scope=scope),
            app.draft_gaps(setup.shared_draft_id),
            app.guidance_by_slot(),
            app.clause_guidance(app.get_draft(setup.shared_draft_id).clauses[0]),
        ]

    negotiator = repr(views(dirk))
    assert "zembla" in negotiator.lower()  # the negotiator's views hold the restricted text
    kept = len(services.views)
    assert kept >= 5
    reader = repr(views(rita))
    assert_no_leak(reader)
    assert len(services.views) > kept  # the reader's views were computed apart, not shared
    assert repr(views(dirk)) == negotiator  # and the negotiator's are served as kept
    # What a caller changes in an answer does not change what the next caller gets.
    rows = dirk.time_limits(scope=scope)
    rows[0]["doc_id"] = "changed"
    assert dirk.time_limits(scope=scope)[0]["doc_id"] != "changed"


def test_drafts_are_private_unless_shared(setup: Setup) -> None:
    for principal in (RITA, SARA, Principal(name="nora", role=Role.DRAFTER)):
        app = setup.workbench(principal)
        with pytest.raises(DraftNotFoundError) as hidden:
            app.get_draft(setup.secret_draft_id)
        with pytest.raises(DraftNotFoundError) as missing:
            app.get_draft("0" * 32)
        # The same words for a hidden draft as for one that does not exist.
        assert str(hidden.value).replace(setup.secret_draft_id, "ID") == str(missing.value).replace(
            "0" * 32, "ID"
        )
        assert setup.secret_draft_id not in [s.draft_id for s in app.list_drafts()]
        assert not app.draft_exists(setup.secret_draft_id)
        # Its saved versions too: history, an earlier version, an export of one.
        secret = setup.secret_draft_id
        with pytest.raises(DraftNotFoundError):
            app.export_markdown(secret)
        with pytest.raises(DraftNotFoundError):
            app.export_markdown(secret, revision=1)
        with pytest.raises(DraftNotFoundError):
            app.draft_history(secret)
        with pytest.raises(DraftNotFoundError):
            app.draft_version(secret, 1)
        with pytest.raises(DraftNotFoundError):
            app.draft_gaps(secret)
    assert setup.workbench(DIRK).get_draft(setup.secret_draft_id).title == SECRET_DRAFT_TITLE
    assert setup.workbench(MIA).get_draft(setup.secret_draft_id).title == SECRET_DRAFT_TITLE
    assert setup.workbench(DIRK).draft_history(setup.secret_draft_id)


def test_a_clause_from_a_restricted_source_is_shown_only_to_its_readers(setup: Setup) -> None:
    dirk_view = setup.workbench(DIRK).get_draft(setup.shared_draft_id)
    assert {c.clause_id for c in dirk_view.clauses} == {
        setup.secret_clause_id,
        setup.public_clause_id,
    }
    rita = setup.workbench(RITA)
    view = rita.get_draft(setup.shared_draft_id)
    assert [c.clause_id for c in view.clauses] == [setup.public_clause_id]
    listed = {s.draft_id: s.clause_count for s in rita.list_drafts()}
    assert listed[setup.shared_draft_id] == 1
    assert_no_leak(rita.export_markdown(setup.shared_draft_id))
    # Every saved version is narrowed the same way (the one with the restricted clause too).
    for entry in rita.draft_history(setup.shared_draft_id):
        version = rita.draft_version(setup.shared_draft_id, entry.revision)
        assert setup.secret_clause_id not in [c.clause_id for c in version.clauses]
        assert_no_leak(rita.export_markdown(setup.shared_draft_id, revision=entry.revision))
    assert "11 calendar days" in setup.workbench(DIRK).export_markdown(setup.shared_draft_id)


def test_shared_drafter_edits_without_touching_hidden_clauses(setup: Setup) -> None:
    sara = setup.workbench(SARA)
    with pytest.raises(ClauseNotFoundError):
        sara.update_text(setup.shared_draft_id, setup.secret_clause_id, "overwritten")
    with pytest.raises(ClauseNotFoundError):
        sara.remove_clause(setup.shared_draft_id, setup.secret_clause_id)
    sara.set_note(setup.shared_draft_id, setup.public_clause_id, "checked by sara")
    stored = DraftStore(setup.drafts).load(setup.shared_draft_id)
    assert {c.clause_id for c in stored.clauses} == {
        setup.secret_clause_id,
        setup.public_clause_id,
    }
    with pytest.raises(AccessDeniedError, match="only its owner"):
        sara.delete_draft(setup.shared_draft_id)
    with pytest.raises(AccessDeniedError, match="only its owner"):
        sara.share_draft(setup.shared_draft_id, users=("sara",), groups=())
    copy = sara.duplicate_draft(setup.shared_draft_id, "Sara's variant")
    assert [c.text for c in copy.clauses] == [
        c.text for c in sara.get_draft(setup.shared_draft_id).clauses
    ]
    assert DraftStore(setup.drafts).load(copy.draft_id).owner == "sara"
    entries = AuditLog(setup.audit_file).entries(user="sara")
    assert {"draft.edit", "draft.create"} <= {e.action for e in entries}


def test_each_role_is_refused_what_it_may_not_do(setup: Setup) -> None:
    rita = setup.workbench(RITA)
    with pytest.raises(AccessDeniedError, match="rita \\(reader\\) may not create and edit"):
        rita.create_draft("Mine")
    with pytest.raises(AccessDeniedError, match="may not create and edit drafts"):
        rita.set_note(setup.shared_draft_id, setup.public_clause_id, "reader note")
    with pytest.raises(AccessDeniedError):
        rita.add_unit_to_draft(
            draft_id=setup.shared_draft_id,
            doc_id=PUBLIC_IDS[0],
            eid="art_1",
            section="own-nationals",
        )
    for principal in (RITA, SARA):
        wb = setup.workbench(principal)
        with pytest.raises(AccessDeniedError, match="may not upload documents"):
            wb.save_uploads([UploadedFile(name="new.txt", data=b"Article 1\nText.")])
        with pytest.raises(AccessDeniedError, match="may not upload documents"):
            wb.index_uploads([setup.corpus / f"{PUBLIC_IDS[0]}.txt"])
        with pytest.raises(AccessDeniedError, match="may not re-index the corpus"):
            wb.ingest([setup.corpus])
        with pytest.raises(AccessDeniedError, match="may not remove documents"):
            wb.remove_document(PUBLIC_IDS[0])
        with pytest.raises(AccessDeniedError, match="may not read the audit log"):
            wb.audit_entries()
        with pytest.raises(AccessDeniedError, match="may not copy"):
            wb.copy_drafts(setup.drafts, setup.base / "copied-drafts")
        with pytest.raises(PermissionError):  # the viewer's KnowledgeBase cannot write either
            setup.kb.viewed_by(principal.visible_groups).ingest([setup.corpus])
    assert not (setup.corpus / "new.txt").exists()
    assert setup.kb.document(PUBLIC_IDS[0]) is not None
    mia = setup.workbench(MIA)
    report = mia.ingest([setup.corpus])
    assert len(report.unchanged) == 3
    assert mia.audit_entries(limit=1)[0].action == "index.reindex"


# ---- the CLI -----------------------------------------------------------------------------------


@pytest.fixture
def cli_env(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> Setup:
    monkeypatch.setenv("READMIT_INDEX", str(setup.index))
    monkeypatch.setenv("READMIT_DRAFTS", str(setup.drafts))
    monkeypatch.setenv("READMIT_USERS", str(setup.users_file))
    monkeypatch.setenv("READMIT_AUDIT", str(setup.audit_file))
    monkeypatch.delenv("READMIT_USER", raising=False)
    return setup


def run_cli(*args: str, user: str | None = "rita") -> Any:
    prefix = ["--user", user] if user else []
    return CliRunner().invoke(main, [*prefix, *args], catch_exceptions=False)


def test_cli_needs_a_user_once_accounts_exist(cli_env: Setup) -> None:
    result = run_cli("status", user=None)
    assert result.exit_code == 2 and "--user" in result.output
    result = run_cli("status", user="mallory")
    assert result.exit_code == 2 and "no such user" in result.output


def test_cli_attack_every_command(cli_env: Setup, tmp_path: Path) -> None:
    secret_draft, shared = cli_env.secret_draft_id, cli_env.shared_draft_id
    readable = [
        ("search", QUERY, "-k", "10", "--json"),
        ("search", QUERY, "--doc", SECRET_ID, "--json"),
        ("search", QUERY, "--party", "Zembla"),
        ("status",),
        ("status", "--json"),
        ("matrix", "--all"),
        ("time-limits", "--all"),
        ("slots", "time-limit-reply", "--json"),
        ("documents", "--json"),
        ("similar", PUBLIC_IDS[0], "art_3", "--json"),
        ("gaps", shared, "--json"),
        ("export", shared, "--format", "md", "-o", str(tmp_path / "shared.md")),
    ]
    for args in readable:
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.output)
        assert_no_leak(result.output)
    assert_no_leak((tmp_path / "shared.md").read_text(encoding="utf-8"))
    hits = json.loads(run_cli("search", QUERY, "-k", "10", "--json").output)["hits"]
    assert len(hits) == 10
    status = json.loads(run_cli("status", "--json").output)
    assert status["documents"] == 2 and status["failures"] == []
    # Asking for the restricted document or the unshared draft answers exactly like asking
    # for one that does not exist (the only difference is the id the attacker typed).
    missing_doc, missing_draft = "no-such-document-en", "f" * 32
    probes = [
        (("similar", SECRET_ID, "art_3"), ("similar", missing_doc, "art_3"), 1),
        (("gaps", secret_draft), ("gaps", missing_draft), 2),
        (
            ("export", secret_draft, "--format", "md"),
            ("export", missing_draft, "--format", "md"),
            2,
        ),
    ]
    for attack, control, code in probes:
        attacked, controlled = run_cli(*attack), run_cli(*control)
        assert attacked.exit_code == controlled.exit_code == code, attacked.output
        assert attacked.output.replace(attack[1], "ID") == controlled.output.replace(
            control[1], "ID"
        )
    refused = [
        (("ingest", str(cli_env.corpus)), "may not re-index"),
        (("remove", PUBLIC_IDS[0]), "may not remove documents"),
        (("remove", SECRET_ID), "may not remove documents"),
        (("audit",), "may not read the audit log"),
        (("users", "list"), "may not manage users"),
        (("users", "add", "rita", "--role", "maintainer", "--no-password"), "may not manage"),
    ]
    for args, message in refused:
        result = run_cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
        assert_no_leak(result.output.replace(SECRET_ID, "ID"))
    assert not list(Path.cwd().glob(f"{secret_draft}.*"))
    account = UserStore(cli_env.users_file).get("rita")
    assert account is not None and account.role is Role.READER
    # The negotiator sees it all through the same commands.
    assert SECRET_ID in run_cli("search", QUERY, "--json", user="dirk").output
    exported = tmp_path / "dirk.md"
    assert (
        run_cli("export", shared, "--format", "md", "-o", str(exported), user="dirk").exit_code == 0
    )
    assert "11 calendar days" in exported.read_text(encoding="utf-8")


def test_cli_audit_for_a_maintainer(cli_env: Setup) -> None:
    result = run_cli("audit", "--json", "-n", "500", user="mia")
    assert result.exit_code == 0, result.output
    entries = [json.loads(line) for line in result.output.splitlines()]
    assert any(e["user"] == "dirk" and e["action"] == "draft.create" for e in entries)
    assert all({"at", "user", "role", "action", "target", "detail"} <= set(e) for e in entries)
    only = run_cli("audit", "--who", "dirk", "--action", "draft.share", user="mia")
    assert only.exit_code == 0 and "draft.share" in only.output and "sara" not in only.output


# ---- the app -----------------------------------------------------------------------------------


@pytest.fixture
def app_env(cli_env: Setup, monkeypatch: pytest.MonkeyPatch) -> Iterator[Setup]:
    monkeypatch.setenv("READMIT_CORPUS", str(cli_env.corpus))
    st.cache_resource.clear()
    yield cli_env
    st.cache_resource.clear()


def _texts(node: Any) -> Iterator[str]:
    """Every string an element carries (values, labels, options, bodies), recursively."""
    for name in ("value", "label", "body", "options", "help", "placeholder", "caption"):
        try:
            value = getattr(node, name, None)
        except Exception:  # some elements raise for attributes they lack
            continue
        if value is not None:
            yield repr(value)
    proto = getattr(node, "proto", None)
    if proto is not None:
        yield str(proto)
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _texts(child)


def page_text(at: AppTest) -> str:
    return "\n".join(_texts(at._tree))


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="signin_name").set_value(name)
    at.text_input(key="signin_password").set_value(password)
    at.button(key="signin_submit").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_app_requires_sign_in(app_env: Setup) -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert at.text_input(key="signin_name") is not None
    assert not [b for b in at.button if b.key == "signout"]
    assert_no_leak(page_text(at))
    at = sign_in(at, "rita", "wrong password!")
    assert any("Wrong user name or password" in e.value for e in at.error)
    assert at.text_input(key="signin_password").value == ""


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"page": "Read", "doc": SECRET_ID, "eid": "art_3"},
        {"page": "Draft", "draft": "SECRET"},
        {"page": "Draft", "draft": "SHARED"},
        {"page": "Compare"},
        {"page": "Clauses"},
        {"page": "Maintain"},
    ],
)
def test_app_attack_every_page_and_url_parameter(app_env: Setup, params: dict[str, str]) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    ids = {"SECRET": app_env.secret_draft_id, "SHARED": app_env.shared_draft_id}
    for key, value in params.items():
        at.query_params[key] = ids.get(value, value)
    at = sign_in(at.run(), "rita")
    assert [b.key for b in at.button if b.key == "signout"] == ["signout"]
    assert_no_leak(page_text(at))
    page = params.get("page", "Search")
    if page == "Search":
        at.text_input(key="query").set_value(QUERY)
        at.run()
        assert not at.exception
        assert_no_leak(page_text(at))
    if page == "Clauses":  # only the open tab runs: every tab in turn
        for tab in ("By clause type", "Time limits", "Precedent matrix"):
            at.session_state["clauses_tab"] = tab
            at.run()
            assert not at.exception, (tab, [e.value for e in at.exception])
            assert_no_leak(page_text(at))
    if page == "Maintain":
        assert any("maintainer role" in e.value for e in at.error)
        assert not [b for b in at.button if b.key in ("reindex", "upload_ingest")]
    if page == "Draft":
        assert at.session_state["draft_id"] != app_env.secret_draft_id
    if page == "Read":
        # Pin whatever the Read page fell back to, then try every other page with the pins.
        for other in ("Compare", "Clauses", "Draft", "Search"):
            at.radio(key="page").set_value(other)
            at.run()
            assert not at.exception, (other, [e.value for e in at.exception])
            assert_no_leak(page_text(at))


def test_app_shows_the_negotiator_the_restricted_document(app_env: Setup) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "Read"
    at.query_params["doc"] = SECRET_ID
    at.query_params["eid"] = "art_3"
    at = sign_in(at.run(), "dirk")
    assert "zembla" in page_text(at).lower()


def test_app_refuses_a_network_address_without_sign_in(
    app_env: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READMIT_USERS", str(app_env.base / "no-users.json"))
    from streamlit import config

    previous = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(APP, default_timeout=120).run()
    finally:
        config.set_option("server.address", previous)
    assert not at.exception
    assert any("no sign-in is configured" in e.value for e in at.error)
    assert not [r for r in at.radio if r.key == "page"]


OIDC_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret-not-used-for-anything",
        "client_id": "readmit",
        "client_secret": "test",
        "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration",
    }
}


@pytest.fixture
def oidc_users(app_env: Setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    users_file = tmp_path / "oidc-users.json"
    users = UserStore(users_file)
    users.add("anna@example.org", role=Role.DRAFTER, groups=("negotiators",))
    users.add("rob@example.org", role=Role.READER)
    monkeypatch.setenv("READMIT_USERS", str(users_file))
    return users_file


def oidc_app(user: dict[str, Any], params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets.update(OIDC_SECRETS)
    at.user = user
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_oidc_sign_in_gives_the_users_store_role_and_groups(oidc_users: Path) -> None:
    read_secret = {"page": "Read", "doc": SECRET_ID, "eid": "art_3"}
    signed_out = oidc_app({"is_logged_in": False}, read_secret)
    assert [b.key for b in signed_out.button] == ["signin_oidc"]
    assert not [r for r in signed_out.radio if r.key == "page"]
    assert_no_leak(page_text(signed_out))
    anna = oidc_app(
        {"is_logged_in": True, "email": "anna@example.org", "email_verified": True}, read_secret
    )
    assert "zembla" in page_text(anna).lower()
    assert any("anna@example.org (drafter)" in h.value for h in anna.sidebar.html)
    rob = oidc_app({"is_logged_in": True, "email": "rob@example.org"}, read_secret)
    assert [r.key for r in rob.radio if r.key == "page"] == ["page"]
    assert_no_leak(page_text(rob))


@pytest.mark.parametrize(
    "user",
    [
        {"is_logged_in": True, "email": "eve@example.org", "email_verified": True},
        {"is_logged_in": True, "email": "anna@example.org", "email_verified": False},
        {"is_logged_in": True, "name": "No Email"},
    ],
)
def test_oidc_user_without_an_account_sees_nothing(oidc_users: Path, user: dict[str, Any]) -> None:
    at = oidc_app(user, {"page": "Read", "doc": SECRET_ID})
    assert any("no account for you" in e.value for e in at.error)
    assert not [r for r in at.radio if r.key == "page"]
    assert [b.key for b in at.button] == ["signout"]
    assert_no_leak(page_text(at))


def test_owner_shares_a_draft_on_the_draft_page(app_env: Setup) -> None:
    draft = app_env.workbench(DIRK).create_draft("Shared through the page")
    assert not app_env.workbench(RITA).draft_exists(draft.draft_id)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "Draft"
    at.query_params["draft"] = draft.draft_id
    at = sign_in(at.run(), "dirk")
    at.text_input(key="share_users").set_value("rita")
    at.text_input(key="share_groups").set_value("legal, secretariat")
    at.button(key="share_save").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    stored = DraftStore(app_env.drafts).load(draft.draft_id)
    assert (stored.shared_users, stored.shared_groups) == (("rita",), ("legal", "secretariat"))
    assert app_env.workbench(RITA).get_draft(draft.draft_id).title == "Shared through the page"
    reader = AppTest.from_file(APP, default_timeout=120)
    reader.query_params["page"] = "Draft"
    reader.query_params["draft"] = draft.draft_id
    reader = sign_in(reader.run(), "rita")
    assert reader.session_state["draft_id"] == draft.draft_id
    assert not [b for b in reader.button if b.key == "share_save"]
    assert any("Only the owner" in c.value for c in reader.caption)
    actions = AuditLog(app_env.audit_file).entries(user="dirk", action="draft.share")
    assert actions[0].target == draft.draft_id
