"""The sidebar: navigation (widget key ``page``) and what the session is working on."""

from __future__ import annotations

import streamlit as st

from readmit.drafting import DraftStoreError
from readmit.ui import render
from readmit.ui.signin import signed_in_as
from readmit.ui.state import MAX_PINS, PAGE_KEY, PAGES, current_draft_id, pins
from readmit.workbench import UserStore, Workbench


def sidebar(wb: Workbench, users: UserStore) -> str:
    """Render the sidebar and return the page to show."""
    with st.sidebar:
        st.html(
            '<div style="font-size:1.35rem;font-weight:700;color:#0b3d62">Readmit</div>'
            '<div class="rdm-small">Model readmission agreement · drafting workbench</div>'
        )
        page = st.radio("Go to", PAGES, key=PAGE_KEY, label_visibility="collapsed")
        signed_in_as(wb.principal, users)
        st.divider()
        draft_id = current_draft_id()
        title = "none yet"
        if draft_id:
            try:
                title = wb.drafting.get(draft_id).title
            except DraftStoreError:
                title = "none (the draft could not be opened)"
        st.html(
            render.meta_table(
                [
                    ("Current draft", title),
                    ("Pinned", f"{len(pins())} of {MAX_PINS}"),
                    ("Index", f"{len(wb.kb.documents())} documents"),
                ]
            )
        )
    return str(page)
