"""Drafts as revisioned records: in a folder (one JSON file each) or in PostgreSQL (server mode).

`DraftStore` maps drafts onto a record store of index.records (the JSON schema is here; how
records are kept, atomically and with history, is there). Every save is a compare-and-set on
the revision the change was based on: a stale save is refused with `StaleDraftError` (nothing is
merged, nothing is dropped: the caller reloads and applies the change again), and every save is
kept in the draft's history (who, when, which operation), so any earlier version can be
restored or exported. Several people (Streamlit sessions, app processes, machines) may edit the
same drafts.
"""

from __future__ import annotations

import builtins
import getpass
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from index.records import (
    KEY_PATTERN,
    RecordError,
    RecordVersion,
    StaleRecordError,
    StoredRecord,
    open_record_store,
)
from readmit.drafting import model
from readmit.drafting.model import Draft, DraftClause, GuidanceNote, Provenance
from readmit.drafting.skeleton import UnknownSectionError, get_section

FORMAT_VERSION = 1


class DraftStoreError(Exception):
    """A draft file that cannot be read or written, with the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class DraftNotFoundError(DraftStoreError):
    pass


class StaleDraftError(DraftStoreError):
    """The draft was saved by someone else since this change's version was read."""

    def __init__(self, draft_id: str, based_on: int | None, stored: int | None) -> None:
        super().__init__(
            draft_id,
            "changed by someone else — reload to see their change "
            f"(your change was based on version {based_on}, the stored one is {stored}; "
            "it was not saved)",
        )
        self.based_on = based_on
        self.stored = stored


AUTHOR_ENV = "READMIT_USER"


def current_author() -> str:
    """Who is saving: READMIT_USER, else the login name (history shows it)."""
    configured = os.environ.get(AUTHOR_ENV, "").strip()
    if configured:
        return configured[:100]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class DraftHistoryEntry:
    """One saved version of a draft: who saved it, when, with which operation."""

    draft_id: str
    revision: int
    at: str
    author: str
    operation: str
    title: str
    clause_count: int
    deleted: bool = False


class InvalidDraftIdError(DraftStoreError):
    pass


@dataclass(frozen=True)
class DraftSummary:
    draft_id: str
    title: str
    updated_at: str
    clause_count: int


@dataclass(frozen=True)
class DraftListing:
    """The readable drafts (newest first) and the files that could not be read."""

    drafts: tuple[DraftSummary, ...]
    errors: tuple[DraftStoreError, ...]

    def __iter__(self) -> Iterator[DraftSummary]:
        return iter(self.drafts)

    def __len__(self) -> int:
        return len(self.drafts)


def validate_draft_id(draft_id: str) -> str:
    if not isinstance(draft_id, str) or not KEY_PATTERN.fullmatch(draft_id):
        raise InvalidDraftIdError(
            repr(draft_id), "invalid draft id (letters, digits, '_' and '-' only, at most 64)"
        )
    return draft_id


# --- JSON schema ---------------------------------------------------------------------------


def draft_to_json(draft: Draft) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "revision": draft.revision,
        "draft_id": draft.draft_id,
        "title": draft.title,
        "created_at": draft.created_at,
        "updated_at": draft.updated_at,
        "party_names": list(draft.party_names),
        "owner": draft.owner,
        "shared_users": list(draft.shared_users),
        "shared_groups": list(draft.shared_groups),
        "clauses": [
            {
                "clause_id": c.clause_id,
                "section": c.section,
                "heading": c.heading,
                "text": c.text,
                "original_text": c.original_text,
                "note": c.note,
                "guidance": [asdict(g) for g in c.guidance],
                "provenance": None if c.provenance is None else asdict(c.provenance),
            }
            for c in draft.clauses
        ],
    }


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise ValueError(f"{where}: missing {key!r}")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise ValueError(f"{where}: {key!r} has the wrong type ({type(value).__name__})")
    return value


