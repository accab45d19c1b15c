"""Make a review: read the proposal, read the target, align, compare, find precedents.

The proposal is the user's private material: it is parsed from its file and never indexed.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from index.slots import classify_units, is_confident, slot_matrix
from index.types import SlotAssignment, UnitRecord
from ingest.citations import cite_eid
from ingest.pipeline import IngestError, parse_document
from ingest.taxonomy import OTHER, get_slot
from ingest.time_limits import TimeLimit
from ingest.types import ParsedDocument
from readmit.clauses.time_limits import time_limits
from readmit.drafting.diff import similarity, word_diff
from readmit.drafting.model import Draft, article_numbering
from readmit.drafting.store import DraftStoreError
from readmit.review.align import align, content_words, text_score, words
from readmit.review.model import (
    AlignedArticle,
    ExtraArticle,
    MissingClause,
    NearestPrecedent,
    Review,
    ReviewError,
    ReviewUnit,
)
from readmit.review.numbers import (
    PrecedentPeriods,
    compare_figures,
    compare_time_limits,
    precedent_periods,
)

if TYPE_CHECKING:
    from readmit.drafting import DraftingService
    from readmit.service import KnowledgeBase

NO_STRUCTURE_NOTE = "no article structure found: the proposal is reviewed as one unit"
# Units that are provisions (chapters and sections of a guide only when there is nothing else).
_PROVISION_KINDS = ("preamble", "article", "annex", "note", "final", "declaration")
NEAREST_PRECEDENTS = 3
CLASSIFY_WORDS = 48  # of an article's text embedded to classify it (after its heading)
_SEARCH_WORDS = 40
_TYPELESS_MIN_SIMILARITY = 0.3
_PROPOSAL_ID = "proposal"


@dataclass(frozen=True)
class ReviewTarget:
    """What the proposal is compared with: a saved draft or an indexed document."""

    kind: Literal["draft", "document"]
    identifier: str


@dataclass(frozen=True)
class _Side:
    units: tuple[ReviewUnit, ...]
    language: str
    title: str
    doc_id: str | None  # the indexed document (None for a draft)


def read_proposal(path: Path, *, display_name: str | None = None) -> ParsedDocument:
    """The proposal parsed like any document (PDF, Word, text); ReviewError with the reason."""
    try:
        return parse_document(path)
    except IngestError as error:
        raise ReviewError(f"{display_name or path.name}: {error.reason}") from error


def proposal_units(parsed: ParsedDocument) -> tuple[tuple[ReviewUnit, ...], tuple[str, ...]]:
    """The proposal's provisions; the whole text as one unit when no article was recognised."""
    provisions = [u for u in parsed.units if u.kind in _PROVISION_KINDS and u.text.strip()]
    if any(u.kind in ("article", "annex") for u in provisions):
        return tuple(
            ReviewUnit(eid=u.eid, label=u.label, heading=u.heading, text=u.text, kind=u.kind)
            for u in provisions
        ), ()
    text = "\n\n".join(
        "\n".join(part for part in (u.heading, u.text) if part) for u in parsed.units
    )
    whole = ReviewUnit(eid="text", label="Whole text", heading=None, text=text, kind="article")
    return (whole,), (NO_STRUCTURE_NOTE,)


def _as_records(doc_id: str, units: Sequence[ReviewUnit]) -> list[UnitRecord]:
    return [
        UnitRecord(
            doc_id=doc_id,
            eid=unit.eid,
            kind=unit.kind,
            part="agreement",
            number=None,
            heading=unit.heading,
            text=unit.text,
            order=order,
            page_start=None,
            page_end=None,
            instrument="agreement",
        )
        for order, unit in enumerate(units)
    ]


def classify(
    kb: KnowledgeBase, units: Sequence[ReviewUnit], *, language: str
) -> tuple[ReviewUnit, ...]:
    """The units with their clause types, by the index's classifier (keywords, time limits and
    the embedding of each unit against the clause types' vectors)."""
    if not units:
        return ()
    embedder = kb.embedder
    # The heading and opening words say what an article is about; the embedding only confirms
    # keyword evidence (index.slots), and embedding whole articles of a proposal and a draft
    # would take most of a review's time.
    vectors = embedder.encode_documents(
        [f"{unit.citation}\n{' '.join(unit.text.split()[:CLASSIFY_WORDS])}" for unit in units]
    )
    slots = slot_matrix(embedder, cache_dir=getattr(kb.collection, "path", None))
    assignments = classify_units(
        _PROPOSAL_ID,
        _as_records(_PROPOSAL_ID, units),
        language=language,
        unit_vectors={unit.eid: vectors[i] for i, unit in enumerate(units)},
        slots=slots,
    )
    return _with_types(units, assignments)


