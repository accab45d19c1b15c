"""The Clauses page and the Draft page's gap check, driven through AppTest on the small real
index of tests/harness/app_index.py (Kazakhstan EN + NL, the Bosnia protocol, the markup probe); and
the pure functions of readmit.clauses the page shows (extremes, compact citations, sections).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow
import pytest
from streamlit.testing.v1 import AppTest

from ingest.citations import cite_eid_short
from ingest.taxonomy import OTHER, get_slot, slot_keys
from readmit.clauses.gaps import section_for_slot
from readmit.clauses.scope import ClauseScope
from readmit.clauses.time_limits import approximate_days, time_limit_extremes
from readmit.drafting import DraftStore
from readmit.drafting.skeleton import section_keys
from readmit.service import KnowledgeBase
from readmit.ui import clauses_page as clauses_page_module
from tests.harness.app_index import (
    APP,
    BOSNIA,
    KAZ_EN,
    KAZ_NL,
    PROBE_ID,
    TIMEOUT,
    html_bodies,
    run_ok,
    start,
)
from tests.harness.facade import local_readmit

REPLY_SLOT = get_slot("time-limit-reply").title  # "Time limit for replying to a request"


def slot_cards(at: AppTest) -> list[str]:
    """The article cards of the slot view, as their "Read" buttons' keys, in page order."""
    return [b.key for b in at.button if b.key and b.key.startswith("slot_open__")]


def clauses_page(tab: str = "Precedent matrix") -> AppTest:
    at = start()
    at.radio(key="page").set_value("Clauses")
    at.session_state["clauses_tab"] = tab
    return run_ok(at)


def on_tab(at: AppTest, tab: str) -> AppTest:
    """Open a tab of the Clauses page (only the open tab's content runs)."""
    at.session_state["clauses_tab"] = tab
    return run_ok(at)


