"""Search latency with the index and model loaded, and the cost of loading them.

Usage: python scripts/bench_search.py [--index DIR] [--rounds 2]
Runs every query of tests/eval/queries.jsonl `rounds` times (118 searches by default) through
the default configuration and prints load times and p50/p95/max latency. Not a test: numbers only.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from readmit.evaluation.search import load_queries
from readmit.service import KnowledgeBase
from readmit.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=load_settings().index_dir)
    parser.add_argument("--queries", type=Path, default=Path("tests/eval/queries.jsonl"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("-k", type=int, default=10)
    args = parser.parse_args()
    queries = [q.text for q in load_queries(args.queries)] * args.rounds

    started = time.perf_counter()
    kb = KnowledgeBase(args.index)
    _ = kb.collection  # opens SQLite, checks the FAISS cache
    opened = time.perf_counter()
    kb.embedder.encode_queries(["warm-up"])  # loads the model
    model_loaded = time.perf_counter()
    kb.searcher.lexical_index()  # builds BM25 over the chunks
    lexical_built = time.perf_counter()
    kb.search("first query after loading", k=args.k)
    first = time.perf_counter()

    latencies = []
    for query in queries:
        t0 = time.perf_counter()
        kb.search(query, k=args.k)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    status = kb.status()
    print(
        f"index: {args.index} ({status.documents} documents, {status.chunks} chunks, "
        f"{status.model})"
    )
    print(
        f"open index: {(opened - started) * 1000:.0f} ms; load model: "
        f"{(model_loaded - opened) * 1000:.0f} ms; build BM25: "
        f"{(lexical_built - model_loaded) * 1000:.0f} ms; first search: "
        f"{(first - lexical_built) * 1000:.0f} ms"
    )
    p95 = latencies[int(round(0.95 * (len(latencies) - 1)))]
    print(
        f"{len(latencies)} searches (k={args.k}): p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
