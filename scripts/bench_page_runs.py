"""The server's share of the heavy clicks: each click's script run through AppTest, no browser.

    python scripts/bench_page_runs.py --index INDEX --drafts DRAFTS [--settle 60] [--sessions 2]

Run from the repository root (Streamlit reads `.streamlit/config.toml` there). DRAFTS must hold
at least one draft (it is copied to a temporary folder first, so nothing is changed). The first
session loads the model and opens the index (not counted); after `--settle` seconds (the
facade's background head start) each further session opens Clauses, switches to the clause
type tab and to another clause type, opens Draft, runs the gap check and reruns the page with
the gaps shown. Prints the seconds of each click per session. Beside `bench_pages.py`, which
times the same clicks in Chromium, it separates the server's work from the browser's (on a
busy machine the browser's share dominates). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TYPES = ("costs", "transit", "escort", "data-protection")


def session(app: str, times: dict[str, list[float]], *, kind: str) -> None:
    """One new session's clicks; each click's seconds appended to `times`."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(app, default_timeout=900).run()

    def timed(name: str, click: Callable[[], object]) -> None:
        started = time.perf_counter()
        click()
        times.setdefault(name, []).append(time.perf_counter() - started)

    timed("Clauses: open", lambda: at.radio(key="page").set_value("Clauses").run())
    if "clauses_tab" in at.session_state:  # only the open tab runs
        at.session_state["clauses_tab"] = "By clause type"
        timed("Clauses: By clause type tab", at.run)
    timed(
        "Clauses: choose another clause type",
        lambda: at.selectbox(key="slot_select").set_value(kind).run(),
    )
    timed("Draft: open", lambda: at.radio(key="page").set_value("Draft").run())
    timed("Draft: gap check", lambda: at.button(key="gap_check").click().run())
    timed(
        "Draft: rerun with the gap check shown",
        lambda: at.checkbox(key="export_placeholders").check().run(),
    )
    if at.exception:
        print("the app failed:", [e.value for e in at.exception])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--drafts", type=Path, required=True)
    parser.add_argument("--settle", type=float, default=60.0)
    parser.add_argument("--sessions", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-page-runs-"))
    shutil.copytree(args.drafts, work / "drafts")
    os.environ.update(
        READMIT_INDEX=str(args.index),
        READMIT_DRAFTS=str(work / "drafts"),
        READMIT_CORPUS=str(work / "corpus"),
    )
    from streamlit.testing.v1 import AppTest

    app = str(REPO / "app.py")
    AppTest.from_file(app, default_timeout=900).run()
    time.sleep(args.settle)
    times: dict[str, list[float]] = {}
    for number in range(args.sessions):
        session(app, times, kind=TYPES[number % len(TYPES)])
    for name, values in times.items():
        print(f"{name}: " + ", ".join(f"{v:.2f}" for v in values) + " s")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
