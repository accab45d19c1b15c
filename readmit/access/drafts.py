"""Drafts as one principal may see and change them.

Who may open a draft: its owner, the users and groups it is shared with, and maintainers; a
draft without an owner (made before sign-in was configured) is open to everyone. Opening a draft
one may not open looks exactly like opening one that does not exist. A clause taken from a
document the principal may not see is left out of what they see and export (and of every saved
version they read), but stays in the stored draft for those who may.

The checks (role, owner, which drafts and clauses a call may touch) are made at the door of the
application facade (`readmit.facade.door`), before any method here runs; this class narrows
what is read to the principal's view, as the index's visibility filter narrows retrieval, and
records changes in the audit log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from readmit.access.audit import AuditLog
from readmit.access.principal import Principal
from readmit.drafting import model
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
    """`DraftingService` as one principal sees it: their drafts, their clauses; audited."""

    def __init__(
        self,
        store: DraftRepository,
        *,
        principal: Principal,
        may_see_source: SourceCheck,
        audit: AuditLog | None = None,
    ) -> None:
        super().__init__(store, author=principal.name)
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
        draft = super().create(title, party_names=party_names, owner=self.principal.name)
        self._record("draft.create", draft.draft_id, draft.title)
        return draft

    def duplicate(self, draft_id: str, title: str, *, owner: str | None = None) -> Draft:
        # The copy leaves out the clauses hidden from this principal: they could not see them,
        # so they cannot take them into a draft of their own either.
        source = self._view(self._open(draft_id))
        duplicate = model.duplicate(source, title, owner=self.principal.name)
        duplicate = self.store.commit(
            duplicate, operation=f"duplicate of {draft_id}", author=self.author
        )
        self._record("draft.create", duplicate.draft_id, f"copy of {draft_id}")
        return duplicate

    def delete(self, draft_id: str) -> None:
        draft = self._open(draft_id)
        super().delete(draft_id)
        self._record("draft.delete", draft_id, draft.title)

    def share(self, draft_id: str, *, users: tuple[str, ...], groups: tuple[str, ...]) -> Draft:
        self._open(draft_id)
        shared = super().share(draft_id, users=users, groups=groups)
        self._record("draft.share", draft_id, f"users={list(users)} groups={list(groups)}")
        return shared

    def _record(self, action: str, target: str, detail: str = "") -> None:
        if self._audit is not None:
            self._audit.record(self.principal, action, target, detail)

    def version(self, draft_id: str, revision: int) -> Draft:
        """A saved version as the principal may see it (exports of it included)."""
        return self._view(super().version(draft_id, revision))
