"""Search quality on a graded query set: nDCG@10, precision, recall, MRR and cross-language share.

The query file is JSONL (see tests/eval/README.md): each line has `id`, `query`, `language`,
`split` and `relevant`, a list of {doc_id, eid, grade} with grade 3 (answers it), 2 (substantially
relevant) or 1 (marginal). Hits are matched to judgements by (doc_id, eid), i.e. at article level.
For precision, recall and MRR an article counts as relevant at any grade; nDCG uses the grades.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.types import Hit

SearchFunction = Callable[[str, int], Sequence[Hit]]


@dataclass(frozen=True)
class EvalQuery:
    query_id: str
    text: str
    language: str
    split: str
    grades: dict[tuple[str, str], int]  # (doc_id, eid) → grade


@dataclass(frozen=True)
class QueryScore:
    query_id: str
    text: str
    ndcg: float
    precision: float
    recall: float
    reciprocal_rank: float
    other_language_share: (
        float  # of the relevant hits in the top k, share not in the query's language
    )
    relevant_found: int


@dataclass(frozen=True)
class EvalSummary:
    k: int
    queries: int
    ndcg: float
    precision: float
    recall: float
    mrr: float
    other_language_share: float
    per_query: tuple[QueryScore, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "k": self.k,
            "queries": self.queries,
            f"ndcg@{self.k}": round(self.ndcg, 4),
            f"precision@{self.k}": round(self.precision, 4),
            f"recall@{self.k}": round(self.recall, 4),
            "mrr": round(self.mrr, 4),
            "other_language_share": round(self.other_language_share, 4),
        }


class QuerySetError(ValueError):
    """A query set file that cannot be read; the message names the file and the line."""


def load_queries(path: Path, *, split: str | None = None) -> list[EvalQuery]:
    """Read the JSONL query set, optionally only one split ("dev" or "heldout")."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        number = data[: error.start].count(b"\n") + 1
        raise QuerySetError(f"{path}:{number}: not UTF-8 text") from None
    queries: list[EvalQuery] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            query = EvalQuery(
                query_id=str(raw["id"]),
                text=str(raw["query"]),
                language=str(raw.get("language", "en")),
                split=str(raw.get("split", "dev")),
                grades={(r["doc_id"], r["eid"]): int(r["grade"]) for r in raw["relevant"]},
            )
        except (KeyError, TypeError, ValueError) as error:
            raise QuerySetError(f"{path}:{number}: not a valid query line ({error})") from None
        if split is None or query.split == split:
            queries.append(query)
    return queries


def score_query(query: EvalQuery, hits: Sequence[Hit], *, k: int) -> QueryScore:
    top = list(hits)[:k]
    # An article counts once: a second chunk of an already-found article gains nothing.
    seen: set[tuple[str, str]] = set()
    gains: list[int] = []
    for hit in top:
        key = (hit.doc_id, hit.eid)
        gains.append(0 if key in seen else query.grades.get(key, 0))
        seen.add(key)
    ideal = sorted(query.grades.values(), reverse=True)[:k]
    ideal_dcg = _dcg(ideal)
    relevant_hits = [hit for hit, gain in zip(top, gains, strict=True) if gain > 0]
    first = next((rank for rank, gain in enumerate(gains, start=1) if gain > 0), None)
    return QueryScore(
        query_id=query.query_id,
        text=query.text,
        ndcg=_dcg(gains) / ideal_dcg if ideal_dcg else 0.0,
        precision=len(relevant_hits) / k,
        recall=len(relevant_hits) / len(query.grades) if query.grades else 0.0,
        reciprocal_rank=1.0 / first if first else 0.0,
        other_language_share=(
            sum(hit.language != query.language for hit in relevant_hits) / len(relevant_hits)
            if relevant_hits
            else 0.0
        ),
        relevant_found=len(relevant_hits),
    )


def _dcg(gains: Sequence[int]) -> float:
    # Exponential gain rewards putting the grade-3 article first over two grade-2 ones.
    return float(
        sum((2**gain - 1) / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))
    )


def evaluate(queries: Sequence[EvalQuery], search: SearchFunction, *, k: int = 10) -> EvalSummary:
    """Run every query through `search` and average the per-query scores."""
    return summarise([score_query(q, search(q.text, k), k=k) for q in queries], k=k)


def summarise(per_query: Sequence[QueryScore], *, k: int) -> EvalSummary:
    """Average per-query scores (also for a subset, e.g. one split)."""
    scores = tuple(per_query)
    count = len(scores) or 1
    with_relevant = [s for s in scores if s.relevant_found] or scores
    return EvalSummary(
        k=k,
        queries=len(scores),
        ndcg=sum(s.ndcg for s in scores) / count,
        precision=sum(s.precision for s in scores) / count,
        recall=sum(s.recall for s in scores) / count,
        mrr=sum(s.reciprocal_rank for s in scores) / count,
        other_language_share=(
            sum(s.other_language_share for s in with_relevant) / (len(with_relevant) or 1)
        ),
        per_query=scores,
    )
