"""Retrieval variants the product does not use, for `readmit eval` and the comparison scripts.

The product's search is `index.retrieval.hybrid.HybridSearcher` with a `SearchConfig`. The
variants measured on the way there (docs/search-quality.md records the figures) stay runnable
here, as overrides of the searcher's hooks, so that the product's search has no branches for
them:

- `balance_languages`: dense search run once per document language and fused;
- `dense_as_typed`: also embed the question as typed and fuse both rankings (two embeddings);
- `derived_expansion_weight`: the expanded query's vector derived from the question's and the
  pre-embedded glossary wordings' (index.retrieval.expansion) instead of a second embedding;
- `expansion_directions_weight`: the question embedded alone and moved along its concepts'
  expansion directions (index.retrieval.expansion_directions), estimated once per model and
  glossary from corpus sentences, instead of embedding the wordings with every question;
- `dense_terms_per_language`: only the first n wordings of each language in the dense query;
- `version_additive`: a language version's lift added to its own score instead of a floor;
- `heading_by_share`: the heading ranking's concept chosen by the share of its mentions that
  are headings.
- `language_centring`: dense scores centred per document language
  (readmit.evaluation.language_centring).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from index.retrieval.expansion import expanded_vector, wording_vectors
from index.retrieval.expansion_directions import (
    SENTENCES_PER_CONCEPT,
    directed_vector,
    expansion_directions,
)
from index.retrieval.glossary import Concept, load_glossary, wordings
from index.retrieval.hybrid import HybridSearcher, SearchConfig
from index.retrieval.query_vectors import query_vector
from index.retrieval.signals import CorpusSignals, propagate_versions
from index.storage import Collection
from index.types import SearchFilters
from readmit.evaluation.language_centring import LanguageMeans, centred_ranking


@dataclass(frozen=True)
class Experiments:
    """The variants' options; the defaults are the product's behaviour."""

    balance_languages: bool = False
    dense_as_typed: bool = False
    derived_expansion_weight: float | None = None
    expansion_directions_weight: float | None = None
    # with the directions: the wordings still embedded with the question when the expanded
    # text has at most this many tokens (None: never)
    expansion_token_budget: int | None = None
    expansion_directions_sentences: int = SENTENCES_PER_CONCEPT  # sentences per concept
    dense_terms_per_language: int | None = None  # None: every wording
    version_additive: bool = False
    # the heading ranking's concept: the one most often a heading for how often it is
    # mentioned (`HeadingConcepts.most_headed`) instead of the one naming fewest headings
    heading_by_share: bool = False
    language_centring: float = 0.0  # share of the language's mean vector taken off (0: off)


_CONFIG_FIELDS = {f.name for f in fields(SearchConfig)}
_EXPERIMENT_FIELDS = {f.name for f in fields(Experiments)}


@dataclass(frozen=True)
class SearchVariant:
    """A product configuration plus experiments: what one row of a comparison searches with."""

    config: SearchConfig = field(default_factory=SearchConfig)
    experiments: Experiments = field(default_factory=Experiments)

    def but(self, **options: Any) -> SearchVariant:
        """This variant with some options changed (SearchConfig's or Experiments' fields)."""
        unknown = set(options) - _CONFIG_FIELDS - _EXPERIMENT_FIELDS
        if unknown:
            raise TypeError(f"unknown search options: {', '.join(sorted(unknown))}")
        config = {k: v for k, v in options.items() if k in _CONFIG_FIELDS}
        experiments = {k: v for k, v in options.items() if k in _EXPERIMENT_FIELDS}
        return SearchVariant(
            replace(self.config, **config), replace(self.experiments, **experiments)
        )

    def searcher(self, collection: Collection) -> HybridSearcher:
        if self.experiments == Experiments():
            return HybridSearcher(collection, config=self.config)
        return ExperimentalSearcher(collection, config=self.config, experiments=self.experiments)


def variant(**options: Any) -> SearchVariant:
    """The product's default with these options changed."""
    return SearchVariant().but(**options)


