"""Recent query vectors are reused: a rerun of the same search embeds nothing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index.embedders import HashingEmbedder
from index.retrieval import query_vectors
from index.retrieval.query_vectors import RECENT_QUERIES, forget_recent, query_vector
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting the texts it embeds as queries."""

    def __init__(self) -> None:
        super().__init__(dimension=64)
        self.query_texts: list[str] = []

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.query_texts += list(texts)
        return super().encode_queries(texts)


def test_the_same_text_is_embedded_once_and_stays_unchanged() -> None:
    forget_recent()
    embedder = CountingEmbedder()
    first = query_vector(embedder, "return of own nationals")
    again = query_vector(CountingEmbedder(), "return of own nationals")  # another instance
    assert embedder.query_texts == ["return of own nationals"]
    assert again is first
    assert np.allclose(
        first, HashingEmbedder(dimension=64).encode_queries(["return of own nationals"])[0]
    )
    with pytest.raises(ValueError, match="read-only"):
        first[0] = 2.0


def test_another_model_or_dimension_gets_its_own_vector() -> None:
    forget_recent()
    small = query_vector(HashingEmbedder(dimension=64), "transit")
    large = query_vector(HashingEmbedder(dimension=128), "transit")
    assert small.shape == (64,) and large.shape == (128,)


def test_only_the_most_recent_are_kept() -> None:
    forget_recent()
    embedder = CountingEmbedder()
    for number in range(RECENT_QUERIES + 1):
        query_vector(embedder, f"question {number}")
    query_vector(embedder, f"question {RECENT_QUERIES}")  # recent: kept
    query_vector(embedder, "question 0")  # the oldest: dropped, embedded again
    assert embedder.query_texts.count("question 0") == 2
    assert embedder.query_texts.count(f"question {RECENT_QUERIES}") == 1


def test_a_repeated_search_embeds_nothing_and_answers_the_same(tmp_path: Path) -> None:
    corpus = copy_documents(
        tmp_path / "corpus", ["benelux-kazakhstan-readmission-agreement-2015-en"]
    )
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder(dimension=64))
    assert kb.ingest([corpus]).failed == ()
    forget_recent()
    before = query_vectors.misses
    first = kb.search("time limit for replying to a readmission request", k=5)
    assert query_vectors.misses == before + 1
    again = kb.search("time limit for replying to a readmission request", k=5)
    assert query_vectors.misses == before + 1
    assert [h.chunk_id for h in again] == [h.chunk_id for h in first]
