"""The Draft page's "Gap check" section: standard clause types the draft does not cover, each
with the commonest precedent wordings and a button that adds one to the draft (with its
provenance, into the skeleton section of the clause type).

Widget keys: ``gap_check`` (run the check for the current draft); per missing clause type
``<slot>`` and precedent ``<n>`` (0, 1, 2): container ``gap__<slot>__<n>`` and button
``gap_add__<slot>__<n>``.
"""

from __future__ import annotations

import streamlit as st

from readmit.facade import (
    AccessDeniedError,
    DocumentNotFoundError,
    Draft,
    DraftError,
    DraftStoreError,
    Gap,
    Precedent,
    Readmit,
    cite_eid_short,
    section_for_slot,
)
from readmit.ui import render
from readmit.ui.render import SECTION_TITLES
from readmit.ui.state import (
    flash,
    gap_check_requested,
    memo,
    request_gap_check,
    set_current_draft,
)

EXCERPT_CHARS = 900


def gap_add_key(slot: str, position: int) -> str:
    return f"gap_add__{slot}__{position}"


def _gaps(wb: Readmit, draft: Draft) -> list[Gap]:
    """Once per draft version and index state (the check reads many articles)."""
    key = (draft.draft_id, draft.updated_at, len(draft.clauses), wb.index_generation())

    def check() -> list[Gap]:
        with st.spinner("Comparing the draft with the precedents…"):
            return wb.draft_gaps(draft.draft_id)

    return memo("gap_check", key, check)


def _add(wb: Readmit, draft_id: str, gap: Gap, precedent: Precedent) -> None:
    doc_id, eid = precedent.sources[0]  # the article whose text is the shown wording
    section = section_for_slot(gap.slot)
    try:
        draft, clause = wb.add_unit_to_draft(
            draft_id=draft_id, doc_id=doc_id, eid=eid, section=section
        )
    except (DocumentNotFoundError, DraftError, DraftStoreError, AccessDeniedError) as error:
        flash("error", render.md_escape(str(error)))
        return
    set_current_draft(draft.draft_id)
    flash(
        "success",
        f"Added “{render.md_escape(clause.heading or cite_eid_short(eid))}” from "
        f"{render.md_escape(doc_id)} {render.md_escape(cite_eid_short(eid))} under "
        f"{render.md_escape(SECTION_TITLES[section])}.",
    )


def _sources_html(precedent: Precedent) -> str:
    sources = "; ".join(f"{doc_id} {cite_eid_short(eid)}" for doc_id, eid in precedent.sources)
    used = "1 article" if precedent.count == 1 else f"{precedent.count} articles"
    versions = "".join(
        f'<div class="rdm-small">Also in {render.escape(language.upper())}: '
        f"{render.escape(doc_id)} {render.escape(cite_eid_short(eid))}</div>"
        for language, doc_id, eid in precedent.versions
    )
    return (
        f"<div>{render.badge(precedent.language.upper())}"
        f'<span class="rdm-small">Wording of {used}: {render.escape(sources)}</span></div>'
        f"{versions}"
    )


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rstrip() + " …"


def section(wb: Readmit, draft: Draft) -> None:
    """Render the gap check for `draft` (results once the button was pressed)."""
    st.subheader("Gap check", divider="gray")
    st.caption(
        "Standard clause types (found in at least a quarter of the agreements) that this draft "
        "does not cover yet, with the three commonest precedent wordings and where they come "
        "from. “Add” puts the wording into the matching section, with its source."
    )
    st.button(
        "Check for missing clauses",
        key="gap_check",
        on_click=request_gap_check,
        args=(draft.draft_id,),
    )
    if not gap_check_requested(draft.draft_id):
        return
    gaps = _gaps(wb, draft)
    if not gaps:
        st.success("The draft covers every standard clause type of the precedents.")
        return
    st.caption(f"{len(gaps)} standard clause types missing, commonest first")
    for gap in gaps:
        agreements = gap.agreements_with_slot
        title = f"{gap.title} — in {render.plural(agreements, 'agreement')}"
        with st.expander(render.md_escape(title)):
            st.caption(f"Would go under: {SECTION_TITLES[section_for_slot(gap.slot)]}")
            for position, precedent in enumerate(gap.precedents):
                with st.container(border=True, key=f"gap__{gap.slot}__{position}"):
                    st.html(_sources_html(precedent))
                    st.html(render.passage(_excerpt(precedent.text)))
                    st.button(
                        "Add this wording",
                        key=gap_add_key(gap.slot, position),
                        type="primary",
                        on_click=_add,
                        args=(wb, draft.draft_id, gap, precedent),
                    )
