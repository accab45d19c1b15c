"""The draft gap check: standard slots a draft lacks, with the commonest precedent wordings."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from index.slots import KeywordLookup, is_confident
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


def wording_groups(
    units: Sequence[tuple[DocumentRecord, UnitRecord]],
) -> list[list[tuple[DocumentRecord, UnitRecord]]]:
    """Near-identical article texts grouped (greedy, word-level similarity), newest agreement
    first in each group and groups in the order their first member was met (newest first)."""
    groups: list[tuple[list[str], list[tuple[DocumentRecord, UnitRecord]]]] = []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for document, unit in sorted(units, key=lambda du: -(du[0].year or 0)):
        words = _words(unit.text)[:400]
        # difflib caches what it learns of the second sequence: one article against each head
        matcher.set_seq2(words)
        for head, members in groups:
            matcher.set_seq1(head)
            if (
                matcher.real_quick_ratio() >= SAME_WORDING
                and matcher.quick_ratio() >= SAME_WORDING
                and matcher.ratio() >= SAME_WORDING
            ):
                members.append((document, unit))
                break
        else:
            groups.append((words, [(document, unit)]))
    return [members for _, members in groups]


def top_wordings(
    groups: Sequence[Sequence[tuple[DocumentRecord, UnitRecord]]],
    *,
    top: int = 3,
    prefer_language: str | None = None,
    on_topic: Callable[[DocumentRecord, UnitRecord], bool] | None = None,
) -> list[Precedent]:
    """The `top` groups with most members (ties: the order of `groups`); with `on_topic`,
    groups whose first article is mainly about the slot first, then, with `prefer_language`,
    those in that language. `on_topic` is asked only until `top` on-topic groups are found
    (it runs the keyword rules over an article)."""
    ranked = sorted(
        groups,
        key=lambda g: (
            prefer_language is not None and g[0][0].language != prefer_language,
            -len(g),
        ),
    )
    if on_topic is not None:
        about: list[Sequence[tuple[DocumentRecord, UnitRecord]]] = []
        touching: list[Sequence[tuple[DocumentRecord, UnitRecord]]] = []
        for group in ranked:
            (about if on_topic(*group[0]) else touching).append(group)
            if len(about) >= top:
                break
        ranked = about + touching
    return [
        Precedent(
            text=members[0][1].text,
            count=len(members),
            sources=tuple((d.doc_id, u.eid) for d, u in members),
            language=members[0][0].language,
        )
        for members in ranked[:top]
    ]


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
    return top_wordings(
        wording_groups(units), top=top, prefer_language=prefer_language, on_topic=on_topic
    )


def draft_slots(
    kb: KnowledgeBase, draft: Draft, *, keywords: KeywordLookup | None = None
) -> set[str]:
    """The slots a draft covers: those of each clause's source article (as stored in the
    index) plus those its own heading and text show by keyword evidence."""
    keywords = keywords if keywords is not None else KeywordLookup(kb.collection)
    covered: set[str] = set()
    for clause in draft.clauses:
        covered |= clause_slots(kb, clause, keywords=keywords)
    return covered


def clause_slots(
    kb: KnowledgeBase, clause: DraftClause, *, keywords: KeywordLookup | None = None
) -> set[str]:
    """The slots one draft clause covers: its source article's (as stored in the index) and
    those its own heading and text show by keyword evidence (as stored at ingest when the
    clause is its source article unchanged; else the keyword rules are run on it)."""
    keywords = keywords if keywords is not None else KeywordLookup(kb.collection)
    covered: set[str] = set()
    language = "xx"
    source = None
    if clause.provenance is not None:
        language = clause.provenance.language or "xx"
        source = (clause.provenance.doc_id, clause.provenance.eid)
        for assignment in kb.collection.slot_assignments(doc_id=clause.provenance.doc_id):
            if assignment.eid == clause.provenance.eid and is_confident(assignment):
                covered.add(assignment.slot)
    found = keywords.evidence(
        heading=clause.heading, text=clause.text, language=language, source=source
    )
    for slot, evidence in found.items():
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


@dataclass(frozen=True)
class _SlotWordings:
    slot: str
    title: str
    agreements_with_slot: int
    groups: tuple[tuple[tuple[DocumentRecord, UnitRecord], ...], ...]
    methods: dict[tuple[str, str], str]  # (doc_id, eid) → the assignment's evidence


class PrecedentWordings:
    """The half of the gap check that does not depend on the draft, over one view of the
    index: per standard slot, its precedent articles grouped by wording. Building it reads
    and compares every precedent article of every standard slot (seconds at corpus size);
    `gaps` then answers for any draft in milliseconds, so a caller keeps one per index
    generation and view (`readmit.facade` does). What it holds comes from `kb` only: a view
    narrowed to a principal's documents gives wordings of those documents only."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self.keywords = KeywordLookup(kb.collection)
        documents = {d.doc_id: d for d in kb.documents() if is_precedent(d)}
        by_slot: dict[str, list[SlotAssignment]] = defaultdict(list)
        for assignment in kb.collection.slot_assignments():
            if assignment.doc_id in documents and not is_flagged_uncertain(assignment):
                by_slot[assignment.slot].append(assignment)
        agreements = {agreement_key(d) for d in documents.values()}
        self._slots: list[_SlotWordings] = []
        for slot in SLOTS:
            if slot.key == OTHER:
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
            self._slots.append(
                _SlotWordings(
                    slot=slot.key,
                    title=slot.title,
                    agreements_with_slot=len(with_slot),
                    groups=tuple(tuple(group) for group in wording_groups(units)),
                    methods={(a.doc_id, a.eid): a.method for a in assignments},
                )
            )
        # Both are facts of the index, asked again for every draft: kept once known.
        self._on_topic: dict[tuple[str, str, str], bool] = {}
        self._versions: dict[tuple[str, str], tuple[tuple[str, str, str], ...]] = {}

    def gaps(self, *, covered: set[str], language: str | None, top: int = 3) -> list[Gap]:
        """The standard slots not in `covered`, each with its `top` wordings (those in
        `language` first, each with its other language versions); commonest slots first."""
        gaps: list[Gap] = []
        for wordings in self._slots:
            if wordings.slot in covered:
                continue
            precedents = [
                replace(precedent, versions=self._versions_of(*precedent.sources[0]))
                for precedent in top_wordings(
                    wordings.groups,
                    top=top,
                    prefer_language=language,
                    on_topic=self._on_topic_test(wordings),
                )
            ]
            gaps.append(
                Gap(wordings.slot, wordings.title, wordings.agreements_with_slot, tuple(precedents))
            )
        return sorted(gaps, key=lambda g: -g.agreements_with_slot)

    def _on_topic_test(
        self, wordings: _SlotWordings
    ) -> Callable[[DocumentRecord, UnitRecord], bool]:
        def on_topic(document: DocumentRecord, unit: UnitRecord) -> bool:
            key = (wordings.slot, document.doc_id, unit.eid)
            known = self._on_topic.get(key)
            if known is None:
                method = wordings.methods.get((document.doc_id, unit.eid), "")
                known = is_on_topic(
                    wordings.slot, unit, document.language, method, keywords=self.keywords
                )
                self._on_topic[key] = known
            return known

        return on_topic

    def _versions_of(self, doc_id: str, eid: str) -> tuple[tuple[str, str, str], ...]:
        known = self._versions.get((doc_id, eid))
        if known is None:
            known = self._versions[(doc_id, eid)] = _versions(self._kb, doc_id, eid)
        return known


