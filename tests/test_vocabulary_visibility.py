"""The vocabulary signal of the relevance floor counts only what the viewer may see: a word that
occurs only in a hidden document behaves exactly like a word no document has."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from index.embedders import HashingEmbedder
from index.retrieval.relevance import VOCABULARY_FLOOR
from readmit.service import KnowledgeBase
from tests.harness.documents import make_chunks, make_document

PUBLIC = [("1", "Time limits", "The requested State shall reply within 10 days.")]
SECRET = [("1", "Kosovo", "The Republic of Kosovo shall readmit its nationals within 10 days.")]


def _knowledge_base(path: Path) -> KnowledgeBase:
    kb = KnowledgeBase(path, model=HashingEmbedder(dimension=64))
    public = make_document("public-en", PUBLIC)
    secret = make_document("secret-en", SECRET)
    secret = dataclasses.replace(
        secret, meta=dataclasses.replace(secret.meta, visibility=("negotiators",))
    )
    for doc in (public, secret):
        kb.collection.upsert_document(doc, make_chunks(doc))
    return kb


def test_a_word_of_a_hidden_document_is_an_unknown_word(tmp_path: Path) -> None:
    kb = _knowledge_base(tmp_path / "index")
    outsider = kb.viewed_by(("secretariat",))
    negotiator = kb.viewed_by(("negotiators",))
    for viewer in (outsider, negotiator, kb):  # the shared BM25 is built once, in any order
        viewer.search_with_evidence("Atlantis")

    hidden_word = outsider.search_with_evidence("Kosovo")
    unknown_word = outsider.search_with_evidence("Atlantis")
    assert hidden_word.known_word_share == unknown_word.known_word_share == 0.0
    assert {h.doc_id for h in hidden_word.hits} <= {"public-en"}
    assert VOCABULARY_FLOOR.is_good_match(hidden_word) is VOCABULARY_FLOOR.is_good_match(
        unknown_word
    )
    assert not VOCABULARY_FLOOR.is_good_match(hidden_word)
    # A word of a visible document still counts for the outsider.
    assert outsider.search_with_evidence("requested State").known_word_share == 1.0
    assert outsider.search_with_evidence("Kosovo requested").known_word_share == 0.5

    # Those who may see the document (its group, maintainers) still get the word as known.
    assert negotiator.search_with_evidence("Kosovo").known_word_share == 1.0
    assert kb.search_with_evidence("Kosovo").known_word_share == 1.0
    assert VOCABULARY_FLOOR.is_good_match(negotiator.search_with_evidence("Kosovo"))


def test_the_hidden_set_follows_a_change_of_visibility(tmp_path: Path) -> None:
    kb = _knowledge_base(tmp_path / "index")
    outsider = kb.viewed_by(("secretariat",))
    assert outsider.search_with_evidence("Kosovo").known_word_share == 0.0
    secret = make_document("secret-en", SECRET)  # re-ingested public (a new generation)
    kb.collection.upsert_document(secret, make_chunks(secret))
    assert outsider.search_with_evidence("Kosovo").known_word_share == 1.0


def test_a_saved_and_memory_mapped_bm25_hides_the_same_words(tmp_path: Path) -> None:
    from index.retrieval.lexical import LexicalIndex

    built = LexicalIndex([7, 9], [PUBLIC[0][2], SECRET[0][2]], ["en", "en"])
    assert built.save(tmp_path / "bm25", generation=3)
    loaded = LexicalIndex.load(tmp_path / "bm25", generation=3)
    for index in (built, loaded):
        assert index.known_word_share("Kosovo") == 1.0
        assert index.known_word_share("Kosovo", hidden=frozenset({9})) == 0.0
        assert index.known_word_share("readmit days", hidden=frozenset({9})) == 0.5
        assert index.known_word_share("days", hidden=frozenset({7, 9})) == 0.0


def test_a_hidden_document_language_does_not_change_the_expansion(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder(dimension=64))
    public = make_document("public-en", PUBLIC)
    hidden_nl = make_document(
        "secret-nl", [("1", "Termijnen", "De aangezochte Staat antwoordt binnen 10 dagen.")]
    )
    hidden_nl = dataclasses.replace(
        hidden_nl,
        meta=dataclasses.replace(hidden_nl.meta, visibility=("negotiators",), language="nl"),
    )
    for doc in (public, hidden_nl):
        kb.collection.upsert_document(doc, make_chunks(doc))
    searcher = kb.searcher
    assert searcher.corpus_languages(("secretariat",)) == ("en",)
    assert searcher.corpus_languages(("negotiators",)) == ("en", "nl")
    assert searcher.corpus_languages(None) == ("en", "nl")
