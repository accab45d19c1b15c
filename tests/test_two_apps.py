"""Two app processes (`streamlit run app.py` on two ports) against one PostgreSQL database,
driven by Playwright with Debian's chromium: same documents, same drafts.

A draft started in app A (search → "Add to draft") is shown by app B; an edit made in B is
shown by A after a reload; a document ingested while both run (a third process, as the
Maintain page or `readmit ingest` would) is found by a search in B.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.copy import copy_index
from index.embedders import make_embedder
from tests.harness.app_index import KAZ_EN, QUERY, build_small_index
from tests.harness.app_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    free_port,
    key_button,
    stop_process,
    streamlit_command,
    wait_for_server,
    wait_idle,
)
from tests.harness.corpus import copy_documents

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LATE_DOC = "un-refugee-protocol-1967-en"


@pytest.fixture
def two_apps(
    pg_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, Path]]:
    corpus, index = build_small_index(tmp_path_factory.getbasetemp() / "readmit-app")
    report = copy_index(index, pg_url, embedder=make_embedder("minilm"))
    assert report.problems == ()
    # One person's test of two processes: no accounts, sign-in optional on loopback.
    env = {
        **os.environ,
        "READMIT_INDEX": pg_url,
        "READMIT_CORPUS": str(corpus),
        "READMIT_SIGN_IN": "optional",
    }
    env.pop("READMIT_DRAFTS", None)  # server mode: drafts in the same database
    processes: list[subprocess.Popen[bytes]] = []
    urls = []
    logs = tmp_path_factory.mktemp("two-apps")
    try:
        for name in ("a", "b"):
            port = free_port()
            with (logs / f"{name}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        streamlit_command(port),
                        cwd=REPO,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_for_server(url, process)
        yield urls[0], urls[1], corpus
    finally:
        for process in processes:
            stop_process(process)


def test_two_app_processes_share_documents_and_drafts(
    two_apps: tuple[str, str, Path], pg_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright  # noqa: I001 - only this test

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    url_a, url_b, _ = two_apps
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            a = browser.new_page(viewport={"width": 1440, "height": 1000})
            b = browser.new_page(viewport={"width": 1440, "height": 1000})
            # App A: search and add an article to a new draft.
            a.goto(url_a)
            box = a.get_by_label("Question or keywords")
            expect(box).to_be_visible(timeout=120_000)
            box.fill(QUERY)
            box.press("Enter")
            add = key_button(a, f"add__{KAZ_EN}__art_7")
            expect(add).to_be_visible(timeout=120_000)
            wait_idle(a)
            add.click()
            wait_idle(a)
            expect(a.get_by_text("Added Article 7 — Time limits")).to_be_visible(timeout=60_000)

            # App B: the Draft page shows that draft with the clause.
            b.goto(f"{url_b}/?page=Draft")
            expect(b.get_by_role("heading", name="Draft the model agreement")).to_be_visible(
                timeout=120_000
            )
            clause = b.locator("textarea").first
            expect(clause).to_have_value(re.compile(r"21 calendar days"), timeout=60_000)
            # App B edits the clause; app A sees the edit after a reload.
            clause.fill("Edited in app B: the requested Party replies within 14 days.")
            clause.blur()
            wait_idle(b)
            a.goto(f"{url_a}/?page=Draft")
            expect(a.locator("textarea").first).to_have_value(
                re.compile("Edited in app B"), timeout=120_000
            )

            # A document ingested while both apps run is found by a search in app B.
            late = copy_documents(tmp_path / "late", [LATE_DOC])
            ingest = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import sys; from readmit.cli import main; sys.exit(main())",
                    "--index",
                    pg_url,
                    "ingest",
                    str(late),
                ],
                cwd=REPO,
                env={**os.environ, "PYTHONPATH": str(REPO)},
                capture_output=True,
                text=True,
            )
            assert ingest.returncode == 0, ingest.stderr[-2000:]
            b.goto(url_b)
            box = b.get_by_label("Question or keywords")
            expect(box).to_be_visible(timeout=120_000)
            box.fill("refugee protocol accession by states")
            box.press("Enter")
            late_hit = b.locator("[class*='st-key-hit_']", has_text="Status of Refugees")
            expect(late_hit.first).to_be_visible(timeout=120_000)
        finally:
            browser.close()
