"""Issue 15/16: each search-pipeline change on the dev split, the held-out split and the blind set.

Usage: python scripts/compare_signals.py --index INDEX_DIR [--variant NAME ...] [--timing]

Prints one Markdown row per variant and set (nDCG@10, P@10, R@10, MRR, other-language share) and,
with `--timing`, the mean milliseconds per search stage over the dev questions. The default is
chosen on the dev rows only; held-out and blind rows are the check (docs/search-quality.md).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from index.retrieval.hybrid import STAGES, HybridSearcher, StageTimes
from readmit.evaluation.search import (
    EvalQuery,
    EvalSummary,
    SearchFunction,
    evaluate,
    load_queries,
)
from readmit.evaluation.search_variants import SearchVariant
from readmit.service import KnowledgeBase

EVAL = Path(__file__).resolve().parent.parent / "tests" / "eval"
DEFAULT = SearchVariant()
# "before": main's default before this change (two query embeddings, no signals).
BEFORE = DEFAULT.but(
    dense_as_typed=True,
    version_share=0.0,
    version_additive=True,
    clause_type_slots=0,
    clause_type_confirm=0,
)
VARIANTS: dict[str, SearchVariant] = {
    "before: dense + NL-expanded dense + BM25+glossary": BEFORE,
    "+ version propagation (share 0.5, added)": BEFORE.but(version_share=0.5),
    "+ clause-type ranking (1 type)": BEFORE.but(clause_type_slots=1),
    "+ both (i15 default)": BEFORE.but(version_share=0.5, clause_type_slots=1),
    "+ version propagation (share 0.5, floor)": BEFORE.but(
        version_share=0.5, version_additive=False
    ),
    "+ clause-type ranking confirmed by dense top 10": BEFORE.but(
        clause_type_slots=1, clause_type_confirm=10
    ),
    "+ both, floor + confirmed": BEFORE.but(
        version_share=0.5,
        version_additive=False,
        clause_type_slots=1,
        clause_type_confirm=10,
    ),
}
SIGNALS = VARIANTS["+ both, floor + confirmed"]
VARIANTS |= {
    "floor + confirmed, floor share 1.0": SIGNALS.but(version_share=1.0),
    "floor + confirmed, 2 clause types": SIGNALS.but(clause_type_slots=2),
    "floor + confirmed, clause weight 2": SIGNALS.but(clause_type_weight=2.0),
    "signals, one embedding: no expanded dense": SIGNALS.but(dense_expanded=False),
    "signals, one embedding: expanded question only": SIGNALS.but(dense_as_typed=False),
    "signals, one embedding: derived expansion (weight 0.5)": SIGNALS.but(
        derived_expansion_weight=0.5
    ),
    "signals, one embedding: derived expansion (weight 1.0)": SIGNALS.but(
        derived_expansion_weight=1.0
    ),
    "signals, one embedding: derived expansion (weight 0.25)": SIGNALS.but(
        derived_expansion_weight=0.25
    ),
}
ONE = SIGNALS.but(dense_as_typed=False)
VARIANTS |= {
    "expanded question only, no signals": BEFORE.but(dense_as_typed=False),
    "expanded only + version propagation (floor)": BEFORE.but(
        dense_as_typed=False, version_share=0.5, version_additive=False
    ),
    "expanded only + confirmed clause types": BEFORE.but(
        dense_as_typed=False, clause_type_slots=1, clause_type_confirm=10
    ),
    "expanded only + signals, floor share 1.0": ONE.but(version_share=1.0),
    "expanded only + signals, added share 0.5": ONE.but(version_additive=True),
    "expanded only + signals, unconfirmed clause types": ONE.but(clause_type_confirm=0),
    "expanded only + signals, all-language wordings": ONE.but(dense_expansion_languages=None),
    "signals, one embedding: derived expansion (weight 2.0)": SIGNALS.but(
        derived_expansion_weight=2.0
    ),
    "expanded only + signals, 1 wording per concept": ONE.but(dense_terms_per_language=1),
    "expanded only + signals, 2 wordings per concept": ONE.but(dense_terms_per_language=2),
    "default": DEFAULT,
}


def searcher_function(searcher: HybridSearcher) -> SearchFunction:
    return lambda query, k: searcher.search(query, k=k)


def _sets() -> dict[str, list[EvalQuery]]:
    return {
        "dev": load_queries(EVAL / "queries.jsonl", split="dev"),
        "heldout": load_queries(EVAL / "queries.jsonl", split="heldout"),
        "blind": load_queries(EVAL / "blind.jsonl"),
    }


def _row(label: str, name: str, s: EvalSummary) -> str:
    return (
        f"| {label} | {name} | {s.ndcg:.3f} | {s.precision:.3f} | {s.recall:.3f} | {s.mrr:.3f} "
        f"| {s.other_language_share:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--variant", action="append", help="only these variants")
    parser.add_argument("--sets", default="dev,heldout,blind")
    parser.add_argument("--timing", action="store_true", help="mean ms per stage on dev")
    parser.add_argument(
        "--latency", action="store_true", help="only: before vs default, p50/p95 per stage"
    )
    args = parser.parse_args()
    kb = KnowledgeBase(args.index)
    if args.latency:
        latency(kb)
        return
    sets = {name: queries for name, queries in _sets().items() if name in args.sets.split(",")}
    print("| configuration | set | nDCG@10 | P@10 | R@10 | MRR | other-language share |")
    print("|---|---|---|---|---|---|---|")
    for label, config in VARIANTS.items():
        if args.variant and label not in args.variant:
            continue
        searcher = config.searcher(kb.collection)
        searcher.search("warm-up", k=10)
        for name, queries in sets.items():
            summary = evaluate(queries, searcher_function(searcher), k=10)
            print(_row(label, name, summary), flush=True)
        if args.timing:
            stages: dict[str, list[float]] = {stage: [] for stage in STAGES}
            for query in sets.get("dev", []):
                timings: StageTimes = {}
                searcher.search(query.text, k=10, timings=timings)
                for stage in STAGES:
                    stages[stage].append(timings.get(stage, 0.0))
            print(
                "|   timing (dev mean ms) | "
                + ", ".join(f"{s} {statistics.mean(v):.1f}" for s, v in stages.items() if v)
                + " |"
            )


def latency(kb: KnowledgeBase, *, rounds: int = 2) -> None:
    """Search latency of the "before" configuration and the default, interleaved query by query
    (so machine load hits both alike), over the evaluation questions of both sets and the
    benchmark's paraphrases; model loaded and warmed up."""
    texts = [q.text for queries in _sets().values() for q in queries]
    paraphrases = Path(__file__).resolve().parent / "bench_queries.txt"
    texts += [
        t
        for t in paraphrases.read_text(encoding="utf-8").splitlines()
        if t.strip() and not t.startswith("#")
    ]
    searchers = {
        "before (2 embeddings)": BEFORE.searcher(kb.collection),
        "default (1 embedding)": DEFAULT.searcher(kb.collection),
    }
    runs: dict[str, dict[str, list[float]]] = {
        name: {stage: [] for stage in ("end to end", *STAGES)} for name in searchers
    }
    for searcher in searchers.values():
        for text in texts[:10]:
            searcher.search(text, k=10)
    for _ in range(rounds):
        for text in texts:
            for name, searcher in searchers.items():
                timings: StageTimes = {}
                started = time.perf_counter()
                searcher.search(text, k=10, timings=timings)
                runs[name]["end to end"].append((time.perf_counter() - started) * 1000)
                for stage in STAGES:
                    runs[name][stage].append(timings.get(stage, 0.0))
    print(f"{len(texts)} queries x {rounds} rounds, interleaved")
    print("| configuration | stage | p50 (ms) | p95 (ms) | mean (ms) |")
    print("|---|---|---|---|---|")
    for name, stages in runs.items():
        for stage, values in stages.items():
            ordered = sorted(values)
            p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
            print(
                f"| {name} | {stage} | {statistics.median(ordered):.1f} | {p95:.1f} "
                f"| {statistics.mean(ordered):.1f} |"
            )


if __name__ == "__main__":
    main()
