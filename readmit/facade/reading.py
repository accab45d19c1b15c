"""Searching and reading: what every role may do, over the documents the principal may see."""

from __future__ import annotations

import dataclasses

from index.retrieval.relevance import floor_for
from index.types import (
    DOCUMENT_KINDS,
    DocumentRecord,
    Hit,
    IndexStatus,
    SearchFilters,
    UnitRecord,
)
from ingest.citations import split_eid
from ingest.types import GUIDANCE_KINDS
from readmit.access import Action
from readmit.clauses.gaps import clause_slots
from readmit.drafting.model import DraftClause
from readmit.facade.core import Core
from readmit.facade.door import door
from readmit.facade.results import (
    GUIDANCE_RESULTS,
    PRECEDENT_KINDS,
    ArticleInContext,
    GroupedResults,
    SearchResults,
    implements_reference,
)
from readmit.guidance import (
    GuidanceSection,
    TocEntry,
    guidance_by_slot,
    heading_path,
    section_neighbours,
    table_of_contents,
)
from readmit.ingest_progress import IngestProgress, running_ingest

# How many guide sections are offered beside one draft article.
CLAUSE_GUIDANCE_LIMIT = 6


def _no_hits() -> list[Hit]:
    return []


def _no_units() -> list[UnitRecord]:
    return []


