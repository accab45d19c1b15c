"""The shipped corpus as test input: files, lines, and small corpora copied from it."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path

from ingest.types import Line

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


@cache
def shipped_stems() -> frozenset[str]:
    """The documents the checkout ships (listed in corpus/manifest*.json): what tests count on,
    never a file a user added to the folder."""
    entries = []
    for manifest in sorted(CORPUS.glob("manifest*.json")):
        entries += json.loads(manifest.read_text(encoding="utf-8"))
    return frozenset(Path(entry["file"]).stem for entry in entries)


def corpus_stems() -> list[str]:
    stems = {p.stem for p in CORPUS.glob("*.txt")} | {p.stem for p in CORPUS.glob("*.pdf")}
    return sorted(stems & shipped_stems())


def load_lines(stem: str) -> tuple[Line, ...]:
    """A corpus document's lines: the `.txt` when present, else the PDF via ingest.extract."""
    text_path = CORPUS / f"{stem}.txt"
    if text_path.exists():
        return tuple(Line(text=t) for t in text_path.read_text(encoding="utf-8").splitlines())
    from ingest.extract import extract_lines

    return extract_lines(CORPUS / f"{stem}.pdf").lines
