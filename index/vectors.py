"""The FAISS side of the index: exact inner-product search over stable 64-bit chunk ids.

`IndexIDMap2(IndexFlatIP)` is exact (a few thousand chunks need nothing cleverer), keeps our
own chunk ids, and can remove ids, so an update touches only the changed document. The file
`vectors.faiss` is a derived cache: its bytes are checksummed before FAISS ever parses them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.errors import VectorCacheError
from index.manifest import atomic_write_bytes

VECTORS_FILE = "vectors.faiss"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class VectorIndex:
    """An in-memory exact index; not thread-safe on its own (the Collection serialises access)."""

    def __init__(self, dimension: int, *, index: Any = None) -> None:
        self.dimension = dimension
        # Any: faiss's own stubs type every index as the base `Index` (no id_map, no params).
        self._index: Any = (
            index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        )

    @classmethod
    def build(cls, dimension: int, ids: np.ndarray, vectors: np.ndarray) -> VectorIndex:
        built = cls(dimension)
        built.add(ids, vectors)
        return built

    @property
    def ntotal(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        matrix = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
        self._index.add_with_ids(matrix, np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: np.ndarray) -> int:
        if len(ids) == 0:
            return 0
        return int(self._index.remove_ids(np.ascontiguousarray(ids, dtype=np.int64)))

    def ids(self) -> np.ndarray:
        return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def vectors(self) -> np.ndarray:
        """All stored vectors, in the same order as `ids()`."""
        if self.ntotal == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._index.index.reconstruct_n(0, self.ntotal)

    def search(
        self, query: np.ndarray, k: int, *, allowed_ids: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of the best k, best first; `allowed_ids` restricts the candidates.

        The restriction is an IDSelector, so FAISS ranks only allowed chunks: a filter never
        leaves fewer than k hits just because the unfiltered top-k lay elsewhere.
        """
        if self.ntotal == 0 or k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        matrix = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dimension)
        k = min(k, self.ntotal)
        if allowed_ids is None:
            scores, ids = self._index.search(matrix, k)
        else:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed_ids, dtype=np.int64))
            params: Any = faiss.SearchParameters()
            params.sel = selector
            scores, ids = self._index.search(matrix, k, params=params)
        found = ids[0] != -1  # FAISS pads with -1 when fewer than k candidates exist
        return scores[0][found], ids[0][found]

    def to_bytes(self) -> bytes:
        return bytes(faiss.serialize_index(self._index))

    def save(self, path: Path) -> str:
        """Write atomically; return the sha256 of the bytes written (for the manifest)."""
        data = self.to_bytes()
        atomic_write_bytes(path, data)
        return sha256_hex(data)

    @classmethod
    def load(cls, path: Path, *, expected_sha256: str, dimension: int) -> VectorIndex:
        """Load a cache file whose checksum matches, else raise VectorCacheError."""
        try:
            data = path.read_bytes()
        except OSError as error:
            raise VectorCacheError(f"{path}: cannot read ({error.strerror})") from error
        if sha256_hex(data) != expected_sha256:
            raise VectorCacheError(f"{path}: checksum does not match the manifest")
        try:
            index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError as error:
            raise VectorCacheError(f"{path}: not a FAISS index ({error})") from error
        if not isinstance(index, faiss.IndexIDMap2) or index.d != dimension:
            raise VectorCacheError(f"{path}: not an IndexIDMap2 of dimension {dimension}")
        return cls(dimension, index=index)
