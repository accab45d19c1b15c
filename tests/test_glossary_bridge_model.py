"""The glossary bridge with the real model on a small real index: a Chinese question about costs
over an English implementing protocol and the Chinese Passport Law. multilingual-e5-small ranks
the Chinese law's articles first for it (dense alone: the costs article is not in its top 20);
the bridge brings the protocol's costs article up."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.retrieval.hybrid import HybridSearcher, SearchConfig
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents

pytestmark = pytest.mark.slow

COSTS_ARTICLE = ("benelux-serbia-implementing-protocol-2013-en", "art_10")
QUESTION = "费用由哪一方负担？"  # "which side bears the costs?"


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    from readmit.settings import DEFAULT_MODEL

    base = tmp_path_factory.mktemp("bridge")
    corpus = copy_documents(base / "corpus", [COSTS_ARTICLE[0], "china-passport-law-2006-zh"])
    knowledge = KnowledgeBase(base / "index", model=DEFAULT_MODEL)
    report = knowledge.ingest([corpus])
    assert report.failed == (), report.failed
    return knowledge


def rank(kb: KnowledgeBase, config: SearchConfig) -> int:
    hits = HybridSearcher(kb.collection, config=config).search(QUESTION, k=20)
    found = [(h.doc_id, h.eid) for h in hits]
    return found.index(COSTS_ARTICLE) + 1 if COSTS_ARTICLE in found else len(found) + 1


def test_the_bridge_lifts_the_treaty_costs_article(kb: KnowledgeBase) -> None:
    # dense alone: BM25's glossary expansion already finds the article in a corpus this small
    dense = SearchConfig(lexical=False, clause_type_slots=0)
    bridged = rank(kb, dense)
    plain = rank(kb, replace(dense, bridge_weight=0))
    assert bridged <= 3
    assert bridged < plain
