"""Frozen dataclasses that carry a document's legal structure out of the ingest layer.

Every unit and chunk carries the citation fields a drafter needs (document, part, article,
heading, page span) so that nothing downstream has to look them up again.
"""

from __future__ import annotations

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
)


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
    """How a lawyer cites a unit: "Article 7", "Annex 1 A", "Preamble"."""
    if kind == "article" and number:
        return f"Article {number}"
    if kind == "annex":
        return f"Annex {number}" if number else "Annex"
    return kind.capitalize()


@dataclass(frozen=True)
class Unit:
    """A structural unit: the title, a preamble, an article, an annex or the final clauses.

    `eid` follows Akoma Ntoso eId style and is stable across re-ingestion of the same text:
    `preamble`, `art_7`, `protocol__art_3`, `protocol__preamble`, `annex_1a`, `final`,
    `protocol__final`. A second instrument in the same file uses the `protocol__` prefix.
    """

    eid: str
    kind: str  # "preamble" | "article" | "annex" | "final" | "declaration"
    part: str  # one of PARTS
    number: str | None
    heading: str | None
    text: str  # the body without the "Article N" / heading lines
    order: int
    page_start: int | None = None
    page_end: int | None = None
    paragraphs: tuple[Paragraph, ...] = ()
    instrument: str = "agreement"  # "agreement" or "protocol": which instrument it belongs to

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
    # What the maintainer should know about how the document was read ("language detected as
    # nl", "no articles found"): shown after an ingest, never stored.
    notes: tuple[str, ...] = ()

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
