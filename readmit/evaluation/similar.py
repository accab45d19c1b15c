"""`readmit similar` ("more like this") measured on hand-labelled clause types.

The labels are tests/labels/slots.jsonl: for each labelled article, the clause types a reader
found in it. For a labelled source article, a result is relevant when it is a labelled article
of another instrument sharing one of the source's clause types; results that are not labelled
are left out of the ranking (a condensed list), since nobody judged them. Reported: MRR (the
mean reciprocal rank of the first relevant result) and hit@3 (a relevant result among the first
three judged ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.taxonomy import OTHER

if TYPE_CHECKING:
    from readmit.service import KnowledgeBase

ArticleKey = tuple[str, str]  # (doc_id, eid)


@dataclass(frozen=True)
class SimilarScore:
    sources: int
    mrr: float
    hit_at_3: float
    misses: tuple[ArticleKey, ...]  # sources with no relevant judged result


def similar_quality(
    kb: KnowledgeBase, labels: Mapping[ArticleKey, set[str]], *, k: int = 20
) -> SimilarScore:
    reciprocal: list[float] = []
    hits3: list[bool] = []
    misses: list[ArticleKey] = []
    for (doc_id, eid), slots in sorted(labels.items()):
        wanted = slots - {OTHER}
        if not wanted or kb.article(doc_id, eid) is None:
            continue
        judged = [
            (hit.doc_id, hit.eid)
            for hit in kb.more_like_this(doc_id, eid, k=k)
            if (hit.doc_id, hit.eid) in labels
        ]
        ranks = [r for r, key in enumerate(judged, start=1) if labels[key] & wanted]
        if not judged:
            continue
        reciprocal.append(1 / ranks[0] if ranks else 0.0)
        hits3.append(bool(ranks) and ranks[0] <= 3)
        if not ranks:
            misses.append((doc_id, eid))
    count = len(reciprocal)
    return SimilarScore(
        sources=count,
        mrr=sum(reciprocal) / count if count else 0.0,
        hit_at_3=sum(hits3) / count if count else 0.0,
        misses=tuple(misses),
    )
