"""Two people editing one draft in the app (two AppTest sessions, one drafts folder), a reader on
the same draft, and the history's "who" and restore.

Each session's callbacks run with what its page showed when it was last drawn, as a browser's do:
an edit typed over a version someone has saved since must be refused with the typed text still on
screen, never saved over the newer text and never lost.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from readmit.access import Principal, Role
from readmit.facade import Readmit, Services, open_readmit
from tests.harness.corpus import REPO
from tests.harness.facade import services_for
from tests.harness.models import hashing_index

APP = str(REPO / "app.py")
PASSWORD = "a long enough password"
OLGA = Principal(name="olga", role=Role.DRAFTER, groups=("negotiators",))
DIRK = Principal(name="dirk", role=Role.DRAFTER, groups=("negotiators",))
RITA = Principal(name="rita", role=Role.READER)


class Desk:
    def __init__(self, base: Path) -> None:
        settings = services_for(
            index_dir=hashing_index(base / "index"), drafts_dir=base / "drafts"
        ).settings
        # accounts and audit of this test's own (not the session's default users file)
        self.services = Services(
            dataclasses.replace(
                settings, users_file=base / "users.json", audit_file=base / "audit.jsonl"
            )
        )
        for principal in (OLGA, DIRK, RITA):
            self.services.users.add(
                principal.name, role=principal.role, groups=principal.groups, password=PASSWORD
            )
        olga = self.as_(OLGA)
        draft = olga.create_draft("Two hands")
        draft, first = olga.add_text(draft.draft_id, section="transit", text="First clause.")
        draft, second = olga.add_text(draft.draft_id, section="transit", text="Second clause.")
        olga.share_draft(draft.draft_id, users=("dirk", "rita"), groups=())
        self.draft_id = draft.draft_id
        self.clauses = (first.clause_id, second.clause_id)

    def as_(self, principal: Principal) -> Readmit:
        return open_readmit(self.services.settings, principal, services=self.services)


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    import streamlit as st

    built = Desk(tmp_path)
    settings = built.services.settings
    monkeypatch.setenv("READMIT_INDEX", str(settings.index_dir))
    monkeypatch.setenv("READMIT_DRAFTS", str(settings.drafts_dir))
    monkeypatch.setenv("READMIT_USERS", str(settings.users_file))
    monkeypatch.setenv("READMIT_AUDIT", str(settings.audit_file))
    monkeypatch.setenv("READMIT_CORPUS", str(tmp_path / "corpus"))
    st.cache_resource.clear()
    yield built
    st.cache_resource.clear()


def session(desk: Desk, name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["page"] = "Draft"
    at.query_params["draft"] = desk.draft_id
    at.run()
    at.text_input(key="signin_name").set_value(name)
    at.text_input(key="signin_password").set_value(PASSWORD)
    at.button(key="signin_submit").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def typed_widget(widgets: Any, field: str, clause_id: str) -> Any:
    found = [w for w in widgets if str(w.key).startswith(f"clause_{field}__{clause_id}__r")]
    assert len(found) == 1, [w.key for w in found]
    return found[0]


def refused_text(at: AppTest, clause_id: str) -> str | None:
    found = [w for w in at.text_area if w.key == f"clause_refused_text__{clause_id}"]
    return found[0].value if found else None


def test_two_sessions_every_edit_is_kept_or_refused_with_its_text_on_screen(desk: Desk) -> None:
    sessions = {"olga": session(desk, "olga"), "dirk": session(desk, "dirk")}
    # Each person types into a clause without seeing the other's last save first, in turn:
    # the pattern of the two-browser trial (12 edits, two clauses, both people).
    plan = [
        ("olga", 0), ("dirk", 0), ("dirk", 1), ("olga", 1), ("olga", 0), ("dirk", 0),
        ("olga", 1), ("dirk", 1), ("dirk", 0), ("olga", 0), ("olga", 1), ("dirk", 1),
    ]  # fmt: skip
    kept = refused = lost = 0
    olga = desk.as_(OLGA)
    saves_before = len(olga.draft_history(desk.draft_id))
    for number, (name, index) in enumerate(plan, start=1):
        at, clause_id = sessions[name], desk.clauses[index]
        text = f"Edit {number} by {name}."
        typed_widget(at.text_area, "text", clause_id).set_value(text)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        stored = olga.get_draft(desk.draft_id).clause(clause_id).text
        if stored == text:
            kept += 1
        elif refused_text(at, clause_id) == text and any("Not saved" in e.value for e in at.error):
            refused += 1
            # what the page now shows is the newer stored text, not the refused one
            assert typed_widget(at.text_area, "text", clause_id).value == stored
        else:
            lost += 1
    saves = len(olga.draft_history(desk.draft_id)) - saves_before
    print(f"\ntwo sessions, {len(plan)} edits: {kept} kept, {refused} refused, {lost} lost; ")
    print(f"{saves} saves in the history")
    assert lost == 0
    assert kept + refused == len(plan) and refused > 0 and kept > 0
    assert saves == kept  # no save nobody typed (no stale re-save)


def test_a_refused_edit_can_be_saved_over_the_newer_version(desk: Desk) -> None:
    olga, dirk = session(desk, "olga"), session(desk, "dirk")
    first = desk.clauses[0]
    typed_widget(olga.text_area, "text", first).set_value("Olga's wording.")
    olga.run()
    typed_widget(dirk.text_area, "text", first).set_value("Dirk's wording.")
    dirk.run()
    assert refused_text(dirk, first) == "Dirk's wording."
    dirk.button(key=f"clause_keep_text__{first}").click()
    dirk.run()
    assert desk.as_(OLGA).get_draft(desk.draft_id).clause(first).text == "Dirk's wording."
    assert refused_text(dirk, first) is None


def test_a_reader_sees_the_draft_without_edit_controls(desk: Desk) -> None:
    rita = session(desk, "rita")
    keys = {str(w.key) for kind in ("text_area", "text_input", "button") for w in rita.get(kind)}
    for clause_id in desk.clauses:
        assert not [k for k in keys if clause_id in k], sorted(keys)
    assert "draft_restore" not in keys
    assert any("First clause." in str(h.proto) for h in rita.get("html"))


def test_history_names_the_signed_in_person_and_restore_asks_first(desk: Desk) -> None:
    dirk = session(desk, "dirk")
    typed_widget(dirk.text_area, "text", desk.clauses[0]).set_value("Dirk was here.")
    dirk.run()
    history = desk.as_(OLGA).draft_history(desk.draft_id)
    assert history[0].author == "dirk"
    assert {entry.author for entry in history} == {"olga", "dirk"}
    dirk.selectbox(key="draft_history_pick").set_value(history[1].revision)
    dirk.button(key="draft_restore").click()
    dirk.run()
    assert any("Confirm restore" in w.value for w in dirk.warning)
    assert desk.as_(OLGA).get_draft(desk.draft_id).clause(desk.clauses[0]).text == "Dirk was here."
    dirk.checkbox(key="draft_restore_confirm").check()
    dirk.button(key="draft_restore").click()
    dirk.run()
    assert desk.as_(OLGA).get_draft(desk.draft_id).clause(desk.clauses[0]).text == "First clause."
    assert desk.as_(OLGA).draft_history(desk.draft_id)[0].author == "dirk"


def test_database_outage_shows_the_banner_keeps_navigation_and_typed_text(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The drafts store fails as a PostgreSQL store does when the server is down (psycopg's
    OperationalError); then it comes back."""
    import psycopg

    from readmit.drafting import DraftStore

    dirk = session(desk, "dirk")
    first = desk.clauses[0]
    widget = typed_widget(dirk.text_area, "text", first)

    def down(*_args: Any, **_kwargs: Any) -> Any:
        raise psycopg.OperationalError("terminating connection due to administrator command")

    with monkeypatch.context() as outage:
        for method in ("load", "commit", "list", "history", "exists"):
            outage.setattr(DraftStore, method, down)
        widget.set_value("Typed while the database was down.")
        dirk.run()
        assert not dirk.exception, [e.value for e in dirk.exception]
        shown = " ".join(e.value for e in dirk.error)
        assert "database is not reachable; your text is kept; retrying" in shown
        kept = [w for w in dirk.text_area if w.key == f"database_kept_text__{first}"]
        assert kept and kept[0].value == "Typed while the database was down."
        assert dirk.radio(key="page").options  # navigation is intact
        dirk.radio(key="page").set_value("Search")
        dirk.run()
        assert not dirk.exception and dirk.radio(key="page").value == "Search"
        dirk.radio(key="page").set_value("Draft")
        dirk.run()
        assert not dirk.exception
    # The server is back: the next run draws the draft, with the text kept to save.
    dirk.run()
    assert not dirk.exception, [e.value for e in dirk.exception]
    assert refused_text(dirk, first) == "Typed while the database was down."
    dirk.button(key=f"clause_keep_text__{first}").click()
    dirk.run()
    stored = desk.as_(OLGA).get_draft(desk.draft_id).clause(first).text
    assert stored == "Typed while the database was down."


def test_a_stale_title_is_refused_not_saved_over_a_newer_one(desk: Desk) -> None:
    olga, dirk = session(desk, "olga"), session(desk, "dirk")
    [olga_title] = [w for w in olga.text_input if str(w.key).startswith("draft_title__r")]
    olga_title.set_value("Olga's title")
    olga.run()
    [dirk_title] = [w for w in dirk.text_input if str(w.key).startswith("draft_title__r")]
    dirk_title.set_value("Dirk's stale title")
    dirk.run()
    assert not dirk.exception
    assert desk.as_(OLGA).get_draft(desk.draft_id).title == "Olga's title"
    assert any("changed" in e.value or "saved" in e.value for e in dirk.error)
