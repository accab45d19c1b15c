"""From a file on disk to a parsed, chunked document: the ingest layer's one entry point.

The service calls `discover` to list candidate files, `content_hash` to decide whether a file
changed since it was indexed, and `parse_document` + `chunk_document` to build what the index
stores. Every failure is raised as `IngestError(path, reason)` so that a batch can report the
file and go on.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from ingest.chunking import chunk_document
from ingest.coverage import check_coverage
from ingest.extract import PDF_SUFFIX, ExtractionError, extract_lines
from ingest.files import (
    NOT_REGULAR,
    FileTooLargeError,
    NotRegularFileError,
    document_id,
    hash_regular_file,
    is_regular_file,
    name_problem,
    printable_path,
)
from ingest.language import UNDETERMINED, detect_language
from ingest.limits import DEFAULT_MAX_BYTES, Budget, IngestLimits, LimitExceededError
from ingest.metadata import (
    MAX_SIDECAR_TEXT,
    MetadataError,
    has_sidecar,
    load_meta,
    sidecar_password,
    sidecar_path,
)
from ingest.pdf_process import extract_in_child
from ingest.structure import parse_structure
from ingest.types import DocumentMeta, Line, ParsedDocument, Unit

SUPPORTED_SUFFIXES = frozenset({".pdf", ".txt", ".md", ".docx"})
# Attribution and licence files that sit beside the documents in a corpus folder.
NON_DOCUMENT_NAMES = frozenset({"readme.md", "sources.md", "license", "license.md", "license.txt"})
# Bumped whenever extraction, parsing or chunking changes what a document produces, so that an
# unchanged file is still re-indexed after such a change.
# 2: guide sections, chapter units, heading paths; 3: no invented name line; 4: NFC document
# ids, a document without a sidecar titled by its first line, structure and words of the
# region's languages (Pasal, Điều, มาตรา, 第…条; ICU words); 5: notes of an exchange of notes and
# their annexes, annex articles, more annex words, "##Title" Markdown headings
PIPELINE_VERSION = "5"

__all__ = [
    "IngestError",
    "IngestLimits",
    "chunk_document",
    "content_hash",
    "discover",
    "document_id",
    "parse_document",
]


class IngestError(Exception):
    """A file that could not be ingested, with the reason a maintainer can act on."""

    def __init__(self, path: Path | str, reason: str) -> None:
        # A name that is not UTF-8 is shown escaped: SQLite, JSON and terminals refuse it raw.
        shown = printable_path(path)
        super().__init__(f"{shown}: {reason}")
        self.path = shown
        self.reason = reason
        # Whether the path names something on disk (a file refused), not a typo: only those
        # go into the index's failure list.
        self.on_disk = os.path.lexists(path)


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[IngestError]]:
    """Expand folders into their document files; report paths that are not documents.

    A file named explicitly is always a candidate (a wrong type fails later with a clear
    reason); inside a folder only supported types are taken and attribution files skipped,
    and a symbolic link to a file outside the folder is reported, not followed. Files that
    would give the same document id (`x-en.txt`, `x-en.pdf`, `sub/x-en.txt`) are all refused
    with a reason naming the others: which one is meant is the maintainer's call.
    """
    found: list[Path] = []
    problems: list[IngestError] = []
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            for child in sorted(path.rglob("*")):
                # Hidden files and folders are work files (uploads in progress, replaced
                # versions kept for roll-back), never documents.
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if hidden or not _is_document_in_folder(child):
                    continue
                bad_name = name_problem(child)
                if bad_name is not None:
                    problems.append(IngestError(child, bad_name))
                    continue
                if child.is_symlink() and not child.resolve().is_relative_to(root):
                    problems.append(
                        IngestError(
                            child, "symbolic link to a file outside the folder: not followed"
                        )
                    )
                    continue
                found.append(child)
        elif is_regular_file(path):
            bad_name = name_problem(path)
            if bad_name is not None:
                problems.append(IngestError(path, bad_name))
            else:
                found.append(path)
        elif path.exists():  # a FIFO would block the first read for ever
            problems.append(IngestError(path, NOT_REGULAR))
        else:
            problems.append(IngestError(path, "no such file or folder"))
    return _refuse_same_stem(found, problems)


def _refuse_same_stem(
    found: list[Path], problems: list[IngestError]
) -> tuple[list[Path], list[IngestError]]:
    by_stem: dict[str, list[Path]] = {}
    for path in found:
        by_stem.setdefault(document_id(path), []).append(path)
    accepted: list[Path] = []
    for path in found:
        same = [other for other in by_stem[document_id(path)] if other != path]
        if not same:
            accepted.append(path)
        elif all(os.path.samefile(other, path) for other in same):
            if by_stem[document_id(path)][0] == path:  # named twice (a folder and its file)
                accepted.append(path)
        else:
            others = ", ".join(str(other) for other in same)
            problems.append(
                IngestError(
                    path,
                    f"same document id {document_id(path)!r} as {others}: keep one file per "
                    "document id (rename or remove the others); none of them is indexed until then",
                )
            )
    return accepted, problems


def _is_document_in_folder(path: Path) -> bool:
    return (
        is_regular_file(path)
        and path.suffix.lower() in SUPPORTED_SUFFIXES
        and path.name.lower() not in NON_DOCUMENT_NAMES
    )


def content_hash(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Hash of the file, its metadata sidecar and the pipeline version.

    The size is checked on the open file before a byte is read, and the file is hashed in
    blocks: a 3 GB file costs neither 3 GB of memory nor the time to read it before it is
    refused. IngestError for a file over `max_bytes` or not a regular file.
    """
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    try:
        hash_regular_file(digest, path, max_bytes=max_bytes)
        sidecar = sidecar_path(path)
        if sidecar is not None and is_regular_file(sidecar):
            hash_regular_file(digest, sidecar, max_bytes=max_bytes)
    except FileTooLargeError as error:
        raise IngestError(path, str(error)) from error
    except NotRegularFileError as error:
        raise IngestError(path, NOT_REGULAR) from error
    return digest.hexdigest()


