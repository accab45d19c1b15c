"""Bulk ingest of many small files (issue 16): one file per short clause, before and after batching.

    python scripts/bench_bulk.py --files 2000 --source-index /work/seed-index-v2 [--model hashing]

The files are made from the real corpus: each is one article of an indexed document (its
heading and text, as `Article 1`), cut to its first 60 words, the shape of a clause collection
such as ACORD (one file per short clause). Beyond the corpus's articles the texts repeat with a
numbered variant mark. Each configuration ingests the same files into a new index:
- "per document": `batch_chunks=1`, i.e. every document its own transaction, its own embedding
  call and its own write of the vector cache and manifest (how ingest worked before batching);
- "batched": the default `INGEST_BATCH_CHUNKS`.
The embedding floor is the same chunk texts encoded by the embedder alone in batches of 64
(measured once, after the last configuration: every configuration embeds the same texts).
Prints one JSON line per configuration (used by scripts/bench.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CLAUSE_WORDS = 60
FLOOR_BATCH = 64


def write_clause_files(source: Path, folder: Path, *, files: int) -> int:
    """`files` one-clause text files from the articles of the index at `source`."""
    conn = sqlite3.connect(f"file:{source / 'meta.sqlite'}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT heading, text FROM units WHERE length(text) > 80 ORDER BY doc_id, ord"
    ).fetchall()
    conn.close()
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(files):
        heading, text = rows[number % len(rows)]
        words = " ".join(str(text).split()[:CLAUSE_WORDS])
        variant = number // len(rows)
        mark = f" (variant {variant})" if variant else ""
        body = f"Clause {number}{mark}\n\nArticle 1\n{heading or 'Clause'}\n{words}\n"
        (folder / f"clause-{number:05d}-en.txt").write_text(body, encoding="utf-8")
    return files


def ingest_once(
    folder: Path, index: Path, *, model: str, batch_chunks: int, floor: bool = True
) -> dict[str, Any]:
    """Ingest `folder` into a new index at `index`; time it and count commits and cache writes."""
    from index.embedders import HashingEmbedder, make_embedder
    from index.storage.vectors import VectorIndex
    from readmit.service import KnowledgeBase

    embedder = HashingEmbedder() if model == "hashing" else make_embedder(model)
    embedder.encode_documents(["warm-up"])  # model load is not part of the figures
    kb = KnowledgeBase(index, model=embedder)
    start_generation = kb.generation()
    writes = [0]
    real_save = VectorIndex.save

    def counting_save(self: VectorIndex, path: Path) -> str:
        writes[0] += 1
        return real_save(self, path)

    VectorIndex.save = counting_save  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        report = kb.ingest([folder], batch_chunks=batch_chunks)
        seconds = time.perf_counter() - started
    finally:
        VectorIndex.save = real_save  # type: ignore[method-assign]
    texts = [c.text for c in kb.collection.chunk_texts()]
    floor_s = float("nan")
    if floor:
        started = time.perf_counter()
        for start in range(0, len(texts), FLOOR_BATCH):
            embedder.encode_documents(texts[start : start + FLOOR_BATCH])
        floor_s = time.perf_counter() - started
    result = {
        "batch_chunks": batch_chunks,
        "files": len(report.indexed) + len(report.failed),
        "indexed": len(report.indexed),
        "failed": len(report.failed),
        "chunks": len(texts),
        "seconds": seconds,
        "files_per_s": len(report.indexed) / seconds if seconds else float("nan"),
        "commits": kb.generation() - start_generation,
        "cache_writes": writes[0],
        "floor_s": floor_s,
        "ratio": seconds / floor_s,
        "model": embedder.name,
    }
    kb.collection.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--source-index", type=Path, required=True)
    parser.add_argument("--model", default="multilingual-e5-small", help="or 'hashing'")
    parser.add_argument(
        "--batches", default="1,default", help="batch_chunks values ('default': the default)"
    )
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from readmit.service import INGEST_BATCH_CHUNKS

    work = args.work or Path(tempfile.mkdtemp(prefix="readmit-bulk-"))
    folder = work / "clauses"
    if not folder.exists():
        write_clause_files(args.source_index, folder, files=args.files)
    values = args.batches.split(",")
    for number, value in enumerate(values):
        batch = INGEST_BATCH_CHUNKS if value == "default" else int(value)
        index = work / f"index-{batch}"
        shutil.rmtree(index, ignore_errors=True)
        last = number == len(values) - 1
        result = ingest_once(folder, index, model=args.model, batch_chunks=batch, floor=last)
        print(json.dumps(result))
        shutil.rmtree(index, ignore_errors=True)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
