"""A sign-in survives a reload and a new tab (a signed session token in a cookie), and sign-out
ends it everywhere: `streamlit run app.py` with password accounts, driven by Playwright with
Debian's chromium."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.embedders import HashingEmbedder
from index.storage import open_collection
from readmit.access import Role, UserStore
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
from tests.harness.documents import make_chunks, make_document

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


@pytest.fixture
def app_with_accounts(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    index = tmp_path / "index"
    with open_collection(index, embedder=HashingEmbedder(dimension=64)) as collection:
        doc = make_document("public-en", [("1", "Time limits", "Reply within 10 days.")])
        collection.upsert_document(doc, make_chunks(doc))
    users_file = tmp_path / "users.json"
    UserStore(users_file).add("alice", role=Role.DRAFTER, password=PASSWORD)
    env = {
        **os.environ,
        "READMIT_INDEX": str(index),
        "READMIT_DRAFTS": str(tmp_path / "drafts"),
        "READMIT_CORPUS": str(tmp_path / "corpus"),
        "READMIT_USERS": str(users_file),
        "READMIT_AUDIT": str(tmp_path / "audit.jsonl"),
    }
    port = free_port()
    with (tmp_path / "streamlit.log").open("wb") as log:
        process = subprocess.Popen(
            streamlit_command(port), cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_server(url, process)
            yield url, tmp_path
        finally:
            stop_process(process)


def test_sign_in_survives_reload_and_new_tab_until_sign_out(
    app_with_accounts: tuple[str, Path],
) -> None:
    from playwright.sync_api import expect, sync_playwright  # noqa: I001 - only this test

    url, folder = app_with_accounts
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            page = context.new_page()
            page.goto(url)
            expect(page.get_by_text("Readmit — sign in")).to_be_visible(timeout=60_000)
            page.get_by_label("User name").fill("alice")
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            key_button(page, "signin_submit").click()
            signed_in = page.get_by_text("Signed in as alice")
            expect(signed_in).to_be_visible(timeout=60_000)
            wait_idle(page)
            cookies = {c["name"]: c for c in context.cookies()}
            assert "readmit_session" in cookies
            assert cookies["readmit_session"]["sameSite"] == "Strict"

            page.reload()  # a reload is a new Streamlit session
            expect(page.get_by_text("Signed in as alice")).to_be_visible(timeout=60_000)
            second_tab = context.new_page()
            second_tab.goto(url)
            expect(second_tab.get_by_text("Signed in as alice")).to_be_visible(timeout=60_000)

            key_button(page, "signout").click()
            expect(page.get_by_text("Readmit — sign in")).to_be_visible(timeout=60_000)
            # The token is revoked: the other tab's next reload, and this one's, ask again.
            for tab in (page, second_tab):
                tab.reload()
                expect(tab.get_by_text("Readmit — sign in")).to_be_visible(timeout=60_000)
        finally:
            browser.close()
    audit = (folder / "audit.jsonl").read_text(encoding="utf-8")
    assert '"action": "signin"' in audit and '"action": "signout"' in audit
