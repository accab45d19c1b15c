"""Search quality on the embedded and the server backend, and their agreement: numbers only.

Usage: python scripts/compare_backends.py --embedded FOLDER --server postgresql://.../db
Runs tests/eval/queries.jsonl through the default hybrid search on both backends (the same
index, e.g. the server copied from the folder with `readmit copy`) and prints nDCG@10 etc. for
each, and the top-10 article overlap between them (mean and worst query). Then the same on the
server with PostgreSQL full-text search (dutch/english/french/german configurations) as the
lexical retriever instead of the per-process BM25, so the two choices can be compared.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

from index.retrieval.hybrid import HybridSearcher
from index.retrieval.lexical import LexicalHit, tokenize_query
from index.storage.postgres import PgStorage
from index.types import Hit
from readmit.evaluation.search import evaluate, load_queries
from readmit.service import KnowledgeBase
from readmit.settings import as_location


class FullTextRetriever:
    """Stands in for the BM25 index: the same interface, answered by PostgreSQL FTS."""

    def __init__(self, storage: PgStorage, *, stemmed: bool) -> None:
        self.storage = storage
        self.stemmed = stemmed

    def search(
        self,
        query: str,
        *,
        k: int,
        allowed: set[int] | None = None,
        extra_terms: Sequence[str] = (),
    ) -> list[LexicalHit]:
        text = " ".join([query, *extra_terms])
        words = text.split() if not self.stemmed else tokenize_query(text)
        found = self.storage.fulltext_search(words, k=k, allowed=allowed)
        return [LexicalHit(chunk_id=chunk_id, score=score) for chunk_id, score in found]


class FullTextSearcher(HybridSearcher):
    def lexical_index(self) -> FullTextRetriever:  # type: ignore[override]
        assert isinstance(self.collection.storage, PgStorage)
        return FullTextRetriever(self.collection.storage, stemmed=False)


def articles(hits: list[Hit]) -> set[tuple[str, str]]:
    return {(h.doc_id, h.eid) for h in hits}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedded", required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--queries", type=Path, default=Path("tests/eval/queries.jsonl"))
    args = parser.parse_args()
    queries = load_queries(args.queries)
    embedded = KnowledgeBase(as_location(args.embedded))
    server = KnowledgeBase(as_location(args.server))
    fts = FullTextSearcher(server.collection, config=server.search_config)
    results: dict[str, dict[str, list[Hit]]] = {"embedded": {}, "server": {}, "server-fts": {}}
    searches: dict[str, Callable[[str, int], list[Hit]]] = {
        "embedded": lambda q, n: embedded.search(q, k=n),
        "server": lambda q, n: server.search(q, k=n),
        "server-fts": lambda q, n: fts.search(q, k=n),
    }
    for name, search in searches.items():

        def recording(
            query: str,
            n: int,
            *,
            name: str = name,
            search: Callable[[str, int], list[Hit]] = search,
        ) -> list[Hit]:
            hits = search(query, n)
            results[name][query] = hits
            return hits

        summary = evaluate(queries, recording, k=10)
        print(f"{name:>10}: {summary.to_json()}")
    for other in ("server", "server-fts"):
        overlaps = []
        for query in results["embedded"]:
            a, b = articles(results["embedded"][query]), articles(results[other][query])
            overlaps.append(len(a & b) / max(len(a), len(b), 1))
        print(
            f"top-10 article overlap embedded vs {other}: mean {statistics.mean(overlaps):.3f}, "
            f"worst {min(overlaps):.2f}, queries with full overlap "
            f"{sum(o == 1.0 for o in overlaps)}/{len(overlaps)}"
        )


if __name__ == "__main__":
    main()
