"""Clause facts measured on the random, document-stratified sample of tests/labels/
(`time_limits_sample.jsonl`, `matrix_sample.jsonl`; drawn by scripts/sample_clause_facts.py).

Time limits. Each label is one time limit the extractor printed when the sample was drawn
(document, article, quoted phrase and which occurrence of it), judged by reading the article:
`period` (a period of time, not an age, count, minimum stay or definition) and, for a period,
its `purpose` (one of `ingest.time_limits.PURPOSES`). Scored against what the extractor finds
now: period precision = real periods among the labelled items it still extracts; period recall =
real periods it still extracts; purpose accuracy = right purpose among the real periods extracted.

Clause types. An `assignment` label is an article that the classifier had given a clause type,
with every clause type the article really has (`gold_slots`); an `empty` label is a precedent-
matrix cell (document × clause type) that was empty, with the articles that should fill it
(`gold_eids`, empty when the cell is rightly empty). Scored against the classifier's current
assignments to the labelled articles: precision of confident assignments and of "?" ones.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.types import SlotAssignment
from ingest.taxonomy import OTHER
from ingest.time_limits import TimeLimit, extract_time_limits

UnitText = Callable[[str, str], str]
ALL = "all"


def load_labels(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def find_extraction(found: Sequence[TimeLimit], start: int) -> TimeLimit | None:
    """The extracted limit whose span holds character `start` of the article (where the
    labelled phrase began when it was drawn)."""
    return next((limit for limit in found if limit.start <= start < limit.end), None)


@dataclass
class Ratio:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += hit
        self.total += 1

    def __str__(self) -> str:
        if not self.total:
            return "—"
        return f"{self.hits}/{self.total} = {self.hits / self.total:.3f}"


@dataclass
class TimeLimitScores:
    period_precision: Ratio = field(default_factory=Ratio)
    period_recall: Ratio = field(default_factory=Ratio)
    purpose_accuracy: Ratio = field(default_factory=Ratio)
    errors: list[str] = field(default_factory=list)


def score_time_limit_sample(
    labels: Iterable[Mapping[str, Any]], unit_text: UnitText, *, split: str = ALL
) -> dict[str, TimeLimitScores]:
    """language (and "all") → scores over the labels of `split` ("tune", "heldout" or "all")."""
    scores: dict[str, TimeLimitScores] = defaultdict(TimeLimitScores)
    cache: dict[tuple[str, str], list[TimeLimit]] = {}
    for label in labels:
        if split != ALL and label["split"] != split:
            continue
        key = (label["doc_id"], label["eid"])
        if key not in cache:
            cache[key] = extract_time_limits(unit_text(*key), language=label["language"])
        limit = find_extraction(cache[key], label["start"])
        for language in (ALL, label["language"]):
            s = scores[language]
            if label["period"]:
                s.period_recall.add(limit is not None)
            if limit is None:
                continue
            s.period_precision.add(bool(label["period"]))
            if label["period"]:
                s.purpose_accuracy.add(limit.purpose == label["purpose"])
        where = f"{label['id']} {label['doc_id']} {label['eid']} {label['text']!r}"
        if limit is not None and not label["period"]:
            scores[ALL].errors.append(f"{where}: not a period")
        elif limit is None and label["period"]:
            scores[ALL].errors.append(f"{where}: period missed")
        elif limit is not None and limit.purpose != label["purpose"]:
            scores[ALL].errors.append(f"{where}: {limit.purpose}, should be {label['purpose']}")
    return scores


# Reliability bins of the calibrated probability (`index.slots.probability_right`).
RELIABILITY_BINS = (0.0, 0.5, 0.8, 0.9, 0.95, 1.0001)


@dataclass
class ClauseTypeScores:
    confident: Ratio = field(default_factory=Ratio)  # precision of confident assignments
    uncertain: Ratio = field(default_factory=Ratio)  # precision of not-confident ("~" or "?")
    uncertain_share: Ratio = field(default_factory=Ratio)  # not confident among all assignments
    doubtful: Ratio = field(default_factory=Ratio)  # precision of "?" (likely wrong) assignments
    doubtful_share: Ratio = field(default_factory=Ratio)  # "?" among all assignments
    empty_right: Ratio = field(default_factory=Ratio)  # empty cells that are rightly empty now
    # bin index → (accuracy, sum of predicted probabilities)
    reliability: dict[int, tuple[Ratio, list[float]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add_to_bin(self, probability: float, right: bool) -> None:
        index = next(
            i for i in range(len(RELIABILITY_BINS) - 1) if probability < RELIABILITY_BINS[i + 1]
        )
        ratio, predicted = self.reliability.setdefault(index, (Ratio(), []))
        ratio.add(right)
        predicted.append(probability)


def format_reliability(scores: ClauseTypeScores) -> str:
    """Bins of the calibrated probability → the mean probability and the observed accuracy."""
    lines = [f"{'probability':>13} {'mean p':>7} {'observed':>16}"]
    for index in sorted(scores.reliability):
        ratio, predicted = scores.reliability[index]
        low, high = RELIABILITY_BINS[index], min(RELIABILITY_BINS[index + 1], 1.0)
        mean = sum(predicted) / len(predicted)
        lines.append(f"{f'[{low:.2f}, {high:.2f})':>13} {mean:7.3f} {ratio!s:>16}")
    return "\n".join(lines)


def score_matrix_sample(
    labels: Iterable[Mapping[str, Any]],
    assignments: Callable[[str], Sequence[SlotAssignment]],
    is_flagged: Callable[[SlotAssignment], bool],
    *,
    split: str = ALL,
    is_doubtful: Callable[[SlotAssignment], bool] | None = None,
    probability: Callable[[SlotAssignment], float] | None = None,
) -> dict[str, ClauseTypeScores]:
    """language (and "all") → clause-type scores over the labelled articles and cells of
    `split`; `assignments(doc_id)` gives a document's current assignments."""
    scores: dict[str, ClauseTypeScores] = defaultdict(ClauseTypeScores)
    by_doc: dict[str, list[SlotAssignment]] = {}
    judged: set[tuple[str, str]] = set()
    for label in labels:
        if split != ALL and label["split"] != split:
            continue
        doc_id = label["doc_id"]
        if doc_id not in by_doc:
            by_doc[doc_id] = [a for a in assignments(doc_id) if a.slot != OTHER]
        mine = by_doc[doc_id]
        languages = (ALL, label["language"])
        if label["cell"] == "empty":
            filled = {a.eid for a in mine if a.slot == label["slot"]}
            gold = set(label["gold_eids"])
            right = filled == gold if not gold else bool(filled & gold)
            for language in languages:
                scores[language].empty_right.add(right)
            if not right:
                scores[ALL].errors.append(
                    f"{label['id']} {doc_id} empty cell {label['slot']}: now {sorted(filled)}, "
                    f"should be {sorted(gold)}"
                )
            continue
        if (doc_id, label["eid"]) in judged:
            continue  # an article drawn twice (two of its assignments) is scored once
        judged.add((doc_id, label["eid"]))
        gold_slots = set(label["gold_slots"])
        for assignment in (a for a in mine if a.eid == label["eid"]):
            flagged = is_flagged(assignment)
            doubtful = is_doubtful(assignment) if is_doubtful is not None else flagged
            right = assignment.slot in gold_slots
            for language in languages:
                s = scores[language]
                (s.uncertain if flagged else s.confident).add(right)
                s.uncertain_share.add(flagged)
                if doubtful:
                    s.doubtful.add(right)
                s.doubtful_share.add(doubtful)
                if probability is not None:
                    s.add_to_bin(probability(assignment), right)
            if not right:
                mark = "?" if doubtful else "~" if flagged else ""
                scores[ALL].errors.append(
                    f"{label['id']} {doc_id} {label['eid']}: {assignment.slot}{mark} "
                    f"({assignment.confidence:.2f} {assignment.method}), gold {sorted(gold_slots)}"
                )
    return scores


def format_report(
    time_limits: Mapping[str, TimeLimitScores], clause_types: Mapping[str, ClauseTypeScores]
) -> str:
    """A plain-text table per language (all first)."""
    lines = [
        f"{'lang':5} {'period P':>16} {'period R':>16} {'purpose acc':>16} "
        f"{'type P confident':>18} {'type P not conf.':>16} {'not conf. share':>16} "
        f"{'type P ?':>16} {'? share':>16} {'empty right':>14}"
    ]
    languages = sorted(set(time_limits) | set(clause_types), key=lambda k: (k != ALL, k))
    for language in languages:
        t = time_limits.get(language, TimeLimitScores())
        c = clause_types.get(language, ClauseTypeScores())
        lines.append(
            f"{language:5} {t.period_precision!s:>16} {t.period_recall!s:>16} "
            f"{t.purpose_accuracy!s:>16} {c.confident!s:>18} {c.uncertain!s:>16} "
            f"{c.uncertain_share!s:>16} {c.doubtful!s:>16} {c.doubtful_share!s:>16} "
            f"{c.empty_right!s:>14}"
        )
    return "\n".join(lines)
