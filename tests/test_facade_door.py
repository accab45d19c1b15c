"""The facade's door: every public method declares what it needs, and the door enforces it.

The declarations are data (`readmit.facade.declarations`): this file checks that there is one
for every public method, that each names real arguments, and that the door refuses a role,
a hidden document, an unshared draft, a hidden clause and a non-owner as declared — on a
small index built with the hashing fake (fast tier).
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from pathlib import Path

import pytest

from index.embedders import HashingEmbedder
from readmit.access import Role
from readmit.drafting.model import ClauseNotFoundError
from readmit.drafting.store import DraftNotFoundError
from readmit.facade import (
    AccessDeniedError,
    Action,
    DocumentNotFoundError,
    Principal,
    Readmit,
    Services,
    declarations,
    door,
    open_readmit,
    undeclared,
)
from readmit.service import KnowledgeBase
from readmit.settings import load_settings
from tests.harness.corpus import copy_documents

PUBLIC = "benelux-kazakhstan-readmission-agreement-2015-en"
RESTRICTED = "benelux-bosnia-implementing-protocol-2013-en"

RITA = Principal(name="rita", role=Role.READER, groups=("secretariat",))
SARA = Principal(name="sara", role=Role.DRAFTER, groups=("secretariat",))
DIRK = Principal(name="dirk", role=Role.DRAFTER, groups=("negotiators",))
MIA = Principal(name="mia", role=Role.MAINTAINER)


def test_every_public_method_declares_what_it_needs() -> None:
    assert undeclared(Readmit) == []
    assert len(declarations(Readmit)) >= 60


def test_a_method_without_a_declaration_is_found() -> None:
    class Careless(Readmit):
        def leak(self) -> None:
            """A use case someone added without a declaration."""

    assert undeclared(Careless) == ["leak"]


def test_declarations_name_real_arguments() -> None:
    for name, need in declarations(Readmit).items():
        member = inspect.getattr_static(Readmit, name)
        function = member.fget if isinstance(member, property) else member
        parameters = inspect.signature(function).parameters
        for argument in (*need.documents, *need.drafts, *need.clauses):
            assert argument in parameters, (name, argument)
        assert not need.owner or need.drafts, name
        assert not need.clauses or need.drafts, name


def test_every_change_needs_a_role_that_may_change() -> None:
    for name, need in declarations(Readmit).items():
        if need.writes:
            assert need.action not in (None, Action.SEARCH, Action.EXPORT), name


def test_a_declaration_naming_no_such_argument_is_refused() -> None:
    with pytest.raises(TypeError, match="no such argument"):

        @door(Action.SEARCH, drafts=("draft",))
        def typo(self: Readmit, draft_id: str) -> None:
            """Declares `draft` but takes `draft_id`."""


# ---- the door at work --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Services:
    base = tmp_path_factory.mktemp("door")
    corpus = copy_documents(base / "corpus", [PUBLIC, RESTRICTED])
    meta = corpus / f"{RESTRICTED}.meta.json"
    restricted = json.loads(meta.read_text(encoding="utf-8"))
    restricted["visibility"] = {"groups": ["negotiators"]}
    meta.write_text(json.dumps(restricted), encoding="utf-8")
    kb = KnowledgeBase(base / "index", model=HashingEmbedder())
    assert kb.ingest([corpus]).ok
    settings = dataclasses.replace(
        load_settings(index_dir=base / "index", drafts_dir=base / "drafts", corpus_dir=corpus),
        users_file=base / "users.json",
        audit_file=base / "audit.jsonl",
    )
    return Services(settings, kb=kb)


def facade(services: Services, principal: Principal) -> Readmit:
    return open_readmit(services.settings, principal, services=services)


def test_the_door_refuses_a_role(services: Services) -> None:
    rita = facade(services, RITA)
    with pytest.raises(AccessDeniedError, match="may not create and edit drafts"):
        rita.create_draft("Mine")
    with pytest.raises(AccessDeniedError, match="may not remove documents"):
        rita.remove_document(PUBLIC)
    with pytest.raises(AccessDeniedError, match="may not copy"):
        rita.copy_drafts(services.settings.drafts_dir, Path("elsewhere"))
    assert services.kb.document(PUBLIC) is not None


def test_a_hidden_document_is_answered_as_a_missing_one(services: Services) -> None:
    assert services.kb.document(RESTRICTED) is not None
    rita, dirk = facade(services, RITA), facade(services, DIRK)
    assert dirk.document(RESTRICTED) is not None
    assert rita.document(RESTRICTED) is None and rita.article(RESTRICTED, "art_1") is None
    assert rita.units(RESTRICTED) == [] and rita.similar(RESTRICTED, "art_1") == []
    assert {d.doc_id for d in rita.documents()} == {PUBLIC}
    sara = facade(services, SARA)
    draft = sara.create_draft("Sara's draft")
    with pytest.raises(DocumentNotFoundError):
        sara.add_unit_to_draft(
            draft_id=draft.draft_id, doc_id=RESTRICTED, eid="art_1", section="transit"
        )
    assert sara.get_draft(draft.draft_id).clauses == ()


def test_an_unshared_draft_is_answered_as_a_missing_one(services: Services) -> None:
    dirk, sara = facade(services, DIRK), facade(services, SARA)
    secret = dirk.create_draft("Dirk's draft")
    dirk.add_text(secret.draft_id, section="transit", text="Transit is refused when …")
    for attempt in (
        lambda: sara.get_draft(secret.draft_id),
        lambda: sara.draft_history(secret.draft_id),
        lambda: sara.draft_version(secret.draft_id, 1),
        lambda: sara.export_markdown(secret.draft_id, revision=1),
        lambda: sara.rename_draft(secret.draft_id, "Mine now"),
        lambda: sara.restore_draft(secret.draft_id, 1),
    ):
        with pytest.raises(DraftNotFoundError, match="no such draft"):
            attempt()
    # Deleted, its saved versions stay the owner's.
    dirk.delete_draft(secret.draft_id)
    with pytest.raises(DraftNotFoundError):
        sara.draft_history(secret.draft_id)
    assert dirk.draft_history(secret.draft_id)
    assert dirk.restore_draft(secret.draft_id, 2).title == "Dirk's draft"


def test_only_the_owner_shares_and_deletes(services: Services) -> None:
    dirk, sara = facade(services, DIRK), facade(services, SARA)
    shared = dirk.create_draft("Shared")
    dirk.share_draft(shared.draft_id, users=(), groups=("secretariat",))
    assert sara.get_draft(shared.draft_id).title == "Shared"
    assert not sara.may_share(shared.draft_id) and dirk.may_share(shared.draft_id)
    with pytest.raises(AccessDeniedError, match="only its owner"):
        sara.delete_draft(shared.draft_id)
    with pytest.raises(AccessDeniedError, match="only its owner"):
        sara.share_draft(shared.draft_id, users=("sara",), groups=())
    assert facade(services, MIA).get_draft(shared.draft_id).shared_groups == ("secretariat",)


def test_a_clause_from_a_hidden_document_cannot_be_touched(services: Services) -> None:
    dirk, sara = facade(services, DIRK), facade(services, SARA)
    draft = dirk.create_draft("Mixed sources")
    dirk.share_draft(draft.draft_id, users=("sara",), groups=())
    _, hidden = dirk.add_unit_to_draft(
        draft_id=draft.draft_id, doc_id=RESTRICTED, eid="art_1", section="transit"
    )
    _, public = dirk.add_unit_to_draft(
        draft_id=draft.draft_id, doc_id=PUBLIC, eid="art_7", section="time-limits"
    )
    assert [c.clause_id for c in sara.get_draft(draft.draft_id).clauses] == [public.clause_id]
    for change in (
        lambda: sara.update_text(draft.draft_id, hidden.clause_id, "overwritten"),
        lambda: sara.remove_clause(draft.draft_id, hidden.clause_id),
        lambda: sara.move_clause(draft.draft_id, hidden.clause_id, -1),
    ):
        with pytest.raises(ClauseNotFoundError):
            change()
    for entry in sara.draft_history(draft.draft_id):
        version = sara.draft_version(draft.draft_id, entry.revision)
        assert hidden.clause_id not in [c.clause_id for c in version.clauses]
        assert RESTRICTED not in sara.export_markdown(draft.draft_id, revision=entry.revision)
    assert RESTRICTED in dirk.export_markdown(draft.draft_id)
