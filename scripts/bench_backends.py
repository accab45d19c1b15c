"""Embedded (SQLite + FAISS) and server (PostgreSQL + pgvector) side by side: numbers only.

Usage: python scripts/bench_backends.py --seed FOLDER --server postgresql://.../postgres
        [--full-ingest] [--rounds 1]

For each backend, into a fresh location (a temp folder; a new database on the server):
- bulk load: the seed index's documents written with their stored vectors (`readmit copy`),
  i.e. the storage cost of an ingest without the embedding, which is the same on both;
- with --full-ingest also a real `ingest corpus/` (parsing + E5 embedding + storage);
- search latency: every query of tests/eval/queries.jsonl through the default hybrid search,
  and the dense vector search alone (the part each backend answers itself).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from index.copy import copy_index
from index.embedders import make_embedder
from index.storage import recorded_model_at
from readmit.evaluation.search import load_queries
from readmit.service import KnowledgeBase


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[int(round(0.95 * (len(values) - 1)))]
    return f"p50 {statistics.median(values):.1f} ms, p95 {p95:.1f} ms"


def fresh_database(server: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


def bench(label: str, location: str | Path, args: argparse.Namespace, model: str) -> None:
    started = time.perf_counter()
    report = copy_index(args.seed, location, embedder=make_embedder(model))
    loaded = time.perf_counter() - started
    print(
        f"[{label}] bulk load of {report.documents} documents / {report.chunks} chunks "
        f"(stored vectors): {loaded:.1f} s; problems: {len(report.problems)}"
    )
    kb = KnowledgeBase(location, model=model)
    if args.full_ingest:
        started = time.perf_counter()
        for record in kb.documents():
            kb.collection.remove_document(record.doc_id)
        result = kb.ingest([Path("corpus")])
        print(
            f"[{label}] full ingest of corpus/: {time.perf_counter() - started:.1f} s "
            f"({len(result.indexed)} indexed, {result.chunks_embedded} chunks embedded)"
        )
    queries = [q.text for q in load_queries(Path("tests/eval/queries.jsonl"))] * args.rounds
    kb.search("warm-up", k=10)
    hybrid, dense = [], []
    vectors = kb.embedder.encode_queries(queries)
    for query, vector in zip(queries, vectors, strict=True):
        t0 = time.perf_counter()
        kb.search(query, k=10)
        hybrid.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        kb.collection.search_vectors(vector, k=100)
        dense.append((time.perf_counter() - t0) * 1000)
    print(f"[{label}] hybrid search, {len(hybrid)} queries: {percentiles(hybrid)}")
    print(f"[{label}] dense vector search alone (k=100): {percentiles(dense)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=Path, required=True, help="an embedded index to load from")
    parser.add_argument("--server", required=True, help="URL of a database to CREATE DATABASE in")
    parser.add_argument("--full-ingest", action="store_true")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    model = recorded_model_at(args.seed)
    assert model is not None, f"{args.seed} holds no index"
    with tempfile.TemporaryDirectory() as folder:
        bench("embedded", Path(folder) / "index", args, model)
    bench("postgres", fresh_database(args.server), args, model)


if __name__ == "__main__":
    main()
