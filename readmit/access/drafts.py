"""Drafts as one principal may see and change them.

Who may open a draft: its owner, the users and groups it is shared with, and maintainers; a
draft without an owner (made before sign-in was configured) is open to everyone. Opening a draft
one may not open looks exactly like opening one that does not exist. A clause taken from a
document the principal may not see is left out of what they see and export (and cannot be
edited by them), but stays in the stored draft for those who may.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from readmit.access.audit import AuditLog
from readmit.access.principal import AccessDeniedError, Action, Principal, authorise
from readmit.drafting import model
from readmit.drafting.export_text import ExportOptions
from readmit.drafting.model import ClauseNotFoundError, Draft, DraftClause, Provenance
from readmit.drafting.service import DraftingService
from readmit.drafting.store import (
    DraftListing,
    DraftNotFoundError,
    DraftRepository,
    DraftSummary,
)

# Given a clause's provenance: may the principal see its source document?
SourceCheck = Callable[[Provenance], bool]


def may_open(principal: Principal, draft: Draft) -> bool:
    if draft.owner is None or principal.sees_everything or principal.name == draft.owner:
        return True
    return principal.name in draft.shared_users or any(
        group in principal.groups for group in draft.shared_groups
    )


class GuardedDrafting(DraftingService):
    """`DraftingService` for one principal: role checks, draft sharing, hidden sources, audit."""

    def __init__(
        self,
        store: DraftRepository,
        *,
        principal: Principal,
        may_see_source: SourceCheck,
        audit: AuditLog | None = None,
    ) -> None:
        super().__init__(store)
        self.principal = principal
        self._may_see_source = may_see_source
        self._audit = audit

    # ---- what the principal sees ---------------------------------------------------------------

    def _visible_clause(self, clause: DraftClause) -> bool:
        return clause.provenance is None or self._may_see_source(clause.provenance)

    def _open(self, draft_id: str) -> Draft:
        draft = self.store.load(draft_id)
        if not may_open(self.principal, draft):
            # Same error, same words as a missing draft: existence is not revealed.
            raise DraftNotFoundError(self.store.where(draft_id), "no such draft")
        return draft

    def _view(self, draft: Draft) -> Draft:
        clauses = tuple(c for c in draft.clauses if self._visible_clause(c))
        return (
            draft
            if len(clauses) == len(draft.clauses)
            else dataclasses.replace(draft, clauses=clauses)
        )

    def get(self, draft_id: str) -> Draft:
        authorise(self.principal, Action.SEARCH)
        return self._view(self._open(draft_id))

    def list_drafts(self) -> DraftListing:
        listing = self.store.list()
        kept: list[DraftSummary] = []
        for summary in listing:
            try:
                draft = self._open(summary.draft_id)
            except DraftNotFoundError:
                continue
            view = self._view(draft)
            kept.append(dataclasses.replace(summary, clause_count=len(view.clauses)))
        # Unreadable draft files may be anyone's: only maintainers hear about them.
        errors = listing.errors if self.principal.sees_everything else ()
        return DraftListing(tuple(kept), errors)

    def exists(self, draft_id: str) -> bool:
        try:
            self._open(draft_id)
        except DraftNotFoundError:
            return False
        return True

    # ---- changes -------------------------------------------------------------------------------

    def _editable(self, draft_id: str, clause_id: str | None = None) -> Draft:
        authorise(self.principal, Action.DRAFT)
        draft = self._open(draft_id)
        if clause_id is not None:
            clause = draft.clause(clause_id)
            if not self._visible_clause(clause):
                raise ClauseNotFoundError(draft_id, clause_id)
        return draft

    def _save(self, draft: Draft, operation: str) -> Draft:
        saved = super()._save(draft, operation)
        self._record("draft.edit", draft.draft_id)
        return self._view(saved)

    def create(
        self, title: str, *, party_names: tuple[str, ...] = (), owner: str | None = None
    ) -> Draft:
        authorise(self.principal, Action.DRAFT)
        draft = super().create(title, party_names=party_names, owner=self.principal.name)
        self._record("draft.create", draft.draft_id, draft.title)
        return draft

    def duplicate(self, draft_id: str, title: str, *, owner: str | None = None) -> Draft:
        authorise(self.principal, Action.DRAFT)
        # The copy leaves out the clauses hidden from this principal: they could not see them,
        # so they cannot take them into a draft of their own either.
        source = self._view(self._open(draft_id))
        duplicate = model.duplicate(source, title, owner=self.principal.name)
        duplicate = self.store.commit(duplicate, operation=f"duplicate of {draft_id}")
        self._record("draft.create", duplicate.draft_id, f"copy of {draft_id}")
        return duplicate

    def delete(self, draft_id: str) -> None:
        authorise(self.principal, Action.DRAFT)
        draft = self._open(draft_id)
        self._require_owner(draft, "delete")
        super().delete(draft_id)
        self._record("draft.delete", draft_id, draft.title)

    def share(self, draft_id: str, *, users: tuple[str, ...], groups: tuple[str, ...]) -> Draft:
        authorise(self.principal, Action.DRAFT)
        self._require_owner(self._open(draft_id), "share")
        shared = super().share(draft_id, users=users, groups=groups)
        self._record("draft.share", draft_id, f"users={list(users)} groups={list(groups)}")
        return shared

    def _require_owner(self, draft: Draft, what: str) -> None:
        if draft.owner not in (None, self.principal.name) and not self.principal.sees_everything:
            raise AccessDeniedError(
                f"{self.principal.name} may not {what} draft {draft.draft_id}: "
                f"only its owner ({draft.owner}) or a maintainer may"
            )

    def _record(self, action: str, target: str, detail: str = "") -> None:
        if self._audit is not None:
            self._audit.record(self.principal, action, target, detail)

    # exports are reads (readers may export) of the principal's view
    def export_markdown(
        self,
        draft_id: str,
        *,
        options: ExportOptions | None = None,
        revision: int | None = None,
    ) -> str:
        authorise(self.principal, Action.EXPORT)
        return super().export_markdown(draft_id, options=options, revision=revision)

    def export_docx(
        self,
        draft_id: str,
        target: Any,
        *,
        options: ExportOptions | None = None,
        revision: int | None = None,
    ) -> None:
        authorise(self.principal, Action.EXPORT)
        super().export_docx(draft_id, target, options=options, revision=revision)