def tables(at: AppTest) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The precedent matrix and the time-limit table (each its tab's dataframe); the page is
    left on the tab it was on."""
    shown = at.session_state["clauses_tab"]
    matrix = on_tab(at, "Precedent matrix").dataframe[0].value
    limits = on_tab(at, "Time limits").dataframe[0].value
    on_tab(at, shown)
    return matrix, limits


def extremes_lines(at: AppTest) -> str:
    return " ".join(b for b in html_bodies(at) if 'class="rdm-extremes"' in b)


# ---- precedent matrix ----------------------------------------------------------------------


def test_matrix_shows_agreements_and_their_articles(app_env: dict[str, Path]) -> None:
    at = clauses_page()
    assert at.radio(key="page").value == "Clauses"
    matrix, _ = tables(at)
    # Default scope: readmission agreements and implementing protocols (not the probe, whose
    # instrument type is "policy guide").
    assert set(matrix["Document id"]) == {KAZ_EN, KAZ_NL, BOSNIA}
    assert at.multiselect(key="clauses_types").value == [
        "bilateral agreement",
        "implementing protocol",
    ]
    kazakhstan = matrix.set_index("Document id").loc[KAZ_EN]
    assert kazakhstan["Lang"] == "EN" and kazakhstan["Year"] == "2015"
    # Article 7 sets the 21-day reply deadline: a certain assignment, so no "?".
    assert "Art. 7" in kazakhstan[REPLY_SLOT].split("; ")
    assert kazakhstan["Costs"] == "Art. 12; Prot. Art. 11"
    # Uncertain assignments are marked, and the legend says what "~" and "?" mean.
    assert any(cell.endswith("?") for cell in kazakhstan if isinstance(cell, str))
    legend = " ".join(c.value for c in at.caption)
    assert "“~” marks an assignment that is probably right but not confirmed" in legend
    assert "“?” one that is more likely wrong than right" in legend
    assert matrix.set_index("Document id").loc[BOSNIA]["Data protection"] == ""
    assert "matrix_csv" in {b.key for b in at.get("download_button")}

    at.multiselect(key="clauses_languages").set_value(["nl"])
    run_ok(at)
    matrix, _ = tables(at)
    assert list(matrix["Document id"]) == [KAZ_NL]

    # Any type: the probe document (a policy guide) stays out: guides are not precedents.
    at.multiselect(key="clauses_languages").set_value([])
    at.multiselect(key="clauses_types").set_value([])
    run_ok(at)
    matrix, _ = tables(at)
    assert set(matrix["Document id"]) == {KAZ_EN, KAZ_NL, BOSNIA}
    # Every document: the probe joins.
    at.checkbox(key="clauses_all").check()
    run_ok(at)
    matrix, _ = tables(at)
    assert set(matrix["Document id"]) == {KAZ_EN, KAZ_NL, BOSNIA, PROBE_ID}
    probe = matrix.set_index("Document id").loc[PROBE_ID]
    assert probe["Agreement"] == "Probe <b>instrument</b> **title**"  # a plain text cell


# ---- one clause type across agreements -------------------------------------------------------


def test_slot_view_lists_articles_with_time_limits_and_actions(
    app_env: dict[str, Path],
) -> None:
    at = clauses_page("By clause type")
    assert at.selectbox(key="slot_select").value == "time-limit-reply"
    at.selectbox(key="slot_select").set_value("readmission-in-error")
    run_ok(at)
    opened = [b.key for b in at.button if b.key and b.key.startswith("slot_open__")]
    # Both language versions of the Kazakhstan agreement, together.
    assert opened == [f"slot_open__{KAZ_EN}__art_9", f"slot_open__{KAZ_NL}__art_9"]
    cards = " ".join(html_bodies(at))
    assert "Article 9 — Readmission in error" in cards
    assert "3 months" in cards and "“three months”" in cards and "“drie maanden”" in cards
    assert any("2 articles in 1 agreement " in c.value for c in at.caption)

    at.selectbox(key="slot_select").set_value("time-limit-reply")
    run_ok(at)
    reply = " ".join(b for b in html_bodies(at) if "Time limits in this article" in b)
    assert "21 calendar days" in reply and "reply to a request" in reply

    # The card actions of the Search page: add (with provenance), then open on the Read page.
    assert at.selectbox(key=f"slot_section__{KAZ_EN}__art_7").value == "time-limits"
    at.button(key=f"slot_add__{KAZ_EN}__art_7").click()
    run_ok(at)
    assert any("Added Article 7 — Time limits" in s.value for s in at.success)
    draft = DraftStore(app_env["drafts"]).load(at.query_params["draft"])
    provenance = draft.clauses[0].provenance
    assert provenance is not None and (provenance.doc_id, provenance.eid) == (KAZ_EN, "art_7")
    assert draft.clauses[0].section == "time-limits"

    at.button(key=f"slot_open__{KAZ_EN}__art_7").click()
    run_ok(at)
    assert at.radio(key="page").value == "Read"
    assert at.selectbox(key="read_unit").value == "art_7"


def test_slot_view_draws_the_first_agreements_and_the_rest_on_request(
    app_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # At least one article first (the small index has few): whole agreements, then the rest.
    monkeypatch.setattr(clauses_page_module, "SLOT_FIRST_ARTICLES", 1)
    at = clauses_page("By clause type")
    at.selectbox(key="slot_select").set_value("costs")
    run_ok(at)
    # Kazakhstan's four cost articles (both language versions: an agreement is never split).
    first = slot_cards(at)
    assert len(first) == 4
    assert all(key.split("__")[1] in (KAZ_EN, KAZ_NL) for key in first)
    assert any(
        "5 articles in 2 agreements (language versions together) · showing the first 4 articles"
        in c.value
        for c in at.caption
    )
    assert at.button(key="slot_more").label == "Show more (1 left)"
    assert at.button(key="slot_all").label == "Show all 5 articles"

    at.button(key="slot_more").click()
    run_ok(at)
    every = slot_cards(at)
    assert every[:4] == first and every[4] == f"slot_open__{BOSNIA}__art_7"
    assert not [b for b in at.button if b.key in ("slot_more", "slot_all")]
    assert not any("showing the first" in c.value for c in at.caption)
    # Another tab and back: what was drawn is drawn again.
    on_tab(at, "Time limits")
    on_tab(at, "By clause type")
    assert slot_cards(at) == every

    # Another clause type, and back: each starts again with its first agreements.
    at.selectbox(key="slot_select").set_value("time-limit-reply")
    run_ok(at)
    assert slot_cards(at) == [f"slot_open__{KAZ_EN}__art_7", f"slot_open__{KAZ_NL}__art_7"]
    assert not [b for b in at.button if b.key in ("slot_more", "slot_all")]
    at.selectbox(key="slot_select").set_value("costs")
    run_ok(at)
    assert slot_cards(at) == first
    at.button(key="slot_all").click()
    run_ok(at)
    assert slot_cards(at) == every

    # An article's text is drawn when its expander is opened, not before.
    def article_texts() -> list[str]:
        return [
            b
            for b in html_bodies(at)
            if b.startswith(('<p class="rdm-para"', '<div class="rdm-text"'))
        ]

    assert article_texts() == []
    at.session_state[f"slot_text__{BOSNIA}__art_7"] = True
    run_ok(at)
    assert len(article_texts()) == 1
    assert slot_cards(at) == every


# ---- time limits across agreements ------------------------------------------------------------


def test_time_limit_table_extremes_and_purpose_filter(app_env: dict[str, Path]) -> None:
    at = clauses_page("Time limits")
    _, limits = tables(at)
    kazakhstan_art_7 = limits[(limits["doc_id"] == KAZ_EN) & (limits["eid"] == "art_7")]
    reply = kazakhstan_art_7[kazakhstan_art_7["purpose"] == "reply"]
    # Article 7(2): "... reply ... within 21 calendar days", and 7(4) refers back to that
    # period ("after the 21 calendar days period has elapsed"), as tests/labels/time_limits.jsonl.
    assert (
        list(zip(reply["number"], reply["unit"], reply["text"], strict=True))
        == [(21, "calendar days", "21 calendar days")] * 2
    )
    assert "21 kalenderdagen" in set(limits[limits["doc_id"] == KAZ_NL]["text"])
    lines = extremes_lines(at)
    assert f"reply to a request: always 21 calendar days ({KAZ_EN}, Art. 7)" in lines
    # the 21 days of Art. 7(4) are the reply's, so the transfer line is Art. 7(4)'s month
    assert "transfer after acceptance: " in lines and "1 month" in lines
    assert "time_limits_csv" in {b.key for b in at.get("download_button")}

    at.multiselect(key="tl_purpose").set_value(["transit"])
    run_ok(at)
    _, limits = tables(at)
    assert set(limits["purpose"]) == {"transit"}
    assert len(limits) == 4  # Bosnia art 5 (7 and 5 days), Kazakhstan protocol art 6 (EN, NL)
    lines = extremes_lines(at)
    assert lines.count("<li>") == 1
    assert (
        f"transit: shortest 2 days ({KAZ_EN}, Prot. Art. 6), "
        f"longest 7 days ({BOSNIA}, Art. 5) — 4 limits" in lines
    )


# ---- gap check on the Draft page ---------------------------------------------------------------


def test_gap_check_lists_missing_slots_and_adds_a_precedent(app_env: dict[str, Path]) -> None:
    wb = local_readmit(index_dir=app_env["index"], drafts_dir=app_env["drafts"])
    draft, _ = wb.add_unit_to_draft(draft_id=None, doc_id=KAZ_EN, eid="art_12", section="costs")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["page"] = "Draft"
    at.query_params["draft"] = draft.draft_id
    run_ok(at)
    assert not [e for e in at.expander if " agreement" in e.label]  # not run yet
    at.button(key="gap_check").click()
    run_ok(at)
    labels = [e.label for e in at.expander]
    assert any(label.startswith("Time limit for replying to a request") for label in labels)
    assert any(label.startswith("Readmission in error") for label in labels)
    assert not any(label.startswith("Costs") for label in labels)  # the draft has it
    expected = {gap.slot for gap in wb.draft_gaps(draft.draft_id)}
    shown = {key.split("__")[1] for key in (b.key or "" for b in at.button) if "gap_add__" in key}
    assert shown == expected
    sources = " ".join(b for b in html_bodies(at) if "Wording of" in b)
    assert f"{KAZ_EN} Art. 9" in sources
    # An English draft gets an English wording first, each with its other language versions
    # (wordings mainly about the clause type rank before the draft's language, so an on-topic
    # Dutch wording may come before an English one that only touches on it:
    # readmit.clauses.gaps.common_wordings).
    for gap in wb.draft_gaps(draft.draft_id):
        languages = [p.language for p in gap.precedents]
        assert "en" not in languages or languages[0] == "en", (gap.slot, languages)
    assert f"Also in NL: {KAZ_NL} Art. 9" in sources

    at.button(key="gap_add__readmission-in-error__0").click()
    run_ok(at)
    assert any("Added “Readmission in error”" in s.value for s in at.success)
    updated = wb.get_draft(draft.draft_id)
    added = updated.clauses[-1]
    article = KnowledgeBase(app_env["index"]).article(KAZ_EN, "art_9")
    assert article is not None and added.text == article.text
    assert added.section == "readmission-in-error"
    assert added.provenance is not None
    assert (added.provenance.doc_id, added.provenance.eid) == (KAZ_EN, "art_9")
    assert "BWBV0006473" in (added.provenance.official_reference or "")
    provenance = " ".join(b for b in html_bodies(at) if "Source:" in b)
    assert "Article 9 (art_9)" in provenance and "verbatim" in provenance
    # The slot is covered now: the refreshed check no longer lists it.
    labels = [e.label for e in at.expander]
    assert not any(label.startswith("Readmission in error") for label in labels)
    assert any(label.startswith("Time limit for replying to a request") for label in labels)


# ---- the library functions the page shows ------------------------------------------------------


def _row(number: int, unit: str, purpose: str, doc_id: str, eid: str) -> dict[str, str]:
    return {"number": str(number), "unit": unit, "purpose": purpose, "doc_id": doc_id, "eid": eid}


def test_time_limit_extremes_compare_units_and_keep_purpose_order() -> None:
    rows = [
        _row(30, "days", "reply", "y", "art_8"),
        _row(2, "days", "transit", "z", "art_3"),
        _row(4, "days", "reply", "x", "art_7"),
        _row(5, "working days", "reply", "w", "art_6"),  # 7 calendar days: in between
        _row(1, "months", "transfer", "x", "art_7"),
        _row(72, "hours", "transfer", "v", "protocol__art_5"),
        _row(3, "years", "termination", "x", "art_20"),
    ]
    extremes = time_limit_extremes(rows)
    assert [e.purpose for e in extremes] == ["reply", "transfer", "transit", "termination"]
    reply = extremes[0]
    assert reply.count == 3
    assert reply.describe() == (
        "reply to a request: shortest 4 days (x, Art. 7), longest 30 days (y, Art. 8) — 3 limits"
    )
    transfer = extremes[1]
    assert (transfer.shortest.period(), transfer.longest.period()) == ("72 hours", "1 month")
    assert transfer.shortest.citation() == "72 hours (v, Prot. Art. 5)"
    assert extremes[2].describe() == "transit: always 2 days (z, Art. 3)"
    assert time_limit_extremes([]) == []
    assert approximate_days(5, "working days") == pytest.approx(7.0)
    assert approximate_days(2, "weeks") == 14.0


def test_short_eid_citations() -> None:
    cases = {
        "art_7": "Art. 7",
        "art_7a": "Art. 7a",
        "art_iv": "Art. IV",
        "protocol__art_3": "Prot. Art. 3",
        "protocol_2__art_1": "Prot. 2 Art. 1",
        "annex_1a": "Annex 1A",
        "annex_ii": "Annex II",
        "protocol__annex_2": "Prot. Annex 2",
        "preamble": "Preamble",
        "protocol__preamble": "Prot. Preamble",
        "final": "Final clauses",
    }
    assert {eid: cite_eid_short(eid) for eid in cases} == cases


def test_every_slot_has_a_skeleton_section() -> None:
    sections = set(section_keys())
    for slot in slot_keys():
        if slot != OTHER:
            assert section_for_slot(slot) in sections, slot
    assert section_for_slot("time-limit-reply") == "time-limits"
    assert section_for_slot("termination") == "final-provisions"


def test_clause_scope_admits(small_index: tuple[Path, Path]) -> None:
    _, index = small_index
    documents = {d.doc_id: d for d in KnowledgeBase(index).documents()}
    default = ClauseScope(instrument_types=("bilateral agreement", "implementing protocol"))
    assert {d for d, doc in documents.items() if default.admits(doc)} == {KAZ_EN, KAZ_NL, BOSNIA}
    dutch = ClauseScope(languages=("nl",))
    assert {d for d, doc in documents.items() if dutch.admits(doc)} == {KAZ_NL}
    # The probe is a policy guide: guidance, never a precedent, unless every document is asked.
    assert not ClauseScope().admits(documents[PROBE_ID])
    assert ClauseScope(all_documents=True).admits(documents[PROBE_ID])


# ---- pictures ------------------------------------------------------------------------------


def chart_values(at: AppTest) -> list[list[dict[str, Any]]]:
    """Per Vega-Lite chart on the page, its data rows (Streamlit sends them as Arrow)."""
    return [
        pyarrow.ipc.open_stream(chart.proto.data.data).read_all().to_pylist()
        for chart in at.get("vega_lite_chart")
    ]


def test_heat_map_and_time_limit_chart_show_the_table_data(app_env: dict[str, Path]) -> None:
    at = clauses_page()
    assert chart_values(at) == []  # the heat map waits for its toggle
    at.toggle(key="matrix_picture").set_value(True)
    run_ok(at)
    [heat_cells] = chart_values(at)
    heat_spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    matrix, limits = tables(at)
    [reply_points] = chart_values(on_tab(at, "Time limits"))

    assert len(heat_cells) == len(matrix) * 30  # every agreement × every clause type
    kazakhstan_reply = next(
        c for c in heat_cells if c["document"] == KAZ_EN and c["clause type"] == REPLY_SLOT
    )
    assert kazakhstan_reply["state"] == "present" and "art_7" in kazakhstan_reply["articles"]
    assert {c["state"] for c in heat_cells} <= {"present", "uncertain", "absent"}
    # Rows are readable names, not document ids; the map is as wide as the page and its
    # slanted column titles are not cut (no label limit on rows, room on the right).
    assert heat_spec["encoding"]["y"]["field"] == "name"
    assert kazakhstan_reply["name"] == "Benelux Kazakhstan Readmission Agreement 2015 (EN)"
    assert heat_spec["width"] == "container" and heat_spec["padding"]["right"] >= 150
    names = {c["document"]: c["name"] for c in heat_cells}
    assert len(set(names.values())) == len(names)  # one name per document
    order = heat_spec["encoding"]["y"]["sort"]
    assert order.index(names[BOSNIA]) < order.index(names[KAZ_EN])  # by year: 2013 before 2015

    # With no purpose chosen the chart shows the reply periods: the table's reply rows.
    assert len(reply_points) == len(limits[limits["purpose"] == "reply"])
    assert all(p["purpose"] == "reply" for p in reply_points)

    at.multiselect(key="tl_purpose").set_value(["transit"])
    run_ok(at)
    [transit_points] = chart_values(at)
    assert len(transit_points) == 4  # as the table
    shortest = [p for p in transit_points if p["extreme"] == "shortest"]
    longest = [p for p in transit_points if p["extreme"] == "longest"]
    assert [p["period"] for p in shortest] == ["2 days"]
    assert [(p["doc_id"], p["period"]) for p in longest] == [(BOSNIA, "7 days")]
