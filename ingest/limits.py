"""Per-file limits of an ingest: time and amount of text.

One hostile file must not hold the writer lock (and, through an upload, an app session) for
ever: a 16 KB PDF whose pages share one large content stream expands to megabytes of text.
Extraction checks the budget between pages, the pipeline after each stage; a file over a
limit fails with a reason that names the limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

# About 1,000 pages of dense treaty text; the largest corpus document has about 200,000.
DEFAULT_MAX_CHARS = 2_000_000
# A file bigger than this is refused before it is read (the largest corpus PDF is about 5 MB).
DEFAULT_MAX_BYTES = 200_000_000
# OCR reads 3-5 s per page; 300 scanned pages (extract's max_ocr_pages) fit in about 25 min.
DEFAULT_MAX_SECONDS = 1800.0


class LimitExceededError(Exception):
    """A file went past a per-file limit; `reason` names the limit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IngestLimits:
    """What one file may cost: wall-clock seconds and characters of extracted text."""

    max_seconds: float = DEFAULT_MAX_SECONDS
    max_chars: int = DEFAULT_MAX_CHARS
    # PDFs are read in a worker process that is stopped `hard_grace_seconds` after
    # `max_seconds` if it has not answered (ingest.pdf_process); False reads them in this
    # process, where only the cooperative checks between pages apply.
    pdf_in_child: bool = True
    hard_grace_seconds: float = 30.0


@dataclass
class Budget:
    """The limits of one file, with the moment its work started."""

    limits: IngestLimits = field(default_factory=IngestLimits)
    started: float = field(default_factory=time.monotonic)

    def check_time(self, stage: str) -> None:
        elapsed = time.monotonic() - self.started
        if elapsed > self.limits.max_seconds:
            raise LimitExceededError(
                f"over the per-file time limit ({stage} after {elapsed:.0f} s; "
                f"max_seconds={self.limits.max_seconds:g})"
            )

    def check_chars(self, count: int) -> None:
        if count > self.limits.max_chars:
            raise LimitExceededError(
                f"too much text: {count} characters exceeds max_chars={self.limits.max_chars}"
            )
