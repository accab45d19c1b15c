"""Drafts on disk: one JSON file per draft, replaced atomically on every change.

A save writes `<id>.json` through a temporary file in the same directory, fsyncs it and
renames it over the old file (`os.replace`), so a crash or a serialisation error leaves the
previous version intact; there is never a half-written draft file.

Every save is a read-modify-write under the draft's lock file (`.history/<id>.lock`, an flock): the
stored revision is compared with the revision the change was based on, and a stale save is
refused with `StaleDraftError` (nothing is merged, nothing is dropped: the caller reloads and
applies the change again). Each save is also appended to `.history/<id>.jsonl` (who, when, what
operation, the saved draft), so any earlier version can be restored or exported.
"""

from __future__ import annotations

import builtins
import contextlib
import fcntl
import getpass
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from readmit.drafting import model
from readmit.drafting.model import Draft, DraftClause, GuidanceNote, Provenance
from readmit.drafting.skeleton import UnknownSectionError, get_section

FORMAT_VERSION = 1
HISTORY_DIR = ".history"  # per draft: <id>.jsonl (saved versions) and <id>.lock

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
    if not isinstance(draft_id, str) or not _DRAFT_ID.fullmatch(draft_id):
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
    """A directory of draft files `<draft_id>.json`."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    @property
    def location(self) -> str:
        return str(self.directory)

    def where(self, draft_id: str) -> str:
        """The draft's place, for messages."""
        return str(self.path_for(draft_id))

    def path_for(self, draft_id: str) -> Path:
        return self.directory / f"{validate_draft_id(draft_id)}.json"

    def save(self, draft: Draft, *, operation: str = "save") -> Path:
        """Save `draft` (version-checked, see `commit`); returns its file."""
        self.commit(draft, operation=operation)
        return self.path_for(draft.draft_id)

    @contextlib.contextmanager
    def _locked(self, draft_id: str) -> Iterator[None]:
        """The draft's lock across threads and processes (an flock per open file)."""
        lock_path = self.directory / HISTORY_DIR / f"{validate_draft_id(draft_id)}.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _stored_revision(self, path: Path) -> int | None:
        """The revision on disk (0 for a file written before revisions; None if no file)."""
        if not path.exists():
            return None
        return self._read(path).revision

    def commit(self, draft: Draft, *, operation: str = "save", author: str | None = None) -> Draft:
        """Atomic read-modify-write: store `draft` as the next revision and return it.

        `draft.revision` is the revision the change was based on; if the stored draft has moved
        on since (or was deleted), StaleDraftError is raised and nothing is written. A draft
        never read from a store (revision None) is written as is (creation, import).
        """
        path = self.path_for(draft.draft_id)
        with self._locked(draft.draft_id):
            stored = self._stored_revision(path)
            if draft.revision is not None and stored != draft.revision:
                raise StaleDraftError(draft.draft_id, draft.revision, stored)
            saved = replace(draft, revision=(stored or 0) + 1)
            self._write_file(path, saved)
            self._append_history(saved, operation=operation, author=author)
        return saved

    def _write_file(self, path: Path, draft: Draft) -> None:
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

    def _history_path(self, draft_id: str) -> Path:
        return self.directory / HISTORY_DIR / f"{validate_draft_id(draft_id)}.jsonl"

    def _append_history(
        self, draft: Draft, *, operation: str, author: str | None, deleted: bool = False
    ) -> None:
        """One line per saved version; a failure here never undoes the save itself."""
        entry = {
            "revision": draft.revision,
            "at": model.now_iso(),
            "author": author or current_author(),
            "operation": operation,
            "deleted": deleted,
            "draft": None if deleted else draft_to_json(draft),
        }
        history = self._history_path(draft.draft_id)
        try:
            history.parent.mkdir(parents=True, exist_ok=True)
            with open(history, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        except OSError:
            pass

    def _history_rows(self, draft_id: str) -> list[dict[str, Any]]:
        path = self._history_path(draft_id)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as error:
            raise DraftStoreError(path, f"unreadable history: {error}") from error
        rows = []
        for line in lines:
            try:
                row = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                continue  # a torn last line (crash mid-append) loses only that entry
            if isinstance(row, dict) and isinstance(row.get("revision"), int):
                rows.append(row)
        return rows

    def history(self, draft_id: str) -> builtins.list[DraftHistoryEntry]:
        """Saved versions of a draft, newest first."""
        entries = []
        for row in self._history_rows(draft_id):
            data = row.get("draft") or {}
            entries.append(
                DraftHistoryEntry(
                    draft_id=draft_id,
                    revision=int(row["revision"]),
                    at=str(row.get("at", "")),
                    author=str(row.get("author", "")),
                    operation=str(row.get("operation", "")),
                    title=str(data.get("title", "")) if isinstance(data, dict) else "",
                    clause_count=len(data.get("clauses", [])) if isinstance(data, dict) else 0,
                    deleted=bool(row.get("deleted")),
                )
            )
        return sorted(entries, key=lambda e: e.revision, reverse=True)

    def load_revision(self, draft_id: str, revision: int) -> Draft:
        """An earlier saved version of a draft (as it was; its revision is that version's)."""
        for row in self._history_rows(draft_id):
            if row["revision"] == revision and row.get("draft"):
                try:
                    return draft_from_json(row["draft"])
                except ValueError as error:
                    raise DraftStoreError(
                        self._history_path(draft_id), f"version {revision}: {error}"
                    ) from error
        raise DraftNotFoundError(
            self._history_path(draft_id), f"draft {draft_id} has no version {revision}"
        )

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
        except RecursionError:
            raise DraftStoreError(path, "corrupt JSON: nested too deeply to read") from None
        try:
            draft = draft_from_json(data)
        except ValueError as error:
            raise DraftStoreError(path, f"invalid draft: {error}") from error
        if f"{draft.draft_id}.json" != path.name:
            raise DraftStoreError(path, f"file name does not match draft_id {draft.draft_id!r}")
        # A file from before revisions counts as revision 0, so its next save is checked too.
        return replace(draft, revision=draft.revision or 0)

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
        return self.commit(draft, operation="create")

    def duplicate(self, draft_id: str, title: str, *, owner: str | None = None) -> Draft:
        copy = model.duplicate(self.load(draft_id), title, owner=owner)
        return self.commit(copy, operation=f"duplicate of {draft_id}")

    def delete(
        self, draft_id: str, *, revision: int | None = None, author: str | None = None
    ) -> None:
        """Delete a draft (its history stays); with `revision`, only if still at that version."""
        path = self.path_for(draft_id)
        with self._locked(draft_id):
            if not path.exists():
                raise DraftNotFoundError(path, "no such draft")
            try:
                last: Draft | None = self._read(path)
            except DraftNotFoundError:
                raise
            except DraftStoreError:
                last = None  # an unreadable draft can still be deleted
            stored = None if last is None else (last.revision or 0)
            if revision is not None and stored != revision:
                raise StaleDraftError(draft_id, revision, stored)
            try:
                path.unlink()
            except FileNotFoundError:
                raise DraftNotFoundError(path, "no such draft") from None
            if last is not None:
                self._append_history(
                    replace(last, revision=(stored or 0) + 1),
                    operation="delete",
                    author=author,
                    deleted=True,
                )


class DraftRepository(Protocol):
    """What the drafting service needs from a store of drafts (folder or server)."""

    @property
    def location(self) -> str: ...

    def load(self, draft_id: str) -> Draft: ...

    def exists(self, draft_id: str) -> bool: ...

    def list(self) -> DraftListing: ...

    def commit(
        self, draft: Draft, *, operation: str = "save", author: str | None = None
    ) -> Draft: ...

    def where(self, draft_id: str) -> str: ...

    def create(
        self, title: str, *, party_names: tuple[str, ...] = (), owner: str | None = None
    ) -> Draft: ...

    def duplicate(self, draft_id: str, title: str, *, owner: str | None = None) -> Draft: ...

    def delete(
        self, draft_id: str, *, revision: int | None = None, author: str | None = None
    ) -> None: ...

    def history(self, draft_id: str) -> builtins.list[DraftHistoryEntry]: ...

    def load_revision(self, draft_id: str, revision: int) -> Draft: ...


def open_draft_store(location: str | Path) -> DraftRepository:
    """Drafts in a folder, or in the PostgreSQL database of a `postgresql://` URL."""
    if isinstance(location, str) and location.startswith(("postgresql://", "postgres://")):
        from readmit.drafting.server_store import ServerDraftStore  # psycopg: server mode only

        return ServerDraftStore(location)
    return DraftStore(Path(location))
