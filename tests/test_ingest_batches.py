"""Bulk ingest commits in batches (issue 16): chunks are embedded across documents, each batch is
one transaction with one write of the vector cache and manifest, and a failure inside a batch
loses only the document at fault.

Logic tests: the hashing embedder (wrapped to count or fail its calls) on both backends; the
writes are counted, never timed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from index.embedders import HashingEmbedder
from index.errors import IndexWriteError
from index.storage import sqlite_tables as store
from index.storage.vectors import VectorIndex
from readmit.service import KnowledgeBase

CLAUSE = (
    "Agreement between {name} and the Partner on readmission\n\nArticle 1\nTime limits\n"
    "1. The requested Party shall reply to a readmission request concerning {name} within "
    "{days} calendar days.\n"
)
POISON = "poisoned-clause"


def write_clauses(folder: Path, count: int, *, poisoned: int | None = None) -> list[Path]:
    """`count` one-clause files (the shape of a clause collection: one file per clause)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        name = f"party{number:03d}" + (f" {POISON}" if number == poisoned else "")
        path = folder / f"clause-{number:03d}-en.txt"
        path.write_text(CLAUSE.format(name=name, days=10 + number), encoding="utf-8")
        paths.append(path)
    return paths


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting its calls; it fails on any text with POISON in it."""

    def __init__(self) -> None:
        super().__init__(dimension=64)
        self.document_calls: list[int] = []

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if any(POISON in text for text in texts):
            raise RuntimeError("the embedder refused a text")
        self.document_calls.append(len(texts))
        return super().encode_documents(texts)


@pytest.fixture(params=["embedded", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    if request.param == "embedded":
        return tmp_path / "index"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def cache_writes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts writes of the FAISS cache file (each comes with one manifest write)."""
    writes: list[int] = []
    real_save = VectorIndex.save

    def counting_save(self: VectorIndex, path: Path) -> str:
        writes.append(self.ntotal)
        return real_save(self, path)

    monkeypatch.setattr(VectorIndex, "save", counting_save)
    yield writes


def open_kb(location: str | Path, embedder: CountingEmbedder) -> KnowledgeBase:
    return KnowledgeBase(location, model=embedder)


def test_many_small_files_are_embedded_across_documents_and_committed_per_batch(
    tmp_path: Path, location: str | Path, cache_writes: list[int]
) -> None:
    folder = tmp_path / "clauses"
    write_clauses(folder, 12)
    embedder = CountingEmbedder()
    kb = open_kb(location, embedder)
    start = kb.generation()
    writes_at_open = len(cache_writes)
    seen: list[tuple[str, str]] = []
    report = kb.ingest([folder], batch_chunks=8, on_file=lambda p, o: seen.append((p.name, o)))

    assert report.failed == () and len(report.indexed) == 12
    chunks = kb.status().chunks
    assert chunks == report.chunks_embedded >= 12
    # One embedding call per batch, each spanning several documents (all < 64 texts).
    assert sum(embedder.document_calls) == chunks
    assert all(size >= 2 for size in embedder.document_calls)
    batches = len(embedder.document_calls)
    assert 2 <= batches < 12
    # One commit per batch (slots and rules are not new generations) ...
    assert kb.generation() - start == batches
    # ... and, for the folder index, one cache + manifest write per batch, not per document.
    if isinstance(location, Path):
        assert len(cache_writes) - writes_at_open == batches
        assert kb.collection.verify() == []
    assert sorted(seen) == sorted((f"clause-{n:03d}-en.txt", "indexed") for n in range(12))

    # A second run changes nothing: no embedding, no commit, no cache write.
    calls, writes, generation = len(embedder.document_calls), len(cache_writes), kb.generation()
    again = kb.ingest([folder], batch_chunks=8)
    assert len(again.unchanged) == 12 and again.chunks_embedded == 0
    assert (len(embedder.document_calls), len(cache_writes), kb.generation()) == (
        calls,
        writes,
        generation,
    )
    kb.collection.close()


