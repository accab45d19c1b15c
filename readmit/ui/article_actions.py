"""Actions on one source article, shared by the Search, Read and Clauses pages: open it on the
Read page, pin it for comparison, choose a skeleton section and add it to the current draft.

Widget keys of `action_row` (``<prefix>`` is empty on the Search page and ``slot_`` on the
Clauses page): ``<prefix>open__<doc_id>__<eid>``, ``<prefix>pin__<doc_id>__<eid>``,
``<prefix>section__<doc_id>__<eid>`` (the section suggested from the article's clause types,
else empty: the drafter chooses) and ``<prefix>add__<doc_id>__<eid>``. A guidance section (policy
guide, regulation) is never added as a draft article: its row has
``<prefix>attach_to__<doc_id>__<eid>`` (an article of the current draft) and
``<prefix>attach__<doc_id>__<eid>`` (attach it there as a cited guidance note).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from readmit.facade import (
    AccessDeniedError,
    Action,
    DocumentNotFoundError,
    DraftError,
    DraftStoreError,
    Hit,
    Readmit,
    copy_citation,
    section_from_hit,
)
from readmit.ui import render
from readmit.ui.render import SECTION_KEYS, SECTION_TITLES
from readmit.ui.state import (
    current_draft_id,
    flash,
    is_pinned,
    open_article,
    set_current_draft,
    toggle_pin,
    value,
)


def action_key(action: str, doc_id: str, eid: str, *, prefix: str = "") -> str:
    return f"{prefix}{action}__{doc_id}__{eid}"


def add_to_draft(wb: Readmit, hit: Hit, *, section: str, citation: str) -> None:
    """Add the whole source article to the current draft (a new draft when there is none) and
    say so; call from a widget callback."""
    had_draft = current_draft_id()
    try:
        draft, _clause = wb.add_article_to_draft(draft_id=had_draft, hit=hit, section=section)
    except (AccessDeniedError, DocumentNotFoundError, DraftError, DraftStoreError) as error:
        flash("error", render.md_escape(str(error)))
        return
    set_current_draft(draft.draft_id)
    created = "" if had_draft == draft.draft_id else " (new draft created)"
    flash(
        "success",
        f"Added {render.md_escape(citation)} to “{render.md_escape(draft.title)}”{created} "
        f"under {render.md_escape(SECTION_TITLES[section])}.",
    )


def _add_with_chosen_section(wb: Readmit, hit: Hit, section_key: str, citation: str) -> None:
    section = value(section_key)
    if not section:
        flash("warning", "Choose the draft section first.")
        return
    add_to_draft(wb, hit, section=str(section), citation=citation)


def _attach_as_guidance(wb: Readmit, hit: Hit, article_key: str, citation: str) -> None:
    draft_id, clause_id = current_draft_id(), value(article_key)
    if not draft_id or not clause_id:
        flash("warning", "Choose the draft article this guidance speaks to first.")
        return
    try:
        draft = wb.attach_guidance(draft_id, str(clause_id), section_from_hit(hit))
    except (AccessDeniedError, DraftError, DraftStoreError) as error:
        flash("error", render.md_escape(str(error)))
        return
    flash(
        "success",
        f"Attached {render.md_escape(citation)} as a guidance note in "
        f"“{render.md_escape(draft.title)}” (a drafting note, not treaty text).",
    )


def guidance_controls(
    wb: Readmit, hit: Hit, key: Callable[[str], str], citation: str, columns: Sequence[Any]
) -> None:
    """Guidance is never treaty text: attach it to an article of the current draft."""
    article_col, attach_col = columns
    draft_id = current_draft_id()
    articles = wb.draft_articles(draft_id) if draft_id else {}
    article_col.selectbox(
        "Draft article",
        list(articles),
        index=None,
        format_func=articles.__getitem__,
        key=key("attach_to"),
        label_visibility="collapsed",
        placeholder="Attach to draft article…" if articles else "No draft article yet",
        disabled=not articles,
    )
    attach_col.button(
        "Attach as guidance",
        key=key("attach"),
        on_click=_attach_as_guidance,
        args=(wb, hit, key("attach_to"), citation),
        width="stretch",
        disabled=not articles or not wb.may(Action.DRAFT),
        help="Guidance is cited beside a draft article as a drafting note, never added as "
        "treaty text",
    )


def action_row(
    wb: Readmit, hit: Hit, *, citation: str, prefix: str = "", compact: bool = False
) -> None:
    """Read · Pin · Cite · draft section · Add to draft, for one article (`hit` carries its
    source). `compact` (a narrow column, such as the search page's guidance): the draft
    section and "Add to draft" go on a second row, so no button label is cut short.

    "Read" (not "Open") so that no two controls share a label: it opens the Read page.
    """

    def key(action: str) -> str:
        return action_key(action, hit.doc_id, hit.eid, prefix=prefix)

    if compact:
        open_col, pin_col, cite_col = st.columns(3, vertical_alignment="bottom")
        section_col, add_col = st.columns([1.6, 1], vertical_alignment="bottom")
    else:
        open_col, pin_col, cite_col, section_col, add_col = st.columns(
            [1, 1, 1, 2.2, 1.7], vertical_alignment="bottom"
        )
    open_col.button(
        "Read",
        key=key("open"),
        on_click=open_article,
        args=(hit.doc_id, hit.eid),
        width="stretch",
        help="Read the whole article in its agreement",
    )
    pin_col.button(
        "Unpin" if is_pinned(hit.doc_id, hit.eid) else "Pin",
        key=key("pin"),
        on_click=toggle_pin,
        args=(hit.doc_id, hit.eid),
        width="stretch",
        help="Pin for side-by-side comparison (up to 6)",
    )
    with cite_col.popover("Cite", width="stretch", help="The citation, with a copy button"):
        st.code(
            copy_citation(wb.document(hit.doc_id), eid=hit.eid, title=hit.title),
            language=None,
            wrap_lines=True,
        )
    if hit.is_guidance:
        guidance_controls(wb, hit, key, citation, (section_col, add_col))
        return
    suggestion = wb.suggested_section(
        doc_id=hit.doc_id, eid=hit.eid, heading=hit.heading, part=hit.part
    )
    section_col.selectbox(
        "Draft section",
        SECTION_KEYS,
        index=SECTION_KEYS.index(suggestion) if suggestion else None,
        format_func=SECTION_TITLES.__getitem__,
        key=key("section"),
        label_visibility="collapsed",
        placeholder="Choose a draft section…",
    )
    add_col.button(
        "Add to draft",
        key=key("add"),
        type="primary",
        on_click=_add_with_chosen_section,
        args=(wb, hit, key("section"), citation),
        width="stretch",
        disabled=not wb.may(Action.DRAFT),
    )
