"""Which target article(s) each proposal article corresponds to: clause type and wording.

Every (proposal, target) pair gets a score from the word-level similarity of the texts (how
much of the shorter text the longer one contains counts too, so a proposal article that merges
two of ours still matches both), the share of clause types they have in common, and whether
their headings agree. Pairs are taken best first; a target article is used once, a proposal
article at most twice (two of ours merged into one of theirs). Article numbers are ignored:
the other side renumbers freely.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from readmit.review.model import ReviewUnit

# A pair is aligned from this score on; a second target article for the same proposal article
# needs at least SECOND_MATCH and a clause type in common or CONTAINED of its wording.
MIN_MATCH = 0.35
SECOND_MATCH = 0.45
CONTAINED = 0.6
MAX_TARGETS = 2
# Pairs compared word by word, per article on either side (the best by the bag of words).
CANDIDATES = 4

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Alignment:
    """proposal eid → the aligned target units (in target order) with the best pair score."""

    pairs: dict[str, tuple[tuple[ReviewUnit, ...], float]]
    unmatched_targets: tuple[ReviewUnit, ...]


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content_words(text: str) -> list[str]:
    """The words that carry meaning (longer than four letters, no figures)."""
    return [word for word in words(text) if len(word) > 4 and not word.isdigit()]


def text_score(proposal: Sequence[str], target: Sequence[str]) -> float:
    """Similarity of two word sequences: difflib's ratio, or the share of the shorter text
    found in the longer one (a little discounted), whichever is higher."""
    if not proposal or not target:
        return 0.0
    matcher = difflib.SequenceMatcher(None, proposal, target, autojunk=False)
    if matcher.real_quick_ratio() < 0.1:
        return 0.0
    matched = sum(block.size for block in matcher.get_matching_blocks())
    ratio = 2 * matched / (len(proposal) + len(target))
    contained = matched / min(len(proposal), len(target))
    return max(ratio, 0.85 * contained if min(len(proposal), len(target)) >= 12 else 0.0)


def pair_score(
    proposal: ReviewUnit,
    target: ReviewUnit,
    proposal_words: Sequence[str] | None = None,
    target_words: Sequence[str] | None = None,
) -> float:
    """0..1 (a little more with agreeing headings): how surely two articles are the same
    provision. The texts' words may be given when already split."""
    if (proposal.kind == "preamble") != (target.kind == "preamble"):
        return 0.0
    wording = text_score(
        proposal_words if proposal_words is not None else words(proposal.text),
        target_words if target_words is not None else words(target.text),
    )
    ours, theirs = set(proposal.clause_types), set(target.clause_types)
    types = len(ours & theirs) / len(ours | theirs) if ours | theirs else 0.0
    heading = 0.0
    if proposal.heading and target.heading:
        heading = text_score(words(proposal.heading), words(target.heading))
    return 0.6 * wording + 0.3 * types + 0.1 * heading + (0.15 if wording > 0.8 else 0.0)


def bag_score(proposal: Counter[str], target: Counter[str]) -> float:
    """An upper bound of `text_score` from the words alone (their order ignored): cheap, so
    that the exact score is computed only for the likely pairs."""
    if not proposal or not target:
        return 0.0
    matched = sum((proposal & target).values())
    sizes = proposal.total(), target.total()
    ratio = 2 * matched / (sizes[0] + sizes[1])
    contained = matched / min(sizes)
    return max(ratio, 0.85 * contained if min(sizes) >= 12 else 0.0)


def align(proposal: Sequence[ReviewUnit], target: Sequence[ReviewUnit]) -> Alignment:
    proposal_words = [words(unit.text) for unit in proposal]
    target_words = [words(unit.text) for unit in target]
    proposal_bags = [Counter(w) for w in proposal_words]
    target_bags = [Counter(w) for w in target_words]
    # The exact (ordered) comparison only for each article's CANDIDATES best pairs by bag.
    bags = {
        (i, j): bag_score(proposal_bags[i], target_bags[j])
        for i in range(len(proposal))
        for j in range(len(target))
    }
    likely: set[tuple[int, int]] = set()
    for i in range(len(proposal)):
        ranked = sorted(range(len(target)), key=lambda j: -bags[(i, j)])
        likely.update((i, j) for j in ranked[:CANDIDATES])
    for j in range(len(target)):
        ranked = sorted(range(len(proposal)), key=lambda i: -bags[(i, j)])
        likely.update((i, j) for i in ranked[:CANDIDATES])
    scored = [
        (
            pair_score(proposal[i], target[j], proposal_words[i], target_words[j]),
            i,
            j,
        )
        for i, j in sorted(likely)
    ]
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    chosen: dict[int, list[tuple[int, float]]] = {}
    used: set[int] = set()
    for score, i, j in scored:
        if score < MIN_MATCH:
            break
        if j in used:
            continue
        taken = chosen.get(i, [])
        if len(taken) >= MAX_TARGETS:
            continue
        if taken and not _second_match(proposal[i], target[taken[0][0]], target[j], score):
            continue
        chosen.setdefault(i, []).append((j, score))
        used.add(j)
    pairs = {
        proposal[i].eid: (
            tuple(target[j] for j, _ in sorted(matches)),
            max(score for _, score in matches),
        )
        for i, matches in chosen.items()
    }
    unmatched = tuple(unit for j, unit in enumerate(target) if j not in used)
    return Alignment(pairs=pairs, unmatched_targets=unmatched)


def _second_match(
    proposal: ReviewUnit, first: ReviewUnit, second: ReviewUnit, score: float
) -> bool:
    """Whether `proposal`, already aligned with `first`, also takes in `second` (two of ours
    merged into one of theirs): a good score, and a clause type in common or most of the
    second article's words found in the proposal article."""
    if score < SECOND_MATCH or second.eid == first.eid:
        return False
    shared = set(proposal.clause_types) & set(second.clause_types)
    return bool(shared) or text_score(words(proposal.text), words(second.text)) >= CONTAINED
