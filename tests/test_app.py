"""The Streamlit workbench driven through AppTest: every page, by widget key, on a real index.

One small real index (MiniLM) of four documents is built per test session: the
Benelux–Kazakhstan agreement in English and Dutch (so the Read page has a counterpart), the
Benelux–Bosnia implementing protocol, and a probe document whose text is hostile markup (so the
tests can prove document text is rendered inert).
"""

from __future__ import annotations

import re
import shutil
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ingest.language import SUPPORTED_LANGUAGES
from readmit.drafting import DraftStore
from readmit.facade import MAX_UPLOAD_BYTES, UploadedFile, UploadRejectedError
from readmit.service import KnowledgeBase
from readmit.ui import draft_page
from readmit.uploads import sanitise_upload_name
from tests.harness.app_index import (
    APP,
    BOSNIA,
    KAZ_EN,
    KAZ_NL,
    QUERY,
    TIMEOUT,
    html_bodies,
    run_ok,
    start,
)
from tests.harness.facade import local_readmit


def card_citations(at: AppTest) -> list[str]:
    return [body for body in html_bodies(at) if 'class="rdm-cite"' in body and "rdm-doc" in body]


def button_keys(at: AppTest, prefix: str) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith(prefix)]


def typed_widget(widgets: Any, field: str, clause_id: str) -> Any:
    """The one widget of a clause's typed field (its key carries the draft revision shown)."""
    prefix = f"clause_{field}__{clause_id}__r"
    found = [w for w in widgets if str(w.key).startswith(prefix)]
    assert len(found) == 1, [w.key for w in found]
    return found[0]


def open_filters(at: AppTest) -> AppTest:
    """Open the search filters (their widgets are drawn only while the panel is open)."""
    at.session_state["search_filters"] = True
    return run_ok(at)


def search(at: AppTest, query: str = QUERY) -> AppTest:
    at.text_input(key="query").set_value(query)
    return run_ok(at)


# ---- Search ------------------------------------------------------------------------------


def test_search_renders_article_cards_with_highlights(app_env: dict[str, Path]) -> None:
    at = search(start())
    cards = card_citations(at)
    # Up to 10 precedents, and beside them up to 5 guidance sections (the probe is a guide).
    assert 3 <= len(cards) <= 10 + 5
    # The Kazakhstan time-limits article is found, cited by number, heading and eid.
    assert any("Article 7 — Time limits" in c and "(art_7)" in c for c in cards)
    assert any("signed 2015-03-02" in c for c in cards)
    passages = [b for b in html_bodies(at) if b.startswith('<div class="rdm-text">')]
    assert any("<mark>" in p for p in passages)
    captions = " ".join(c.value for c in at.caption)
    assert re.search(r"\d+ articles · \d+ guidance sections · \d+\.\d\d s", captions)
    assert button_keys(at, "open__") and button_keys(at, "pin__") and button_keys(at, "add__")


def test_search_intro_names_every_language_ingest_reads(app_env: dict[str, Path]) -> None:
    at = start()
    intro = next(c.value for c in at.caption if c.value.startswith("Ask in plain language"))
    names = list(SUPPORTED_LANGUAGES.values())
    assert f"in {', '.join(names[:-1])} or {names[-1]}." in intro
    assert "Chinese" in intro and "Thai" in intro  # not only the four European languages


def test_nonsense_gets_no_good_match(app_env: dict[str, Path]) -> None:
    at = search(start(), "zzzz qqq")
    assert any("No good match" in w.value for w in at.warning)
    assert not any("articles ·" in c.value for c in at.caption)
    # the closest articles are still there, behind an expander
    assert any(e.label.startswith("Show the ") for e in at.expander)
    at = search(at, QUERY)
    assert not any("No good match" in w.value for w in at.warning)
    assert any("articles ·" in c.value for c in at.caption)


