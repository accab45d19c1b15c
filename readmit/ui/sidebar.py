"""The sidebar: navigation (widget key ``page``) and what the session is working on."""

from __future__ import annotations

import time

import streamlit as st

from readmit.facade import AccessGate, DraftStoreError, Readmit, is_database_unreachable
from readmit.ui import render
from readmit.ui.signin import signed_in_as
from readmit.ui.state import MAX_PINS, PAGE_KEY, PAGES, current_draft_id, pins

# How often the sidebar looks at a background ingest's progress (seconds).
PROGRESS_REFRESH_SECONDS = 3.0
_WATCHING_INGEST = "_watching_ingest"
_DOCUMENTS_SEEN = "_documents_seen"


def sidebar(wb: Readmit, gate: AccessGate) -> str:
    """Render the sidebar and return the page to show."""
    with st.sidebar:
        st.html(
            '<div style="font-size:1.35rem;font-weight:700;color:#0b3d62">Readmit</div>'
            '<div class="rdm-small">Model readmission agreement · drafting workbench</div>'
        )
        page = st.radio("Go to", PAGES, key=PAGE_KEY, label_visibility="collapsed")
        try:
            _session_and_status(wb, gate)
        except Exception as error:  # navigation stays; the page shows the outage banner
            if not is_database_unreachable(error):
                raise
            st.caption(f"Signed in as {wb.principal.name} · the database is not reachable")
    return str(page)


def _session_and_status(wb: Readmit, gate: AccessGate) -> None:
    """Who is signed in, the current draft and pins, the index: what needs the database."""
    signed_in_as(wb.principal, gate)
    st.divider()
    draft_id = current_draft_id()
    title = "none yet"
    if draft_id:
        try:
            title = wb.get_draft(draft_id).title
        except DraftStoreError:
            title = "none (the draft could not be opened)"
    st.html(
        render.meta_table([("Current draft", title), ("Pinned", f"{len(pins())} of {MAX_PINS}")])
    )
    if wb.background_ingest() is None:
        index_status(wb)
    else:
        st.session_state[_WATCHING_INGEST] = True
        live_index_status(wb)


def index_status(wb: Readmit) -> None:
    """The document count, and how far a background ingest (`make run`) got."""
    progress = wb.background_ingest()
    st.html(render.meta_table([("Index", render.plural(len(wb.documents()), "document"))]))
    if progress is None:
        return
    minutes, seconds = divmod(int(time.time() - progress.started_at), 60)
    elapsed = f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
    st.progress(
        progress.fraction,
        text=f"Indexing the corpus: {progress.done} of {render.plural(progress.total, 'file')}"
        f" · {elapsed}",
    )
    st.caption(
        "Searches already cover the documents indexed so far; the rest follow as they are indexed."
    )


@st.fragment(run_every=PROGRESS_REFRESH_SECONDS)
def live_index_status(wb: Readmit) -> None:
    """`index_status`, redrawn every few seconds while an ingest runs; when it ends the whole
    page reruns once, so what it shows comes from the complete index."""
    documents = len(wb.documents())
    had_none = st.session_state.get(_DOCUMENTS_SEEN, documents) == 0
    st.session_state[_DOCUMENTS_SEEN] = documents
    finished = wb.background_ingest() is None and st.session_state.pop(_WATCHING_INGEST, False)
    if finished or (had_none and documents):  # the page said "empty": show the first documents
        st.rerun(scope="app")
    index_status(wb)


def empty_index_notice(wb: Readmit, *, hint: str) -> None:
    """What a page says when the index has no documents: wait for the background ingest if
    one runs, else `hint` (how to add documents)."""
    if wb.background_ingest() is not None:
        st.info(
            "The corpus is being indexed (progress in the sidebar); the first documents appear "
            "here as soon as they are indexed."
        )
    else:
        st.info(f"The index is empty. {hint}")
