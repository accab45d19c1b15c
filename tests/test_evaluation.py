"""Metric arithmetic of readmit.evaluation on hand-computed cases."""

from __future__ import annotations

import math

from index.types import Hit
from readmit.evaluation.search import EvalQuery, evaluate, score_query


def hit(doc_id: str, eid: str, language: str = "en") -> Hit:
    return Hit(
        rank=1,
        score=1.0,
        chunk_id=1,
        doc_id=doc_id,
        title="",
        part="agreement",
        article=None,
        heading=None,
        eid=eid,
        page_start=None,
        page_end=None,
        language=language,
        text="",
    )


QUERY = EvalQuery(
    query_id="q",
    text="time limits",
    language="en",
    split="dev",
    grades={("a", "art_7"): 3, ("b", "art_7"): 2, ("c", "art_1"): 1},
)


def test_perfect_ranking_scores_one() -> None:
    score = score_query(QUERY, [hit("a", "art_7"), hit("b", "art_7"), hit("c", "art_1")], k=10)
    assert math.isclose(score.ndcg, 1.0)
    assert math.isclose(score.recall, 1.0)
    assert math.isclose(score.precision, 0.3)
    assert score.reciprocal_rank == 1.0


def test_graded_gains_and_reciprocal_rank() -> None:
    score = score_query(QUERY, [hit("x", "art_1"), hit("b", "art_7", "nl")], k=2)
    dcg = 3 / math.log2(3)  # grade 2 → gain 2**2-1 at rank 2
    ideal = 7 / math.log2(2) + 3 / math.log2(3)
    assert math.isclose(score.ndcg, dcg / ideal)
    assert score.reciprocal_rank == 0.5
    assert score.other_language_share == 1.0


def test_an_article_found_twice_counts_once() -> None:
    twice = score_query(QUERY, [hit("a", "art_7"), hit("a", "art_7")], k=2)
    once = score_query(QUERY, [hit("a", "art_7")], k=2)
    assert math.isclose(twice.ndcg, once.ndcg)
    assert twice.precision == once.precision == 0.5


def test_evaluate_averages_over_queries() -> None:
    summary = evaluate([QUERY, QUERY], lambda q, k: [hit("a", "art_7")], k=10)
    assert summary.queries == 2
    assert math.isclose(summary.mrr, 1.0)
    assert math.isclose(summary.recall, 1 / 3)