def test_clause_type_filter_in_search(app_env: dict[str, Path]) -> None:
    at = search(start())
    unfiltered = card_citations(at)
    at = open_filters(at)
    at.multiselect(key="filter_slots").set_value(["costs"])
    run_ok(at)
    cards = card_citations(at)
    assert cards and len(cards) < len(unfiltered)
    assert all("cost" in c.lower() or "kosten" in c.lower() for c in cards)


def test_search_filters_apply_inside_retrieval(app_env: dict[str, Path]) -> None:
    at = open_filters(start())
    at.multiselect(key="filter_docs").set_value([BOSNIA])
    at = search(at)
    opened = button_keys(at, "open__")
    assert opened and all(key.startswith(f"open__{BOSNIA}__") for key in opened)
    assert "filters applied" in " ".join(c.value for c in at.caption)

    at.multiselect(key="filter_docs").set_value([])
    at.multiselect(key="filter_languages").set_value(["nl"])
    run_ok(at)
    opened = button_keys(at, "open__")
    assert opened and all(key.startswith(f"open__{KAZ_NL}__") for key in opened)
    assert all("NL</span>" in card for card in card_citations(at))


def test_search_filters_are_drawn_only_while_open_and_stay_in_force(
    app_env: dict[str, Path],
) -> None:
    at = start()
    # A new session's first page: the panel is closed and none of its widgets is drawn.
    assert at.session_state["search_filters"] is False
    assert not [w for w in at.multiselect if str(w.key).startswith("filter_")]
    assert not [w for w in at.slider if str(w.key).startswith("filter_")]
    at = open_filters(at)
    at.multiselect(key="filter_languages").set_value(["nl"])
    at = search(at)
    # Closed again: the filter stays in force (and is shown as chosen when reopened).
    at.session_state["search_filters"] = False
    at = run_ok(at)
    assert not [w for w in at.multiselect if str(w.key).startswith("filter_")]
    opened = button_keys(at, "open__")
    assert opened and all(key.startswith(f"open__{KAZ_NL}__") for key in opened)
    assert "filters applied" in " ".join(c.value for c in at.caption)
    at = search(at, "costs of transport")
    assert all(key.startswith(f"open__{KAZ_NL}__") for key in button_keys(at, "open__"))
    at = open_filters(at)
    assert at.multiselect(key="filter_languages").value == ["nl"]


def test_document_text_is_rendered_inert(app_env: dict[str, Path]) -> None:
    at = search(start(), "zebraprobe request")
    bodies = html_bodies(at)
    probe_cards = [b for b in card_citations(at) if "Zebraprobe clause" in b]
    assert probe_cards, "the probe article is not among the results"
    # The title's markup arrives escaped, its Markdown untouched.
    assert "Probe &lt;b&gt;instrument&lt;/b&gt; **title**" in probe_cards[0]
    passage = next(b for b in bodies if "zebraprobe" in b.lower() and "rdm-text" in b)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in passage
    assert "&lt;img src=x onerror=alert(2)&gt;" in passage
    for literal in ("**bold**", "[link](http://x)", ":red[x]", "&amp; more"):
        assert literal in passage
    # No tag from the document survives anywhere on the page; st.html does not read Markdown.
    for body in bodies:
        assert "<script" not in body and "<img" not in body and "<b>" not in body
    # The only tags in the passage are our own highlights.
    assert set(re.findall(r"</?([a-z]+)", passage)) <= {"div", "mark"}
    assert "<mark>zebraprobe</mark>" in passage.lower()


# ---- Read --------------------------------------------------------------------------------


