"""Read page: an article in its agreement, its neighbours, the agreement's facts, and the same
article in the agreement's other language versions side by side.

Widget keys: ``read_doc`` (agreement), ``read_unit`` (article), ``read_prev``, ``read_next``,
``read_pin``, ``read_section`` and ``read_add`` (add the article to the current draft).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from readmit.facade import (
    ArticleInContext,
    DocumentRecord,
    Readmit,
    UnitRecord,
    copy_citation,
    document_label,
    hit_from_unit,
    unit_citation,
)
from readmit.ui import render
from readmit.ui.article_actions import add_to_draft, guidance_controls
from readmit.ui.render import SECTION_KEYS, SECTION_TITLES
from readmit.ui.sidebar import empty_index_notice
from readmit.ui.state import (
    READ_DOC_KEY,
    READ_UNIT_KEY,
    ensure_choice,
    flash,
    is_pinned,
    put,
    section_set_for,
    show_flash,
    toggle_pin,
    value,
)


def _facts(document: DocumentRecord) -> str:
    signed = ", ".join(p for p in (document.place_signed or "", document.date_signed or "") if p)
    return render.meta_table(
        [
            ("Title", document.title),
            ("Original title", document.original_title or ""),
            ("Parties", ", ".join(document.parties)),
            ("Signed", signed or (str(document.year) if document.year else "")),
            ("Document kind", document.kind),
            ("Instrument type", document.instrument_type),
            ("Language", document.language.upper()),
            ("Official reference", document.official_reference or ""),
            ("Source", render.safe_link(document.source_url)),
            ("Licence", document.licence or ""),
            ("Pages", str(document.page_count) if document.page_count else ""),
            ("Document id", document.doc_id),
        ],
        raw_html=frozenset({"Source"}),
    )


def _set_unit(eid: str) -> None:
    put(READ_UNIT_KEY, eid)


def _section_and_add(wb: Readmit, view: ArticleInContext, section_col: Any, add_col: Any) -> None:
    doc_id = view.document.doc_id
    suggestion = wb.suggested_section(
        doc_id=doc_id, eid=view.unit.eid, heading=view.unit.heading, part=view.unit.part
    )
    if not section_set_for((doc_id, view.unit.eid)):
        # A new article: preselect its suggested section again (none: the drafter chooses).
        put("read_section", suggestion)
    section_col.selectbox(
        "Draft section",
        SECTION_KEYS,
        format_func=SECTION_TITLES.__getitem__,
        key="read_section",
        label_visibility="collapsed",
        placeholder="Choose a draft section…",
    )
    add_col.button(
        "Add to draft",
        key="read_add",
        type="primary",
        on_click=_add,
        args=(wb, view),
        width="stretch",
    )


def _add(wb: Readmit, view: ArticleInContext) -> None:
    section = value("read_section")
    if not section:
        flash("warning", "Choose the draft section first.")
        return
    add_to_draft(
        wb,
        hit_from_unit(view.document, view.unit),
        section=str(section),
        citation=unit_citation(view.unit),
    )


def _selectors(wb: Readmit, documents: list[DocumentRecord]) -> tuple[str, list[UnitRecord]]:
    labels = {d.doc_id: document_label(d) for d in documents}
    doc_ids = sorted(labels, key=labels.__getitem__)
    ensure_choice(READ_DOC_KEY, labels, doc_ids[0])
    units = wb.units(value(READ_DOC_KEY))
    eids = [unit.eid for unit in units]
    if eids:
        ensure_choice(READ_UNIT_KEY, eids, eids[0])
    citations = {unit.eid: unit_citation(unit) for unit in units}
    left, right = st.columns([3, 2])
    left.selectbox("Agreement", doc_ids, format_func=labels.__getitem__, key=READ_DOC_KEY)
    right.selectbox("Article", eids, format_func=citations.__getitem__, key=READ_UNIT_KEY)
    return str(value(READ_DOC_KEY)), units


def _section_tree(view: ArticleInContext) -> None:
    """A guide's (or a treaty's chapters') table of contents, and the way up to the parent."""
    if view.parent is not None:
        parent = view.parent
        st.button(
            render.md_escape(f"↑ {parent.label} {parent.heading or ''}".strip()),
            key="read_parent",
            on_click=_set_unit,
            args=(parent.eid,),
            help="The enclosing section",
        )
    with st.expander("Contents", expanded=False, key="read_toc"):
        for entry in view.toc:
            indent = "\u2003" * entry.depth  # em spaces: the entry's depth in the tree
            st.button(
                indent + render.md_escape(entry.label),
                key=f"toc__{entry.eid}",
                on_click=_set_unit,
                args=(entry.eid,),
                disabled=entry.eid == view.unit.eid,
                type="tertiary",
            )


