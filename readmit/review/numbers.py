"""Every number that differs between two versions of an article: periods by purpose (via
`ingest.time_limits`: reply, transfer, validity of documents, costs, ...), amounts of money and
other figures; and where a period stands among the precedents' periods of the same purpose."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ingest.time_limits import TimeLimit, extract_time_limits
from readmit.clauses.time_limits import (
    PURPOSE_LABELS,
    LimitRef,
    approximate_days,
    period_text,
)
from readmit.review.model import NumberDeviation, PrecedentRange, TimeLimitComparison

# "EUR 500", "€ 1.200,50", "500 euro", "USD 20": amounts of money.
_AMOUNT = re.compile(
    r"(?:(?:EUR|USD|CHF|GBP|€|\$|£)\s?\d[\d.,]*\d|\d[\d.,]*\s?(?:EUR|USD|CHF|GBP|euros?|€))",
    re.IGNORECASE,
)
# Numbers that are references, not figures: "Article 7", "paragraph 2", list markers.
_REFERENCE = re.compile(
    r"(?:article|artikel|art\.|paragraph|lid|annex|bijlage|point|sub|no\.|nr\.)\s*$", re.I
)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?%?(?![\w])")
_DATE_WORDS = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|januari|februari|maart|mei|juni|juli|augustus|oktober)\b",
    re.I,
)


@dataclass(frozen=True)
class PrecedentPeriods:
    """The precedents' periods, by purpose: (approximate days, citation) in reading order."""

    by_purpose: dict[str, list[tuple[float, LimitRef]]]
    documents: int


def precedent_periods(limits: Iterable[TimeLimit]) -> PrecedentPeriods:
    by_purpose: dict[str, list[tuple[float, LimitRef]]] = defaultdict(list)
    documents: set[str] = set()
    for limit in limits:
        ref = LimitRef(limit.number, limit.unit, limit.doc_id, limit.eid)
        by_purpose[limit.purpose].append((approximate_days(limit.number, limit.unit), ref))
        documents.add(limit.doc_id)
    return PrecedentPeriods(by_purpose=dict(by_purpose), documents=len(documents))


def place_in_range(
    purpose: str, number: int, unit: str, precedents: PrecedentPeriods
) -> PrecedentRange:
    periods = precedents.by_purpose.get(purpose, [])
    days = approximate_days(number, unit)
    if not periods:
        return PrecedentRange(purpose, 0, 0, 0, 0, "", "")
    shortest = min(periods, key=lambda item: item[0])[1]
    longest = max(periods, key=lambda item: item[0])[1]
    return PrecedentRange(
        purpose=purpose,
        count=len(periods),
        longer=sum(1 for value, _ in periods if value > days + 1e-9),
        shorter=sum(1 for value, _ in periods if value < days - 1e-9),
        same=sum(1 for value, _ in periods if abs(value - days) <= 1e-9),
        shortest=shortest.citation(),
        longest=longest.citation(),
    )


def _periods(limits: Sequence[TimeLimit]) -> str | None:
    if not limits:
        return None
    return "; ".join(dict.fromkeys(" ".join(limit.text.split()) for limit in limits))


def _values(limits: Sequence[TimeLimit]) -> list[float]:
    return sorted(approximate_days(limit.number, limit.unit) for limit in limits)


def compare_time_limits(
    proposal_text: str,
    against_text: str,
    *,
    language: str,
    against_language: str,
    precedents: PrecedentPeriods | None,
) -> tuple[TimeLimitComparison, ...]:
    """One comparison per purpose found on either side, in the proposal's order; `differs`
    when the periods (in approximate days) are not the same."""
    ours = extract_time_limits(proposal_text, language=language)
    theirs = extract_time_limits(against_text, language=against_language)
    by_purpose_ours: dict[str, list[TimeLimit]] = defaultdict(list)
    by_purpose_theirs: dict[str, list[TimeLimit]] = defaultdict(list)
    for limit in ours:
        by_purpose_ours[limit.purpose].append(limit)
    for limit in theirs:
        by_purpose_theirs[limit.purpose].append(limit)
    purposes = list(dict.fromkeys([*by_purpose_ours, *by_purpose_theirs]))
    found: list[TimeLimitComparison] = []
    for purpose in purposes:
        mine, other = by_purpose_ours.get(purpose, []), by_purpose_theirs.get(purpose, [])
        placed = None
        if mine and precedents is not None:
            first = mine[0]
            placed = place_in_range(purpose, first.number, first.unit, precedents)
        sentence = (mine or other)[0].sentence
        found.append(
            TimeLimitComparison(
                purpose=purpose,
                purpose_label=PURPOSE_LABELS.get(purpose, purpose),
                proposal=_periods(mine),
                against=_periods(other),
                differs=_values(mine) != _values(other),
                precedents=placed,
                sentence=" ".join(sentence.split()),
            )
        )
    return tuple(found)


def _spans(text: str, language: str) -> list[tuple[int, int]]:
    return [(limit.start, limit.end) for limit in extract_time_limits(text, language=language)]


def figures(text: str, *, language: str) -> tuple[list[str], list[str]]:
    """(amounts of money, other figures) in `text`, leaving out periods, references to
    articles and paragraphs, list markers and dates."""
    taken = _spans(text, language)
    amounts: list[str] = []
    for match in _AMOUNT.finditer(text):
        amounts.append(" ".join(match.group(0).split()))
        taken.append((match.start(), match.end()))
    others: list[str] = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in taken):
            continue
        before = text[max(0, start - 15) : start]
        after = text[end : end + 12]
        line_start = text.rfind("\n", 0, start) + 1
        if _REFERENCE.search(before) or not text[line_start:start].strip():
            continue  # a reference or a list marker at the start of a line
        if _DATE_WORDS.search(after) or _DATE_WORDS.search(before[-12:]):
            continue
        others.append(match.group(0))
    return amounts, others


def compare_figures(
    proposal_text: str, against_text: str, *, language: str, against_language: str
) -> tuple[NumberDeviation, ...]:
    ours = figures(proposal_text, language=language)
    theirs = figures(against_text, language=against_language)
    found = []
    for kind, mine, other in (("amount", ours[0], theirs[0]), ("number", ours[1], theirs[1])):
        if Counter(mine) != Counter(other):
            found.append(NumberDeviation(kind, tuple(mine), tuple(other)))
    return tuple(found)


__all__ = [
    "PrecedentPeriods",
    "compare_figures",
    "compare_time_limits",
    "figures",
    "period_text",
    "place_in_range",
    "precedent_periods",
]
