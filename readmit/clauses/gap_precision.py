"""Gap-check suggestions measured against hand labels (tests/eval/gaps.jsonl).

Each label says whether one article truly is of one clause type, judged by reading the article
(not by what the tool returned). A gap check suggests up to three precedent wordings per missing
clause type; a suggestion is judged by its first source article (the wording shown). Precision@k
is the share of the top-k suggestions, over all gaps of the given drafts, that are truly of the
gap's clause type; an unlabelled suggestion counts as wrong and is listed, so it can be labelled.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from readmit.clauses.gaps import gap_check

if TYPE_CHECKING:
    from readmit.drafting.model import Draft
    from readmit.service import KnowledgeBase

LabelKey = tuple[str, str, str]  # (slot, doc_id, eid)


@dataclass(frozen=True)
class GapSuggestion:
    draft: str  # the draft's title
    slot: str
    rank: int  # 1 = first suggestion
    doc_id: str
    eid: str


@dataclass(frozen=True)
class GapScore:
    k: int
    suggestions: tuple[GapSuggestion, ...]
    relevant: int
    unlabelled: tuple[GapSuggestion, ...]

    @property
    def precision(self) -> float:
        return self.relevant / len(self.suggestions) if self.suggestions else 0.0

    def wrong(self, labels: dict[LabelKey, bool]) -> list[GapSuggestion]:
        return [s for s in self.suggestions if labels.get((s.slot, s.doc_id, s.eid)) is False]


def load_gap_labels(path: Path) -> dict[LabelKey, bool]:
    """(slot, doc_id, eid) → is the article truly of that clause type."""
    labels: dict[LabelKey, bool] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            labels[(row["slot"], row["doc_id"], row["eid"])] = bool(row["relevant"])
        except (ValueError, KeyError) as error:
            raise ValueError(f"{path}:{number}: bad label ({error})") from error
    return labels


def gap_suggestions(kb: KnowledgeBase, draft: Draft, *, k: int = 3) -> list[GapSuggestion]:
    """The gap check's top-k suggestions for `draft`, each by its first source article."""
    return [
        GapSuggestion(draft.title, gap.slot, rank, *precedent.sources[0])
        for gap in gap_check(kb, draft, top=k)
        for rank, precedent in enumerate(gap.precedents, start=1)
    ]


def gap_precision(
    kb: KnowledgeBase, drafts: Sequence[Draft], labels: dict[LabelKey, bool], *, k: int = 3
) -> GapScore:
    suggestions = tuple(s for draft in drafts for s in gap_suggestions(kb, draft, k=k))
    relevant = sum(labels.get((s.slot, s.doc_id, s.eid)) is True for s in suggestions)
    unlabelled = tuple(s for s in suggestions if (s.slot, s.doc_id, s.eid) not in labels)
    return GapScore(k=k, suggestions=suggestions, relevant=relevant, unlabelled=unlabelled)
