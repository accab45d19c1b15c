"""The attack suite: every public facade method × every role × every restricted object, generated
from the facade's own declarations (`declarations(Readmit)`), so a new method is attacked without
editing this file.

The corpus: two public implementing protocols and one negotiating text restricted to the group
"negotiators". Five accounts: olga (drafter, negotiators) owns the drafts and is nobody's
attacker; the four attackers are

- mia, maintainer;
- dirk, drafter in "negotiators" (may read the restricted document; not olga's private draft);
- rita, reader in no group (may read neither; a draft holding a restricted clause is shared
  with her);
- nina, reader in "negotiators".

Olga's private draft is shared with nobody. Olga's shared draft holds a clause from the
restricted document and one from a public document, and is shared with the three others.

For each (method, role, target) the suite calls the method with arguments supplied by their
declared names (`value_for`), once naming the hidden object and once naming an object that does
not exist. The two answers must be the same (type and message, or value, with the ids made
equal): so nothing of a hidden document or draft reaches the principal, its existence and its
counts included. Neither may contain any marker of what is hidden (ids, titles, text). A call
outside the principal's role is refused with AccessDeniedError, and every refused write is in
the audit log. A maintainer is only checked at the door (their writes would change the corpus).

Runs on the embedded backend with the hashing fake (fast tier) and, when READMIT_TEST_PG_URL is
set, on PostgreSQL. Items 1-6 of the "trust for a group" issue are the named regression tests at
the end.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from index.embedders import HashingEmbedder
from readmit.access import Principal, Role
from readmit.cli import main
from readmit.facade import (
    Action,
    Need,
    Readmit,
    SearchFilters,
    Services,
    UploadedFile,
    declarations,
    open_readmit,
)
from readmit.guidance import GuidanceSection
from readmit.service import KnowledgeBase
from readmit.settings import load_settings
from tests.conftest import fresh_database
from tests.harness.corpus import REPO, copy_documents

DATA = REPO / "tests" / "data" / "access"
SECRET_ID = "zembla-draft-readmission-agreement-2026-en"
MISSING_DOC = "atlantis-readmission-agreement-1999-en"
MISSING_DRAFT = "0" * 32
MISSING_CLAUSE = "c-000000000000"
PUBLIC_IDS = [
    "benelux-bosnia-implementing-protocol-2013-en",
    "benelux-moldova-implementing-protocol-2013-en",
]
PRIVATE_TITLE = "Confidential negotiating mandate"
PRIVATE_TEXT = "Olga private fallback 7731: accept 30 days if pressed"
PASSWORD = "a long enough password"
DOCUMENT_MARKERS = ("zembla", "negotiating text", SECRET_ID)

OLGA = Principal(name="olga", role=Role.DRAFTER, groups=("negotiators",))
MIA = Principal(name="mia", role=Role.MAINTAINER)
DIRK = Principal(name="dirk", role=Role.DRAFTER, groups=("negotiators",))
RITA = Principal(name="rita", role=Role.READER)
NINA = Principal(name="nina", role=Role.READER, groups=("negotiators",))
ATTACKERS = (MIA, DIRK, RITA, NINA)

RESTRICTED_DOCUMENT = "restricted document"
UNSHARED_DRAFT = "unshared draft"
HIDDEN_CLAUSE = "hidden clause in a shared draft"
NO_TARGET = "no named object"


def backends() -> list[str]:
    return ["embedded", "postgresql"] if os.environ.get("READMIT_TEST_PG_URL") else ["embedded"]


class World:
    """The corpus, accounts and drafts the attackers work on."""

    def __init__(self, base: Path, backend: str) -> None:
        self.base = base
        self.corpus = base / "corpus"
        copy_documents(self.corpus, PUBLIC_IDS)
        for name in (f"{SECRET_ID}.txt", f"{SECRET_ID}.meta.json"):
            shutil.copy2(DATA / name, self.corpus / name)
        if backend == "postgresql":
            location: Any = fresh_database(os.environ["READMIT_TEST_PG_URL"])
            drafts: Any = location
        else:
            location, drafts = base / "index", base / "drafts"
        kb = KnowledgeBase(location, model=HashingEmbedder())
        report = kb.ingest([self.corpus])
        assert report.failed == () and len(report.indexed) == 3
        settings = dataclasses.replace(
            load_settings(index_dir=location, drafts_dir=drafts, corpus_dir=self.corpus),
            users_file=base / "users.json",
            audit_file=base / "audit.jsonl",
        )
        self.services = Services(settings, kb=kb)
        for principal in (OLGA, *ATTACKERS):
            self.services.users.add(
                principal.name, role=principal.role, groups=principal.groups, password=PASSWORD
            )
        olga = self.as_(OLGA)
        private = olga.create_draft(PRIVATE_TITLE)
        private, private_clause = olga.add_text(
            private.draft_id, section="time-limits", text=PRIVATE_TEXT
        )
        self.private_draft = private.draft_id
        self.private_clause = private_clause.clause_id
        shared = olga.create_draft("Shared model agreement")
        self.shared_draft = shared.draft_id
        _, secret_clause = olga.add_unit_to_draft(
            draft_id=shared.draft_id, doc_id=SECRET_ID, eid="art_3", section="time-limits"
        )
        _, public_clause = olga.add_unit_to_draft(
            draft_id=shared.draft_id, doc_id=PUBLIC_IDS[0], eid="art_3", section="time-limits"
        )
        self.secret_clause = secret_clause.clause_id
        self.public_clause = public_clause.clause_id
        olga.share_draft(shared.draft_id, users=("rita", "dirk", "nina"), groups=())
        self.secret_text = secret_clause.text
        self.secret_hit = (
            self.as_(MIA)
            .search("time limits", k=1, filters=SearchFilters(doc_ids=(SECRET_ID,)))
            .hits[0]
        )
        self.public_hit = (
            self.as_(MIA)
            .search("time limits", k=1, filters=SearchFilters(doc_ids=(PUBLIC_IDS[0],)))
            .hits[0]
        )
        # A counterpart's proposal for the review methods (read, never indexed).
        self.proposal = base / "proposal-en.txt"
        self.proposal.write_text("Article 1\nReadmission\n\nEach Party shall readmit.\n")
        self.queries_file = base / "queries.jsonl"
        self.queries_file.write_text(
            json.dumps(
                {
                    "id": "q1",
                    "query": "time limits for replying",
                    "language": "en",
                    "split": "test",
                    "relevant": [{"doc_id": SECRET_ID, "eid": "art_3", "grade": 3}],
                }
            )
            + "\n"
        )
        self.other_users = base / "other-users.json"
        self.other_users.write_text("{}")

    def as_(self, principal: Principal) -> Readmit:
        return open_readmit(self.services.settings, principal, services=self.services)

    def markers(self, principal: Principal) -> tuple[str, ...]:
        """What must never reach `principal` (lower case)."""
        if principal.sees_everything:
            return ()
        drafts = (self.private_draft, PRIVATE_TITLE, PRIVATE_TEXT[:24])
        document = () if principal.may_see(("negotiators",)) else DOCUMENT_MARKERS
        clause = () if principal.may_see(("negotiators",)) else (self.secret_clause,)
        return tuple(m.lower() for m in (*drafts, *document, *clause))

    def refusals(self, principal: Principal, method: str) -> int:
        entries = self.as_(MIA).audit_entries(
            user=principal.name, action="access.refused", limit=None
        )
        return sum(1 for entry in entries if entry.target == method)


@pytest.fixture(scope="module", params=backends())
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> World:
    return World(tmp_path_factory.mktemp(f"attack-{request.param}"), request.param)


# ---- arguments, supplied by their declared names ------------------------------------------------


def value_for(
    name: str, parameter: inspect.Parameter, need: Need, world: World, target: str, hidden: bool
) -> Any:
    """The value of argument `name` for an attack on `target`; `hidden` False: the same call
    naming objects that do not exist (what the hidden one must look like)."""
    annotation = str(parameter.annotation)
    if name in need.documents or name == "doc_id":
        if target != RESTRICTED_DOCUMENT:  # the attack is on a draft: name a public document
            doc = PUBLIC_IDS[0]
        else:
            doc = SECRET_ID if hidden else MISSING_DOC
        if name == "hit":
            hit = world.public_hit if doc == PUBLIC_IDS[0] else world.secret_hit
            return dataclasses.replace(hit, doc_id=doc)
        if "GuidanceSection" in annotation:
            return GuidanceSection(
                doc_id=doc,
                title="t",
                kind="policy guide",
                eid="art_3",
                path="p",
                text="t",
                slot="time-limits",
                confidence=1.0,
            )
        return doc
    if name == "draft_id":
        if target == HIDDEN_CLAUSE:
            return world.shared_draft
        if target == UNSHARED_DRAFT:
            return world.private_draft if hidden else MISSING_DRAFT
        return None if "None" in annotation else world.shared_draft
    if name == "clause_id":
        if target == HIDDEN_CLAUSE:
            return world.secret_clause if hidden else MISSING_CLAUSE
        return world.private_clause if hidden else MISSING_CLAUSE
    if name == "clause":
        draft = world.as_(OLGA).get_draft(world.shared_draft)
        return draft.clause(world.secret_clause)
    if "BytesIO" in annotation:
        return io.BytesIO()
    fixed: dict[str, Callable[[], Any]] = {
        "query": lambda: "Zembla time limits",
        "eid": lambda: "art_3",
        "title": lambda: "Renamed",
        "text": lambda: "typed text",
        "heading": lambda: "heading",
        "part": lambda: "agreement",
        "note": lambda: "note",
        "party_names": lambda: ["A", "B"],
        "direction": lambda: 1,
        "revision": lambda: 1,
        "slot": lambda: "time-limits",
        "section": lambda: "time-limits",
        "users": lambda: ["rita"],
        "groups": lambda: [],
        "name": lambda: "eve",
        "role": lambda: "maintainer",
        "password": lambda: PASSWORD,
        "paths": lambda: [world.corpus],
        "saved": lambda: [world.corpus / f"{PUBLIC_IDS[0]}.txt"],
        "files": lambda: [UploadedFile("x.txt", b"Article 1\nText")],
        "source": lambda: world.services.settings.index_dir,
        "target": lambda: world.base / "copy-target",
        "location": lambda: world.services.settings.index_dir,
        "queries_file": lambda: world.queries_file,
        "users_file": lambda: world.other_users,
        "action": lambda: Action.SEARCH,
        "proposal": lambda: world.proposal,
        "data": lambda: world.proposal.read_bytes(),
        "identifier": lambda: SECRET_ID,  # must be answered as an unknown id
    }
    if name not in fixed:
        raise AssertionError(
            f"no value for argument {name!r}: add one to value_for (by its name) so the new "
            "method is attacked"
        )
    return fixed[name]()


def targets(need: Need, method: Callable[..., Any], principal: Principal) -> list[str]:
    parameters = inspect.signature(method).parameters
    sees_restricted = principal.may_see(("negotiators",))
    found = []
    if (need.documents or "doc_id" in parameters) and not sees_restricted:
        found.append(RESTRICTED_DOCUMENT)
    if need.drafts or "draft_id" in parameters:
        found.append(UNSHARED_DRAFT)
    if need.clauses and not sees_restricted:
        found.append(HIDDEN_CLAUSE)
    return found or [NO_TARGET]


def cases() -> Iterator[Any]:
    for name, need in sorted(declarations(Readmit).items()):
        member = getattr(Readmit, name)
        if isinstance(member, property):
            continue  # a property takes no argument: `principal` is the caller's own
        for principal in ATTACKERS:
            for target in targets(need, member, principal):
                yield pytest.param(name, principal, target, id=f"{name}-{principal.name}-{target}")


# ---- one attack ---------------------------------------------------------------------------------


def call(app: Readmit, name: str, world: World, target: str, *, hidden: bool) -> tuple[Any, ...]:
    """("raised", type, message) or ("returned", value) of one call, everything as text."""
    method = getattr(app, name)
    need = declarations(Readmit)[name]
    arguments: dict[str, Any] = {}
    keywords: dict[str, Any] = {}
    for pname, parameter in inspect.signature(method).parameters.items():
        if parameter.default is not inspect.Parameter.empty and pname not in (
            *need.documents,
            *need.drafts,
            *need.clauses,
        ):
            continue
        value = value_for(pname, parameter, need, world, target, hidden)
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            keywords[pname] = value
        else:
            arguments[pname] = value
    try:
        result = method(*arguments.values(), **keywords)
    except Exception as error:  # every refusal is an answer to compare
        return ("raised", type(error).__name__, str(error))
    written = [v.getvalue() for v in keywords.values() if isinstance(v, io.BytesIO)]
    written += [v.getvalue() for v in arguments.values() if isinstance(v, io.BytesIO)]
    shown = repr(result) + "".join(docx_text(data) for data in written)
    return ("returned", type(result).__name__, shown)


def docx_text(data: bytes) -> str:
    if not data:
        return ""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8", "replace")


def named(answer: tuple[Any, ...], world: World, target: str) -> tuple[Any, ...]:
    """The answer with the ids the attacker named (and may see echoed) made the missing ones."""
    pairs = {
        RESTRICTED_DOCUMENT: ((SECRET_ID, MISSING_DOC),),
        UNSHARED_DRAFT: (
            (world.private_draft, MISSING_DRAFT),
            (world.private_clause, MISSING_CLAUSE),
        ),
        HIDDEN_CLAUSE: ((world.secret_clause, MISSING_CLAUSE),),
    }.get(target, ())
    text = answer[2]
    for hidden, missing in pairs:
        text = text.replace(hidden, missing)
    return (*answer[:2], text)


def same_shape(answer: tuple[Any, ...]) -> tuple[Any, ...]:
    """An answer with new draft ids and times blanked (they differ from call to call)."""
    text = re.sub(r"\b[0-9a-f]{32}\b", "<draft>", answer[2])
    text = re.sub(r"\d{4}-\d\d-\d\d[T ][\d:.+]+Z?", "<time>", text)
    return (*answer[:2], text)


def assert_no_leak(answer: tuple[Any, ...], markers: tuple[str, ...]) -> None:
    shown = " ".join(str(part) for part in answer).lower()
    for marker in markers:
        assert marker not in shown, f"{marker!r} reached the attacker: {shown[:400]}"


@pytest.mark.parametrize(("name", "principal", "target"), list(cases()))
def test_attack(world: World, name: str, principal: Principal, target: str) -> None:
    need = declarations(Readmit)[name]
    app = world.as_(principal)
    if need.action is not None and not principal.may(need.action):
        before = world.refusals(principal, name)
        answer = named(call(app, name, world, target, hidden=True), world, target)
        assert answer[:2] == ("raised", "AccessDeniedError"), answer
        assert_no_leak(answer, world.markers(principal))
        if need.writes:
            assert world.refusals(principal, name) == before + 1, "a refused write not audited"
        return
    if principal.sees_everything:
        # Admitted at the door, nothing run: a maintainer's writes would change the corpus.
        member = getattr(Readmit, name)
        arguments = {
            pname: value_for(pname, p, need, world, target, True)
            for pname, p in inspect.signature(member).parameters.items()
            if pname in (*need.documents, *need.drafts, *need.clauses)
        }
        assert app._admit(need, arguments)
        return
    before = world.refusals(principal, name)
    hidden_answer = named(call(app, name, world, target, hidden=True), world, target)
    assert_no_leak(hidden_answer, world.markers(principal))
    if target == NO_TARGET:
        return
    missing_answer = call(app, name, world, target, hidden=False)
    if need.writes and hidden_answer[0] == "returned":
        # A write naming an unopenable draft makes a new one (add to draft): only the new
        # draft's id differs, and it holds nothing hidden (checked above).
        assert missing_answer[:2] == hidden_answer[:2]
        return
    assert same_shape(hidden_answer) == same_shape(missing_answer)
    if need.writes:
        assert hidden_answer[0] == "raised"
        assert world.refusals(principal, name) >= before + 1, "a refused write not audited"


def test_every_declared_method_is_attacked() -> None:
    attacked = {case.values[0] for case in cases()}
    methods = {
        name for name in declarations(Readmit) if not isinstance(getattr(Readmit, name), property)
    }
    assert attacked == methods and len(list(cases())) > 4 * len(methods)


# ---- every CLI command, as a reader ------------------------------------------------------------


@pytest.fixture
def cli(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    settings = world.services.settings
    monkeypatch.setenv("READMIT_INDEX", str(settings.index_dir))
    monkeypatch.setenv("READMIT_DRAFTS", str(settings.drafts_dir))
    monkeypatch.setenv("READMIT_USERS", str(settings.users_file))
    monkeypatch.setenv("READMIT_AUDIT", str(settings.audit_file))
    monkeypatch.setenv("READMIT_CORPUS", str(world.corpus))
    monkeypatch.delenv("READMIT_USER", raising=False)
    return world


def run_cli(*args: str, user: str | None) -> Result:
    prefix = ["--user", user] if user else []
    return CliRunner().invoke(main, [*prefix, *args])


def cli_commands() -> Iterator[tuple[str, ...]]:
    def walk(group: click.Group, prefix: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        for name, command in sorted(group.commands.items()):
            if isinstance(command, click.Group):
                yield from walk(command, (*prefix, name))
            else:
                yield (*prefix, name)

    yield from walk(main, ())


def cli_arguments(command: tuple[str, ...], world: World, out: Path) -> list[str]:
    """Every argument (and required option) of `command`, by name, aimed at what is hidden."""
    click_command: Any = main
    for part in command:
        click_command = click_command.commands[part]
    by_name: dict[str, str] = {
        "draft_id": world.private_draft,
        "doc_id": SECRET_ID,
        "eid": "art_3",
        "query": "Zembla time limits",
        "slot": "time-limits",
        "paths": str(world.corpus),
        "source": str(world.services.settings.index_dir),
        "target": str(out / "copy"),
        "server": str(world.services.settings.drafts_dir),
        "folder": str(out),
        "queries_file": str(world.queries_file),
        "users_file": str(world.other_users),
        "name": "rita",
        "proposal": str(world.proposal),
        "against": SECRET_ID,
        "output": str(out / "review.docx"),
    }
    values: list[str] = []
    for parameter in click_command.params:
        if isinstance(parameter, click.Argument) and parameter.name in by_name:
            values.append(by_name[parameter.name])
        elif isinstance(parameter, click.Argument) and parameter.required:
            raise AssertionError(f"readmit {' '.join(command)}: no value for {parameter.name}")
        elif isinstance(parameter, click.Option) and parameter.required:
            values += [parameter.opts[0], by_name.get(str(parameter.name), "maintainer")]
    return [*command, *values]


@pytest.mark.parametrize("command", list(cli_commands()), ids=" ".join)
@pytest.mark.parametrize("reader", [RITA, NINA], ids=lambda p: p.name)
def test_cli_command_as_a_reader(
    cli: World, command: tuple[str, ...], reader: Principal, tmp_path: Path
) -> None:
    """Every command of `readmit`, run with `--user READER` at the hidden objects: no traceback,
    nothing hidden in its output or in any file it wrote, every write refused and audited."""
    args = cli_arguments(command, cli, tmp_path)
    before = len(cli.as_(MIA).audit_entries(user=reader.name, limit=None))
    result = run_cli(*args, user=reader.name)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    markers = cli.markers(reader)
    shown = result.output.replace(cli.private_draft, "ID").replace(SECRET_ID, "ID")
    shown = shown.replace("'Zembla time limits'", "the query").lower()  # the query, echoed
    for marker in markers:
        assert marker not in shown, (args, result.output)
    for written in tmp_path.rglob("*"):
        if written.is_file():
            text = written.read_bytes().decode("utf-8", "replace").lower()
            assert not any(marker in text for marker in markers), (args, written)
    if command[0] in WRITING_COMMANDS:
        assert result.exit_code != 0, (args, result.output)
        after = cli.as_(MIA).audit_entries(user=reader.name, limit=None)
        assert len(after) > before, f"readmit {' '.join(command)} refused without an audit entry"


# The commands that change the index, the drafts or the accounts (a reader may run none).
WRITING_COMMANDS = {"copy", "ingest", "pull-drafts", "push-drafts", "remove", "users"}


# ---- the items 1-6 as named regressions -------------------------------------------------


def test_item1_draft_history_shows_a_reader_no_hidden_clause_or_count(world: World) -> None:
    rita = world.as_(RITA)
    history = rita.draft_history(world.shared_draft)
    assert history and all("clauses=2" not in repr(entry) for entry in history)
    for entry in history:
        if entry.deleted:
            continue
        version = rita.draft_version(world.shared_draft, entry.revision)
        assert world.secret_clause not in {c.clause_id for c in version.clauses}
        exported = rita.export_markdown(world.shared_draft, revision=entry.revision)
        assert "zembla" not in exported.lower() and "11 calendar days" not in exported
    # the negotiator sees the clause in the same versions
    last = world.as_(NINA).export_markdown(world.shared_draft, revision=history[0].revision)
    assert "11 calendar days" in last


def test_item2_cli_drafts_lists_only_the_readers_drafts(cli: World) -> None:
    result = run_cli("drafts", user="rita")
    assert result.exit_code == 0, result.output
    assert cli.private_draft not in result.output and PRIVATE_TITLE not in result.output
    assert "Shared model agreement" in result.output
    assert "2 clause" not in result.output  # the hidden clause is not counted


def test_item3_and_4_a_reader_copies_neither_drafts_nor_the_index(
    cli: World, tmp_path: Path
) -> None:
    pulled = run_cli(
        "pull-drafts", str(cli.services.settings.drafts_dir), str(tmp_path), user="rita"
    )
    copied = run_cli("copy", str(cli.services.settings.index_dir), str(tmp_path / "i"), user="rita")
    anonymous = run_cli(
        "copy", str(cli.services.settings.index_dir), str(tmp_path / "j"), user=None
    )
    for result in (pulled, copied, anonymous):
        assert result.exit_code == 2, result.output
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_item5_a_reader_cannot_rewrite_the_server_and_the_attempt_is_audited(
    cli: World, tmp_path: Path
) -> None:
    local = tmp_path / "local-drafts"
    local.mkdir()
    for command in (
        ("copy", str(tmp_path / "local-index"), str(cli.services.settings.index_dir)),
        ("push-drafts", str(local), str(cli.services.settings.drafts_dir)),
    ):
        before = cli.refusals(RITA, "copy_index") + cli.refusals(RITA, "copy_drafts")
        result = run_cli(*command, user="rita")
        assert result.exit_code == 2 and "may not" in result.output, result.output
        after = cli.refusals(RITA, "copy_index") + cli.refusals(RITA, "copy_drafts")
        assert after == before + 1
    assert cli.as_(MIA).document(SECRET_ID) is not None
    assert cli.as_(RITA).document(SECRET_ID) is None


def test_item6_a_hidden_word_is_as_unknown_as_a_word_that_occurs_nowhere(world: World) -> None:
    rita, nina = world.as_(RITA), world.as_(NINA)
    hidden, nowhere = rita.search("Zembla", k=5), rita.search("Atlantis", k=5)
    assert hidden.good_match == nowhere.good_match
    assert world.as_(NINA).search("Zembla", k=5).good_match != hidden.good_match or (
        nina.search("Zembla", k=5).hits[0].doc_id == SECRET_ID
    )


# ---- every app page, with every query parameter the pages read -----------------------------------

APP = str(REPO / "app.py")
# The query parameters `readmit.ui.state.init_state` reads, aimed at what is hidden.
APP_QUERY = {"doc": "SECRET_DOC", "eid": "art_3", "draft": "PRIVATE_DRAFT"}


def _texts(node: Any) -> Iterator[str]:
    """Every string an element carries (values, labels, options, bodies), recursively."""
    proto = getattr(node, "proto", None)
    if proto is not None:
        yield str(proto)
    for name in ("value", "label", "options"):
        try:
            value = getattr(node, name, None)
        except Exception:  # some elements raise for attributes they lack
            continue
        if value is not None:
            yield repr(value)
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _texts(child)


@pytest.fixture
def app(cli: World) -> Iterator[World]:
    import streamlit as st

    st.cache_resource.clear()
    yield cli
    st.cache_resource.clear()


def sign_in(at: Any, name: str) -> Any:
    at.text_input(key="signin_name").set_value(name)
    at.text_input(key="signin_password").set_value(PASSWORD)
    at.button(key="signin_submit").click()
    return at.run()


def app_pages() -> tuple[str, ...]:
    from readmit.ui.state import PAGES

    return PAGES


@pytest.mark.parametrize("page", app_pages())
@pytest.mark.parametrize("reader", [RITA, NINA], ids=lambda p: p.name)
def test_app_page_as_a_reader(app: World, page: str, reader: Principal) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = page
    for key, value in APP_QUERY.items():
        at.query_params[key] = {"SECRET_DOC": SECRET_ID, "PRIVATE_DRAFT": app.private_draft}.get(
            value, value
        )
    at = sign_in(at.run(), reader.name)
    assert not at.exception, [e.value for e in at.exception]
    assert [b.key for b in at.button if b.key == "signout"] == ["signout"]
    shown = "\n".join(_texts(at._tree)).lower()
    for marker in app.markers(reader):
        assert marker not in shown, (page, marker)
    if page == "Read" and reader.may_see(("negotiators",)):  # the page did read ?doc=
        assert "11 calendar days" in shown
    if page == "Draft":  # the draft the URL named is not opened
        assert at.session_state["draft_id"] != app.private_draft
