"""Vectors shipped beside a corpus: reused for exactly the texts and model they were made for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embedders import HashingEmbedder
from index.shipped_vectors import load_shipped, shipped_paths, write_shipped
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents

ROOT = Path(__file__).resolve().parent.parent


class CountingEmbedder(HashingEmbedder):
    """The hashing fake, counting the texts it really embeds."""

    def __init__(self) -> None:
        super().__init__(dimension=64)
        self.embedded: list[str] = []

    def _encode(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        if not is_query:
            self.embedded.extend(texts)
        return super()._encode(texts, is_query=is_query)


def ship(folder: Path, texts: list[str]) -> None:
    model = HashingEmbedder(dimension=64)
    write_shipped(
        folder,
        model_key="hashing",
        model_name=model.name,
        pipeline_version="test",
        texts=texts,
        vectors=model.encode_documents(texts),
    )


def test_round_trip_gives_the_vectors_back(tmp_path: Path) -> None:
    ship(tmp_path, ["Article 1 text", "Article 2 text", "Article 1 text"])
    model = HashingEmbedder(dimension=64)
    shipped = load_shipped(tmp_path, model_key="hashing", model_name=model.name)
    assert shipped is not None and len(shipped) == 2  # duplicates stored once
    found = shipped.lookup(["Article 2 text", "unknown"])
    assert found[1] is None
    assert found[0] is not None
    np.testing.assert_array_equal(found[0], model.encode_documents(["Article 2 text"])[0])


def test_a_damaged_archive_or_another_model_is_ignored(tmp_path: Path) -> None:
    ship(tmp_path, ["Article 1 text"])
    name = HashingEmbedder(dimension=64).name
    assert load_shipped(tmp_path, model_key="hashing", model_name="another-model") is None
    archive, _ = shipped_paths(tmp_path, "hashing")
    archive.write_bytes(archive.read_bytes()[:-10] + b"0123456789")
    assert load_shipped(tmp_path, model_key="hashing", model_name=name) is None


def test_ingest_embeds_only_what_is_not_shipped(tmp_path: Path) -> None:
    corpus = copy_documents(tmp_path / "corpus", ["benelux-armenia-readmission-2009-nl"])
    first = CountingEmbedder()
    KnowledgeBase(tmp_path / "plain", model=first).ingest([corpus])
    assert first.embedded, "the plain ingest embeds every chunk"
    ship(corpus, first.embedded[1:])  # all but one chunk shipped

    second = CountingEmbedder()
    report = KnowledgeBase(tmp_path / "shipped", model=second).ingest([corpus])
    assert report.ok
    assert second.embedded == first.embedded[:1]
    assert (report.chunks_embedded, report.chunks_shipped) == (1, len(first.embedded) - 1)
    plain = KnowledgeBase(tmp_path / "plain", model=HashingEmbedder(dimension=64))
    reused = KnowledgeBase(tmp_path / "shipped", model=HashingEmbedder(dimension=64))
    query = "binnen welke termijn wordt het verzoek beantwoord"
    assert [h.chunk_id for h in plain.search(query)] == [h.chunk_id for h in reused.search(query)]


@pytest.mark.slow
def test_the_shipped_corpus_vectors_cover_the_current_pipeline() -> None:
    """CI fails here when a pipeline change left the shipped vectors stale; the output names
    the command that regenerates them."""
    result = subprocess.run(
        [sys.executable, "scripts/ship_vectors.py", "corpus", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 not covered" in result.stdout
