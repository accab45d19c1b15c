"""Print embedding throughput of the real embedders and dense search latency (numbers only).

    python scripts/bench_embedders.py [--chunks 200] [--vectors 5000]

Chunks are real corpus text cut into ~180-word pieces (the length of a typical article chunk,
about 230-260 MiniLM tokens). Search latency is measured on a Collection of `--vectors`
384-d chunks, also cut from the corpus, embedded with the hashing fake (the search cost does not
depend on which model made the vectors) and then queried with real query vectors.
The machine may be shared: these are indications, never assertions.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.embedders import HashingEmbedder, make_embedder  # noqa: E402
from index.storage import open_collection  # noqa: E402
from index.types import SearchFilters  # noqa: E402
from ingest.types import Chunk, DocumentMeta, ParsedDocument, Unit  # noqa: E402

QUERIES = [
    "how long does the requested party have to answer",
    "who pays the costs of transport",
    "transit may be refused",
    "termijn voor het beantwoorden van een overnameverzoek",
    "protection of personal data",
]


def corpus_pieces(words_per_piece: int) -> list[tuple[str, str]]:
    """(doc_id, text) pieces of about `words_per_piece` words from every .txt corpus file."""
    pieces = []
    for path in sorted((REPO / "corpus").glob("*.txt")):
        words = path.read_text(encoding="utf-8").split()
        for start in range(0, len(words) - words_per_piece // 2, words_per_piece):
            pieces.append((path.stem, " ".join(words[start : start + words_per_piece])))
    return pieces


def bench_embedders(count: int) -> None:
    pieces = [text for _, text in corpus_pieces(180)]
    texts = pieces[:: max(1, len(pieces) // count)][:count]  # spread over every document
    for name in ("minilm", "e5"):
        embedder = make_embedder(name)
        started = time.perf_counter()
        embedder.encode_documents(texts[:2])  # loads the model
        load = time.perf_counter() - started
        tokens = statistics.mean(embedder.count_tokens(t) for t in texts)
        started = time.perf_counter()
        embedder.encode_documents(texts)
        elapsed = time.perf_counter() - started
        query_times = []
        for query in QUERIES * 4:
            started = time.perf_counter()
            embedder.encode_queries([query])
            query_times.append(time.perf_counter() - started)
        print(
            f"{embedder.name:24} load {load:5.1f}s | "
            f"{len(texts)} chunks (mean {tokens:.0f} tokens) "
            f"in {elapsed:5.1f}s = {len(texts) / elapsed:6.1f} chunks/s | "
            f"one query {statistics.median(query_times) * 1000:5.1f} ms (median)"
        )


def bench_search(vector_count: int) -> None:
    pieces = corpus_pieces(100)
    while len(pieces) < vector_count:
        pieces += [(doc_id + "-copy", text) for doc_id, text in pieces]
    pieces = pieces[:vector_count]
    by_doc: dict[str, list[str]] = {}
    for doc_id, text in pieces:
        by_doc.setdefault(doc_id, []).append(text)
    with tempfile.TemporaryDirectory() as folder:
        collection = open_collection(Path(folder), embedder=HashingEmbedder(dimension=384))
        items = []
        for n, (doc_id, texts) in enumerate(sorted(by_doc.items())):
            units = tuple(
                Unit(
                    eid=f"art_{i + 1}",
                    kind="article",
                    part="agreement",
                    number=str(i + 1),
                    heading=None,
                    text=text,
                    order=i,
                )
                for i, text in enumerate(texts)
            )
            meta = DocumentMeta(
                doc_id=doc_id, title=doc_id, language=doc_id.split("-")[-1][:2], year=1990 + n % 30
            )
            doc = ParsedDocument(meta=meta, units=units, content_hash=str(n), source_path=doc_id)
            chunks = [
                Chunk(
                    chunk_id=int.from_bytes(
                        hashlib.blake2b(f"{doc_id}{u.eid}".encode(), digest_size=8).digest(),
                        "little",
                        signed=True,
                    ),
                    doc_id=doc_id,
                    eid=u.eid,
                    part=u.part,
                    article=u.number,
                    heading=None,
                    text=u.text,
                    seq=0,
                )
                for u in units
            ]
            items.append((doc, chunks))
        started = time.perf_counter()
        collection.upsert_documents(items, batch_size=512)
        print(
            f"indexed {collection.status().chunks} chunks (hashing fake) in "
            f"{time.perf_counter() - started:.1f}s"
        )
        started = time.perf_counter()
        open_collection(Path(folder), embedder=HashingEmbedder(dimension=384)).close()
        reopen_ms = (time.perf_counter() - started) * 1000
        print(f"reopen (checksum + load vectors.faiss): {reopen_ms:.0f} ms")
        (Path(folder) / "vectors.faiss").unlink()
        started = time.perf_counter()
        open_collection(Path(folder), embedder=HashingEmbedder(dimension=384)).close()
        print(
            f"reopen after deleting vectors.faiss (rebuild from SQLite): "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )

        query_vectors = make_embedder("minilm").encode_queries(QUERIES)
        cases = {
            "unfiltered": None,
            "filter language=nl": SearchFilters(languages=("nl",)),
            "filter years 2000-2005": SearchFilters(year_from=2000, year_to=2005),
        }
        for label, filters in cases.items():
            times = []
            for _ in range(20):
                for vector in query_vectors:
                    started = time.perf_counter()
                    collection.search_vectors(vector, k=10, filters=filters)
                    times.append(time.perf_counter() - started)
            times.sort()
            print(
                f"search_vectors k=10 over {collection.status().chunks} vectors, {label:24}: "
                f"median {statistics.median(times) * 1000:5.2f} ms, "
                f"p95 {times[int(len(times) * 0.95)] * 1000:5.2f} ms"
            )
        collection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=200)
    parser.add_argument("--vectors", type=int, default=5000)
    args = parser.parse_args()
    bench_embedders(args.chunks)
    bench_search(args.vectors)


if __name__ == "__main__":
    main()
