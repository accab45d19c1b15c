"""Clause facts on the labelled random sample (tests/labels/time_limits_sample.jsonl and
matrix_sample.jsonl), per split and language, with the code as it is now.

    python scripts/eval_clause_facts.py --index DIR              # tune, heldout and all
    python scripts/eval_clause_facts.py --index DIR --errors     # and every wrong item (tune)
    python scripts/eval_clause_facts.py                          # time limits only, no index

Time limits are extracted again from the article texts as `readmit ingest` parses them from
corpus/; clause types are recomputed
from the stored unit vectors (`index.slots.classify_document`, nothing is re-embedded and the
index is not written). Also prints the share of "?" among all precedent-matrix assignments.
"""

from __future__ import annotations

import argparse
import sys
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from index.slots import classify_document, probability_right  # noqa: E402
from index.types import SlotAssignment  # noqa: E402
from ingest.pipeline import parse_document  # noqa: E402
from ingest.taxonomy import OTHER  # noqa: E402
from readmit.clauses.scope import (  # noqa: E402
    is_flagged_doubtful,
    is_flagged_uncertain,
    is_precedent,
)
from readmit.evaluation.clause_facts import (  # noqa: E402
    ALL,
    Ratio,
    format_reliability,
    format_report,
    load_labels,
    score_matrix_sample,
    score_time_limit_sample,
)
from readmit.service import KnowledgeBase  # noqa: E402

LABELS = REPO / "tests" / "labels"
CORPUS = REPO / "corpus"


def corpus_file(doc_id: str) -> Path:
    for suffix in (".txt", ".pdf", ".md"):
        if (CORPUS / f"{doc_id}{suffix}").exists():
            return CORPUS / f"{doc_id}{suffix}"
    raise SystemExit(f"labelled document {doc_id} is not in {CORPUS}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--index", type=Path, help="omit to measure the time limits only")
    parser.add_argument("--errors", action="store_true", help="list the wrong items (tune only)")
    parser.add_argument("--heldout-errors", action="store_true", help="also list held-out errors")
    args = parser.parse_args()
    kb = KnowledgeBase(args.index) if args.index is not None else None
    time_labels = load_labels(LABELS / "time_limits_sample.jsonl")
    matrix_path = LABELS / "matrix_sample.jsonl"
    matrix_labels = load_labels(matrix_path) if kb is not None and matrix_path.exists() else []

    @cache
    def units(doc_id: str) -> dict[str, str]:
        return {u.eid: u.text for u in parse_document(corpus_file(doc_id)).units}

    def unit_text(doc_id: str, eid: str) -> str:
        return units(doc_id)[eid]

    @cache
    def assignments(doc_id: str) -> tuple[SlotAssignment, ...]:
        assert kb is not None
        return tuple(classify_document(kb.collection, doc_id))

    for split in ("tune", "heldout", ALL):
        t = score_time_limit_sample(time_labels, unit_text, split=split)
        c = score_matrix_sample(
            matrix_labels,
            assignments,
            is_flagged_uncertain,
            split=split,
            is_doubtful=is_flagged_doubtful,
            probability=probability_right,
        )
        print(f"== {split}")
        print(format_report(t, c))
        if c[ALL].reliability:
            print(f"reliability ({split}, all languages):")
            print(format_reliability(c[ALL]))
        show = (split == "tune" and args.errors) or (split == "heldout" and args.heldout_errors)
        if show:
            for line in t[ALL].errors + c[ALL].errors:
                print("   ", line)
    if kb is None:
        return
    share, doubtful = Ratio(), Ratio()
    for document in kb.documents():
        if is_precedent(document):
            for a in assignments(document.doc_id):
                if a.slot != OTHER:
                    share.add(is_flagged_uncertain(a))
                    doubtful.add(is_flagged_doubtful(a))
    print(f'not confident ("~" or "?") among all precedent-matrix assignments: {share}')
    print(f'"?" (likely wrong) among all precedent-matrix assignments: {doubtful}')


if __name__ == "__main__":
    main()
