"""Clause intelligence: slots of every article, the precedent matrix, time limits, gap check.

Service functions over a `KnowledgeBase`; the CLI and the app call these. Slot assignments are
computed by `index.slots` (stored in the index, refreshed after every ingest); time limits are
extracted from the stored unit texts on demand (`ingest.time_limits`, pure regex, fast).
"""

from __future__ import annotations

import csv
import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from index.slots import (
    CERTAIN_THRESHOLD,
    WEAK_SLOTS,
    classify_document,
    is_uncertain,
    refresh_slots_after_ingest,
)
from index.types import DocumentRecord, SlotAssignment, UnitRecord
from ingest.slot_patterns import keyword_evidence
from ingest.taxonomy import OTHER, SLOTS, get_slot, slot_keys
from ingest.time_limits import PURPOSES, TimeLimit, extract_time_limits
from ingest.types import Paragraph

if TYPE_CHECKING:
    from readmit.drafting.model import Draft
    from readmit.service import KnowledgeBase

# Documents that are readmission instruments (rows of the precedent matrix); the UN/CoE
# conventions and the IOM constitution are context, not precedents.
PRECEDENT_TYPES = ("bilateral agreement", "implementing protocol", "multilateral convention")
_NOT_PRECEDENT_PREFIXES = ("un-", "coe-", "iom-")


def refresh_after_ingest(kb: KnowledgeBase, indexed_doc_ids: Iterable[str]) -> int:
    """Recompute the slots of re-indexed documents and of any document still without slots
    (an index built before slots existed). Removed documents lose theirs with their units."""
    return refresh_slots_after_ingest(kb.collection, indexed_doc_ids)


def is_precedent(document: DocumentRecord) -> bool:
    return not document.doc_id.startswith(_NOT_PRECEDENT_PREFIXES)


def _uncertain(assignment: SlotAssignment) -> bool:
    return is_uncertain(assignment) or assignment.slot in WEAK_SLOTS


@dataclass(frozen=True)
class ClauseScope:
    """Which documents the clause views cover: the precedents (or every document), narrowed
    to some languages and instrument types (empty: any)."""

    languages: tuple[str, ...] = ()
    instrument_types: tuple[str, ...] = ()
    all_documents: bool = False

    def admits(self, document: DocumentRecord) -> bool:
        return (
            (self.all_documents or is_precedent(document))
            and (not self.languages or document.language in self.languages)
            and (not self.instrument_types or document.instrument_type in self.instrument_types)
        )


def _scoped(
    kb: KnowledgeBase, all_documents: bool, scope: ClauseScope | None
) -> list[DocumentRecord]:
    chosen = scope or ClauseScope(all_documents=all_documents)
    return [d for d in kb.documents() if chosen.admits(d)]


def default_instrument_types(documents: Iterable[DocumentRecord]) -> tuple[str, ...]:
    """The readmission instrument types among these documents (the default type filter)."""
    present = {d.instrument_type for d in documents if is_precedent(d)}
    return tuple(t for t in PRECEDENT_TYPES if t in present)


_EID_PREFIX = re.compile(r"^protocol(?:_(\d+))?__")
_ROMAN = re.compile(r"^[ivxlc]+$")


def short_eid_label(eid: str) -> str:
    """A compact citation of a unit id for tables: art_7 → "Art. 7", protocol__art_3 →
    "Prot. Art. 3", protocol_2__art_1 → "Prot. 2 Art. 1", annex_1a → "Annex 1A",
    art_iv → "Art. IV", final → "Final clauses"."""
    prefix = ""
    match = _EID_PREFIX.match(eid)
    if match:
        prefix = f"Prot. {match.group(1)} " if match.group(1) else "Prot. "
        eid = eid[match.end():]
    kind, _, number = eid.partition("_")
    number = number.upper() if _ROMAN.fullmatch(number) or kind == "annex" else number
    names = {"art": "Art.", "annex": "Annex", "preamble": "Preamble", "final": "Final clauses"}
    name = names.get(kind, kind.capitalize())
    return f"{prefix}{name} {number}".strip() if number else f"{prefix}{name}"


