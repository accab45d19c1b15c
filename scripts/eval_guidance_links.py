"""Precision and recall of the clause type ↔ guide section link against hand labels.

    python scripts/eval_guidance_links.py --index DIR [--labels tests/labels/guide_sections.jsonl]

The link is the clause classifier's assignment (index.slots) on guide sections, computed now
from the index (as `readmit guidance` shows it). Gold: tests/labels/guide_sections.jsonl,
labelled by reading each section ("other" = speaks to no clause type). Prints per clause type
and micro-averaged precision/recall over the labelled (section, clause type) pairs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from index.slots import classify_document
from ingest.taxonomy import OTHER
from readmit.evaluation.slots import load_slot_labels, score_slots
from readmit.guidance import GUIDANCE_MIN_CONFIDENCE
from readmit.service import KnowledgeBase

LABELS = Path(__file__).resolve().parent.parent / "tests" / "labels" / "guide_sections.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--keywords-only", action="store_true", help="no embedding evidence")
    parser.add_argument(
        "--min-confidence",
        type=float,
        default=GUIDANCE_MIN_CONFIDENCE,
        help="assignments below this confidence are not links (default: the app's)",
    )
    args = parser.parse_args()
    gold = {key: slots - {OTHER} for key, slots in load_slot_labels(args.labels).items()}
    kb = KnowledgeBase(args.index)
    predicted_all: dict[tuple[str, str], set[str]] = {}
    for doc_id in sorted({doc_id for doc_id, _ in gold}):
        for a in classify_document(kb.collection, doc_id, use_embeddings=not args.keywords_only):
            if a.confidence >= args.min_confidence:
                predicted_all.setdefault((doc_id, a.eid), set()).add(a.slot)
    predicted = {key: predicted_all.get(key, set()) - {OTHER} for key in gold}
    print(f"minimum confidence {args.min_confidence}")
    scores = score_slots(gold, predicted)
    print(
        f"{len(gold)} labelled guide sections, {sum(map(len, gold.values()))} (section, type) pairs"
    )
    print(f"{'clause type':26} support predicted  tp  precision recall")
    for s in scores:
        print(
            f"{s.slot:26} {s.support:7} {s.predicted:9} {s.true_positives:3}"
            f"  {s.precision:9.2f} {s.recall:6.2f}"
        )
    true_pairs = sum(len(g & predicted[key]) for key, g in gold.items())
    predicted_pairs = sum(len(p) for p in predicted.values())
    gold_pairs = sum(len(g) for g in gold.values())
    precision = true_pairs / predicted_pairs if predicted_pairs else 0.0
    recall = true_pairs / gold_pairs if gold_pairs else 0.0
    print(
        f"micro: precision {precision:.2f} ({true_pairs}/{predicted_pairs}), "
        f"recall {recall:.2f} ({true_pairs}/{gold_pairs})"
    )
    false = [(key, sorted(p - gold[key])) for key, p in predicted.items() if p - gold[key]]
    for (doc_id, eid), slots in false:
        print(f"  false positive: {doc_id} {eid}: {', '.join(slots)}")


if __name__ == "__main__":
    main()
