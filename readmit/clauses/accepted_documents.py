"""Lists of accepted documents: the proof and prima facie evidence of nationality (and of the
grounds for readmitting a third-country national) that the agreements enumerate.

Which units are read is decided here (those assigned to the document-list slots, and annexes
that list such documents); the lists are parsed by `ingest.document_lists`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from index.types import SlotAssignment
from ingest.document_lists import annex_lists_documents, enumerated_lists, list_kind
from readmit.clauses.csv_output import write_csv
from readmit.clauses.scope import ClauseScope, scoped_documents

if TYPE_CHECKING:
    from readmit.service import KnowledgeBase

# The slots whose articles enumerate the documents that prove (or make plausible) nationality
# or the grounds for readmitting a third-country national.
DOCUMENT_SLOTS = ("proof-of-nationality", "evidence-third-country")
ACCEPTED_DOCUMENT_COLUMNS = ("doc_id", "eid", "article", "kind", "item")


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


def accepted_documents(
    kb: KnowledgeBase, *, scope: ClauseScope | None = None
) -> list[AcceptedDocumentList]:
    """Every list of accepted documents (proof / prima facie evidence of nationality or of the
    grounds for readmitting third-country nationals) in the units assigned to those slots and
    in the annexes that list such documents; in document and reading order."""
    documents = scoped_documents(kb, False, scope)
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
            if assigned is None and not (
                unit.kind == "annex" and annex_lists_documents(heading=unit.heading, text=unit.text)
            ):
                continue
            for found_list in enumerated_lists(unit.paragraphs):
                lead_in, items, pages = found_list.lead_in, found_list.items, found_list.pages
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


def write_accepted_documents_csv(lists: Sequence[AcceptedDocumentList], handle: TextIO) -> None:
    """One row per accepted document: doc_id, eid, article (the unit's label), kind, item."""
    rows = (
        {
            "doc_id": found.doc_id,
            "eid": found.eid,
            "article": found.label,
            "kind": found.kind,
            "item": item,
        }
        for found in lists
        for item in found.items
    )
    write_csv(handle, ACCEPTED_DOCUMENT_COLUMNS, rows)
