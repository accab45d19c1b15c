"""The small real index the app tests share, and helpers to drive the app through AppTest.

Four documents, indexed with MiniLM once per session (fixture `small_index` in conftest.py): the
Benelux–Kazakhstan agreement in English and Dutch (so the Read page has a counterpart), the
Benelux–Bosnia implementing protocol, and a probe document whose text is hostile markup (so the
tests can prove document text is rendered inert).
"""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
TIMEOUT = 180  # seconds per script run: the first run loads the embedding model

KAZ_EN = "benelux-kazakhstan-readmission-agreement-2015-en"
KAZ_NL = "benelux-kazakhstan-readmission-agreement-2015-nl"
BOSNIA = "benelux-bosnia-implementing-protocol-2013-en"
SMALL_CORPUS = [KAZ_EN, KAZ_NL, BOSNIA]

PROBE_ID = "inert-markup-probe-en"
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(2)> **bold** [link](http://x) :red[x]"
PROBE_TEXT = f"""Probe instrument on inert rendering

Article 1 — Zebraprobe clause
The requested Party shall answer the zebraprobe request within 21 days. {HOSTILE} & more.
"""
PROBE_META = {
    "doc_id": PROBE_ID,
    "title": "Probe <b>instrument</b> **title**",
    "language": "en",
    "parties": ["Probeland"],
    "year": 2020,
    "instrument_type": "policy guide",
}
QUERY = "time limit for replying to a readmission request"


def build_small_index(base: Path) -> tuple[Path, Path]:
    """The shared small corpus and its MiniLM index under `base` (built once, then reused)."""
    corpus = base / "corpus"
    index = base / "index"
    ready = base / "ready"
    if not ready.exists():
        copy_documents(corpus, SMALL_CORPUS)
        (corpus / f"{PROBE_ID}.txt").write_text(PROBE_TEXT, encoding="utf-8")
        (corpus / f"{PROBE_ID}.meta.json").write_text(json.dumps(PROBE_META), encoding="utf-8")
        report = KnowledgeBase(index, model="minilm").ingest([corpus])
        assert report.failed == (), report.failed
        assert len(report.indexed) == 4
        ready.write_text("ok")
    return corpus, index


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    return at


def run_ok(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def html_bodies(at: AppTest) -> list[str]:
    return [element.value for element in at.html]
