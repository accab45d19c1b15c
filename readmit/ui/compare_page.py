"""Compare page: the pinned articles side by side, and a word-level difference of two of them.

Widget keys: ``unpin__<doc_id>__<eid>``, ``compare_clear``, ``compare_a`` and ``compare_b``
(the two articles the difference view compares).
"""

from __future__ import annotations

import streamlit as st

from readmit.facade import DocumentRecord, Readmit, UnitRecord, similarity, unit_citation, word_diff
from readmit.ui import render
from readmit.ui.state import Pin, clear_pins, ensure_choice, go_to, pins, show_flash, toggle_pin

COLUMNS_PER_ROW = 3


def _label(document: DocumentRecord, unit: UnitRecord) -> str:
    return f"{unit_citation(unit)} — {document.title} [{document.language.upper()}]"


def page(wb: Readmit) -> None:
    st.header("Compare clauses")
    show_flash()
    pinned: list[tuple[Pin, DocumentRecord, UnitRecord]] = []
    for pin in pins():
        document = wb.document(pin.doc_id)
        unit = wb.article(pin.doc_id, pin.eid)
        if document is not None and unit is not None:
            pinned.append((pin, document, unit))
    if len(pinned) < 2:
        st.info(
            "Pin two to six articles (the Pin button on a search result or on the Read page) "
            "to compare them here."
        )
        st.button("Go to Search", key="compare_to_search", on_click=go_to, args=("Search",))
        if not pinned:
            return

    st.caption(f"{len(pinned)} pinned articles")
    for row_start in range(0, len(pinned), COLUMNS_PER_ROW):
        row = pinned[row_start : row_start + COLUMNS_PER_ROW]
        columns = st.columns(COLUMNS_PER_ROW)
        for offset, (column, (pin, document, unit)) in enumerate(zip(columns, row, strict=False)):
            with column, st.container(border=True, key=f"pinned_{row_start + offset}"):
                pages = render.pages_label(unit.page_start, unit.page_end)
                st.html(
                    f'<div class="rdm-cite">{render.escape(unit_citation(unit))}</div>'
                    f'<div class="rdm-doc">{render.meta_line([document.title, pages])}</div>'
                    f"<div>{render.badge(document.language.upper())}"
                    f"{render.badge(str(document.year) if document.year else 'n.d.')}</div>"
                )
                st.html(render.passage(unit.text))
                st.button(
                    "Unpin",
                    key=f"unpin__{pin.doc_id}__{pin.eid}",
                    on_click=toggle_pin,
                    args=(pin.doc_id, pin.eid),
                )
    st.button("Unpin all", key="compare_clear", on_click=clear_pins)

    if len(pinned) < 2:
        return
    st.subheader("Word-level differences", divider="gray")
    labels = {index: _label(document, unit) for index, (_, document, unit) in enumerate(pinned)}
    indices = list(labels)
    for key, default in (("compare_a", 0), ("compare_b", 1)):
        ensure_choice(key, indices, default)
    left, right = st.columns(2)
    first = left.selectbox("From", indices, format_func=labels.__getitem__, key="compare_a")
    second = right.selectbox("To", indices, format_func=labels.__getitem__, key="compare_b")
    if first == second:
        st.caption("Choose two different articles.")
        return
    text_a = pinned[first][2].text
    text_b = pinned[second][2].text
    st.caption(
        f"Words in common: {similarity(text_a, text_b):.0%}. "
        "Struck through: only in the first; underlined: only in the second."
    )
    if pinned[first][1].language != pinned[second][1].language:
        st.caption(
            "The two articles are in different languages: a word diff shows wording, not meaning."
        )
    with st.container(border=True, key="compare_diff"):
        st.html(render.diff_html(word_diff(text_a, text_b)))