def test_open_reads_article_in_context_with_counterpart(app_env: dict[str, Path]) -> None:
    at = search(start())
    # Every card offers its citation to copy, in the one citation format.
    kazakhstan_title = KnowledgeBase(app_env["index"]).document(KAZ_EN).title  # type: ignore[union-attr]
    cited = f"Art. 7, {kazakhstan_title} (2015), BWBV0006473"
    assert cited in [code.value for code in at.code]
    at.button(key=f"open__{KAZ_EN}__art_7").click()
    run_ok(at)
    assert at.radio(key="page").value == "Read"
    assert at.selectbox(key="read_doc").value == KAZ_EN
    assert at.selectbox(key="read_unit").value == "art_7"
    bodies = " ".join(html_bodies(at))
    kb = KnowledgeBase(app_env["index"])
    article = kb.article(KAZ_EN, "art_7")
    assert article is not None
    # Every paragraph of the article, not only the passage that matched.
    for paragraph in article.paragraphs:
        assert paragraph.text[:60] in bodies.replace("&#x27;", "'")
    # The agreement's facts and the Dutch version of the same article, side by side.
    assert "BWBV0006473" in bodies and "https://wetten.overheid.nl/BWBV0006473" in bodies
    assert "Official treaty text" in bodies  # licence
    assert "Termijnen" in bodies and "21 kalenderdagen" in bodies
    assert at.query_params.get("eid") == "art_7"
    assert [code.value for code in at.code] == [cited]  # the Read page's citation to copy

    at.button(key="read_next").click()
    run_ok(at)
    assert at.selectbox(key="read_unit").value == "art_8"
    at.button(key="read_prev").click()
    run_ok(at)
    assert at.selectbox(key="read_unit").value == "art_7"


# ---- Compare -----------------------------------------------------------------------------


def test_pin_two_and_compare_shows_word_diff(app_env: dict[str, Path]) -> None:
    at = start()
    at.radio(key="page").set_value("Read")
    run_ok(at)
    at.selectbox(key="read_doc").set_value(KAZ_EN)
    run_ok(at)
    at.selectbox(key="read_unit").set_value("art_7")
    run_ok(at)
    at.button(key="read_pin").click()
    run_ok(at)
    at.selectbox(key="read_unit").set_value("art_9")
    run_ok(at)
    at.button(key="read_pin").click()
    run_ok(at)
    at.radio(key="page").set_value("Compare")
    run_ok(at)
    bodies = html_bodies(at)
    assert sum("Article 7 — Time limits" in b for b in bodies) == 1
    assert sum("Article 9 — Readmission in error" in b for b in bodies) == 1
    diff = next(b for b in bodies if 'class="rdm-text rdm-diff"' in b)
    assert "<del>" in diff and "<ins>" in diff
    assert "21 calendar days" in diff  # a phrase only in Article 7, shown as deleted
    assert any("Words in common" in c.value for c in at.caption)
    assert at.button(key=f"unpin__{KAZ_EN}__art_7")
    at.button(key=f"unpin__{KAZ_EN}__art_7").click()
    run_ok(at)
    assert not [b for b in html_bodies(at) if 'class="rdm-text rdm-diff"' in b]


# ---- Draft -------------------------------------------------------------------------------


