"""Calibrate and measure the relevance floor ("no good match") on real searches.

In-domain: every query of tests/eval/queries.jsonl (each has relevant articles, so "no good
match" on one of them is a *false alarm*). Out-of-domain: tests/eval/no_match_queries.jsonl
(nonsense strings and questions about other subjects, in en/nl/fr/de; a result shown as a good
match for one of them is a *miss*). Prints each query's signals, the rates of the floor of the
index's model (index.retrieval.relevance.floor_for) per split, and a grid of alternatives on dev.

    .venv/bin/python scripts/relevance_floor.py [--index DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from index.retrieval.hybrid import SearchOutcome
from index.retrieval.relevance import RelevanceFloor, floor_for
from readmit.service import KnowledgeBase
from readmit.settings import load_settings

EVAL = Path(__file__).resolve().parent.parent / "tests" / "eval"


def load(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def rates(
    floor: RelevanceFloor, inside: list[SearchOutcome], outside: list[SearchOutcome]
) -> tuple[float, float]:
    false_alarms = sum(not floor.is_good_match(o) for o in inside) / max(len(inside), 1)
    misses = sum(floor.is_good_match(o) for o in outside) / max(len(outside), 1)
    return false_alarms, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=None)
    args = parser.parse_args()
    kb = KnowledgeBase(load_settings(index_dir=args.index).index_dir)
    current = floor_for(kb.embedder.name)
    outcomes: dict[tuple[str, str], list[SearchOutcome]] = {}
    for kind, path in (("in", EVAL / "queries.jsonl"), ("out", EVAL / "no_match_queries.jsonl")):
        for row in load(path):
            outcome = kb.search_with_evidence(row["query"], k=10)
            outcomes.setdefault((kind, row["split"]), []).append(outcome)
            verdict = "good" if current.is_good_match(outcome) else "NO GOOD MATCH"
            print(
                f"{kind:3} {row['split']:7} sim={outcome.best_similarity or 0:.3f} "
                f"known={outcome.known_word_share or 0:.2f} {verdict:13} {row['query'][:70]}"
            )
    print()
    for split in ("dev", "heldout"):
        inside, outside = outcomes[("in", split)], outcomes[("out", split)]
        false_alarm, miss = rates(current, inside, outside)
        print(
            f"{split:7}: {len(inside)} in-domain, {len(outside)} out-of-domain queries; "
            f"false-alarm rate {false_alarm:.1%}, miss rate {miss:.1%}  ({current})"
        )
    vocabulary_only = floor_for("any other model")
    for split in ("dev", "heldout"):
        false_alarm, miss = rates(
            vocabulary_only, outcomes[("in", split)], outcomes[("out", split)]
        )
        print(f"{split:7}: vocabulary only (any other model): {false_alarm:.1%}, {miss:.1%}")
    print("\ngrid on dev (false alarm, miss):")
    inside, outside = outcomes[("in", "dev")], outcomes[("out", "dev")]
    for strong, low, share in itertools.product(
        (0.86, 0.87, 0.88, 0.89, 0.90), (0.80, 0.82, 0.84), (0.5, 0.6, 0.67)
    ):
        floor = RelevanceFloor(strong_similarity=strong, min_similarity=low, min_known_share=share)
        false_alarm, miss = rates(floor, inside, outside)
        print(f"  strong={strong} min={low} share={share}: {false_alarm:.1%} {miss:.1%}")


if __name__ == "__main__":
    main()
