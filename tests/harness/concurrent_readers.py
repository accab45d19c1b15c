"""Search from several reader processes while `readmit ingest` re-indexes; count what they saw.

    python -m tests.harness.concurrent_readers [--readers 3] [--cycles 6] [--docs 0] [--server URL]

With --server (a database URL on a PostgreSQL + pgvector server, e.g. from scripts/postgres.sh)
the index searched and re-indexed is a fresh database on that server (server mode) instead of
a folder.

Versions A and B of the plain-text corpus documents (B: a revision mark on every long line)
are indexed alternately by `readmit ingest` child processes (every cycle replaces every
document). Meanwhile each reader process searches in a loop through `KnowledgeBase` (one
long-lived instance, as the app keeps one, plus a fresh one every tenth query; a short pause
between queries, as people type) and checks each answer:
  - the search does not raise,
  - it returns hits, and the index always lists every document,
  - every hit's text is a chunk of version A or of version B of its document (no torn text),
  - hits of one document in one answer all come from the same version (no mix).
Prints searches run, errors, inconsistencies. Uses the hashing embedder (the model does not
matter for concurrency).
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.queues
import multiprocessing.synchronize
import queue
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from readmit.service import KnowledgeBase
from readmit.settings import as_location
from tests.harness.kill_ingest import (
    MODEL,
    child_env,
    corpus_doc_ids,
    ingest_command,
    snapshot,
    write_versions,
)

REPO = Path(__file__).resolve().parents[2]

PAUSE_SECONDS = 0.2
QUERIES = (
    "time limit for answering a readmission request",
    "costs of transport to the border",
    "termijn voor beantwoording van het overnameverzoek",
    "transit escort",
    "data protection personal data",
    "kosten van doorgeleiding",
    "entry into force and denunciation",
    "third-country nationals and stateless persons",
)


@dataclass
class ReaderResult:
    searches: int = 0
    hits: int = 0
    errors: list[str] = field(default_factory=list)
    inconsistencies: list[str] = field(default_factory=list)


def classify(
    hit_texts: list[tuple[str, str]],
    versions: dict[str, tuple[set[str], set[str]]],
) -> list[str]:
    """Problems with one answer: unknown chunk texts, or one document seen in two versions."""
    problems: list[str] = []
    seen: dict[str, set[str]] = {}
    for doc_id, text in hit_texts:
        old, new = versions.get(doc_id, (set(), set()))
        if text in old and text in new:
            continue  # the same in both versions: says nothing
        if text in old:
            seen.setdefault(doc_id, set()).add("A")
        elif text in new:
            seen.setdefault(doc_id, set()).add("B")
        else:
            problems.append(f"{doc_id}: hit text is in neither version: {text[:60]!r}")
    problems += [
        f"{doc_id}: one answer mixes both versions" for doc_id, v in seen.items() if len(v) > 1
    ]
    return problems


def reader(
    index_dir: str,
    versions: dict[str, tuple[set[str], set[str]]],
    documents: int,
    stop: multiprocessing.synchronize.Event,
    ready: multiprocessing.synchronize.Semaphore,
    results: multiprocessing.queues.Queue[ReaderResult],
    seed: int,
) -> None:
    result = ReaderResult()
    kb = KnowledgeBase(as_location(index_dir), model=MODEL)
    kb.search(QUERIES[0], k=1)  # caches built before the writer starts
    ready.release()
    number = seed
    while not stop.wait(PAUSE_SECONDS):
        query = QUERIES[number % len(QUERIES)]
        number += 1
        try:
            if number % 10 == 0:
                kb = KnowledgeBase(as_location(index_dir), model=MODEL)
            hits = kb.search(query, k=20)
            listed = len(kb.documents())
        except Exception as error:
            result.errors.append(f"{type(error).__name__}: {error}")
            continue
        result.searches += 1
        result.hits += len(hits)
        if not hits:
            result.inconsistencies.append(f"no hits for {query!r}")
        if listed != documents:
            result.inconsistencies.append(f"index listed {listed} documents, not {documents}")
        result.inconsistencies += classify([(h.doc_id, h.text) for h in hits], versions)
    results.put(result)


@dataclass
class Summary:
    readers: int
    cycles: int
    documents: int
    writer_failures: int
    searches: int
    hits: int
    errors: list[str]
    inconsistencies: list[str]


def run(
    work: Path, *, readers: int, cycles: int, doc_ids: list[str], server: str | None = None
) -> Summary:
    """`server`: a PostgreSQL URL; the index is then a fresh database there, not a folder."""
    version_a, version_b = write_versions(work, doc_ids)
    index_a, index_b = work / "index-A", work / "index-B"
    KnowledgeBase(index_a, model=MODEL).ingest([version_a])
    KnowledgeBase(index_b, model=MODEL).ingest([version_b])
    texts_a, texts_b = snapshot(index_a), snapshot(index_b)
    versions = {d: (set(texts_a[d][1]), set(texts_b[d][1])) for d in texts_a}
    index_dir: Path | str = work / "index" if server is None else fresh_database(server)
    KnowledgeBase(index_dir, model=MODEL).ingest([version_a])
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    ready = context.Semaphore(0)
    results: multiprocessing.queues.Queue[ReaderResult] = context.Queue()
    processes = [
        context.Process(
            target=reader,
            args=(str(index_dir), versions, len(doc_ids), stop, ready, results, n),
        )
        for n in range(readers)
    ]
    for process in processes:
        process.start()
    started = 0
    while started < len(processes):  # a reader that dies must not leave us waiting forever
        if ready.acquire(timeout=1.0):
            started += 1
        elif any(p.exitcode not in (None, 0) for p in processes):
            break
    writer_failures = 0
    for cycle in range(cycles):
        folder = version_b if cycle % 2 == 0 else version_a
        done = subprocess.run(
            ingest_command(index_dir, folder), env=child_env(), capture_output=True, text=True
        )
        if done.returncode != 0:
            writer_failures += 1
            print(done.stderr[-2000:], file=sys.stderr)
    stop.set()
    collected: list[ReaderResult] = []
    while len(collected) < len(processes):
        try:
            collected.append(results.get(timeout=1.0))
        except queue.Empty:
            if all(not p.is_alive() for p in processes) and results.empty():
                break
    for process in processes:
        process.join()
    dead = [f"reader exited with code {p.exitcode}" for p in processes if p.exitcode != 0]
    return Summary(
        readers=readers,
        cycles=cycles,
        documents=len(doc_ids),
        writer_failures=writer_failures,
        searches=sum(r.searches for r in collected),
        hits=sum(r.hits for r in collected),
        errors=dead + [e for r in collected for e in r.errors],
        inconsistencies=[i for r in collected for i in r.inconsistencies],
    )


def fresh_database(server: str) -> str:
    """A new, empty database on the server of `server` (a URL); returns its URL."""
    import uuid

    import psycopg

    name = f"readers_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    return server.rsplit("/", 1)[0] + "/" + name


def text_doc_ids(limit: int = 0) -> list[str]:
    """Documents shipped as text (every chunk of their B version differs from A)."""
    ids = [d for d in corpus_doc_ids() if (REPO / "corpus" / f"{d}.txt").exists()]
    return ids[:limit] if limit else ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=3)
    parser.add_argument("--cycles", type=int, default=6)
    parser.add_argument("--docs", type=int, default=0, help="first N text documents (0 = all)")
    parser.add_argument("--server", default=None, help="PostgreSQL URL: test server mode")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="readmit-readers-") as folder:
        summary = run(
            Path(folder),
            readers=args.readers,
            cycles=args.cycles,
            doc_ids=text_doc_ids(args.docs),
            server=args.server,
        )
    for line in summary.errors[:20] + summary.inconsistencies[:20]:
        print(line)
    print(
        f"{summary.documents} documents, {summary.cycles} re-index cycles "
        f"({summary.writer_failures} failed), {summary.readers} readers: {summary.searches} "
        f"searches, {summary.hits} hits, {len(summary.errors)} errors, "
        f"{len(summary.inconsistencies)} inconsistencies"
    )
    sys.exit(1 if summary.errors or summary.inconsistencies or summary.writer_failures else 0)


if __name__ == "__main__":
    main()
