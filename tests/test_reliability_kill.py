"""Crash safety: `readmit ingest` killed with SIGKILL at random moments never damages the index.

The harness is `tests/harness/kill_ingest.py` (see its docstring for how the kill moments are
drawn):
20 runs on 8 corpus documents, each checked for: the index opens and passes verify(), every
document is exactly its old or its new version, and a second ingest completes the update.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness.kill_ingest import corpus_doc_ids, run_trials

pytestmark = pytest.mark.slow  # 20 child processes that each load the library, then a re-ingest

DOCUMENTS = 8


def test_sigkill_during_ingest_leaves_old_or_new_per_document(tmp_path: Path) -> None:
    doc_ids = corpus_doc_ids(DOCUMENTS)
    trials = run_trials(tmp_path, runs=20, doc_ids=doc_ids, seed=11)
    assert len(trials) == 20
    assert [t.problems for t in trials if t.problems] == []
    for trial in trials:
        assert trial.new_documents + trial.old_documents == DOCUMENTS
    # Kills landed in the middle of the run, with some documents updated and some not.
    killed = [t for t in trials if t.killed]
    assert any(0 < t.new_documents < DOCUMENTS for t in killed)
