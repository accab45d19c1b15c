"""Print ingest time per MB by script, units per document and the largest chunk (numbers only).

    python scripts/measure_languages.py [--repeat 3]

For the Dutch corpus texts and for the Chinese, Thai and Vietnamese laws: parsing
(`ingest.pipeline.parse_document`), chunking (`ingest.chunking.chunk_document`) and BM25
tokenisation of the chunks (`index.lexical.tokenize`), i.e. all of ingest except the embedding,
whose cost per token does not depend on the script. Then one 1.9 MB Chinese text without a single
space or line break, the case that used to become one chunk. Best of `--repeat` runs per group.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import index.retrieval.lexical as lexical  # noqa: E402
import ingest.chunking  # noqa: E402
import ingest.words  # noqa: E402
from index.retrieval.lexical import tokenize  # noqa: E402
from ingest.chunking import approximate_tokens, chunk_document  # noqa: E402
from ingest.pipeline import parse_document  # noqa: E402
from ingest.structure import parse_structure  # noqa: E402
from ingest.types import DocumentMeta, Line, ParsedDocument  # noqa: E402

CORPUS = REPO / "corpus"
SEGMENTATION_SECONDS = [0.0]


def _timed(function: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    def wrapper(text: str) -> list[str]:
        start = time.perf_counter()
        try:
            return function(text)
        finally:
            SEGMENTATION_SECONDS[0] += time.perf_counter() - start

    return wrapper


# Time spent in ICU word breaks and CJK bigrams, wherever ingest calls them.
# The module globals are patched for the measurement (the functions come from ingest.words).
for _module, _name in (
    (ingest.chunking, "segment_words"),
    (lexical, "segment_words"),
    (lexical, "cjk_bigrams"),
):
    setattr(_module, _name, _timed(getattr(ingest.words, _name)))
GROUPS = {"nl": "*-nl.txt", "zh": "*-zh.txt", "th": "*-th.txt", "vi": "*-vi.txt", "id": "*-id.txt"}


def ingest_seconds(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        doc = parse_document(path)
        for chunk in chunk_document(doc):
            tokenize(chunk.text, language=doc.meta.language)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("group  files      MB   s/MB  x Dutch  segmentation share  (best of runs, interleaved)")
    runs: dict[str, list[tuple[float, float]]] = {group: [] for group in GROUPS}
    for _ in range(args.repeat):
        for group, pattern in GROUPS.items():
            SEGMENTATION_SECONDS[0] = 0.0
            seconds = ingest_seconds(sorted(CORPUS.glob(pattern)))
            runs[group].append((seconds, SEGMENTATION_SECONDS[0]))
    dutch = None
    for group, pattern in GROUPS.items():
        paths = sorted(CORPUS.glob(pattern))
        megabytes = sum(p.stat().st_size for p in paths) / 1e6
        seconds, segmentation = min(runs[group])
        per_mb = seconds / megabytes
        dutch = dutch or per_mb
        print(
            f"{group:5} {len(paths):6} {megabytes:7.3f} {per_mb:6.2f} {per_mb / dutch:7.2f}"
            f" {segmentation / seconds:10.1%}"
        )
    print(f"\n{'document':58} units articles chunks max-tokens")
    for group in ("zh", "th", "vi", "id"):
        for path in sorted(CORPUS.glob(GROUPS[group])):
            doc = parse_document(path)
            chunks = chunk_document(doc)
            articles = sum(u.kind == "article" for u in doc.units)
            biggest = max(approximate_tokens(c.text) for c in chunks)
            print(f"{path.stem:58} {len(doc.units):5} {articles:8} {len(chunks):6} {biggest:10}")
    text = ("中华人民共和国国籍的取得丧失和恢复都适用本法" * 100_000)[:633_000]  # ~1.9 MB UTF-8
    start = time.perf_counter()
    units = parse_structure([Line(text="国籍法"), Line(text=text)], language="zh")
    meta = DocumentMeta(doc_id="no-space-zh", title="国籍法", language="zh")
    doc = ParsedDocument(meta=meta, units=units, content_hash="0" * 64, source_path="x.txt")
    chunks = chunk_document(doc)
    seconds = time.perf_counter() - start
    megabytes = len(text.encode()) / 1e6
    biggest = max(approximate_tokens(c.text) for c in chunks)
    print(
        f"\none line of {megabytes:.2f} MB Chinese without spaces: {len(chunks)} chunks, "
        f"largest {biggest} tokens, {seconds / megabytes:.2f} s/MB (parse + chunk)"
    )


if __name__ == "__main__":
    main()