def test_add_edit_neutralise_and_export_a_draft(app_env: dict[str, Path]) -> None:
    at = search(start())
    section_key = f"section__{KAZ_EN}__art_7"
    assert at.selectbox(key=section_key).value == "time-limits"  # the suggested section
    at.button(key=f"add__{KAZ_EN}__art_7").click()
    run_ok(at)
    assert any("Added Article 7" in s.value for s in at.success)
    draft_id = at.query_params.get("draft")
    assert draft_id

    at.radio(key="page").set_value("Draft")
    run_ok(at)
    store = DraftStore(app_env["drafts"])
    draft = store.load(draft_id)
    clause = draft.clauses[0]
    kb = KnowledgeBase(app_env["index"])
    article = kb.article(KAZ_EN, "art_7")
    assert article is not None and clause.text == article.text  # the whole article
    assert typed_widget(at.text_area, "text", clause.clause_id).value == article.text
    provenance = " ".join(b for b in html_bodies(at) if "Source:" in b)
    assert "verbatim" in provenance and "Article 7 (art_7)" in provenance
    assert "BWBV0006473" in provenance
    assert any(s.value == "Time limits" for s in at.subheader)

    # Edit: saved at once, marked as edited, the change shown against the source.
    edited = article.text.replace("21 calendar days", "fourteen calendar days")
    typed_widget(at.text_area, "text", clause.clause_id).set_value(edited)
    run_ok(at)
    assert store.load(draft_id).clauses[0].text == edited
    assert "edited" in " ".join(b for b in html_bodies(at) if "Source:" in b)
    assert any("<ins>fourteen</ins>" in b for b in html_bodies(at))

    # Neutralise the party names in one action.
    at.button(key=f"clause_neutralise__{clause.clause_id}").click()
    run_ok(at)
    neutral = store.load(draft_id).clauses[0].text
    assert typed_widget(at.text_area, "text", clause.clause_id).value == neutral
    assert "fourteen calendar days" in neutral

    typed_widget(at.text_input, "note", clause.clause_id).set_value("Check against EU model.")
    run_ok(at)
    assert store.load(draft_id).clauses[0].note == "Check against EU model."

    # Revert restores the source wording.
    at.button(key=f"clause_revert__{clause.clause_id}").click()
    run_ok(at)
    assert typed_widget(at.text_area, "text", clause.clause_id).value == article.text

    # Export: the download buttons are there; the Word file opens and carries the clause.
    # (the Word file with tracked changes against the sources, and the History panel's
    # download of an earlier version)
    assert {b.key for b in at.get("download_button")} == {
        "export_docx",
        "export_md",
        "export_redline",
        "draft_history_export",
    }
    wb = local_readmit(index_dir=app_env["index"], drafts_dir=app_env["drafts"])
    document = docx.Document(BytesIO(draft_page.docx_bytes(wb, draft_id)))
    texts = [p.text for p in document.paragraphs]
    assert "Model readmission agreement" in texts[0]
    assert "\nTime limits" in texts  # "Article 1" is Word's own numbering of the heading
    assert any("21 calendar days" in t for t in texts)
    assert any("Check against EU model." in t for t in texts)
    provenance_cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert "Article 7 (art_7)" in provenance_cells
    markdown = wb.export_markdown(draft_id)
    assert "## Article 1 – Time limits" in markdown

    # Export options: placeholders, author and a bilingual Word file beside the Dutch version.
    assert "draft id " + draft_id in " ".join(c.value for c in at.caption)
    at.checkbox(key="export_placeholders").check()
    # every language ingest reads is offered, named, whatever the index holds
    offered = at.selectbox(key="export_other_language").options
    assert offered[1:] == [f"{code.upper()} — {name}" for code, name in SUPPORTED_LANGUAGES.items()]
    assert "ZH — Chinese" in offered and "TH — Thai" in offered and "VI — Vietnamese" in offered
    at.selectbox(key="export_other_language").set_value("nl")
    at.text_input(key="export_author").set_value("J. Jansen")
    run_ok(at)
    options = wb.export_options(
        draft_id, placeholders=True, author="J. Jansen", other_language="nl"
    )
    bilingual = docx.Document(BytesIO(draft_page.docx_bytes(wb, draft_id, options)))
    assert bilingual.core_properties.author == "J. Jansen"
    cells = [cell.text for row in bilingual.tables[0].rows for cell in row.cells]
    assert cells[:2] == ["Draft (EN)", "Source wording (NL)"]
    assert "Termijnen" in cells[3]


def test_neutralise_replaces_state_names(app_env: dict[str, Path]) -> None:
    at = start()
    at.radio(key="page").set_value("Read")
    run_ok(at)
    at.selectbox(key="read_doc").set_value(KAZ_EN)
    run_ok(at)
    at.selectbox(key="read_unit").set_value("preamble")
    run_ok(at)
    assert at.selectbox(key="read_section").value == "title-and-preamble"
    at.button(key="read_add").click()
    run_ok(at)
    at.radio(key="page").set_value("Draft")
    run_ok(at)
    draft_id = at.query_params["draft"]
    clause = DraftStore(app_env["drafts"]).load(draft_id).clauses[0]
    assert "Kazakhstan" in clause.text
    at.button(key=f"clause_neutralise__{clause.clause_id}").click()
    run_ok(at)
    neutral = typed_widget(at.text_area, "text", clause.clause_id).value
    assert "Kazakhstan" not in neutral and "[Party A]" in neutral and "[Party B]" in neutral


