"""Review page: a counterpart's proposal against the model draft or an indexed agreement.

The proposal is the user's private material: it is read for the review and kept only in this
session (never written to the corpus or the index); the summary table, the aligned articles
side by side, the precedents (opened on the Read page) and the downloads come from the review
kept in the session.

Widget keys: ``review_upload`` (file uploader), ``review_against_kind`` (radio: a draft or a
document), ``review_draft`` / ``review_document`` (the target), ``review_run`` (button),
``review_open__<doc_id>__<eid>__<n>`` (open a precedent on the Read page), ``review_memo``,
``review_redline``, ``review_json`` (downloads). The summary is the page's only dataframe.
"""

from __future__ import annotations

import json
from functools import partial

import streamlit as st

from readmit.facade import (
    NO_PRECEDENT,
    PROPOSAL_SUFFIXES,
    NearestPrecedent,
    Readmit,
    Review,
    ReviewError,
    ReviewTarget,
    against_name,
    document_label,
    memo_bytes,
    redline_bytes,
    review_json,
    summary_rows,
)
from readmit.ui import render
from readmit.ui.state import current_draft_id, open_article, show_flash

RESULT_KEY = "review_result"  # the last Review of this session (and its downloads)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def page(wb: Readmit) -> None:
    st.header("Review a proposal")
    show_flash()
    st.caption(
        "Upload the other side's proposal (Word, PDF or text) and compare it with your model "
        "draft or an agreement in the index. The proposal stays private: it is not added to "
        "the corpus."
    )
    target = _choose_target(wb)
    upload = st.file_uploader(
        "The proposal",
        type=[suffix.lstrip(".") for suffix in PROPOSAL_SUFFIXES],
        key="review_upload",
    )
    if st.button("Review", key="review_run", type="primary", disabled=upload is None or not target):
        assert upload is not None and target is not None
        with st.spinner("Reading the proposal and comparing it…"):
            try:
                review = _review(wb, upload.name, upload.getvalue(), target)
            except ReviewError as error:
                st.session_state.pop(RESULT_KEY, None)
                st.error(str(error))
                return
        st.session_state[RESULT_KEY] = {
            "review": review,
            "author": wb.export_author() or "Readmit",
        }
    result = st.session_state.get(RESULT_KEY)
    if result:
        _show(result["review"], result["author"])


def _review(wb: Readmit, name: str, data: bytes, target: ReviewTarget) -> Review:
    if target.kind == "document":
        return wb.review_upload_document(name=name, data=data, doc_id=target.identifier)
    return wb.review_upload_draft(name=name, data=data, draft_id=target.identifier)


def _choose_target(wb: Readmit) -> ReviewTarget | None:
    kind = st.radio(
        "Compare with",
        ("My model draft", "An indexed agreement"),
        key="review_against_kind",
        horizontal=True,
    )
    if kind == "My model draft":
        drafts = list(wb.list_drafts())
        if not drafts:
            st.info("No draft yet: start one on the Draft page, or compare with an agreement.")
            return None
        ids = [d.draft_id for d in drafts]
        titles = {d.draft_id: d.title for d in drafts}
        current = current_draft_id()
        if st.session_state.get("review_draft") not in ids:
            st.session_state["review_draft"] = current if current in ids else ids[0]
        chosen = st.selectbox("Draft", ids, format_func=titles.__getitem__, key="review_draft")
        return ReviewTarget("draft", str(chosen))
    documents = [d for d in wb.documents() if not d.is_guidance]
    if not documents:
        st.info("The index has no agreements yet.")
        return None
    labels = {d.doc_id: document_label(d) for d in documents}
    chosen = st.selectbox(
        "Agreement", list(labels), format_func=labels.__getitem__, key="review_document"
    )
    return ReviewTarget("document", str(chosen))


def _json_text(review: Review) -> str:
    return json.dumps(review_json(review), ensure_ascii=False, indent=2)


def _show(review: Review, author: str) -> None:
    st.subheader(f"Review of {review.proposal_name}", divider="gray")
    st.caption(
        f"Against {against_name(review)} “{review.against_title}”; periods placed among those "
        f"of {review.precedent_documents} agreements."
    )
    for note in review.notes:
        st.warning(note)
    downloads = st.columns(3)
    stem = "review"
    # Each file is built when its button is clicked (Streamlit's callable `data`), not on
    # every rerun of the page.
    downloads[0].download_button(
        "Memo (Word)",
        partial(memo_bytes, review),
        file_name=f"{stem}-memo.docx",
        mime=DOCX_TYPE,
        key="review_memo",
        on_click="ignore",
    )
    downloads[1].download_button(
        "Redline (Word, tracked changes)",
        partial(redline_bytes, review, author=author),
        file_name=f"{stem}-redline.docx",
        mime=DOCX_TYPE,
        key="review_redline",
        on_click="ignore",
    )
    downloads[2].download_button(
        "JSON",
        partial(_json_text, review),
        file_name=f"{stem}.json",
        mime="application/json",
        key="review_json",
        on_click="ignore",
    )
    rows = summary_rows(review)
    deviations = sum(1 for row in rows if row["finding"] != "missing" and row["finding"] != "added")
    st.html(
        render.meta_table(
            [
                ("Deviations", str(deviations)),
                ("Missing", str(len(review.missing))),
                ("Added", str(len(review.extra))),
            ]
        )
    )
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.success("No deviations found.")
    st.subheader("Articles side by side", divider="gray")
    added = {extra.proposal.eid for extra in review.extra}
    for index, article in enumerate(review.articles):
        if article.against and not article.changed:
            continue
        title = article.proposal.citation
        if article.against:
            title += " ↔ " + ", ".join(unit.citation for unit in article.against)
        else:
            title += " (added)" if article.proposal.eid in added else " (no counterpart)"
        with st.expander(title, expanded=bool(article.deviations)):
            if article.deviations:
                _bullets([limit.describe(against_name(review)) for limit in article.deviations])
            left, right = st.columns(2)
            left.caption(f"{against_name(review).capitalize()}")
            right.caption("The proposal")
            left.html(render.passage("\n\n".join(unit.text for unit in article.against) or "—"))
            right.html(render.passage(article.proposal.text))
            if article.against:
                st.html(render.diff_html(article.diff))
            extra = next((e for e in review.extra if e.proposal.eid == article.proposal.eid), None)
            if extra is not None:
                _precedents(extra.nearest, index)
    if review.missing:
        st.subheader("Missing from the proposal", divider="gray")
        _bullets([f"{m.title}: {m.against.citation}" for m in review.missing])


def _precedents(nearest: tuple[NearestPrecedent, ...], index: int) -> None:
    st.caption("Has any agreement accepted this? The nearest precedents (open on the Read page):")
    if not nearest:
        st.write(NO_PRECEDENT)
    for precedent in nearest:
        st.button(
            f"{precedent.citation} — {precedent.title}",
            key=f"review_open__{precedent.doc_id}__{precedent.eid}__{index}",
            on_click=open_article,
            args=(precedent.doc_id, precedent.eid),
        )


def _bullets(items: list[str]) -> None:
    """Document text as an HTML list (escaped: inert)."""
    st.html("<ul>" + "".join(f"<li>{render.escape(item)}</li>" for item in items) + "</ul>")