# ---- precedent matrix ------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    """The articles of one document that fill one slot (empty: no such clause)."""

    eids: tuple[str, ...] = ()
    uncertain: tuple[bool, ...] = ()

    def render(self) -> str:
        """ "art_7; art_8?" — a "?" marks an assignment below what the evaluation defends."""
        return "; ".join(
            e + ("?" if u else "") for e, u in zip(self.eids, self.uncertain, strict=True)
        )

    def short(self) -> str:
        """ "Art. 7; Art. 8?" — `render` with compact citations, for the app's table."""
        return "; ".join(
            short_eid_label(e) + ("?" if u else "")
            for e, u in zip(self.eids, self.uncertain, strict=True)
        )


@dataclass(frozen=True)
class PrecedentMatrix:
    slots: tuple[str, ...]
    documents: tuple[DocumentRecord, ...]
    cells: dict[tuple[str, str], MatrixCell] = field(default_factory=dict)

    def cell(self, doc_id: str, slot: str) -> MatrixCell:
        return self.cells.get((doc_id, slot), MatrixCell())

    def rows(self) -> list[dict[str, str]]:
        """One dict per document: doc_id, title, lang, year, then one column per slot ("lang",
        not "language": `language` is a slot key)."""
        table = []
        for document in self.documents:
            row = {
                "doc_id": document.doc_id,
                "title": document.title,
                "lang": document.language,
                "year": "" if document.year is None else str(document.year),
            }
            for slot in self.slots:
                row[slot] = self.cell(document.doc_id, slot).render()
            table.append(row)
        return table

    def display_rows(self) -> list[dict[str, str]]:
        """Rows for a table shown to people: the document columns, then one column per slot
        titled by the slot's title, with compact citations ("Art. 7?")."""
        table = []
        for document in self.documents:
            row = {
                "Agreement": document.title,
                "Document id": document.doc_id,
                "Lang": document.language.upper(),
                "Year": "" if document.year is None else str(document.year),
            }
            for slot in self.slots:
                row[get_slot(slot).title] = self.cell(document.doc_id, slot).short()
            table.append(row)
        return table


def precedent_matrix(
    kb: KnowledgeBase, *, all_documents: bool = False, scope: ClauseScope | None = None
) -> PrecedentMatrix:
    """Agreements × slots; each cell lists the articles (eids) filling the slot. A `scope`
    replaces `all_documents` and narrows the rows."""
    documents = _scoped(kb, all_documents, scope)
    cells: dict[tuple[str, str], tuple[list[str], list[bool]]] = {}
    wanted = {d.doc_id for d in documents}
    for assignment in kb.collection.slot_assignments():
        if assignment.doc_id not in wanted or assignment.slot == OTHER:
            continue
        eids, flags = cells.setdefault((assignment.doc_id, assignment.slot), ([], []))
        eids.append(assignment.eid)
        flags.append(_uncertain(assignment))
    slots = tuple(key for key in slot_keys() if key != OTHER)
    return PrecedentMatrix(
        slots=slots,
        documents=tuple(documents),
        cells={key: MatrixCell(tuple(e), tuple(u)) for key, (e, u) in cells.items()},
    )


def write_matrix_csv(matrix: PrecedentMatrix, handle: TextIO) -> None:
    writer = csv.DictWriter(
        handle, fieldnames=["doc_id", "title", "lang", "year", *matrix.slots]
    )
    writer.writeheader()
    writer.writerows(matrix.rows())


# ---- one slot across agreements --------------------------------------------------------------


@dataclass(frozen=True)
class SlotArticle:
    """One article filling a slot, with what was extracted from it."""

    document: DocumentRecord
    unit: UnitRecord
    confidence: float
    uncertain: bool
    time_limits: tuple[TimeLimit, ...] = ()


