"""Search page: a question in plain language, filters applied inside retrieval, result cards.

Widget keys: ``query`` (text input), ``search_k`` (number of results), filters (drawn while
the expander ``search_filters`` is open, in force while it is closed) ``filter_docs``,
``filter_parties``, ``filter_types``, ``filter_languages``, ``filter_parts``,
``filter_slots`` (clause type), ``filter_years`` (slider, when the corpus spans several
years), ``filter_kinds`` (document kind); per result card (container ``hit_<rank>`` for a
precedent, ``guide_<rank>`` for a guidance section): ``open__<doc_id>__<eid>``,
``pin__<doc_id>__<eid>``,
``section__<doc_id>__<eid>`` (skeleton section, defaults to the suggested one) and
``add__<doc_id>__<eid>`` (built by `readmit.ui.article_actions.action_row`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from readmit.facade import (
    DocumentRecord,
    FilterOptions,
    Hit,
    Readmit,
    SearchFilters,
    build_filters,
    filter_options,
    language_label,
    language_names,
)
from readmit.ui import render
from readmit.ui.article_actions import action_row
from readmit.ui.sidebar import empty_index_notice
from readmit.ui.state import keep, memo, show_flash, value

RESULT_COUNTS = (10, 20, 30)
FILTERS_PANEL_KEY = "search_filters"
FILTER_KEYS = (
    "filter_docs",
    "filter_parties",
    "filter_types",
    "filter_languages",
    "filter_parts",
    "filter_slots",
    "filter_years",
    "filter_kinds",
)


@dataclass(frozen=True)
class SearchOutcome:
    hits: tuple[Hit, ...]  # the precedents: agreements, protocols, conventions
    good_match: bool
    seconds: float
    guidance: tuple[Hit, ...] = ()  # policy guides and regulations, ranked on their own


def _filters(options: FilterOptions) -> SearchFilters:
    """The filters, drawn only while their panel is open (eight widgets a new session's first
    page need not wait for); closed, the values chosen stay in force."""
    panel = st.expander("Filters", key=FILTERS_PANEL_KEY, on_change="rerun")
    if not panel.open:
        keep(*FILTER_KEYS)
        chosen_years = value("filter_years")
        return build_filters(
            options=options,
            doc_ids=value("filter_docs", []),
            parties=value("filter_parties", []),
            instrument_types=value("filter_types", []),
            languages=value("filter_languages", []),
            parts=value("filter_parts", []),
            years=(int(chosen_years[0]), int(chosen_years[1])) if chosen_years else None,
            kinds=value("filter_kinds", []),
            slots=value("filter_slots", []),
        )
    labels = dict(options.documents)
    with panel:
        left, right = st.columns(2)
        doc_ids = left.multiselect(
            "Agreements",
            [doc_id for doc_id, _ in options.documents],
            format_func=lambda doc_id: labels.get(doc_id, doc_id),
            key="filter_docs",
            placeholder="All agreements",
        )
        parties = right.multiselect(
            "Party", options.parties, key="filter_parties", placeholder="Any party"
        )
        kind_col, first, second, third = st.columns(4)
        kinds = kind_col.multiselect(
            "Document kind", options.kinds, key="filter_kinds", placeholder="Any kind"
        )
        types = first.multiselect(
            "Instrument type", options.instrument_types, key="filter_types", placeholder="Any type"
        )
        languages = second.multiselect(
            "Language",
            options.languages,
            format_func=language_label,
            key="filter_languages",
            placeholder="Any language",
        )
        parts = third.multiselect(
            "Part",
            options.parts,
            format_func=str.capitalize,
            key="filter_parts",
            placeholder="Any part",
        )
        slot_titles = dict(options.slots)
        slots = st.multiselect(
            "Clause type",
            list(slot_titles),
            format_func=lambda key: slot_titles.get(key, key),
            key="filter_slots",
            placeholder="Any clause type",
        )
        years: tuple[int, int] | None = None
        if (
            options.year_min is not None
            and options.year_max is not None
            and options.year_min < options.year_max
        ):
            chosen = st.slider(
                "Year signed",
                min_value=options.year_min,
                max_value=options.year_max,
                value=(options.year_min, options.year_max),
                key="filter_years",
            )
            years = (int(chosen[0]), int(chosen[1]))
    return build_filters(
        options=options,
        doc_ids=doc_ids,
        parties=parties,
        instrument_types=types,
        languages=languages,
        parts=parts,
        years=years,
        kinds=kinds,
        slots=slots,
    )


def _search(wb: Readmit, query: str, k: int, filters: SearchFilters) -> SearchOutcome:
    """Search once per (query, filters, k, index state); reruns for button clicks reuse it."""

    def run() -> SearchOutcome:
        started = time.perf_counter()
        with st.spinner("Searching…"):
            grouped = wb.search_grouped(query, k=k, filters=filters)
        return SearchOutcome(
            hits=grouped.precedents,
            good_match=grouped.good_match,
            seconds=time.perf_counter() - started,
            guidance=grouped.guidance,
        )

    return memo("search", (query, k, filters, wb.index_generation()), run)


def _document_line(document: DocumentRecord | None, hit: Hit) -> str:
    if document is None:
        return render.escape(hit.title)
    signed = document.date_signed or (str(document.year) if document.year else "")
    return render.meta_line(
        [document.title, ", ".join(document.parties), f"signed {signed}" if signed else ""]
    )


def _card(
    wb: Readmit, hit: Hit, document: DocumentRecord | None, query: str, *, key: str = "hit"
) -> None:
    citation, body = render.citation_and_body(hit.text, has_citation_line=hit.has_citation_line)
    badges = [render.badge(hit.kind), render.badge(hit.language.upper())]
    if not hit.is_guidance and hit.part != hit.kind:  # "agreement" once, not twice
        badges.append(render.badge(hit.part))
    pages = render.pages_label(hit.page_start, hit.page_end)
    if pages:
        badges.append(render.badge(pages))
    with st.container(border=True, key=f"{key}_{hit.rank}"):
        st.html(
            f'<div class="rdm-cite">{hit.rank}. {render.escape(citation or hit.path)}'
            f' <span class="rdm-small">({render.escape(hit.eid)})</span></div>'
            f'<div class="rdm-doc">{_document_line(document, hit)}</div>'
            f"<div>{''.join(badges)}"
            f'<span class="rdm-small" title="Hybrid retrieval score (BM25 and embeddings); '
            f'higher is better, comparable within one search only">score {hit.score:.4f}</span>'
            "</div>"
        )
        st.html(render.passage(body.strip(), query=query, language=hit.language))
        action_row(wb, hit, citation=citation or hit.path, compact=key == "guide")


def page(wb: Readmit) -> None:
    st.header("Search the precedents and the guidance")
    st.caption(
        f"Ask in plain language, in {language_names()}. Each result is one article, "
        "best first; the passage that matched is shown with your words highlighted. Beside the "
        "precedents (what states agreed), the guidance (policy guides and regulations: what the "
        "rules say) is ranked on its own."
    )
    show_flash()
    documents = wb.documents()
    if not documents:
        empty_index_notice(wb, hint="Add documents or re-index the corpus on the Maintain page.")
        return
    options = filter_options(documents)
    query_col, k_col = st.columns([5, 1], vertical_alignment="bottom")
    query = query_col.text_input(
        "Question or keywords",
        key="query",
        placeholder="e.g. time limit for replying to a readmission request",
    )
    k = k_col.selectbox("Results", RESULT_COUNTS, key="search_k")
    filters = _filters(options)
    if not query.strip():
        st.caption(f"{len(documents)} documents indexed. Press Enter to search.")
        return
    outcome = _search(wb, query.strip(), int(k), filters)
    if not outcome.hits and not outcome.guidance:
        st.warning("No article matches this question with the current filters.")
        return
    narrowed = "" if filters.is_empty else " · filters applied"
    by_id = {document.doc_id: document for document in documents}
    if not outcome.good_match:
        st.warning(
            "No good match: nothing in the collection is close to this question. "
            "Try other words, or a question about readmission, transit, time limits, costs…"
        )
        closest = len(outcome.hits) + len(outcome.guidance)
        with st.expander(f"Show the {closest} closest articles and sections anyway"):
            for hit in outcome.hits:
                _card(wb, hit, by_id.get(hit.doc_id), query)
            for hit in outcome.guidance:
                _card(wb, hit, by_id.get(hit.doc_id), query, key="guide")
        return
    st.caption(
        f"{len(outcome.hits)} articles · {len(outcome.guidance)} guidance sections · "
        f"{outcome.seconds:.2f} s{narrowed}",
    )
    precedents_col, guidance_col = st.columns([3, 2], gap="medium")
    with precedents_col:
        st.subheader("Precedents", divider="gray")
        if not outcome.hits:
            st.caption("No agreement article matches with the current filters.")
        for hit in outcome.hits:
            _card(wb, hit, by_id.get(hit.doc_id), query)
    with guidance_col:
        st.subheader("Guidance", divider="gray")
        if not outcome.guidance:
            st.caption("No guide section or regulation matches with the current filters.")
        for hit in outcome.guidance:
            _card(wb, hit, by_id.get(hit.doc_id), query, key="guide")
