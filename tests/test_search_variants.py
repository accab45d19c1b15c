"""The retrieval variants the product does not use still run, from the evaluation code.

readmit/evaluation/search_variants.py overrides `HybridSearcher`'s hooks; these tests check
that the default variant is the product's search itself and that each experiment changes what
it says it changes (fast hashing embedder, a two-language corpus).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index.embedders import HashingEmbedder
from index.retrieval.hybrid import HybridSearcher, SearchConfig
from index.storage import Collection, open_collection
from readmit.evaluation.language_centring import LanguageMeans
from readmit.evaluation.search_variants import ExperimentalSearcher, SearchVariant, variant
from tests.harness.documents import filter_corpus

QUERY = "return request made in writing to the requested Party"


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Collection]:
    with open_collection(tmp_path / "index", embedder=HashingEmbedder(dimension=64)) as opened:
        filter_corpus(opened)
        yield opened


def test_the_default_variant_is_the_product_search(corpus: Collection) -> None:
    searcher = variant().searcher(corpus)
    assert type(searcher) is HybridSearcher and searcher.config == SearchConfig()
    product = HybridSearcher(corpus).search(QUERY, k=5)
    assert [h.chunk_id for h in searcher.search(QUERY, k=5)] == [h.chunk_id for h in product]


def test_options_go_to_the_config_or_the_experiments() -> None:
    chosen = variant(rrf_k=60, dense_as_typed=True)
    assert chosen.config.rrf_k == 60 and chosen.experiments.dense_as_typed
    assert chosen.but(rrf_k=10).config == SearchConfig()
    with pytest.raises(TypeError, match="unknown search options: no_such_option"):
        SearchVariant().but(no_such_option=True)


def test_balance_languages_runs_one_dense_search_per_language(corpus: Collection) -> None:
    searcher = variant(balance_languages=True).searcher(corpus)
    assert isinstance(searcher, ExperimentalSearcher)
    scopes = searcher._dense_scopes(None)
    assert [s.languages for _, s in scopes if s is not None] == [("en",), ("fr",)]
    languages = {h.language for h in searcher.search(QUERY, k=20)}
    assert languages == {"en", "fr"}  # the French document gets its own dense ranking


def test_dense_as_typed_embeds_the_question_twice(corpus: Collection) -> None:
    searcher = variant(dense_as_typed=True, dense_expansion_languages=None).searcher(corpus)
    assert isinstance(searcher, ExperimentalSearcher)
    languages = searcher.corpus_languages()
    concepts = searcher._concepts("readmission request", languages)
    assert concepts  # the glossary knows the concept, so the query is expanded
    assert len(searcher._query_vectors("readmission request", concepts, languages)) == 2
    product = HybridSearcher(corpus, config=searcher.config)
    assert len(product._query_vectors("readmission request", concepts, languages)) == 1


def test_language_centring_takes_each_language_mean_off_its_scores(corpus: Collection) -> None:
    searcher = variant(language_centring=1.0).searcher(corpus)
    assert isinstance(searcher, ExperimentalSearcher)
    vector = corpus.embedder.encode_queries([QUERY])[0]
    ranked, best = searcher._dense_ranking(vector, 20, None)
    plain, scores = corpus.rank_vectors(vector, k=1000)  # every chunk
    assert best == pytest.approx(scores[0])  # the relevance floor still sees the raw score
    assert len(ranked) == 20 and set(ranked) <= set(plain)
    means = LanguageMeans.load(corpus).means(None)
    assert sorted(means) == ["en", "fr"]
    language = {h.chunk_id: h.language for h in corpus.hits_for_chunks(plain)}
    raw = dict(zip(plain, scores, strict=True))
    centred = [raw[c] - float(np.dot(vector, means[language[c]])) for c in ranked]
    assert centred == sorted(centred, reverse=True)


def test_language_means_leave_out_documents_a_viewer_may_not_see(corpus: Collection) -> None:
    loaded = LanguageMeans.load(corpus)
    hidden = {doc_id: ("secret",) for doc_id, entry in loaded.documents.items() if entry[0] == "fr"}
    restricted = LanguageMeans(
        documents={
            doc_id: (language, hidden.get(doc_id, visibility), total, count)
            for doc_id, (language, visibility, total, count) in loaded.documents.items()
        }
    )
    assert sorted(restricted.means(None)) == ["en", "fr"]
    assert sorted(restricted.means(("other",))) == ["en"]
    assert sorted(restricted.means(("secret",))) == ["en", "fr"]
