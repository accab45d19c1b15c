"""Fuzzing ingest with mutated real PDFs: each case is indexed or reported, the index stays sound.

The harness is `tests/harness/fuzz_ingest.py` (run it for more cases); this test runs 500 cases in
batches of 50 and checks after every batch (see the script's docstring for what is checked).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness.fuzz_ingest import run

pytestmark = pytest.mark.slow  # 500 ingests of mutated PDFs


def test_500_mutated_pdfs_are_each_indexed_or_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READMIT_OCR", "off")  # run() sets it too; monkeypatch restores it
    summary = run(tmp_path, cases=500, batch=50, seed=2024)
    assert summary.problems == []
    assert summary.cases == 500
    assert summary.indexed + summary.failed == 500
    # The mutations really damage files (many fail) and some survive (pypdf repairs them).
    assert summary.failed >= 100 and summary.indexed >= 50
    assert set(summary.by_mutation) == {
        "flip",
        "truncate",
        "delete",
        "duplicate",
        "insert",
        "garbage",
        "zero",
        "numbers",
        "splice",
        "keywords",
    }
