"""Drafts on disk: one JSON file per draft, replaced atomically on every change.

A save writes `<id>.json` through a temporary file in the same directory, fsyncs it and
renames it over the old file (`os.replace`), so a crash or a serialisation error leaves the
previous version intact; there is never a half-written draft file.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from readmit.drafting import model
from readmit.drafting.model import Draft, DraftClause, Provenance
from readmit.drafting.skeleton import UnknownSectionError, get_section

FORMAT_VERSION = 1

# Letters, digits, "_" and "-" only: no separators, no dots, hence no path traversal.
_DRAFT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class DraftStoreError(Exception):
    """A draft file that cannot be read or written, with the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class DraftNotFoundError(DraftStoreError):
    pass


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
    if not isinstance(draft_id, str) or not _DRAFT_ID.fullmatch(draft_id):
        raise InvalidDraftIdError(
            repr(draft_id), "invalid draft id (letters, digits, '_' and '-' only, at most 64)"
        )
    return draft_id


# --- JSON schema ---------------------------------------------------------------------------

def draft_to_json(draft: Draft) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
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
            )
        )
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
    )


# --- the store -----------------------------------------------------------------------------

class DraftStore:
    """A directory of draft files `<draft_id>.json`."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def path_for(self, draft_id: str) -> Path:
        return self.directory / f"{validate_draft_id(draft_id)}.json"

    def save(self, draft: Draft) -> Path:
        path = self.path_for(draft.draft_id)
        self.directory.mkdir(parents=True, exist_ok=True)
        descriptor, tmp_name = tempfile.mkstemp(
            dir=self.directory, prefix=f".{draft.draft_id}.", suffix=".tmp"
        )
        tmp_path = Path(tmp_name)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(draft_to_json(draft), handle, ensure_ascii=False, indent=2)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_path, path)
        except (OSError, TypeError, ValueError) as error:
            with contextlib.suppress(FileNotFoundError):
                tmp_path.unlink()
            raise DraftStoreError(path, f"could not save draft: {error}") from error
        self._fsync_directory()
        return path

    def _fsync_directory(self) -> None:
        # Makes the rename itself durable; not possible on every platform, hence best effort.
        try:
            fd = os.open(self.directory, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def _read(self, path: Path) -> Draft:
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DraftNotFoundError(path, "no such draft") from None
        except (OSError, UnicodeDecodeError) as error:
            raise DraftStoreError(path, f"unreadable: {error}") from error
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise DraftStoreError(path, f"corrupt JSON: {error}") from error
        try:
            draft = draft_from_json(data)
        except ValueError as error:
            raise DraftStoreError(path, f"invalid draft: {error}") from error
        if f"{draft.draft_id}.json" != path.name:
            raise DraftStoreError(path, f"file name does not match draft_id {draft.draft_id!r}")
        return draft

    def load(self, draft_id: str) -> Draft:
        return self._read(self.path_for(draft_id))

    def exists(self, draft_id: str) -> bool:
        return self.path_for(draft_id).is_file()

    def list(self) -> DraftListing:
        drafts: list[DraftSummary] = []
        errors: list[DraftStoreError] = []
        if self.directory.is_dir():
            for path in sorted(self.directory.glob("*.json")):
                if path.name.startswith(".") or not _DRAFT_ID.fullmatch(path.stem):
                    continue
                try:
                    draft = self._read(path)
                except DraftStoreError as error:
                    errors.append(error)
                    continue
                drafts.append(
                    DraftSummary(draft.draft_id, draft.title, draft.updated_at, len(draft.clauses))
                )
        drafts.sort(key=lambda s: s.updated_at, reverse=True)
        return DraftListing(tuple(drafts), tuple(errors))

    def create(
        self, title: str, *, party_names: tuple[str, ...] = (), owner: str | None = None
    ) -> Draft:
        draft = model.new_draft(title, party_names=party_names, owner=owner)
        self.save(draft)
        return draft

    def duplicate(self, draft_id: str, title: str, *, owner: str | None = None) -> Draft:
        copy = model.duplicate(self.load(draft_id), title, owner=owner)
        self.save(copy)
        return copy

    def delete(self, draft_id: str) -> None:
        path = self.path_for(draft_id)
        try:
            path.unlink()
        except FileNotFoundError:
            raise DraftNotFoundError(path, "no such draft") from None