class ExperimentalSearcher(HybridSearcher):
    """`HybridSearcher` with the hooks the experiments change overridden."""

    def __init__(
        self, collection: Collection, *, config: SearchConfig, experiments: Experiments
    ) -> None:
        super().__init__(collection, config=config)
        self.experiments = experiments
        self._language_means: tuple[int, LanguageMeans] | None = None

    def _dense_terms(self, concepts: tuple[Concept, ...], languages: tuple[str, ...]) -> list[str]:
        if not self.config.dense_expanded:
            return []
        chosen = self.config.dense_expansion_languages or languages
        return wordings(
            concepts,
            per_language=self.experiments.dense_terms_per_language,
            languages=tuple(lang for lang in chosen if lang in languages),
        )

    def _query_vectors(
        self, query: str, concepts: tuple[Concept, ...], languages: tuple[str, ...]
    ) -> list[np.ndarray]:
        if self.experiments.expansion_directions_weight is not None:
            return [self._directed_query_vector(query, concepts, languages)]
        terms = self._dense_terms(concepts, languages)
        weight = self.experiments.derived_expansion_weight
        if not terms:
            return list(self.collection.embedder.encode_queries([query]))
        if weight is not None:  # the question embedded once; its expansion derived
            vectors = list(self.collection.embedder.encode_queries([query]))
            cache = self.collection.cache_folder
            known = wording_vectors(self.collection.embedder, cache_dir=cache)
            derived = expanded_vector(vectors[0], terms, known, weight=weight)
            return vectors if derived is None else [*vectors, derived]
        expanded = f"{query} ({'; '.join(terms)})"
        texts = [query, expanded] if self.experiments.dense_as_typed else [expanded]
        return list(self.collection.embedder.encode_queries(texts))

    def _directed_query_vector(
        self, query: str, concepts: tuple[Concept, ...], languages: tuple[str, ...]
    ) -> np.ndarray:
        """One embedding, the bare question's, moved along its concepts' expansion directions
        (the question's own vector when its concepts add no wordings)."""
        weight = self.experiments.expansion_directions_weight or 0.0
        embedder = self.collection.embedder
        terms = self._dense_terms(concepts, languages)
        budget = self.experiments.expansion_token_budget
        if terms and budget is not None:
            text = self.dense_query_text(query, concepts, languages)
            if embedder.count_tokens(text) <= budget:
                return query_vector(embedder, text)
        vector = query_vector(embedder, query)
        if not terms:
            return vector
        glossary = load_glossary().concepts
        wordings_of = {
            c.key: found for c in glossary if (found := self._dense_terms((c,), languages))
        }
        directions = expansion_directions(
            embedder,
            wordings_of,
            corpus_texts=(chunk.text for chunk in self.collection.iter_chunks()),
            concepts=glossary,
            cache_dir=self.collection.cache_folder,
            per_concept=self.experiments.expansion_directions_sentences,
        )
        chosen = [directions[c.key] for c in concepts if c.key in directions]
        return directed_vector(vector, chosen, weight=weight)

    def _dense_scopes(
        self, filters: SearchFilters | None
    ) -> list[tuple[float, SearchFilters | None]]:
        if not self.experiments.balance_languages:
            return super()._dense_scopes(filters)
        base = filters or SearchFilters()
        languages = sorted({d.language for d in self.collection.list_documents()})
        if base.languages:
            languages = [lang for lang in languages if lang in base.languages]
        weight = self.config.dense_weight
        return [(weight, replace(base, languages=(language,))) for language in languages]

    def _lift_versions(
        self, fused: dict[int, float], units: dict[int, tuple[str, str]], signals: CorpusSignals
    ) -> dict[int, float]:
        return propagate_versions(
            fused,
            units,
            signals,
            share=self.config.version_share,
            additive=self.experiments.version_additive,
        )

    def _headed_chunks(self, concepts: tuple[Concept, ...], *, pool: int) -> tuple[int, ...]:
        if not self.experiments.heading_by_share:
            return super()._headed_chunks(concepts, pool=pool)
        return self.heading_concepts().most_headed(
            concepts, chunks_with=self.lexical_index().chunks_with
        )

    def _dense_ranking(
        self, vector: np.ndarray, pool: int, filters: SearchFilters | None
    ) -> tuple[list[int], float | None]:
        share = self.experiments.language_centring
        if share <= 0:
            return super()._dense_ranking(vector, pool, filters)
        generation = self.collection.generation()
        if self._language_means is None or self._language_means[0] != generation:
            self._language_means = (generation, LanguageMeans.load(self.collection))
        groups = None if filters is None else filters.visible_groups
        return centred_ranking(
            vector,
            pool=pool,
            filters=filters,
            means=self._language_means[1].means(groups),
            share=share,
            rank=lambda v, k, f: self.collection.rank_vectors(v, k=k, filters=f),
        )
