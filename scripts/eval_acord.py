"""Search quality on ACORD, an English contract-clause corpus (tests/eval/acord/README.md).

    PYTHONPATH=. python scripts/eval_acord.py [--work DIR] [--split valid|train]
        [--models minilm,e5]

NDCG@10 × 100 over the full corpus of 3,931 clauses, in one run, for the default and its plain
parts: BM25 (the product's `LexicalIndex`), MiniLM and E5 alone (the product's embedders, cosine
over the clause vectors) and a plain reciprocal-rank fusion of those three (k = 60); the
default is the product's fusion (`index.retrieval.hybrid.fuse_rankings` with `SearchConfig()`)
of the parts the product searches a one-language corpus with: E5 and BM25 (no glossary
expansion on a one-language corpus; no clause-type ranking, which needs the treaty clause types
assigned at ingest). Gains are linear in the grade (1–4), unjudged clauses count as 0, as in
the dataset's paper.

The clause vectors are computed once per model and kept in `--work` (`<model>.npy`, in batches
so that an interrupted run resumes): E5 embeds the corpus in about 15 minutes on an idle
two-core machine, hours on a loaded one.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from index.embedders import Embedder, make_embedder
from index.retrieval.hybrid import SearchConfig, fuse_rankings
from index.retrieval.lexical import LexicalIndex

ACORD = Path(__file__).resolve().parent.parent / "tests" / "eval" / "acord"
K = 10
POOL = 100  # candidates per retriever, as the product's SearchConfig.candidates
BATCH = 64
Ranker = Callable[[str], list[int]]  # query -> clause rows, best first


def load_qrels(split: str) -> dict[str, dict[str, int]]:
    grades: dict[str, dict[str, int]] = defaultdict(dict)
    with (ACORD / f"qrels-{split}.tsv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file, delimiter="\t"):
            grades[row["query-id"]][row["corpus-id"]] = int(row["score"])
    return dict(grades)


def query_texts() -> dict[str, str]:
    lines = (ACORD / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    return {raw["_id"]: raw["text"] for raw in map(json.loads, lines)}


def load_clauses() -> tuple[list[str], list[str]]:
    ids, texts = [], []
    with gzip.open(ACORD / "corpus.jsonl.gz", "rt", encoding="utf-8") as file:
        for line in file:
            clause = json.loads(line)
            ids.append(clause["_id"])
            texts.append(clause["text"])
    return ids, texts


def clause_vectors(embedder: Embedder, texts: list[str], work: Path) -> np.ndarray:
    """The clauses' vectors, embedded batch by batch and kept in `work`."""
    final = work / f"{embedder.key}.npy"
    if final.exists():
        loaded: np.ndarray = np.load(final)
        return loaded
    parts = work / f"{embedder.key}.parts"
    parts.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        part = parts / f"{start:06d}.npy"
        if not part.exists():
            np.save(part, embedder.encode_documents(texts[start : start + BATCH]))
            done = min(start + BATCH, len(texts))
            elapsed = time.perf_counter() - started
            print(f"{embedder.key}: {done}/{len(texts)} ({elapsed:.0f} s)", file=sys.stderr)
    vectors = np.vstack([np.load(p) for p in sorted(parts.glob("*.npy"))])
    np.save(final, vectors)
    return vectors


def dense_ranker(embedder: Embedder, vectors: np.ndarray) -> Ranker:
    def rank(query: str) -> list[int]:
        scores = vectors @ embedder.encode_queries([query])[0]
        return [int(i) for i in np.argsort(-scores)[:POOL]]

    return rank


def lexical_ranker(texts: list[str]) -> Ranker:
    index = LexicalIndex(list(range(len(texts))), texts, ["en"] * len(texts))
    return lambda query: [hit.chunk_id for hit in index.search(query, k=POOL)]


def fused(parts: Sequence[tuple[float, Ranker]], config: SearchConfig) -> Ranker:
    def rank(query: str) -> list[int]:
        scores = fuse_rankings([(weight, part(query)) for weight, part in parts], config=config)
        return sorted(scores, key=lambda row: -scores[row])

    return rank


def ndcg(ranked: Sequence[str], grades: dict[str, int]) -> float:
    gains = [grades.get(clause, 0) for clause in ranked[:K]]
    ideal = sorted(grades.values(), reverse=True)[:K]
    return _dcg(gains) / _dcg(ideal) if ideal else 0.0


def _dcg(gains: Sequence[int]) -> float:
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/readmit-acord"))
    parser.add_argument("--split", action="append", choices=["valid", "train"])
    parser.add_argument(
        "--models",
        default="minilm,e5",
        help="embedding models to include (default: both; '': only BM25)",
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    ids, texts = load_clauses()
    rows: dict[str, Ranker] = {"BM25": lexical_ranker(texts)}
    models = [name for name in args.models.split(",") if name]
    for name, label in (("minilm", "MiniLM"), ("e5", "E5")):
        if name in models:
            embedder = make_embedder(name)
            rows[label] = dense_ranker(embedder, clause_vectors(embedder, texts, args.work))
    if "E5" in rows and "MiniLM" in rows:
        plain = SearchConfig(rrf_k=60)
        rows["RRF(BM25, MiniLM, E5)"] = fused(
            [(1.0, rows["BM25"]), (1.0, rows["MiniLM"]), (1.0, rows["E5"])], plain
        )
        default = SearchConfig()
        rows["default"] = fused(
            [(default.dense_weight, rows["E5"]), (default.lexical_weight, rows["BM25"])], default
        )
    texts_of = query_texts()
    splits = args.split or ["valid", "train"]
    qrels = {split: load_qrels(split) for split in splits}
    print("| configuration | " + " | ".join(f"{s} NDCG@10 ×100" for s in splits) + " |")
    print("|---" * (len(splits) + 1) + "|")
    for label, rank in rows.items():
        cells = []
        for split in splits:
            scores = [
                ndcg([ids[row] for row in rank(texts_of[q])], grades)
                for q, grades in qrels[split].items()
            ]
            cells.append(f"{100 * sum(scores) / len(scores):.1f}")
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