class Reading(Core):
    """Search, read, compare."""

    @door(None)
    def principal_name(self) -> str:
        return self._principal.name

    @door(None)
    def may(self, action: Action) -> bool:
        """May the principal take `action`? (For pages that disable what they may not do.)"""
        return self._principal.may(action)

    @door(Action.SEARCH)
    def status(self) -> IndexStatus:
        return self._kb.status()

    @door(Action.SEARCH)
    def index_location(self) -> str:
        """Where the index is, for people (a URL without its password)."""
        return self._kb.location

    @door(Action.SEARCH)
    def index_generation(self) -> int:
        """Changes whenever the index does: a key for what a page computed from it."""
        return self._kb.generation()

    @door(None)
    def background_ingest(self) -> IngestProgress | None:
        """The progress of a `readmit ingest` running now beside this index (`make run` starts
        one in the background), else None. The name of the file it finished last is kept for
        those who may re-index: it can name a document the principal may not see."""
        progress = running_ingest(self._services.settings.ingest_progress_file)
        if progress is None or self._principal.may(Action.REINDEX):
            return progress
        return dataclasses.replace(progress, current="")

    @door(Action.SEARCH)
    def warm_up(self) -> None:
        """Load the model and build the lexical index now, so the first search is not slow."""
        if self._kb.status().chunks:
            self._kb.search("readmission", k=1)

    @door(Action.SEARCH)
    def documents(self) -> list[DocumentRecord]:
        return self._kb.documents()

    @door(Action.SEARCH, documents=("doc_id",), hidden=lambda: None)
    def document(self, doc_id: str) -> DocumentRecord | None:
        return self._kb.document(doc_id)

    @door(Action.SEARCH, documents=("doc_id",), hidden=lambda: None)
    def article(self, doc_id: str, eid: str) -> UnitRecord | None:
        return self._kb.article(doc_id, eid)

    @door(Action.SEARCH, documents=("doc_id",), hidden=_no_units)
    def units(self, doc_id: str) -> list[UnitRecord]:
        """The units of one document in reading order."""
        return self._kb.units(doc_id)

    @door(Action.SEARCH, documents=("doc_id",), hidden=lambda: None)
    def structure(self, doc_id: str) -> list[TocEntry] | None:
        """The document's units as a tree (None: no such document)."""
        if self._kb.document(doc_id) is None:
            return None
        return table_of_contents(self._kb.units(doc_id))

    @door(Action.SEARCH)
    def search(
        self, query: str, *, k: int = 10, filters: SearchFilters | None = None
    ) -> SearchResults:
        """Search with the relevance floor (`index.retrieval.relevance`): nonsense and
        questions about other subjects come back with `good_match=False` (the app says "no
        good match")."""
        outcome = self._kb.search_with_evidence(query, k=k, filters=filters)
        floor = floor_for(self._kb.embedder.name)
        return SearchResults(hits=tuple(outcome.hits), good_match=floor.is_good_match(outcome))

    @door(Action.SEARCH)
    def search_grouped(
        self,
        query: str,
        *,
        k: int = 10,
        guidance_k: int = GUIDANCE_RESULTS,
        filters: SearchFilters | None = None,
    ) -> GroupedResults:
        """Precedents and guidance for one question, each ranked on its own and filtered inside
        retrieval, so that neither group crowds the other out (docs/usage.md, "Search")."""
        base = filters or SearchFilters()
        wanted = set(base.kinds) if base.kinds else set(DOCUMENT_KINDS)

        def group(kinds: tuple[str, ...], count: int) -> SearchResults | None:
            chosen = tuple(kind for kind in kinds if kind in wanted)
            if not chosen or count <= 0:
                return None
            narrowed = dataclasses.replace(base, kinds=chosen)
            return self.search(query, k=count, filters=narrowed)

        precedents = group(PRECEDENT_KINDS, k)
        guidance = group(GUIDANCE_KINDS, guidance_k)
        answered = [results for results in (precedents, guidance) if results is not None]
        return GroupedResults(
            precedents=precedents.hits if precedents is not None else (),
            guidance=guidance.hits if guidance is not None else (),
            good_match=any(results.good_match for results in answered),
        )

    @door(Action.SEARCH, documents=("doc_id",), hidden=_no_hits)
    def similar(self, doc_id: str, eid: str, *, k: int = 10) -> list[Hit]:
        """More like this: the same kind of provision in other agreements."""
        return self._kb.more_like_this(doc_id, eid, k=k)

    @door(Action.SEARCH, documents=("doc_id",), hidden=lambda: None)
    def article_in_context(self, doc_id: str, eid: str) -> ArticleInContext | None:
        kb = self._kb
        document = kb.document(doc_id)
        unit = kb.article(doc_id, eid)
        if document is None or unit is None:
            return None
        units = kb.units(doc_id)
        sectioned = any(u.parent for u in units)
        parent: UnitRecord | None = None
        if sectioned:  # a section tree: neighbours and parent in the tree
            previous, following, parent = section_neighbours(units, eid)
        else:
            previous, following = kb.neighbours(doc_id, eid)
        reference = implements_reference(unit)
        implements: list[UnitRecord] = []
        implemented_by: list[UnitRecord] = []
        if reference is not None:
            implements = [u for e in reference.eids if (u := kb.article(doc_id, e)) is not None]
        elif unit.kind == "article" and not split_eid(unit.eid)[0]:
            implemented_by = [
                other
                for other in units
                if (found := implements_reference(other)) is not None and unit.eid in found.eids
            ]
        return ArticleInContext(
            document=document,
            unit=unit,
            previous=previous,
            following=following,
            counterparts=tuple(kb.counterparts(doc_id, eid)),
            parent=parent,
            path=heading_path(unit, {u.eid: u for u in units}) if sectioned else "",
            toc=tuple(table_of_contents(units)) if sectioned else (),
            reference=reference,
            implements=tuple(implements),
            implemented_by=tuple(implemented_by),
        )

    @door(Action.SEARCH)
    def guidance_by_slot(self) -> dict[str, list[GuidanceSection]]:
        """clause type → what the policy guides and regulations say about it, best first."""
        return {slot: list(sections) for slot, sections in self._guidance_by_slot().items()}

    def _guidance_by_slot(self) -> dict[str, list[GuidanceSection]]:
        """Read from every guide once per index generation and view (the Draft page asks for
        each article on every rerun); callers copy before handing it out."""
        return self._view("guidance_by_slot", (), lambda: guidance_by_slot(self._kb))

    @door(Action.SEARCH)
    def guidance_for_clause_type(self, slot: str) -> list[GuidanceSection]:
        return list(self._guidance_by_slot().get(slot, []))

    @door(Action.SEARCH)
    def clause_guidance(self, clause: DraftClause) -> list[GuidanceSection]:
        """The guide sections that speak to a draft article's clause types (those of its
        source article, or shown by its own wording), best first, each section once."""
        by_slot = self._guidance_by_slot()
        seen: set[tuple[str, str]] = set()
        found: list[GuidanceSection] = []
        provenance = clause.provenance
        source = (provenance.doc_id, provenance.eid, provenance.language) if provenance else None
        slots = self._view(
            "clause_slots",
            (source, clause.heading, clause.text),
            lambda: frozenset(clause_slots(self._kb, clause)),
        )
        for slot in sorted(slots):
            for section in by_slot.get(slot, []):
                if (section.doc_id, section.eid) not in seen:
                    seen.add((section.doc_id, section.eid))
                    found.append(section)
        found.sort(key=lambda s: -s.confidence)
        return found[:CLAUSE_GUIDANCE_LIMIT]
