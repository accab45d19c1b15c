"""Draw the random, document-stratified sample of clause facts that tests/labels/*_sample.jsonl
label (time limits and precedent-matrix cells), and split it into `tune` and `heldout`.

    python scripts/sample_clause_facts.py --corpus corpus --index DIR --out DIR

The draw is fixed by SEED: the same index (the same corpus and code) gives the same sample.
Stratified over documents: the documents are shuffled, each document's items are shuffled, and
items are taken round-robin (one per document per round) until the sample is full, so that no
long document dominates. The split is by agreement (all language versions of one agreement,
`agreement_key`): the shuffled agreements alternate between `tune` and `heldout`, so a held-out
item's article, and its translation, were never looked at while tuning.

Time limits are drawn from the corpus files as `readmit ingest` parses them (the same units the
index stores, every document: `readmit time-limits --all`), clause types from the index's stored
assignments (`readmit matrix`: the precedents). Writes `time_limits_draw.jsonl` (one extracted
time limit per line: document, article, the quoted phrase, which occurrence of it and where it
starts in the article) and `matrix_draw.jsonl` (sampled assignments of a clause type to an
article, and sampled empty cells), without labels: the labels are added by reading each article.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.slots import classify_document  # noqa: E402
from ingest.pipeline import parse_document  # noqa: E402
from ingest.taxonomy import OTHER, slot_keys  # noqa: E402
from ingest.time_limits import extract_time_limits  # noqa: E402
from readmit.clauses.scope import is_precedent  # noqa: E402
from readmit.service import KnowledgeBase  # noqa: E402

SEED = 2323
TIME_LIMITS = 120
ASSIGNMENTS = 104
EMPTY_CELLS = 20


def round_robin(groups: dict[str, list[Any]], size: int, rng: random.Random) -> list[Any]:
    """`size` items, one per group per round, groups and items in random order."""
    keys = sorted(groups)
    rng.shuffle(keys)
    pools = {key: rng.sample(groups[key], len(groups[key])) for key in keys}
    taken: list[Any] = []
    while len(taken) < size and any(pools.values()):
        for key in keys:
            if pools[key] and len(taken) < size:
                taken.append(pools[key].pop())
    return taken


@dataclass(frozen=True)
class Source:
    """One document as the draw sees it."""

    doc_id: str
    agreement: str  # agreement_key: its official reference, else its id
    language: str
    kind: str
    units: tuple[tuple[str, str], ...]  # (eid, text) in reading order


def corpus_sources(corpus: Path) -> list[Source]:
    sources = []
    for path in sorted(corpus.iterdir()):
        if path.suffix not in (".txt", ".pdf", ".md") or path.name in ("README.md", "SOURCES.md"):
            continue
        parsed = parse_document(path)
        meta = parsed.meta
        sources.append(
            Source(
                meta.doc_id,
                meta.official_reference or meta.doc_id,
                meta.language,
                meta.kind,
                tuple((unit.eid, unit.text) for unit in parsed.units),
            )
        )
    return sources


def splits(sources: list[Source], rng: random.Random) -> dict[str, str]:
    """doc_id → "tune" | "heldout", alternating over the shuffled agreements."""
    agreements = sorted({s.agreement for s in sources})
    rng.shuffle(agreements)
    side = {key: ("tune", "heldout")[i % 2] for i, key in enumerate(agreements)}
    return {s.doc_id: side[s.agreement] for s in sources}


def draw_time_limits(
    sources: list[Source], rng: random.Random, split: dict[str, str]
) -> list[dict[str, Any]]:
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for source in sources:
        for eid, text in source.units:
            seen: dict[str, int] = defaultdict(int)
            for limit in extract_time_limits(text, language=source.language):
                occurrence = seen[limit.text.lower()]
                seen[limit.text.lower()] += 1
                by_doc[source.doc_id].append(
                    {
                        "doc_id": source.doc_id,
                        "eid": eid,
                        "language": source.language,
                        "kind": source.kind,
                        "text": limit.text,
                        "occurrence": occurrence,
                        "start": limit.start,
                        "split": split[source.doc_id],
                    }
                )
    return round_robin(by_doc, TIME_LIMITS, rng)


def draw_matrix(
    kb: KnowledgeBase, rng: random.Random, split: dict[str, str]
) -> list[dict[str, Any]]:
    documents = {d.doc_id: d for d in kb.documents() if is_precedent(d)}
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    filled: set[tuple[str, str]] = set()
    # The assignments `readmit ingest` stores (index.slots.refresh_slots), computed from the
    # stored unit vectors: the same whether or not the ingest has written its slots table yet.
    drawn_from = [
        a for doc_id in sorted(documents) for a in classify_document(kb.collection, doc_id)
    ]
    for a in drawn_from:
        if a.slot == OTHER:
            continue
        filled.add((a.doc_id, a.slot))
        by_doc[a.doc_id].append(
            {
                "cell": "assignment",
                "doc_id": a.doc_id,
                "eid": a.eid,
                "slot": a.slot,
                "language": documents[a.doc_id].language,
                "split": split[a.doc_id],
            }
        )
    for group in by_doc.values():
        group.sort(key=lambda row: (row["eid"], row["slot"]))
    drawn = round_robin(by_doc, ASSIGNMENTS, rng)
    empty: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc_id in sorted(documents):
        for slot in slot_keys():
            if slot != OTHER and (doc_id, slot) not in filled:
                empty[doc_id].append(
                    {
                        "cell": "empty",
                        "doc_id": doc_id,
                        "eid": None,
                        "slot": slot,
                        "language": documents[doc_id].language,
                        "split": split[doc_id],
                    }
                )
    return drawn + round_robin(empty, EMPTY_CELLS, rng)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--index", type=Path, help="omit to draw the time limits only")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rng = random.Random(SEED)
    sources = corpus_sources(args.corpus)
    split = splits(sources, rng)
    args.out.mkdir(parents=True, exist_ok=True)
    draws = [("time_limits_draw.jsonl", "t", draw_time_limits(sources, rng, split))]
    if args.index is not None:
        kb = KnowledgeBase(args.index)
        draws.append(("matrix_draw.jsonl", "m", draw_matrix(kb, rng, split)))
    for name, prefix, rows in draws:
        with (args.out / name).open("w", encoding="utf-8") as handle:
            for number, row in enumerate(rows, 1):
                item = {"id": f"{prefix}{number:03d}", **row}
                handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} items", file=sys.stderr)


if __name__ == "__main__":
    main()
