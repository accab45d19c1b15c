"""A PDF reader that never returns, for the worker process of ingest.pdf_process (and for this
process, to show what the in-process path does with it)."""

from __future__ import annotations

import time


def read_for_an_hour(*args: object, **kwargs: object) -> object:
    time.sleep(3600)
    raise AssertionError("a hanging reader was not stopped")


def hang_the_pdf_reader() -> None:
    """Worker initializer: every PDF page read from now on blocks."""
    from ingest import extract

    extract._extract_pdf = read_for_an_hour  # type: ignore[assignment]