def test_draft_management_and_reordering(app_env: dict[str, Path]) -> None:
    at = start()
    at.radio(key="page").set_value("Draft")
    run_ok(at)
    assert any("No draft yet" in i.value for i in at.info)
    at.text_input(key="new_draft_title").set_value("Regional model")
    at.button(key="draft_create").click()
    run_ok(at)
    draft_id = at.query_params["draft"]
    wb = local_readmit(index_dir=app_env["index"], drafts_dir=app_env["drafts"])
    first, _ = wb.add_text(draft_id, section="transit", text="First.", heading="A")
    second, _ = wb.add_text(draft_id, section="transit", text="Second.", heading="B")
    run_ok(at)
    ids = [c.clause_id for c in second.clauses]
    at.button(key=f"clause_down__{ids[0]}").click()
    run_ok(at)
    assert [c.clause_id for c in wb.get_draft(draft_id).clauses] == [ids[1], ids[0]]
    at.selectbox(key=f"clause_section__{ids[0]}").set_value("costs")
    run_ok(at)
    assert wb.get_draft(draft_id).clause(ids[0]).section == "costs"
    at.button(key=f"clause_remove__{ids[1]}").click()
    run_ok(at)
    assert [c.clause_id for c in wb.get_draft(draft_id).clauses] == [ids[0]]

    # A refresh (a new session with the URL's query parameters) reopens the same draft.
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT)
    fresh.query_params["page"] = "Draft"
    fresh.query_params["draft"] = draft_id
    run_ok(fresh)
    assert fresh.selectbox(key="draft_select").value == draft_id
    assert typed_widget(fresh.text_area, "text", ids[0]).value == "First."

    at.button(key="draft_duplicate").click()
    run_ok(at)
    copy_id = at.query_params["draft"]
    assert copy_id != draft_id and wb.get_draft(copy_id).title == "Regional model (copy)"
    at.checkbox(key="draft_delete_confirm").check()
    at.button(key="draft_delete").click()
    run_ok(at)
    assert [s.draft_id for s in wb.list_drafts()] == [draft_id]


# ---- Maintain ----------------------------------------------------------------------------


