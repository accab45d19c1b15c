"""Dense scores without the model's preference for the question's own language (an experiment:
`readmit.evaluation.search_variants`, option `language_centring`; measured, not adopted).

Multilingual E5 puts texts of one language near each other: every chunk of a language shares a
component, its language's mean vector. A question's similarity to a chunk is therefore raised
for chunks in the question's language, whatever they say: a Thai question about readmission
ranks the Thai Communicable Disease Act above every treaty, and an English question about
China's Nationality Law ranks English treaty articles above the Chinese law.

Centring removes that shared component (Libovický et al., "On the Language Neutrality of
Pre-trained Multilingual Representations", 2020): a chunk of language L scores
q·d − share · q·c_L, c_L the mean vector of L's chunks. It needs one dense search per document
language (the offset is constant within a language, so each language's own order is kept) and
the per-language means, which depend on the index alone (`LanguageMeans`, computed once per
generation from the stored vectors, no embedding).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from index.storage.collection import Collection
from index.storage.visibility import is_visible
from index.types import SearchFilters


@dataclass(frozen=True)
class LanguageMeans:
    """Per document: its language, its visibility and the sum and count of its chunk vectors
    (so that the mean of a viewer's visible documents leaves hidden ones out)."""

    documents: Mapping[str, tuple[str, tuple[str, ...], np.ndarray, int]]

    @classmethod
    def load(cls, collection: Collection) -> LanguageMeans:
        records = collection.list_documents()
        sums: dict[str, tuple[str, tuple[str, ...], np.ndarray, int]] = {}
        for record in records:
            vectors = [
                vector
                for _chunk, vector in collection.storage.chunk_vectors([record.doc_id])
                if vector is not None
            ]
            if vectors:
                total = np.sum(np.asarray(vectors, dtype=np.float64), axis=0)
                sums[record.doc_id] = (
                    record.language,
                    tuple(record.visibility),
                    total,
                    len(vectors),
                )
        return cls(documents=sums)

    def means(self, visible_groups: tuple[str, ...] | None) -> dict[str, np.ndarray]:
        """language → mean vector of the chunks a viewer in `visible_groups` may see."""
        totals: dict[str, tuple[np.ndarray, int]] = {}
        for language, visibility, total, count in self.documents.values():
            if visible_groups is not None and not is_visible(visibility, visible_groups):
                continue
            found = totals.get(language)
            totals[language] = (
                (total, count) if found is None else (found[0] + total, found[1] + count)
            )
        return {
            language: (total / count).astype(np.float32)
            for language, (total, count) in totals.items()
        }


Ranker = Callable[[np.ndarray, int, SearchFilters | None], tuple[list[int], list[float]]]


def centred_ranking(
    vector: np.ndarray,
    *,
    pool: int,
    filters: SearchFilters | None,
    means: Mapping[str, np.ndarray],
    share: float,
    rank: Ranker,
) -> tuple[list[int], float | None]:
    """The chunk ids of one dense search ranked by centred score, and the best raw similarity.

    One search per language the filters allow (each keeps its language's own order), merged by
    q·d − share · q·c_L and cut to `pool`."""
    base = filters or SearchFilters()
    languages = [lang for lang in sorted(means) if not base.languages or lang in base.languages]
    scored: list[tuple[float, int]] = []
    best: float | None = None
    for language in languages:
        ranked, scores = rank(vector, pool, replace(base, languages=(language,)))
        if scores:
            best = scores[0] if best is None else max(best, scores[0])
        offset = share * float(np.dot(vector, means[language]))
        scored.extend(
            (score - offset, chunk_id) for chunk_id, score in zip(ranked, scores, strict=True)
        )
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [chunk_id for _score, chunk_id in scored[:pool]], best
