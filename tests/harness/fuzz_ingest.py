"""Mutate real PDFs and ingest them: every case must be indexed or reported, the index stay sound.

    python -m tests.harness.fuzz_ingest [--cases 600] [--batch 50] [--seed 7]

Seeds are the corpus PDFs and the third-party PDFs in tests/data/pdf-samples. Each case is a
seed with one or more mutations (flipped bytes, truncation, deleted/duplicated/inserted
slices, garbage, zeroed blocks, damaged xref numbers, spliced files, swapped PDF keywords).
Cases are written in batches into a folder that `KnowledgeBase.ingest` takes in one run (as a
maintainer's mail folder would be), with the hashing embedder and OCR switched off (OCR would
only make it slower: a page that lost its text fails with "needs OCR" instead). After every
batch: every case is in `indexed` or `failed` with a non-empty reason, nothing escaped as an
exception, `Collection.verify()` is clean and the index holds exactly the cases reported as
indexed. Prints the counts and the most common failure reasons.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.embedders import HashingEmbedder
from ingest.ocr import OCR_ENV
from readmit.service import KnowledgeBase

REPO = Path(__file__).resolve().parents[2]

MODEL = HashingEmbedder().name  # the test fake, by the name an index records
SAMPLES = REPO / "tests" / "data" / "pdf-samples"
CORPUS = REPO / "corpus"
ENCRYPTED_SAMPLE = "libreoffice-writer-password.pdf"
KEYWORDS = (b"obj", b"endobj", b"stream", b"endstream", b"/Length", b"/Filter", b"xref", b"/Root")

Mutation = Callable[[bytes, random.Random, list[bytes]], bytes]


def seed_files() -> list[Path]:
    # The encrypted sample would fail every case the same way ("encrypted, no password given").
    samples = [p for p in sorted(SAMPLES.glob("*.pdf")) if p.name != ENCRYPTED_SAMPLE]
    return sorted(CORPUS.glob("*.pdf")) + samples


def _span(data: bytes, rng: random.Random, most: int = 400) -> tuple[int, int]:
    start = rng.randrange(len(data))
    return start, min(len(data), start + rng.randint(1, most))


def flip_bytes(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    return data[: rng.randrange(1, len(data))]


def delete_slice(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    start, end = _span(data, rng, 4000)
    return data[:start] + data[end:]


def duplicate_slice(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    start, end = _span(data, rng, 4000)
    at = rng.randrange(len(data))
    return data[:at] + data[start:end] + data[at:]


def insert_garbage(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + rng.randbytes(rng.randint(1, 2000)) + data[at:]


def overwrite_garbage(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    start, end = _span(data, rng)
    return data[:start] + rng.randbytes(end - start) + data[end:]


def zero_block(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    start, end = _span(data, rng, 2000)
    return data[:start] + bytes(end - start) + data[end:]


def damage_numbers(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    """Change numbers: object numbers, /Length values, xref offsets, startxref."""
    numbers = list(re.finditer(rb"\d+", data))
    if not numbers:
        return flip_bytes(data, rng, [])
    out = data
    for match in sorted(
        rng.sample(numbers, min(len(numbers), rng.randint(1, 8))), key=lambda m: -m.start()
    ):
        replacement = str(rng.choice([0, 1, -1, 2**31, 10**12, rng.randrange(10**6)])).encode()
        out = out[: match.start()] + replacement + out[match.end() :]
    return out


def splice(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    other = rng.choice(others)
    return data[: rng.randrange(1, len(data))] + other[rng.randrange(len(other)) :]


def swap_keywords(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    out = data
    for _ in range(rng.randint(1, 6)):
        old, new = rng.sample(KEYWORDS, 2)
        positions = [m.start() for m in re.finditer(re.escape(old), out)]
        if positions:
            at = rng.choice(positions)
            out = out[:at] + new + out[at + len(old) :]
    return out


MUTATIONS: dict[str, Mutation] = {
    "flip": flip_bytes,
    "truncate": truncate,
    "delete": delete_slice,
    "duplicate": duplicate_slice,
    "insert": insert_garbage,
    "garbage": overwrite_garbage,
    "zero": zero_block,
    "numbers": damage_numbers,
    "splice": splice,
    "keywords": swap_keywords,
}


@dataclass
class FuzzSummary:
    cases: int = 0
    indexed: int = 0
    failed: int = 0
    by_mutation: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def reason_kind(reason: str) -> str:
    """The reason without its variable details (page numbers, byte values, exception text)."""
    kind = re.split(r"[:(]", reason, maxsplit=1)[0].strip()
    return re.sub(r"\d+", "N", kind)


def run(work: Path, *, cases: int, batch: int, seed: int) -> FuzzSummary:
    os.environ[OCR_ENV] = "off"
    # pypdf logs a warning for every repair it attempts: thousands of lines, nothing to act on.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    rng = random.Random(seed)
    seeds = seed_files()
    blobs = [path.read_bytes() for path in seeds]
    kb = KnowledgeBase(work / "index", model=MODEL)
    summary = FuzzSummary()
    expected_documents: set[str] = set()
    for first in range(0, cases, batch):
        folder = work / f"batch-{first // batch:03d}"
        folder.mkdir()
        names: dict[str, str] = {}
        for number in range(first, min(cases, first + batch)):
            source = rng.randrange(len(seeds))
            data = blobs[source]
            kinds = rng.sample(sorted(MUTATIONS), rng.choice([1, 1, 1, 2, 3]))
            for kind in kinds:
                data = MUTATIONS[kind](data, rng, blobs) or b""
            doc_id = f"case-{number:05d}"
            (folder / f"{doc_id}.pdf").write_bytes(data)
            names[doc_id] = "+".join(kinds)
            summary.by_mutation.update(kinds)
        try:
            report = kb.ingest([folder])
        except Exception as error:  # exactly what must never happen
            summary.problems.append(f"batch {folder.name} raised {type(error).__name__}: {error}")
            continue
        indexed = {Path(p).stem for p in report.indexed}
        failed = {Path(p).stem: reason for p, reason in report.failed}
        summary.cases += len(names)
        summary.indexed += len(indexed)
        summary.failed += len(failed)
        summary.reasons.update(reason_kind(reason) for reason in failed.values())
        lost = set(names) - indexed - set(failed)
        if lost or indexed & set(failed):
            summary.problems.append(f"{folder.name}: neither indexed nor reported: {sorted(lost)}")
        summary.problems += [f"{d}: empty reason" for d, r in failed.items() if not r.strip()]
        expected_documents |= indexed
        summary.problems += [f"{folder.name}: {p}" for p in kb.collection.verify()]
        held = {record.doc_id for record in kb.documents()}
        if held != expected_documents:
            summary.problems.append(
                f"{folder.name}: index holds {len(held)} documents, {len(expected_documents)} "
                "were reported indexed"
            )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="readmit-fuzz-") as folder:
        summary = run(Path(folder), cases=args.cases, batch=args.batch, seed=args.seed)
    print(f"{summary.cases} cases: {summary.indexed} indexed, {summary.failed} reported failed")
    print("mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_mutation.items())))
    for kind, count in summary.reasons.most_common(15):
        print(f"  {count:5d}  {kind}")
    for problem in summary.problems:
        print(f"PROBLEM: {problem}")
    print(f"{len(summary.problems)} problems")
    sys.exit(1 if summary.problems else 0)


if __name__ == "__main__":
    main()
