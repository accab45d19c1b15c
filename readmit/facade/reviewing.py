"""Reviewing a counterpart's proposal against a draft or an indexed agreement, through the door.

The review reads the target and the precedents through the principal's own view of the index
and drafts, so nearest precedents and precedent ranges never draw on what they may not see.
A document target and a draft target are separate methods, each declaring the id it names.
"""

from __future__ import annotations

from pathlib import Path

from readmit.access import Action
from readmit.facade.door import DocumentNotFoundError, door
from readmit.facade.maintenance import Maintenance
from readmit.review import Review, ReviewError, ReviewTarget, draft_redline_bytes, review_proposal
from readmit.review import review_upload as review_uploaded_file


class Reviewing(Maintenance):
    """The Review page's and `readmit review`/`redline`'s use cases."""

    @door(Action.SEARCH)
    def review_target(self, identifier: str) -> ReviewTarget:
        """A visible indexed document (first) or an openable draft of that id; else ReviewError
        (a hidden document or an unshared draft is answered as a missing one)."""
        if self._kb.document(identifier) is not None:
            return ReviewTarget("document", identifier)
        if self._drafting.exists(identifier):
            return ReviewTarget("draft", identifier)
        # The id is not echoed: the answer is the same whatever was asked for.
        raise ReviewError(
            "no indexed document or draft of that id (see `readmit status` and `readmit drafts`)"
        )

    @door(Action.SEARCH, documents=("doc_id",))
    def review_document(self, proposal: Path, doc_id: str) -> Review:
        """The proposal file reviewed against an indexed agreement (read, never indexed)."""
        return self._review(proposal, ReviewTarget("document", doc_id))

    @door(Action.SEARCH, drafts=("draft_id",))
    def review_draft(self, proposal: Path, draft_id: str) -> Review:
        """The proposal file reviewed against a draft (read, never indexed)."""
        return self._review(proposal, ReviewTarget("draft", draft_id))

    @door(Action.SEARCH, documents=("doc_id",))
    def review_upload_document(self, *, name: str, data: bytes, doc_id: str) -> Review:
        """An uploaded proposal against an indexed agreement; kept only while it is parsed."""
        return self._review_upload(name, data, ReviewTarget("document", doc_id))

    @door(Action.SEARCH, drafts=("draft_id",))
    def review_upload_draft(self, *, name: str, data: bytes, draft_id: str) -> Review:
        """An uploaded proposal against a draft; kept only while it is parsed."""
        return self._review_upload(name, data, ReviewTarget("draft", draft_id))

    @door(Action.EXPORT, drafts=("draft_id",))
    def draft_redline(self, draft_id: str) -> bytes:
        """The draft against the precedents it was built from as Word tracked changes, by the
        signed-in person ("Readmit" for the local user of a setup without sign-in)."""
        draft = self._drafting.get(draft_id)
        return draft_redline_bytes(draft, author=self.export_author() or "Readmit")

    def _review(self, proposal: Path, target: ReviewTarget) -> Review:
        self._require_target(target)
        return review_proposal(self._kb, self._drafting, proposal, target)

    def _review_upload(self, name: str, data: bytes, target: ReviewTarget) -> Review:
        self._require_target(target)
        return review_uploaded_file(self._kb, self._drafting, name=name, data=data, target=target)

    def _require_target(self, target: ReviewTarget) -> None:
        """A missing target is refused exactly as the door refuses a hidden one (the same
        error), so a review never tells whether a hidden document or draft exists."""
        if target.kind == "document":
            if self._kb.document(target.identifier) is None:
                raise DocumentNotFoundError(target.identifier)
        else:
            self._drafting.get(target.identifier)  # DraftNotFoundError, as the door's