def _with_types(
    units: Sequence[ReviewUnit], assignments: Sequence[SlotAssignment]
) -> tuple[ReviewUnit, ...]:
    types: dict[str, list[str]] = {}
    for assignment in assignments:
        if assignment.slot != OTHER:
            types.setdefault(assignment.eid, []).append(assignment.slot)
    return tuple(replace(unit, clause_types=tuple(types.get(unit.eid, ()))) for unit in units)


def target_units(
    kb: KnowledgeBase, drafting: DraftingService, target: ReviewTarget
) -> tuple[tuple[ReviewUnit, ...], str, str]:
    """(units with clause types, language, title) of the target; ReviewError if unknown."""
    side = _target(kb, drafting, target)
    return side.units, side.language, side.title


def _target(kb: KnowledgeBase, drafting: DraftingService, target: ReviewTarget) -> _Side:
    if target.kind == "document":
        document = kb.document(target.identifier)
        if document is None:
            raise ReviewError(f"no indexed document {target.identifier!r} (see `readmit status`)")
        records = [u for u in kb.units(document.doc_id) if u.kind in _PROVISION_KINDS]
        stored: dict[str, list[str]] = {}
        for assignment in kb.collection.slot_assignments(doc_id=document.doc_id):
            if assignment.slot != OTHER and is_confident(assignment):
                stored.setdefault(assignment.eid, []).append(assignment.slot)
        units = tuple(
            ReviewUnit(
                eid=u.eid,
                label=u.label,
                heading=u.heading,
                text=u.text,
                clause_types=tuple(stored.get(u.eid, ())),
                kind=u.kind,
            )
            for u in records
        )
        return _Side(units, document.language, document.title, document.doc_id)
    try:
        draft = drafting.get(target.identifier)
    except DraftStoreError as error:
        raise ReviewError(str(error)) from error
    language = _draft_language(draft)
    units = classify(kb, draft_units(draft), language=language)
    return _Side(units, language, draft.title, None)


def draft_units(draft: Draft) -> tuple[ReviewUnit, ...]:
    """A draft's clauses as units numbered as the export numbers them."""
    units = []
    for number, clause in article_numbering(draft):
        if number is None:
            units.append(ReviewUnit("preamble", "Preamble", None, clause.text, kind="preamble"))
        else:
            units.append(
                ReviewUnit(
                    eid=f"art_{number}",
                    label=f"Article {number}",
                    heading=clause.heading or None,
                    text=clause.text,
                )
            )
    return tuple(units)


def _draft_language(draft: Draft) -> str:
    languages = [c.provenance.language for c in draft.clauses if c.provenance is not None]
    return max(set(languages), key=languages.count) if languages else "en"


# The precedents' periods per index state: extracting them reads every article of the index,
# and the index changes rarely (its generation says when). One entry per index location and
# viewer's groups (a viewer's ranges come from the documents that viewer may see).
_PERIODS_CACHE: dict[tuple[str, tuple[str, ...] | None], tuple[int, list[TimeLimit]]] = {}
_PERIODS_LOCK = threading.Lock()


def _precedents(kb: KnowledgeBase, against_doc_id: str | None) -> PrecedentPeriods:
    """The periods of every agreement but the target (guidance documents are rules, not
    precedents)."""
    generation = kb.generation()
    key = (kb.location, kb.visible_groups)
    with _PERIODS_LOCK:
        cached = _PERIODS_CACHE.get(key)
    if cached is None or cached[0] != generation:
        limits = [limit for document, _unit, limit in time_limits(kb) if not document.is_guidance]
        with _PERIODS_LOCK:
            _PERIODS_CACHE[key] = (generation, limits)
    else:
        limits = cached[1]
    return precedent_periods(limit for limit in limits if limit.doc_id != against_doc_id)


