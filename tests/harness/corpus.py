"""The shipped corpus as test input: a document's file, and small corpora copied from it."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
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
