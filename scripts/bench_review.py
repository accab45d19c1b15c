"""How long a review of a 25-article proposal against a 25-article model draft takes.

Usage: python scripts/bench_review.py [--index DIR] [--rounds 3] [--articles 25]
The model draft is built in a temporary drafts folder from the articles of an English agreement
of the index (drafted text, as a drafter would hold it); the proposal is the same articles with
the other side's changes: a longer reply period, one article dropped, one added, a few words
changed. Prints the time of each round of `review_proposal` (the first includes loading the
model and the clause-type vectors), the memo and the redline, and what the review found. Not a
test: numbers only (goal: under 10 s for a review on a quiet machine).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from readmit.drafting import DraftingService, DraftStore
from readmit.review import ReviewTarget, review_proposal
from readmit.review.memo_docx import build_memo
from readmit.review.redline import build_redline
from readmit.service import KnowledgeBase
from readmit.settings import load_settings

ADDED = (
    "Article {n}\nEscort\n\n1. The requesting Party shall inform the requested Party whether "
    "the person to be readmitted requires an escort.\n\n2. Escort officers shall carry no "
    "weapons on the territory of the requested Party."
)


def source_articles(kb: KnowledgeBase, count: int) -> list[tuple[str, str]]:
    """(heading, text) of `count` articles of English agreements in the index (most first)."""
    documents = sorted(
        (d for d in kb.documents() if d.language == "en" and not d.is_guidance),
        key=lambda d: -d.unit_count,
    )
    found: list[tuple[str, str]] = []
    for document in documents:
        for unit in kb.units(document.doc_id):
            if unit.kind == "article" and unit.text.strip() and len(found) < count:
                found.append((unit.heading or f"Provision {len(found) + 1}", unit.text))
    if len(found) < count:
        raise SystemExit(f"the index has only {len(found)} English articles; need {count}")
    return found


def proposal_text(articles: list[tuple[str, str]]) -> str:
    """The articles as the other side's proposal: the reply period doubled (or a reply period
    added to the first article that has none), the third article dropped, an escort article
    added, "shall" → "will" in every fifth article."""
    blocks = ["Proposal of the other Party on readmission", ""]
    number = 0
    changed_period = False
    for index, (heading, text) in enumerate(articles):
        if index == 2:
            continue  # dropped
        if not changed_period and re.search(r"\b(\d+) (calendar )?days\b", text):
            text = re.sub(
                r"\b(\d+) (calendar )?days\b",
                lambda m: f"{int(m.group(1)) * 2} {m.group(2) or ''}days",
                text,
                count=1,
            )
            changed_period = True
        if index % 5 == 4:
            text = text.replace("shall", "will")
        number += 1
        blocks += [f"Article {number}", heading, "", text, ""]
    number += 1
    blocks += [ADDED.format(n=number), ""]
    return "\n".join(blocks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=load_settings().index_dir)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--articles", type=int, default=25)
    args = parser.parse_args()

    kb = KnowledgeBase(args.index)
    articles = source_articles(kb, args.articles)
    with tempfile.TemporaryDirectory(prefix="bench-review-") as folder:
        drafting = DraftingService(DraftStore(Path(folder) / "drafts"))
        draft = drafting.create("Benchmark model")
        for heading, text in articles:
            drafting.add_text(draft.draft_id, section="own-nationals", text=text, heading=heading)
        proposal = Path(folder) / "proposal-en.txt"
        proposal.write_text(proposal_text(articles), encoding="utf-8")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(
            f"index {args.index}: {len(kb.documents())} documents, model {kb.embedder.name}; "
            f"proposal {len(articles)} articles (one dropped, one added) against a draft of "
            f"{len(articles)}"
        )
        timings = []
        review = None
        for round_number in range(1, args.rounds + 1):
            started, cpu = time.perf_counter(), time.process_time()
            review = review_proposal(kb, drafting, proposal, ReviewTarget("draft", draft.draft_id))
            elapsed = time.perf_counter() - started
            timings.append(elapsed)
            # CPU time of this process (all its threads): what the review costs, whatever else
            # the machine is doing; wall time is what the user waits.
            print(
                f"round {round_number}: review {elapsed:6.2f} s wall, "
                f"{time.process_time() - cpu:6.2f} s CPU"
            )
        assert review is not None
        started = time.perf_counter()
        build_memo(review)
        memo = time.perf_counter() - started
        started = time.perf_counter()
        build_redline(review, author="bench")
        redline = time.perf_counter() - started
        print(
            f"review: first {timings[0]:.2f} s (loads the model), median of the rest "
            f"{statistics.median(timings[1:] or timings):.2f} s; memo {memo:.2f} s, "
            f"redline {redline:.2f} s"
        )
        aligned = sum(1 for a in review.articles if a.against)
        periods = sum(len(a.deviations) for a in review.articles)
        print(
            f"found: {aligned} of {len(review.articles)} proposal units aligned, "
            f"{periods} differing periods, {len(review.missing)} missing clause types, "
            f"{len(review.extra)} added articles, {len(review.unmatched_against)} of ours "
            "unmatched"
        )


if __name__ == "__main__":
    main()
