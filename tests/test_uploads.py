"""Uploads from the app: a bad file is reported and taken out again, losing nothing."""

from __future__ import annotations

from pathlib import Path

from index.embedders import HashingEmbedder
from readmit.service import KnowledgeBase
from readmit.workbench import Workbench, index_uploads, save_upload
from tests.harness.corpus import copy_documents

KAZAKHSTAN = "benelux-kazakhstan-readmission-agreement-2015-en"


def workbench(tmp_path: Path) -> Workbench:
    corpus = copy_documents(tmp_path / "corpus", [KAZAKHSTAN])
    kb = KnowledgeBase(tmp_path / "state" / "index", model=HashingEmbedder())
    assert kb.ingest([corpus]).ok
    from readmit.drafting import DraftingService, DraftStore

    return Workbench(kb=kb, drafting=DraftingService(DraftStore(tmp_path / "drafts")),
                     corpus_dir=corpus)


def test_a_bad_replacement_restores_the_document_it_replaced(tmp_path: Path) -> None:
    wb = workbench(tmp_path)
    original = (wb.corpus_dir / f"{KAZAKHSTAN}.txt").read_bytes()
    saved = save_upload(wb.corpus_dir, f"{KAZAKHSTAN}.txt", b"\x00\x01\x02 binary junk")
    report = index_uploads(wb, [saved])
    assert [Path(p).name for p, _ in report.failed] == [f"{KAZAKHSTAN}.txt"]
    assert (wb.corpus_dir / f"{KAZAKHSTAN}.txt").read_bytes() == original
    rejected = tmp_path / "state" / "rejected-uploads" / f"{KAZAKHSTAN}.txt"
    assert rejected.read_bytes().startswith(b"\x00\x01")
    assert wb.kb.document(KAZAKHSTAN) is not None  # still searchable, old version
    assert wb.kb.ingest([wb.corpus_dir]).unchanged  # the next re-index finds nothing wrong


def test_a_bad_new_file_is_moved_out_of_the_corpus(tmp_path: Path) -> None:
    wb = workbench(tmp_path)
    saved = save_upload(wb.corpus_dir, "scan.pdf", b"%PDF-1.4 truncated")
    report = index_uploads(wb, [saved])
    assert report.failed and not (wb.corpus_dir / "scan.pdf").exists()
    again = wb.kb.ingest([wb.corpus_dir])
    assert again.failed == () and again.unchanged


def test_a_good_replacement_is_indexed_and_its_backup_dropped(tmp_path: Path) -> None:
    wb = workbench(tmp_path)
    path = wb.corpus_dir / f"{KAZAKHSTAN}.txt"
    text = path.read_text(encoding="utf-8").replace("Time limits", "Deadlines")
    saved = save_upload(wb.corpus_dir, path.name, text.encode("utf-8"))
    assert (wb.corpus_dir / f".{path.name}.previous").exists()  # hidden, never ingested
    report = index_uploads(wb, [saved])
    assert report.ok and report.indexed
    assert not (wb.corpus_dir / f".{path.name}.previous").exists()
    assert wb.kb.article(KAZAKHSTAN, "art_7").heading == "Deadlines"
