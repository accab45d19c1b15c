"""Compare retrieval configurations on the evaluation set and print a Markdown table.

Usage: python scripts/compare_search.py --index e5=E5_INDEX_DIR --index minilm=MINILM_INDEX_DIR
       [--queries tests/eval/queries.jsonl] [--k 10] [--variant NAME ...]
Each index must hold the whole corpus built with the named model (`readmit --model NAME ingest`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from index.retrieval.hybrid import HybridSearcher
from readmit.evaluation.search import SearchFunction, evaluate, load_queries, summarise
from readmit.evaluation.search_variants import SearchVariant, variant
from readmit.service import KnowledgeBase

VARIANTS: dict[str, SearchVariant] = {
    "BM25": variant(dense=False, expand_query=False),
    "BM25 + glossary": variant(dense=False),
    "dense": variant(lexical=False, dense_expanded=False),
    "dense + glossary-expanded dense": variant(lexical=False, dense_expansion_languages=None),
    "dense + BM25 (RRF k=60)": variant(expand_query=False, dense_expanded=False, rrf_k=60),
    "dense + BM25 + glossary (RRF k=60)": variant(dense_expanded=False, rrf_k=60),
    "dense + expanded dense + BM25 + glossary (RRF k=60)": variant(
        rrf_k=60, dense_expansion_languages=None
    ),
    "dense per language + BM25 + glossary (RRF k=60)": variant(
        balance_languages=True, dense_expanded=False, rrf_k=60
    ),
    "dense + expanded dense + BM25 + glossary (RRF k=20)": variant(
        rrf_k=20, dense_expansion_languages=None
    ),
    "dense + expanded dense (all languages) + BM25 + glossary (RRF k=10)": variant(
        dense_expansion_languages=None
    ),
    "default: dense + expanded dense (Dutch wordings) + BM25 + glossary (RRF k=10)": variant(),
    "default, but BM25 weight 1.5": variant(lexical_weight=1.5),
    "default, but chunks not grouped per article": variant(per_article=False),
}


def searcher_function(searcher: HybridSearcher) -> SearchFunction:
    return lambda query, k: searcher.search(query, k=k)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", action="append", required=True, help="NAME=DIR")
    parser.add_argument("--queries", type=Path, default=Path("tests/eval/queries.jsonl"))
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--variant", action="append", help="only these variants")
    args = parser.parse_args()
    splits = {
        "all": load_queries(args.queries),
        "dev": load_queries(args.queries, split="dev"),
        "heldout": load_queries(args.queries, split="heldout"),
    }
    print(
        f"| model | configuration | nDCG@{args.k} all | dev | heldout | P@{args.k} | R@{args.k} "
        "| MRR | other-language share |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    bm25_done = False
    for spec in args.index:
        name, _, directory = spec.partition("=")
        kb = KnowledgeBase(Path(directory))
        for label, chosen in VARIANTS.items():
            config = chosen.config
            if args.variant and label not in args.variant:
                continue
            if not config.dense and bm25_done:
                continue  # lexical results do not depend on the embedding model
            searcher = chosen.searcher(kb.collection)
            whole_run = evaluate(splits["all"], searcher_function(searcher), k=args.k)
            results = {"all": whole_run}
            for split in ("dev", "heldout"):
                ids = {q.query_id for q in splits[split]}
                results[split] = summarise(
                    [s for s in whole_run.per_query if s.query_id in ids], k=args.k
                )
            whole = results["all"]
            model = name if config.dense else "—"
            print(
                f"| {model} | {label} | {whole.ndcg:.3f} | {results['dev'].ndcg:.3f} "
                f"| {results['heldout'].ndcg:.3f} | {whole.precision:.3f} | {whole.recall:.3f} "
                f"| {whole.mrr:.3f} | {whole.other_language_share:.2f} |",
                flush=True,
            )
        bm25_done = True


if __name__ == "__main__":
    main()
