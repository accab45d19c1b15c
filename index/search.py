"""Hybrid retrieval: dense (embeddings) and lexical (BM25) results fused, one hit per article.

Reciprocal rank fusion (RRF) combines the two rankings without calibrating their scores. Both
retrievers apply the filters *before* cutting their candidate lists. Chunks of the same article
count once: the article's score is its best chunk's, and the hit shows that chunk's passage.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from index.backend import CollectionBackend as Collection
from index.glossary import load_glossary, wordings
from index.lexical import LexicalIndex
from index.signals import (
    CorpusSignals,
    clause_type_ranking,
    propagate_versions,
)
from index.types import Hit, SearchFilters
from ingest.chunking import strip_placeholders


@dataclass(frozen=True)
class SearchConfig:
    """How a query is answered; `readmit eval` compares variants of this."""

    dense: bool = True
    lexical: bool = True
    expand_query: bool = True  # glossary expansion of the lexical query
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    rrf_k: int = 10  # chosen on the dev split (docs/search-quality.md)
    candidates: int = 100  # per retriever, before fusion
    per_article: bool = True  # aggregate chunks to their article
    # Dense search run once per document language and fused, so that an English question also
    # brings up the best Dutch, French and German articles instead of only English ones.
    balance_languages: bool = False
    # A second dense query: the question plus its glossary wordings in the other languages, which
    # pulls the embedding towards Dutch/French/German phrasing of the same concepts.
    dense_expanded: bool = True
    # Dutch only: seven in ten documents are Dutch; the French and German wordings lengthen the
    # query (E5 cost grows with it) without a gain on the dev split (docs/search-quality.md).
    dense_expansion_languages: tuple[str, ...] | None = ("nl",)
    dense_terms_per_language: int | None = None  # None: every wording (best on dev; 1 is faster)
    # Measured options (docs/search-quality.md), chosen on the dev split:
    # a ranked article lifts its counterparts in the other language versions by this share of
    # its score;
    version_share: float = 0.5
    # one more ranking: the units of the query's nearest clause types (0: off);
    clause_type_slots: int = 1
    clause_type_weight: float = 1.0

    def describe(self) -> str:
        parts = []
        if self.dense:
            parts.append("dense")
        if self.lexical:
            parts.append("bm25" + ("+glossary" if self.expand_query else ""))
        return " + ".join(parts) + ("" if self.per_article else " (chunks)")


@dataclass(frozen=True)
class SearchOutcome:
    """Hits with the evidence the relevance floor judges them by.

    `best_similarity`: the highest dense similarity (inner product of normalised vectors) of the
    query as typed to any allowed chunk; `known_word_share`: the share of the query's content
    words found in the corpus (`LexicalIndex.known_word_share`). None when that retriever is off.
    """

    hits: list[Hit]
    best_similarity: float | None
    known_word_share: float | None


class HybridSearcher:
    """Answers queries over a `Collection` with the configured mix of retrievers."""

    def __init__(self, collection: Collection, *, config: SearchConfig | None = None) -> None:
        self.collection = collection
        self.config = config or SearchConfig()
        self._lexical: LexicalIndex | None = None
        self._lexical_generation: int | None = None
        self._lock = threading.Lock()
        self._languages: tuple[int, tuple[str, ...]] | None = None
        self._signals: tuple[int, CorpusSignals] | None = None

    def lexical_index(self) -> LexicalIndex:
        """BM25 over the current chunks, rebuilt when the collection has changed."""
        generation = self.collection.generation()
        with self._lock:
            if self._lexical is None or self._lexical_generation != generation:
                languages = {d.doc_id: d.language for d in self.collection.list_documents()}
                ids, texts, langs = [], [], []
                for chunk_id, doc_id, text in self.collection.iter_chunks():
                    ids.append(chunk_id)
                    texts.append(text)
                    langs.append(languages.get(doc_id, "und"))
                self._lexical = LexicalIndex(ids, texts, langs)
                self._lexical_generation = generation
            return self._lexical

    def corpus_languages(self) -> tuple[str, ...]:
        """The languages of the indexed documents (cached per collection generation)."""
        generation = self.collection.generation()
        with self._lock:
            if self._languages is None or self._languages[0] != generation:
                found = sorted({d.language for d in self.collection.list_documents()})
                self._languages = (generation, tuple(found))
            return self._languages[1]

    def signals(self) -> CorpusSignals:
        """Language versions and clause types of the corpus (cached per generation)."""
        generation = self.collection.generation()
        with self._lock:
            if self._signals is None or self._signals[0] != generation:
                self._signals = (generation, CorpusSignals.load(self.collection))
            return self._signals[1]

    def search(self, query: str, *, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        return self.search_with_evidence(query, k=k, filters=filters).hits

    def search_with_evidence(
        self, query: str, *, k: int = 10, filters: SearchFilters | None = None
    ) -> SearchOutcome:
        """The hits and how close the best of them is (for the relevance floor)."""
        config = self.config
        best_similarity: float | None = None
        pool = max(config.candidates, k * 5)
        rankings: list[tuple[float, list[int]]] = []
        dense_hits: dict[int, Hit] = {}
        wants_glossary = config.expand_query or (config.dense and config.dense_expanded)
        # Expansion adds other languages' wordings: only those the corpus holds, and none on a
        # one-language corpus, where a treaty glossary's synonyms only add noise.
        languages = self.corpus_languages()
        if len(languages) < 2:
            wants_glossary = False
        concepts = load_glossary().matching(query) if wants_glossary else ()
        if config.dense:
            texts = [query]
            dense_terms = wordings(
                concepts,
                per_language=config.dense_terms_per_language,
                languages=tuple(
                    lang
                    for lang in (config.dense_expansion_languages or languages)
                    if lang in languages
                ),
            )
            if config.dense_expanded and dense_terms:
                texts.append(f"{query} ({'; '.join(dense_terms)})")
            vectors = list(self.collection.embedder.encode_queries(texts))
            for number, vector in enumerate(vectors):
                for weight, scoped in self._dense_scopes(filters):
                    hits = self.collection.search_vectors(vector, k=pool, filters=scoped)
                    if number == 0 and hits:  # the question as typed, not its expansion
                        top = max(h.score for h in hits)
                        best_similarity = max(best_similarity or top, top)
                    dense_hits.update({h.chunk_id: h for h in hits})
                    rankings.append((weight, [h.chunk_id for h in hits]))
            if config.clause_type_slots > 0 and rankings:
                units = {cid: (h.doc_id, h.eid) for cid, h in dense_hits.items()}
                typed = clause_type_ranking(
                    vectors[0],
                    self.signals(),
                    self.collection,
                    rankings[0][1],
                    units,
                    slots=config.clause_type_slots,
                )
                rankings.append((config.clause_type_weight, self._allowed(typed, filters)))
        if config.lexical:
            allowed = (
                None
                if filters is None or filters.is_empty
                else self.collection.allowed_chunk_ids(filters)
            )
            expansions = wordings(concepts, languages=languages) if config.expand_query else []
            lexical = self.lexical_index().search(
                query, k=pool, allowed=allowed, extra_terms=expansions
            )
            rankings.append((config.lexical_weight, [h.chunk_id for h in lexical]))
        fused = _reciprocal_rank_fusion(rankings, rrf_k=config.rrf_k)
        ordered = sorted(fused, key=lambda cid: -fused[cid])
        # Every hit from ONE read snapshot: while a re-index runs, the dense and lexical rankings
        # may come from different generations, but the texts shown must not mix versions.
        known = {h.chunk_id: h for h in self.collection.hits_for_chunks(ordered)}
        if config.version_share > 0:
            units = {cid: (h.doc_id, h.eid) for cid, h in known.items()}
            lifted = propagate_versions(fused, units, self.signals(), share=config.version_share)
            added = self._allowed([cid for cid in lifted if cid not in fused], filters)
            known.update({h.chunk_id: h for h in self.collection.hits_for_chunks(added)})
            fused = {cid: lifted[cid] for cid in [*fused, *added]}
            ordered = sorted(fused, key=lambda cid: -fused[cid])
        results: list[Hit] = []
        seen_articles: set[tuple[str, str]] = set()
        for chunk_id in ordered:
            hit = known.get(chunk_id)
            if hit is None or _only_placeholders(hit.text):
                continue
            article_key = (hit.doc_id, hit.eid)
            if config.per_article and article_key in seen_articles:
                continue
            seen_articles.add(article_key)
            results.append(replace(hit, rank=len(results) + 1, score=fused[chunk_id]))
            if len(results) == k:
                break
        known_share = self.lexical_index().known_word_share(query) if config.lexical else None
        return SearchOutcome(
            hits=results, best_similarity=best_similarity, known_word_share=known_share
        )

    def _allowed(self, chunk_ids: list[int], filters: SearchFilters | None) -> list[int]:
        """The chunk ids a search with these filters may return, in order."""
        if filters is None or filters.is_empty:
            return chunk_ids
        allowed = self.collection.allowed_chunk_ids(filters)
        return [cid for cid in chunk_ids if cid in allowed]

    def _dense_scopes(
        self, filters: SearchFilters | None
    ) -> list[tuple[float, SearchFilters | None]]:
        """The filtered searches the dense retriever runs, with their fusion weights."""
        if not self.config.balance_languages:
            return [(self.config.dense_weight, filters)]
        base = filters or SearchFilters()
        languages = sorted({d.language for d in self.collection.list_documents()})
        if base.languages:
            languages = [lang for lang in languages if lang in base.languages]
        return [
            (self.config.dense_weight, replace(base, languages=(language,)))
            for language in languages
        ]


def _only_placeholders(chunk_text: str) -> bool:
    """A chunk of an index built before chunking dropped editorial placeholders, whose body
    (after its citation line) is nothing but "[illustration … not reproduced]" lines."""
    _citation, _, body = chunk_text.partition("\n")
    return bool(body.strip()) and not strip_placeholders(body)


def _reciprocal_rank_fusion(
    rankings: list[tuple[float, list[int]]], *, rrf_k: int
) -> dict[int, float]:
    scores: dict[int, float] = {}
    for weight, ranked in rankings:
        for position, chunk_id in enumerate(ranked):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (rrf_k + position + 1)
    return scores
