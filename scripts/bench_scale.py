"""Synthetic collections for scripts/bench.py, and the measurements run in a fresh process.

How a synthetic collection of N chunks is made from a real index (the corpus, embedded by E5):
- documents are replicated under new doc ids (`<doc_id>~s00017`) with their units, until N
  chunks exist (the last replica is cut short); each replica's official reference gets the same
  mark, so a replica is a new instrument (its language versions linked among themselves), not
  one more language version of every other replica;
- each chunk text is perturbed so BM25 does not see exact duplicates: about 3% of its words are
  dropped and 3% replaced by a word drawn from the whole corpus vocabulary;
- each vector is the real chunk vector plus Gaussian noise (σ = 0.02 per dimension, a noise norm
  of ≈ 0.39, cosine ≈ 0.93 to the original), normalised: the ANN sees the corpus's real
  distribution, thickened into clouds instead of exact copies.
The rows are written straight into meta.sqlite (no embedding: the vectors exist already), then
the index is opened through the normal `Collection` / `HybridSearcher`, which builds and saves
the vector index and BM25 exactly as after an ingest.
"""

from __future__ import annotations

import json
import math
import os
import resource
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

NOISE_SIGMA = 0.02
DROP_SHARE = 0.03
SWAP_SHARE = 0.03


def build_synthetic(source: Path, target: Path, *, chunks: int, seed: int = 7) -> dict[str, float]:
    """Write a synthetic index of `chunks` chunks into `target`; return build timings (s)."""
    from index.embedders import make_embedder
    from index.retrieval.hybrid import HybridSearcher
    from index.storage import open_collection
    from index.storage import sqlite_tables as store

    rng = np.random.default_rng(seed)
    src = sqlite3.connect(f"file:{source / store.DB_FILE}?mode=ro", uri=True)
    model = store.get_state(src, "model")
    dimension = int(store.get_state(src, "dimension") or 0)
    cursor = src.execute("SELECT * FROM documents ORDER BY doc_id")
    document_columns = [column[0] for column in cursor.description]
    documents = cursor.fetchall()
    units = src.execute("SELECT * FROM units ORDER BY doc_id, ord").fetchall()
    rows = src.execute("SELECT * FROM chunks ORDER BY doc_id, ord").fetchall()
    src.close()
    units_by_doc: dict[str, list[tuple[Any, ...]]] = {}
    for unit in units:
        units_by_doc.setdefault(unit[0], []).append(unit)
    chunks_by_doc: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        chunks_by_doc.setdefault(row[1], []).append(row)
    vocabulary = sorted({w for row in rows for w in str(row[6]).split()})

    started = time.perf_counter()
    target.mkdir(parents=True, exist_ok=True)
    metadata = store.MetadataStore(target / store.DB_FILE)  # creates the schema
    metadata.close()
    # A bulk load into a new file: no journal (a failed build is simply deleted), no fsync, and
    # a page cache large enough that the chunk indexes are not re-read from disk for every row.
    conn = sqlite3.connect(target / store.DB_FILE, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1048576")  # 1 GiB
    conn.execute("BEGIN")
    next_id = 1
    replica = 0
    while next_id <= chunks:
        for doc in documents:
            if next_id > chunks:
                break
            doc_id = f"{doc[0]}~s{replica:05d}"
            doc_rows = chunks_by_doc.get(doc[0], [])[: chunks - next_id + 1]
            if not doc_rows:
                continue
            # Each replica is its own instrument: its official reference gets the replica's
            # mark, so the language versions of one treaty stay linked within a replica and
            # the hundreds of replicas are not taken for versions of one another.
            row = dict(zip(document_columns, doc, strict=True))
            row["doc_id"] = doc_id
            if row.get("official_reference"):
                row["official_reference"] = f"{row['official_reference']} ~s{replica:05d}"
            conn.execute(
                f"INSERT INTO documents VALUES ({','.join('?' * len(doc))})",
                tuple(row.values()),
            )
            conn.executemany(
                f"INSERT INTO units VALUES ({','.join('?' * len(units[0]))})",
                [(doc_id, *u[1:]) for u in units_by_doc.get(doc[0], [])],
            )
            vectors = np.vstack(
                [np.frombuffer(r[11], dtype="<f4", count=dimension) for r in doc_rows]
            )
            vectors = vectors + rng.normal(0, NOISE_SIGMA, vectors.shape).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            new_rows = []
            for i, r in enumerate(doc_rows):
                text = _perturb(str(r[6]), vocabulary, rng)
                new_rows.append(
                    (next_id + i, doc_id, *r[2:6], text, *r[7:11], vectors[i].tobytes())
                )
            conn.executemany(
                f"INSERT INTO chunks VALUES ({','.join('?' * len(new_rows[0]))})", new_rows
            )
            next_id += len(new_rows)
        replica += 1
    store.set_state(conn, "model", str(model))
    store.set_state(conn, "dimension", str(dimension))
    store.set_state(conn, "indexed_at", "synthetic")
    store.bump_generation(conn)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")  # what the index's own connections expect
    conn.close()
    written = time.perf_counter()
    embedder = make_embedder(str(model))
    with open_collection(target, embedder=embedder) as collection:  # builds + saves vectors.faiss
        vectors_built = time.perf_counter()
        HybridSearcher(collection).prepare()  # builds + saves BM25, signals, heading concepts
        lexical_built = time.perf_counter()
    return {
        "sqlite_s": written - started,
        "vector_index_s": vectors_built - written,
        "bm25_s": lexical_built - vectors_built,
        "total_s": lexical_built - started,
    }


def _perturb(text: str, vocabulary: list[str], rng: np.random.Generator) -> str:
    words = text.split()
    if len(words) < 5:
        return text
    draws = rng.random(len(words)).tolist()
    swaps = rng.integers(len(vocabulary), size=len(words)).tolist()  # one draw per call
    return " ".join(
        vocabulary[swap] if draw < DROP_SHARE + SWAP_SHARE else word
        for word, draw, swap in zip(words, draws, swaps, strict=True)
        if draw >= DROP_SHARE
    )


def disk_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def percentile(values: list[float], share: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory of this process in MB: now (VmRSS) or its peak (VmHWM; unlike
    ru_maxrss it does not include the parent's size carried across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(index: Path, queries: list[str], *, peers: bool) -> dict[str, Any]:
    """In a fresh process: open, search every query, compare with exact search and the peers."""
    import faiss

    from index.retrieval.hybrid import StageTimes
    from index.retrieval.query_vectors import forget_recent
    from index.storage.sqlite import SqliteStorage
    from readmit.service import KnowledgeBase

    started = time.perf_counter()
    kb = KnowledgeBase(index)
    kb.search(queries[0], k=10)
    first_answer = time.perf_counter() - started
    rss_after_open = rss_mb()
    end_to_end: list[float] = []
    stages: dict[str, list[float]] = {}
    dense_ids: list[list[int]] = []
    query_vectors = kb.embedder.encode_queries(queries)
    for query in queries:
        forget_recent()  # every search embeds its query, as a new question does
        timings: StageTimes = {}
        t0 = time.perf_counter()
        kb.searcher.search(query, k=10, timings=timings)
        end_to_end.append((time.perf_counter() - t0) * 1000)
        for name, value in timings.items():
            stages.setdefault(name, []).append(value)
    dense_single: list[float] = []
    for vector in query_vectors:
        t0 = time.perf_counter()
        dense_ids.append(kb.collection.rank_vectors(vector, k=10)[0])
        dense_single.append((time.perf_counter() - t0) * 1000)
    lexical = kb.searcher.lexical_index()
    bm25_single: list[float] = []
    for query in queries:
        t0 = time.perf_counter()
        lexical.search(query, k=100)
        bm25_single.append((time.perf_counter() - t0) * 1000)
    storage = kb.collection.storage
    assert isinstance(storage, SqliteStorage)  # synthetic collections are index folders
    result: dict[str, Any] = {
        "first_answer_in_process_s": first_answer,
        "rss_mb": rss_after_open,
        "peak_rss_mb": rss_mb("VmHWM"),
        "e2e_ms": end_to_end,
        "stages_ms": stages,
        "dense_ms": dense_single,
        "bm25_ms": bm25_single,
        "layout": storage.vector_layout(),
    }
    if not peers:
        return result
    # Peers on the same data: exact flat FAISS (also the ground truth for recall) and bm25s.
    ids, matrix = storage.all_vectors()
    texts = [c.text for c in sorted(kb.collection.chunk_texts(), key=lambda c: c.chunk_id)]
    flat = faiss.IndexFlatIP(matrix.shape[1])
    flat.add(matrix)
    del matrix
    flat_ms: list[float] = []
    truth: list[list[int]] = []
    for vector in query_vectors:
        t0 = time.perf_counter()
        _, positions = flat.search(vector.reshape(1, -1).astype(np.float32), 10)
        flat_ms.append((time.perf_counter() - t0) * 1000)
        truth.append(ids[positions[0]].tolist())
    hits = sum(len(set(a) & set(t)) for a, t in zip(dense_ids, truth, strict=True))
    result["recall_at_10"] = hits / (10 * len(truth))
    result["faiss_flat_ms"] = flat_ms
    del flat
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    t0 = time.perf_counter()
    tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
    plain = bm25s.BM25()
    plain.index(tokens, show_progress=False)
    result["bm25s_build_s"] = time.perf_counter() - t0
    del texts, tokens
    plain_ms: list[float] = []
    for query in queries:
        t0 = time.perf_counter()
        query_tokens = bm25s.tokenize([query], stopwords="en", stemmer=stemmer, show_progress=False)
        if query_tokens.vocab:
            plain.retrieve(query_tokens, k=100, show_progress=False, n_threads=1)
        plain_ms.append((time.perf_counter() - t0) * 1000)
    result["bm25s_ms"] = plain_ms
    result["peak_rss_with_peers_mb"] = rss_mb("VmHWM")
    return result


def reuse_or_build(
    source: Path, scale_dir: Path, *, chunks: int, seed: int = 7
) -> tuple[Path, dict[str, float]]:
    """The synthetic collection of `chunks` chunks in `scale_dir`, built there unless a complete
    build from the same source and seed already is (its build timings are kept beside it, in
    `synthetic-<chunks>.json`, written only once the build has finished).

    Reuse keeps the caches a previous run saved in the collection (BM25, verified.json, the
    signals file): whatever a newer version of the code no longer accepts, it rebuilds on the
    first open, as it would for an index a user upgrades.
    """
    target = scale_dir / f"synthetic-{chunks}"
    record = scale_dir / f"synthetic-{chunks}.json"
    wanted = {"chunks": chunks, "seed": seed, "source_index_id": _index_id(source)}
    try:
        built = json.loads(record.read_text(encoding="utf-8"))
        if {k: built.get(k) for k in wanted} == wanted and target.is_dir():
            print(f"reusing {target} (built {built.get('built_at')})", flush=True)
            return target, dict(built["timings"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    record.unlink(missing_ok=True)
    shutil.rmtree(target, ignore_errors=True)  # an unfinished or other build
    scale_dir.mkdir(parents=True, exist_ok=True)
    print(f"building a synthetic collection of {chunks:,} chunks into {target} ...", flush=True)
    timings = build_synthetic(source, target, chunks=chunks, seed=seed)
    built_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    record.write_text(json.dumps({**wanted, "built_at": built_at, "timings": timings}) + "\n")
    return target, timings


def _index_id(index: Path) -> str | None:
    from index.binding import INDEX_ID_STATE
    from index.storage import sqlite_tables as store

    conn = sqlite3.connect(f"file:{index / store.DB_FILE}?mode=ro", uri=True)
    try:
        return store.get_state(conn, INDEX_ID_STATE)
    finally:
        conn.close()


def evict_from_page_cache(folder: Path) -> int:
    """Drop the cached pages of every file in `folder` (posix_fadvise DONTNEED: this index's
    files only, no root needed, unlike dropping the whole cache); returns the bytes advised.
    Pages another process holds mapped, or dirty ones, may stay."""
    advised = 0
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            advised += os.fstat(fd).st_size
        finally:
            os.close(fd)
    return advised


def cold_stages(index: Path, query: str) -> dict[str, float]:
    """Seconds of each step of a cold `readmit search`, run one by one in this (fresh) process:
    imports, opening the index (model, database checks), the vector index, BM25, the corpus
    signals and languages, then the search itself with everything loaded."""
    stages: dict[str, float] = {}
    t0 = time.perf_counter()
    from readmit.service import KnowledgeBase

    stages["imports_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    kb = KnowledgeBase(index)
    collection = kb.collection
    stages["open_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    vector = kb.embedder.encode_queries([query])[0]
    stages["embed_query_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    collection.rank_vectors(vector, k=10)  # loads the vector index
    stages["vector_index_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    kb.searcher.lexical_index()
    stages["bm25_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    kb.searcher.signals()
    stages["signals_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    kb.searcher.corpus_languages()
    stages["languages_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    kb.search(query, k=10)
    stages["search_s"] = time.perf_counter() - t0
    stages["peak_rss_mb"] = rss_mb("VmHWM")
    return stages


def _main() -> None:
    """`python scripts/bench_scale.py INDEX QUERIES.json [--peers]`: prints measure() as JSON;
    `python scripts/bench_scale.py --cold-stages INDEX QUERY [--evict]`: prints cold_stages()
    as JSON (with --evict, from a page cache without the index's files);
    `python scripts/bench_scale.py --evict INDEX`: drops the index's files from the page cache."""
    if sys.argv[1] == "--cold-stages":
        if "--evict" in sys.argv[4:]:
            evict_from_page_cache(Path(sys.argv[2]))
        print(json.dumps(cold_stages(Path(sys.argv[2]), sys.argv[3])))
        return
    if sys.argv[1] == "--evict":
        print(evict_from_page_cache(Path(sys.argv[2])))
        return
    index, queries_file = Path(sys.argv[1]), Path(sys.argv[2])
    queries = json.loads(queries_file.read_text(encoding="utf-8"))
    result = measure(index, queries, peers="--peers" in sys.argv[3:])
    print(json.dumps(result))


if __name__ == "__main__":
    _main()
