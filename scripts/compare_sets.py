"""nDCG@10 of search configurations on every evaluation set at once, as a Markdown table.

Usage: python scripts/compare_sets.py --index DIR [--variant NAME ...] [--per-query]
Sets: `tests/eval/queries.jsonl` dev and held-out, `tests/eval/blind.jsonl`, and the
administrative-clause questions `tests/eval/admin.jsonl` (dev, held-out). Variants are the
product's default with options changed (readmit/evaluation/search_variants.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from index.retrieval.hybrid import HybridSearcher
from readmit.evaluation.search import (
    EvalQuery,
    SearchFunction,
    evaluate,
    load_queries,
    summarise,
)
from readmit.evaluation.search_variants import SearchVariant, variant
from readmit.service import KnowledgeBase

EVAL = Path("tests/eval")
VARIANTS: dict[str, SearchVariant] = {
    "default": variant(),
    "BM25 + glossary": variant(dense=False),
    "dense (expanded)": variant(lexical=False, clause_type_slots=0),
    "without the heading ranking (before)": variant(heading_weight=0.0),
    **{f"heading ranking {w}": variant(heading_weight=w) for w in (0.25, 0.5, 0.75, 1.0)},
    **{
        f"heading ranking {w}, concept by heading share": variant(
            heading_weight=w, heading_by_share=True
        )
        for w in (0.25, 0.5, 1.0)
    },
}


def search_function(searcher: HybridSearcher) -> SearchFunction:
    return lambda text, k: searcher.search(text, k=k)


def query_sets() -> dict[str, list[EvalQuery]]:
    return {
        "dev": load_queries(EVAL / "queries.jsonl", split="dev"),
        "held-out": load_queries(EVAL / "queries.jsonl", split="heldout"),
        "blind": load_queries(EVAL / "blind.jsonl"),
        "admin dev": load_queries(EVAL / "admin.jsonl", split="dev"),
        "admin held-out": load_queries(EVAL / "admin.jsonl", split="heldout"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--variant", action="append", help="only these variants")
    parser.add_argument("--per-query", action="store_true", help="also each query's nDCG@10")
    args = parser.parse_args()
    sets = query_sets()
    everything = [q for queries in sets.values() for q in queries]
    kb = KnowledgeBase(args.index)
    print("| configuration | " + " | ".join(sets) + " | admin all |")
    print("|---" * (len(sets) + 2) + "|")
    for label, chosen in VARIANTS.items():
        if args.variant and label not in args.variant:
            continue
        run = evaluate(everything, search_function(chosen.searcher(kb.collection)), k=10)
        scores = {s.query_id: s for s in run.per_query}
        cells = [summarise([scores[q.query_id] for q in sets[name]], k=10).ndcg for name in sets]
        admin = [scores[q.query_id] for q in (*sets["admin dev"], *sets["admin held-out"])]
        cells.append(summarise(admin, k=10).ndcg)
        print(f"| {label} | " + " | ".join(f"{c:.3f}" for c in cells) + " |", flush=True)
        if args.per_query:
            for name, queries in sets.items():
                if name.startswith("admin"):
                    print(
                        "  "
                        + " ".join(f"{q.query_id}={scores[q.query_id].ndcg:.2f}" for q in queries)
                    )


if __name__ == "__main__":
    main()
