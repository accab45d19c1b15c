"""`readmit copy SRC DST`: move an index between backends (folder ↔ PostgreSQL) as it is.

Documents travel with their stored vectors (nothing is embedded again), with their clause
slots, the fingerprints of the rules those slots were computed with, and the recorded failures.
Afterwards DST must hold the same documents, units and chunks as SRC, document for document the
same checksum (structure, texts and vector bytes), and pass its own integrity check; anything
else is reported as a problem.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.embedders import Embedder
from index.storage import Collection, open_collection
from index.types import StoredDocument

# Documents per write transaction: large enough to be quick, small enough to keep one
# transaction's memory bounded on a large corpus.
BATCH_DOCUMENTS = 8

CopyProgress = Callable[[int, int], None]  # (documents copied, total)


@dataclass(frozen=True)
class CopyReport:
    documents: int
    units: int
    chunks: int
    removed: tuple[str, ...]  # documents DST had that SRC has not
    problems: tuple[str, ...]  # empty: counts, checksums and DST's integrity check agree


def document_checksum(stored: StoredDocument) -> str:
    """sha256 over what an index holds for a document: facts, units, chunks, vector bytes."""
    doc = stored.document
    digest = hashlib.sha256()
    facts = {
        "meta": asdict(doc.meta),
        "content_hash": doc.content_hash,
        "source_path": doc.source_path,
        "has_pages": doc.has_pages,
        "page_count": doc.page_count,
        "units": [asdict(unit) for unit in doc.units],
        "chunks": [
            {k: v for k, v in asdict(chunk).items() if k != "extra"} for chunk in stored.chunks
        ],
    }
    digest.update(json.dumps(facts, sort_keys=True, ensure_ascii=False, default=list).encode())
    digest.update(np.ascontiguousarray(stored.vectors, dtype="<f4").tobytes())
    return digest.hexdigest()


def copy_index(
    source: str | Path,
    target: str | Path,
    *,
    embedder: Embedder,
    progress: CopyProgress | None = None,
) -> CopyReport:
    """Make TARGET hold exactly SOURCE's documents (see module docstring)."""
    with (
        open_collection(source, embedder=embedder) as src,
        open_collection(target, embedder=embedder) as dst,
        dst.writer_lock(),
    ):
        return _copy(src, dst, progress)


def _copy(src: Collection, dst: Collection, progress: CopyProgress | None) -> CopyReport:
    records = src.list_documents()
    wanted = {record.doc_id for record in records}
    removed = tuple(sorted(set(dst.document_hashes()) - wanted))
    for doc_id in removed:
        dst.remove_document(doc_id)
    checksums: dict[str, str] = {}
    for start in range(0, len(records), BATCH_DOCUMENTS):
        batch: list[StoredDocument] = []
        for record in records[start : start + BATCH_DOCUMENTS]:
            stored = src.stored_document(record.doc_id)
            if stored is None:
                continue  # removed from SOURCE while copying
            checksums[record.doc_id] = document_checksum(stored)
            batch.append(stored)
        dst.upsert_stored(batch)
        for stored in batch:
            doc_id = stored.document.meta.doc_id
            keywords = {eid: row for (_, eid), row in src.keyword_rows(doc_id=doc_id).items()}
            dst.replace_slots(doc_id, src.slot_assignments(doc_id=doc_id), keywords=keywords)
        if progress is not None:
            progress(min(start + BATCH_DOCUMENTS, len(records)), len(records))
    source_status = src.status()
    for path, reason in source_status.failures:
        dst.record_failure(path, reason)
    # The rules the copied slots were computed with: without them DST calls its slots stale.
    if source_status.taxonomy_sha256 is not None:
        dst.record_rules(
            taxonomy_sha256=source_status.taxonomy_sha256,
            glossary_sha256=source_status.glossary_sha256 or "",
        )
    return CopyReport(
        documents=len(checksums),
        units=dst.status().units,
        chunks=dst.status().chunks,
        removed=removed,
        problems=tuple(_compare(src, dst, checksums)),
    )


def _compare(src: Collection, dst: Collection, checksums: dict[str, str]) -> list[str]:
    problems: list[str] = []
    a, b = src.status(), dst.status()
    for name in ("documents", "units", "chunks"):
        if getattr(a, name) != getattr(b, name):
            problems.append(f"{name}: source has {getattr(a, name)}, copy has {getattr(b, name)}")
    for doc_id, checksum in checksums.items():
        stored = dst.stored_document(doc_id)
        if stored is None:
            problems.append(f"{doc_id}: missing from the copy")
        elif document_checksum(stored) != checksum:
            problems.append(f"{doc_id}: checksum differs from the source")
    if src.slot_assignments() != dst.slot_assignments():
        problems.append("clause slots differ from the source")
    if a.taxonomy_sha256 is not None and a.taxonomy_sha256 != b.taxonomy_sha256:
        problems.append("the clause rules' fingerprints differ from the source")
    problems += [f"copy: {problem}" for problem in dst.verify()]
    return problems
