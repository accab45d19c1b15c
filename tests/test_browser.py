"""One real browser session: `streamlit run app.py` driven by Playwright with Debian's chromium.

Search, add a result to a draft, check the draft, and check that hostile markup in a document
stays text in a real browser. Screenshots of each step go to `test-artefacts/` (gitignored).
The time from submitting the query to rendered results is printed, not asserted.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness.app_index import KAZ_EN, QUERY, build_small_index
from tests.harness.app_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    key_button,
    stop_process,
    streamlit_command,
    wait_for_server,
    wait_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
ARTEFACTS = REPO / "test-artefacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    corpus, index = build_small_index(tmp_path_factory.getbasetemp() / "readmit-app")
    drafts = tmp_path_factory.mktemp("browser-drafts")
    port = free_port()
    env = {
        **os.environ,
        "READMIT_INDEX": str(index),
        "READMIT_DRAFTS": str(drafts),
        "READMIT_CORPUS": str(corpus),
    }
    log = tmp_path_factory.mktemp("browser-log") / "streamlit.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            streamlit_command(port),
            cwd=REPO,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_server(url, process)
            yield url, drafts
        finally:
            stop_process(process)
    if process.returncode not in (0, -15):
        print(log.read_text(errors="replace")[-3000:])


def test_search_and_add_to_draft_in_a_real_browser(server: tuple[str, Path]) -> None:
    from playwright.sync_api import expect, sync_playwright  # noqa: I001 - only this test

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    url, drafts = server
    ARTEFACTS.mkdir(exist_ok=True)
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(url)
            query_box = page.get_by_label("Question or keywords")
            expect(query_box).to_be_visible(timeout=120_000)
            page.screenshot(path=str(ARTEFACTS / "01-search-page.png"))

            query_box.fill(QUERY)
            started = time.perf_counter()
            query_box.press("Enter")
            first_card = page.locator(".st-key-hit_1")
            expect(first_card).to_be_visible(timeout=120_000)
            expect(page.locator(".st-key-hit_1 mark").first).to_be_visible()
            expect(key_button(page, f"add__{KAZ_EN}__art_7")).to_be_visible()
            elapsed = time.perf_counter() - started
            wait_idle(page)
            print(f"\nquery → rendered results: {elapsed:.2f} s (first query of the server)")
            cards = page.locator("[class*='st-key-hit_']")
            assert cards.count() >= 3
            page.screenshot(path=str(ARTEFACTS / "02-search-results.png"), full_page=False)

            # Add the Kazakhstan time-limits article to a (new) draft.
            add_button = key_button(page, f"add__{KAZ_EN}__art_7")
            add_button.scroll_into_view_if_needed()
            add_button.click()
            wait_idle(page)
            expect(page.get_by_text("Added Article 7 — Time limits")).to_be_visible(timeout=60_000)
            page.screenshot(path=str(ARTEFACTS / "03-added-to-draft.png"))

            # Pin two articles, read one in context, compare the two.
            for eid in ("art_7", "art_9"):
                key_button(page, f"pin__{KAZ_EN}__{eid}").click()
                wait_idle(page)
                expect(key_button(page, f"pin__{KAZ_EN}__{eid}")).to_have_text(
                    "Unpin", timeout=30_000
                )
            key_button(page, f"open__{KAZ_EN}__art_7").click()
            wait_idle(page)
            expect(page.get_by_role("heading", name="Other language versions")).to_be_visible(
                timeout=60_000
            )
            expect(page.get_by_text("Termijnen").first).to_be_visible()
            page.screenshot(path=str(ARTEFACTS / "04-read-in-context.png"), full_page=True)
            page.get_by_text("Compare", exact=True).first.click()
            wait_idle(page)
            expect(page.locator(".st-key-compare_diff del").first).to_be_visible(timeout=60_000)
            page.screenshot(path=str(ARTEFACTS / "05-compare.png"), full_page=True)

            page.get_by_text("Draft", exact=True).first.click()
            wait_idle(page)
            expect(page.get_by_role("heading", name="Draft the model agreement")).to_be_visible(
                timeout=60_000
            )
            expect(page.get_by_role("heading", name="Time limits")).to_be_visible()
            clause_text = page.locator("textarea").first
            expect(clause_text).to_have_value(re.compile(r"21 calendar days"), timeout=30_000)
            assert "draft=" in page.url  # a refresh reopens this draft
            page.screenshot(path=str(ARTEFACTS / "06-draft.png"), full_page=True)
            saved = list(drafts.glob("*.json"))
            assert len(saved) == 1 and "21 calendar days" in saved[0].read_text()

            # Hostile markup in a document stays text in the browser.
            page.get_by_text("Search", exact=True).first.click()
            wait_idle(page)
            query_box = page.get_by_label("Question or keywords")
            expect(query_box).to_be_visible(timeout=60_000)
            query_box.fill("zebraprobe request")
            query_box.press("Enter")
            wait_idle(page)
            # The probe is a policy guide, so its card is in the guidance column (guide_<rank>).
            card_selector = "[class*='st-key-hit_'], [class*='st-key-guide_']"
            probe = page.locator(card_selector, has_text="Zebraprobe clause")
            expect(probe).to_be_visible(timeout=60_000)
            expect(probe).to_contain_text("<script>alert(1)</script>")
            expect(probe).to_contain_text("**bold** [link](http://x) :red[x]")
            assert page.locator("img[src='x']").count() == 0
            assert probe.locator("script, strong, a[href='http://x']").count() == 0
            probe.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTEFACTS / "07-inert-markup.png"))
        finally:
            browser.close()
    assert dialogs == []