def _implementation_links(view: ArticleInContext) -> None:
    """Protocol article ↔ the agreement article it implements, as links (buttons) both ways."""
    pairs: list[tuple[str, tuple[UnitRecord, ...]]] = []
    if view.implements:
        pairs.append(("Implements, in the agreement:", view.implements))
    if view.implemented_by:
        pairs.append(("Implemented by:", view.implemented_by))
    for label, units in pairs:
        columns = st.columns([1.6, *([2] * len(units)), 0.1 + max(0, 4 - len(units)) * 2])
        columns[0].caption(label)
        for column, unit in zip(columns[1:], units, strict=False):
            column.button(
                unit_citation(unit),
                key=f"read_link__{unit.eid}",
                on_click=_set_unit,
                args=(unit.eid,),
                type="tertiary",
                icon=":material/link:",
            )


def page(wb: Readmit) -> None:
    st.header("Read in context")
    show_flash()
    documents = wb.documents()
    if not documents:
        empty_index_notice(wb, hint="Add documents on the Maintain page.")
        return
    doc_id, units = _selectors(wb, documents)
    if not units:
        st.warning("This document has no structural units in the index.")
        return
    view = wb.article_in_context(doc_id, value(READ_UNIT_KEY))
    if view is None:
        st.warning("This article is no longer in the index.")
        return

    nav_prev, nav_next, _, pin_col, section_col, add_col = st.columns(
        [1.3, 1.3, 0.4, 1, 2.4, 1.3], vertical_alignment="bottom"
    )
    nav_prev.button(
        "← Previous",
        key="read_prev",
        disabled=view.previous is None,
        on_click=_set_unit,
        args=(view.previous.eid if view.previous else "",),
        width="stretch",
    )
    nav_next.button(
        "Next →",
        key="read_next",
        disabled=view.following is None,
        on_click=_set_unit,
        args=(view.following.eid if view.following else "",),
        width="stretch",
    )
    pin_col.button(
        "Unpin" if is_pinned(doc_id, view.unit.eid) else "Pin",
        key="read_pin",
        on_click=toggle_pin,
        args=(doc_id, view.unit.eid),
        width="stretch",
    )
    if view.document.is_guidance:  # guidance is cited beside a draft article, never copied
        guidance_controls(
            wb,
            hit_from_unit(view.document, view.unit),
            lambda action: f"read_{action}",
            unit_citation(view.unit),
            (section_col, add_col),
        )
    else:
        _section_and_add(wb, view, section_col, add_col)

    if view.toc:
        _section_tree(view)
    text_col, facts_col = st.columns([3, 2], gap="large")
    with text_col, st.container(border=True, key="read_article"):
        pages = render.pages_label(view.unit.page_start, view.unit.page_end)
        st.html(
            f'<div class="rdm-cite">{render.escape(view.path or unit_citation(view.unit))} '
            f'<span class="rdm-small">({render.escape(view.unit.eid)})</span></div>'
            f'<div class="rdm-doc">{render.meta_line([view.document.title, pages])}</div>'
        )
        st.html(render.unit_body(view.unit))
    _implementation_links(view)
    with facts_col:
        st.subheader("The agreement", divider="gray")
        st.html(_facts(view.document))
        st.caption("Citation (the copy button is at its right)")
        st.code(copy_citation(view.document, eid=view.unit.eid), language=None, wrap_lines=True)

    st.subheader("Other language versions", divider="gray")
    if not view.counterparts:
        st.caption(
            "No other language version of this article is indexed "
            "(versions are linked by the agreement's official reference and article id)."
        )
        return
    columns = st.columns(1 + len(view.counterparts))
    versions = [(view.document, view.unit), *view.counterparts]
    for column, (document, unit) in zip(columns, versions, strict=True):
        version_key = f"version_{document.language}_{document.doc_id}"
        with column, st.container(border=True, key=version_key):
            st.html(
                f"<div>{render.badge(document.language.upper())}"
                f'<span class="rdm-cite">{render.escape(unit_citation(unit))}</span></div>'
                f'<div class="rdm-doc">{render.escape(document.doc_id)}</div>'
            )
            st.html(render.unit_body(unit))
