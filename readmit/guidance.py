"""Guidance beside the precedents: a guide's section tree, and the guide sections that speak to
each clause type.

Policy guides and regulations (document kinds "policy guide" and "regulation") are not
precedents: they never enter the precedent matrix. What a drafter needs from them is, per
clause type, "what the rules say about it" with a citation, and a way to read a guide in its
own order (table of contents, previous/next, parent section).

The clause type ↔ guide section link is the clause classifier's assignment (index.slots: cue
words in heading and body, time limits, confirmed by embedding similarity) applied to guide
sections, at the same confidence threshold as the precedents. Its precision and recall against
hand labels (tests/labels/guide_sections.jsonl) are measured by scripts/eval_guidance_links.py
and reported in docs/clause-intelligence.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.slots import ASSIGN_THRESHOLD
from index.types import DocumentRecord, Hit, UnitRecord
from ingest.taxonomy import OTHER
from readmit.service import KnowledgeBase

__all__ = [
    "GuidanceSection",
    "TocEntry",
    "guidance_by_slot",
    "guidance_documents",
    "guidance_for_slot",
    "heading_path",
    "section_neighbours",
    "table_of_contents",
]

PATH_SEPARATOR = " › "
# A guide section is linked to a clause type from this confidence on (index.slots scale).
GUIDANCE_MIN_CONFIDENCE = ASSIGN_THRESHOLD
CONTAINER_KINDS = ("chapter", "section")


@dataclass(frozen=True)
class GuidanceSection:
    """A guide section (or regulation article) that speaks to a clause type, with its citation."""

    doc_id: str
    title: str
    kind: str  # the document's kind: "policy guide" or "regulation"
    eid: str
    path: str  # "A3 › 4 Reisdocumenten › 4.5 Gebruik van een EU-staat"
    text: str
    slot: str
    confidence: float

    @property
    def citation(self) -> str:
        return f"{self.title}, {self.path}"


@dataclass(frozen=True)
class TocEntry:
    """One line of a document's table of contents."""

    eid: str
    label: str  # "2.3 Vertrektermijn", "Article 6.1a", "Chapter 6 Vertrek en uitzetting"
    depth: int  # 0 for top-level units
    parent: str | None
    has_text: bool


def unit_title(unit: UnitRecord) -> str:
    """A unit as one line: "2.3 Vertrektermijn", "Article 7 — Time limits", "A3 Vertrek …"."""
    label = "Final clauses" if unit.kind == "final" else unit.label
    if unit.kind in CONTAINER_KINDS and unit.number:
        return f"{label} {unit.heading}" if unit.heading else label
    return f"{label} — {unit.heading}" if unit.heading and unit.heading != label else label


def heading_path(unit: UnitRecord, units_by_eid: dict[str, UnitRecord]) -> str:
    """The unit's title preceded by its ancestors' ("A3 Vertrek en uitzetting › 2 Zelfstandig
    vertrek › 2.3 Vertrektermijn")."""
    parts = [unit_title(unit)]
    seen = {unit.eid}
    parent = units_by_eid.get(unit.parent or "")
    while parent is not None and parent.eid not in seen:
        seen.add(parent.eid)
        parts.append(unit_title(parent))
        parent = units_by_eid.get(parent.parent or "")
    return PATH_SEPARATOR.join(reversed(parts))


def table_of_contents(units: Sequence[UnitRecord]) -> list[TocEntry]:
    """Every unit in reading order with its depth in the section tree."""
    by_eid = {unit.eid: unit for unit in units}
    entries = []
    for unit in units:
        depth, parent, seen = 0, by_eid.get(unit.parent or ""), {unit.eid}
        while parent is not None and parent.eid not in seen:
            seen.add(parent.eid)
            depth += 1
            parent = by_eid.get(parent.parent or "")
        entries.append(
            TocEntry(
                eid=unit.eid,
                label=unit_title(unit),
                depth=depth,
                parent=unit.parent if unit.parent in by_eid else None,
                has_text=bool(unit.text.strip()),
            )
        )
    return entries


def section_neighbours(
    units: Sequence[UnitRecord], eid: str
) -> tuple[UnitRecord | None, UnitRecord | None, UnitRecord | None]:
    """(previous, next, parent) of a unit in reading order; a container without text of its
    own is skipped as previous/next (its heading is on its children's paths)."""
    readable = [u for u in units if u.text.strip() or u.eid == eid]
    by_eid = {unit.eid: unit for unit in units}
    position = next((i for i, u in enumerate(readable) if u.eid == eid), None)
    if position is None:
        return None, None, None
    previous = readable[position - 1] if position > 0 else None
    following = readable[position + 1] if position + 1 < len(readable) else None
    return previous, following, by_eid.get(readable[position].parent or "")


def guidance_documents(kb: KnowledgeBase) -> list[DocumentRecord]:
    return [document for document in kb.documents() if document.is_guidance]


def guidance_by_slot(
    kb: KnowledgeBase, *, min_confidence: float = GUIDANCE_MIN_CONFIDENCE
) -> dict[str, list[GuidanceSection]]:
    """Clause type → the guide sections assigned to it (best first), over every guidance
    document of the index."""
    out: dict[str, list[GuidanceSection]] = {}
    for document in guidance_documents(kb):
        units = kb.collection.list_units(document.doc_id)
        by_eid = {unit.eid: unit for unit in units}
        for assignment in kb.collection.slot_assignments(doc_id=document.doc_id):
            unit = by_eid.get(assignment.eid)
            if (
                unit is None
                or assignment.slot == OTHER
                or assignment.confidence < min_confidence
                or not unit.text.strip()
            ):
                continue
            out.setdefault(assignment.slot, []).append(
                GuidanceSection(
                    doc_id=document.doc_id,
                    title=document.title,
                    kind=document.kind,
                    eid=unit.eid,
                    path=heading_path(unit, by_eid),
                    text=unit.text,
                    slot=assignment.slot,
                    confidence=assignment.confidence,
                )
            )
    for sections in out.values():
        sections.sort(key=lambda s: (-s.confidence, s.doc_id))
    return out


def guidance_for_slot(kb: KnowledgeBase, slot: str) -> list[GuidanceSection]:
    """What the guidance says about one clause type: its guide sections, best first."""
    return guidance_by_slot(kb).get(slot, [])


def section_from_hit(hit: Hit) -> GuidanceSection:
    """A guidance search result as a guide section to attach to a draft article (no clause
    type: it was found by a question, not by the classifier)."""
    return GuidanceSection(
        doc_id=hit.doc_id,
        title=hit.title,
        kind=hit.kind,
        eid=hit.eid,
        path=hit.path,
        text=hit.text,
        slot="",
        confidence=0.0,
    )
