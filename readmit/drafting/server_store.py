"""Drafts in PostgreSQL (server mode): the same contract as the folder store, shared by everyone.

Several people (Streamlit sessions, app processes, machines) edit the same drafts. Every save
carries the revision it was based on and is a compare-and-set in the database: a stale save is
refused with StaleDraftError ("changed by someone else — reload to see their change") and
nothing is lost. Every save is kept in the draft's history (who, when, which operation).
"""

from __future__ import annotations

import builtins
from dataclasses import replace

from index.pg_records import PgRecordStore, StaleRecordError
from readmit.drafting import model
from readmit.drafting.model import Draft
from readmit.drafting.store import (
    DraftHistoryEntry,
    DraftListing,
    DraftNotFoundError,
    DraftStoreError,
    DraftSummary,
    StaleDraftError,
    current_author,
    draft_from_json,
    draft_to_json,
    validate_draft_id,
)


class ServerDraftStore:
    """Drafts as versioned rows of the `drafts` table, history in `draft_history`."""

    def __init__(self, url: str) -> None:
        self._records = PgRecordStore(url)

    @property
    def location(self) -> str:
        return self._records.location

    def close(self) -> None:
        self._records.close()

    def _parse(self, draft_id: str, data: object) -> Draft:
        try:
            draft = draft_from_json(data)
        except (ValueError, RecursionError) as error:
            where = f"{self.location} draft {draft_id}"
            raise DraftStoreError(where, f"invalid draft: {error}") from error
        return draft

    def load(self, draft_id: str) -> Draft:
        found = self._records.get(validate_draft_id(draft_id))
        if found is None:
            raise DraftNotFoundError(f"{self.location} draft {draft_id}", "no such draft")
        revision, data = found
        return replace(self._parse(draft_id, data), revision=revision)

    def exists(self, draft_id: str) -> bool:
        return self._records.get(validate_draft_id(draft_id)) is not None

    def list(self) -> DraftListing:
        drafts: list[DraftSummary] = []
        errors: list[DraftStoreError] = []
        for draft_id, _, data in self._records.all():
            try:
                draft = self._parse(draft_id, data)
            except DraftStoreError as error:
                errors.append(error)
                continue
            drafts.append(
                DraftSummary(draft.draft_id, draft.title, draft.updated_at, len(draft.clauses))
            )
        drafts.sort(key=lambda s: s.updated_at, reverse=True)
        return DraftListing(tuple(drafts), tuple(errors))

    def commit(self, draft: Draft, *, operation: str = "save", author: str | None = None) -> Draft:
        draft_id = validate_draft_id(draft.draft_id)
        try:
            revision = self._records.commit(
                draft_id,
                draft_to_json(draft),
                based_on=draft.revision,
                author=author or current_author(),
                operation=operation,
            )
        except StaleRecordError as error:
            raise StaleDraftError(draft_id, error.based_on, error.stored) from None
        return replace(draft, revision=revision)

    def save(self, draft: Draft, *, operation: str = "save") -> Draft:
        return self.commit(draft, operation=operation)

    def where(self, draft_id: str) -> str:
        return f"{self.location} draft {draft_id}"

    def create(
        self, title: str, *, party_names: tuple[str, ...] = (), owner: str | None = None
    ) -> Draft:
        draft = model.new_draft(title, party_names=party_names, owner=owner)
        return self.commit(draft, operation="create")

    def duplicate(self, draft_id: str, title: str, *, owner: str | None = None) -> Draft:
        copy = model.duplicate(self.load(draft_id), title, owner=owner)
        return self.commit(copy, operation=f"duplicate of {draft_id}")

    def delete(
        self, draft_id: str, *, revision: int | None = None, author: str | None = None
    ) -> None:
        try:
            found = self._records.delete(
                validate_draft_id(draft_id), based_on=revision, author=author or current_author()
            )
        except StaleRecordError as error:
            raise StaleDraftError(draft_id, error.based_on, error.stored) from None
        if not found:
            raise DraftNotFoundError(f"{self.location} draft {draft_id}", "no such draft")

    def history(self, draft_id: str) -> builtins.list[DraftHistoryEntry]:
        entries = []
        for version in self._records.history(validate_draft_id(draft_id)):
            data = version.data if isinstance(version.data, dict) else {}
            clauses = data.get("clauses")
            entries.append(
                DraftHistoryEntry(
                    draft_id=draft_id,
                    revision=version.revision,
                    at=version.at,
                    author=version.author,
                    operation=version.operation,
                    title=str(data.get("title", "")),
                    clause_count=len(clauses) if isinstance(clauses, list) else 0,
                    deleted=version.data is None,
                )
            )
        return entries

    def load_revision(self, draft_id: str, revision: int) -> Draft:
        for version in self._records.history(validate_draft_id(draft_id)):
            if version.revision == revision and version.data is not None:
                return replace(self._parse(draft_id, version.data), revision=revision)
        raise DraftNotFoundError(
            f"{self.location} draft {draft_id}", f"no version {revision} of this draft"
        )
