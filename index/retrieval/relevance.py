"""The relevance floor: whether the best hit of a search is a good match at all.

Fused ranks (RRF) say which hit is best, never whether any is good: a nonsense query
("zzzz qqq") still gets ten results. Two absolute signals from `SearchOutcome` decide:

- `best_similarity`, the dense similarity of the query as typed to its nearest chunk. E5 puts
  every text fairly close to every other (nonsense still scores about 0.75), so only a high
  value counts on its own;
- `known_word_share`, the share of the query's content words that occur in the documents the
  viewer may see (after stemming in the four languages; a word that only a hidden document
  uses counts as unknown). A question in the corpus's vocabulary is about its subject
  even when its wording is far from any article; a nonsense or out-of-domain query has none.

A search is a good match when the similarity is at least `strong_similarity`, or at least
`min_similarity` with at least `min_known_share` of its words known. The thresholds are
calibrated by `scripts/relevance_floor.py` on the dev split of the evaluation queries (which all
have relevant articles) and of `tests/eval/no_match_queries.jsonl` (nonsense and out-of-domain
questions in four languages); docs/search-quality.md gives the false-alarm and miss rates.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.retrieval.hybrid import SearchOutcome


@dataclass(frozen=True)
class RelevanceFloor:
    """Thresholds of one embedding model; without similarity thresholds, vocabulary only."""

    strong_similarity: float | None
    min_similarity: float | None
    min_known_share: float

    def is_good_match(self, outcome: SearchOutcome) -> bool:
        if not outcome.hits:
            return False
        similarity = outcome.best_similarity
        if (
            self.strong_similarity is not None
            and similarity is not None
            and similarity >= self.strong_similarity
        ):
            return True
        share = outcome.known_word_share
        known = share is None or share >= self.min_known_share
        if self.min_similarity is None or similarity is None:
            return known and share is not None
        return similarity >= self.min_similarity and known


# Calibrated for multilingual-e5-small (the default model) by scripts/relevance_floor.py.
E5_FLOOR = RelevanceFloor(strong_similarity=0.88, min_similarity=0.82, min_known_share=0.6)
# Any other model (MiniLM, the hashing test embedder): its similarities are on another scale
# and uncalibrated, so only the vocabulary decides.
VOCABULARY_FLOOR = RelevanceFloor(strong_similarity=None, min_similarity=None, min_known_share=0.6)
_CALIBRATED = {"multilingual-e5-small": E5_FLOOR}


def floor_for(model_name: str) -> RelevanceFloor:
    """The relevance floor of the model an index was built with."""
    return _CALIBRATED.get(model_name, VOCABULARY_FLOOR)
