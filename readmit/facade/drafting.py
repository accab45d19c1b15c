"""Drafts: the principal's drafts and the clauses they may see, changed only through the door."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from index.types import Hit, UnitRecord
from readmit.access import LOCAL_MAINTAINER, Action
from readmit.clauses.matrix import confident_clause_types
from readmit.drafting.export_text import ExportOptions, SourceWording
from readmit.drafting.model import Draft, DraftClause, GuidanceNote, article_numbering
from readmit.drafting.paragraphs import article_label
from readmit.drafting.placeholders import PlaceholderStyle
from readmit.drafting.skeleton import suggest_section
from readmit.drafting.store import DraftHistoryEntry, DraftListing
from readmit.facade.clause_views import ClauseViews
from readmit.facade.door import door
from readmit.facade.results import (
    DEFAULT_DRAFT_TITLE,
    SourceMissingError,
    clause_text,
    hit_from_unit,
    unit_citation,
)
from readmit.guidance import GuidanceSection

# An excerpt of a guide section carried into a guidance note (exported with the draft).
GUIDANCE_EXCERPT_CHARS = 300


class Drafting(ClauseViews):
    """Create, change, share, version and export drafts."""

    @door(Action.SEARCH)
    def drafts_location(self) -> str:
        return self._services.drafts.location

    @door(Action.SEARCH)
    def list_drafts(self) -> DraftListing:
        """The drafts the principal may open (unreadable files: maintainers only)."""
        return self._drafting.list_drafts()

    @door(Action.SEARCH)
    def draft_exists(self, draft_id: str) -> bool:
        """Does a draft the principal may open have this id? (Another's is not revealed.)"""
        return self._drafting.exists(draft_id)

    @door(Action.SEARCH, drafts=("draft_id",))
    def get_draft(self, draft_id: str) -> Draft:
        """The draft as the principal sees it (clauses from hidden documents left out)."""
        return self._drafting.get(draft_id)

    @door(Action.DRAFT, writes=True)
    def create_draft(self, title: str = DEFAULT_DRAFT_TITLE) -> Draft:
        return self._drafting.create(title)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",))
    def rename_draft(self, draft_id: str, title: str, *, based_on: int | None = None) -> Draft:
        return self._drafting.rename(draft_id, title, based_on=based_on)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",))
    def set_party_names(
        self, draft_id: str, party_names: Sequence[str], *, based_on: int | None = None
    ) -> Draft:
        return self._drafting.set_party_names(draft_id, tuple(party_names), based_on=based_on)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",))
    def duplicate_draft(self, draft_id: str, title: str) -> Draft:
        return self._drafting.duplicate(draft_id, title)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",), owner=True)
    def delete_draft(self, draft_id: str) -> None:
        self._drafting.delete(draft_id)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",), owner=True)
    def share_draft(self, draft_id: str, *, users: Sequence[str], groups: Sequence[str]) -> Draft:
        """Share a draft with these users and groups (replacing the previous sharing)."""
        return self._drafting.share(draft_id, users=tuple(users), groups=tuple(groups))

    @door(None, drafts=("draft_id",))
    def may_share(self, draft_id: str) -> bool:
        """May the principal change who may open the draft (its owner, or a maintainer)?"""
        owner = self._drafting.get(draft_id).owner
        principal = self._principal
        return principal.may(Action.DRAFT) and (
            owner in (None, principal.name) or principal.sees_everything
        )

    # ---- clauses -------------------------------------------------------------------------------

    @door(Action.DRAFT, writes=True, drafts=("draft_id",))
    def add_text(
        self, draft_id: str, *, section: str, text: str, heading: str = "", note: str = ""
    ) -> tuple[Draft, DraftClause]:
        return self._drafting.add_text(
            draft_id, section=section, text=text, heading=heading, note=note
        )

    @door(Action.DRAFT, writes=True, drafts=("draft_id",), clauses=("clause_id",))
    def update_text(
        self, draft_id: str, clause_id: str, text: str, *, based_on: int | None = None
    ) -> Draft:
        return self._drafting.update_text(draft_id, clause_id, text, based_on=based_on)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",), clauses=("clause_id",))
    def set_heading(
        self, draft_id: str, clause_id: str, heading: str, *, based_on: int | None = None
    ) -> Draft:
        return self._drafting.set_heading(draft_id, clause_id, heading, based_on=based_on)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",), clauses=("clause_id",))
    def set_note(
        self, draft_id: str, clause_id: str, note: str, *, based_on: int | None = None
    ) -> Draft:
        return self._drafting.set_note(draft_id, clause_id, note, based_on=based_on)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",), clauses=("clause_id",))
    def move_clause(self, draft_id: str, clause_id: str, direction: int) -> Draft:
        return self._drafting.move(draft_id, clause_id, direction)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",), clauses=("clause_id",))
    def move_to_section(self, draft_id: str, clause_id: str, section: str) -> Draft:
        return self._drafting.move_to_section(draft_id, clause_id, section)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",), clauses=("clause_id",))
    def neutralise_clause(
        self, draft_id: str, clause_id: str, *, style: PlaceholderStyle = "role"
    ) -> Draft:
        return self._drafting.neutralise_clause(draft_id, clause_id, style=style)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",), clauses=("clause_id",))
    def revert_clause(self, draft_id: str, clause_id: str) -> Draft:
        return self._drafting.revert(draft_id, clause_id)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",), clauses=("clause_id",))
    def remove_clause(self, draft_id: str, clause_id: str) -> Draft:
        return self._drafting.remove(draft_id, clause_id)

    @door(
        Action.DRAFT,
        writes=True,
        drafts=("draft_id",),
        clauses=("clause_id",),
        documents=("section",),
    )
    def attach_guidance(self, draft_id: str, clause_id: str, section: GuidanceSection) -> Draft:
        """Attach a guide section to a draft clause as a cited guidance note."""
        excerpt = " ".join(section.text.split())
        if len(excerpt) > GUIDANCE_EXCERPT_CHARS:
            excerpt = excerpt[:GUIDANCE_EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
        note = GuidanceNote(
            doc_id=section.doc_id, eid=section.eid, citation=section.citation, excerpt=excerpt
        )
        return self._drafting.add_guidance_note(draft_id, clause_id, note)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",), clauses=("clause_id",))
    def detach_guidance(self, draft_id: str, clause_id: str, doc_id: str, eid: str) -> Draft:
        return self._drafting.remove_guidance_note(draft_id, clause_id, doc_id, eid)

    # Not declared as naming a document: for a hidden one the principal's view has no clause
    # types, so the answer is the heading's suggestion, exactly as for a missing document.
    @door(Action.SEARCH)
    def suggested_section(
        self, *, doc_id: str, eid: str, heading: str | None, part: str | None
    ) -> str | None:
        """The skeleton section a source article most likely belongs to, from its confident
        clause types, else its heading; None when unsure: the drafter is asked (no default)."""
        return suggest_section(
            heading=heading,
            part=part,
            clause_types=confident_clause_types(self._kb, doc_id, eid),
        )

    @door(Action.SEARCH, drafts=("draft_id",))
    def draft_articles(self, draft_id: str) -> dict[str, str]:
        """clause id → "Article 3 – Time limits" for the draft's clauses, in draft order (where
        a guidance note may be attached)."""
        return {
            clause.clause_id: article_label(number, clause.heading)
            for number, clause in article_numbering(self._drafting.get(draft_id))
        }

    @door(None)
    def export_author(self) -> str:
        """Who a document exported from the app is by: the signed-in user (empty for the local
        user of a setup without sign-in, who types a name)."""
        return "" if self._principal == LOCAL_MAINTAINER else self._principal.name

    # A draft id the principal may not open (or none) means a new draft: not declared as a
    # draft argument, because these two never reveal or change another's draft.
    @door(Action.DRAFT, writes=True, documents=("hit",))
    def add_article_to_draft(
        self, *, draft_id: str | None, hit: Hit, section: str
    ) -> tuple[Draft, DraftClause]:
        """Add the whole source article (not only the matching passage) with its provenance;
        without a draft (the first "Add to draft"), into a new one."""
        document = self._kb.document(hit.doc_id)
        if document is None:  # not in the index, or not visible to this user: the same to them
            raise SourceMissingError(hit.doc_id, hit.eid)
        if draft_id and self._drafting.exists(draft_id):
            draft = self._drafting.get(draft_id)
        else:
            draft = self._drafting.create(DEFAULT_DRAFT_TITLE)
        unit = self._kb.article(hit.doc_id, hit.eid)
        # The document's own kind: guidance never becomes treaty text (drafting.model refuses it).
        source = dataclasses.replace(hit, kind=document.kind)
        if unit is not None:
            source = dataclasses.replace(source, text=clause_text(unit))
        return self._drafting.add_hit(
            draft.draft_id,
            section=section,
            hit=source,
            official_reference=document.official_reference,
            source_url=document.source_url,
            visibility=document.visibility,
        )

    @door(Action.DRAFT, writes=True, documents=("doc_id",))
    def add_unit_to_draft(
        self, *, draft_id: str | None, doc_id: str, eid: str, section: str
    ) -> tuple[Draft, DraftClause]:
        """Add an indexed article (a precedent of the gap check, an article of the slot view)
        with its provenance, exactly as "Add to draft" on a search result does."""
        document = self._kb.document(doc_id)
        unit = self._kb.article(doc_id, eid)
        if document is None or unit is None:
            raise SourceMissingError(doc_id, eid)
        hit = hit_from_unit(document, unit)
        return self.add_article_to_draft(draft_id=draft_id, hit=hit, section=section)

    # ---- versions and exports ------------------------------------------------------------------

    @door(Action.SEARCH, drafts=("draft_id",))
    def draft_history(self, draft_id: str) -> list[DraftHistoryEntry]:
        """Saved versions of the draft (who, when, which operation), newest first."""
        return self._drafting.history(draft_id)

    @door(Action.SEARCH, drafts=("draft_id",))
    def draft_version(self, draft_id: str, revision: int) -> Draft:
        """The draft as saved in `revision`, as the principal may see it."""
        return self._drafting.version(draft_id, revision)

    @door(Action.DRAFT, writes=True, drafts=("draft_id",))
    def restore_draft(self, draft_id: str, revision: int) -> Draft:
        """Save an earlier version as the newest one (a deleted draft comes back too)."""
        return self._drafting.restore(draft_id, revision)

    @door(Action.EXPORT, drafts=("draft_id",))
    def export_options(
        self,
        draft_id: str,
        *,
        placeholders: bool = False,
        author: str = "",
        other_language: str = "",
    ) -> ExportOptions:
        """Export options for the draft; with `other_language`, a bilingual export (each article
        beside its source wording in that language version of its agreement)."""
        wordings = self._source_wordings(draft_id, other_language) if other_language else {}
        return ExportOptions(
            placeholders=placeholders,
            author=author,
            other_language=wordings,
            other_language_code=other_language,
        )

    def _source_wordings(self, draft_id: str, language: str) -> dict[str, SourceWording]:
        """clause id → the clause's source article in the `language` version of its agreement;
        clauses without such a version are left out."""
        found: dict[str, SourceWording] = {}
        for clause in self._drafting.get(draft_id).clauses:
            source = clause.provenance
            if source is None:
                continue
            if source.language == language:
                units: Sequence[UnitRecord | None] = [self._kb.article(source.doc_id, source.eid)]
            else:
                units = [
                    unit
                    for document, unit in self._kb.counterparts(source.doc_id, source.eid)
                    if document.language == language
                ][:1]
            for unit in units:
                if unit is not None:
                    found[clause.clause_id] = SourceWording(
                        language, unit_citation(unit), unit.heading or "", clause_text(unit)
                    )
        return found

    @door(Action.EXPORT, drafts=("draft_id",))
    def export_markdown(
        self, draft_id: str, *, options: ExportOptions | None = None, revision: int | None = None
    ) -> str:
        """The draft (or an earlier saved version of it) as Markdown, as the principal sees it."""
        return self._drafting.export_markdown(draft_id, options=options, revision=revision)

    @door(Action.EXPORT, drafts=("draft_id",))
    def export_docx(
        self,
        draft_id: str,
        target: Path | str | BytesIO,
        *,
        options: ExportOptions | None = None,
        revision: int | None = None,
    ) -> None:
        """The draft (or an earlier saved version of it) as a Word file."""
        self._drafting.export_docx(draft_id, target, options=options, revision=revision)