@dataclass(frozen=True)
class SlotGroup:
    """The articles of one agreement (all its language versions together)."""

    key: str  # the official reference, or the doc id when there is none
    title: str
    articles: tuple[SlotArticle, ...]


def _agreement_key(document: DocumentRecord) -> str:
    return document.official_reference or document.doc_id


def slot_articles(
    kb: KnowledgeBase,
    slot: str,
    *,
    all_documents: bool = False,
    scope: ClauseScope | None = None,
) -> list[SlotGroup]:
    """Every article filling `slot`, grouped by agreement (language versions together)."""
    get_slot(slot)
    documents = {d.doc_id: d for d in _scoped(kb, all_documents, scope)}
    groups: dict[str, list[SlotArticle]] = defaultdict(list)
    titles: dict[str, str] = {}
    for assignment in kb.collection.slot_assignments(slot=slot):
        document = documents.get(assignment.doc_id)
        unit = kb.article(assignment.doc_id, assignment.eid) if document else None
        if document is None or unit is None:
            continue
        key = _agreement_key(document)
        titles.setdefault(key, document.title)
        limits = extract_time_limits(
            unit.text, language=document.language, doc_id=document.doc_id, eid=unit.eid
        )
        groups[key].append(
            SlotArticle(
                document, unit, assignment.confidence, _uncertain(assignment), tuple(limits)
            )
        )
    return [
        SlotGroup(
            key,
            titles[key],
            tuple(sorted(items, key=lambda a: (a.document.language, a.unit.order))),
        )
        for key, items in sorted(groups.items(), key=lambda kv: titles[kv[0]])
    ]


# ---- time limits -------------------------------------------------------------------------------

TIME_LIMIT_COLUMNS = (
    "doc_id",
    "title",
    "language",
    "year",
    "eid",
    "article",
    "number",
    "unit",
    "purpose",
    "text",
    "sentence",
)


def time_limits(
    kb: KnowledgeBase, *, all_documents: bool = False, scope: ClauseScope | None = None
) -> list[tuple[DocumentRecord, UnitRecord, TimeLimit]]:
    """Every time limit in every article of every (precedent) document, in reading order."""
    found = []
    for document in _scoped(kb, all_documents, scope):
        for unit in kb.collection.list_units(document.doc_id):
            for limit in extract_time_limits(
                unit.text, language=document.language, doc_id=document.doc_id, eid=unit.eid
            ):
                found.append((document, unit, limit))
    return found


def time_limit_table(
    kb: KnowledgeBase, *, all_documents: bool = False, scope: ClauseScope | None = None
) -> list[dict[str, str]]:
    """Rows of the "time limits across agreements" table."""
    return [
        {
            "doc_id": document.doc_id,
            "title": document.title,
            "language": document.language,
            "year": "" if document.year is None else str(document.year),
            "eid": unit.eid,
            "article": unit.label,
            "number": str(limit.number),
            "unit": limit.unit,
            "purpose": limit.purpose,
            "text": limit.text,
            "sentence": " ".join(limit.sentence.split()),
        }
        for document, unit, limit in time_limits(
            kb, all_documents=all_documents, scope=scope
        )
    ]


def write_time_limits_csv(rows: Sequence[dict[str, str]], handle: TextIO) -> None:
    writer = csv.DictWriter(handle, fieldnames=list(TIME_LIMIT_COLUMNS))
    writer.writeheader()
    writer.writerows(rows)


PURPOSE_LABELS: dict[str, str] = {
    "reply": "reply to a request",
    "transfer": "transfer after acceptance",
    "request": "submitting a request",
    "travel-document": "travel document",
    "readmission-in-error": "taking back after readmission in error",
    "transit": "transit",
    "notification": "advance notice",
    "entry-into-force": "entry into force",
    "termination": "duration and termination",
    "data": "personal data",
    "costs": "reimbursing costs",
    "validity": "validity of documents",
    "other": "other periods",
}

