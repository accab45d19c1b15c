"""Unit tests of the corpus-side search signals' logic (index/retrieval/signals.py); their effect on
quality is measured on the real corpus by tests/test_search_quality.py."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index.retrieval.expansion import expanded_vector
from index.retrieval.signals import CorpusSignals, clause_type_ranking, propagate_versions
from index.types import Hit
from ingest.chunking import stable_chunk_id


def _signals() -> CorpusSignals:
    return CorpusSignals(
        versions={"treaty-en": ("treaty-nl",), "treaty-nl": ("treaty-en",)},
        slot_units={},
    )


def test_counterpart_is_the_same_eid_in_the_other_version() -> None:
    signals = _signals()
    assert signals.counterpart_chunks("treaty-en", "art_7") == [
        stable_chunk_id("treaty-nl", "art_7", 0)
    ]
    assert signals.counterpart_chunks("other-doc", "art_7") == []


def test_ranked_article_lifts_its_counterpart_by_the_share() -> None:
    english = stable_chunk_id("treaty-en", "art_7", 0)
    dutch = stable_chunk_id("treaty-nl", "art_7", 0)
    unrelated = stable_chunk_id("other-doc", "art_2", 0)
    fused = {english: 0.2, dutch: 0.05, unrelated: 0.1}
    units = {
        english: ("treaty-en", "art_7"),
        dutch: ("treaty-nl", "art_7"),
        unrelated: ("other-doc", "art_2"),
    }
    lifted = propagate_versions(fused, units, _signals(), share=0.5)
    assert np.isclose(lifted[dutch], 0.05 + 0.5 * 0.2)
    assert np.isclose(lifted[english], 0.2 + 0.5 * 0.05)
    assert lifted[unrelated] == 0.1
    # A counterpart that no retriever found enters the fusion with the share alone.
    only_english = propagate_versions({english: 0.2}, units, _signals(), share=0.5)
    assert np.isclose(only_english[dutch], 0.1)


def test_floor_mode_never_lifts_an_article_above_its_own_score_or_the_share() -> None:
    english = stable_chunk_id("treaty-en", "art_7", 0)
    dutch = stable_chunk_id("treaty-nl", "art_7", 0)
    units = {english: ("treaty-en", "art_7"), dutch: ("treaty-nl", "art_7")}
    lifted = propagate_versions(
        {english: 0.2, dutch: 0.05}, units, _signals(), share=0.5, additive=False
    )
    # The Dutch version gets half the English score; the English keeps its own (no bonus for
    # having a twin over an article of a single-language document).
    assert np.isclose(lifted[dutch], 0.1)
    assert np.isclose(lifted[english], 0.2)
    assert propagate_versions({english: 0.2}, units, _signals(), share=0.5, additive=False)[
        dutch
    ] == pytest.approx(0.1)


def test_clause_type_ranking_puts_dense_order_first_then_surest_units() -> None:
    signals = CorpusSignals(
        versions={},
        slot_units={
            "costs": (("a", "art_9"), ("b", "art_4"), ("c", "art_2")),
            "transit": (("a", "art_5"),),
        },
    )
    found_b = stable_chunk_id("b", "art_4", 1)  # a later chunk of b/art_4, found by dense
    other = stable_chunk_id("z", "art_1", 0)
    ranking = clause_type_ranking(
        ["costs"], signals, [other, found_b], {found_b: ("b", "art_4"), other: ("z", "art_1")}
    )
    assert ranking == [
        found_b,
        stable_chunk_id("a", "art_9", 0),
        stable_chunk_id("c", "art_2", 0),
    ]
    assert clause_type_ranking(["unknown"], signals, [other], {other: ("z", "art_1")}) == []


def test_derived_expansion_moves_the_query_towards_its_wordings() -> None:
    query = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    vectors = {
        "overname": np.array([0.0, 1.0, 0.0], dtype=np.float32),
        "terugname": np.array([0.0, 0.0, 1.0], dtype=np.float32),
    }
    derived = expanded_vector(query, ["overname", "terugname", "unknown"], vectors, weight=1.0)
    assert derived is not None
    assert np.isclose(np.linalg.norm(derived), 1.0)
    assert derived[1] > 0 and np.isclose(derived[1], derived[2]) and derived[0] > derived[1]
    assert expanded_vector(query, ["unknown"], vectors, weight=1.0) is None


def test_a_chunk_without_citation_line_is_cited_by_its_unit() -> None:
    preamble = Hit(
        rank=1,
        score=0.0,
        chunk_id=1,
        doc_id="d",
        title="T",
        part="agreement",
        article=None,
        heading=None,
        eid="protocol__preamble",
        page_start=None,
        page_end=None,
        language="en",
        text="The Parties,\nconsidering ...",
    )
    assert not preamble.has_citation_line and preamble.path == "Protocol, Preamble"
    article = replace(
        preamble, eid="art_7", heading="Time limits", text="Article 7 — Time limits\nA"
    )
    assert article.has_citation_line and article.path == "Article 7 — Time limits"
