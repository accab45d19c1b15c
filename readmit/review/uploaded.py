"""A review of an uploaded proposal (the app's Review page): the bytes are written to a private
temporary folder only for as long as parsing takes, never to the corpus; and the memo and the
redline as bytes for download."""

from __future__ import annotations

import tempfile
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.pipeline import SUPPORTED_SUFFIXES
from readmit.review.model import Review, ReviewError
from readmit.review.service import ReviewTarget, review_proposal

if TYPE_CHECKING:
    from readmit.drafting import DraftingService
    from readmit.drafting.model import Draft
    from readmit.service import KnowledgeBase

PROPOSAL_SUFFIXES = tuple(sorted(SUPPORTED_SUFFIXES))
MAX_PROPOSAL_BYTES = 50 * 1024 * 1024


def review_upload(
    kb: KnowledgeBase,
    drafting: DraftingService,
    *,
    name: str,
    data: bytes,
    target: ReviewTarget,
) -> Review:
    """Review an uploaded proposal; ReviewError for a file type, size or content refused."""
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    if suffix not in PROPOSAL_SUFFIXES:
        raise ReviewError(
            f"{name}: a proposal must be one of {', '.join(PROPOSAL_SUFFIXES)}, not "
            f"{suffix or 'a file without extension'}"
        )
    if len(data) > MAX_PROPOSAL_BYTES:
        raise ReviewError(f"{name}: larger than {MAX_PROPOSAL_BYTES // (1024 * 1024)} MB")
    with tempfile.TemporaryDirectory(prefix="readmit-proposal-") as folder:
        path = Path(folder) / f"proposal{suffix}"
        path.write_bytes(data)
        return review_proposal(kb, drafting, path, target, display_name=name)


def memo_bytes(review: Review) -> bytes:
    from readmit.review.memo_docx import build_memo

    buffer = BytesIO()
    build_memo(review).save(buffer)
    return buffer.getvalue()


def draft_redline_bytes(draft: Draft, *, author: str = "Readmit") -> bytes:
    """The draft against its sources as Word tracked changes (`redline.build_draft_redline`)."""
    from readmit.review.redline import build_draft_redline

    buffer = BytesIO()
    build_draft_redline(draft, author=author).save(buffer)
    return buffer.getvalue()


def redline_bytes(review: Review, *, author: str = "Readmit") -> bytes:
    from readmit.review.redline import build_redline

    buffer = BytesIO()
    build_redline(review, author=author).save(buffer)
    return buffer.getvalue()
