"""The precedent matrix (agreements × slots) and one slot across the agreements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from index.types import DocumentRecord, UnitRecord
from ingest.citations import cite_eid_short
from ingest.taxonomy import OTHER, get_slot, slot_keys
from ingest.time_limits import TimeLimit, extract_time_limits
from readmit.clauses.csv_output import write_csv
from readmit.clauses.scope import (
    ClauseScope,
    agreement_key,
    assignment_mark,
    is_flagged_doubtful,
    is_flagged_uncertain,
    scoped_documents,
)

if TYPE_CHECKING:
    from readmit.service import KnowledgeBase


_LOWER_WORDS = frozenset({"and", "of", "on", "the", "for", "in", "to"})


def short_document_name(document: DocumentRecord) -> str:
    """A short readable name for a row label: "Benelux Kazakhstan Readmission Agreement 2015
    (EN)", from the document id (titles are too long for a chart's axis)."""
    words = document.doc_id.split("-")
    language = document.language.lower()
    if language and len(words) > 1 and words[-1].lower() == language:
        words = words[:-1]
    name = " ".join(w if w in _LOWER_WORDS else w[:1].upper() + w[1:] for w in words if w)
    return f"{name} ({language.upper()})" if language else name


@dataclass(frozen=True)
class MatrixCell:
    """The articles of one document that fill one slot (empty: no such clause)."""

    eids: tuple[str, ...] = ()
    uncertain: tuple[bool, ...] = ()  # not confident
    # "" confident, "~" probably right, "?" likely wrong (`index.slots.certainty_mark`); without
    # marks, an uncertain assignment shows "?"
    marks: tuple[str, ...] = ()

    def _marks(self) -> tuple[str, ...]:
        if len(self.marks) == len(self.eids):
            return self.marks
        return tuple("?" if u else "" for u in self.uncertain)

    def render(self) -> str:
        """ "art_7; art_8~; art_9?" — "~" probably right but not confirmed, "?" likely wrong."""
        return "; ".join(e + m for e, m in zip(self.eids, self._marks(), strict=True))

    def short(self) -> str:
        """ "Art. 7; Art. 8~" — `render` with compact citations, for the app's table."""
        return "; ".join(
            cite_eid_short(e) + m for e, m in zip(self.eids, self._marks(), strict=True)
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
    documents = scoped_documents(kb, all_documents, scope)
    cells: dict[tuple[str, str], tuple[list[str], list[bool], list[str]]] = {}
    wanted = {d.doc_id for d in documents}
    for assignment in kb.collection.slot_assignments():
        if assignment.doc_id not in wanted or assignment.slot == OTHER:
            continue
        eids, flags, marks = cells.setdefault((assignment.doc_id, assignment.slot), ([], [], []))
        eids.append(assignment.eid)
        flags.append(is_flagged_uncertain(assignment))
        marks.append(assignment_mark(assignment))
    slots = tuple(key for key in slot_keys() if key != OTHER)
    return PrecedentMatrix(
        slots=slots,
        documents=tuple(documents),
        cells={key: MatrixCell(tuple(e), tuple(u), tuple(m)) for key, (e, u, m) in cells.items()},
    )


def write_matrix_csv(matrix: PrecedentMatrix, handle: TextIO) -> None:
    write_csv(handle, ["doc_id", "title", "lang", "year", *matrix.slots], matrix.rows())


@dataclass(frozen=True)
class SlotArticle:
    """One article filling a slot, with what was extracted from it."""

    document: DocumentRecord
    unit: UnitRecord
    confidence: float
    uncertain: bool  # not confident ("~" or "?")
    time_limits: tuple[TimeLimit, ...] = ()
    doubtful: bool = False  # likely wrong ("?")


@dataclass(frozen=True)
class SlotGroup:
    """The articles of one agreement (all its language versions together)."""

    key: str  # the official reference, or the doc id when there is none
    title: str
    articles: tuple[SlotArticle, ...]


def slot_articles(
    kb: KnowledgeBase,
    slot: str,
    *,
    all_documents: bool = False,
    scope: ClauseScope | None = None,
) -> list[SlotGroup]:
    """Every article filling `slot`, grouped by agreement (language versions together)."""
    get_slot(slot)
    documents = {d.doc_id: d for d in scoped_documents(kb, all_documents, scope)}
    groups: dict[str, list[SlotArticle]] = defaultdict(list)
    titles: dict[str, str] = {}
    for assignment in kb.collection.slot_assignments(slot=slot):
        document = documents.get(assignment.doc_id)
        unit = kb.article(assignment.doc_id, assignment.eid) if document else None
        if document is None or unit is None:
            continue
        key = agreement_key(document)
        titles.setdefault(key, document.title)
        limits = extract_time_limits(
            unit.text, language=document.language, doc_id=document.doc_id, eid=unit.eid
        )
        groups[key].append(
            SlotArticle(
                document,
                unit,
                assignment.confidence,
                is_flagged_uncertain(assignment),
                tuple(limits),
                is_flagged_doubtful(assignment),
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


def confident_clause_types(kb: KnowledgeBase, doc_id: str, eid: str) -> tuple[str, ...]:
    """The clause types an article has without a "?" (best first; "other" left out): what a
    draft section may be suggested from."""
    found = [
        a
        for a in kb.collection.slot_assignments(doc_id=doc_id)
        if a.eid == eid and a.slot != OTHER and not is_flagged_uncertain(a)
    ]
    return tuple(a.slot for a in sorted(found, key=lambda a: -a.confidence))
