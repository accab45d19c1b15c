"""The app's Review page through AppTest: upload our own proposal, compare it with a model
draft, see the summary table, the articles side by side, the downloads; the proposal is not
added to the corpus or the index."""

from __future__ import annotations

from pathlib import Path

from readmit.service import KnowledgeBase
from tests.harness.app_index import html_bodies, run_ok, start
from tests.harness.word_files import PROPOSAL_TEXT, model_draft


def test_review_page_reviews_an_upload_privately(app_env: dict[str, Path]) -> None:
    draft_id = model_draft(app_env["drafts"])
    corpus_before = sorted(p.name for p in app_env["corpus"].iterdir())
    documents_before = [d.doc_id for d in KnowledgeBase(app_env["index"]).documents()]
    at = start()
    at.radio(key="page").set_value("Review")
    run_ok(at)
    assert at.button(key="review_run").disabled  # no proposal yet
    assert at.radio(key="review_against_kind").value == "My model draft"
    assert at.selectbox(key="review_draft").value == draft_id
    at.file_uploader(key="review_upload").set_value(
        [("Borduria proposal <b>v2</b>.txt", PROPOSAL_TEXT.encode(), "text/plain")]
    )
    run_ok(at)
    at.button(key="review_run").click()
    run_ok(at)
    table = at.dataframe[0].value
    findings = list(table["finding"])
    assert "period differs" in findings and "missing" in findings and "added" in findings
    reply = table[table["finding"] == "period differs"]["what"].iloc[0]
    assert "reply to a request: 60 calendar days (the model: 21 calendar days)" in reply
    assert any("Article 8 — Escort (added)" in e.label for e in at.expander)
    assert any("Article 5 — Time limits ↔ Article 5 — Time limits" in e.label for e in at.expander)
    # the file name is shown as text, never as markup
    assert any("Borduria proposal <b>v2</b>.txt" in s.value for s in at.subheader)
    assert not any("<b>v2</b>" in body for body in html_bodies(at))
    assert len(at.get("download_button")) == 3  # memo, redline, JSON
    # private: nothing written to the corpus folder or indexed
    assert sorted(p.name for p in app_env["corpus"].iterdir()) == corpus_before
    assert [d.doc_id for d in KnowledgeBase(app_env["index"]).documents()] == documents_before

    # against an indexed agreement: the choice lists the agreements, not the guidance
    at.radio(key="review_against_kind").set_value("An indexed agreement")
    run_ok(at)
    options = at.selectbox(key="review_document").options
    assert any("Kazakhstan" in option for option in options)
    assert not any("Probe" in option for option in options)
