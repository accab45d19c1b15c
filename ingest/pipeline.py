"""From a file on disk to a parsed, chunked document: the ingest layer's one entry point.

The service calls `discover` to list candidate files, `content_hash` to decide whether a file
changed since it was indexed, and `parse_document` + `chunk_document` to build what the index
stores. Every failure is raised as `IngestError(path, reason)` so that a batch can report the
file and go on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from ingest.chunking import chunk_document
from ingest.extract import ExtractionError, extract_lines
from ingest.metadata import MetadataError, load_meta, sidecar_password
from ingest.structure import parse_structure
from ingest.types import ParsedDocument

SUPPORTED_SUFFIXES = frozenset({".pdf", ".txt", ".md"})
# Attribution and licence files that sit beside the documents in a corpus folder.
NON_DOCUMENT_NAMES = frozenset({"readme.md", "sources.md", "license", "license.md", "license.txt"})
# Bumped whenever extraction, parsing or chunking changes what a document produces, so that an
# unchanged file is still re-indexed after such a change.
PIPELINE_VERSION = "2"  # 2: untitled preambles/signature blocks lose the invented name line

__all__ = ["IngestError", "chunk_document", "content_hash", "discover", "parse_document"]


class IngestError(Exception):
    """A file that could not be ingested, with the reason a maintainer can act on."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[IngestError]]:
    """Expand folders into their document files; report paths that are not documents.

    A file named explicitly is always a candidate (a wrong type fails later with a clear
    reason); inside a folder only supported types are taken and attribution files skipped.
    """
    found: list[Path] = []
    problems: list[IngestError] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                # Hidden files and folders are work files (uploads in progress, replaced
                # versions kept for roll-back), never documents.
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if not hidden and _is_document_in_folder(child):
                    found.append(child)
        elif path.is_file():
            found.append(path)
        else:
            problems.append(IngestError(path, "no such file or folder"))
    return found, problems


def _is_document_in_folder(path: Path) -> bool:
    return (
        path.is_file()
        and path.suffix.lower() in SUPPORTED_SUFFIXES
        and path.name.lower() not in NON_DOCUMENT_NAMES
    )


def content_hash(path: Path) -> str:
    """Hash of the file, its metadata sidecar and the pipeline version."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    digest.update(path.read_bytes())
    sidecar = path.with_name(path.stem + ".meta.json")
    if sidecar.is_file():
        digest.update(sidecar.read_bytes())
    return digest.hexdigest()


def parse_document(
    path: Path, *, password: str | None = None, known_hash: str | None = None
) -> ParsedDocument:
    """Extract, read the metadata of and parse one file; raise IngestError on any failure.

    `known_hash` is the file's `content_hash` when the caller has just computed it (to decide
    whether to re-index), so the file is not read and hashed twice.
    """
    try:
        meta = load_meta(path)
        extracted = extract_lines(
            path, password=password or sidecar_password(path), language=meta.language
        )
    except (ExtractionError, MetadataError) as error:
        raise IngestError(path, _reason(error)) from error
    except OSError as error:
        raise IngestError(path, f"cannot read file: {error.strerror or error}") from error
    units = parse_structure(extracted.lines, language=meta.language)
    if not any(unit.text.strip() for unit in units):
        raise IngestError(path, "no text found in the document")
    return ParsedDocument(
        meta=meta,
        units=units,
        content_hash=known_hash or content_hash(path),
        source_path=str(path),
        has_pages=extracted.page_count is not None,
        page_count=extracted.page_count,
        ocr_pages=extracted.ocr_pages,
    )


def _reason(error: Exception) -> str:
    return str(getattr(error, "reason", None) or error)
