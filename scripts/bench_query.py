"""The query embedding against its floor, for scripts/bench.py ("Query vectors" section).

The floor is the bare question's embedding alone (no glossary wordings, no search). Measured
side by side, query by query (so machine load hits every variant alike), model loaded:
- the expanded text the product embeds ("question (Dutch wordings …)") on its own;
- whole searches with the ways a query vector can be made (`VARIANTS`): the product's default
  (recent vectors forgotten before each search, so every one embeds), the same search rerun
  (a Streamlit rerun: the vector comes from index/retrieval/query_vectors.py), fewer wordings
  per concept, the question alone, and the question's vector combined with the glossary
  wordings' vectors embedded once per model (index/retrieval/expansion.py) instead of
  embedding the wordings with the question, and the question's vector moved along its
  concepts' expansion directions (index/retrieval/expansion_directions.py: estimated once per
  model and glossary from corpus sentences);
- their search quality on the evaluation sets (nDCG@10, dev / held-out / blind), so a faster
  variant is only adopted if it keeps quality;
- the E5 engine's OpenMP threads (1 or 2 on this 2-core machine), each in a fresh process
  (the engine reads OMP_NUM_THREADS once, when it loads): `python scripts/bench_query.py
  TEXTS.json THREADS` prints the floor's and the expanded text's times as JSON.

`python scripts/bench_query.py --index DIR [--variants N,N,...] [--rounds R]` measures only the
chosen variants (numbers of `VARIANTS`, 0 the default) in R rounds over the same queries and
prints each round's p50 / p95 and p95 / floor p95, then their nDCG@10 (a comparison on a
shared, noisy machine: the ratio within a round is what counts).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "eval"


@dataclass(frozen=True)
class QueryVectorVariant:
    label: str
    options: dict[str, Any]  # SearchVariant options (SearchConfig / Experiments fields)
    derived_weight: float | None = None  # combine vectors instead of embedding the wordings


VARIANTS = (
    QueryVectorVariant("default: the question with its Dutch wordings, embedded together", {}),
    QueryVectorVariant("2 wordings per concept", {"dense_terms_per_language": 2}),
    QueryVectorVariant("1 wording per concept", {"dense_terms_per_language": 1}),
    QueryVectorVariant(
        "question embedded + cached wording vectors, weight 1", {}, derived_weight=1.0
    ),
    QueryVectorVariant(
        "question embedded + cached wording vectors, weight 2", {}, derived_weight=2.0
    ),
    QueryVectorVariant("the question alone (no wordings)", {"dense_expanded": False}),
    # weight 4 chosen on the dev splits of tests/eval/queries.jsonl and admin.jsonl
    QueryVectorVariant(
        "question embedded + per-concept expansion directions, weight 4",
        {"expansion_directions_weight": 4.0},
    ),
    # the same, but the wordings still embedded with the question while the expanded text has
    # at most 24 tokens (about the 95th percentile of the bare questions' length)
    QueryVectorVariant(
        "directions, weight 4; wordings embedded as text within 24 tokens",
        {"expansion_directions_weight": 4.0, "expansion_token_budget": 24},
    ),
)


def _searcher(collection: Any, variant: QueryVectorVariant) -> Any:
    from index.retrieval.expansion import expanded_vector, wording_vectors
    from index.retrieval.hybrid import HybridSearcher
    from index.retrieval.query_vectors import query_vector
    from readmit.evaluation.search_variants import variant as search_variant

    searcher = search_variant(**variant.options).searcher(collection)
    if variant.derived_weight is None:
        return searcher
    weight: float = variant.derived_weight
    # The wordings' vectors depend on the glossary and the model only: embedded once here
    # (as an index open would, or shipped like corpus/.embeddings), not per search.
    known = wording_vectors(collection.embedder, cache_dir=None)

    class Derived(HybridSearcher):
        """One embedding (the bare question) pulled towards its wordings' cached vectors."""

        def _query_vectors(self, query: str, concepts: Any, languages: Any) -> list[np.ndarray]:
            vector = query_vector(self.collection.embedder, query)
            derived = expanded_vector(
                vector, self._dense_terms(concepts, languages), known, weight=weight
            )
            return [vector if derived is None else derived]

    return Derived(collection, config=searcher.config)