def test_maintain_shows_status(app_env: dict[str, Path]) -> None:
    at = start()
    at.radio(key="page").set_value("Maintain")
    run_ok(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == "4"
    status = KnowledgeBase(app_env["index"]).status()
    assert metrics["Indexed passages"] == str(status.chunks)
    assert any("all-MiniLM-L6-v2" in b for b in html_bodies(at))
    assert at.file_uploader(key="upload_files") is not None
    assert at.button(key="upload_ingest").disabled  # nothing chosen yet


def test_upload_a_text_file_indexes_it(
    small_index: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A copy of the index and an empty corpus folder: this test adds a document.
    _, shared_index = small_index
    index = tmp_path / "index"
    shutil.copytree(shared_index, index)
    corpus = tmp_path / "corpus"
    monkeypatch.setenv("READMIT_INDEX", str(index))
    monkeypatch.setenv("READMIT_DRAFTS", str(tmp_path / "drafts"))
    monkeypatch.setenv("READMIT_CORPUS", str(corpus))
    st.cache_resource.clear()
    try:
        at = start()
        at.radio(key="page").set_value("Maintain")
        run_ok(at)
        text = (
            "Article 1 — Costs\nAll transport costs up to the border of the requested Party "
            "shall be borne by the requesting Party.\n"
        ).encode()
        at.file_uploader(key="upload_files").set_value(
            [("../../new agreement?.txt", text, "text/plain")]
        )
        run_ok(at)
        at.button(key="upload_ingest").click()
        run_ok(at)
        # The user's data beside the index, never the (tracked) corpus folder.
        assert (tmp_path / "uploads" / "new_agreement_.txt").read_bytes() == text
        assert not corpus.exists() or not any(corpus.iterdir())
        assert any("Indexed 1" in s.value for s in at.success)
        # no sidecar: the maintainer is told the language was detected from the text
        infos = [i.value.replace("\\", "") for i in at.info]  # Markdown-escaped in the app
        assert "new_agreement_.txt: language detected from the text: en (no sidecar gives it)" in (
            infos
        )
        assert {m.label: m.value for m in at.metric}["Documents"] == "5"
        # the sidebar (drawn before the page) is redrawn with the new count
        assert any("5 documents" in body for body in html_bodies(at))
        assert KnowledgeBase(index).document("new_agreement_") is not None
    finally:
        st.cache_resource.clear()


def test_upload_handling_rejects_bad_files(app_env: dict[str, Path], tmp_path: Path) -> None:
    wb = local_readmit(
        index_dir=tmp_path / "index", drafts_dir=app_env["drafts"], corpus_dir=tmp_path / "c"
    )
    assert wb.uploads_dir() == tmp_path / "uploads"
    outcome = wb.save_uploads(
        [
            UploadedFile("..\\..\\evil/../ok-file.md", b"# text"),
            UploadedFile(".hidden.txt", b"x"),
            UploadedFile("script.sh", b"x"),
            UploadedFile("README.md", b"x"),
            UploadedFile("empty.txt", b""),
            UploadedFile("big.pdf", b"x" * 11),
        ],
        max_bytes=10,
    )
    assert [p.name for p in outcome.saved] == ["ok-file.md"]
    assert (tmp_path / "uploads" / "ok-file.md").read_bytes() == b"# text"
    reasons = dict(outcome.rejected)
    assert "hidden" in reasons[".hidden.txt"]
    assert "unsupported type .sh" in reasons["script.sh"]
    assert "reserved" in reasons["README.md"]
    assert "empty" in reasons["empty.txt"]
    assert "over the" in reasons["big.pdf"]
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == ["ok-file.md"]
    assert sanitise_upload_name("C:\\Users\\x\\Verdrag (NL) ü.pdf") == "Verdrag_NL_.pdf"
    with pytest.raises(UploadRejectedError):
        sanitise_upload_name("..")
    assert MAX_UPLOAD_BYTES == 50 * 1024 * 1024


def test_protocol_article_links_to_the_agreement_article_it_implements(
    app_env: dict[str, Path],
) -> None:
    at = start()
    at.radio(key="page").set_value("Read")
    run_ok(at)
    at.selectbox(key="read_doc").set_value(KAZ_EN)
    run_ok(at)
    at.selectbox(key="read_unit").set_value("protocol__art_3")
    run_ok(at)
    # "(Article 7, paragraph 3 of the Agreement)" opens the protocol article: a link, both ways.
    link = at.button(key="read_link__art_7")
    assert link.label == "Article 7 — Time limits"
    link.click()
    run_ok(at)
    assert at.selectbox(key="read_unit").value == "art_7"
    assert at.button(key="read_link__protocol__art_3").label.startswith("Protocol, Article 3")

    # In a draft, the protocol article's text starts with its own wording, not the reference.
    wb = local_readmit(index_dir=app_env["index"], drafts_dir=app_env["drafts"])
    draft, clause = wb.add_unit_to_draft(
        draft_id=None, doc_id=KAZ_EN, eid="protocol__art_3", section="time-limits"
    )
    assert clause.text.startswith("1. A response to a request for readmission")
    assert "(Article 7, paragraph 3 of the Agreement" not in clause.text
    assert clause.provenance is not None and clause.provenance.eid == "protocol__art_3"
