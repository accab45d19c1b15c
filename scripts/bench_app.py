"""App cold start: `streamlit run app.py` to the first answer rendered in a real browser.

    python scripts/bench_app.py INDEX "a question" [--repeats 2]

Chromium (Debian's, headless, driven by Playwright) is started first, so its own start-up is
not counted. Then the clock starts, `streamlit run app.py` is spawned on a free port of
127.0.0.1 against INDEX, and the script records when the server answers its health check, when
the search box is on the page, and when the first hit card of the question is rendered (the
server's first script run, model load, index open, BM25 load and search included).
Prints one JSON line per repeat (used by scripts/bench.py).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.harness.app_server import (  # noqa: E402 - the browser-test helpers
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    stop_process,
    streamlit_command,
    wait_for_server,
)

TIMEOUT_MS = 300_000


def app_cold_start(index: Path, query: str, *, work: Path) -> dict[str, Any]:
    """One cold start of the app against `index`; seconds from spawn to each milestone."""
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "READMIT_INDEX": str(index),
        "READMIT_DRAFTS": str(work / "drafts"),
        "READMIT_CORPUS": str(work / "corpus"),
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        with (work / "streamlit.log").open("wb") as log:
            started = time.perf_counter()
            process = subprocess.Popen(
                streamlit_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
            try:
                wait_for_server(url, process, timeout=TIMEOUT_MS / 1000)
                server_up = time.perf_counter() - started
                page.goto(url)
                query_box = page.get_by_label("Question or keywords")
                expect(query_box).to_be_visible(timeout=TIMEOUT_MS)
                page_ready = time.perf_counter() - started
                query_box.fill(query)
                query_box.press("Enter")
                expect(page.locator(".st-key-hit_1")).to_be_visible(timeout=TIMEOUT_MS)
                first_answer = time.perf_counter() - started
            finally:
                stop_process(process)
        browser.close()
    return {"server_up_s": server_up, "page_ready_s": page_ready, "first_answer_s": first_answer}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("query")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory(prefix="readmit-app-bench-") as folder:
            print(json.dumps(app_cold_start(args.index, args.query, work=Path(folder))))


if __name__ == "__main__":
    main()
