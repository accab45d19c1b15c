"""Text extraction from the shipped corpus (.txt and rendered treaty PDFs) and third-party PDFs."""

from __future__ import annotations

import difflib
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.extract import (
    ExtractedText,
    ExtractionError,
    extract_lines,
    join_wrapped,
    raw_page_texts,
)

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
PDF_SOURCES = REPO / "tests" / "data" / "pdf-sources"
SAMPLES = REPO / "tests" / "data" / "pdf-samples"

RENDERED = (
    "benelux-kazakhstan-readmission-agreement-2015-nl",
    "benelux-switzerland-readmission-2003-nl",
    "benelux-france-border-takeover-1964-fr",
    "multilateral-transit-yugoslav-nationals-2000-de",
    "benelux-moldova-implementing-protocol-2013-en",
)
PAGE_FOOTER = re.compile(r"Page \d+ of \d+")
ARTICLE_HEADING = re.compile(r"^(Artikel|Article) \S+$")


@cache
def extracted(stem: str) -> ExtractedText:
    return extract_lines(CORPUS / f"{stem}.pdf")


@cache
def raw_pages(stem: str) -> tuple[str, ...]:
    return raw_page_texts(CORPUS / f"{stem}.pdf")


def running_header(stem: str) -> str:
    """The line printed on every page of the raw text layer (found, not assumed)."""
    pages = raw_pages(stem)
    common = set.intersection(*(set(page.splitlines()) for page in pages))
    headers = [line for line in common if not PAGE_FOOTER.search(line) and len(line) > 20]
    assert len(headers) == 1, headers
    return headers[0]


# --------------------------------------------------------------------------- rendered PDFs


def test_the_rendered_pdfs_replace_their_texts_in_the_corpus() -> None:
    for stem in RENDERED:
        assert (CORPUS / f"{stem}.pdf").exists()
        assert not (CORPUS / f"{stem}.txt").exists(), "the PDF replaces the .txt (same doc_id)"
        assert (PDF_SOURCES / f"{stem}.txt").exists()


@pytest.mark.parametrize("stem", RENDERED)
def test_running_headers_and_page_footers_are_removed(stem: str) -> None:
    result = extracted(stem)
    pages = raw_pages(stem)
    header = running_header(stem)
    assert result.page_count == len(pages) >= 5
    # The raw text layer carries them on every page ...
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert header in page.splitlines()
    # ... the extracted lines on none.
    for line in result.lines:
        assert not PAGE_FOOTER.search(line.text), line
        assert header not in line.text, line


@pytest.mark.parametrize("stem", RENDERED)
def test_extracted_text_equals_the_source_text(stem: str) -> None:
    """Whitespace-normalised, the PDF's text is the text it was rendered from.

    Known differences (none left in these five PDFs, hence the strict ratio below): a
    hyphen at a line break whose nature the document does not reveal, and no-break spaces
    that come back as plain spaces (invisible after whitespace normalisation).
    """
    source_words = (PDF_SOURCES / f"{stem}.txt").read_text(encoding="utf-8").split()
    extracted_words = "\n".join(line.text for line in extracted(stem).lines).split()
    matcher = difflib.SequenceMatcher(None, source_words, extracted_words, autojunk=False)
    equal = sum(block.size for block in matcher.get_matching_blocks())
    assert equal / len(source_words) >= 0.99
    assert extracted_words == source_words


