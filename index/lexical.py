"""Lexical (BM25) retrieval over chunk texts, with tokenisation that knows the four languages.

Each chunk is stemmed with the Snowball stemmer of its document's language. A query's language
is not known (experts type English but also Dutch or a French term), so its words are stemmed
with every stemmer and the union is searched: a stem that exists in no chunk costs nothing.
Scores for all chunks are computed and masked by the filters *before* the top-k is cut.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer
from bm25s import stopwords as bm25_stopwords

_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_STEMMER_NAMES = {"en": "english", "nl": "dutch", "fr": "french", "de": "german"}
_STOPWORDS = {
    "en": bm25_stopwords.STOPWORDS_EN,
    "nl": bm25_stopwords.STOPWORDS_DUTCH,
    "fr": bm25_stopwords.STOPWORDS_FRENCH,
    "de": bm25_stopwords.STOPWORDS_GERMAN,
}
QUERY_LANGUAGES = tuple(_STEMMER_NAMES)


@lru_cache(maxsize=8)
def _stemmer(language: str) -> Stemmer.Stemmer | None:
    name = _STEMMER_NAMES.get(language)
    return Stemmer.Stemmer(name) if name else None


@lru_cache(maxsize=8)
def _stopwords(language: str) -> frozenset[str]:
    return frozenset(_fold(w) for w in _STOPWORDS.get(language, ()))


def _fold(word: str) -> str:
    """Lower-case and strip accents so that "réadmission" and "readmission" meet."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokenize(text: str, *, language: str) -> list[str]:
    """Words of `text`, stop words dropped, stemmed in `language` (accent-folded)."""
    stop = _stopwords(language)
    stemmer = _stemmer(language)
    words = [_fold(w) for w in _WORD.findall(text)]
    words = [w for w in words if w not in stop]
    return stemmer.stemWords(words) if stemmer else words


@lru_cache(maxsize=65536)
def word_stem(word: str, language: str) -> str:
    """One word's stem in `language` (accent-folded, lower-case; the folded word itself for a
    language without a stemmer). Forms of a word share it: "requests" and "requested" give
    "request", but "long" and "longer", or "state" and "stateless", stay apart."""
    folded = _fold(word)
    stemmer = _stemmer(language)
    return stemmer.stemWord(folded) if stemmer is not None else folded


def tokenize_query(text: str) -> list[str]:
    """The query's words stemmed in every supported language, without duplicates."""
    # A word that is a stop word in any language ("of", "de", "die") carries no meaning here.
    words = [
        w
        for w in _WORD.findall(text)
        if not any(_fold(w) in _stopwords(lang) for lang in QUERY_LANGUAGES)
    ]
    kept = " ".join(words)
    tokens: list[str] = []
    for language in QUERY_LANGUAGES:
        for token in tokenize(kept, language=language):
            if token not in tokens:
                tokens.append(token)
    return tokens


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: int
    score: float


class LexicalIndex:
    """BM25 over a fixed list of chunks (rebuilt whenever the collection changes)."""

    def __init__(
        self, chunk_ids: Sequence[int], texts: Sequence[str], languages: Sequence[str]
    ) -> None:
        self._ids = np.asarray(chunk_ids, dtype=np.int64)
        self._position = {int(cid): i for i, cid in enumerate(self._ids)}
        self._bm25 = bm25s.BM25()
        corpus = [
            tokenize(t, language=lang) or ["\u2205"]
            for t, lang in zip(texts, languages, strict=True)
        ]
        self._vocabulary = frozenset(token for tokens in corpus for token in tokens)
        if corpus:
            self._bm25.index(corpus, show_progress=False)

    def known_word_share(self, query: str) -> float:
        """The share of the query's content words that occur (stemmed) in some chunk.

        0.0 for nonsense ("zzzz qqq") and for questions about things the corpus never mentions;
        one signal of the relevance floor (`index.relevance`).
        """
        words = [
            w
            for w in _WORD.findall(query)
            if not any(_fold(w) in _stopwords(lang) for lang in QUERY_LANGUAGES)
        ]
        if not words:
            return 0.0
        known = sum(
            1
            for word in words
            if any(
                token in self._vocabulary
                for language in QUERY_LANGUAGES
                for token in tokenize(word, language=language)
            )
        )
        return known / len(words)

    def __len__(self) -> int:
        return len(self._ids)

    def search(
        self,
        query: str,
        *,
        k: int,
        allowed: set[int] | None = None,
        extra_terms: Sequence[str] = (),
    ) -> list[LexicalHit]:
        """Top-k chunks by BM25; `allowed` restricts the chunks before ranking."""
        if not len(self._ids):
            return []
        tokens = tokenize_query(" ".join([query, *extra_terms]))
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        if allowed is not None:
            mask = np.fromiter(
                (int(c) in allowed for c in self._ids), dtype=bool, count=len(self._ids)
            )
            scores = np.where(mask, scores, -np.inf)
        candidates = np.flatnonzero(scores > 0)
        if not len(candidates):
            return []
        top = candidates[np.argsort(-scores[candidates], kind="stable")[:k]]
        return [LexicalHit(chunk_id=int(self._ids[i]), score=float(scores[i])) for i in top]
