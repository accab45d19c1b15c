"""Two browsers editing one draft through two app processes on one PostgreSQL database
(Playwright, Debian's chromium): every typed edit is either kept or refused with the typed text
still on screen; none is lost and no save is made that nobody typed.

Neither page reloads between edits, so each types over the version it last showed while the
other keeps saving: the situation of the two-person trial in which edits were silently reverted.
The counts are printed (run with -s).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.embedders import HashingEmbedder
from readmit.facade import LOCAL_MAINTAINER, open_readmit
from readmit.service import KnowledgeBase
from tests.harness.app_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    free_port,
    stop_process,
    streamlit_command,
    wait_for_server,
    wait_idle,
)
from tests.harness.facade import services_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def two_apps(pg_url: str, tmp_path: Path) -> Iterator[tuple[str, str, str, tuple[str, str]]]:
    KnowledgeBase(pg_url, model=HashingEmbedder()).ingest([])  # an empty index on the fake
    services = services_for(index_dir=pg_url, drafts_dir=pg_url)
    local = open_readmit(services.settings, LOCAL_MAINTAINER, services=services)
    draft = local.create_draft("Two browsers")
    draft, first = local.add_text(draft.draft_id, section="transit", text="First clause.")
    draft, second = local.add_text(draft.draft_id, section="transit", text="Second clause.")
    env = {**os.environ, "READMIT_INDEX": pg_url, "READMIT_SIGN_IN": "optional"}
    env.pop("READMIT_DRAFTS", None)  # server mode: drafts in the same database
    env["READMIT_CORPUS"] = str(tmp_path / "corpus")
    processes: list[subprocess.Popen[bytes]] = []
    urls = []
    try:
        for name in ("a", "b"):
            port = free_port()
            with (tmp_path / f"{name}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        streamlit_command(port), cwd=REPO, env=env, stdout=log, stderr=log
                    )
                )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_for_server(url, process)
        yield urls[0], urls[1], draft.draft_id, (first.clause_id, second.clause_id)
    finally:
        for process in processes:
            stop_process(process)


def test_two_browsers_lose_no_edit(
    two_apps: tuple[str, str, str, tuple[str, str]], pg_url: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    url_a, url_b, draft_id, clauses = two_apps
    services = services_for(index_dir=pg_url, drafts_dir=pg_url)
    local = open_readmit(services.settings, LOCAL_MAINTAINER, services=services)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            pages = {}
            for name, url in (("a", url_a), ("b", url_b)):
                page = browser.new_page(viewport={"width": 1440, "height": 1400})
                page.goto(f"{url}/?page=Draft&draft={draft_id}")
                expect(
                    page.locator(f"[class*='st-key-clause_text__{clauses[0]}__r'] textarea")
                ).to_be_visible(timeout=120_000)
                wait_idle(page)
                pages[name] = page
            plan = [
                ("a", 0), ("b", 0), ("b", 1), ("a", 1), ("a", 0), ("b", 0),
                ("a", 1), ("b", 1), ("b", 0), ("a", 0), ("a", 1), ("b", 1),
            ]  # fmt: skip
            saves_before = len(local.draft_history(draft_id))
            kept = refused = lost = 0
            for number, (name, index) in enumerate(plan, start=1):
                page, clause_id = pages[name], clauses[index]
                text = f"Edit {number} typed in browser {name}."
                area = page.locator(f"[class*='st-key-clause_text__{clause_id}__r'] textarea")
                # the widget of the revision shown (the previous one's element leaves the page
                # when the run that replaced it ends)
                expect(area).to_have_count(1, timeout=60_000)
                area.fill(text)
                area.blur()
                wait_idle(page)
                stored = local.get_draft(draft_id).clause(clause_id).text
                kept_box = page.locator(f".st-key-clause_refused_text__{clause_id} textarea")
                if stored == text:
                    kept += 1
                elif kept_box.count() and kept_box.first.input_value() == text:
                    refused += 1
                else:
                    lost += 1
            saves = len(local.draft_history(draft_id)) - saves_before
            print(
                f"\ntwo browsers, two app processes, {len(plan)} edits: {kept} kept, "
                f"{refused} refused with the text on screen, {lost} lost; {saves} saves "
                f"in the history ({saves - kept} nobody typed)"
            )
            assert lost == 0
            assert kept + refused == len(plan)
            assert saves == kept
        finally:
            browser.close()
