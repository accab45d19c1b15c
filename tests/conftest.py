"""Shared fixtures: paths to the shipped corpus, and one real index of it per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def corpus_file(doc_id: str) -> Path:
    """The shipped file of a document, whichever format it is in (.txt or .pdf)."""
    for suffix in (".txt", ".pdf", ".md"):
        candidate = CORPUS / f"{doc_id}{suffix}"
        if candidate.exists():
            return candidate
    raise FileNotFoundError(doc_id)


def copy_documents(target: Path, doc_ids: list[str]) -> Path:
    """Copy documents and their sidecars into `target` (a small corpus for a test)."""
    target.mkdir(parents=True, exist_ok=True)
    for doc_id in doc_ids:
        source = corpus_file(doc_id)
        shutil.copy2(source, target / source.name)
        sidecar = CORPUS / f"{doc_id}.meta.json"
        if sidecar.exists():
            shutil.copy2(sidecar, target / sidecar.name)
    return target


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole shipped corpus indexed once with the default (real) model."""
    from readmit.config import DEFAULT_MODEL
    from readmit.service import KnowledgeBase

    index_dir = tmp_path_factory.mktemp("corpus-index")
    report = KnowledgeBase(index_dir, model=DEFAULT_MODEL).ingest([CORPUS])
    assert report.failed == (), report.failed
    return index_dir
