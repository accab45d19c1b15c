"""What the facade is made of: the services one process opens once (`Services`), and the part of
`Readmit` that knows the principal and admits or refuses each call at the door (`Core`)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from readmit.access import AccessDeniedError, AuditLog, Principal, authorise
from readmit.access.deployment import open_gate
from readmit.access.drafts import GuardedDrafting, may_open
from readmit.access.gate import AccessGate
from readmit.access.users import AccountStore
from readmit.drafting.model import ClauseNotFoundError, Draft, Provenance
from readmit.drafting.store import DraftNotFoundError, DraftRepository, open_draft_store
from readmit.facade.door import Need, document_id, draft_id
from readmit.facade.view_cache import ViewCache
from readmit.service import KnowledgeBase
from readmit.settings import Settings

T = TypeVar("T")


class Services:
    """The index, drafts, audit log and users of one configuration, for every principal.

    Each is opened when first used (a `readmit users` command never connects to the index's
    server). Opening the index is the slow part (the model loads on the first search): an app
    process keeps one `Services` and opens a `Readmit` per signed-in user on it, which costs
    nothing. A caller that already holds a part (a test's index) passes it in.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        kb: KnowledgeBase | None = None,
        drafts: DraftRepository | None = None,
    ) -> None:
        self.settings = settings
        if kb is not None:
            self.__dict__["kb"] = kb
        if drafts is not None:
            self.__dict__["drafts"] = drafts

    @cached_property
    def kb(self) -> KnowledgeBase:
        """Every document; `Readmit` narrows it to what its principal may see."""
        return KnowledgeBase(self.settings.index_dir, model=self.settings.model)

    @cached_property
    def drafts(self) -> DraftRepository:
        """Drafts in a folder or in the server's database alike (`open_draft_store`)."""
        return open_draft_store(self.settings.drafts_dir)

    @cached_property
    def gate(self) -> AccessGate:
        """Accounts, audit log, sign-in throttle and session tokens: files beside the index, or
        the index's database in server mode (`readmit.access.deployment.open_gate`)."""
        return open_gate(self.settings)

    @cached_property
    def views(self) -> ViewCache:
        """What was computed from the index for each view of it (`Core._view`)."""
        return ViewCache()

    @property
    def audit(self) -> AuditLog:
        return self.gate.audit

    @property
    def users(self) -> AccountStore:
        return self.gate.accounts

    @property
    def rejected_dir(self) -> Path:
        return self.settings.rejected_uploads_dir


def open_services(settings: Settings) -> Services:
    """The services over `settings`, each opened when first used."""
    return Services(settings)


class Core:
    """The principal, the index and drafts as they see them, and the door's check."""

    def __init__(self, services: Services, principal: Principal) -> None:
        self._services = services
        self._principal = principal

    @cached_property
    def _kb(self) -> KnowledgeBase:
        """The index as the principal sees it. Retrieval filters inside the query: every read
        (search included) shows their documents only, so the top 10 are 10 they may see."""
        return self._services.kb.viewed_by(self._principal.visible_groups)

    @cached_property
    def _drafting(self) -> GuardedDrafting:
        """The drafts as the principal sees them (their drafts, their clauses), audited."""
        return GuardedDrafting(
            self._services.drafts,
            principal=self._principal,
            may_see_source=self._may_see_source,
            audit=self._services.audit,
        )

    def _view(self, what: str, arguments: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """`compute()` once per index generation and view of the index: kept for every
        principal who sees the same documents (the key holds the visible groups that narrow
        `_kb`), computed apart for any other."""
        key = (what, self._kb.generation(), self._principal.visible_groups, arguments)
        return self._services.views.get(key, compute)

    # ---- the door ------------------------------------------------------------------------------

    def _admit(self, need: Need, arguments: Mapping[str, Any]) -> bool:
        """Raise unless the principal may make this call (role, drafts, clauses); False when
        a document it names is hidden from them (the door then answers as for a missing one)."""
        if need.action is not None:
            authorise(self._principal, need.action)
        visible = all(
            self._may_see_document(doc_id)
            for name in need.documents
            if (doc_id := document_id(arguments[name])) is not None
        )
        drafts = [
            self._openable_draft(found)
            for name in need.drafts
            if (found := draft_id(arguments[name])) is not None
        ]
        if drafts and need.owner:
            self._require_owner(drafts[0])
        for name in need.clauses:
            clause_id = arguments[name]
            if drafts and clause_id is not None:
                self._require_visible_clause(drafts[0], clause_id)
        return visible

    def _may_see_document(self, doc_id: str) -> bool:
        """False for a document that exists but is hidden from the principal (a missing one
        is the method's to report)."""
        document = self._services.kb.document(doc_id)
        return document is None or self._principal.may_see(document.visibility)

    def _may_see_source(self, provenance: Provenance) -> bool:
        if not self._principal.may_see(provenance.visibility):
            return False
        return self._may_see_document(provenance.doc_id)

    def _openable_draft(self, wanted: str) -> Draft:
        """The stored draft (or, once deleted, its last saved version) if the principal may
        open it; otherwise DraftNotFoundError, exactly as for a draft that never existed."""
        store = self._services.drafts
        try:
            draft = store.load(wanted)
        except DraftNotFoundError:
            draft = self._last_version(wanted)
        if not may_open(self._principal, draft):
            raise DraftNotFoundError(store.where(wanted), "no such draft")
        return draft

    def _last_version(self, wanted: str) -> Draft:
        store = self._services.drafts
        for entry in store.history(wanted):
            if not entry.deleted:
                return store.load_revision(wanted, entry.revision)
        raise DraftNotFoundError(store.where(wanted), "no such draft")

    def _require_owner(self, draft: Draft) -> None:
        principal = self._principal
        if draft.owner not in (None, principal.name) and not principal.sees_everything:
            raise AccessDeniedError(
                f"{principal.name} may not share or delete draft {draft.draft_id}: "
                f"only its owner ({draft.owner}) or a maintainer may"
            )

    def _require_visible_clause(self, draft: Draft, clause_id: str) -> None:
        clause = draft.clause(clause_id)  # ClauseNotFoundError when it is not in the draft
        if clause.provenance is not None and not self._may_see_source(clause.provenance):
            raise ClauseNotFoundError(draft.draft_id, clause_id)

    def _refused(self, method: str, error: Exception) -> None:
        self._record("access.refused", method, f"{type(error).__name__}: {error}")

    def _record(self, action: str, target: str, detail: str = "") -> None:
        self._services.audit.record(self._principal, action, target, detail)