# Days per unit, to compare periods written in different units. A working day counts as 7/5
# calendar days (a week of five working days); a month as 30 days, a year as 365.
_DAYS_PER_UNIT = {
    "hours": 1 / 24,
    "days": 1.0,
    "calendar days": 1.0,
    "working days": 7 / 5,
    "weeks": 7.0,
    "months": 30.0,
    "years": 365.0,
}


def period_text(number: int, unit: str) -> str:
    """ "21 calendar days", "1 month" (the unit in the singular for one)."""
    return f"{number} {unit[:-1] if number == 1 and unit.endswith('s') else unit}"


def approximate_days(number: int, unit: str) -> float:
    """A period in (approximate) calendar days, for ordering only."""
    return number * _DAYS_PER_UNIT[unit]


@dataclass(frozen=True)
class LimitRef:
    """One time limit as the extremes line cites it."""

    number: int
    unit: str
    doc_id: str
    eid: str

    def period(self) -> str:
        return period_text(self.number, self.unit)

    def citation(self) -> str:
        return f"{self.period()} ({self.doc_id}, {short_eid_label(self.eid)})"


@dataclass(frozen=True)
class PurposeExtremes:
    """The shortest and longest time limit for one purpose across the agreements."""

    purpose: str
    count: int
    shortest: LimitRef
    longest: LimitRef

    @property
    def label(self) -> str:
        return PURPOSE_LABELS.get(self.purpose, self.purpose)

    def describe(self) -> str:
        """ "reply to a request: shortest 15 days (X, Art. 7), longest 30 days (Y, Art. 8)" """
        counted = f" — {self.count} limits" if self.count > 1 else ""
        if approximate_days(self.shortest.number, self.shortest.unit) == approximate_days(
            self.longest.number, self.longest.unit
        ):
            return f"{self.label}: always {self.shortest.citation()}{counted}"
        return (
            f"{self.label}: shortest {self.shortest.citation()}, "
            f"longest {self.longest.citation()}{counted}"
        )


def time_limit_extremes(rows: Sequence[Mapping[str, str]]) -> list[PurposeExtremes]:
    """Per purpose (in `PURPOSES` order), the shortest and longest limit among `rows` (rows of
    `time_limit_table`). Periods are compared in approximate days; on a tie the first row in
    reading order is cited."""
    by_purpose: dict[str, list[LimitRef]] = defaultdict(list)
    for row in rows:
        by_purpose[row["purpose"]].append(
            LimitRef(int(row["number"]), row["unit"], row["doc_id"], row["eid"])
        )
    order = {purpose: index for index, purpose in enumerate(PURPOSES)}
    extremes = []
    for purpose in sorted(by_purpose, key=lambda p: (order.get(p, len(order)), p)):
        refs = by_purpose[purpose]

        def days(ref: LimitRef) -> float:
            return approximate_days(ref.number, ref.unit)

        extremes.append(
            PurposeExtremes(
                purpose=purpose,
                count=len(refs),
                shortest=min(refs, key=days),
                longest=max(refs, key=days),
            )
        )
    return extremes


# ---- draft gap check ---------------------------------------------------------------------------

# The skeleton section (readmit.drafting.skeleton) a precedent for each slot goes into.
SLOT_SECTIONS: dict[str, str] = {
    "definitions": "definitions",
    "own-nationals": "own-nationals",
    "third-country-nationals": "third-country-nationals",
    "exceptions": "third-country-nationals",
    "family-members": "own-nationals",
    "readmission-application": "readmission-application",
    "proof-of-nationality": "evidence",
    "evidence-third-country": "evidence",
    "consular-interview": "evidence",
    "time-limit-request": "time-limits",
    "time-limit-reply": "time-limits",
    "time-limit-transfer": "time-limits",
    "transfer-modalities": "transfer",
    "travel-documents": "transfer",
    "readmission-in-error": "readmission-in-error",
    "transit": "transit",
    "escort": "transfer",
    "accelerated-procedure": "readmission-application",
    "costs": "costs",
    "data-protection": "data-protection",
    "non-affection": "non-affection",
    "implementing-protocol": "implementing-protocols",
    "competent-authorities": "implementing-protocols",
    "language": "implementing-protocols",
    "joint-committee": "joint-committee",
    "disputes": "disputes",
    "entry-into-force": "final-provisions",
    "suspension": "final-provisions",
    "termination": "final-provisions",
    "territorial-application": "final-provisions",
}
FALLBACK_SECTION = "own-nationals"


