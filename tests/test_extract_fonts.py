"""Apostrophes from PDFs whose fonts define their characters only inside the font program.

The probe PDF (tests/harness/cff_pdf.py) embeds a CFF Type 1 font with no /ToUnicode map and
no /Encoding: pypdf reads the character codes from the font program with fontTools, a
dependency of Readmit for that reason.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.extract import extract_lines
from readmit.cli import main
from tests.harness.cff_pdf import write_cff_pdf
from tests.harness.models import hashing_index

LINES = [
    "Agreement on the probe of fonts",
    "Article 1",
    "The requested Party\u2019s reply shall be given within 14 days.",
]


@pytest.fixture()
def probe_pdf(tmp_path: Path) -> Path:
    return write_cff_pdf(tmp_path / "cff-font-probe-2020-en.pdf", LINES)


def test_the_apostrophe_survives_extraction(probe_pdf: Path) -> None:
    text = "\n".join(line.text for line in extract_lines(probe_pdf).lines)
    assert "Party\u2019s reply" in text
    assert "\x90" not in text


def test_the_probe_needs_fonttools(
    probe_pdf: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Without fontTools pypdf warns and the apostrophe is lost: the probe exercises the code
    path that needs it (so the test above is not passing by accident)."""
    import pypdf.generic._font

    monkeypatch.setattr(pypdf.generic._font, "HAS_FONTTOOLS", False)
    with caplog.at_level(logging.WARNING):
        text = "\n".join(line.text for line in extract_lines(probe_pdf).lines)
    assert "fontTools is required" in caplog.text
    assert "Party\u2019s" not in text


def test_the_apostrophe_reaches_the_index_and_the_cli(tmp_path: Path, probe_pdf: Path) -> None:
    index = hashing_index(tmp_path / "index")
    runner = CliRunner()
    ingested = runner.invoke(main, ["--index", str(index), "ingest", str(probe_pdf)])
    assert ingested.exit_code == 0, ingested.output
    found = runner.invoke(
        main, ["--index", str(index), "search", "reply of the requested Party", "--json"]
    )
    assert found.exit_code == 0, found.output
    hits = json.loads(found.stdout)["hits"]
    assert any("Party\u2019s reply" in hit["text"] for hit in hits), hits
