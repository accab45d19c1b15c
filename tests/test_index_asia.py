"""The region's languages through a real (small) index: language filter, facets, BM25 on
Chinese and Thai, and the unseen texts ingested with detected languages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.types import SearchFilters
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents

UNSEEN = Path(__file__).resolve().parent / "data" / "asia-unseen"
DOCS = [
    "china-passport-law-2006-zh",
    "thailand-communicable-disease-act-2015-th",
    "vietnam-nationality-law-2008-vi",
    "benelux-kazakhstan-readmission-agreement-2015-en",
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    base = tmp_path_factory.mktemp("asia")
    corpus = copy_documents(base / "corpus", DOCS)
    for path in UNSEEN.glob("*.txt"):
        # No sidecar and a name ending "-x" (no language code): the language comes from the text.
        shutil.copy(path, corpus / f"{path.stem.rsplit('-', 1)[0]}-x.txt")
    knowledge = KnowledgeBase(base / "index", model="hashing-ngrams-256")
    report = knowledge.ingest([corpus])
    assert report.failed == (), report.failed
    return knowledge


def test_language_filter_and_lexical_search_in_chinese_and_thai(kb: KnowledgeBase) -> None:
    hits = kb.search("护照签发机关不予签发护照", k=5, filters=SearchFilters(languages=("zh",)))
    assert hits and all(h.language == "zh" for h in hits)
    assert {h.eid for h in hits} & {"art_13", "art_14"}
    thai = kb.search("ผู้เดินทาง แยกกัก", k=5, filters=SearchFilters(languages=("th",)))
    assert thai and all(h.language == "th" for h in thai)


def test_unseen_texts_get_detected_languages(kb: KnowledgeBase) -> None:
    languages = {d.doc_id: d.language for d in kb.documents()}
    assert languages["china-citizens-exit-entry-implementing-rules-x"] == "zh"
    assert languages["thailand-ports-of-entry-announcement-2019-x"] == "th"
    assert languages["vietnam-citizens-exit-entry-law-2019-x"] == "vi"
