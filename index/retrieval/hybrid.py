"""Hybrid retrieval: dense (embeddings) and lexical (BM25) results fused, one hit per article.

Reciprocal rank fusion (RRF) combines the two rankings without calibrating their scores. Both
retrievers apply the filters *before* cutting their candidate lists. Chunks of the same article
count once: the article's score is its best chunk's, and the hit shows that chunk's passage.

BM25 is saved next to the index (`bm25.g<generation>/`) by whoever builds it first for a
generation (the ingest run, at its end), and memory-mapped by every later process.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.durable import remove_path, remove_stale
from index.retrieval.glossary import Concept, bridge_wordings, load_glossary, wordings
from index.retrieval.headings import HeadingConcepts
from index.retrieval.lexical import LEXICAL_FOLDER_PREFIX, LexicalCacheError, LexicalIndex
from index.retrieval.query_vectors import query_vector
from index.retrieval.signals import (
    CorpusSignals,
    clause_type_ranking,
    nearest_clause_types,
    propagate_versions,
)
from index.storage.collection import Collection
from index.storage.visibility import is_visible
from index.types import Hit, SearchFilters
from ingest.chunking import strip_placeholders

log = logging.getLogger(__name__)

LEXICAL_PREFIX = LEXICAL_FOLDER_PREFIX
# Stages of one search, in order, as reported in `StageTimes` (scripts/bench.py prints them).
STAGES = ("query embedding", "dense", "clause types", "bm25", "fusion", "hit assembly")
StageTimes = dict[str, float]  # stage -> milliseconds, summed over the search


@dataclass(frozen=True)
class SearchConfig:
    """How the product answers a query; `readmit eval` compares variants of this.

    Variants the product does not use (per-language dense search, a second embedding of the
    question as typed, derived expansion vectors, ...) live with the evaluation code
    (readmit/evaluation/search_variants.py), which overrides the hooks of `HybridSearcher`.
    """

    dense: bool = True
    lexical: bool = True
    expand_query: bool = True  # glossary expansion of the lexical query
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    rrf_k: int = 10  # chosen on the dev split (docs/search-quality.md)
    candidates: int = 100  # per retriever, before fusion
    per_article: bool = True  # aggregate chunks to their article
    # The dense query is the question plus its glossary wordings in the other languages, which
    # pulls the embedding towards Dutch/French/German phrasing of the same concepts.
    dense_expanded: bool = True
    # Dutch only: seven in ten documents are Dutch; the French and German wordings lengthen the
    # query (E5 cost grows with it) without a gain on the dev split (docs/search-quality.md).
    dense_expansion_languages: tuple[str, ...] | None = ("nl",)
    # Measured options (docs/search-quality.md), chosen on the dev split:
    # a ranked article lifts its counterparts in the other language versions to at least this
    # share of its score (0: off);
    version_share: float = 0.5
    # one more ranking: the units of the query's nearest clause types (0: off).
    clause_type_slots: int = 1
    clause_type_weight: float = 1.0
    # >0: that weight times the share of the dense top n that are units of those clause types.
    clause_type_confirm: int = 10
    # One more ranking (0: off): the chunks whose heading names the question's most specific
    # glossary concept, in the dense retriever's order (index/retrieval/headings.py). A short
    # article headed "Bevoegde autoriteiten" then outranks a long procedure article that
    # mentions competent authorities in passing. 0.25 chosen on the dev splits of
    # tests/eval/queries.jsonl and tests/eval/admin.jsonl (docs/search-quality.md).
    heading_weight: float = 0.25
    # A question that names its concepts only in a language holding no treaty (Thai,
    # Vietnamese, Chinese, Indonesian over this corpus) gets one more dense ranking (0: off):
    # its concepts' wordings in the treaty languages, embedded on their own
    # (`index.retrieval.glossary.bridge_wordings`); the dense model otherwise ranks the
    # question's own-language national laws first. Chosen on the dev splits
    # (docs/search-quality.md).
    bridge_weight: float = 1.0
    # ... and one more BM25 ranking of those wordings alone (0: off).
    bridge_lexical_weight: float = 1.0

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
    first embedded query (the question, with its glossary wordings when it has some) to any
    allowed chunk; `known_word_share`: the share of the query's content
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
        self._languages: tuple[int, dict[tuple[str, ...] | None, tuple[str, ...]]] | None = None
        self._signals: tuple[int, CorpusSignals] | None = None
        self._hidden: dict[tuple[str, ...], tuple[int, frozenset[int]]] = {}
        self._headings: tuple[int, HeadingConcepts] | None = None

    def lexical_index(self) -> LexicalIndex:
        """BM25 over the current chunks: the saved one for this generation, else built (and saved
        for the next process)."""
        generation = self.collection.generation()
        with self._lock:
            if self._lexical is None or self._lexical_generation != generation:
                self._lexical = self._load_or_build_lexical(generation)
                self._lexical_generation = generation
            return self._lexical

    def prepare(self) -> None:
        """Build (and, for a folder index, save) what a first search needs: BM25, the corpus
        signals and the heading concepts; an ingest calls it so that no later process pays
        for them (at a million chunks the signals and headings alone took about 25 s)."""
        self.lexical_index()
        self.signals()
        self.heading_concepts()

    def corpus_languages(self, visible_groups: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """The languages of the indexed documents a viewer in `visible_groups` may see (None:
        every document), cached per collection generation: a hidden document's language must
        not change how a viewer's query is expanded."""
        generation = self.collection.generation()
        key = None if visible_groups is None else tuple(sorted(visible_groups))
        with self._lock:
            if self._languages is None or self._languages[0] != generation:
                self._languages = (generation, {})
            cached = self._languages[1].get(key)
            if cached is not None:
                return cached
        found = self.signals().corpus_languages(key)  # saved per generation beside the index
        with self._lock:
            if self._languages[0] == generation:
                self._languages[1][key] = found
        return found

    def signals(self) -> CorpusSignals:
        """Language versions and clause types of the corpus (cached per generation)."""
        generation = self.collection.generation()
        with self._lock:
            if self._signals is None or self._signals[0] != generation:
                self._signals = (generation, CorpusSignals.load(self.collection))
            return self._signals[1]

    def heading_concepts(self) -> HeadingConcepts:
        """Which chunks' headings name which glossary concept (cached per generation)."""
        generation = self.collection.generation()
        with self._lock:
            if self._headings is not None and self._headings[0] == generation:
                return self._headings[1]
        built = HeadingConcepts.load(self.collection, load_glossary())  # saved per generation
        with self._lock:
            self._headings = (generation, built)
        return built

    def _hidden_chunks(self, filters: SearchFilters | None) -> frozenset[int]:
        """The chunks of documents a viewer with `filters.visible_groups` may not see (cached
        per generation and groups): the vocabulary signal must not count their words."""
        groups = None if filters is None else filters.visible_groups
        if groups is None:
            return frozenset()
        key = tuple(sorted(groups))
        generation = self.collection.generation()
        with self._lock:
            cached = self._hidden.get(key)
            if cached is not None and cached[0] == generation:
                return cached[1]
        hidden_docs = tuple(
            d.doc_id for d in self.collection.list_documents() if not is_visible(d.visibility, key)
        )
        hidden = (
            frozenset(self.collection.allowed_chunk_ids(SearchFilters(doc_ids=hidden_docs)))
            if hidden_docs
            else frozenset()
        )
        with self._lock:
            self._hidden[key] = (generation, hidden)
        return hidden

    def _lexical_folder(self, generation: int) -> Path | None:
        """Where BM25 over every chunk is saved: beside a folder index. A searcher over a
        restricted view (index.storage.visibility) or a server index keeps its own in memory
        (a server index is shared by machines that do not share a folder)."""
        folder = self.collection.cache_folder
        return None if folder is None else folder / f"{LEXICAL_PREFIX}{generation}"

    def _index_id(self) -> str | None:
        """The id a saved BM25 folder must carry to be this index's (index.binding)."""
        return self.collection.index_id()

    def _load_or_build_lexical(self, generation: int) -> LexicalIndex:
        folder = self._lexical_folder(generation)
        if folder is not None and folder.exists():
            try:
                return LexicalIndex.load(folder, generation=generation, index_id=self._index_id())
            except LexicalCacheError as error:
                log.warning("BM25 index refused: %s; rebuilding it", error)
                remove_path(folder)
        languages = {d.doc_id: d.language for d in self.collection.list_documents()}
        ids, texts, langs = [], [], []
        for chunk_id, doc_id, text in self.collection.iter_chunks():
            ids.append(chunk_id)
            texts.append(text)
            langs.append(languages.get(doc_id, "und"))
        built = LexicalIndex(ids, texts, langs)
        # Only a snapshot that still is the current generation may be saved under its number.
        if folder is not None and self.collection.generation() == generation:
            self._save_lexical(built, folder, generation)
        return built

    def _save_lexical(self, built: LexicalIndex, folder: Path, generation: int) -> None:
        try:
            built.save(folder, generation=generation, index_id=self._index_id())
        except OSError as error:  # a read-only or full disk: search still works from memory
            log.warning("cannot save the BM25 index: %s", error)
            return
        for old in folder.parent.glob(f"{LEXICAL_PREFIX}*"):
            number = old.name.removeprefix(LEXICAL_PREFIX)
            if number.isdigit() and int(number) < generation:
                shutil.rmtree(old, ignore_errors=True)  # open memory maps stay valid
        # Temp folders of a killed writer, surely not in use after an hour; another process's
        # may vanish between the listing and the look at it (index.durable.remove_stale).
        cutoff = time.time() - 3600
        remove_stale(folder.parent.glob(f".{LEXICAL_PREFIX}*.tmp"), older_than=cutoff)

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        filters: SearchFilters | None = None,
        timings: StageTimes | None = None,
    ) -> list[Hit]:
        return self.search_with_evidence(query, k=k, filters=filters, timings=timings).hits

    def search_with_evidence(
        self,
        query: str,
        *,
        k: int = 10,
        filters: SearchFilters | None = None,
        timings: StageTimes | None = None,
    ) -> SearchOutcome:
        """The hits and how close the best of them is (for the relevance floor); `timings`, if
        given, receives milliseconds per stage (STAGES)."""
        config = self.config
        stage = _StageClock(timings)
        pool = max(config.candidates, k * 5)
        languages = self.corpus_languages(None if filters is None else filters.visible_groups)
        concepts = self._concepts(query, languages)
        bridge = self._bridge_terms(query, concepts, filters)
        rankings: list[tuple[float, list[int]]] = []
        best_similarity: float | None = None
        vectors: list[np.ndarray] = []
        if config.dense:
            with stage("query embedding"):
                vectors = self._query_vectors(query, concepts, languages)
                bridged = self._bridge_vector(bridge)
            with stage("dense"):
                best_similarity = self._dense_rankings(vectors, pool, filters, into=rankings)
                if bridged is not None:
                    ranked, _ = self._dense_ranking(bridged, pool, filters)
                    rankings.append((config.bridge_weight, ranked))
        with stage("clause types"):
            if vectors and config.clause_type_slots > 0 and rankings:
                weight, typed = self._clause_type_ranking(
                    vectors[0], rankings[0][1], filters=filters
                )
                if typed:
                    rankings.append((weight, typed))
        with stage("bm25"):
            if config.lexical:
                lexical = self._lexical_ranking(
                    query, concepts, languages=languages, pool=pool, filters=filters
                )
                rankings.append((config.lexical_weight, lexical))
                if bridge and config.bridge_lexical_weight > 0:
                    rankings.append(
                        (
                            config.bridge_lexical_weight,
                            self._lexical_ranking(
                                "; ".join(bridge),
                                (),
                                languages=languages,
                                pool=pool,
                                filters=filters,
                            ),
                        )
                    )
            if config.lexical and config.heading_weight > 0 and concepts:
                headed = self._heading_ranking(
                    concepts,
                    pool=pool,
                    filters=filters,
                    dense_ranking=rankings[0][1] if vectors else [],
                )
                if headed:
                    rankings.append((config.heading_weight, headed))
        with stage("fusion"):
            fused = fuse_rankings(rankings, config=config)
            ordered = sorted(fused, key=lambda cid: -fused[cid])
        with stage("hit assembly"):
            results = self._assemble(ordered, fused, k=k, filters=filters)
        known_share = (
            self.lexical_index().known_word_share(query, hidden=self._hidden_chunks(filters))
            if config.lexical
            else None
        )
        return SearchOutcome(
            hits=results, best_similarity=best_similarity, known_word_share=known_share
        )

    def _concepts(self, query: str, languages: tuple[str, ...]) -> tuple[Concept, ...]:
        """The glossary concepts the query names. Expansion adds other languages' wordings:
        only those the corpus holds, and none on a one-language corpus, where a treaty
        glossary's synonyms only add noise."""
        config = self.config
        wanted = config.expand_query or (config.dense and config.dense_expanded)
        if not wanted or len(languages) < 2:
            return ()
        return load_glossary().matching(query)

    def _bridge_terms(
        self, query: str, concepts: tuple[Concept, ...], filters: SearchFilters | None
    ) -> list[str]:
        """The treaty-language wordings of a question that names its concepts only in a
        language the viewer can see no treaty in (`bridge_wordings`); none when bridging is off."""
        config = self.config
        if not concepts or (config.bridge_weight <= 0 and config.bridge_lexical_weight <= 0):
            return []
        groups = None if filters is None else filters.visible_groups
        treaty_languages = self.signals().treaty_languages(groups)
        if not treaty_languages:
            return []
        return bridge_wordings(
            query, concepts, glossary=load_glossary(), treaty_languages=treaty_languages
        )

    def _bridge_vector(self, bridge: list[str]) -> np.ndarray | None:
        """The embedding of the bridge wordings (None: no bridge)."""
        if not bridge or self.config.bridge_weight <= 0:
            return None
        return query_vector(self.collection.embedder, "; ".join(bridge))

    def _dense_terms(self, concepts: tuple[Concept, ...], languages: tuple[str, ...]) -> list[str]:
        """The wordings the dense query is expanded with."""
        if not self.config.dense_expanded:
            return []
        chosen = self.config.dense_expansion_languages or languages
        return wordings(concepts, languages=tuple(lang for lang in chosen if lang in languages))

    def _query_vectors(
        self, query: str, concepts: tuple[Concept, ...], languages: tuple[str, ...]
    ) -> list[np.ndarray]:
        """The dense query vectors; the first is the one the relevance floor judges. One
        embedding: the question followed by its glossary wordings."""
        return [
            query_vector(
                self.collection.embedder, self.dense_query_text(query, concepts, languages)
            )
        ]

    def dense_query_text(
        self, query: str, concepts: tuple[Concept, ...], languages: tuple[str, ...]
    ) -> str:
        """The text embedded as the dense query: the question followed by its wordings."""
        terms = self._dense_terms(concepts, languages)
        return f"{query} ({'; '.join(terms)})" if terms else query

    def _dense_scopes(
        self, filters: SearchFilters | None
    ) -> list[tuple[float, SearchFilters | None]]:
        """The filtered searches the dense retriever runs, with their fusion weights."""
        return [(self.config.dense_weight, filters)]

    def _dense_rankings(
        self,
        vectors: list[np.ndarray],
        pool: int,
        filters: SearchFilters | None,
        *,
        into: list[tuple[float, list[int]]],
    ) -> float | None:
        """Append each vector's ranking in each scope to `into`; returns the best similarity of
        the first vector (None: nothing allowed)."""
        best: float | None = None
        for number, vector in enumerate(vectors):
            for weight, scoped in self._dense_scopes(filters):
                ranked, top = self._dense_ranking(vector, pool, scoped)
                if number == 0 and top is not None:  # the dense query, not a derived one
                    best = max(best or top, top)
                into.append((weight, ranked))
        return best

    def _dense_ranking(
        self, vector: np.ndarray, pool: int, filters: SearchFilters | None
    ) -> tuple[list[int], float | None]:
        """One dense ranking and its best raw similarity (the relevance floor's evidence)."""
        ranked, scores = self.collection.rank_vectors(vector, k=pool, filters=filters)
        return ranked, (scores[0] if scores else None)

    def _lexical_ranking(
        self,
        query: str,
        concepts: tuple[Concept, ...],
        *,
        languages: tuple[str, ...],
        pool: int,
        filters: SearchFilters | None,
    ) -> list[int]:
        allowed = (
            None
            if filters is None or filters.is_empty
            else self.collection.allowed_chunk_ids(filters)
        )
        expansions = wordings(concepts, languages=languages) if self.config.expand_query else []
        lexical = self.lexical_index().search(
            query, k=pool, allowed=allowed, extra_terms=expansions
        )
        return [h.chunk_id for h in lexical]

    def _heading_ranking(
        self,
        concepts: tuple[Concept, ...],
        *,
        pool: int,
        filters: SearchFilters | None,
        dense_ranking: list[int],
    ) -> list[int]:
        """The chunks whose heading names the question's most specific concept
        (`HeadingConcepts.most_specific`), those the dense retriever found first in its order."""
        headed = self._headed_chunks(concepts, pool=pool)
        if not headed:
            return []
        place = {cid: position for position, cid in enumerate(dense_ranking)}
        ordered = sorted(headed, key=lambda cid: place.get(cid, len(place)))
        return self._allowed(ordered, filters)

    def _headed_chunks(self, concepts: tuple[Concept, ...], *, pool: int) -> tuple[int, ...]:
        """The chunks headed by the question's most specific concept."""
        return self.heading_concepts().most_specific(concepts, fewer_than=pool)

    def _clause_type_ranking(
        self, query_vector: np.ndarray, dense_ranking: list[int], *, filters: SearchFilters | None
    ) -> tuple[float, list[int]]:
        """One more ranking for the fusion, with its weight: the units of the query's nearest
        clause types. With `clause_type_confirm` = n the weight is scaled by the share of the
        dense top n that are such units: a question the dense retriever answers from
        elsewhere (a policy guide's section, which has no treaty clause type) gets little.
        Only hits in a language the corpus holds treaties in are counted: the dense model ranks
        the question's own language first, so an Indonesian question's top n are Indonesian
        national laws, which cannot show whether a treaty clause answers it."""
        config = self.config
        signals = self.signals()
        if not signals.slot_units:
            return 0.0, []
        nearest = nearest_clause_types(
            query_vector, self.collection, slots=config.clause_type_slots
        )
        hits = self.collection.hits_for_chunks(dense_ranking)
        units = {h.chunk_id: (h.doc_id, h.eid) for h in hits}
        ranking = self._allowed(
            clause_type_ranking(nearest, signals, dense_ranking, units), filters
        )
        weight = config.clause_type_weight
        if config.clause_type_confirm > 0:
            comparable = signals.precedent_languages
            top = [h.chunk_id for h in hits if comparable is None or h.language in comparable][
                : config.clause_type_confirm
            ]
            typed = set(ranking)
            weight *= sum(cid in typed for cid in top) / (len(top) or 1)
        return weight, ranking

    def _assemble(
        self,
        ordered: list[int],
        fused: dict[int, float],
        *,
        k: int,
        filters: SearchFilters | None,
    ) -> list[Hit]:
        """The first k hits of `ordered`, one per article unless configured otherwise; with
        `version_share`, ranked articles first lift their other language versions."""
        # Every hit from ONE read snapshot: while a re-index runs, the dense and lexical rankings
        # may come from different generations, but the texts shown must not mix versions.
        known = {h.chunk_id: h for h in self.collection.hits_for_chunks(ordered)}
        signals = self.signals() if self.config.version_share > 0 else None
        if signals is not None and signals.versions:
            units = {cid: (h.doc_id, h.eid) for cid, h in known.items()}
            lifted = self._lift_versions(fused, units, signals)
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
            if self.config.per_article and article_key in seen_articles:
                continue
            seen_articles.add(article_key)
            results.append(replace(hit, rank=len(results) + 1, score=fused[chunk_id]))
            if len(results) == k:
                break
        return results

    def _allowed(self, chunk_ids: list[int], filters: SearchFilters | None) -> list[int]:
        """The chunk ids a search with these filters may return, in order."""
        if filters is None or filters.is_empty:
            return chunk_ids
        allowed = self.collection.allowed_chunk_ids(filters)
        return [cid for cid in chunk_ids if cid in allowed]

    def _lift_versions(
        self, fused: dict[int, float], units: dict[int, tuple[str, str]], signals: CorpusSignals
    ) -> dict[int, float]:
        """A ranked article lifts its other language versions to at least `version_share` of
        its score (a floor: an article found in both versions is not lifted above one that has
        no twin)."""
        return propagate_versions(
            fused, units, signals, share=self.config.version_share, additive=False
        )


def _only_placeholders(chunk_text: str) -> bool:
    """A chunk of an index built before chunking dropped editorial placeholders, whose body
    (after its citation line) is nothing but "[illustration … not reproduced]" lines."""
    _citation, _, body = chunk_text.partition("\n")
    return bool(body.strip()) and not strip_placeholders(body)


def fuse_rankings(
    rankings: Sequence[tuple[float, Sequence[int]]], *, config: SearchConfig
) -> dict[int, float]:
    """The fused score of every ranked chunk: weighted reciprocal rank fusion."""
    return _reciprocal_rank_fusion(rankings, rrf_k=config.rrf_k)


def _reciprocal_rank_fusion(
    rankings: Sequence[tuple[float, Sequence[int]]], *, rrf_k: int
) -> dict[int, float]:
    scores: dict[int, float] = {}
    for weight, ranked in rankings:
        for position, chunk_id in enumerate(ranked):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (rrf_k + position + 1)
    return scores


class _StageClock:
    """`with clock("dense"): ...` adds the block's milliseconds to `timings["dense"]`."""

    def __init__(self, timings: StageTimes | None) -> None:
        self._timings = timings

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self._timings is None:
            yield
            return
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self._timings[name] = self._timings.get(name, 0.0) + elapsed