@pytest.mark.parametrize("stem", RENDERED)
def test_paragraph_lines_follow_the_source_lines(stem: str) -> None:
    """Reflow restores the source's lines: one line per paragraph, headings on their own."""
    source_lines = [
        line.strip()
        for line in (PDF_SOURCES / f"{stem}.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    lines = [line.text for line in extracted(stem).lines if line.text]
    source_lines = [line.replace("\u00a0", " ") for line in source_lines]
    matcher = difflib.SequenceMatcher(None, source_lines, lines, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    assert same / len(source_lines) >= 0.99, [
        (source_lines[i1:i2], lines[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ][:5]
    headings = [line for line in source_lines if ARTICLE_HEADING.match(line)]
    assert [line for line in lines if ARTICLE_HEADING.match(line)] == headings


def test_article_pages_in_the_kazakhstan_pdf() -> None:
    """Pages read off the rendered PDF (27 pages): the agreement's Article 7 starts on page 6,
    the implementing protocol's Article 7 on page 13."""
    stem = "benelux-kazakhstan-readmission-agreement-2015-nl"
    lines = extracted(stem).lines
    article_7 = [line.page for line in lines if line.text == "Artikel 7"]
    assert article_7 == [6, 13]
    # Cross-check with the raw text layer: the heading is printed on exactly those pages.
    printed_on = [
        number
        for number, page in enumerate(raw_pages(stem), start=1)
        if "Artikel 7" in [printed.strip() for printed in page.splitlines()]
    ]
    assert printed_on == article_7
    # "Artikel 7" is alone on its line, its heading on the next, then a paragraph gap.
    index = next(i for i, line in enumerate(lines) if line.text == "Artikel 7")
    assert [line.text for line in lines[index : index + 3]] == ["Artikel 7", "Termijnen", ""]
    assert lines[index + 3].text.startswith("1. ")


@pytest.mark.parametrize("stem", RENDERED)
def test_pages_of_every_article_match_the_raw_text_layer(stem: str) -> None:
    lines = extracted(stem).lines
    pages = raw_pages(stem)
    headings = [line for line in lines if ARTICLE_HEADING.match(line.text)]
    for heading in headings:
        assert heading.page is not None
        printed = [text.strip() for text in pages[heading.page - 1].splitlines()]
        assert heading.text in printed
    page_numbers = [line.page or 0 for line in lines]
    assert 0 not in page_numbers
    assert page_numbers == sorted(page_numbers), "pages never go backwards"


def test_some_articles_break_across_pages() -> None:
    lines = extracted("benelux-kazakhstan-readmission-agreement-2015-nl").lines
    starts = [i for i, line in enumerate(lines) if ARTICLE_HEADING.match(line.text)]
    spanning = [
        lines[start].text
        for start, end in zip(starts, starts[1:], strict=False)
        if len({line.page for line in lines[start:end]}) > 1
    ]
    assert len(spanning) >= 3


@pytest.mark.parametrize("stem", RENDERED)
def test_words_hyphenated_at_line_ends_are_rejoined(stem: str) -> None:
    source = (PDF_SOURCES / f"{stem}.txt").read_text(encoding="utf-8")
    source_words = set(re.findall(r"[\w-]+", source))
    text = "\n".join(line.text for line in extracted(stem).lines)
    broken = [
        (head, tail)
        for page in raw_pages(stem)
        for head, tail in re.findall(r"(\w+)-\n(\w+)", page)
        if f"{head}{tail}" in source_words and f"{head}-{tail}" not in source_words
    ]
    assert broken, "the rendered PDF has words hyphenated at line ends"
    for head, tail in broken:
        assert re.search(rf"\b{head}{tail}", text), f"{head}-/{tail} not rejoined"
        assert not re.search(rf"\b{head}-\s*{tail}\b", text)


def test_suspended_hyphen_and_compounds_survive() -> None:
    text = "\n".join(
        line.text for line in extracted("benelux-kazakhstan-readmission-agreement-2015-nl").lines
    )
    assert "terug- en overname" in text
    assert "Benelux-Staten" in text
    assert "terugen overname" not in text


def test_join_wrapped_rules() -> None:
    assert join_wrapped("de readmis-", "sion of persons") == "de readmission of persons"
    assert join_wrapped("de terug-", "en overname") == "de terug- en overname"
    assert join_wrapped("die Rück-", "und Durchreise") == "die Rück- und Durchreise"
    assert join_wrapped("de Benelux-", "Staten zijn") == "de Benelux-Staten zijn"
    assert join_wrapped("by e-", "mail", {"e-mail"}) == "by e-mail"
    assert join_wrapped("a three-", "month period", {"three", "month"}) == "a three-month period"
    assert join_wrapped("AANGE-", "KONDIGD") == "AANGEKONDIGD"
    assert join_wrapped("tot en met", "artikel 5") == "tot en met artikel 5"
    assert join_wrapped("periode 2013 -", "2014") == "periode 2013 - 2014"


# --------------------------------------------------------------------------- third-party PDFs


def test_encrypted_pdf_needs_its_password() -> None:
    path = SAMPLES / "libreoffice-writer-password.pdf"
    with pytest.raises(ExtractionError, match="encrypted, no password given"):
        extract_lines(path)
    with pytest.raises(ExtractionError, match="wrong password"):
        extract_lines(path, password="not-the-password")
    result = extract_lines(path, password="openpassword")
    assert result.page_count == 1
    assert result.lines[0].page == 1
    assert result.lines[0].text.startswith("Lorem ipsum dolor sit amet")


def test_image_only_pdf_needs_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    # As on a machine without Tesseract (with it, see tests/test_reliability_ocr.py).
    monkeypatch.setenv("READMIT_OCR", "off")
    with pytest.raises(ExtractionError, match="needs OCR") as raised:
        extract_lines(SAMPLES / "imagemagick-images.pdf")
    assert raised.value.path == SAMPLES / "imagemagick-images.pdf"


def test_multicolumn_pdf_extracts_with_pages() -> None:
    result = extract_lines(SAMPLES / "multicolumn.pdf")
    assert result.page_count == 3
    assert {line.page for line in result.lines} == {1, 2, 3}
    assert result.lines[0].text == "Two-Column Document with Lorem Ipsum"
    text = "\n".join(line.text for line in result.lines)
    # pdfTeX hyphenation and ligatures are undone.
    assert "consectetuer adipiscing elit" in text
    assert "columns filled with Lorem Ipsum" in text
    assert "adip-" not in text


def test_pdflatex_pdf_extracts_with_pages_and_without_page_numbers() -> None:
    path = SAMPLES / "pdflatex-4-pages.pdf"
    result = extract_lines(path)
    assert result.page_count == 4
    raw = raw_page_texts(path)
    # Each raw page ends with its bare page number; the clean text has none of them.
    for number, page in enumerate(raw, start=1):
        assert page.rstrip().splitlines()[-1].strip() == str(number)
    texts = [line.text for line in result.lines]
    assert not any(text.strip().isdigit() for text in texts)
    assert texts[0].startswith("Hello, here is some text without a meaning.")
    assert all(line.page is not None and 1 <= line.page <= 4 for line in result.lines)
    raw_words = (
        " ".join(" ".join(page.rstrip().splitlines()[:-1]) for page in raw)
        .replace("-\n", "")
        .split()
    )
    assert len(" ".join(texts).split()) >= 0.98 * len(raw_words)


# --------------------------------------------------------------------------- bad input


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(ExtractionError, match=r"empty file \(0 bytes\)"):
        extract_lines(path)


def test_truncated_pdf(tmp_path: Path) -> None:
    data = (CORPUS / "benelux-moldova-implementing-protocol-2013-en.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExtractionError, match="truncated PDF"):
        extract_lines(path)


def test_text_file_renamed_pdf(tmp_path: Path) -> None:
    path = tmp_path / "agreement.pdf"
    path.write_text("Artikel 1\nDefinities\n", encoding="utf-8")
    with pytest.raises(ExtractionError, match="not a PDF"):
        extract_lines(path)


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "agreement.odt"
    path.write_bytes(b"PK\x03\x04 not really an odt")
    with pytest.raises(ExtractionError, match=r"unsupported file type \.odt"):
        extract_lines(path)


def test_docx_that_is_no_word_file(tmp_path: Path) -> None:
    path = tmp_path / "agreement.docx"
    path.write_bytes(b"PK\x03\x04 not really a docx")
    with pytest.raises(ExtractionError, match=r"corrupt Word file"):
        extract_lines(path)


def test_limits_on_pages_and_bytes() -> None:
    path = CORPUS / "benelux-moldova-implementing-protocol-2013-en.pdf"
    with pytest.raises(ExtractionError, match="too many pages: 9 exceeds max_pages=5"):
        extract_lines(path, max_pages=5)
    with pytest.raises(ExtractionError, match="file too large"):
        extract_lines(path, max_bytes=1000)


def test_damaged_pdf_body_never_leaks_a_pypdf_exception(tmp_path: Path) -> None:
    data = bytearray((CORPUS / "benelux-moldova-implementing-protocol-2013-en.pdf").read_bytes())
    path = tmp_path / "damaged.pdf"
    for start in range(200, len(data) - 400, len(data) // 12):
        damaged = bytearray(data)
        damaged[start : start + 300] = b"\x00garbage" * 37 + b"\x00\x00\x00\x00"
        path.write_bytes(bytes(damaged))
        try:
            result = extract_lines(path)
        except ExtractionError as error:
            assert error.path == path and error.reason
        else:
            assert result.page_count is not None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=400))
def test_arbitrary_pdf_bytes_raise_only_extraction_errors(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "fuzz.pdf"
    path.write_bytes(b"%PDF-1.4\n" + body + b"\n%%EOF\n")
    try:
        extract_lines(path)
    except ExtractionError as error:
        assert str(path) in str(error)


# --------------------------------------------------------------------------- plain text


def test_corpus_text_file_lines_have_no_pages() -> None:
    result = extract_lines(CORPUS / "benelux-kazakhstan-readmission-agreement-2015-en.txt")
    assert result.page_count is None
    assert all(line.page is None for line in result.lines)
    assert "Article 7" in [line.text for line in result.lines]
    assert result.lines[0].text.startswith("Agreement between the States of the Benelux")


def test_utf8_bom_and_cp1252_fallback(tmp_path: Path) -> None:
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffArtikel 1\nDe Staten „Benelux”\n".encode())
    assert [line.text for line in extract_lines(bom).lines] == ["Artikel 1", "De Staten „Benelux”"]
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Overeenkomst met België – „terug- en overname”\n".encode("cp1252"))
    assert extract_lines(legacy).lines[0].text == "Overeenkomst met België – „terug- en overname”"


def test_binary_file_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ExtractionError, match="binary file"):
        extract_lines(path)
    pdf_named_txt = tmp_path / "agreement.txt"
    pdf_named_txt.write_bytes((SAMPLES / "multicolumn.pdf").read_bytes())
    with pytest.raises(ExtractionError, match="binary file"):
        extract_lines(pdf_named_txt)


def test_markdown_markup_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "agreement.md"
    path.write_text(
        "# Agreement\n\n### Article 7\n**Costs**\n\n1. The *requesting* Party bears "
        "the [costs](https://example.org) of __transport__.\n",
        encoding="utf-8",
    )
    assert [line.text for line in extract_lines(path).lines] == [
        "Agreement",
        "",
        "Article 7",
        "Costs",
        "",
        "1. The requesting Party bears the costs of transport.",
    ]
