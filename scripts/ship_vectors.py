"""Write (or check) the vectors shipped with a corpus folder: `FOLDER/.embeddings/<model>.npz`.

    python scripts/ship_vectors.py corpus            # regenerate after a pipeline change
    python scripts/ship_vectors.py corpus --check    # exit 1 when they do not cover the corpus

Every document of the folder is parsed and chunked exactly as `readmit ingest` does; chunk
texts already shipped keep their vectors, the others are embedded with the real model. The
archive then holds exactly the current chunks' vectors (stale ones are dropped).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

from index.embedders import Embedder, embedder_key, make_embedder
from index.shipped_vectors import ShippedVectors, load_shipped, text_key, write_shipped
from index.storage import recorded_model_at
from ingest.pipeline import PIPELINE_VERSION, chunk_document, discover, parse_document
from readmit.settings import DEFAULT_MODEL

REGENERATE = "python scripts/ship_vectors.py corpus"


def chunk_texts(folder: Path, embedder: Embedder) -> list[str]:
    """The texts `readmit ingest FOLDER` would embed, in file order (failing files skipped)."""
    files, _ = discover([folder])
    texts: list[str] = []
    for path in files:
        try:
            document = parse_document(path)
        except Exception as error:  # reported, like ingest; the rest goes on
            print(f"skipped {path.name}: {error}", file=sys.stderr)
            continue
        chunks = chunk_document(
            document, max_tokens=embedder.max_tokens, count_tokens=embedder.count_tokens
        )
        texts.extend(chunk.text for chunk in chunks)
    return texts


def vectors_of_index(index_dir: Path, embedder: Embedder) -> ShippedVectors:
    """Chunk vectors an embedded (SQLite) index of the corpus already holds, to save embedding
    them again. Read-only, straight from its database: the index has no public call that
    returns vectors by text, and this is a maintenance script, not part of the product."""
    if recorded_model_at(index_dir) != embedder.name:
        raise SystemExit(f"{index_dir} was not built with {embedder.name}")
    uri = f"file:{index_dir / 'meta.sqlite'}?mode=ro"
    keys: list[bytes] = []
    rows: list[np.ndarray] = []
    with sqlite3.connect(uri, uri=True) as conn:
        for text, blob in conn.execute("SELECT text, vector FROM chunks"):
            keys.append(text_key(embedder.name, str(text)))
            rows.append(np.frombuffer(blob, dtype="<f4"))
    key_array = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), -1)
    return ShippedVectors(model=embedder.name, keys=key_array, vectors=np.vstack(rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--check", action="store_true", help="only check coverage")
    parser.add_argument(
        "--seed-index", type=Path, help="an embedded index of the folder whose vectors to reuse"
    )
    args = parser.parse_args(argv)
    embedder = make_embedder(args.model)
    key = embedder_key(embedder.name)
    started = time.perf_counter()
    texts = chunk_texts(args.folder, embedder)
    shipped = load_shipped(args.folder, model_key=key, model_name=embedder.name)
    uncovered = shipped.covers(texts) if shipped is not None else texts
    print(
        f"{len(texts)} chunks parsed in {time.perf_counter() - started:.1f} s; "
        f"{len(uncovered)} not covered by the shipped vectors"
    )
    if args.check:
        if uncovered:
            print(
                f"the shipped vectors are stale for pipeline {PIPELINE_VERSION}: run {REGENERATE}"
            )
            return 1
        return 0
    if args.seed_index is not None:
        shipped = vectors_of_index(args.seed_index, embedder)
    embedder.shipped = shipped
    vectors = np.vstack(
        [embedder.encode_documents(texts[i : i + 64]) for i in range(0, len(texts), 64)]
    )
    info = write_shipped(
        args.folder,
        model_key=key,
        model_name=embedder.name,
        pipeline_version=PIPELINE_VERSION,
        texts=texts,
        vectors=vectors,
    )
    elapsed = time.perf_counter() - started
    print(f"wrote {info.count} vectors (sha256 {info.sha256[:12]}…) in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
