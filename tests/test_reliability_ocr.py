"""OCR of scanned pages with the real Tesseract (CI installs it: `make ocr`).

The scanned input is made from the corpus: pages of a rendered treaty PDF rasterised with
poppler's pdftoppm and saved as an image-only PDF (no text layer), so the expected text is
known: the text layer of the same pages.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from index.embedders import HashingEmbedder
from ingest.extract import ExtractionError, extract_lines
from ingest.ocr import OCR_ENV, find_ocr
from ingest.pipeline import parse_document
from readmit.service import KnowledgeBase

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SAMPLES = REPO / "tests" / "data" / "pdf-samples"
MOLDOVA = CORPUS / "benelux-moldova-implementing-protocol-2013-en.pdf"
KAZAKHSTAN_NL = CORPUS / "benelux-kazakhstan-readmission-agreement-2015-nl.pdf"

pytestmark = [
    pytest.mark.skipif(
        find_ocr() is None, reason="Tesseract/pdftoppm not installed: run `make ocr` (CI does)"
    ),
    pytest.mark.slow,  # real Tesseract on rasterised pages: tens of seconds per test
]


def scan(source: Path, pages: list[int], target: Path, *, dpi: int = 200) -> Path:
    """An image-only PDF of `pages` of `source`, like a scanner makes."""
    images: list[Image.Image] = []
    for page in pages:
        root = target.parent / f"{target.stem}-{page}"
        subprocess.run(
            ["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", "-png"]
            + ["-singlefile", str(source), str(root)],
            check=True,
        )
        images.append(Image.open(root.with_suffix(".png")))
    images[0].save(target, save_all=True, append_images=images[1:], resolution=float(dpi))
    return target


def words(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


def similarity(expected: list[str], got: list[str]) -> float:
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(expected)


def test_scanned_pages_are_read_by_ocr(tmp_path: Path) -> None:
    scanned = scan(MOLDOVA, [2, 3], tmp_path / "moldova-scan.pdf")
    with pytest.raises(ExtractionError):  # no text layer at all: the OCR path is needed
        extract_lines(scanned, max_ocr_pages=0)
    result = extract_lines(scanned, language="en")
    assert result.page_count == 2
    assert result.ocr_pages == (1, 2)
    assert {line.page for line in result.lines} == {1, 2}
    original = [line.text for line in extract_lines(MOLDOVA).lines if line.page in (2, 3)]
    ocr_text = [line.text for line in result.lines]
    # Tesseract on a clean 200 dpi render: nearly every word comes back, in order.
    assert similarity(words(original), words(ocr_text)) >= 0.9
    # The paragraph reflow works on OCR lines too: article headings stay alone on a line.
    assert "Article 5" in ocr_text


def test_only_pages_without_text_are_ocred(tmp_path: Path) -> None:
    """A born-digital document with one scanned page in the middle (a signed page, say)."""
    front = tmp_path / "front.pdf"
    back = tmp_path / "back.pdf"
    subprocess.run(["pdfseparate", "-f", "1", "-l", "1", str(MOLDOVA), str(front)], check=True)
    subprocess.run(["pdfseparate", "-f", "3", "-l", "3", str(MOLDOVA), str(back)], check=True)
    middle = scan(MOLDOVA, [2], tmp_path / "middle.pdf")
    mixed = tmp_path / "benelux-moldova-mixed-en.pdf"
    subprocess.run(["pdfunite", str(front), str(middle), str(back), str(mixed)], check=True)
    result = extract_lines(mixed, language="en")
    assert result.page_count == 3
    assert result.ocr_pages == (2,)
    original = [line.text for line in extract_lines(MOLDOVA).lines if line.page == 2]
    ocr_page = [line.text for line in result.lines if line.page == 2]
    assert similarity(words(original), words(ocr_page)) >= 0.9


def test_dutch_scan_is_read_with_the_dutch_language_pack(tmp_path: Path) -> None:
    scanned = scan(KAZAKHSTAN_NL, [6], tmp_path / "benelux-kazakhstan-scan-nl.pdf")
    engine = find_ocr()
    assert engine is not None and "nld" in engine.languages
    result = extract_lines(scanned, language="nl")
    original = [line.text for line in extract_lines(KAZAKHSTAN_NL).lines if line.page == 6]
    assert result.ocr_pages == (1,)
    assert similarity(words(original), words([line.text for line in result.lines])) >= 0.9
    assert "Artikel 7" in [line.text for line in result.lines]


def test_ocr_is_recorded_and_the_document_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    scan(MOLDOVA, [2], folder / "benelux-moldova-scan-en.pdf")
    parsed = parse_document(folder / "benelux-moldova-scan-en.pdf")
    assert parsed.ocr_pages == (1,)
    assert any("Travel documents" in (unit.heading or "") for unit in parsed.units)
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    report = kb.ingest([folder])
    assert report.failed == ()
    hits = kb.search("travel document laissez-passer", k=3)
    assert hits and hits[0].doc_id == "benelux-moldova-scan-en"


def test_without_ocr_a_scan_fails_and_nothing_empty_is_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    scan(MOLDOVA, [2], folder / "benelux-moldova-scan-en.pdf")
    monkeypatch.setenv(OCR_ENV, "off")
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    report = kb.ingest([folder])
    assert report.indexed == ()
    [(path, reason)] = report.failed
    assert path.endswith("benelux-moldova-scan-en.pdf")
    assert "no text layer on page 1 (scanned?): needs OCR" in reason
    assert kb.documents() == []


def test_scans_where_ocr_finds_nothing_fail_clearly(tmp_path: Path) -> None:
    """Real third-party image-only PDFs whose images hold no readable text."""
    for name in ("imagemagick-images.pdf", "imagemagick-CCITTFaxDecode.pdf", "inline-image.pdf"):
        copy = shutil.copy(SAMPLES / name, tmp_path / name)
        with pytest.raises(ExtractionError, match="scanned PDF: OCR found no usable text on page"):
            extract_lines(Path(copy))