def section_for_slot(slot: str) -> str:
    """The skeleton section where a clause of this slot belongs."""
    return SLOT_SECTIONS.get(slot, FALLBACK_SECTION)



@dataclass(frozen=True)
class Precedent:
    """A wording used for a slot, how many articles use (nearly) the same text, and where."""

    text: str
    count: int
    sources: tuple[tuple[str, str], ...]  # (doc_id, eid) of every article with this wording
    language: str


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
    units: Sequence[tuple[DocumentRecord, UnitRecord]], *, top: int = 3
) -> list[Precedent]:
    """Group near-identical article texts (greedy, word-level similarity) and return the
    `top` groups with most members; ties go to the more recent agreement."""
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
    ranked = sorted(groups, key=lambda g: -len(g[1]))[:top]
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
        language = "xx"
        if clause.provenance is not None:
            language = clause.provenance.language or "xx"
            for assignment in kb.collection.slot_assignments(doc_id=clause.provenance.doc_id):
                if (
                    assignment.eid == clause.provenance.eid
                    and assignment.confidence >= CERTAIN_THRESHOLD
                ):
                    covered.add(assignment.slot)
        for slot, evidence in keyword_evidence(clause.heading, clause.text, language).items():
            needed = get_slot(slot).body_hits_needed
            if evidence.heading_terms or evidence.body_matches >= max(needed, 2):
                covered.add(slot)
    covered.discard(OTHER)
    return covered


def gap_check(kb: KnowledgeBase, draft: Draft, *, top: int = 3) -> list[Gap]:
    """Standard slots (present in at least a quarter of the agreements) the draft lacks, each
    with the `top` commonest precedent wordings and their sources; commonest slots first."""
    documents = {d.doc_id: d for d in kb.documents() if is_precedent(d)}
    by_slot: dict[str, list[SlotAssignment]] = defaultdict(list)
    for assignment in kb.collection.slot_assignments():
        if assignment.doc_id in documents and not _uncertain(assignment):
            by_slot[assignment.slot].append(assignment)
    agreements = {_agreement_key(d) for d in documents.values()}
    covered = draft_slots(kb, draft)
    gaps: list[Gap] = []
    for slot in SLOTS:
        if slot.key == OTHER or slot.key in covered:
            continue
        assignments = by_slot.get(slot.key, [])
        with_slot = {_agreement_key(documents[a.doc_id]) for a in assignments}
        if not agreements or len(with_slot) * 4 < len(agreements):
            continue
        units = []
        for assignment in assignments:
            unit = kb.article(assignment.doc_id, assignment.eid)
            if unit is not None:
                units.append((documents[assignment.doc_id], unit))
        gaps.append(
            Gap(slot.key, slot.title, len(with_slot), tuple(common_wordings(units, top=top)))
        )
    return sorted(gaps, key=lambda g: -g.agreements_with_slot)


# ---- evaluation against hand labels ------------------------------------------------------------


@dataclass(frozen=True)
class SlotScore:
    slot: str
    support: int  # labelled articles with the slot
    predicted: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_slots(
    gold: dict[tuple[str, str], set[str]], predicted: dict[tuple[str, str], set[str]]
) -> list[SlotScore]:
    """Per-slot precision/recall over the labelled articles (slots never labelled are skipped)."""
    scores = []
    for slot in slot_keys():
        support = sum(slot in s for s in gold.values())
        if not support:
            continue
        made = sum(slot in predicted.get(key, set()) for key in gold)
        hits = sum(slot in s and slot in predicted.get(key, set()) for key, s in gold.items())
        scores.append(SlotScore(slot, support, made, hits))
    return scores


