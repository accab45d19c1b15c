"""Operations on stored drafts by id (load → pure operation → atomic save), for the app and CLI."""

from __future__ import annotations

import dataclasses
from io import BytesIO
from pathlib import Path

from index.types import Hit
from readmit.drafting import model
from readmit.drafting.diff import DiffSegment, word_diff
from readmit.drafting.export_markdown import export_markdown
from readmit.drafting.export_text import ExportOptions
from readmit.drafting.model import Draft, DraftClause
from readmit.drafting.placeholders import PlaceholderStyle, neutralise
from readmit.drafting.store import (
    DraftHistoryEntry,
    DraftListing,
    DraftNotFoundError,
    DraftRepository,
    StaleDraftError,
)


class DraftingService:
    """A thin façade; every mutating call returns the saved draft."""

    def __init__(self, store: DraftRepository, *, author: str | None = None) -> None:
        self.store = store
        # Who the history names for each save: the signed-in person; None: the store's
        # default (READMIT_USER, else the login name) for the single-user CLI.
        self.author = author

    # drafts
    def list_drafts(self) -> DraftListing:
        return self.store.list()

    def get(self, draft_id: str) -> Draft:
        return self.store.load(draft_id)

    def exists(self, draft_id: str) -> bool:
        return self.store.exists(draft_id)

    def create(
        self, title: str, *, party_names: tuple[str, ...] = (), owner: str | None = None
    ) -> Draft:
        draft = model.new_draft(title, party_names=party_names, owner=owner)
        return self.store.commit(draft, operation="create", author=self.author)

    def duplicate(self, draft_id: str, title: str, *, owner: str | None = None) -> Draft:
        copy = model.duplicate(self.store.load(draft_id), title, owner=owner)
        return self.store.commit(copy, operation=f"duplicate of {draft_id}", author=self.author)

    def share(self, draft_id: str, *, users: tuple[str, ...], groups: tuple[str, ...]) -> Draft:
        draft = self._editable(draft_id)
        return self._save(model.share(draft, users=users, groups=groups), "share")

    def delete(self, draft_id: str) -> None:
        self.store.delete(draft_id, author=self.author)

    def _editable_based_on(
        self, draft_id: str, based_on: int | None, clause_id: str | None = None
    ) -> Draft:
        """The stored draft to change (see `_editable`), refused as stale if it is no longer the
        version `based_on` that the person making the change saw (None: no check)."""
        draft = self._editable(draft_id, clause_id)
        if based_on is not None and draft.revision != based_on:
            raise StaleDraftError(draft_id, based_on, draft.revision)
        return draft

    def rename(self, draft_id: str, title: str, *, based_on: int | None = None) -> Draft:
        draft = self._editable_based_on(draft_id, based_on)
        return self._save(model.rename(draft, title), "rename")

    def set_party_names(
        self, draft_id: str, party_names: tuple[str, ...], *, based_on: int | None = None
    ) -> Draft:
        draft = self._editable_based_on(draft_id, based_on)
        return self._save(model.set_party_names(draft, party_names), "set party names")

    # clauses
    def add_hit(
        self,
        draft_id: str,
        *,
        section: str,
        hit: Hit,
        heading: str | None = None,
        official_reference: str | None = None,
        source_url: str | None = None,
        visibility: tuple[str, ...] = (),
    ) -> tuple[Draft, DraftClause]:
        draft = model.add_clause(
            self._editable(draft_id),
            section=section,
            hit=hit,
            heading=heading,
            official_reference=official_reference,
            source_url=source_url,
            visibility=visibility,
        )
        return self._save(draft, "add clause from search"), draft.clauses[-1]

    def add_text(
        self, draft_id: str, *, section: str, text: str, heading: str = "", note: str = ""
    ) -> tuple[Draft, DraftClause]:
        draft = model.add_clause(
            self._editable(draft_id), section=section, text=text, heading=heading, note=note
        )
        return self._save(draft, "add clause"), draft.clauses[-1]

    def update_text(
        self, draft_id: str, clause_id: str, text: str, *, based_on: int | None = None
    ) -> Draft:
        draft = self._editable_based_on(draft_id, based_on, clause_id)
        return self._save(model.update_clause_text(draft, clause_id, text), "edit clause text")

    def revert(self, draft_id: str, clause_id: str) -> Draft:
        draft = self._editable(draft_id, clause_id)
        return self._save(model.revert_clause(draft, clause_id), "revert clause")

    def set_heading(
        self, draft_id: str, clause_id: str, heading: str, *, based_on: int | None = None
    ) -> Draft:
        draft = self._editable_based_on(draft_id, based_on, clause_id)
        return self._save(model.set_heading(draft, clause_id, heading), "set heading")

    def set_note(
        self, draft_id: str, clause_id: str, note: str, *, based_on: int | None = None
    ) -> Draft:
        draft = self._editable_based_on(draft_id, based_on, clause_id)
        return self._save(model.set_note(draft, clause_id, note), "set note")

    def add_guidance_note(self, draft_id: str, clause_id: str, note: model.GuidanceNote) -> Draft:
        draft = self._editable(draft_id, clause_id)
        return self._save(model.add_guidance_note(draft, clause_id, note), "add guidance note")

    def remove_guidance_note(self, draft_id: str, clause_id: str, doc_id: str, eid: str) -> Draft:
        draft = self._editable(draft_id, clause_id)
        return self._save(
            model.remove_guidance_note(draft, clause_id, doc_id, eid), "remove guidance note"
        )

    def remove(self, draft_id: str, clause_id: str) -> Draft:
        draft = self._editable(draft_id, clause_id)
        return self._save(model.remove_clause(draft, clause_id), "remove clause")

    def move(self, draft_id: str, clause_id: str, direction: int) -> Draft:
        draft = self._editable(draft_id, clause_id)
        return self._save(model.move_clause(draft, clause_id, direction), "move clause")

    def move_to_section(self, draft_id: str, clause_id: str, section: str) -> Draft:
        draft = self._editable(draft_id, clause_id)
        return self._save(
            model.move_to_section(draft, clause_id, section), "move clause to section"
        )

    def neutralise_clause(
        self, draft_id: str, clause_id: str, *, style: PlaceholderStyle = "role"
    ) -> Draft:
        """Replace party names in one clause; the draft's party_names (if any) fix the letters."""
        draft = self._editable(draft_id, clause_id)
        text = neutralise(
            draft.clause(clause_id).text,
            party_names=draft.party_names or None,
            style=style,
        )
        return self._save(model.update_clause_text(draft, clause_id, text), "neutralise clause")

    def diff_with_original(self, draft_id: str, clause_id: str) -> tuple[DiffSegment, ...]:
        clause = self.get(draft_id).clause(clause_id)
        return word_diff(clause.original_text, clause.text)

    # export
    def export_markdown(
        self,
        draft_id: str,
        *,
        options: ExportOptions | None = None,
        revision: int | None = None,
    ) -> str:
        """The draft (or an earlier saved version of it) as Markdown."""
        return export_markdown(self._at(draft_id, revision), options=options)

    def export_docx(
        self,
        draft_id: str,
        target: Path | str | BytesIO,
        *,
        options: ExportOptions | None = None,
        revision: int | None = None,
    ) -> None:
        # Imported here so that python-docx is loaded only when a Word file is written.
        from readmit.drafting.export_docx import export_docx

        export_docx(self._at(draft_id, revision), target, options=options)

    def _at(self, draft_id: str, revision: int | None) -> Draft:
        return self.get(draft_id) if revision is None else self.version(draft_id, revision)

    # versions
    def history(self, draft_id: str) -> list[DraftHistoryEntry]:
        """Saved versions of the draft (who, when, which operation), newest first."""
        return self.store.history(draft_id)

    def version(self, draft_id: str, revision: int) -> Draft:
        """The draft as it was saved in `revision` (to read or export)."""
        return self.store.load_revision(draft_id, revision)

    def restore(self, draft_id: str, revision: int) -> Draft:
        """Save an earlier version as the newest one (a deleted draft comes back too)."""
        earlier = self.store.load_revision(draft_id, revision)
        try:
            base = self._editable(draft_id).revision
        except DraftNotFoundError:
            base = None
        restored = dataclasses.replace(earlier, revision=base, updated_at=model.now_iso())
        return self._save(restored, f"restore version {revision}")

    def _editable(self, draft_id: str, clause_id: str | None = None) -> Draft:
        """The whole stored draft, to change and save (checks that `clause_id` is in it).

        Every change goes through here, never through `get`, which a subclass may narrow to
        what its viewer may see (readmit.access.drafts): saving such a view would lose clauses.
        """
        draft = self.store.load(draft_id)
        if clause_id is not None:
            draft.clause(clause_id)
        return draft

    def _save(self, draft: Draft, operation: str) -> Draft:
        """Version-checked save: StaleDraftError if someone saved this draft meanwhile."""
        return self.store.commit(draft, operation=operation, author=self.author)
