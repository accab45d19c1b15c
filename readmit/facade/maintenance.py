"""Maintainers' work: the corpus and the index, copies between locations, users, the audit log.
Every change is recorded in the audit log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from index.copy import CopyReport, copy_index
from index.embedders import make_embedder
from index.storage import location_label, recorded_model_at
from readmit.access import Action, AuditEntry
from readmit.access.users import (
    UserAccount,
    UserStore,
    parse_role,
    validate_groups,
    validate_user_name,
)
from readmit.drafting.store import DraftStoreError, StaleDraftError, open_draft_store
from readmit.facade.door import door
from readmit.facade.drafting import Drafting
from readmit.service import INGEST_BATCH_CHUNKS, IngestReport, ProgressCallback
from readmit.settings import Location
from readmit.uploads import MAX_UPLOAD_BYTES, UploadedFile, UploadOutcome
from readmit.uploads import index_uploads as index_saved_uploads
from readmit.uploads import save_uploads as save_uploaded_files


class NoIndexError(LookupError):
    """A copy from a location that holds no index."""


@dataclass(frozen=True)
class DraftCopyReport:
    """What `copy_drafts` did: copied, left as they were (with why), unreadable."""

    target: str
    copied: int
    kept: tuple[str, ...]  # why the target's version was kept, one line per draft
    unreadable: tuple[str, ...]


class Maintenance(Drafting):
    """Index, upload, remove, copy; users and the audit log."""

    @door(Action.REINDEX)
    def corpus_dir(self) -> Path:
        """The corpus folder (tracked files; uploads never go there)."""
        return self._services.settings.corpus_dir

    @door(Action.REINDEX)
    def uploads_dir(self) -> Path:
        """Where uploaded documents are saved: the user's data, indexed with the corpus."""
        return self._services.settings.uploads_dir

    @door(Action.REINDEX)
    def document_folders(self) -> list[Path]:
        """What a full re-index reads: the corpus and the uploaded documents."""
        return self._services.settings.document_folders

    @door(Action.REINDEX)
    def plan_ingest(self, paths: Sequence[Path]) -> list[Path]:
        """The files an ingest of `paths` would read (for progress bars)."""
        files, _ = self._kb.plan(list(paths))
        return files

    @door(Action.REINDEX, writes=True)
    def ingest(
        self,
        paths: Sequence[Path],
        *,
        passwords: dict[str, str] | None = None,
        on_file: ProgressCallback | None = None,
        batch_chunks: int = INGEST_BATCH_CHUNKS,
    ) -> IngestReport:
        """Re-index `paths` (only new or changed files are embedded)."""
        report = self._services.kb.ingest(
            list(paths), passwords=passwords, on_file=on_file, batch_chunks=batch_chunks
        )
        self._record(
            "index.reindex",
            ", ".join(Path(p).name for p in paths),
            f"{len(report.indexed)} indexed, {len(report.removed)} removed, "
            f"{len(report.failed)} failed",
        )
        return report

    @door(Action.UPLOAD, writes=True)
    def save_uploads(
        self, files: Sequence[UploadedFile], *, max_bytes: int = MAX_UPLOAD_BYTES
    ) -> UploadOutcome:
        """Save each acceptable upload into the uploads folder (never the tracked corpus);
        refuse the others with a reason."""
        settings = self._services.settings
        return save_uploaded_files(
            settings.uploads_dir, files, max_bytes=max_bytes, corpus_dir=settings.corpus_dir
        )

    @door(Action.UPLOAD, writes=True)
    def index_uploads(
        self, saved: Sequence[Path], *, on_file: ProgressCallback | None = None
    ) -> IngestReport:
        """Index freshly saved uploads; a failed one goes to the rejected-uploads folder and the
        file it replaced comes back (`readmit.uploads.index_uploads`)."""
        report = index_saved_uploads(
            self._services.kb, saved, rejected_dir=self._services.rejected_dir, on_file=on_file
        )
        for indexed in report.indexed:
            self._record("document.upload", Path(indexed).name)
        for failed_path, reason in report.failed:
            self._record("document.upload-failed", Path(failed_path).name, reason)
        return report

    @door(Action.REMOVE, writes=True)
    def remove_document(self, doc_id: str) -> bool:
        """Take a document out of the index; False if there is no such document."""
        removed = self._services.kb.remove(doc_id)
        if removed:
            self._record("document.remove", doc_id)
        return removed

    @door(Action.READ_AUDIT)
    def audit_entries(
        self, *, user: str | None = None, action: str | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """The audit log, newest first."""
        return self._services.audit.entries(user=user, action=action, limit=limit)

    # ---- copies between locations --------------------------------------------------------------

    @door(Action.COPY, writes=True)
    def copy_index(
        self,
        source: Location,
        target: Location,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> CopyReport:
        """Make TARGET hold exactly SOURCE's documents without re-embedding (verified)."""
        model = recorded_model_at(source)
        if model is None:
            raise NoIndexError(f"{location_label(source)} holds no index")
        report = copy_index(source, target, embedder=make_embedder(model), progress=progress)
        self._record("index.copy", location_label(target), f"from {location_label(source)}")
        return report

    @door(Action.COPY, writes=True)
    def copy_drafts(self, source: Location, target: Location) -> DraftCopyReport:
        """Copy every draft of SOURCE to TARGET; a newer draft there is never overwritten."""
        src, dst = open_draft_store(source), open_draft_store(target)
        copied = 0
        kept: list[str] = []
        for summary in src.list():
            draft = src.load(summary.draft_id)
            try:
                base = dst.load(draft.draft_id).revision if dst.exists(draft.draft_id) else None
                if base is not None and dst.load(draft.draft_id).updated_at > draft.updated_at:
                    raise StaleDraftError(draft.draft_id, None, base)  # the target's is newer
                dst.commit(replace(draft, revision=base), operation=f"copied from {src.location}")
                copied += 1
            except DraftStoreError as error:
                kept.append(str(error))
        self._record("drafts.copy", dst.location, f"{copied} copied from {src.location}")
        unreadable = tuple(str(error) for error in src.list().errors)
        return DraftCopyReport(dst.location, copied, tuple(kept), unreadable)

    @door(None)
    def location_label(self, location: Location) -> str:
        """A location for messages: a folder, or a URL without its password."""
        return location_label(location)

    # ---- users ---------------------------------------------------------------------------------

    @door(Action.MANAGE_USERS)
    def users(self) -> list[UserAccount]:
        """Every account with role, groups and whether it has a password (never the hash)."""
        return self._services.users.list()

    @door(Action.MANAGE_USERS)
    def check_new_user(self, name: str, groups: Sequence[str]) -> None:
        """Refuse a bad name or group now (before asking for a password that would be lost)."""
        validate_user_name(name)
        validate_groups(tuple(groups))

    @door(Action.MANAGE_USERS, writes=True)
    def add_user(
        self, name: str, *, role: str, groups: Sequence[str], password: str | None
    ) -> tuple[UserAccount, bool]:
        """Add a user, or change an existing one's role, groups and password; (account, whether
        it existed before)."""
        users = self._services.users
        existed = users.get(name) is not None
        account = users.add(name, role=parse_role(role), groups=tuple(groups), password=password)
        self._record(
            "user.update" if existed else "user.add",
            name,
            f"role={account.role.value} groups={list(account.groups)}",
        )
        return account, existed

    @door(Action.MANAGE_USERS, writes=True)
    def import_users(self, users_file: Path) -> list[str]:
        """Copy a users file's accounts (password hashes as stored) into this deployment's
        accounts, e.g. the database when moving to server mode; existing names are kept. The
        names copied, each recorded in the audit log."""
        copied = self._services.users.import_from(UserStore(users_file))
        for name in copied:
            self._record("user.add", name, f"imported from {users_file.name}")
        return list(copied)

    @door(Action.MANAGE_USERS, writes=True)
    def remove_user(self, name: str) -> bool:
        removed = self._services.users.remove(name)
        if removed:
            self._record("user.remove", name)
        return removed
