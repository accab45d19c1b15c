"""Reviewing a counterpart's proposal against a draft or an indexed agreement, through the door.

The review reads the target and the precedents through the principal's own view of the index
and drafts, so nearest precedents and precedent ranges never draw on what they may not see.
"""

from __future__ import annotations

from pathlib import Path

from readmit.access import Action
from readmit.facade.door import door
from readmit.facade.maintenance import Maintenance
from readmit.review import Review, ReviewError, ReviewTarget, draft_redline_bytes, review_proposal
from readmit.review import review_upload as review_uploaded_file


class Reviewing(Maintenance):
    """The Review page's and `readmit review`/`redline`'s use cases."""

    @door(Action.SEARCH)
    def review_target(self, identifier: str) -> ReviewTarget:
        """A visible indexed document (first) or an openable draft of that id; else ReviewError."""
        if self._kb.document(identifier) is not None:
            return ReviewTarget("document", identifier)
        if self._drafting.exists(identifier):
            return ReviewTarget("draft", identifier)
        raise ReviewError(
            f"{identifier!r} is neither an indexed document nor a draft "
            "(see `readmit status` and `readmit drafts`)"
        )

    @door(Action.SEARCH, documents=("target",), drafts=("target",))
    def review(
        self, proposal: Path, target: ReviewTarget, *, display_name: str | None = None
    ) -> Review:
        """The proposal file reviewed against `target` (the file is read, never indexed)."""
        return review_proposal(
            self._kb, self._drafting, proposal, target, display_name=display_name
        )

    @door(Action.SEARCH, documents=("target",), drafts=("target",))
    def review_upload(self, *, name: str, data: bytes, target: ReviewTarget) -> Review:
        """An uploaded proposal reviewed against `target`; kept only for as long as parsing."""
        return review_uploaded_file(self._kb, self._drafting, name=name, data=data, target=target)

    @door(Action.EXPORT, drafts=("draft_id",))
    def draft_redline(self, draft_id: str) -> bytes:
        """The draft against the precedents it was built from as Word tracked changes, by the
        signed-in person ("Readmit" for the local user of a setup without sign-in)."""
        draft = self._drafting.get(draft_id)
        return draft_redline_bytes(draft, author=self.export_author() or "Readmit")
