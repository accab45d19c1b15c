"""The clause-type ranking's confirmation counts only hits in languages that hold treaties.

The dense model ranks a question's own language first: an Indonesian question's dense top ten are
the Indonesian national laws, which carry no treaty clause type whatever the question asks. Their
hits must not vote the clause-type ranking down (fast hashing embedder, a two-language corpus).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from index.embedders import HashingEmbedder
from index.retrieval.hybrid import HybridSearcher
from index.retrieval.signals import CorpusSignals
from index.storage import Collection, open_collection
from ingest.taxonomy import SLOTS
from tests.harness.documents import filter_corpus

QUERY = "Le sceau de l'Union est apposé sur le registre"


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Collection]:
    with open_collection(tmp_path / "index", embedder=HashingEmbedder(dimension=64)) as opened:
        filter_corpus(opened)
        yield opened


def test_precedent_languages_are_those_with_a_treaty(corpus: Collection) -> None:
    assert CorpusSignals.load(corpus).precedent_languages == {"en", "fr"}


def confirm_weight(corpus: Collection, signals: CorpusSignals) -> float:
    searcher = HybridSearcher(corpus)
    searcher.signals = lambda: signals  # type: ignore[method-assign]
    vector = corpus.embedder.encode_queries([QUERY])[0]
    dense, _ = corpus.rank_vectors(vector, k=50)
    weight, ranking = searcher._clause_type_ranking(vector, dense, filters=None)
    assert ranking  # the typed units are ranked either way; only the weight changes
    return weight


def test_hits_in_a_language_without_treaties_do_not_count(corpus: Collection) -> None:
    english = [d.doc_id for d in corpus.list_documents() if d.language == "en"]
    typed = tuple((doc_id, unit.eid) for doc_id in english for unit in corpus.list_units(doc_id))
    # every English unit is of every clause type; the French document's are of none
    base = CorpusSignals(versions={}, slot_units={slot.key: typed for slot in SLOTS})
    counting_all = confirm_weight(corpus, base)
    assert 0 < counting_all < 1  # the French hits in the dense top ten vote it down
    # were French a language of national laws only, its hits would say nothing
    only_english = confirm_weight(corpus, replace(base, precedent_languages=frozenset({"en"})))
    assert only_english == 1.0
