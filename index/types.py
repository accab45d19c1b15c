"""Frozen dataclasses that carry search requests and results out of the index layer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ingest.citations import cite_eid, has_invented_name
from ingest.types import (
    DOCUMENT_KINDS,
    Chunk,
    Paragraph,
    ParsedDocument,
    document_kind,
    is_guidance_kind,
    unit_label,
)

__all__ = [
    "DOCUMENT_KINDS",
    "ChunkText",
    "DocumentRecord",
    "EmbedProgress",
    "Hit",
    "IndexStatus",
    "SearchFilters",
    "SlotAssignment",
    "StoredDocument",
    "UnitRecord",
]


# Called while a write embeds chunks: (chunks embedded so far, total).
EmbedProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions applied inside retrieval (before the top-k is cut), never afterwards."""

    doc_ids: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    instrument_types: tuple[str, ...] = ()
    # Document kinds (ingest.types.DOCUMENT_KINDS): "agreement", "policy guide", ...
    kinds: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()  # a document matches if any of its parties is listed
    year_from: int | None = None
    year_to: int | None = None
    # Clause types (ingest.taxonomy keys): a chunk passes if its unit has one of them.
    slots: tuple[str, ...] = ()
    # Who is asking: None = every document (no access control, or a maintainer); a tuple =
    # public documents plus those restricted to at least one of these groups.
    visible_groups: tuple[str, ...] | None = None

    @property
    def is_empty(self) -> bool:
        return self == SearchFilters()


@dataclass(frozen=True)
class Hit:
    """One search result: a chunk with its citation fields and score."""

    rank: int
    score: float
    chunk_id: int
    doc_id: str
    title: str
    part: str
    article: str | None
    heading: str | None
    eid: str
    page_start: int | None
    page_end: int | None
    language: str
    text: str
    kind: str = "agreement"  # the document's kind (ingest.types.DOCUMENT_KINDS)

    @property
    def has_citation_line(self) -> bool:
        """Whether the chunk text starts with its citation line; an untitled preamble, signature
        block or declaration has none (ingest.chunking.chunk_header)."""
        return not has_invented_name(self.eid, self.heading)

    @property
    def path(self) -> str:
        """Where the passage sits: the chunk's citation line, e.g. "A3 › 2 Zelfstandig vertrek
        › 2.3 Vertrektermijn" or "Article 7 — Time limits" (chunks start with it), or the unit's
        citation ("Preamble") for a chunk without one."""
        if not self.has_citation_line:
            return cite_eid(self.eid)
        return self.text.split("\n", 1)[0]

    @property
    def is_guidance(self) -> bool:
        return is_guidance_kind(self.kind)

    def to_json(self) -> dict[str, object]:
        """The search JSON contract's hit object (see docs/usage.md)."""
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "doc_id": self.doc_id,
            "title": self.title,
            "part": self.part,
            "article": self.article,
            "heading": self.heading,
            "eid": self.eid,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "language": self.language,
            "kind": self.kind,
            "path": self.path,
            "text": self.text,
        }


@dataclass(frozen=True)
class IndexStatus:
    """What `readmit status` reports."""

    documents: int
    units: int
    chunks: int
    model: str | None
    dimension: int | None
    indexed_at: str | None
    failures: tuple[tuple[str, str], ...]  # (file, reason)
    # sha256 of the rule files (ingest/taxonomy.toml, index/retrieval/glossary_terms.json)
    # recorded at the last ingest; the stored clause slots follow that taxonomy.
    taxonomy_sha256: str | None = None
    glossary_sha256: str | None = None
    # The taxonomy on disk differs from the one the stored slots were computed with: the next
    # ingest recomputes them (no re-embedding).
    slots_stale: bool = False


@dataclass(frozen=True)
class DocumentRecord:
    """One indexed document as stored in the index (its catalogue facts and bookkeeping)."""

    doc_id: str
    title: str
    language: str
    instrument_type: str
    parties: tuple[str, ...]
    year: int | None
    date_signed: str | None
    place_signed: str | None
    official_reference: str | None
    source_url: str | None
    licence: str | None
    original_title: str | None
    source_path: str
    content_hash: str
    page_count: int | None
    has_pages: bool
    indexed_at: str
    unit_count: int = 0
    chunk_count: int = 0
    visibility: tuple[str, ...] = ()  # () = public, else the groups that may see it

    @property
    def is_restricted(self) -> bool:
        return bool(self.visibility)

    @property
    def kind(self) -> str:
        return document_kind(self.instrument_type)

    @property
    def is_guidance(self) -> bool:
        return is_guidance_kind(self.kind)


@dataclass(frozen=True)
class UnitRecord:
    """One structural unit (article, preamble, annex, final clauses, declaration) of an indexed
    document."""

    doc_id: str
    eid: str
    kind: str  # "preamble" | "article" | "annex" | "note" | "final" | "declaration" | …
    part: str
    number: str | None
    heading: str | None
    text: str
    order: int
    page_start: int | None
    page_end: int | None
    instrument: str
    paragraphs: tuple[Paragraph, ...] = ()  # with their points, as ingest parsed them
    parent: str | None = None  # eid of the enclosing chapter/section (the section tree)

    @property
    def label(self) -> str:
        return unit_label(self.kind, self.number)


class ChunkText(NamedTuple):
    """A chunk's id, document and exact indexed text, for indexes built outside this layer."""

    chunk_id: int
    doc_id: str
    text: str


@dataclass(frozen=True)
class SlotAssignment:
    """A clause type (ingest.taxonomy slot) given to one unit, with how sure and why."""

    doc_id: str
    eid: str
    slot: str
    confidence: float  # 0..1; see index.slots for the scale and the thresholds
    method: str  # the evidence: "heading", "body", "embedding" joined by "+", or "fallback"


@dataclass(frozen=True)
class StoredDocument:
    """One document exactly as an index holds it: parsed structure, chunks and their vectors.

    `readmit copy` moves these between backends, so nothing is embedded again.
    """

    document: ParsedDocument
    chunks: tuple[Chunk, ...]
    vectors: np.ndarray  # (len(chunks), dimension) float32, in chunk order
    indexed_at: str