def test_one_document_failing_to_embed_loses_only_itself_in_its_batch(
    tmp_path: Path, location: str | Path
) -> None:
    folder = tmp_path / "clauses"
    paths = write_clauses(folder, 6)
    kb = open_kb(location, CountingEmbedder())
    kb.ingest([folder])
    before = {c.doc_id: c.text for c in kb.collection.chunk_texts()}

    # New versions of every file; one of them makes the embedder fail. All six are one batch.
    for path in paths:
        path.write_text(path.read_text(encoding="utf-8") + "2. Revised.\n", encoding="utf-8")
    paths[3].write_text(
        CLAUSE.format(name=f"party003 {POISON}", days=13) + "2. Revised.\n", encoding="utf-8"
    )
    report = kb.ingest([folder], batch_chunks=100)

    assert sorted(Path(p).name for p in report.indexed) == sorted(
        p.name for i, p in enumerate(paths) if i != 3
    )
    assert [(Path(p).name, reason) for p, reason in report.failed] == [
        ("clause-003-en.txt", "unexpected error: RuntimeError: the embedder refused a text")
    ]
    assert [Path(p).name for p, _ in kb.status().failures] == ["clause-003-en.txt"]
    # The failing document keeps its previous version, searchable; the others are new.
    texts = {c.doc_id: c.text for c in kb.collection.chunk_texts()}
    assert texts["clause-003-en"] == before["clause-003-en"]
    assert all("Revised" in texts[p.stem] for i, p in enumerate(paths) if i != 3)
    assert kb.collection.verify() == []
    kb.collection.close()


def test_a_write_failing_mid_batch_rolls_the_batch_back_then_isolates_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_writes: list[int]
) -> None:
    """SQLite fails while writing the third document of a batch: the transaction holding the
    first two is rolled back (nothing half-written), then the documents are written one by
    one and only the third fails."""
    folder = tmp_path / "clauses"
    write_clauses(folder, 5)
    real_insert = store.insert_chunks

    def failing_insert(conn: object, chunks: list[object], vectors: np.ndarray) -> None:
        if any(getattr(c, "doc_id", "") == "clause-002-en" for c in chunks):
            raise IndexWriteError("clause-002-en: a write failed")
        real_insert(conn, chunks, vectors)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "insert_chunks", failing_insert)
    embedder = CountingEmbedder()
    kb = open_kb(tmp_path / "index", embedder)
    kb.collection.verify()  # opens the new index (which writes its empty cache once)
    writes_at_open = len(cache_writes)
    report = kb.ingest([folder], batch_chunks=100)

    assert sorted(Path(p).stem for p in report.indexed) == [
        "clause-000-en",
        "clause-001-en",
        "clause-003-en",
        "clause-004-en",
    ]
    assert [Path(p).stem for p, _ in report.failed] == ["clause-002-en"]
    assert "a write failed" in report.failed[0][1]
    assert sorted(kb.collection.document_hashes()) == sorted(Path(p).stem for p in report.indexed)
    # The failed batch wrote no cache; then one write per document written alone.
    assert len(cache_writes) - writes_at_open == 4
    assert kb.collection.verify() == []
    kb.collection.close()


def test_batch_size_must_be_positive(tmp_path: Path) -> None:
    kb = open_kb(tmp_path / "index", CountingEmbedder())
    with pytest.raises(ValueError, match="batch_chunks must be at least 1"):
        kb.ingest([tmp_path], batch_chunks=0)
    kb.collection.close()


def test_the_command_line_sets_the_batch_size(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from readmit.cli import main
    from tests.harness.models import hashing_index

    folder = tmp_path / "clauses"
    write_clauses(folder, 6)
    index = tmp_path / "index"
    hashing_index(index)  # the CLI opens an index with the model it records
    start = KnowledgeBase(index).generation()
    refused = CliRunner().invoke(
        main, ["--index", str(index), "ingest", "--batch-chunks", "0", str(folder)]
    )
    assert refused.exit_code == 2 and "--batch-chunks" in refused.output
    done = CliRunner().invoke(
        main, ["--index", str(index), "ingest", "--batch-chunks", "4", str(folder)]
    )
    assert done.exit_code == 0, done.output
    kb = KnowledgeBase(index)
    chunks = kb.status().chunks
    # Files of two chunks each, batches flushed at 4 chunks: one commit per two files.
    assert chunks == 12
    assert kb.generation() - start == 3
