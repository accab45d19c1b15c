"""`manifest.json`: the index folder's own description (model, counts, generation, checksum).

Like a txtai index folder, the folder says how it was built, so a reader knows which model
to load and whether the derived `vectors.faiss` cache belongs to the current SQLite state.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from index.durable import fsync_path
from ingest.files import read_regular_bytes

MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Manifest:
    model: str | None
    dimension: int | None
    generation: int
    vectors_sha256: str
    documents: int
    units: int
    chunks: int
    indexed_at: str | None
    versions: dict[str, str] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    # The FAISS layout of vectors.faiss and its parameters (index.storage.vectors.IndexLayout).
    vector_index: dict[str, object] = field(default_factory=dict)
    # The database this cache was built from (index.binding); None for older manifests.
    index_id: str | None = None

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def utc_now() -> str:
    """Current time as a second-precision UTC ISO string ("2025-01-31T12:00:00+00:00")."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def runtime_versions() -> dict[str, str]:
    """Versions of the libraries every index depends on (the embedder adds its own)."""
    import faiss
    import numpy

    return {
        "python": platform.python_version(),
        "faiss": faiss.__version__,
        "numpy": numpy.__version__,
    }


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` so that readers see either the old file or the complete new one.

    tmp file in the same folder, fsync, os.replace, then fsync the folder so the rename itself
    survives a crash.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    fsync_path(path.parent)


def write_manifest(folder: Path, manifest: Manifest) -> None:
    text = json.dumps(manifest.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write_bytes(folder / MANIFEST_FILE, text.encode("utf-8"))


def read_manifest(folder: Path) -> Manifest | None:
    """The folder's manifest, or None when it is missing or unreadable (then it is rewritten)."""
    try:
        # A FIFO in its place must not block the reader (ingest.files.open_regular).
        raw = json.loads(read_regular_bytes(folder / MANIFEST_FILE, max_bytes=1 << 20))
        versions = raw.get("versions") or {}
        return Manifest(
            model=raw.get("model"),
            dimension=raw.get("dimension"),
            generation=int(raw["generation"]),
            vectors_sha256=str(raw["vectors_sha256"]),
            documents=int(raw["documents"]),
            units=int(raw["units"]),
            chunks=int(raw["chunks"]),
            indexed_at=raw.get("indexed_at"),
            versions={str(k): str(v) for k, v in versions.items()},
            format_version=int(raw.get("format_version", FORMAT_VERSION)),
            vector_index=dict(raw.get("vector_index") or {}),
            index_id=None if raw.get("index_id") is None else str(raw["index_id"]),
        )
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OverflowError,
        RecursionError,
    ):
        # e.g. "chunks": 1e999 (int(inf) overflows) or JSON nested beyond Python's limit
        return None
