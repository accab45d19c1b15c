"""Every page and action of the app, timed in a real browser (Debian's chromium, Playwright).

    python scripts/bench_pages.py --index INDEX [--rounds 3] [--json FILE]

Starts `streamlit run app.py` on a free port of 127.0.0.1 over INDEX (drafts in a temporary
folder), opens one browser session that loads the model and the index (not counted), then runs
the same walk through the app `--rounds` times, each round in a new browser session (a new
Streamlit session: nothing memoised in the session from the round before). Each step is timed
from the click (or key press) to the moment the script run it started has finished and what it
should show is on the page; a download is timed until the browser has the file.

Each round also opens, in a new browser session, an app of one text input under the same
label ("first render, empty Streamlit app"): the floor of the first render, Streamlit's own
page, bundle and websocket, which no change to the app can cut (`--no-floor` skips it). After
the walk, a new tab of the same browser session is a returning user's first render ("browser
cache warm"): a new Streamlit session whose page scripts the browser already holds.

Prints a Markdown table (step, median, max, the rounds' times, within the 1.5 s target or not)
and, with `--json`, writes the raw times. Asserts nothing: speed is measured, not tested.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from tests.harness.app_server import (  # noqa: E402 - the browser helpers of the test suite
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    stop_process,
    streamlit_command,
    wait_for_server,
)

TARGET_S = 1.5
TIMEOUT_MS = 300_000
STEP_TIMEOUT_MS = 120_000  # what a step should show; longer is a failed step
QUERY = "time limit for replying to a readmission request"
EDITED = "The requested Party shall reply within {n} calendar days."
PROPOSAL = (
    "Article 1\nDefinitions\nFor the purposes of this Agreement, 'third-country national' means "
    "any person who is not a national of either Party.\n\nArticle 2\nTime limits\nThe requested "
    "Party shall reply to a readmission application within 30 calendar days.\n\nArticle 3\n"
    "Costs\nAll transport costs shall be borne by the requesting Party.\n"
)
FIRST_RENDER = "first render (new session)"
# A returning user: a new tab (a new Streamlit session) of a browser that has loaded the app
# before, so Streamlit's own scripts come from the browser's cache, as they do for anyone after
# their first visit.
RETURNING = "first render (new session, browser cache warm)"
FLOOR = "first render, empty Streamlit app (floor)"
# The floor of a first render: Streamlit with the one widget the app's first render waits for.
FLOOR_APP = 'import streamlit as st\n\nst.text_input("Question or keywords")\n'
# Counts the script runs that finished, so a step waits for the run its click started (a run
# can be over before Playwright could see it running).
OBSERVER = """() => {
  if (window.__rdmRuns !== undefined) return;
  window.__rdmRuns = 0;
  const app = document.querySelector('[data-testid="stApp"]');
  let last = app.getAttribute('data-test-script-state');
  new MutationObserver(() => {
    const now = app.getAttribute('data-test-script-state');
    if (now === 'notRunning' && last !== 'notRunning') window.__rdmRuns += 1;
    last = now;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


class Walk:
    """One browser session walking through the app; each step's seconds land in `times`."""

    def __init__(self, page: Any, times: dict[str, list[float]]) -> None:
        self.page = page
        self.times = times
        self.failures: list[str] = []

    def runs(self) -> int:
        return int(self.page.evaluate("() => window.__rdmRuns"))

    def step(
        self,
        name: str,
        action: Callable[[], None],
        shown: str | None = None,
        *,
        rerun: bool = True,
    ) -> float:
        """Do `action`; wait for the script run it starts (if `rerun`) and for `shown`. A step
        that fails is reported and counted as missing; the walk goes on."""
        self.page.evaluate(OBSERVER)
        before = self.runs()
        started = time.perf_counter()
        try:
            action()
            if rerun:
                self.page.wait_for_function(
                    f"() => window.__rdmRuns > {before}", timeout=TIMEOUT_MS, polling=20
                )
            if shown is not None:
                self.page.locator(shown).first.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
        except PlaywrightError as error:
            print(f"   failed  {name}: {str(error).splitlines()[0]}", flush=True)
            self.failures.append(name)
            return float("nan")
        elapsed = time.perf_counter() - started
        self.times.setdefault(name, []).append(elapsed)
        print(f"{elapsed:6.2f} s  {name}", flush=True)
        # let late deltas land before the next step
        self.page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
            state="attached", timeout=TIMEOUT_MS
        )
        return elapsed

    def download(self, name: str, key: str) -> None:
        page = self.page
        started = time.perf_counter()
        try:
            button = page.locator(f".st-key-{key}").get_by_role("button")
            button.scroll_into_view_if_needed()
            started = time.perf_counter()
            with page.expect_download(timeout=STEP_TIMEOUT_MS) as info:
                button.click()
            info.value.path()  # the whole file arrived
        except PlaywrightError as error:
            print(f"   failed  {name}: {str(error).splitlines()[0]}", flush=True)
            self.failures.append(name)
            return
        elapsed = time.perf_counter() - started
        self.times.setdefault(name, []).append(elapsed)
        print(f"{elapsed:6.2f} s  {name}", flush=True)

    def button(self, key: str) -> Any:
        button = self.page.locator(f".st-key-{key}").get_by_role("button").first
        button.scroll_into_view_if_needed()
        return button

    def nav(self, label: str) -> Callable[[], None]:
        return lambda: (
            self.page.locator('[data-testid="stSidebar"]')
            .get_by_text(label, exact=True)
            .first.click()
        )


def first_render(page: Any, url: str, times: dict[str, list[float]], name: str) -> None:
    """A new session's first page: from the request to the search box shown and the script
    run finished."""
    started = time.perf_counter()
    page.goto(url)
    page.get_by_label("Question or keywords").wait_for(timeout=TIMEOUT_MS)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=TIMEOUT_MS
    )
    times.setdefault(name, []).append(time.perf_counter() - started)
    print(f"{times[name][-1]:6.2f} s  {name}", flush=True)


def walk(
    page: Any, url: str, times: dict[str, list[float]], *, number: int, work: Path
) -> list[str]:
    """The round's steps, in the order a user would take them; the names of those that
    failed."""
    w = Walk(page, times)
    first_render(page, url, times, FIRST_RENDER)
    box = page.get_by_label("Question or keywords")

    def search() -> None:
        box.fill(f"{QUERY} {number}" if number % 2 else QUERY)
        box.press("Enter")

    w.step("Search: a question", search, ".st-key-hit_1 button")
    hit = page.locator(".st-key-hit_1")
    add_key = hit.locator("[class*='st-key-add__']").first.get_attribute("class") or ""
    add = next(c for c in add_key.split() if c.startswith("st-key-add__"))[len("st-key-") :]
    doc_eid = add[len("add__") :]
    w.step("Search: add a result to a new draft", lambda: w.button(add).click())
    w.step("Search: pin a result", lambda: w.button(f"pin__{doc_eid}").click())
    second = page.locator(".st-key-hit_2 [class*='st-key-pin__']").first.get_attribute("class")
    pin2 = next(c for c in (second or "").split() if c.startswith("st-key-pin__"))
    w.step("Search: pin a second result", lambda: w.button(pin2[len("st-key-") :]).click())
    w.step(
        "Search: open a result on Read",
        lambda: w.button(f"open__{doc_eid}").click(),
        ".st-key-read_next",
    )
    w.step("Read: next article", lambda: w.button("read_next").click(), ".st-key-read_prev")
    w.step("Compare (two pinned)", w.nav("Compare"), ".st-key-compare_a")
    w.step("Clauses: open (matrix tab)", w.nav("Clauses"), ".st-key-matrix_csv")
    tabs = page.get_by_role("tab")
    w.step(
        "Clauses: By clause type tab",
        lambda: tabs.filter(has_text="By clause type").click(),
        ".st-key-slot_select",
        rerun=False,
    )

    def other_type() -> None:
        choice = page.locator(".st-key-slot_select input")
        choice.click()
        choice.fill("Costs")
        choice.press("Enter")

    w.step("Clauses: choose another clause type", other_type)
    w.step(
        "Clauses: Time limits tab",
        lambda: tabs.filter(has_text="Time limits").click(),
        ".st-key-time_limits_csv",
        rerun=False,
    )
    w.step("Draft: open", w.nav("Draft"), ".st-key-gap_check")
    text = page.locator("[class*='st-key-clause_text__'] textarea").first

    def edit() -> None:
        text.fill(EDITED.format(n=20 + number))
        text.press("Tab")

    w.step("Draft: edit a clause", edit)
    w.step(
        "Draft: gap check",
        lambda: w.button("gap_check").click(),
        "text=/standard clause types? missing|covers every standard clause type/",
    )
    w.step("Draft: gap check again (same draft)", lambda: w.button("gap_check").click())
    w.download("Draft: export Word", "export_docx")
    w.download("Draft: export Markdown", "export_md")
    w.download("Draft: export redline", "export_redline")
    w.step("Review: open", w.nav("Review"), ".st-key-review_upload")
    proposal = work / "proposal.txt"
    proposal.write_text(PROPOSAL, encoding="utf-8")
    w.step(
        "Review: upload a proposal",
        lambda: page.locator(".st-key-review_upload input[type=file]").set_input_files(
            str(proposal)
        ),
    )
    w.step("Review: run", lambda: w.button("review_run").click(), ".st-key-review_memo")
    w.step("Maintain: open", w.nav("Maintain"), ".st-key-upload_files")
    w.step("Search: back to the page", w.nav("Search"), ".st-key-query")
    return w.failures


def table(times: dict[str, list[float]], failures: Sequence[str] = ()) -> str:
    """The Markdown table of every step: median and max over the rounds, each round's time,
    and whether the median is within the target (a step that failed in a round says so)."""
    lines = [
        f"| Step | Median (s) | Max (s) | Rounds (s) | Within {TARGET_S} s |",
        "|---|---:|---:|---|---|",
    ]
    for name in [*times, *(f for f in dict.fromkeys(failures) if f not in times)]:
        values = times.get(name, [])
        failed = failures.count(name)
        rounds = ", ".join(f"{v:.2f}" for v in values) + (f" ({failed} failed)" if failed else "")
        if not values:
            lines.append(f"| {name} | – | – | {rounds} | **failed** |")
            continue
        median = statistics.median(values)
        verdict = "yes" if median <= TARGET_S and not failed else "**no**"
        lines.append(f"| {name} | {median:.2f} | {max(values):.2f} | {rounds} | {verdict} |")
    return "\n".join(lines)


def measure_pages(
    index: Path, *, rounds: int, floor: bool = True
) -> tuple[dict[str, list[float]], list[str]]:
    """Serve the app over `index` and walk through it `rounds` times in Chromium: each step's
    seconds per round, and the steps that failed (once per failed round). With `floor`, each
    round first opens the empty app of `FLOOR_APP` (served beside it) in a new session."""
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    port = free_port()
    floor_port = free_port()
    env = {
        **os.environ,
        "READMIT_INDEX": str(index),
        "READMIT_DRAFTS": str(work / "drafts"),
        "READMIT_CORPUS": str(work / "corpus"),
    }
    log = (work / "streamlit.log").open("wb")
    process = subprocess.Popen(
        streamlit_command(port), cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    floor_process = None
    if floor:
        floor_app = work / "floor" / "app.py"
        floor_app.parent.mkdir()
        floor_app.write_text(FLOOR_APP, encoding="utf-8")
        command = streamlit_command(floor_port)
        command[command.index(str(REPO / "app.py"))] = str(floor_app)
        floor_process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    times: dict[str, list[float]] = {}
    failures: list[str] = []
    try:
        url = f"http://127.0.0.1:{port}"
        floor_url = f"http://127.0.0.1:{floor_port}"
        wait_for_server(url, process, timeout=TIMEOUT_MS / 1000)
        if floor_process is not None:
            wait_for_server(floor_url, floor_process, timeout=TIMEOUT_MS / 1000)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            warm = browser.new_page()
            warm.goto(url)  # the first session loads the model and opens the index
            box = warm.get_by_label("Question or keywords")
            box.wait_for(timeout=TIMEOUT_MS)
            box.fill(QUERY)
            box.press("Enter")
            warm.locator(".st-key-hit_1").wait_for(timeout=TIMEOUT_MS)
            warm.close()
            for number in range(rounds):
                print(f"-- round {number + 1}", flush=True)
                if floor_process is not None:
                    context = browser.new_context(viewport={"width": 1440, "height": 1000})
                    first_render(context.new_page(), floor_url, times, FLOOR)
                    context.close()
                context = browser.new_context(viewport={"width": 1440, "height": 1000})
                failures += walk(context.new_page(), url, times, number=number, work=work)
                try:
                    first_render(context.new_page(), url, times, RETURNING)
                except PlaywrightError as error:
                    print(f"failed: {RETURNING}: {str(error).splitlines()[0]}", flush=True)
                    failures.append(RETURNING)
                context.close()
            browser.close()
    finally:
        stop_process(process)
        if floor_process is not None:
            stop_process(floor_process)
        log.close()
    return times, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="write the raw times here")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the empty app's first render (the floor)"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on `kill` too
    times, failures = measure_pages(args.index, rounds=args.rounds, floor=not args.no_floor)
    print()
    print(
        f"Every page and action in Chromium, {args.rounds} rounds, each a new session; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print()
    print(table(times, failures))
    if args.json is not None:
        args.json.write_text(
            json.dumps({"times": times, "failures": failures}, indent=2), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
