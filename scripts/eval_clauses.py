"""Measure slot classification and time-limit extraction against the hand labels.

    python scripts/eval_clauses.py --index /tmp/ix-e5       # keywords + embeddings (index model)
    python scripts/eval_clauses.py --index /tmp/ix-e5 --keywords-only

Prints per-slot precision / recall / F1 over tests/labels/slots.jsonl, their macro and micro
averages, and the time-limit extraction precision / recall over tests/labels/time_limits.jsonl.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from readmit.evaluation.slots import (  # noqa: E402
    load_slot_labels,
    macro_f1,
    predict_labelled,
    score_slots,
)
from readmit.evaluation.time_limits import evaluate_time_limits  # noqa: E402
from readmit.service import KnowledgeBase  # noqa: E402

LABELS = REPO / "tests" / "labels"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--keywords-only", action="store_true")
    args = parser.parse_args()
    kb = KnowledgeBase(args.index)
    gold = load_slot_labels(LABELS / "slots.jsonl")
    predicted = predict_labelled(
        kb, {doc for doc, _ in gold}, use_embeddings=not args.keywords_only
    )
    scores = score_slots(gold, predicted)
    method = "keywords" if args.keywords_only else f"keywords + embeddings ({kb.embedder.name})"
    print(
        f"slot classification, {method}: {len(gold)} articles, "
        f"{len({d for d, _ in gold})} documents"
    )
    print(f"{'slot':28} {'n':>4} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for s in scores:
        print(
            f"{s.slot:28} {s.support:4d} {s.predicted:5d} "
            f"{s.precision:6.2f} {s.recall:6.2f} {s.f1:6.2f}"
        )
    tp = sum(s.true_positives for s in scores)
    made = sum(s.predicted for s in scores)
    support = sum(s.support for s in scores)
    micro_p, micro_r = tp / made if made else 0.0, tp / support if support else 0.0
    micro_f = 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0
    print(
        f"macro-F1 {macro_f1(scores):.3f}   micro P {micro_p:.3f} R {micro_r:.3f} F1 {micro_f:.3f}"
    )
    result = evaluate_time_limits(kb, LABELS / "time_limits.jsonl")
    print(
        f"time limits: {result.gold} labelled, {result.extracted} extracted in those articles; "
        f"span P {result.precision:.3f} R {result.recall:.3f}; "
        f"number+unit correct {result.value_accuracy:.3f}, "
        f"purpose correct {result.purpose_accuracy:.3f} "
        f"(of matched)"
    )


if __name__ == "__main__":
    main()
