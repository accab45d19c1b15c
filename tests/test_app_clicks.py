"""What a click costs in the app, checked through AppTest by widget key: downloads are built
when clicked (Streamlit's callable `data`), not on every rerun of their page; the gap check and
the clause views are computed once and then served from the facade's views.

Timings are not asserted here; `scripts/bench_pages.py` measures every page in Chromium.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.harness.app_index import run_ok, start
from tests.harness.word_files import PROPOSAL_TEXT, model_draft


def deferred_downloads(at: AppTest) -> dict[str, bool]:
    """Each download button's key → whether its file is built only when clicked."""
    return {
        button.key: button.proto.HasField("deferred_file_id")
        for button in at.get("download_button")
    }


def test_draft_exports_are_built_on_click_and_the_gap_check_once(app_env: dict[str, Path]) -> None:
    model_draft(app_env["drafts"])
    at = start()
    at.radio(key="page").set_value("Draft")
    run_ok(at)
    downloads = deferred_downloads(at)
    assert downloads["export_docx"] and downloads["export_md"] and downloads["export_redline"]

    at.button(key="gap_check").click()
    run_ok(at)
    missing = [c.value for c in at.caption if "standard clause types missing" in c.value]
    assert missing, [c.value for c in at.caption]
    gaps = [e.label for e in at.expander if " — in " in e.label]
    assert gaps
    # The check's answer is kept by the facade: a rerun of the page (a click elsewhere) shows
    # the same gaps, and so does a second session's check of the same draft revision.
    at.checkbox(key="export_placeholders").check()
    run_ok(at)
    assert [e.label for e in at.expander if " — in " in e.label] == gaps
    second = start()
    second.radio(key="page").set_value("Draft")
    run_ok(second)
    second.button(key="gap_check").click()
    run_ok(second)
    assert [e.label for e in second.expander if " — in " in e.label] == gaps


def test_review_downloads_are_built_on_click(app_env: dict[str, Path]) -> None:
    model_draft(app_env["drafts"])
    at = start()
    at.radio(key="page").set_value("Review")
    run_ok(at)
    at.file_uploader(key="review_upload").set_value(
        [("proposal.txt", PROPOSAL_TEXT.encode(), "text/plain")]
    )
    run_ok(at)
    at.button(key="review_run").click()
    run_ok(at)
    assert deferred_downloads(at) == {
        "review_memo": True,
        "review_redline": True,
        "review_json": True,
    }
    assert at.dataframe  # the summary is shown from the review kept in the session
    # A rerun (another click) shows the same review without running it again.
    rows = len(at.dataframe[0].value)
    at.radio(key="review_against_kind").set_value("My model draft")
    run_ok(at)
    assert len(at.dataframe[0].value) == rows


def test_clauses_page_runs_the_open_tab_only_and_builds_csvs_on_click(
    app_env: dict[str, Path],
) -> None:
    at = start()
    at.radio(key="page").set_value("Clauses")
    run_ok(at)
    # The matrix tab opens first; the other tabs' widgets are not drawn until opened.
    assert at.session_state["clauses_tab"] == "Precedent matrix"
    assert deferred_downloads(at) == {"matrix_csv": True}
    assert not [s for s in at.selectbox if s.key == "slot_select"]
    assert len(at.dataframe) == 1

    at.session_state["clauses_tab"] = "Time limits"
    run_ok(at)
    assert deferred_downloads(at) == {"time_limits_csv": True}
    at.multiselect(key="tl_purpose").set_value(["transit"])
    run_ok(at)
    assert set(at.dataframe[0].value["purpose"]) == {"transit"}

    at.session_state["clauses_tab"] = "By clause type"
    run_ok(at)
    at.selectbox(key="slot_select").set_value("readmission-in-error")
    run_ok(at)
    opened = [b.key for b in at.button if b.key and b.key.startswith("slot_open__")]
    assert opened

    # Back on a tab, its choices are as they were left.
    at.session_state["clauses_tab"] = "Time limits"
    run_ok(at)
    assert at.multiselect(key="tl_purpose").value == ["transit"]
    assert set(at.dataframe[0].value["purpose"]) == {"transit"}
    at.session_state["clauses_tab"] = "By clause type"
    run_ok(at)
    assert at.selectbox(key="slot_select").value == "readmission-in-error"
    assert [b.key for b in at.button if b.key and b.key.startswith("slot_open__")] == opened
