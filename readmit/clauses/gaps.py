"""The draft gap check: standard slots a draft lacks, with the commonest precedent wordings."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from index.slots import is_confident
from index.types import DocumentRecord, SlotAssignment, UnitRecord
from ingest.slot_patterns import keyword_evidence
from ingest.taxonomy import OTHER, SECTION_OF_CLAUSE_TYPE, SLOTS, get_slot
from readmit.clauses.scope import agreement_key, is_flagged_uncertain, is_precedent

if TYPE_CHECKING:
    from readmit.drafting.model import Draft, DraftClause
    from readmit.service import KnowledgeBase

FALLBACK_SECTION = "own-nationals"


def section_for_slot(slot: str) -> str:
    """The skeleton section where a clause of this slot belongs."""
    return SECTION_OF_CLAUSE_TYPE.get(slot, FALLBACK_SECTION)


@dataclass(frozen=True)
class Precedent:
    """A wording used for a slot, how many articles use (nearly) the same text, and where."""

    text: str
    count: int
    sources: tuple[tuple[str, str], ...]  # (doc_id, eid) of every article with this wording
    language: str
    # The same article in the agreement's other language versions: (language, doc_id, eid).
    versions: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Gap:
    """A standard slot the draft does not cover yet, with the commonest precedent wordings."""

    slot: str
    title: str
    agreements_with_slot: int
    precedents: tuple[Precedent, ...]


_WORD = re.compile(r"\w+", re.UNICODE)
SAME_WORDING = 0.8  # difflib ratio over word sequences above which two articles share a wording


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if not w.isdigit()]


def common_wordings(
    units: Sequence[tuple[DocumentRecord, UnitRecord]],
    *,
    top: int = 3,
    prefer_language: str | None = None,
    on_topic: Callable[[DocumentRecord, UnitRecord], bool] | None = None,
) -> list[Precedent]:
    """Group near-identical article texts (greedy, word-level similarity) and return the
    `top` groups with most members; ties go to the more recent agreement. With
    `on_topic`, wordings whose article is mainly about the slot come before those that only
    touch on it (an escorts' article that mentions transit, for the transit slot); then, with
    `prefer_language`, those in that language (the draft's own; the others are offered with
    their language versions beside them)."""
    groups: list[tuple[list[str], list[tuple[DocumentRecord, UnitRecord]]]] = []
    for document, unit in sorted(units, key=lambda du: -(du[0].year or 0)):
        words = _words(unit.text)[:400]
        for head, members in groups:
            matcher = difflib.SequenceMatcher(None, head, words, autojunk=False)
            if matcher.quick_ratio() >= SAME_WORDING and matcher.ratio() >= SAME_WORDING:
                members.append((document, unit))
                break
        else:
            groups.append((words, [(document, unit)]))
    ranked = sorted(
        groups,
        key=lambda g: (
            on_topic is not None and not on_topic(*g[1][0]),
            prefer_language is not None and g[1][0][0].language != prefer_language,
            -len(g[1]),
        ),
    )[:top]
    return [
        Precedent(
            text=members[0][1].text,
            count=len(members),
            sources=tuple((d.doc_id, u.eid) for d, u in members),
            language=members[0][0].language,
        )
        for _, members in ranked
    ]


def draft_slots(kb: KnowledgeBase, draft: Draft) -> set[str]:
    """The slots a draft covers: those of each clause's source article (as stored in the
    index) plus those its own heading and text show by keyword evidence."""
    covered: set[str] = set()
    for clause in draft.clauses:
        covered |= clause_slots(kb, clause)
    return covered


def clause_slots(kb: KnowledgeBase, clause: DraftClause) -> set[str]:
    """The slots one draft clause covers: its source article's (as stored in the index) and
    those its own heading and text show by keyword evidence."""
    covered: set[str] = set()
    language = "xx"
    if clause.provenance is not None:
        language = clause.provenance.language or "xx"
        for assignment in kb.collection.slot_assignments(doc_id=clause.provenance.doc_id):
            if assignment.eid == clause.provenance.eid and is_confident(assignment):
                covered.add(assignment.slot)
    for slot, evidence in keyword_evidence(clause.heading, clause.text, language).items():
        needed = get_slot(slot).body_hits_needed
        if evidence.heading_terms or evidence.body_matches >= max(needed, 2):
            covered.add(slot)
    covered.discard(OTHER)
    return covered


def draft_language(draft: Draft) -> str | None:
    """The language most of the draft's sourced clauses come from (None: no sourced clause)."""
    counts: dict[str, int] = defaultdict(int)
    for clause in draft.clauses:
        if clause.provenance is not None and clause.provenance.language:
            counts[clause.provenance.language] += 1
    return max(counts, key=lambda language: counts[language]) if counts else None


