"""Frozen dataclasses that carry search requests and results out of the index layer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions applied inside retrieval (before the top-k is cut), never afterwards."""

    doc_ids: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    instrument_types: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()  # a document matches if any of its parties is listed
    year_from: int | None = None
    year_to: int | None = None

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

    def to_json(self) -> dict[str, object]:
        """The search JSON contract's hit object (see README)."""
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
