"""Vectors shipped beside a corpus, so a fresh index parses the corpus but need not embed it.

Embedding is nearly all of a first ingest's time (minutes on two cores), while parsing the
shipped corpus takes seconds. A folder may therefore carry `.embeddings/<model key>.npz`: the
document vectors of its chunks, keyed by a digest of the model's name and the exact chunk text,
so a vector is reused only for the very text and model it was computed from. Anything not
covered (an added file, a changed pipeline that changes chunk texts, another model) is embedded
as usual. A JSON file beside it records the archive's SHA-256, the pipeline version and the
count; an archive whose checksum does not match is ignored (and said so), never half-trusted.

The folder is hidden, so `discover` never takes it for a document.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.durable import file_sha256

log = logging.getLogger(__name__)

SHIPPED_DIR = ".embeddings"
_KEY_BYTES = 16  # 128-bit digests: no collision among a corpus's chunks


def text_key(model_name: str, text: str) -> bytes:
    """The lookup key of one chunk text embedded by one model."""
    digest = hashlib.sha256(model_name.encode("utf-8") + b"\0" + text.encode("utf-8"))
    return digest.digest()[:_KEY_BYTES]


def shipped_paths(folder: Path, model_key: str) -> tuple[Path, Path]:
    """The archive and its description for `model_key` ("e5", "minilm") inside `folder`."""
    base = folder / SHIPPED_DIR
    return base / f"{model_key}.npz", base / f"{model_key}.json"


@dataclass(frozen=True)
class ShippedVectorsInfo:
    """What the description file says about an archive."""

    model: str
    pipeline_version: str
    count: int
    sha256: str


class ShippedVectors:
    """Document vectors looked up by (model, chunk text); read-only once loaded."""

    def __init__(self, *, model: str, keys: np.ndarray, vectors: np.ndarray) -> None:
        self.model = model
        self._rows = {bytes(key): row for row, key in enumerate(keys)}
        self._vectors = vectors

    def __len__(self) -> int:
        return len(self._rows)

    def lookup(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        """The shipped vector of each text, or None where none was shipped."""
        found: list[np.ndarray | None] = []
        for text in texts:
            row = self._rows.get(text_key(self.model, text))
            found.append(None if row is None else self._vectors[row])
        return found

    def covers(self, texts: Iterable[str]) -> list[str]:
        """The texts (of `texts`) this archive has no vector for."""
        return [text for text in texts if text_key(self.model, text) not in self._rows]


def read_info(folder: Path, model_key: str) -> ShippedVectorsInfo | None:
    _, info_path = shipped_paths(folder, model_key)
    try:
        raw = json.loads(info_path.read_text(encoding="utf-8"))
        return ShippedVectorsInfo(
            model=str(raw["model"]),
            pipeline_version=str(raw["pipeline_version"]),
            count=int(raw["count"]),
            sha256=str(raw["sha256"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load_shipped(folder: Path, *, model_key: str, model_name: str) -> ShippedVectors | None:
    """The vectors shipped in `folder` for this model; None if absent, damaged or another model."""
    archive, _ = shipped_paths(folder, model_key)
    if not archive.is_file():
        return None
    info = read_info(folder, model_key)
    if info is None or info.model != model_name:
        log.warning("ignoring %s: its description is missing or names another model", archive)
        return None
    if file_sha256(archive) != info.sha256:
        log.warning("ignoring %s: its checksum does not match %s.json", archive, model_key)
        return None
    try:
        with np.load(archive, allow_pickle=False) as data:
            keys = np.asarray(data["keys"], dtype=np.uint8)
            vectors = np.asarray(data["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError) as error:
        log.warning("ignoring %s: %s", archive, error)
        return None
    if keys.shape != (info.count, _KEY_BYTES) or len(vectors) != info.count:
        log.warning(
            "ignoring %s: it does not hold the %d vectors it describes", archive, info.count
        )
        return None
    return ShippedVectors(model=model_name, keys=keys, vectors=vectors)


def write_shipped(
    folder: Path,
    *,
    model_key: str,
    model_name: str,
    pipeline_version: str,
    texts: Sequence[str],
    vectors: np.ndarray,
) -> ShippedVectorsInfo:
    """Write the archive and its description atomically (temporary file, then rename)."""
    if len(texts) != len(vectors):
        raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
    unique: dict[bytes, int] = {}
    for row, text in enumerate(texts):
        unique.setdefault(text_key(model_name, text), row)
    ordered = sorted(unique)  # a stable file for stable input: reviewable diffs of its size only
    keys = np.frombuffer(b"".join(ordered), dtype=np.uint8).reshape(len(ordered), _KEY_BYTES)
    rows = np.asarray(vectors, dtype=np.float32)[[unique[key] for key in ordered]]
    archive, info_path = shipped_paths(folder, model_key)
    archive.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=archive.parent, prefix=f".{archive.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez_compressed(out, keys=keys, vectors=rows)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; it is a file to commit and share
        os.replace(temporary, archive)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    info = ShippedVectorsInfo(
        model=model_name,
        pipeline_version=pipeline_version,
        count=len(ordered),
        sha256=file_sha256(archive),
    )
    body = json.dumps(info.__dict__, indent=2, sort_keys=True) + "\n"
    staged = info_path.with_name(f".{info_path.name}.tmp")
    staged.write_text(body, encoding="utf-8")
    os.replace(staged, info_path)
    return info


def shipped_in(paths: Iterable[Path], *, model_key: str, model_name: str) -> ShippedVectors | None:
    """The shipped vectors of the first folder among `paths` that has some for this model."""
    for path in paths:
        if path.is_dir():
            found = load_shipped(path, model_key=model_key, model_name=model_name)
            if found is not None:
                return found
    return None