def gap_check(kb: KnowledgeBase, draft: Draft, *, top: int = 3) -> list[Gap]:
    """Standard slots (present in at least a quarter of the agreements) the draft lacks, each
    with the `top` commonest precedent wordings and their sources, those in the draft's
    language first, each with its other language versions; commonest slots first."""
    language = draft_language(draft)
    documents = {d.doc_id: d for d in kb.documents() if is_precedent(d)}
    by_slot: dict[str, list[SlotAssignment]] = defaultdict(list)
    for assignment in kb.collection.slot_assignments():
        if assignment.doc_id in documents and not is_flagged_uncertain(assignment):
            by_slot[assignment.slot].append(assignment)
    agreements = {agreement_key(d) for d in documents.values()}
    covered = draft_slots(kb, draft)
    gaps: list[Gap] = []
    for slot in SLOTS:
        if slot.key == OTHER or slot.key in covered:
            continue
        assignments = by_slot.get(slot.key, [])
        with_slot = {agreement_key(documents[a.doc_id]) for a in assignments}
        if not agreements or len(with_slot) * 4 < len(agreements):
            continue
        units = []
        for assignment in assignments:
            unit = kb.article(assignment.doc_id, assignment.eid)
            if unit is not None:
                units.append((documents[assignment.doc_id], unit))
        on_topic = _on_topic_test(slot.key, assignments)
        precedents = [
            replace(precedent, versions=_versions(kb, *precedent.sources[0]))
            for precedent in common_wordings(
                units, top=top, prefer_language=language, on_topic=on_topic
            )
        ]
        gaps.append(Gap(slot.key, slot.title, len(with_slot), tuple(precedents)))
    return sorted(gaps, key=lambda g: -g.agreements_with_slot)


TIME_LIMIT_EVIDENCE = "time-limit"  # in SlotAssignment.method: a period of that purpose was found


def is_on_topic(slot: str, unit: UnitRecord, language: str, method: str) -> bool:
    """Is the article mainly about `slot`, rather than touching on it? A time-limit slot needs
    a period of its purpose stated in the article (not a reference to another article's
    periods); any other slot, that no other slot is named in the heading and matched more often
    in the body (an article headed "Obligations of escorts in readmission or transit" is about
    escorts)."""
    if slot.startswith("time-limit"):
        return TIME_LIMIT_EVIDENCE in method.split("+")
    evidence = keyword_evidence(unit.heading, unit.text, language)
    own = evidence.get(slot)
    own_matches = own.body_matches if own is not None else 0
    return not any(
        other != slot and found.heading_terms and found.body_matches > own_matches
        for other, found in evidence.items()
    )


def _on_topic_test(
    slot: str, assignments: Sequence[SlotAssignment]
) -> Callable[[DocumentRecord, UnitRecord], bool]:
    methods = {(a.doc_id, a.eid): a.method for a in assignments}

    def on_topic(document: DocumentRecord, unit: UnitRecord) -> bool:
        method = methods.get((document.doc_id, unit.eid), "")
        return is_on_topic(slot, unit, document.language, method)

    return on_topic


def _versions(kb: KnowledgeBase, doc_id: str, eid: str) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (document.language, document.doc_id, unit.eid)
        for document, unit in kb.counterparts(doc_id, eid)
    )
