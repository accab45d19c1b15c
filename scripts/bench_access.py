"""What document visibility costs a search: latency with and without the viewer's filter.

Usage: python scripts/bench_access.py [--index DIR] [--rounds 1] [--groups g1,g2]
Runs every query of tests/eval/queries.jsonl as the local maintainer (no visibility filter) and
as a viewer in `--groups` (default: none, i.e. public documents only), prints p50/p95 latency of
each, and how many top-10 lists are identical (all of them when no document is restricted).
Opening an index adds the visibility column if it lacks it, so point it at a copy of a shared
index. Not a test: numbers only.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from readmit.evaluation.search import load_queries
from readmit.service import KnowledgeBase
from readmit.settings import load_settings


def _timed(kb: KnowledgeBase, query: str, k: int) -> tuple[float, list[str]]:
    started = time.perf_counter()
    hits = kb.search(query, k=k)
    return (time.perf_counter() - started) * 1000, [f"{hit.doc_id}#{hit.eid}" for hit in hits]


def _describe(label: str, latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"{label:24} p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=load_settings().index_dir)
    parser.add_argument("--queries", type=Path, default=Path("tests/eval/queries.jsonl"))
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--groups", default="", help="The viewer's groups, comma-separated.")
    parser.add_argument("-k", type=int, default=10)
    args = parser.parse_args()
    queries = [q.text for q in load_queries(args.queries)] * args.rounds
    groups = tuple(g for g in args.groups.split(",") if g)

    kb = KnowledgeBase(args.index)
    kb.search("warm-up", k=args.k)  # model, FAISS cache and BM25 loaded before timing
    viewer = kb.viewed_by(groups)
    documents, visible = len(kb.documents()), len(viewer.documents())
    print(f"{documents} documents, {visible} visible to a viewer in groups {groups or '()'}")
    # Interleaved, query by query, so that load from other processes hits both alike.
    full_ms: list[float] = []
    viewer_ms: list[float] = []
    full: list[list[str]] = []
    seen: list[list[str]] = []
    for query in queries:
        for latencies, results, searcher in ((full_ms, full, kb), (viewer_ms, seen, viewer)):
            elapsed, hits = _timed(searcher, query, args.k)
            latencies.append(elapsed)
            results.append(hits)
    print(_describe("maintainer (no filter)", full_ms))
    print(_describe("viewer (visibility)", viewer_ms))
    same = sum(a == b for a, b in zip(full, seen, strict=True))
    short = sum(len(hits) < args.k for hits in seen)
    print(
        f"identical top-{args.k}: {same} of {len(queries)}; viewer lists shorter than "
        f"{args.k}: {short}"
    )


if __name__ == "__main__":
    main()