def macro_f1(scores: Sequence[SlotScore]) -> float:
    return sum(s.f1 for s in scores) / len(scores) if scores else 0.0


def predict_labelled(
    kb: KnowledgeBase, doc_ids: Iterable[str], *, use_embeddings: bool = True
) -> dict[tuple[str, str], set[str]]:
    """Slots (confidence ≥ assignment threshold) of every unit of these documents, as computed
    now (not as stored), so that variants can be compared."""
    predicted: dict[tuple[str, str], set[str]] = {}
    for doc_id in sorted(set(doc_ids)):
        for assignment in classify_document(kb.collection, doc_id, use_embeddings=use_embeddings):
            predicted.setdefault((doc_id, assignment.eid), set()).add(assignment.slot)
    return predicted


def load_slot_labels(path: Path) -> dict[tuple[str, str], set[str]]:
    import json

    labels: dict[tuple[str, str], set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels[(row["doc_id"], row["eid"])] = set(row["slots"])
    return labels


def slot_counts(kb: KnowledgeBase) -> Counter[str]:
    """How many precedent documents have at least one article for each slot."""
    documents = {d.doc_id for d in kb.documents() if is_precedent(d)}
    pairs = {(a.doc_id, a.slot) for a in kb.collection.slot_assignments() if a.doc_id in documents}
    return Counter(slot for _, slot in pairs)


# ---- lists of accepted documents -----------------------------------------------------------------

# The slots whose articles enumerate the documents that prove (or make plausible) nationality
# or the grounds for readmitting a third-country national.
DOCUMENT_SLOTS = ("proof-of-nationality", "evidence-third-country")
DOCUMENT_LIST_KINDS = ("proof", "prima facie", "list")
ACCEPTED_DOCUMENT_COLUMNS = ("doc_id", "eid", "article", "kind", "item")

# A list's kind comes from its lead-in ("... can be furnished by means of the following
# documents:"). Prima facie wording is tested first: it often says "evidence"/"bewijs" too
# ("Het begin van bewijs", "Prima facie evidence").
_PRIMA_FACIE = re.compile(
    r"prima facie|aannemelijk|vermoed|veronderst|begin van bewijs|glaubhaft|vermut"
    r"|présum|presum|commencement de preuve|credibl",
    re.IGNORECASE,
)
_PROOF = re.compile(
    r"\bproo?f|\bproved?\b|\bestablished\b|\bbewijs|\bbewezen|aangetoond|vastgesteld|vaststellen"
    r"|\bpreuve|\bprouv|\bétabli|nachgewiesen|nachweis",
    re.IGNORECASE,
)
_DOCUMENTS = re.compile(
    r"\b(?:documents?|documenten|bescheiden|dokumente?n?|pièces|items? of evidence"
    r"|bewijsmiddelen|beweismittel|moyens de preuve)\b",
    re.IGNORECASE,
)
_NATIONALITY = re.compile(r"nationalit|staatsangehörigkeit|staatsburgerschap", re.IGNORECASE)
# An item marker at the start of a line: "–", "-", "•", "a)", "(a)", "a.", "1.", "1)", "(1)", "iv)".
_MARKER = re.compile(
    r"^\s*(?:[–—\-•·▪]|\(?[a-z]{1,2}\)|[a-z]\.(?=\s)|\(?\d{1,2}[.)]|\(\d{1,2}\)"
    r"|\(?[ivx]{1,4}\))\s*"
)
_OWN_NUMBER = re.compile(r"^\s*(?:\(?\d{1,3}[a-z]?[.)]|\(\d{1,3}[a-z]?\))\s*")
# A sentence break, also where extraction glued two sentences ("kaart.De nationaliteit").
_SENTENCE_BREAK = re.compile(r"(?:(?<=[^\W\d_]{2})|(?<=[)\]’”»]))\.\s*(?=[A-ZÀ-ÖØ-Þ])")
_TRAILING = re.compile(r"(?:\s*[;,.:]|\s+(?:or|and|en|of|ou|et|oder|und))+\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class AcceptedDocumentList:
    """One enumerated list of documents an agreement accepts as proof or prima facie evidence
    (of nationality, or of the grounds for readmitting a third-country national)."""

    doc_id: str
    eid: str
    label: str  # "Article 5", "Annex I"
    heading: str | None
    language: str
    kind: str  # "proof" | "prima facie" | "list" (documents listed, strength not stated)
    slot: str  # the unit's slot, "" for an annex without one
    items: tuple[str, ...]
    page_start: int | None
    page_end: int | None
    lead_in: str = ""  # the sentence introducing the list


def list_kind(lead_in: str) -> str | None:
    """ "prima facie", "proof", "list" (it names documents only) or None (not a document list)."""
    if _PRIMA_FACIE.search(lead_in):
        return "prima facie"
    if _PROOF.search(lead_in):
        return "proof"
    if _DOCUMENTS.search(lead_in):
        return "list"
    return None


def clean_item(text: str) -> str:
    """An item without its marker, any closing sentence glued to it, trailing ";"/" or"/" en"."""
    text = " ".join(_MARKER.sub("", text, count=1).split())
    text = _SENTENCE_BREAK.split(text, maxsplit=1)[0]
    return _TRAILING.sub("", text).strip()


def _paragraph_lines(paragraph: Paragraph) -> tuple[str, list[str]]:
    """The paragraph's own text before its first item (without its number) and the raw
    items: its parsed points, else the lines starting with an item marker (a line without a
    marker continues the item above it)."""
    lines = [line for line in paragraph.text.splitlines() if line.strip()]
    if not lines:
        return "", []
    head_lines = [lines[0]]
    rest = lines[1:]
    while rest and not _MARKER.match(rest[0]):
        head_lines.append(rest.pop(0))
    head = " ".join(" ".join(head_lines).split())
    if paragraph.number is not None:
        head = _OWN_NUMBER.sub("", head, count=1)
    if paragraph.points:
        # points printed inline ("... omvat: a. de personalia ...") are not part of the lead-in
        first = " ".join(paragraph.points[0].text.split())[:40]
        cut = head.find(first) if first else -1
        return (head[:cut].rstrip() if cut > 0 else head), [p.text for p in paragraph.points]
    items: list[str] = []
    for line in rest:
        if _MARKER.match(line) or not items:
            items.append(line)
        else:
            items[-1] = f"{items[-1]} {line.strip()}"
    return head, items


def enumerated_items(paragraph: Paragraph) -> tuple[str, ...]:
    """The cleaned items a paragraph enumerates (its points, else its marker lines)."""
    _, raw = _paragraph_lines(paragraph)
    return tuple(item for item in map(clean_item, raw) if item)


def _glued_lead_in(text: str) -> str | None:
    """The last sentence of `text` when it opens a new list ("...persoon.Zij kan aannemelijk
    worden gemaakt door middel van:"); None if there is no such sentence."""
    parts = _SENTENCE_BREAK.split(text.strip())
    if len(parts) > 1 and parts[-1].rstrip().endswith(":"):
        return parts[-1].strip()
    return None


@dataclass
class _OpenList:
    lead_in: str
    root: str  # the lead-in a sub-list heading ("(1) voor ... onderdanen:") is appended to
    items: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)


def document_lists_of_unit(unit: UnitRecord) -> list[tuple[str, tuple[str, ...], list[int]]]:
    """(lead-in, items, pages) of every enumerated list in a unit. A list is the items of a
    paragraph after its lead-in, or, where items are numbered as paragraphs of their own (the
    older agreements' annexes), the paragraphs following a lead-in ending with ":". An item
    ending with ":" ("(1) voor de Macedoonse onderdanen:") opens a sub-list."""
    opened: list[_OpenList] = []

    def start(lead_in: str, root: str | None = None) -> _OpenList:
        if root is None:
            new = _OpenList(lead_in, lead_in)
        else:
            new = _OpenList(f"{root} {lead_in}".strip(), root)
        opened.append(new)
        return new

    def add(target: _OpenList, raw: str, pages: list[int]) -> _OpenList:
        """Add one raw item; returns the list that the following items go to."""
        stripped = " ".join(_MARKER.sub("", raw, count=1).split())
        if stripped.endswith(":") and not _SENTENCE_BREAK.search(stripped):
            return start(stripped, target.root)
        item = clean_item(raw)
        if item:
            target.items.append(item)
            target.pages.extend(pages)
        glued = _glued_lead_in(stripped)
        return start(glued) if glued else target

    current: _OpenList | None = None  # a list still taking numbered paragraphs as items
    for paragraph in unit.paragraphs:
        pages = [p for p in (paragraph.page_start, paragraph.page_end) if p is not None]
        head, raw_items = _paragraph_lines(paragraph)
        if raw_items:
            glued = _glued_lead_in(head)
            if glued and current is not None and paragraph.number is not None:
                add(current, head, pages)
            target = start(glued or head)
            for raw in raw_items:
                target = add(target, raw, pages)
            # a list inside a paragraph ends with it, unless its last item opened another
            current = target if not target.items else None
        elif current is not None and paragraph.number is not None:
            current = add(current, head, pages)
        elif head.endswith(":"):
            current = start(head)
        else:
            current = None
    return [(o.lead_in, tuple(o.items), o.pages) for o in opened if o.items]


def _lists_annex(unit: UnitRecord) -> bool:
    """Whether an annex says it lists documents about nationality (the older agreements'
    "Aanhangsel I": "De ... nationaliteit kan worden aangetoond door middel van: ...")."""
    text = f"{unit.heading or ''} {unit.text[:600]}"
    return bool(_NATIONALITY.search(text) and list_kind(text))


def accepted_documents(
    kb: KnowledgeBase, *, scope: ClauseScope | None = None
) -> list[AcceptedDocumentList]:
    """Every list of accepted documents (proof / prima facie evidence of nationality or of the
    grounds for readmitting third-country nationals) in the units assigned to those slots and
    in the annexes that list such documents; in document and reading order."""
    documents = _scoped(kb, False, scope)
    best_slot: dict[tuple[str, str], SlotAssignment] = {}
    for slot in DOCUMENT_SLOTS:
        for assignment in kb.collection.slot_assignments(slot=slot):
            key = (assignment.doc_id, assignment.eid)
            if key not in best_slot or assignment.confidence > best_slot[key].confidence:
                best_slot[key] = assignment
    found: list[AcceptedDocumentList] = []
    for document in documents:
        for unit in kb.collection.list_units(document.doc_id):
            assigned = best_slot.get((document.doc_id, unit.eid))
            if assigned is None and not (unit.kind == "annex" and _lists_annex(unit)):
                continue
            for lead_in, items, pages in document_lists_of_unit(unit):
                kind = list_kind(lead_in)
                if kind is None:
                    continue
                found.append(
                    AcceptedDocumentList(
                        doc_id=document.doc_id,
                        eid=unit.eid,
                        label=unit.label,
                        heading=unit.heading,
                        language=document.language,
                        kind=kind,
                        slot=assigned.slot if assigned else "",
                        items=items,
                        page_start=min(pages) if pages else unit.page_start,
                        page_end=max(pages) if pages else unit.page_end,
                        lead_in=lead_in,
                    )
                )
    return found


def write_accepted_documents_csv(
    lists: Sequence[AcceptedDocumentList], handle: TextIO
) -> None:
    """One row per accepted document: doc_id, eid, article (the unit's label), kind, item."""
    writer = csv.DictWriter(handle, fieldnames=list(ACCEPTED_DOCUMENT_COLUMNS))
    writer.writeheader()
    for found in lists:
        for item in found.items:
            writer.writerow(
                {
                    "doc_id": found.doc_id,
                    "eid": found.eid,
                    "article": found.label,
                    "kind": found.kind,
                    "item": item,
                }
            )
