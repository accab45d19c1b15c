"""Shared fixtures: paths to the shipped corpus, and one real index of it per test session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
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


@pytest.fixture(scope="session", autouse=True)
def isolated_state_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Default index and drafts folders in a temp dir, so no test writes into the checkout."""

    from readmit.settings import DRAFTS_ENV, INDEX_ENV

    state = tmp_path_factory.mktemp("default-state")
    saved = {name: os.environ.get(name) for name in (INDEX_ENV, DRAFTS_ENV)}
    os.environ.setdefault(INDEX_ENV, str(state / "index"))
    os.environ.setdefault(DRAFTS_ENV, str(state / "drafts"))
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole shipped corpus indexed once with the default (real) model."""
    from readmit.service import KnowledgeBase
    from readmit.settings import DEFAULT_MODEL

    index_dir = tmp_path_factory.mktemp("corpus-index")
    # Developers may point READMIT_TEST_INDEX_SEED at an earlier index of the corpus: it is
    # copied in and the ingest below is incremental, so only changed documents are re-embedded.
    # CI never sets it, so CI always builds from nothing.
    seed = os.environ.get("READMIT_TEST_INDEX_SEED")
    if seed and Path(seed).is_dir():
        shutil.copytree(seed, index_dir, dirs_exist_ok=True)
    report = KnowledgeBase(index_dir, model=DEFAULT_MODEL).ingest([CORPUS])
    assert report.failed == (), report.failed
    return index_dir