def gap_check(
    kb: KnowledgeBase,
    draft: Draft,
    *,
    top: int = 3,
    wordings: PrecedentWordings | None = None,
) -> list[Gap]:
    """Standard slots (present in at least a quarter of the agreements) the draft lacks, each
    with the `top` commonest precedent wordings and their sources, those in the draft's
    language first, each with its other language versions; commonest slots first.
    `wordings`: the precedent wordings of the same `kb` computed before (else built here)."""
    wordings = wordings if wordings is not None else PrecedentWordings(kb)
    covered = draft_slots(kb, draft, keywords=wordings.keywords)
    return wordings.gaps(covered=covered, language=draft_language(draft), top=top)


TIME_LIMIT_EVIDENCE = "time-limit"  # in SlotAssignment.method: a period of that purpose was found


def is_on_topic(
    slot: str,
    unit: UnitRecord,
    language: str,
    method: str,
    *,
    keywords: KeywordLookup | None = None,
) -> bool:
    """Is the article mainly about `slot`, rather than touching on it? A time-limit slot needs
    a period of its purpose stated in the article (not a reference to another article's
    periods); any other slot, that no other slot is named in the heading and matched more often
    in the body (an article headed "Obligations of escorts in readmission or transit" is about
    escorts)."""
    if slot.startswith("time-limit"):
        return TIME_LIMIT_EVIDENCE in method.split("+")
    if keywords is None:
        evidence = keyword_evidence(unit.heading, unit.text, language)
    else:
        evidence = keywords.evidence(
            heading=unit.heading, text=unit.text, language=language, source=(unit.doc_id, unit.eid)
        )
    own = evidence.get(slot)
    own_matches = own.body_matches if own is not None else 0
    return not any(
        other != slot and found.heading_terms and found.body_matches > own_matches
        for other, found in evidence.items()
    )


def _versions(kb: KnowledgeBase, doc_id: str, eid: str) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (document.language, document.doc_id, unit.eid)
        for document, unit in kb.counterparts(doc_id, eid)
    )