def measure(
    index: Path,
    queries: list[str],
    *,
    variants: tuple[QueryVectorVariant, ...] = VARIANTS,
    splits: tuple[str, ...] = ("dev", "held-out", "blind"),
) -> dict[str, Any]:
    """Per query: floor, expanded text alone, each variant's search, the rerun (ms); the
    variants' nDCG@10 on `splits`. `variants` starts with the default."""
    from index.retrieval import query_vectors
    from index.retrieval.hybrid import StageTimes
    from readmit.evaluation.search import evaluate, load_queries
    from readmit.service import KnowledgeBase

    kb = KnowledgeBase(index)
    collection = kb.collection
    embedder = collection.embedder
    searchers = {v.label: _searcher(collection, v) for v in variants}
    default = searchers[variants[0].label]
    for query in queries[:10]:  # model, glossary, BM25, signals: loaded before the clock
        for searcher in searchers.values():
            searcher.search(query, k=10)
    languages = default.corpus_languages()
    timings: dict[str, list[float]] = {"floor": [], "expanded text": [], "rerun": []}
    embedding: dict[str, list[float]] = {v.label: [] for v in variants}
    texts: list[dict[str, str]] = []
    for v in variants:
        timings[v.label] = []
    for query in queries:
        text = default.dense_query_text(query, default._concepts(query, languages), languages)
        texts.append({"question": query, "expanded": text})
        timings["floor"].append(_ms(partial(embedder.encode_queries, [query])))
        timings["expanded text"].append(_ms(partial(embedder.encode_queries, [text])))
        for v in variants:
            query_vectors.forget_recent()
            stages: StageTimes = {}
            timings[v.label].append(
                _ms(partial(searchers[v.label].search, query, k=10, timings=stages))
            )
            embedding[v.label].append(stages.get("query embedding", 0.0))
            if v is variants[0]:  # the same search again, as a Streamlit rerun does it
                timings["rerun"].append(_ms(partial(default.search, query, k=10)))
    sets = {
        name: items
        for name, items in {
            "dev": load_queries(EVAL / "queries.jsonl", split="dev"),
            "admin dev": load_queries(EVAL / "admin.jsonl", split="dev"),
            "held-out": load_queries(EVAL / "queries.jsonl", split="heldout"),
            "blind": load_queries(EVAL / "blind.jsonl"),
        }.items()
        if name in splits
    }
    quality: dict[str, dict[str, float]] = {}
    for v in variants:
        searcher = searchers[v.label]
        quality[v.label] = {
            name: evaluate(items, partial(_search, searcher)).ndcg for name, items in sets.items()
        }
    collection.close()
    return {"timings": timings, "embedding": embedding, "quality": quality, "texts": texts}


def _search(searcher: Any, query: str, k: int) -> list[Any]:
    hits: list[Any] = searcher.search(query, k=k)
    return hits


def _ms(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def thread_timings(texts: list[dict[str, str]], threads: int) -> dict[str, list[float]]:
    """In a fresh process with OMP_NUM_THREADS=threads: floor and expanded text (ms)."""
    environment = dict(os.environ, OMP_NUM_THREADS=str(threads))
    with_texts = Path(os.environ.get("TMPDIR", "/tmp")) / f"readmit-bench-texts-{os.getpid()}.json"
    with_texts.write_text(json.dumps(texts), encoding="utf-8")
    try:
        done = subprocess.run(
            [sys.executable, __file__, str(with_texts), str(threads)],
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        with_texts.unlink(missing_ok=True)
    result: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _thread_main() -> None:
    from index.embedders import E5Embedder

    texts = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    embedder = E5Embedder(num_threads=int(sys.argv[2]))
    for item in texts[:10]:
        embedder.encode_queries([item["expanded"]])
    floor, expanded = [], []
    for item in texts:
        floor.append(_ms(partial(embedder.encode_queries, [item["question"]])))
        expanded.append(_ms(partial(embedder.encode_queries, [item["expanded"]])))
    print(json.dumps({"floor": floor, "expanded text": expanded}))


def _percentile(values: list[float], share: float) -> float:
    return float(np.percentile(values, share * 100))


def _compare_main(arguments: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="query vector variants against the floor")
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--variants", default="0", help="numbers of VARIANTS, 0 the default")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--splits", default="dev,admin dev")
    chosen = parser.parse_args(arguments)
    numbers = [0] + [int(n) for n in chosen.variants.split(",") if int(n) != 0]
    variants = tuple(VARIANTS[n] for n in numbers)
    sys.path.insert(0, str(ROOT))
    from readmit.evaluation.search import load_queries

    queries = [q.text for q in load_queries(EVAL / "queries.jsonl")] + [
        line.strip()
        for line in (ROOT / "scripts" / "bench_queries.txt").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    splits = tuple(s for s in chosen.splits.split(",") if s)
    for number in range(1, chosen.rounds + 1):
        measured = measure(chosen.index, queries, variants=variants, splits=splits)
        timings = measured["timings"]
        floor = _percentile(timings["floor"], 0.95)
        print(f"round {number}: {len(queries)} queries, floor p95 {floor:.1f} ms")
        for label in ["expanded text", *[v.label for v in variants], "rerun"]:
            values = timings[label]
            p95 = _percentile(values, 0.95)
            print(
                f"  {label}: p50 {_percentile(values, 0.5):.1f} ms, p95 {p95:.1f} ms,"
                f" {p95 / floor:.2f}x the floor"
            )
    for v in variants:
        scores = ", ".join(f"{k} {x:.4f}" for k, x in measured["quality"][v.label].items())
        print(f"nDCG@10 {v.label}: {scores}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--index"] or "--index" in sys.argv:
        _compare_main(sys.argv[1:])
    else:
        _thread_main()
