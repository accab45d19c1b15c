"""Bad input arriving by e-mail: every kind fails alone with a specific reason; the batch goes on.

One mail folder holds good documents next to every kind of bad file; one ingest run must index
the good ones, report each bad one with its own reason, and never index an empty document.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.embedders import HashingEmbedder
from ingest.extract import ExtractionError, extract_lines
from ingest.ocr import OCR_ENV
from readmit.cli import main
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents
from tests.harness.models import hashing_index

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SAMPLES = REPO / "tests" / "data" / "pdf-samples"
ENCRYPTED = SAMPLES / "libreoffice-writer-password.pdf"
ENCRYPTED_PASSWORD = "openpassword"  # documented in tests/data/pdf-samples/README.md
GOOD = [
    "benelux-kazakhstan-readmission-agreement-2015-en",
    "benelux-moldova-implementing-protocol-2013-en",
]
MOLDOVA_PDF = CORPUS / "benelux-moldova-implementing-protocol-2013-en.pdf"

# file name -> a fragment of the reason the batch must report for it
EXPECTED_REASONS = {
    "zero-bytes.pdf": "empty file (0 bytes)",
    "truncated.pdf": "corrupt or truncated PDF",
    "corrupt-body.pdf": "corrupt",
    "letter.pdf": "not a PDF: plain text",
    "download.pdf": "not a PDF: an HTML page (a failed download?)",
    "photo.pdf": "not a PDF: a PNG image",
    "minutes.pdf": "not a PDF: a ZIP archive or Office file",
    "locked.pdf": "encrypted, no password given",
    "wrong-password.pdf": "encrypted, wrong password",
    "scan.pdf": "needs OCR",
    "legacy-encoding.txt": "text in an unknown encoding",
    "empty-text.txt": "empty file (0 bytes)",
    "blank.txt": "no text found in the document",
}


def write_mail_folder(folder: Path) -> None:
    copy_documents(folder, GOOD)
    pdf = MOLDOVA_PDF.read_bytes()
    (folder / "zero-bytes.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    # Every object body replaced by garbage, the trailer left intact: pypdf finds no pages.
    damaged = bytearray(pdf)
    damaged[20:-200] = bytes(len(damaged) - 220)
    (folder / "corrupt-body.pdf").write_bytes(bytes(damaged))
    (folder / "letter.pdf").write_text("Dear colleague,\nplease find the treaty attached.\n")
    (folder / "download.pdf").write_text("<!DOCTYPE html><html><body>Session expired</body></html>")
    (folder / "photo.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with zipfile.ZipFile(folder / "minutes.pdf", "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    shutil.copy(ENCRYPTED, folder / "locked.pdf")
    shutil.copy(ENCRYPTED, folder / "wrong-password.pdf")
    (folder / "wrong-password.meta.json").write_text(
        json.dumps({"title": "Encrypted sample", "language": "en", "password": "guess"})
    )
    shutil.copy(ENCRYPTED, folder / "sidecar-password.pdf")
    (folder / "sidecar-password.meta.json").write_text(
        json.dumps({"title": "Encrypted sample", "language": "en", "password": ENCRYPTED_PASSWORD})
    )
    shutil.copy(ENCRYPTED, folder / "cli-password.pdf")
    shutil.copy(SAMPLES / "imagemagick-images.pdf", folder / "scan.pdf")
    # Mac Roman text: neither UTF-8 nor plausible Windows-1252.
    (folder / "legacy-encoding.txt").write_bytes(bytes(range(0x80, 0x100)) * 8)
    (folder / "empty-text.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("\n   \n\t\n")
    # Windows "Unicode" (UTF-16 with BOM) is a readable encoding, not an error.
    source = (CORPUS / "un-refugee-protocol-1967-en.txt").read_text(encoding="utf-8")
    (folder / "utf16-protocol-en.txt").write_bytes(source.encode("utf-16"))


def test_every_bad_file_fails_alone_with_its_own_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(OCR_ENV, "off")  # as on a machine without Tesseract
    folder = tmp_path / "mail"
    write_mail_folder(folder)
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    report = kb.ingest([folder], passwords={"cli-password.pdf": ENCRYPTED_PASSWORD})

    reasons = {Path(path).name: reason for path, reason in report.failed}
    assert set(reasons) == set(EXPECTED_REASONS)
    for name, fragment in EXPECTED_REASONS.items():
        assert fragment in reasons[name], (name, reasons[name])
    indexed = {Path(path).stem for path in report.indexed}
    assert indexed == {*GOOD, "sidecar-password", "cli-password", "utf16-protocol-en"}
    # Nothing failed was indexed, nothing empty was indexed, and the index is sound.
    documents = {record.doc_id: record for record in kb.documents()}
    assert set(documents) == indexed
    assert all(record.chunk_count > 0 for record in documents.values())
    assert kb.collection.verify() == []
    status = kb.status()
    assert {Path(path).name for path, _ in status.failures} == set(EXPECTED_REASONS)
    # The password never travels into the index.
    assert all(ENCRYPTED_PASSWORD not in repr(record) for record in documents.values())


def test_cli_password_option_and_exit_code(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    shutil.copy(ENCRYPTED, folder / "agreement-en.pdf")
    index = str(hashing_index(tmp_path / "index"))
    without = CliRunner().invoke(
        main, ["--index", index, "ingest", str(folder)]
    )
    assert without.exit_code == 1
    assert "agreement-en.pdf: encrypted, no password given" in without.stderr
    with_password = CliRunner().invoke(
        main,
        [
            "--index",
            index,
            "ingest",
            str(folder),
            "--password",
            f"agreement-en.pdf={ENCRYPTED_PASSWORD}",
        ],
    )
    assert with_password.exit_code == 0, with_password.stderr
    assert "1 indexed" in with_password.stderr


def test_page_and_size_limits(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="too many pages: 9 exceeds max_pages=8"):
        extract_lines(MOLDOVA_PDF, max_pages=8)
    with pytest.raises(ExtractionError, match=r"file too large: \d+ bytes exceeds max_bytes=50000"):
        extract_lines(MOLDOVA_PDF, max_bytes=50_000)
    big_text = tmp_path / "big.txt"
    big_text.write_text("Artikel 1\n" + "tekst " * 20_000)
    with pytest.raises(ExtractionError, match="file too large"):
        extract_lines(big_text, max_bytes=100_000)


def test_text_encodings(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Artikel 1\nDe Staten „Benelux”\n".encode("utf-16"))
    assert [line.text for line in extract_lines(utf16).lines] == [
        "Artikel 1",
        "De Staten „Benelux”",
    ]
    broken_utf16 = tmp_path / "broken16.txt"
    broken_utf16.write_bytes(b"\xff\xfeA\x00\x00\xd8")  # a lone surrogate
    with pytest.raises(ExtractionError, match="broken UTF-16 text"):
        extract_lines(broken_utf16)
    gzip_named_txt = tmp_path / "treaty.txt"
    gzip_named_txt.write_bytes(b"\x1f\x8b\x08\x00" + bytes(100))
    with pytest.raises(ExtractionError, match="binary file named like text: a gzip archive"):
        extract_lines(gzip_named_txt)
