"""Frozen dataclasses that carry a document's legal structure out of the ingest layer.

Every unit and chunk carries the citation fields a drafter needs (document, part, article,
heading, page span) so that nothing downstream has to look them up again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The parts a unit can belong to; also the `part` field of the search JSON contract.
PARTS = ("preamble", "agreement", "protocol", "annex", "final")

INSTRUMENT_TYPES = (
    "bilateral agreement",
    "implementing protocol",
    "multilateral convention",
    "protocol",
    "constitution",
    "MoU",
    "policy guide",
    "regulation",
)

# The document kinds shown on every hit and offered as a search filter: a coarser reading of
# the instrument type (one source of truth: a sidecar's `kind`, when given, must agree).
# Policy guides and regulations are *guidance* (what the rules say), the others *precedents*
# (what states have agreed).
KIND_OF_INSTRUMENT = {
    "bilateral agreement": "agreement",
    "MoU": "agreement",
    "implementing protocol": "implementing protocol",
    "multilateral convention": "convention",
    "protocol": "convention",
    "constitution": "convention",
    "policy guide": "policy guide",
    "regulation": "regulation",
}
DOCUMENT_KINDS = ("agreement", "implementing protocol", "convention", "policy guide", "regulation")
GUIDANCE_KINDS = ("policy guide", "regulation")


def document_kind(instrument_type: str) -> str:
    """The document kind of an instrument type ("bilateral agreement" → "agreement")."""
    return KIND_OF_INSTRUMENT.get(instrument_type, "agreement")


def instrument_types_of_kinds(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """Every instrument type whose kind is one of `kinds` (for filtering by kind)."""
    wanted = {k.lower() for k in kinds}
    return tuple(t for t, k in KIND_OF_INSTRUMENT.items() if k in wanted)


def is_guidance_kind(kind: str) -> bool:
    return kind in GUIDANCE_KINDS


@dataclass(frozen=True)
class DocumentMeta:
    """Catalogue facts about one document (from its `.meta.json` sidecar)."""

    doc_id: str
    title: str
    language: str
    instrument_type: str = "bilateral agreement"
    parties: tuple[str, ...] = ()
    place_signed: str | None = None
    date_signed: str | None = None  # ISO date (YYYY-MM-DD) where known
    year: int | None = None
    official_reference: str | None = None
    source_url: str | None = None
    licence: str | None = None
    original_title: str | None = None
    # () = public; otherwise only members of one of these groups may see the document.
    visibility: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return document_kind(self.instrument_type)


@dataclass(frozen=True)
class Line:
    """One line of extracted text with the page it came from (None for plain text)."""

    text: str
    page: int | None = None


@dataclass(frozen=True)
class Point:
    """A lettered or numbered point inside a paragraph, e.g. "(a)"."""

    eid: str
    label: str
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a unit; `number` is None for unnumbered text."""

    eid: str
    number: str | None
    text: str
    page_start: int | None = None
    page_end: int | None = None
    points: tuple[Point, ...] = ()


def unit_label(kind: str, number: str | None) -> str:
    """How a lawyer cites a unit: "Article 7", "Annex 1 A", "Note II", "Preamble", "2.3" (a numbered
    section of a guide), "A3" (a guide's chapter code), "Chapter 4"."""
    if kind == "article" and number:
        return f"Article {number}"
    if kind == "annex":
        return f"Annex {number}" if number else "Annex"
    if kind == "note":  # a note of an exchange of notes ("Nr. II")
        return f"Note {number}" if number else "Note"
    if kind in ("chapter", "section") and number:
        # "2.3" (a guide's section), "A3" (a circular's chapter code) and labels kept as
        # printed ("Hoofdstuk 6", "Section 9") are cited as they are.
        if number[:1].isdigit() or " " in number or re.match(r"^[A-Z]{1,2}\d", number):
            return number
        return f"{kind.capitalize()} {number}"
    return kind.capitalize()


@dataclass(frozen=True)
class Unit:
    """A structural unit: the title, a preamble, an article, an annex, the final clauses, or a
    chapter / numbered section (of a guide, or a chapter heading of a treaty).

    `eid` follows Akoma Ntoso eId style and is stable across re-ingestion of the same text:
    `preamble`, `art_7`, `protocol__art_3`, `protocol__preamble`, `annex_1a`, `final`,
    `protocol__final`, `note_ii`. A second instrument in the same file uses the `protocol__`
    prefix; a unit inside another carries its eId as a prefix (`note_i__annex_ii` for an annex
    of a note, `annex_1__art_3` for an article of an annex).
    """

    eid: str
    # "preamble" | "article" | "annex" | "note" | "final" | "declaration" | "chapter" | "section"
    kind: str
    part: str  # one of PARTS
    number: str | None
    heading: str | None
    text: str  # the body without the "Article N" / heading lines
    order: int
    page_start: int | None = None
    page_end: int | None = None
    paragraphs: tuple[Paragraph, ...] = ()
    instrument: str = "agreement"  # "agreement" or "protocol": which instrument it belongs to
    # The eId of the enclosing chapter or section (None at the top level): the section tree.
    parent: str | None = None

    @property
    def label(self) -> str:
        return unit_label(self.kind, self.number)


@dataclass(frozen=True)
class ParsedDocument:
    """A document after structure parsing: its metadata, units and content hash."""

    meta: DocumentMeta
    units: tuple[Unit, ...]
    content_hash: str
    source_path: str
    has_pages: bool = False
    page_count: int | None = None
    ocr_pages: tuple[int, ...] = ()  # pages whose text came from OCR (scanned, no text layer)
    # The no-text-dropped invariant (ingest.coverage): non-blank extracted lines, those in no
    # unit (0 unless the parser lost text), and running headers/footers removed on purpose.
    line_count: int = 0
    lines_not_in_units: int = 0
    running_lines_removed: int = 0
    # What the maintainer should know about how the document was read ("language detected as
    # nl", "no articles found"): shown after an ingest, never stored.
    notes: tuple[str, ...] = ()

    @property
    def top_level_eids(self) -> tuple[str, ...]:
        return tuple(unit.eid for unit in self.units if unit.parent is None)

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id


@dataclass(frozen=True)
class Chunk:
    """The unit of embedding: an article or part of one, always with its heading.

    `text` is exactly what was embedded and indexed: it starts with the unit's label and
    heading so that a chunk cut from a long article still says what it is.
    """

    chunk_id: int  # stable non-negative 63-bit id (a signed int64) from (doc_id, eid, seq)
    doc_id: str
    eid: str
    part: str
    article: str | None
    heading: str | None
    text: str
    seq: int
    page_start: int | None = None
    page_end: int | None = None
