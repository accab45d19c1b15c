"""Screenshots of the app for a client: search, draft, clauses (heat map) and the Word export
rendered to PDF by LibreOffice. Serves `streamlit run app.py` over an existing index on a free
local port, drives Debian's chromium with Playwright, exports the draft with `readmit export`,
converts the DOCX with `soffice --convert-to pdf` and its first pages with `pdftoppm`.

    .venv/bin/python scripts/screenshots.py --index .readmit/index --out /tmp/shots
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.harness.app_server import (  # noqa: E402 - the browser helpers of the test suite
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    key_button,
    streamlit_command,
    wait_for_server,
    wait_idle,
)

KAZ_EN = "benelux-kazakhstan-readmission-agreement-2015-en"
SEARCHES = (
    ("time limit for replying to a readmission request", "art_7"),
    ("who pays the costs of transit?", "art_12"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import expect, sync_playwright

    drafts = Path(tempfile.mkdtemp(prefix="shots-drafts-"))
    env = {**os.environ, "READMIT_INDEX": str(args.index), "READMIT_DRAFTS": str(drafts)}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        streamlit_command(port),
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_server(url, process)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            for query, eid in SEARCHES:
                box = page.get_by_label("Question or keywords")
                box.wait_for(timeout=300_000)
                box.fill(query)
                box.press("Enter")
                wait_idle(page)
                add = key_button(page, f"add__{KAZ_EN}__{eid}")
                expect(add).to_be_visible(timeout=120_000)
                if eid == SEARCHES[0][1]:
                    page.screenshot(path=str(args.out / "search.png"))
                    add.scroll_into_view_if_needed()
                    page.screenshot(path=str(args.out / "search-actions.png"))
                add.click()
                wait_idle(page)
            page.get_by_text("Draft", exact=True).first.click()
            wait_idle(page)
            expect(page.get_by_role("heading", name="Draft the model agreement")).to_be_visible(
                timeout=120_000
            )
            page.screenshot(path=str(args.out / "draft.png"), full_page=True)
            page.get_by_text("Clauses", exact=True).first.click()
            wait_idle(page)
            toggle = page.locator(".st-key-matrix_picture label").first
            toggle.wait_for(timeout=180_000)
            toggle.click()
            wait_idle(page)
            try:
                page.locator(".vega-embed").first.wait_for(timeout=120_000)
            except Exception:
                page.screenshot(path=str(args.out / "clauses-failed.png"), full_page=True)
                raise
            page.wait_for_timeout(2000)  # Vega draws after the element appears
            page.screenshot(path=str(args.out / "clauses-heat-map.png"), full_page=True)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    draft_id = next(drafts.glob("*.json")).stem
    readmit = [str(Path(sys.executable).parent / "readmit"), "--index", str(args.index)]
    listed = subprocess.run(
        [*readmit, "drafts", "--drafts", str(drafts), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    print(listed.stdout.strip()[:300] or json.dumps({"draft": draft_id}))
    docx = args.out / "draft.docx"
    subprocess.run(
        [
            *readmit,
            "export",
            draft_id,
            "--format",
            "docx",
            "--drafts",
            str(drafts),
            "--author",
            "Legal officer",
            "--output",
            str(docx),
        ],
        check=True,
    )
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(args.out), str(docx)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "2",
            str(args.out / "draft.pdf"),
            str(args.out / "export"),
        ],
        check=True,
    )
    shutil.rmtree(drafts, ignore_errors=True)
    print("screenshots in", args.out)


if __name__ == "__main__":
    main()
