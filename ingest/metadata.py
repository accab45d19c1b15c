"""Catalogue metadata of a corpus document, read from its `<stem>.meta.json` sidecar."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from ingest.files import (
    NOT_REGULAR,
    FileTooLargeError,
    NotRegularFileError,
    document_id,
    name_too_long,
    read_regular_bytes,
)
from ingest.types import DOCUMENT_KINDS, INSTRUMENT_TYPES, DocumentMeta, document_kind

SIDECAR_SUFFIX = ".meta.json"

# A doc_id ending in "-nl", "-en", ... names the language of the text.
LANGUAGE_SUFFIX = re.compile(r"-([a-z]{2})$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A sidecar is a few hundred bytes of catalogue facts; anything far bigger is not one.
MAX_SIDECAR_BYTES = 100_000
# Longest accepted string value (a title, a party, a place, a URL).
MAX_SIDECAR_TEXT = 2_000
MAX_PARTIES = 100
YEAR_RANGE = (1, 9999)

# Sidecar keys copied one-to-one into DocumentMeta when present (all optional strings).
OPTIONAL_TEXT_FIELDS = (
    "place_signed",
    "official_reference",
    "source_url",
    "licence",
    "original_title",
)


# A group name in a sidecar's "visibility": {"groups": [...]}.
GROUP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class MetadataError(ValueError):
    """A sidecar exists but cannot be used; says which file and why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def sidecar_path(document_path: Path) -> Path | None:
    """Where the document's sidecar would be; None when that name is too long for a file
    system (a document name of 246-255 bytes): then it has none."""
    path = document_path.with_name(document_path.stem + SIDECAR_SUFFIX)
    return None if name_too_long(path) else path


def has_sidecar(document_path: Path) -> bool:
    path = sidecar_path(document_path)
    return path is not None and os.path.lexists(path)


def guess_language(stem: str) -> str:
    match = LANGUAGE_SUFFIX.search(stem)
    return match.group(1) if match else "und"


def load_meta(path: Path, *, fallback_title: str | None = None) -> DocumentMeta:
    """Catalogue facts for the document at `path` (a .txt/.pdf in the corpus).

    Without a sidecar the document still gets usable metadata: its stem as doc_id, the
    `fallback_title` (e.g. the first text line) or the stem as title, and a language guessed
    from a `-xx` stem suffix ("und" when there is none).
    """
    meta_path = sidecar_path(path)
    doc_id = document_id(path)
    if meta_path is None or not os.path.lexists(meta_path):
        return DocumentMeta(
            doc_id=doc_id,
            title=(fallback_title or "").strip() or doc_id,
            language=guess_language(doc_id),
        )
    return _meta_from_sidecar(meta_path, _read_sidecar(meta_path), stem=doc_id)


def sidecar_password(path: Path) -> str | None:
    """The PDF password stored in the document's sidecar, if any.

    Kept out of DocumentMeta on purpose so that it never travels into indexes or results.
    """
    meta_path = sidecar_path(path)
    if meta_path is None or not os.path.lexists(meta_path):
        return None
    password = _read_sidecar(meta_path).get("password")
    if password is not None and not isinstance(password, str):
        raise MetadataError(meta_path, "'password' must be a string")
    return password


