"""MRR and hit@3 of `readmit similar` on the hand-labelled clause types (tests/labels/slots.jsonl).

python scripts/eval_similar.py --index .readmit/index
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from readmit.evaluation.similar import similar_quality  # noqa: E402
from readmit.evaluation.slots import load_slot_labels  # noqa: E402
from readmit.service import KnowledgeBase  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    args = parser.parse_args()
    kb = KnowledgeBase(args.index)
    score = similar_quality(kb, load_slot_labels(REPO / "tests" / "labels" / "slots.jsonl"))
    print(f"sources: {score.sources}  MRR: {score.mrr:.3f}  hit@3: {score.hit_at_3:.3f}")
    for doc_id, eid in score.misses:
        print(f"no relevant result: {doc_id} {eid}")


if __name__ == "__main__":
    main()
