"""The glossary bridge: a question that names its concepts only in a language holding no treaty
(Thai, Vietnamese, Chinese, Indonesian over this corpus) is also searched by those concepts'
wordings in the treaty languages; a question in a treaty language is searched as before.

The wording logic uses the shipped glossary; the searcher tests a fast hashing embedder that
records what it is asked to embed (a two-language corpus: English agreements, a Chinese law).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index.embedders import HashingEmbedder
from index.retrieval.glossary import bridge_wordings, load_glossary
from index.retrieval.hybrid import HybridSearcher, SearchConfig
from index.retrieval.signals import CorpusSignals
from index.storage import Collection, open_collection
from index.types import SearchFilters
from tests.harness.documents import make_document, upsert

TREATY_LANGUAGES = frozenset({"en", "nl", "fr", "de"})


def bridge(query: str, treaty_languages: frozenset[str] = TREATY_LANGUAGES) -> list[str]:
    glossary = load_glossary()
    return bridge_wordings(
        query,
        glossary.matching(query),
        glossary=glossary,
        treaty_languages=treaty_languages,
    )


def test_a_chinese_question_gets_the_treaty_wordings_of_its_concept() -> None:
    wordings = bridge("入境时产生的费用由哪一方负担")  # "who bears the costs of entry"
    assert {"costs", "kosten", "frais", "Kosten"} <= set(wordings)
    assert "费用" not in wordings  # only treaty languages: the question has its own words


def test_thai_vietnamese_and_indonesian_questions_are_bridged() -> None:
    assert "costs" in bridge("ค่าใช้จ่ายในการเดินทาง")
    assert "transit" in bridge("điều kiện quá cảnh")
    assert "time limit" in bridge("berapa batas waktu untuk permohonan itu")


def test_questions_in_treaty_languages_get_no_bridge() -> None:
    assert bridge("who bears the costs of transit?") == []
    assert bridge("wie draagt de kosten van doorgeleiding") == []
    assert bridge("Frist für die Antwort") == []
    assert bridge("a question that names no concept at all") == []


def test_a_concept_named_in_english_too_is_not_bridged() -> None:
    # "transit" is named in English, so its Chinese wording adds nothing to cross over
    assert bridge("transit 过境") == []
    # but a concept named only in Chinese is, and then every concept the question names
    mixed = bridge("transit 费用")
    assert "costs" in mixed and "transit" in mixed


def test_no_bridge_into_a_language_that_has_a_treaty() -> None:
    assert bridge("入境时产生的费用", treaty_languages=TREATY_LANGUAGES | {"zh"}) == []


class RecordingEmbedder(HashingEmbedder):
    """Remembers each query text it embeds."""

    def __init__(self) -> None:
        super().__init__(dimension=128)
        self.queries: list[str] = []

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries.extend(texts)
        return super().encode_queries(texts)


COSTS = "The costs of transport up to the border shall be borne by the requesting Party."
ENTRY = "Foreigners entering the territory shall hold a valid passport and visa."


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Collection]:
    with open_collection(tmp_path / "index", embedder=RecordingEmbedder()) as opened:
        for number in range(3):
            upsert(
                opened,
                make_document(
                    f"treaty-{number}-en",
                    [("1", "Entry", ENTRY), ("2", "Costs", COSTS)],
                    year=2000 + number,
                ),
            )
        law = make_document(
            "law-zh",
            [
                ("1", "费用", "入境时产生的费用由本人负担。"),
                ("2", "入境", "入境人员应当出示护照。"),
            ],
            language="zh",
            parties=("China",),
            instrument_type="regulation",
        )
        upsert(opened, law)
        yield opened


def embedded(corpus: Collection) -> list[str]:
    embedder = corpus.embedder
    assert isinstance(embedder, RecordingEmbedder)
    return embedder.queries


def test_a_chinese_question_embeds_the_bridge_and_finds_the_treaty_clause(
    corpus: Collection,
) -> None:
    question = "入境时产生的费用由哪一方负担"
    hits = HybridSearcher(corpus).search(question, k=5)
    # the bridge, embedded on its own, in the one treaty language this corpus holds
    assert embedded(corpus)[-1] == "costs; expenses"
    # without the bridge the Chinese law's articles come second and third (the question's own
    # language); with it the treaties' costs clauses also have a dense and a BM25 ranking
    plain = HybridSearcher(corpus, config=SearchConfig(bridge_weight=0, bridge_lexical_weight=0))
    without = plain.search(question, k=5)
    costs_with = sum(h.eid == "art_2" and h.language == "en" for h in hits[:3])
    costs_without = sum(h.eid == "art_2" and h.language == "en" for h in without[:3])
    assert costs_with == 3 > costs_without


def test_an_english_question_embeds_only_itself(corpus: Collection) -> None:
    HybridSearcher(corpus).search("who pays the costs of the journey home?", k=5)
    assert len(embedded(corpus)) == 1


def test_rankings_of_a_treaty_language_question_do_not_change(corpus: Collection) -> None:
    question = "costs of transport to the border"
    default = HybridSearcher(corpus).search(question, k=8)
    off = HybridSearcher(corpus, config=SearchConfig(bridge_weight=0, bridge_lexical_weight=0))
    assert [(h.chunk_id, h.score) for h in default] == [
        (h.chunk_id, h.score) for h in off.search(question, k=8)
    ]


def test_treaty_languages_follow_what_the_viewer_may_see(corpus: Collection) -> None:
    signals = CorpusSignals.load(corpus)
    assert signals.treaty_languages() == {"en"}  # the Chinese law is no treaty
    hidden = {language: frozenset({("legal",)}) for language in signals.precedent_languages or ()}
    restricted = replace(signals, precedent_visibility=hidden)
    assert restricted.treaty_languages(("legal",)) == {"en"}
    assert restricted.treaty_languages(("public",)) == frozenset()
    # a viewer who sees no treaty gets no bridge (there is nowhere to cross to)
    searcher = HybridSearcher(corpus)
    searcher.signals = lambda: restricted  # type: ignore[method-assign]
    concepts = load_glossary().matching("入境时产生的费用")
    assert concepts
    filters = SearchFilters(visible_groups=("public",))
    assert searcher._bridge_terms("入境时产生的费用", concepts, filters) == []
    assert "costs" in searcher._bridge_terms("入境时产生的费用", concepts, None)
