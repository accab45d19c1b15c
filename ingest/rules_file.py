"""Reading the shipped rule data files (taxonomy, glossary, placeholders) strictly.

The rules are data so that a domain expert can edit them without touching code; a file that is
missing or malformed must stop the program with a message naming the file and the bad entry,
never fall back to empty rules (search and clause figures would silently get worse).
`fingerprint` is what the index records to notice later that the rules changed.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

MISSING = "missing (the package is incomplete; reinstall it)"


class RulesFileError(ValueError):
    """A rule data file is missing, unreadable or has an invalid entry."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"rules file {path}: {problem}")
        self.path = path
        self.problem = problem


def read_rules_file(path: Path) -> dict[str, Any]:
    """The parsed top-level table of a `.toml` or `.json` rules file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RulesFileError(path, MISSING) from None
    except OSError as error:
        raise RulesFileError(path, f"cannot be read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
        parsed: object = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        kind = path.suffix.lstrip(".").upper()
        raise RulesFileError(path, f"not valid {kind}: {error}") from None
    if not isinstance(parsed, dict):
        raise RulesFileError(path, "the top level must be a table of entries")
    return parsed


def fingerprint(paths: Iterable[Path]) -> str:
    """sha256 over the files' names and bytes (a missing file raises `RulesFileError`)."""
    digest = hashlib.sha256()
    for path in paths:
        try:
            content = path.read_bytes()
        except OSError:
            raise RulesFileError(path, MISSING) from None
        digest.update(path.name.encode("utf-8") + b"\0" + content + b"\0")
    return digest.hexdigest()


def string_tuple(path: Path, where: str, value: object) -> tuple[str, ...]:
    """`value` as a tuple of non-empty strings, or a `RulesFileError` naming the entry."""
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise RulesFileError(path, f"{where} must be a list of non-empty strings")
    return tuple(value)


def string_map(path: Path, where: str, value: object) -> dict[str, str]:
    """`value` as a mapping of strings to non-empty strings, or a `RulesFileError`."""
    if not isinstance(value, Mapping) or not all(
        isinstance(item, str) and item for item in value.values()
    ):
        raise RulesFileError(path, f"{where} must be a table of non-empty strings")
    return {str(key): str(item) for key, item in value.items()}
