"""Precision@3 of `readmit gaps` suggestions against the hand labels in tests/eval/gaps.jsonl.

    python scripts/eval_gaps.py --index .readmit/index

Two drafts are checked: an empty one (no language preference) and an English one holding the
Benelux–Kazakhstan agreement's Article 2 (English wordings first). Prints the precision, the wrong
suggestions and any unlabelled ones (label them by reading the article, then re-run).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from readmit.clauses.gap_precision import gap_precision, load_gap_labels  # noqa: E402
from readmit.facade import LOCAL_MAINTAINER, Services, open_readmit  # noqa: E402
from readmit.settings import load_settings  # noqa: E402

LABELS = REPO / "tests" / "eval" / "gaps.jsonl"
ENGLISH_SOURCE = ("benelux-kazakhstan-readmission-agreement-2015-en", "art_2")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("-k", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as drafts:
        services = Services(load_settings(index_dir=args.index, drafts_dir=Path(drafts)))
        app = open_readmit(services.settings, LOCAL_MAINTAINER, services=services)
        empty = app.create_draft("Empty draft")
        english, _ = app.add_unit_to_draft(
            draft_id=app.create_draft("English draft").draft_id,
            doc_id=ENGLISH_SOURCE[0],
            eid=ENGLISH_SOURCE[1],
            section="own-nationals",
        )
        labels = load_gap_labels(LABELS)
        score = gap_precision(services.kb, [empty, english], labels, k=args.k)
    print(
        f"precision@{score.k}: {score.precision:.3f} "
        f"({score.relevant}/{len(score.suggestions)} suggestions)"
    )
    for s in score.wrong(labels):
        print(f"wrong: {s.draft}: {s.slot} #{s.rank}: {s.doc_id} {s.eid}")
    for s in score.unlabelled:
        print(f"unlabelled: {s.draft}: {s.slot} #{s.rank}: {s.doc_id} {s.eid}")


if __name__ == "__main__":
    main()