def _read_sidecar(meta_path: Path) -> dict[str, Any]:
    try:
        data = read_regular_bytes(meta_path, max_bytes=MAX_SIDECAR_BYTES)
    except FileTooLargeError as error:
        raise MetadataError(
            meta_path, f"{error.size} bytes exceeds MAX_SIDECAR_BYTES={MAX_SIDECAR_BYTES}"
        ) from error
    except NotRegularFileError as error:
        raise MetadataError(meta_path, NOT_REGULAR) from error
    try:
        # utf-8-sig: Windows editors (Notepad) start UTF-8 files with a byte order mark.
        raw = json.loads(data.decode("utf-8-sig"))
    except RecursionError as error:
        raise MetadataError(meta_path, "JSON nested too deeply") from error
    except UnicodeDecodeError as error:
        raise MetadataError(meta_path, f"not UTF-8 text ({error.reason})") from error
    except json.JSONDecodeError as error:
        raise MetadataError(
            meta_path, f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from error
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise MetadataError(meta_path, f"unreadable JSON value ({error})") from error
    if not isinstance(raw, dict):
        raise MetadataError(meta_path, f"expected a JSON object, got {type(raw).__name__}")
    _check_string_lengths(meta_path, raw)
    return raw


def _check_string_lengths(meta_path: Path, raw: dict[str, Any]) -> None:
    for key, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if isinstance(value, list) and len(value) > MAX_PARTIES:
            raise MetadataError(
                meta_path, f"'{key}' has {len(value)} items, over MAX_PARTIES={MAX_PARTIES}"
            )
        for item in values:
            if isinstance(item, str) and len(item) > MAX_SIDECAR_TEXT:
                raise MetadataError(
                    meta_path,
                    f"'{key}' is {len(item)} characters long, over "
                    f"MAX_SIDECAR_TEXT={MAX_SIDECAR_TEXT}",
                )


def _meta_from_sidecar(meta_path: Path, raw: dict[str, Any], *, stem: str) -> DocumentMeta:
    doc_id = raw.get("doc_id", stem)
    if isinstance(doc_id, str):
        doc_id = unicodedata.normalize("NFC", doc_id)
    if doc_id != stem:
        raise MetadataError(meta_path, f"doc_id {doc_id!r} does not match the file stem {stem!r}")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise MetadataError(meta_path, "missing or empty 'title'")
    language = raw.get("language", guess_language(stem))
    if not isinstance(language, str) or not language:
        raise MetadataError(meta_path, "'language' must be a non-empty string")
    instrument_type = raw.get("instrument_type", "bilateral agreement")
    if instrument_type not in INSTRUMENT_TYPES:
        raise MetadataError(
            meta_path,
            f"unknown instrument_type {instrument_type!r} (expected one of {INSTRUMENT_TYPES})",
        )
    kind = raw.get("kind")
    if kind is not None and kind != document_kind(instrument_type):
        raise MetadataError(
            meta_path,
            f"'kind' {kind!r} does not fit instrument_type {instrument_type!r} "
            f"(expected {document_kind(instrument_type)!r}; kinds: {DOCUMENT_KINDS})",
        )
    parties = raw.get("parties", [])
    if not isinstance(parties, list) or not all(isinstance(p, str) for p in parties):
        raise MetadataError(meta_path, "'parties' must be a list of strings")
    date_signed = raw.get("date_signed")
    if date_signed is not None and not (
        isinstance(date_signed, str) and ISO_DATE.match(date_signed)
    ):
        raise MetadataError(
            meta_path, f"'date_signed' must be YYYY-MM-DD or null, got {date_signed!r}"
        )
    year = raw.get("year")
    if year is not None and (
        isinstance(year, bool)
        or not isinstance(year, int)
        or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]
    ):
        raise MetadataError(
            meta_path,
            f"'year' must be an integer from {YEAR_RANGE[0]} to {YEAR_RANGE[1]} or null, "
            f"got {str(year)[:40]!r}",
        )
    optional: dict[str, str | None] = {}
    for key in OPTIONAL_TEXT_FIELDS:
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise MetadataError(meta_path, f"'{key}' must be a string or null")
        optional[key] = value
    return DocumentMeta(
        doc_id=doc_id,
        title=title.strip(),
        visibility=parse_visibility(meta_path, raw.get("visibility", "public")),
        language=language,
        instrument_type=instrument_type,
        parties=tuple(parties),
        date_signed=date_signed,
        year=year,
        **optional,
    )


def parse_visibility(meta_path: Path, value: Any) -> tuple[str, ...]:
    """`"public"` → (); `{"groups": ["g1", ...]}` → the sorted group names (at least one)."""
    if value == "public":
        return ()
    if not isinstance(value, dict) or set(value) != {"groups"}:
        raise MetadataError(meta_path, 'visibility must be "public" or {"groups": ["group", ...]}')
    groups = value["groups"]
    if not isinstance(groups, list) or not groups:
        raise MetadataError(meta_path, "'visibility' groups must be a non-empty list")
    for group in groups:
        if not isinstance(group, str) or not GROUP_NAME.match(group):
            raise MetadataError(
                meta_path,
                f"invalid group name {group!r} in 'visibility' (letters, digits, . _ -)",
            )
    return tuple(sorted(set(groups)))
