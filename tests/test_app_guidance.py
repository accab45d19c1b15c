"""The workbench with a policy guide beside an agreement, driven through AppTest: guidance
ranked beside the precedents, the guide's table of contents and parent on the Read page, and a
guide section attached to a draft article as a guidance note."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from readmit.drafting.store import DraftStore
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents

# Slow tier: the module's index is embedded with the real minilm model (a guide and an agreement);
# in the fast tier its set-up was the costliest item (544 s of 2,019 s wall, `--durations=15`).
pytestmark = pytest.mark.slow

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 180
GUIDE = "vc2000-a3-departure-and-removal-2015-nl"
KAZ_NL = "benelux-kazakhstan-readmission-agreement-2015-nl"


@pytest.fixture(scope="module")
def guide_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("guide-app")
    corpus = copy_documents(base / "corpus", [GUIDE, KAZ_NL])
    report = KnowledgeBase(base / "index", model="minilm").ingest([corpus])
    assert report.failed == ()
    return corpus, base / "index"


@pytest.fixture
def env(
    guide_index: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Path]]:
    corpus, index = guide_index
    monkeypatch.setenv("READMIT_INDEX", str(index))
    monkeypatch.setenv("READMIT_DRAFTS", str(tmp_path / "drafts"))
    monkeypatch.setenv("READMIT_CORPUS", str(corpus))
    st.cache_resource.clear()
    yield {"index": index, "drafts": tmp_path / "drafts"}
    st.cache_resource.clear()


def run_ok(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_guidance_beside_precedents_toc_and_guidance_note(env: dict[str, Path]) -> None:
    at = run_ok(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.text_input(key="query").set_value("kosten van uitzetting")
    run_ok(at)
    assert [s.value for s in at.subheader][:2] == ["Precedents", "Guidance"]
    guide_cards = [c for c in at.get("flex_container") if str(c.key or "").startswith("guide_")]
    assert guide_cards, "no guidance card"
    bodies = " ".join(h.value for h in at.html)
    assert "policy guide" in bodies and "A3 › 9 Verhaal van kosten van uitzetting" in bodies

    # Read: the guide's section in its tree, with its parent and a table of contents.
    at.radio(key="page").set_value("Read")
    run_ok(at)
    at.selectbox(key="read_doc").set_value(GUIDE)
    run_ok(at)
    at.selectbox(key="read_unit").set_value("sec_4.5")
    run_ok(at)
    assert any(b.key == "toc__sec_7.1.5" for b in at.button)
    at.button(key="read_parent").click()
    run_ok(at)
    assert at.selectbox(key="read_unit").value == "sec_4"
    at.button(key="toc__sec_9").click()
    run_ok(at)
    assert at.selectbox(key="read_unit").value == "sec_9"
    bodies = " ".join(h.value for h in at.html)
    assert "A3 Vertrek en uitzetting › 9 Verhaal van kosten van uitzetting" in bodies

    # Draft: the agreement's costs article, with the guide section attached as a note.
    at.radio(key="page").set_value("Search")
    run_ok(at)
    at.text_input(key="query").set_value("kosten van de terugkeer")
    run_ok(at)
    add_keys = [b.key for b in at.button if str(b.key or "").startswith(f"add__{KAZ_NL}__")]
    assert add_keys
    at.button(key=add_keys[0]).click()
    run_ok(at)
    draft_id = at.query_params.get("draft")
    at.radio(key="page").set_value("Draft")
    run_ok(at)
    attach = [b for b in at.button if str(b.key or "").startswith("clause_guidance_add__")]
    assert attach, "no guide section offered beside the draft article"
    attach[0].click()
    run_ok(at)
    clause = DraftStore(env["drafts"]).load(str(draft_id)).clauses[0]
    assert len(clause.guidance) == 1
    assert clause.guidance[0].doc_id == GUIDE and "A3" in clause.guidance[0].citation
    assert clause.text == clause.original_text  # the treaty text is untouched


def test_guidance_is_attached_to_a_draft_article_never_added_as_one(env: dict[str, Path]) -> None:
    """A guidance card offers "Attach as guidance" to an article of the current draft, never
    "Add to draft"; the Read page does the same for a guide section."""
    at = run_ok(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.text_input(key="query").set_value("kosten van de terugkeer")
    run_ok(at)
    assert not [b for b in at.button if str(b.key or "").startswith(f"add__{GUIDE}__")]
    attach = [b for b in at.button if str(b.key or "").startswith(f"attach__{GUIDE}__")]
    assert attach, "no attach control on the guidance cards"
    assert attach[0].disabled  # no draft yet: nothing to attach to

    agreement_adds = [b for b in at.button if str(b.key or "").startswith(f"add__{KAZ_NL}__")]
    section_key = agreement_adds[0].key.replace("add__", "section__", 1)
    at.selectbox(key=section_key).set_value("costs")
    at.button(key=agreement_adds[0].key).click()
    run_ok(at)
    draft_id = str(at.query_params.get("draft"))
    clause = DraftStore(env["drafts"]).load(draft_id).clauses[0]

    attach_key = next(b.key for b in at.button if str(b.key or "").startswith(f"attach__{GUIDE}__"))
    eid = attach_key.split("__")[-1]
    at.selectbox(key=f"attach_to__{GUIDE}__{eid}").set_value(clause.clause_id)
    at.button(key=attach_key).click()
    run_ok(at)
    draft = DraftStore(env["drafts"]).load(draft_id)
    assert len(draft.clauses) == 1  # no guidance became a draft article
    assert [(n.doc_id, n.eid) for n in draft.clauses[0].guidance] == [(GUIDE, eid)]
    assert draft.clauses[0].text == clause.text

    at.radio(key="page").set_value("Read")
    run_ok(at)
    at.selectbox(key="read_doc").set_value(GUIDE)
    run_ok(at)
    assert not [b for b in at.button if b.key == "read_add"]
    assert [b for b in at.button if b.key == "read_attach"]


def test_draft_page_flags_references_outside_the_draft_and_mixed_languages(
    env: dict[str, Path],
) -> None:
    """A Dutch article citing "artikel 7, lid (6), van deze Overeenkomst" in a draft without
    that article, beside an English one: both points are flagged on the Draft page."""
    from index.types import Hit
    from readmit.drafting import model

    def source(language: str, text: str, number: int) -> Hit:
        return Hit(
            rank=1,
            score=0.9,
            chunk_id=number,
            doc_id=KAZ_NL
            if language == "nl"
            else "benelux-kazakhstan-readmission-agreement-2015-en",
            title="Overeenkomst Benelux–Kazachstan",
            part="agreement",
            article=str(number),
            heading="Terugname",
            eid=f"art_{number}",
            page_start=None,
            page_end=None,
            language=language,
            text=text,
        )

    store = DraftStore(env["drafts"])
    draft = store.create("Model")
    draft = model.add_clause(
        draft,
        section="own-nationals",
        hit=source("nl", "Conform artikel 7, lid (6), van deze Overeenkomst verstrekt ...", 2),
    )
    draft = model.add_clause(
        draft, section="costs", hit=source("en", "All costs shall be borne by ...", 12)
    )
    store.save(draft)
    at = run_ok(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.radio(key="page").set_value("Draft")
    run_ok(at)
    # the messages are Markdown with document text escaped ("\\(6\\)"); read them as shown
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "mixes languages" in warnings
    assert "artikel 7, lid (6), van deze Overeenkomst" in warnings
    assert "source article 7 is not in the draft" in warnings
