"""How long a search takes in the app, measured in a real browser from Enter to rendered results.

Starts `streamlit run app.py` on a free local port over an existing index, drives Debian's
chromium with Playwright, and for each query types it, presses Enter and waits until the first
result card and its action buttons are visible and the script run has finished. Prints every
timing and the median; asserts nothing (speed is measured, not tested).

    .venv/bin/python scripts/bench_app_search.py --index .readmit/index [--rounds 2]

To reproduce the timings before OpenMP's passive wait policy (index/__init__.py), run with
`OMP_WAIT_POLICY=ACTIVE` in the environment.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.harness.app_server import (  # noqa: E402 - the browser helpers of the test suite
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    stop_process,
    streamlit_command,
    wait_for_server,
)

QUERIES = (
    "time limit for replying to a readmission request",
    "who pays the costs of transit?",
    "escort during the transfer",
    "termijn voor het beantwoorden van een verzoek tot overname",
    "stateless persons",
    "data protection personal data",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--screenshot", type=Path, default=None, help="PNG of the last results")
    args = parser.parse_args()

    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    drafts = Path(tempfile.mkdtemp(prefix="bench-drafts-"))
    env = {**os.environ, "READMIT_INDEX": str(args.index), "READMIT_DRAFTS": str(drafts)}
    process = subprocess.Popen(
        streamlit_command(port),
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    timings: list[float] = []
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_server(url, process)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            box = page.get_by_label("Question or keywords")
            expect(box).to_be_visible(timeout=300_000)
            app = '[data-testid="stApp"]'
            running = page.locator(f'{app}[data-test-script-state="running"]')
            done = page.locator(f'{app}[data-test-script-state="notRunning"]')
            for round_number in range(args.rounds):
                for query in QUERIES:
                    box.fill(query)
                    started = time.perf_counter()
                    box.press("Enter")
                    # the rerun starts (it may already be over when we look)
                    with contextlib.suppress(PlaywrightTimeout):
                        running.wait_for(state="attached", timeout=2_000)
                    done.wait_for(state="attached", timeout=300_000)
                    page.locator(".st-key-hit_1 button").first.wait_for(timeout=300_000)
                    elapsed = time.perf_counter() - started
                    if round_number > 0 or query != QUERIES[0]:  # the very first loads the model
                        timings.append(elapsed)
                    print(f"{elapsed:6.2f} s  {query}", flush=True)
            if args.screenshot is not None:
                page.screenshot(path=str(args.screenshot))
            browser.close()
    finally:
        stop_process(process)
    policy = os.environ.get("OMP_WAIT_POLICY", "PASSIVE (index/__init__.py)")
    print(
        f"OMP_WAIT_POLICY={policy}: {len(timings)} searches, "
        f"median {statistics.median(timings):.2f} s, max {max(timings):.2f} s "
        "(Enter → results rendered, first search excluded); "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