def _provenance_from_json(data: Any, where: str) -> Provenance | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ValueError(f"{where}: provenance must be an object or null")
    optional_str = (str, type(None))
    optional_int = (int, type(None))
    return Provenance(
        doc_id=_field(data, "doc_id", str, where),
        title=_field(data, "title", str, where),
        article=_field(data, "article", optional_str, where),
        heading=_field(data, "heading", optional_str, where),
        eid=_field(data, "eid", str, where),
        part=_field(data, "part", str, where),
        page_start=_field(data, "page_start", optional_int, where),
        page_end=_field(data, "page_end", optional_int, where),
        official_reference=_field(data, "official_reference", optional_str, where),
        source_url=_field(data, "source_url", optional_str, where),
        language=_field(data, "language", str, where),
        visibility=_strings(data, "visibility", where),
    )


def _guidance_from_json(data: Any, where: str) -> tuple[GuidanceNote, ...]:
    if not isinstance(data, list):
        raise ValueError(f"{where}: guidance must be a list")
    notes = []
    for position, raw in enumerate(data):
        here = f"{where} guidance {position}"
        if not isinstance(raw, dict):
            raise ValueError(f"{here}: expected an object")
        notes.append(
            GuidanceNote(
                doc_id=_field(raw, "doc_id", str, here),
                eid=_field(raw, "eid", str, here),
                citation=_field(raw, "citation", str, here),
                excerpt=_field(raw, "excerpt", str, here) if "excerpt" in raw else "",
            )
        )
    return tuple(notes)


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """An optional list of strings (absent in drafts saved before the field existed)."""
    values = _field(data, key, list, where) if key in data else []
    if not all(isinstance(value, str) for value in values):
        raise ValueError(f"{where}: {key!r} must be a list of strings")
    return tuple(values)


def draft_from_json(data: Any) -> Draft:
    """Parse and validate a stored draft; raises ValueError with the offending field."""
    if not isinstance(data, dict):
        raise ValueError("top level must be a JSON object")
    version = _field(data, "format_version", int, "draft")
    if version != FORMAT_VERSION:
        raise ValueError(
            f"unsupported format_version {version} (this version reads {FORMAT_VERSION})"
        )
    clauses: list[DraftClause] = []
    for index, raw in enumerate(_field(data, "clauses", list, "draft")):
        where = f"clauses[{index}]"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: must be an object")
        section = _field(raw, "section", str, where)
        try:
            get_section(section)
        except UnknownSectionError as error:
            raise ValueError(f"{where}: {error}") from None
        clauses.append(
            DraftClause(
                clause_id=_field(raw, "clause_id", str, where),
                section=section,
                heading=_field(raw, "heading", str, where),
                text=_field(raw, "text", str, where),
                original_text=_field(raw, "original_text", str, where),
                provenance=_provenance_from_json(raw.get("provenance"), where),
                note=_field(raw, "note", str, where) if "note" in raw else "",
                guidance=_guidance_from_json(raw.get("guidance", []), where),
            )
        )
    revision = data.get("revision")
    if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int)):
        raise ValueError("draft: 'revision' must be an integer or null")
    party_names = _field(data, "party_names", list, "draft") if "party_names" in data else []
    if not all(isinstance(name, str) for name in party_names):
        raise ValueError("draft: party_names must be strings")
    return Draft(
        draft_id=validate_draft_id(_field(data, "draft_id", str, "draft")),
        title=_field(data, "title", str, "draft"),
        clauses=tuple(clauses),
        created_at=_field(data, "created_at", str, "draft"),
        updated_at=_field(data, "updated_at", str, "draft"),
        party_names=tuple(party_names),
        owner=_field(data, "owner", (str, type(None)), "draft") if "owner" in data else None,
        shared_users=_strings(data, "shared_users", "draft"),
        shared_groups=_strings(data, "shared_groups", "draft"),
        revision=revision,
    )


# --- the store -----------------------------------------------------------------------------


