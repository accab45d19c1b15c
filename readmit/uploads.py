"""Uploads of new documents into the user's uploads folder: safe names, size limits, and
indexing that takes a failed upload out again (restoring the file it replaced), so nothing is
half-indexed.

Uploads are the user's data (`Settings.uploads_dir`, under `.readmit/` by default), indexed
together with the corpus; they are never written into the tracked `corpus/` of the checkout.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from readmit.service import IngestReport, KnowledgeBase, ProgressCallback

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOAD_SUFFIXES = (".pdf", ".docx", ".txt", ".md")

# Names the ingest layer skips inside a folder (attribution files), so an upload under such a
# name would be saved but never indexed.
_RESERVED_NAMES = frozenset({"readme.md", "sources.md", "license", "license.md", "license.txt"})
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
# Room for the hidden work names `.NAME.part` / `.NAME.previous` within a file system's 255
# bytes (sanitised names are ASCII: one byte per character).
MAX_UPLOAD_NAME = 200


@dataclass(frozen=True)
class UploadedFile:
    """What an upload is to the library (Streamlit's UploadedFile, or a test's bytes)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class UploadOutcome:
    saved: tuple[Path, ...]
    rejected: tuple[tuple[str, str], ...]  # (name as uploaded, reason)


class UploadRejectedError(ValueError):
    """An uploaded file the app will not save, with the file name and the reason."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def sanitise_upload_name(name: str) -> str:
    """The file name to save an upload under, or UploadRejectedError.

    Directories are stripped (both separators); only letters, digits, ".", "_" and "-"
    remain (other characters become "_"); hidden names, unsupported types and attribution
    file names are refused.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or base in {".", ".."}:
        raise UploadRejectedError(name, "empty file name")
    if base.startswith("."):
        raise UploadRejectedError(name, "hidden file names are not accepted")
    cleaned = "".join(ch if _SAFE_NAME.fullmatch(ch) else "_" for ch in base)
    cleaned = re.sub(r"_+", "_", cleaned)
    suffix = Path(cleaned).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UploadRejectedError(
            name, f"unsupported type {suffix or '(none)'}; expected {', '.join(UPLOAD_SUFFIXES)}"
        )
    if not Path(cleaned).stem.strip("._-"):
        raise UploadRejectedError(name, "the file name has no usable characters")
    if cleaned.lower() in _RESERVED_NAMES:
        raise UploadRejectedError(name, "this name is reserved for attribution files")
    if len(cleaned) > MAX_UPLOAD_NAME:
        raise UploadRejectedError(
            name,
            f"the file name is too long ({len(cleaned)} characters; at most "
            f"{MAX_UPLOAD_NAME}): rename it",
        )
    return cleaned


def save_upload(
    corpus_dir: Path,
    name: str,
    data: bytes,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    shipped_dir: Path | None = None,
) -> Path:
    """Write an uploaded document into `corpus_dir` (the uploads folder; replacing a file of
    the same name). `shipped_dir`, the corpus indexed with it, may not hold a document of the
    same id: one id, one file."""
    safe = sanitise_upload_name(name)
    if len(data) > max_bytes:
        raise UploadRejectedError(
            name, f"{len(data) / 1_048_576:.1f} MB is over the {max_bytes // 1_048_576} MB limit"
        )
    if not data:
        raise UploadRejectedError(name, "the file is empty")
    corpus_dir.mkdir(parents=True, exist_ok=True)
    target = corpus_dir / safe
    shipped = None if shipped_dir is None else _same_document_id(shipped_dir, target)
    if shipped is not None:
        raise UploadRejectedError(
            name,
            f"the corpus already holds {shipped.name} with the same document id "
            f"{target.stem!r}: upload it under another name",
        )
    clash = _same_document_id(corpus_dir, target)
    if clash is not None:
        raise UploadRejectedError(
            name,
            f"the corpus already holds {clash.relative_to(corpus_dir)} with the same document "
            f"id {target.stem!r}: upload it as {clash.name} to replace it, or remove that file "
            "first",
        )
    partial = corpus_dir / f".{safe}.part"
    partial.write_bytes(data)
    if target.exists():
        # Kept (hidden, so never ingested) until the new version has indexed: a bad
        # replacement must not cost the good document it replaced.
        os.replace(target, _previous_version(target))
    os.replace(partial, target)
    return target


def _same_document_id(corpus_dir: Path, target: Path) -> Path | None:
    """Another document file in the corpus whose stem (document id) is `target`'s: two files
    for one id would take turns being the indexed one, so an upload may not add a second."""
    if not corpus_dir.is_dir():
        return None
    for other in sorted(corpus_dir.rglob(f"{glob.escape(target.stem)}.*")):
        hidden = any(part.startswith(".") for part in other.relative_to(corpus_dir).parts)
        if (
            not hidden
            and other != target
            and other.stem == target.stem
            and other.suffix.lower() in UPLOAD_SUFFIXES
            and other.is_file()
        ):
            return other
    return None


def _previous_version(path: Path) -> Path:
    return path.with_name(f".{path.name}.previous")


def index_uploads(
    kb: KnowledgeBase,
    saved: Sequence[Path],
    *,
    rejected_dir: Path,
    on_file: ProgressCallback | None = None,
) -> IngestReport:
    """Index freshly saved uploads, and take every one that failed out of the corpus again.

    A failed upload is reported (in the returned report and in the index's failure list),
    moved to `rejected_dir`, and the file it replaced, if any, is put
    back: nothing is half-indexed, and a bad file does not fail every later re-index. If the
    ingest cannot run at all (another ingest holds the index), every upload is rolled back and
    the error propagates.
    """
    try:
        report = kb.ingest(list(saved), on_file=on_file)
    except Exception:
        for path in saved:
            _roll_back_upload(path, rejected_dir)
        raise
    failed = {Path(path).resolve() for path, _ in report.failed}
    for path in saved:
        if path.resolve() in failed:
            _roll_back_upload(path, rejected_dir)
        else:
            _previous_version(path).unlink(missing_ok=True)
    return report


def _roll_back_upload(path: Path, rejected_dir: Path) -> None:
    rejected_dir.mkdir(parents=True, exist_ok=True)
    if path.exists():
        os.replace(path, rejected_dir / path.name)
    previous = _previous_version(path)
    if previous.exists():
        os.replace(previous, path)


def save_uploads(
    uploads_dir: Path,
    files: Sequence[UploadedFile],
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    corpus_dir: Path | None = None,
) -> UploadOutcome:
    """Save each acceptable upload into the uploads folder; refuse the others with a reason
    (also one whose document id the corpus in `corpus_dir` already holds)."""
    saved: list[Path] = []
    rejected: list[tuple[str, str]] = []
    for file in files:
        try:
            saved.append(
                save_upload(
                    uploads_dir,
                    file.name,
                    file.data,
                    max_bytes=max_bytes,
                    shipped_dir=corpus_dir,
                )
            )
        except UploadRejectedError as error:
            rejected.append((file.name, error.reason))
        except OSError as error:
            rejected.append((file.name, f"could not be saved: {error.strerror or error}"))
    return UploadOutcome(tuple(saved), tuple(rejected))
