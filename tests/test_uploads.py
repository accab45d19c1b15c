"""Uploads from the app: a bad file is reported and taken out again, losing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from index.embedders import HashingEmbedder
from readmit.facade import LOCAL_MAINTAINER, Readmit, Services, open_readmit, save_upload
from readmit.service import KnowledgeBase
from readmit.settings import load_settings
from tests.harness.corpus import copy_documents

KAZAKHSTAN = "benelux-kazakhstan-readmission-agreement-2015-en"


class Setup(NamedTuple):
    app: Readmit
    kb: KnowledgeBase
    corpus_dir: Path


def workbench(tmp_path: Path) -> Setup:
    corpus = copy_documents(tmp_path / "corpus", [KAZAKHSTAN])
    index = tmp_path / "state" / "index"
    kb = KnowledgeBase(index, model=HashingEmbedder())
    assert kb.ingest([corpus]).ok
    settings = load_settings(index_dir=index, drafts_dir=tmp_path / "drafts", corpus_dir=corpus)
    app = open_readmit(settings, LOCAL_MAINTAINER, services=Services(settings, kb=kb))
    return Setup(app, kb, corpus)


def test_a_bad_replacement_restores_the_document_it_replaced(tmp_path: Path) -> None:
    wb = workbench(tmp_path)
    original = (wb.corpus_dir / f"{KAZAKHSTAN}.txt").read_bytes()
    saved = save_upload(wb.corpus_dir, f"{KAZAKHSTAN}.txt", b"\x00\x01\x02 binary junk")
    report = wb.app.index_uploads([saved])
    assert [Path(p).name for p, _ in report.failed] == [f"{KAZAKHSTAN}.txt"]
    assert (wb.corpus_dir / f"{KAZAKHSTAN}.txt").read_bytes() == original
    rejected = tmp_path / "state" / "rejected-uploads" / f"{KAZAKHSTAN}.txt"
    assert rejected.read_bytes().startswith(b"\x00\x01")
    assert wb.kb.document(KAZAKHSTAN) is not None  # still searchable, old version
    assert wb.kb.ingest([wb.corpus_dir]).unchanged  # the next re-index finds nothing wrong


def test_a_bad_new_file_is_moved_out_of_the_corpus(tmp_path: Path) -> None:
    wb = workbench(tmp_path)
    saved = save_upload(wb.corpus_dir, "scan.pdf", b"%PDF-1.4 truncated")
    report = wb.app.index_uploads([saved])
    assert report.failed and not (wb.corpus_dir / "scan.pdf").exists()
    again = wb.kb.ingest([wb.corpus_dir])
    assert again.failed == () and again.unchanged


def test_a_good_replacement_is_indexed_and_its_backup_dropped(tmp_path: Path) -> None:
    wb = workbench(tmp_path)
    path = wb.corpus_dir / f"{KAZAKHSTAN}.txt"
    text = path.read_text(encoding="utf-8").replace("Time limits", "Deadlines")
    saved = save_upload(wb.corpus_dir, path.name, text.encode("utf-8"))
    assert (wb.corpus_dir / f".{path.name}.previous").exists()  # hidden, never ingested
    report = wb.app.index_uploads([saved])
    assert report.ok and report.indexed
    assert not (wb.corpus_dir / f".{path.name}.previous").exists()
    assert wb.kb.article(KAZAKHSTAN, "art_7").heading == "Deadlines"
