"""PDF text extraction in a child process with a hard timeout.

The per-file time limit (`ingest.limits.Budget`) is cooperative: it is checked between pages,
so one pypdf call that never returns (a 16 KB PDF whose 60 pages share one stream of 1.8
million text-free operators takes about 33 s a page) would hold the writer lock, and block
uploads, far past the limit. Here the extraction runs in a worker process that is killed when
it has not answered `max_seconds + hard_grace_seconds` after it started; the file fails with a
reason naming the limit and the ingest goes on with a fresh worker.

One worker (a `multiprocessing` pool of one, started with "spawn": no state or threads of the
parent are copied) is reused across files, so a batch pays the start-up once. Only what
pickles crosses the process boundary: the path and options in, the `ExtractedText` or an
(error kind, reason) pair out. `IngestLimits(pdf_in_child=False)` keeps extraction in this
process (for tests that patch the parser).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections.abc import Callable
from multiprocessing.pool import Pool
from pathlib import Path

from ingest.extract import ExtractedText, ExtractionError, extract_lines
from ingest.limits import Budget, IngestLimits, LimitExceededError
from ingest.ocr import OCR_ENV

_LOCK = threading.Lock()
_POOL: Pool | None = None
# Run in each new worker before its first file (a seam for tests: a parser that hangs).
_INITIALIZER: Callable[[], None] | None = None


def configure_worker(*, initializer: Callable[[], None] | None) -> None:
    """Set what a new worker runs first (a module-level function: it is pickled by name) and
    stop the current worker, so that the next file starts one with it."""
    global _INITIALIZER
    with _LOCK:
        _stop_pool()
        _INITIALIZER = initializer


def extract_in_child(
    path: Path, *, password: str | None, language: str | None, limits: IngestLimits
) -> ExtractedText:
    """`extract_lines(path, …)` in the worker process; ExtractionError or LimitExceededError
    as in-process, and LimitExceededError when the worker does not answer in time."""
    deadline = limits.max_seconds + limits.hard_grace_seconds
    with _LOCK:  # one file at a time per worker (an app serves sessions in threads)
        pool = _pool()
        ocr = os.environ.get(OCR_ENV)  # may have changed since the worker started
        pending = pool.apply_async(_extract, (str(path), password, language, limits, ocr))
        try:
            outcome = pending.get(timeout=deadline)
        except multiprocessing.TimeoutError:
            _stop_pool()  # the only way to stop a call that never returns
            raise LimitExceededError(
                f"over the per-file time limit (the PDF reader did not return within "
                f"{deadline:g} s and was stopped; max_seconds={limits.max_seconds:g})"
            ) from None
    if isinstance(outcome, ExtractedText):
        return outcome
    kind, reason = outcome
    if kind == "limit":
        raise LimitExceededError(reason)
    raise ExtractionError(path, reason)


def _extract(
    path: str, password: str | None, language: str | None, limits: IngestLimits, ocr: str | None
) -> ExtractedText | tuple[str, str]:
    """Runs in the worker: the extracted text, or ("limit" | "extraction", reason) (our
    exceptions take two arguments and would not unpickle)."""
    if ocr is None:
        os.environ.pop(OCR_ENV, None)
    else:
        os.environ[OCR_ENV] = ocr
    try:
        return extract_lines(
            Path(path), password=password, language=language, budget=Budget(limits)
        )
    except LimitExceededError as error:
        return ("limit", error.reason)
    except ExtractionError as error:
        return ("extraction", error.reason)


def _pool() -> Pool:
    global _POOL
    if _POOL is None:
        _POOL = multiprocessing.get_context("spawn").Pool(processes=1, initializer=_INITIALIZER)
    return _POOL


def _stop_pool() -> None:
    global _POOL
    if _POOL is not None:
        _POOL.terminate()
        _POOL.join()
        _POOL = None


atexit.register(_stop_pool)