def parse_document(
    path: Path,
    *,
    password: str | None = None,
    known_hash: str | None = None,
    limits: IngestLimits | None = None,
) -> ParsedDocument:
    """Extract, read the metadata of and parse one file; raise IngestError on any failure.

    `known_hash` is the file's `content_hash` when the caller has just computed it (to decide
    whether to re-index), so the file is not read and hashed twice. `limits` bound the time
    and the amount of text one file may take (a file past one fails, naming the limit).
    """
    budget = Budget(limits or IngestLimits())
    try:
        meta = load_meta(path)
        if path.suffix.lower() == PDF_SUFFIX and budget.limits.pdf_in_child:
            # A pypdf call that never returns is stopped with its process (ingest.pdf_process).
            extracted = extract_in_child(
                path,
                password=password or sidecar_password(path),
                language=meta.language,
                limits=budget.limits,
            )
        else:
            extracted = extract_lines(
                path,
                password=password or sidecar_password(path),
                language=meta.language,
                budget=budget,
            )
        if not has_sidecar(path):
            meta = replace(meta, title=title_line(extracted.lines) or meta.title)
        meta, notes = _with_language(meta, extracted.lines)
        units = parse_structure(extracted.lines, language=meta.language)
        budget.check_time("parsing the structure")
    except MetadataError as error:
        raise IngestError(path, f"sidecar {error.path.name}: {error.reason}") from error
    except (ExtractionError, LimitExceededError) as error:
        raise IngestError(path, _reason(error)) from error
    except OSError as error:
        raise IngestError(path, f"cannot read file: {error.strerror or error}") from error
    if not any(unit.text.strip() for unit in units):
        raise IngestError(path, "no text found in the document")
    coverage = check_coverage(extracted.lines, units)
    notes.append(structure_found(units))
    return ParsedDocument(
        meta=meta,
        units=units,
        content_hash=known_hash or content_hash(path),
        # Absolute, so that a later run from another working directory finds (or misses) it.
        source_path=os.path.abspath(path),
        has_pages=extracted.page_count is not None,
        page_count=extracted.page_count,
        ocr_pages=extracted.ocr_pages,
        line_count=coverage.lines,
        lines_not_in_units=len(coverage.missing),
        running_lines_removed=extracted.running_lines_removed,
        notes=tuple(note for note in notes if note),
    )


def title_line(lines: Sequence[Line]) -> str:
    """The first line with letters: how a document without a sidecar is titled (an upload's
    title is its heading, not its file name)."""
    for line in lines[:50]:
        text = " ".join(line.text.split())
        if any(ch.isalpha() for ch in text):
            return text[:MAX_SIDECAR_TEXT]
    return ""


def _with_language(meta: DocumentMeta, lines: Sequence[Line]) -> tuple[DocumentMeta, list[str]]:
    """The metadata with the language detected from the text when nothing gave it, and a note
    saying so (or that it could not be)."""
    if meta.language != UNDETERMINED:
        return meta, []
    detected = detect_language(" ".join(line.text for line in lines[:600]))
    if detected == UNDETERMINED:
        return meta, ["language not recognised; give it in a .meta.json sidecar"]
    return replace(meta, language=detected), [
        f"language detected from the text: {detected} (no sidecar gives it)"
    ]


# Units that give a citation a number: a treaty's articles, a guide's numbered sections and
# chapters ("2.3.1 Vertrektermijn", "A3 Vertrek en uitzetting"), the notes of an exchange of
# notes ("Note II").
_NUMBERED_KINDS = frozenset({"article", "section", "chapter", "note"})


def structure_found(units: Sequence[Unit]) -> str:
    """A warning when no numbered structure (articles, or a guide's numbered sections or
    chapters) was recognised ("" when it was)."""
    if any(unit.kind in _NUMBERED_KINDS and unit.number for unit in units):
        return ""
    kinds = sorted({unit.kind for unit in units})
    return (
        "warning: no articles recognised; the text is indexed as "
        f"{len(units)} unit(s) ({', '.join(kinds)}), so search cites no article numbers"
    )


def _reason(error: Exception) -> str:
    return str(getattr(error, "reason", None) or error)