def nearest_precedents(
    kb: KnowledgeBase, unit: ReviewUnit, *, exclude: str | None, k: int = NEAREST_PRECEDENTS
) -> tuple[NearestPrecedent, ...]:
    """The articles of other agreements closest in wording to `unit` among those with one of
    its clause types (the classifier's index answers "has any agreement accepted this?"); for
    an article of no known type, the search hits with a similar wording. One per agreement."""
    documents = {d.doc_id: d for d in kb.documents() if not d.is_guidance and d.doc_id != exclude}
    candidates: list[tuple[float, UnitRecord]] = []
    ours = words(unit.text)
    if unit.clause_types:
        seen: set[tuple[str, str]] = set()
        for slot in unit.clause_types:
            for assignment in kb.collection.slot_assignments(slot=slot):
                key = (assignment.doc_id, assignment.eid)
                if (
                    assignment.doc_id not in documents
                    or not is_confident(assignment)
                    or key in seen
                ):
                    continue
                seen.add(key)
                record = kb.article(*key)
                if record is not None:
                    candidates.append((text_score(ours, words(record.text)), record))
    else:
        query = " ".join(
            part for part in (unit.heading, " ".join(unit.text.split()[:_SEARCH_WORDS])) if part
        )
        for hit in kb.search(query, k=k * 6):
            record = kb.article(hit.doc_id, hit.eid) if hit.doc_id in documents else None
            if record is not None:
                # Content words only: "the Parties shall" is in every article.
                score = text_score(content_words(unit.text), content_words(record.text))
                if score >= _TYPELESS_MIN_SIMILARITY:
                    candidates.append((score, record))
    candidates.sort(key=lambda item: (-item[0], item[1].doc_id, item[1].order))
    found: list[NearestPrecedent] = []
    taken: set[str] = set()
    for score, record in candidates:
        if record.doc_id in taken:
            continue
        taken.add(record.doc_id)
        document = documents[record.doc_id]
        found.append(
            NearestPrecedent(
                doc_id=record.doc_id,
                eid=record.eid,
                title=document.title,
                citation=f"{cite_eid(record.eid)} — {record.heading}"
                if record.heading
                else cite_eid(record.eid),
                language=document.language,
                score=round(score, 4),
            )
        )
        if len(found) == k:
            break
    return tuple(found)


def review_proposal(
    kb: KnowledgeBase,
    drafting: DraftingService,
    proposal: Path,
    target: ReviewTarget,
    *,
    display_name: str | None = None,
) -> Review:
    """The review of the proposal file against the target (see the package docstring)."""
    name = display_name or proposal.name
    parsed = read_proposal(proposal, display_name=name)
    raw_units, notes = proposal_units(parsed)
    language = parsed.meta.language
    ours = classify(kb, raw_units, language=language)
    side = _target(kb, drafting, target)
    alignment = align(ours, side.units)
    precedents = _precedents(kb, side.doc_id)
    articles: list[AlignedArticle] = []
    extra: list[ExtraArticle] = []
    for unit in ours:
        matched, _score = alignment.pairs.get(unit.eid, ((), 0.0))
        against_text = "\n".join(t.text for t in matched)
        articles.append(
            AlignedArticle(
                proposal=unit,
                against=matched,
                similarity=round(similarity(against_text, unit.text), 4) if matched else 0.0,
                diff=word_diff(against_text, unit.text) if matched else (),
                time_limits=compare_time_limits(
                    unit.text,
                    against_text,
                    language=language,
                    against_language=side.language,
                    precedents=precedents,
                ),
                numbers=compare_figures(
                    unit.text, against_text, language=language, against_language=side.language
                )
                if matched
                else (),
            )
        )
        if not matched and unit.kind != "preamble":
            extra.append(ExtraArticle(unit, nearest_precedents(kb, unit, exclude=side.doc_id)))
    covered = {slot for unit in ours for slot in unit.clause_types}
    missing: list[MissingClause] = []
    seen_types: set[str] = set()
    for unit in side.units:
        for slot in unit.clause_types:
            if slot not in covered and slot not in seen_types:
                seen_types.add(slot)
                missing.append(MissingClause(slot, get_slot(slot).title, unit))
    return Review(
        proposal_name=name,
        proposal_language=language,
        against_kind=target.kind,
        against_id=target.identifier,
        against_title=side.title,
        articles=tuple(articles),
        missing=tuple(missing),
        extra=tuple(extra),
        unmatched_against=alignment.unmatched_targets,
        notes=notes + tuple(note for note in parsed.notes if note.startswith("warning")),
        precedent_documents=precedents.documents,
        against_units=side.units,
    )
