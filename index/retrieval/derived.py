"""Small files derived from an index folder's database, one per generation, beside it.

`<prefix><generation>.json` holds what a search would otherwise recompute from every document or
chunk in each new process (index.retrieval.signals, index.retrieval.headings), with the key it
was computed for: format version, generation, index id (index.binding) and whatever else it
depends on. A file whose key differs in anything (an older generation, another index's file
copied in, another glossary) or that cannot be read is ignored and recomputed, never trusted;
writing is best effort (a read-only or full disk only means the next process recomputes).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from index.durable import remove_stale
from index.storage.manifest import atomic_write_bytes
from ingest.files import read_regular_bytes

_MAX_FILE_BYTES = 1 << 30


def derived_path(folder: Path, prefix: str, generation: int) -> Path:
    return folder / f"{prefix}{generation}.json"


def read_derived(path: Path, *, key: Mapping[str, Any]) -> dict[str, Any] | None:
    """The saved file's content if it was computed for exactly `key`, else None."""
    try:
        raw = json.loads(read_regular_bytes(path, max_bytes=_MAX_FILE_BYTES))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(raw, dict) or any(raw.get(name) != value for name, value in key.items()):
        return None
    return raw


def save_derived(
    path: Path, *, prefix: str, key: Mapping[str, Any], content: Mapping[str, Any]
) -> None:
    """Write `content` under `key` atomically, then remove the files of other generations."""
    text = json.dumps({**content, **key}, ensure_ascii=False)
    with contextlib.suppress(OSError):
        atomic_write_bytes(path, text.encode("utf-8"))
        for old in path.parent.glob(f"{prefix}*.json"):
            if old.name != path.name:
                old.unlink(missing_ok=True)
        # Temp files of a killed writer, surely abandoned after an hour.
        remove_stale(path.parent.glob(f".{prefix}*.tmp"), older_than=time.time() - 3600)


def strings(values: Any) -> tuple[str, ...]:
    """A JSON list of strings as a tuple (TypeError for anything else)."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TypeError("expected a list of strings")
    return tuple(values)
