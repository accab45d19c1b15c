"""What the facade hands back about documents and searches: small frozen records and the pure
helpers that build them (no access to the index here; `readmit.facade.Readmit` fetches)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.types import DOCUMENT_KINDS, DocumentRecord, Hit, SearchFilters, UnitRecord
from ingest.citations import (
    ImplementsReference,
    cite_unit,
    full_citation,
    split_eid,
    split_implements_reference,
)
from ingest.language import SUPPORTED_LANGUAGES
from ingest.taxonomy import OTHER, SLOTS
from ingest.types import GUIDANCE_KINDS
from readmit.facade.door import DocumentNotFoundError
from readmit.guidance import TocEntry

DEFAULT_DRAFT_TITLE = "Model readmission agreement"


@dataclass(frozen=True)
class FilterOptions:
    """The values the search filters can take, from the indexed documents."""

    documents: tuple[tuple[str, str], ...]  # (doc_id, label) sorted by label
    parties: tuple[str, ...]
    instrument_types: tuple[str, ...]
    languages: tuple[str, ...]
    parts: tuple[str, ...]
    year_min: int | None
    year_max: int | None
    kinds: tuple[str, ...] = ()  # document kinds present, in DOCUMENT_KINDS order
    slots: tuple[tuple[str, str], ...] = ()  # (clause type key, title), as `readmit slots`


PARTS = ("preamble", "agreement", "protocol", "annex", "final")
# What a bilingual export can set beside the draft: every language ingest reads.
EXPORT_LANGUAGES: tuple[str, ...] = tuple(SUPPORTED_LANGUAGES)


def language_names() -> str:
    """ "English, Dutch, … or Chinese": the languages ingest reads, as a sentence names them."""
    names = list(SUPPORTED_LANGUAGES.values())
    return f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else "".join(names)


def language_label(code: str) -> str:
    """ "ZH — Chinese": how a language is named in lists ("XX" for one ingest does not name)."""
    name = SUPPORTED_LANGUAGES.get(code)
    return f"{code.upper()} — {name}" if name else code.upper()


def document_label(document: DocumentRecord) -> str:
    """ "Title (2015, EN)": how a document is named in lists."""
    details = ", ".join(
        part
        for part in (str(document.year) if document.year else "", document.language.upper())
        if part
    )
    return f"{document.title} ({details})" if details else document.title


def filter_options(documents: Sequence[DocumentRecord]) -> FilterOptions:
    years = [d.year for d in documents if d.year is not None]
    return FilterOptions(
        documents=tuple(
            sorted(((d.doc_id, document_label(d)) for d in documents), key=lambda item: item[1])
        ),
        parties=tuple(sorted({party for d in documents for party in d.parties})),
        instrument_types=tuple(sorted({d.instrument_type for d in documents if d.instrument_type})),
        languages=tuple(sorted({d.language for d in documents if d.language})),
        parts=PARTS,
        year_min=min(years) if years else None,
        year_max=max(years) if years else None,
        kinds=tuple(k for k in DOCUMENT_KINDS if any(d.kind == k for d in documents)),
        slots=tuple((slot.key, slot.title) for slot in SLOTS if slot.key != OTHER),
    )


def build_filters(
    *,
    options: FilterOptions,
    doc_ids: Sequence[str] = (),
    parties: Sequence[str] = (),
    instrument_types: Sequence[str] = (),
    languages: Sequence[str] = (),
    parts: Sequence[str] = (),
    years: tuple[int, int] | None = None,
    kinds: Sequence[str] = (),
    slots: Sequence[str] = (),
) -> SearchFilters:
    """SearchFilters from the widgets; a year range equal to the full span is no filter."""
    year_from = year_to = None
    if years is not None and options.year_min is not None and options.year_max is not None:
        if years[0] > options.year_min:
            year_from = years[0]
        if years[1] < options.year_max:
            year_to = years[1]
    return SearchFilters(
        doc_ids=tuple(doc_ids),
        languages=tuple(languages),
        parts=tuple(parts),
        instrument_types=tuple(instrument_types),
        kinds=tuple(kinds),
        parties=tuple(parties),
        year_from=year_from,
        year_to=year_to,
        slots=tuple(slots),
    )


@dataclass(frozen=True)
class SearchResults:
    """The hits of one search and whether the best of them is a good match at all."""

    hits: tuple[Hit, ...]
    good_match: bool


# How many guidance sections are shown beside the precedents.
GUIDANCE_RESULTS = 5
PRECEDENT_KINDS = tuple(kind for kind in DOCUMENT_KINDS if kind not in GUIDANCE_KINDS)


@dataclass(frozen=True)
class GroupedResults:
    """One question answered twice: the precedents (what states agreed: agreements, protocols,
    conventions) and the guidance (what the rules say: policy guides, regulations)."""

    precedents: tuple[Hit, ...]
    guidance: tuple[Hit, ...]
    # False when neither group has anything close to the question (the relevance floor).
    good_match: bool = True


@dataclass(frozen=True)
class ArticleInContext:
    """An article with its agreement, its neighbours and its other language versions."""

    document: DocumentRecord
    unit: UnitRecord
    previous: UnitRecord | None
    following: UnitRecord | None
    counterparts: tuple[tuple[DocumentRecord, UnitRecord], ...]
    # Documents with a section tree (guides, regulations, treaties with chapters): the
    # enclosing section, the unit's heading path and the table of contents.
    parent: UnitRecord | None = None
    path: str = ""
    toc: tuple[TocEntry, ...] = ()
    # A protocol article's opening "(Article 12 of the Agreement)", and the articles it names;
    # for an agreement article, the protocol articles that name it.
    reference: ImplementsReference | None = None
    implements: tuple[UnitRecord, ...] = ()
    implemented_by: tuple[UnitRecord, ...] = ()


def implements_reference(unit: UnitRecord) -> ImplementsReference | None:
    """The agreement article(s) a protocol article implements, from its opening reference."""
    if not split_eid(unit.eid)[0]:
        return None  # only the articles of a protocol name the agreement article they implement
    return split_implements_reference(unit.text)[0]


def clause_text(unit: UnitRecord) -> str:
    """The text a draft takes from a unit: a protocol article without its opening reference to
    the agreement (a link between the source's instruments, not wording of the clause)."""
    if implements_reference(unit) is None:
        return unit.text
    return split_implements_reference(unit.text)[1]


def unit_citation(unit: UnitRecord) -> str:
    """ "Protocol, Article 5 — Transfer" (as the chunks cite it)."""
    return cite_unit(eid=unit.eid, kind=unit.kind, label=unit.label, heading=unit.heading)


def copy_citation(document: DocumentRecord | None, *, eid: str, title: str = "") -> str:
    """What "Copy citation" puts on the clipboard: "Art. 7, Agreement between … (2015),
    BWBV0006473" (`ingest.citations.full_citation`, the one citation format)."""
    if document is None:
        return full_citation(eid=eid, title=title)
    return full_citation(
        eid=eid,
        title=document.title,
        year=document.year,
        official_reference=document.official_reference,
    )


def hit_from_unit(document: DocumentRecord, unit: UnitRecord) -> Hit:
    """A whole article as a Hit (what the drafting library takes as a source)."""
    return Hit(
        rank=0,
        score=0.0,
        chunk_id=0,
        doc_id=document.doc_id,
        title=document.title,
        part=unit.part,
        article=unit.number if unit.kind == "article" else None,
        heading=unit.heading,
        eid=unit.eid,
        page_start=unit.page_start,
        page_end=unit.page_end,
        language=document.language,
        text=unit.text,
        kind=document.kind,
    )


# ---- drafting -----------------------------------------------------------------------------


class SourceMissingError(DocumentNotFoundError):
    """A precedent's source article is no longer in the index (or is hidden from the caller)."""

    def __init__(self, doc_id: str, eid: str) -> None:
        super().__init__(doc_id, f"{doc_id} {eid}: the article is not in the index (re-indexed?)")
        self.eid = eid
