"""Clauses page: the clause types ("slots") of the precedents, three views of `readmit.clauses`
(through `readmit.facade`).

- the precedent matrix (agreements × clause types, the articles in each cell, "~" = unconfirmed,
  "?" = likely wrong);
- one clause type across the agreements, each article with its time limits and the card
  actions of the Search page;
- the time limits across agreements, with the shortest and longest per purpose.

Everything shown comes from the library; this module only lays it out. Document text reaches
the page escaped (`render`) or as plain table cells (`st.dataframe` does not read HTML).

Widget keys: ``clauses_tab`` (the open tab: only its content runs), scope
``clauses_languages``, ``clauses_types`` (default: the readmission instrument types),
``clauses_all`` (include conventions and other context documents); matrix ``matrix_table``
(dataframe), ``matrix_csv`` (download), ``matrix_picture`` (heat map toggle), ``matrix_order``
and ``matrix_chart``; slot view ``slot_select`` and per article (container
``slot_article__<doc_id>__<eid>``) ``slot_text__<doc_id>__<eid>`` (its text, drawn when
opened), ``slot_open__<doc_id>__<eid>``, ``slot_pin__…``,
``slot_section__…``, ``slot_add__…`` (the first agreements, at least ``SLOT_FIRST_ARTICLES``
articles; ``slot_more`` draws as many more, ``slot_all`` every one); time limits
``tl_purpose``, ``tl_chart`` (chart), ``tl_table`` (dataframe) and ``time_limits_csv``
(download).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from io import StringIO
from typing import TypeVar

import streamlit as st

from readmit.facade import (
    DEFAULT_CLAUSE_TYPE,
    PURPOSE_LABELS,
    TIME_LIMIT_PURPOSES,
    ClauseScope,
    Readmit,
    SlotArticle,
    SlotGroup,
    clause_type,
    clause_types,
    default_instrument_types,
    hit_from_unit,
    period_text,
    time_limit_extremes,
    unit_citation,
    write_matrix_csv,
    write_time_limits_csv,
)
from readmit.ui import charts, render
from readmit.ui.article_actions import action_row
from readmit.ui.render import plural
from readmit.ui.sidebar import empty_index_notice
from readmit.ui.state import (
    ensure_choice,
    ensure_default,
    keep,
    memo,
    show_flash,
    show_more,
    shown_count,
)

T = TypeVar("T")

SLOT_KEYS = [slot.key for slot in clause_types()]
SLOT_TITLES = {slot.key: slot.title for slot in clause_types()}
TAB_KEY = "clauses_tab"
TABS = ("Precedent matrix", "By clause type", "Time limits")
# The choices made inside a tab, kept while another tab is open.
TAB_WIDGETS = ("matrix_picture", "matrix_order", "slot_select", "tl_purpose")
DEFAULT_SLOT = DEFAULT_CLAUSE_TYPE  # the facade prepares it in the background
SLOT_ACTION_PREFIX = "slot_"
SLOT_CARDS = "slot_cards"  # the slot view's list of article cards (`shown_count`)
# Cards drawn at first, and how many more each "Show more" draws (whole agreements: a few more).
SLOT_FIRST_ARTICLES = 10
_UNCERTAIN_LEGEND = (
    "Each cell lists the articles that fill the clause type (Art. = article of the agreement, "
    "Prot. = of its protocol); empty: no such clause found. “~” marks an assignment that is "
    "probably right but not confirmed (no heading naming the clause type that the article's "
    "words confirm), “?” one that is more likely wrong than right. "
    "Scroll sideways for all 30 clause types."
)
# With no purpose chosen, the chart shows the period negotiators compare first.
CHART_DEFAULT_PURPOSES = ("reply",)
TIME_LIMIT_COLUMNS = {
    "number": st.column_config.NumberColumn("Number", width="small"),
    "unit": st.column_config.TextColumn("Unit", width="small"),
    "purpose": st.column_config.TextColumn("Purpose", width="small"),
    "title": st.column_config.TextColumn("Agreement", width="medium"),
    "article": st.column_config.TextColumn("Article", width="small"),
    "eid": st.column_config.TextColumn("Article id", width="small"),
    "language": st.column_config.TextColumn("Lang", width="small"),
    "text": st.column_config.TextColumn("Quoted phrase", width="small"),
    "sentence": st.column_config.TextColumn("Sentence", width="large"),
    "kind": st.column_config.TextColumn(
        "Kind", width="small", help="policy guide / regulation: guidance, not a precedent"
    ),
}


def _scope(wb: Readmit) -> ClauseScope:
    documents = wb.documents()
    ensure_default("clauses_types", lambda: list(default_instrument_types(documents)))
    languages_col, types_col, all_col = st.columns([1.2, 2, 1.4], vertical_alignment="bottom")
    languages = languages_col.multiselect(
        "Language",
        sorted({d.language for d in documents if d.language}),
        format_func=str.upper,
        key="clauses_languages",
        placeholder="Any language",
    )
    types = types_col.multiselect(
        "Instrument type",
        sorted({d.instrument_type for d in documents if d.instrument_type}),
        key="clauses_types",
        placeholder="Any type",
    )
    everything = all_col.checkbox(
        "Include conventions",
        key="clauses_all",
        help="Also the UN and Council of Europe conventions, the IOM constitution and the policy "
        "guides and regulations (context documents and guidance, not readmission precedents).",
    )
    return ClauseScope(
        languages=tuple(languages), instrument_types=tuple(types), all_documents=everything
    )


def _matrix(wb: Readmit, scope: ClauseScope, generation: int) -> None:
    matrix = memo("matrix", (scope, generation), lambda: wb.clause_matrix(scope=scope))
    if not matrix.documents:
        st.info("No document matches these filters.")
        return
    st.caption(_UNCERTAIN_LEGEND)
    picture_col, order_col = st.columns([3, 1], vertical_alignment="bottom")
    as_picture = picture_col.toggle(
        "Show as a heat map", key="matrix_picture", help="The same data as the table and CSV"
    )
    if as_picture:
        by_year = (
            order_col.selectbox(
                "Agreements by",
                ["year signed", "document id"],
                key="matrix_order",
            )
            == "year signed"
        )
        order: charts.MatrixOrder = "year" if by_year else "name"
        st.altair_chart(
            charts.matrix_heat_map(matrix, order=order), key="matrix_chart", width="stretch"
        )
    slot_columns = {
        clause_type(slot).title: st.column_config.TextColumn(
            clause_type(slot).title, help=clause_type(slot).description, width=170
        )
        for slot in matrix.slots
    }
    st.dataframe(
        matrix.display_rows(),
        key="matrix_table",
        hide_index=True,
        width="stretch",
        # The short document id stays in view while scrolling; the long title comes last.
        column_order=["Document id", "Lang", "Year", *slot_columns, "Agreement"],
        column_config={
            "Document id": st.column_config.TextColumn("Document id", width=330, pinned=True),
            "Lang": st.column_config.TextColumn("Lang", width=48),
            "Year": st.column_config.TextColumn("Year", width=56),
            "Agreement": st.column_config.TextColumn("Agreement", width="large"),
            **slot_columns,
        },
    )
    st.download_button(
        "Download the matrix (CSV)",
        data=partial(_csv, write_matrix_csv, matrix),  # built on click, not every rerun
        file_name="precedent-matrix.csv",
        mime="text/csv",
        key="matrix_csv",
        on_click="ignore",
        help="Article ids (eids) per cell; “~” = unconfirmed, “?” = likely wrong",
    )


def _csv(write: Callable[[T, StringIO], None], rows: T) -> str:
    buffer = StringIO()
    write(rows, buffer)
    return buffer.getvalue()


def _limits_html(article: SlotArticle) -> str:
    if not article.time_limits:
        return '<div class="rdm-small">No time limit in this article.</div>'
    items = "".join(
        f'<li><span style="font-weight:600">{render.escape(period_text(limit.number, limit.unit))}'
        "</span> · "
        f"{render.escape(PURPOSE_LABELS.get(limit.purpose, limit.purpose))} · "
        f"“{render.escape(limit.text)}”</li>"
        for limit in article.time_limits
    )
    return (
        '<div class="rdm-small">Time limits in this article:</div>'
        f'<ul class="rdm-small" style="margin:0.1rem 0 0.3rem 0">{items}</ul>'
    )


def _slot_article(wb: Readmit, article: SlotArticle) -> None:
    document, unit = article.document, article.unit
    badges = [render.badge(document.language.upper())]
    pages = render.pages_label(unit.page_start, unit.page_end)
    if pages:
        badges.append(render.badge(pages))
    if article.doubtful:
        badges.append(render.badge("likely wrong", kind="edited"))
    elif article.uncertain:
        badges.append(render.badge("unconfirmed", kind="edited"))
    container_key = f"slot_article__{document.doc_id}__{unit.eid}"
    with st.container(border=True, key=container_key):
        st.html(
            f'<div class="rdm-cite">{render.escape(unit_citation(unit))} '
            f'<span class="rdm-small">({render.escape(unit.eid)})</span></div>'
            f'<div class="rdm-doc">{render.escape(document.doc_id)}</div>'
            f'<div>{"".join(badges)}<span class="rdm-small" title="Confidence of the clause '
            f'type assignment (0–1)">confidence {article.confidence:.2f}</span></div>'
            f"{_limits_html(article)}"
        )
        # The text is drawn when opened (a rerun): dozens of closed articles' paragraphs are
        # most of what the browser would otherwise build for this view.
        text = st.expander(
            "Text of the article",
            key=f"slot_text__{document.doc_id}__{unit.eid}",
            on_change="rerun",
        )
        if text.open:
            with text:
                st.html(render.unit_body(unit))
        action_row(
            wb,
            hit_from_unit(document, unit),
            citation=unit_citation(unit),
            prefix=SLOT_ACTION_PREFIX,
        )


def _slot_view(wb: Readmit, scope: ClauseScope, generation: int) -> None:
    ensure_choice("slot_select", SLOT_KEYS, DEFAULT_SLOT)
    slot = st.selectbox(
        "Clause type", SLOT_KEYS, format_func=SLOT_TITLES.__getitem__, key="slot_select"
    )
    st.caption(clause_type(slot).description)
    guidance_panel(wb, slot, generation, key="slot_guidance")
    groups = memo(
        f"slot:{slot}", (scope, generation), lambda: wb.clause_articles(slot, scope=scope)
    )
    if not groups:
        st.info("No agreement within these filters has an article of this type.")
        return
    count = sum(len(group.articles) for group in groups)
    # A card is some fifteen elements (text, actions, a section choice): the browser takes
    # longer to lay out dozens of them than the server takes to send them, so the first
    # agreements come first and the rest on request.
    listed = (slot, scope, generation)
    limit = shown_count(SLOT_CARDS, listed, first=SLOT_FIRST_ARTICLES)
    shown = _first_groups(groups, limit)
    drawn = sum(len(group.articles) for group in shown)
    showing = "" if drawn == count else f" · showing the first {plural(drawn, 'article')}"
    st.caption(
        f"{plural(count, 'article')} in {plural(len(groups), 'agreement')} "
        f"(language versions together){showing}"
    )
    for group in shown:
        title = render.escape(group.title)
        st.html(f'<div class="rdm-cite" style="margin-top:0.6rem">{title}</div>')
        for article in group.articles:
            _slot_article(wb, article)
    if drawn < count:
        more_col, all_col = st.columns([1, 1], vertical_alignment="bottom")
        more_col.button(
            f"Show more ({count - drawn} left)",
            key="slot_more",
            on_click=show_more,
            args=(SLOT_CARDS, listed, drawn + SLOT_FIRST_ARTICLES),
            width="stretch",
        )
        all_col.button(
            f"Show all {plural(count, 'article')}",
            key="slot_all",
            on_click=show_more,
            args=(SLOT_CARDS, listed, count),
            width="stretch",
        )


def _first_groups(groups: Sequence[SlotGroup], limit: int) -> list[SlotGroup]:
    """Whole agreements, in order, until at least `limit` articles (all language versions of
    an agreement stay together)."""
    shown: list[SlotGroup] = []
    drawn = 0
    for group in groups:
        if drawn >= limit:
            break
        shown.append(group)
        drawn += len(group.articles)
    return shown


def guidance_panel(wb: Readmit, slot: str, generation: int, *, key: str) -> None:
    """What the policy guides and regulations say about a clause type, each section cited
    (an expander; also shown beside a draft's article on the Draft page)."""
    sections = memo(f"guidance:{slot}", (generation,), lambda: wb.guidance_for_clause_type(slot))
    label = f"What the guidance says ({plural(len(sections), 'section')})"
    with st.expander(label, expanded=False, key=key):
        if not sections:
            st.caption("No guide section or regulation article is linked to this clause type.")
        for section in sections:
            st.html(
                f'<div class="rdm-cite">{render.escape(section.path)}</div>'
                f'<div class="rdm-doc">{render.meta_line([section.title, section.kind])}</div>'
            )
            st.html(render.passage(section.text[:600] + ("…" if len(section.text) > 600 else "")))


def _time_limits(wb: Readmit, scope: ClauseScope, generation: int) -> None:
    rows = memo("time_limits", (scope, generation), lambda: wb.time_limits(scope=scope))
    if not rows:
        st.info("No time limit found in the documents within these filters.")
        return
    present = {row["purpose"] for row in rows}
    purposes = [p for p in TIME_LIMIT_PURPOSES if p in present] + sorted(
        present - set(TIME_LIMIT_PURPOSES)
    )
    chosen = st.multiselect(
        "Purpose",
        purposes,
        format_func=lambda p: PURPOSE_LABELS.get(p, p),
        key="tl_purpose",
        placeholder="Any purpose",
    )
    shown = [row for row in rows if not chosen or row["purpose"] in chosen]
    st.markdown("**Shortest and longest per purpose**")
    lines = "".join(
        f"<li>{render.escape(extreme.describe())}</li>" for extreme in time_limit_extremes(shown)
    )
    st.html(f'<ul class="rdm-extremes" style="margin:0 0 0.4rem 0">{lines}</ul>')
    st.caption(
        f"{len(shown)} time limits · periods in different units are compared in calendar "
        "days (a working day as 7/5 days, a month as 30)"
    )
    charted = chosen or [p for p in CHART_DEFAULT_PURPOSES if p in present]
    st.altair_chart(
        charts.time_limit_chart([row for row in shown if row["purpose"] in charted]),
        key="tl_chart",
        width="stretch",
    )
    if not chosen:
        st.caption(
            "The chart shows the reply periods (choose purposes above to chart others); "
            "the shortest and longest of each purpose are ringed."
        )
    st.dataframe(
        [{**row, "number": int(row["number"])} for row in shown],
        key="tl_table",
        hide_index=True,
        width="stretch",
        column_order=list(TIME_LIMIT_COLUMNS),
        column_config=TIME_LIMIT_COLUMNS,
    )
    st.download_button(
        "Download these time limits (CSV)",
        data=partial(_csv, write_time_limits_csv, shown),  # built on click
        file_name="time-limits.csv",
        mime="text/csv",
        key="time_limits_csv",
        on_click="ignore",
    )


def page(wb: Readmit) -> None:
    st.header("Clause intelligence")
    st.caption(
        "Which agreement has which clause, in which article — and the time limits they set. "
        "Clause types are assigned automatically (keywords, time limits and embeddings); "
        "check the article before relying on a cell."
    )
    show_flash()
    if not wb.documents():
        empty_index_notice(wb, hint="Add documents or re-index the corpus on the Maintain page.")
        return
    scope = _scope(wb)
    generation = wb.index_generation()
    # Only the open tab runs (a switch reruns the page): the three together are a large page
    # to build and send, and most visits look at one.
    ensure_choice(TAB_KEY, TABS, TABS[0])
    keep(*TAB_WIDGETS)
    matrix_tab, slot_tab, limits_tab = st.tabs(list(TABS), key=TAB_KEY, on_change="rerun")
    if matrix_tab.open:
        with matrix_tab:
            _matrix(wb, scope, generation)
    if slot_tab.open:
        with slot_tab:
            _slot_view(wb, scope, generation)
    if limits_tab.open:
        with limits_tab:
            _time_limits(wb, scope, generation)