class DraftStore:
    """Drafts kept as records at `location`: a folder, or a `postgresql://` URL."""

    def __init__(self, location: Path | str) -> None:
        self._records = open_record_store(location)

    @property
    def location(self) -> str:
        return self._records.location

    def close(self) -> None:
        self._records.close()

    def where(self, draft_id: str) -> str:
        """The draft's place, for messages."""
        return self._records.where(validate_draft_id(draft_id))

    def _draft(self, record: StoredRecord, *, revision: int) -> Draft:
        where = self._records.where(record.key)
        try:
            draft = draft_from_json(record.data)
        except (ValueError, RecursionError) as error:
            raise DraftStoreError(where, f"invalid draft: {error}") from error
        if draft.draft_id != record.key:
            raise DraftStoreError(where, f"stored under another id than {draft.draft_id!r}")
        return replace(draft, revision=revision)

    def load(self, draft_id: str) -> Draft:
        try:
            record = self._records.get(validate_draft_id(draft_id))
        except RecordError as error:
            raise DraftStoreError(error.where, error.reason) from error
        if record is None:
            raise DraftNotFoundError(self.where(draft_id), "no such draft")
        return self._draft(record, revision=record.revision)

    def exists(self, draft_id: str) -> bool:
        try:
            return self._records.get(validate_draft_id(draft_id)) is not None
        except RecordError:
            return True  # there, though unreadable

    def list(self) -> DraftListing:
        records, unreadable = self._records.all()
        drafts: list[DraftSummary] = []
        errors = [DraftStoreError(error.where, error.reason) for error in unreadable]
        for record in records:
            try:
                draft = self._draft(record, revision=record.revision)
            except DraftStoreError as error:
                errors.append(error)
                continue
            drafts.append(
                DraftSummary(draft.draft_id, draft.title, draft.updated_at, len(draft.clauses))
            )
        drafts.sort(key=lambda s: s.updated_at, reverse=True)
        return DraftListing(tuple(drafts), tuple(errors))

    def commit(self, draft: Draft, *, operation: str = "save", author: str | None = None) -> Draft:
        """Store `draft` as the next revision and return it.

        `draft.revision` is the revision the change was based on; if the stored draft has moved
        on since (or was deleted), StaleDraftError is raised and nothing is written. A draft
        never read from a store (revision None) is written as is (creation, import).
        """
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
        except RecordError as error:
            raise DraftStoreError(error.where, error.reason) from error
        return replace(draft, revision=revision)

    def save(self, draft: Draft, *, operation: str = "save") -> Draft:
        """Save `draft` (version-checked, see `commit`)."""
        return self.commit(draft, operation=operation)

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
        """Delete a draft (its history stays); with `revision`, only if still at that version."""
        try:
            found = self._records.delete(
                validate_draft_id(draft_id), based_on=revision, author=author or current_author()
            )
        except StaleRecordError as error:
            raise StaleDraftError(draft_id, error.based_on, error.stored) from None
        if not found:
            raise DraftNotFoundError(self.where(draft_id), "no such draft")

    def _versions(self, draft_id: str) -> builtins.list[RecordVersion]:
        try:
            return self._records.history(validate_draft_id(draft_id))
        except RecordError as error:
            raise DraftStoreError(error.where, error.reason) from error

    def history(self, draft_id: str) -> builtins.list[DraftHistoryEntry]:
        """Saved versions of a draft, newest first."""
        entries = []
        for version in self._versions(draft_id):
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
        """An earlier saved version of a draft (as it was; its revision is that version's)."""
        for version in self._versions(draft_id):
            if version.revision == revision and version.data is not None:
                record = StoredRecord(draft_id, revision, version.data)
                return self._draft(record, revision=revision)
        raise DraftNotFoundError(self.where(draft_id), f"no version {revision} of this draft")


# What the drafting service needs from a store of drafts (folder or server): one class keeps both.
DraftRepository = DraftStore


def open_draft_store(location: str | Path) -> DraftRepository:
    """Drafts in a folder, or in the PostgreSQL database of a `postgresql://` URL."""
    return DraftStore(location)
