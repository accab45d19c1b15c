"""The FAISS side of the index: inner-product search over stable 64-bit chunk ids.

The kind of index follows the collection's size (`choose_layout`):
- below `EXACT_BELOW` chunks, `IndexIDMap2(IndexFlatIP)`: exact, and a scan of a few tens of
  thousands of vectors takes a few milliseconds;
- from there on, `IndexIVFFlat` (inverted lists over k-means cells, full vectors kept): a query
  scans only `nprobe` of the `nlist` cells. `nprobe` is calibrated when the index is built, on
  held-out points of the collection itself, to the smallest value that reaches
  `TARGET_RECALL` recall@10 against exact search. IVF keeps our chunk ids and can add and
  remove ids (with a hash-table direct map), so an update still touches only the changed
  document; when the collection has grown or shrunk past the layout it was built for, the
  caller rebuilds it (`needs_rebuild`). docs/performance.md shows why the threshold is where it is.

`vectors.faiss` is a derived cache: its bytes are checksummed before FAISS ever parses them,
unless the file is still the very one whose checksum was verified before (index.storage.verified).

An IVF index is memory-mapped when loaded (FAISS's `IO_FLAG_MMAP`): its inverted lists, nearly
all of the file (1.6 GB at a million chunks), stay in the page cache and only the cells a query
probes are read, so opening costs the small rest of the file, not a read of all of it. The
mapping is read-only; the first change (`add`, `remove`, `save`) copies the lists into memory
first. Readmit replaces the file by renaming a new one over it, so a mapping of the old file
stays valid; a program that truncated the file in place under a running process would crash it.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

import faiss
import numpy as np

from index.durable import file_sha256, fsync_path
from index.errors import VectorCacheError
from index.storage.verified import OPEN_CHECKS, VECTORS_SHA256, FileIdentity
from ingest.files import open_regular

VECTORS_FILE = "vectors.faiss"
_FAISS: Any = faiss  # parts of the SWIG module its stubs do not declare
# An IVF index's inverted lists are mapped read-only, not read (a flat index is read whole).
MMAP_FLAGS = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY
# Where exact search stops being cheap enough: a flat scan costs ~1.5 ms per 10k vectors of 384
# dimensions per query on the 2-core reference machine, and a hybrid search runs two dense
# queries (docs/performance.md, "Why the threshold").
EXACT_BELOW = 50_000
TARGET_RECALL = 0.97  # calibrated on the collection; the benchmark checks real queries ≥ 0.95
_CALIBRATION_QUERIES = 200
_CALIBRATION_NOISE = 1.2
_TRAINING_POINTS_PER_CELL = 40
_SEED = 1234


@dataclass(frozen=True)
class IndexLayout:
    """Which FAISS index a collection uses, with its parameters (recorded in the manifest)."""

    kind: str  # "flat" (exact) or "ivf"
    nlist: int = 0
    nprobe: int = 0
    calibrated_recall_at_10: float | None = None
    built_for: int = 0  # chunks at the time of the build

    def to_json(self) -> dict[str, object]:
        return {name: value for name, value in asdict(self).items() if value not in (None, 0)}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> IndexLayout:
        recall = raw.get("calibrated_recall_at_10")
        return cls(
            kind=str(raw.get("kind", "flat")),
            nlist=int(raw.get("nlist", 0)),
            nprobe=int(raw.get("nprobe", 0)),
            calibrated_recall_at_10=None if recall is None else float(recall),
            built_for=int(raw.get("built_for", 0)),
        )


def choose_layout(count: int, *, exact_below: int | None = None) -> IndexLayout:
    """Exact below the threshold; IVF with about 4·√n cells (a power of two) above it."""
    if count < (EXACT_BELOW if exact_below is None else exact_below):
        return IndexLayout(kind="flat", built_for=count)
    nlist = 2 ** round(math.log2(4 * math.sqrt(max(count, 1))))
    # k-means wants ~40 training points per cell; a tiny collection gets fewer cells.
    nlist = max(1, min(nlist, count // _TRAINING_POINTS_PER_CELL))
    return IndexLayout(kind="ivf", nlist=nlist, built_for=count)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class VectorIndex:
    """An in-memory index; not thread-safe on its own (the Collection serialises access)."""

    def __init__(
        self, dimension: int, *, index: Any = None, layout: IndexLayout | None = None
    ) -> None:
        self.dimension = dimension
        # Any: faiss's own stubs type every index as the base `Index` (no id_map, no params).
        self._index: Any = (
            index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        )
        self.layout = layout or self._layout_of_index()
        # The file this index was loaded from, when `load` checksummed it (None: not hashed,
        # or not loaded from a file): the caller records it as verified.
        self.checksummed_file: FileIdentity | None = None
        # True while the inverted lists are a read-only memory map of the file (`load`).
        self.mapped = _has_mapped_lists(self._index)

    def _layout_of_index(self) -> IndexLayout:
        if isinstance(self._index, faiss.IndexIVFFlat):
            return IndexLayout(
                kind="ivf",
                nlist=int(self._index.nlist),
                nprobe=int(self._index.nprobe),
                built_for=self.ntotal,
            )
        return IndexLayout(kind="flat", built_for=self.ntotal)

    @classmethod
    def build(
        cls,
        dimension: int,
        ids: np.ndarray,
        vectors: np.ndarray,
        *,
        exact_below: int | None = None,
    ) -> VectorIndex:
        layout = choose_layout(len(ids), exact_below=exact_below)
        if layout.kind == "flat":
            built = cls(dimension, layout=layout)
            built.add(ids, vectors)
            return built
        matrix = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), dimension)
        return cls._build_ivf(dimension, np.ascontiguousarray(ids, dtype=np.int64), matrix, layout)

    @classmethod
    def _build_ivf(
        cls, dimension: int, ids: np.ndarray, matrix: np.ndarray, layout: IndexLayout
    ) -> VectorIndex:
        rng = np.random.default_rng(_SEED)
        quantizer: Any = faiss.IndexFlatIP(dimension)
        index = faiss.IndexIVFFlat(quantizer, dimension, layout.nlist, faiss.METRIC_INNER_PRODUCT)
        index.own_fields = True
        quantizer.this.disown()  # the IVF index frees its quantizer
        sample_size = min(len(ids), layout.nlist * _TRAINING_POINTS_PER_CELL)
        sample = matrix[np.sort(rng.choice(len(ids), size=sample_size, replace=False))]
        index.train(sample)
        # A hash-table direct map: reconstruct and remove by our (sparse, 64-bit) chunk ids.
        index.set_direct_map_type(_FAISS.DirectMap.Hashtable)
        index.add_with_ids(matrix, ids)
        nprobe, recall = _calibrate_nprobe(index, ids, matrix, rng)
        index.nprobe = nprobe
        return cls(
            dimension,
            index=index,
            layout=IndexLayout(
                kind="ivf",
                nlist=layout.nlist,
                nprobe=nprobe,
                calibrated_recall_at_10=round(recall, 4),
                built_for=len(ids),
            ),
        )

    @property
    def ntotal(self) -> int:
        return int(self._index.ntotal)

    def needs_rebuild(self, *, exact_below: int | None = None) -> bool:
        """True when the collection has outgrown (or shrunk below) the layout it was built for."""
        wanted = choose_layout(self.ntotal, exact_below=exact_below)
        if wanted.kind != self.layout.kind:
            return True
        return wanted.kind == "ivf" and not (
            wanted.nlist // 2 <= self.layout.nlist <= wanted.nlist * 2
        )

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        self._copy_into_memory()
        matrix = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
        self._index.add_with_ids(matrix, np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: np.ndarray) -> int:
        if len(ids) == 0:
            return 0
        self._copy_into_memory()
        return int(self._index.remove_ids(np.ascontiguousarray(ids, dtype=np.int64)))

    def _copy_into_memory(self) -> None:
        """Replace memory-mapped inverted lists by an in-memory copy, in the same order (so
        the direct map's (list, offset) entries stay right): FAISS aborts the process, not
        raises, on a write to a read-only mapping."""
        if not self.mapped:
            return
        mapped = self._index.invlists
        copy: Any = faiss.ArrayInvertedLists(self._index.nlist, self._index.code_size)
        for cell in range(self._index.nlist):
            size = mapped.list_size(cell)
            if size:
                copy.add_entries(cell, size, mapped.get_ids(cell), mapped.get_codes(cell))
        copy.this.disown()  # the index owns it from here on
        self._index.replace_invlists(copy, True)  # frees the mapped lists (unmaps the file)
        self.mapped = False

    def ids(self) -> np.ndarray:
        if self.layout.kind == "ivf":
            return np.concatenate(
                [np.zeros(0, dtype=np.int64)] + [ids for ids, _ in self._ivf_lists()]
            )
        return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def vectors(self) -> np.ndarray:
        """All stored vectors, in the same order as `ids()`."""
        if self.ntotal == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.layout.kind == "ivf":
            return np.vstack([vectors for _, vectors in self._ivf_lists()])
        return np.asarray(self._index.index.reconstruct_n(0, self.ntotal), dtype=np.float32)

    def _ivf_lists(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(ids, vectors) of every non-empty inverted list, copied out of FAISS."""
        invlists = self._index.invlists
        parts = []
        for cell in range(self._index.nlist):
            size = invlists.list_size(cell)
            if size == 0:
                continue
            ids = faiss.rev_swig_ptr(invlists.get_ids(cell), size).astype(np.int64)
            codes = faiss.rev_swig_ptr(invlists.get_codes(cell), size * self._index.code_size)
            parts.append((ids, np.frombuffer(codes.tobytes(), dtype=np.float32).reshape(size, -1)))
        return parts

    def search(
        self, query: np.ndarray, k: int, *, allowed_ids: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids) of the best k, best first; `allowed_ids` restricts the candidates.

        The restriction is applied inside FAISS (an IDSelector) or, for a small allowed set in
        an IVF index, by exact search over just those vectors: a filter never leaves fewer than
        k hits just because the unfiltered top-k lay elsewhere.
        """
        if self.ntotal == 0 or k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        matrix = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dimension)
        k = min(k, self.ntotal)
        if allowed_ids is None:
            scores, ids = self._index.search(matrix, k)
        elif self.layout.kind == "ivf":
            return self._search_ivf_filtered(matrix, k, allowed_ids)
        else:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed_ids, dtype=np.int64))
            params: Any = faiss.SearchParameters()
            params.sel = selector
            scores, ids = self._index.search(matrix, k, params=params)
        found = ids[0] != -1  # FAISS pads with -1 when fewer than k candidates exist
        return scores[0][found], ids[0][found]

    def _search_ivf_filtered(
        self, matrix: np.ndarray, k: int, allowed_ids: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        allowed = np.unique(np.ascontiguousarray(allowed_ids, dtype=np.int64))
        if len(allowed) < EXACT_BELOW:  # as cheap as the IVF probe, and exact
            present, vectors = self._reconstruct_present(allowed)
            if not len(present):
                return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
            scores = vectors @ matrix[0]
            top = np.argsort(-scores, kind="stable")[:k]
            return scores[top].astype(np.float32), present[top]
        # A broad filter: probe proportionally more cells, so about as many allowed vectors are
        # scanned as an unfiltered query scans.
        share = len(allowed) / max(self.ntotal, 1)
        params: Any = faiss.SearchParametersIVF()
        params.sel = faiss.IDSelectorBatch(allowed)
        params.nprobe = min(self._index.nlist, math.ceil(self._index.nprobe / share))
        scores, ids = self._index.search(matrix, k, params=params)
        found = ids[0] != -1
        return scores[0][found], ids[0][found]

    def _reconstruct_present(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of those `ids` the index holds (a writer may have removed some)."""
        try:
            return ids, self._index.reconstruct_batch(ids)
        except RuntimeError:  # some id is missing: fall back to one by one
            kept, rows = [], []
            for chunk_id in ids.tolist():
                try:
                    rows.append(self._index.reconstruct(chunk_id))
                except RuntimeError:
                    continue
                kept.append(chunk_id)
            matrix = np.vstack(rows) if rows else np.zeros((0, self.dimension), np.float32)
            return np.array(kept, dtype=np.int64), matrix

    def save(self, path: Path) -> str:
        """Write atomically; return the sha256 of the bytes written (for the manifest)."""
        # FAISS would write mapped lists as a reference to the mapped file, not their content.
        self._copy_into_memory()
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            os.close(fd)
            _write_index(self._index, tmp_name)  # streams: no second copy in memory
            with open(tmp_name, "rb") as handle:
                os.fsync(handle.fileno())
            checksum = file_sha256(Path(tmp_name))
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        fsync_path(path.parent)
        return checksum

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        expected_sha256: str,
        dimension: int,
        layout: IndexLayout | None = None,
        verified: FileIdentity | None = None,
    ) -> VectorIndex:
        """Load a cache file whose checksum matches, else raise VectorCacheError.

        `verified`: the identity the file had when `expected_sha256` was last checked; a file
        that still has it (as opened, so not one swapped in after a stat) is not hashed again.
        """
        checksummed: FileIdentity | None = None
        try:
            # Regular files only: a FIFO in its place would block open() for ever.
            with open_regular(path) as handle:
                opened = FileIdentity.of_stat(os.fstat(handle.fileno()))
                if verified is None or opened != verified:
                    OPEN_CHECKS[VECTORS_SHA256] += 1
                    digest = hashlib.sha256()
                    for block in iter(lambda: handle.read(1 << 22), b""):
                        digest.update(block)
                    if digest.hexdigest() != expected_sha256:
                        raise VectorCacheError(f"{path}: checksum does not match the manifest")
                    handle.seek(0)
                    checksummed = opened
                index = _read_index(handle, path)
        except OSError as error:
            raise VectorCacheError(f"{path}: cannot read ({error.strerror or error})") from error
        if not isinstance(index, faiss.IndexIDMap2 | faiss.IndexIVFFlat) or index.d != dimension:
            raise VectorCacheError(f"{path}: not a flat or IVF index of dimension {dimension}")
        if index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise VectorCacheError(f"{path}: not an inner-product index")
        loaded = cls(dimension, index=index)
        if layout is not None and layout.kind == loaded.layout.kind:
            loaded.layout = layout  # keeps the calibration figures the manifest recorded
        loaded.checksummed_file = checksummed
        return loaded


def _read_index(handle: BinaryIO, path: Path) -> Any:
    """FAISS's reading of the open file `handle`: memory-mapped through /proc/self/fd (the
    very file checksummed, even if `path` was replaced since), else read in blocks."""
    own_fd = Path(f"/proc/self/fd/{handle.fileno()}")
    if own_fd.exists():
        try:
            return faiss.read_index(str(own_fd), MMAP_FLAGS)
        except RuntimeError:
            handle.seek(0)  # not mappable here, or damaged: the plain read says which
    reader = _FAISS.PyCallbackIOReader(handle.read, 1 << 22)
    try:
        return faiss.read_index(reader)
    except RuntimeError as error:
        raise VectorCacheError(f"{path}: not a FAISS index ({error})") from error


def _has_mapped_lists(index: Any) -> bool:
    if not isinstance(index, faiss.IndexIVF) or index.invlists is None:
        return False
    return isinstance(faiss.downcast_InvertedLists(index.invlists), faiss.OnDiskInvertedLists)


def _write_index(index: Any, path: str) -> None:
    """FAISS's own writer (a seam for tests that simulate a full disk)."""
    faiss.write_index(index, path)


def _calibrate_nprobe(
    index: Any, ids: np.ndarray, matrix: np.ndarray, rng: np.random.Generator
) -> tuple[int, float]:
    """The smallest nprobe (a power of two) whose recall@10 against exact search reaches
    TARGET_RECALL, and that recall.

    Queries are points of the collection pushed far off the data (noise of norm 1.2: cosine
    ≈ 0.64 to their nearest chunk, below the ≈ 0.84 of real E5 questions), because real
    questions are harder for IVF than points near the data at the same similarity: on 100k
    chunks, noise of norm 0.6 chose nprobe 4 and real questions then had recall 0.87; norm 1.2
    chooses 16, recall 0.98 for real questions, at 0.4 ms a query (docs/performance.md).
    """
    count = min(_CALIBRATION_QUERIES, len(matrix))
    picked = matrix[rng.choice(len(matrix), size=count, replace=False)]
    noise = rng.normal(size=picked.shape).astype(np.float32)
    noise *= _CALIBRATION_NOISE / np.linalg.norm(noise, axis=1, keepdims=True)
    queries = picked + noise
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    _, exact_positions = faiss.knn(queries, matrix, 10, metric=faiss.METRIC_INNER_PRODUCT)
    truth = ids[exact_positions]
    recall = 0.0
    nprobe = 1
    while True:
        index.nprobe = nprobe
        _, found = index.search(queries, 10)
        recall = recall_at_k(found, truth)
        if recall >= TARGET_RECALL or nprobe >= index.nlist:
            return nprobe, recall
        nprobe = min(nprobe * 2, index.nlist)


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Share of the exact top-k ids (rows of `truth`) that the approximate rows `found` hold."""
    if not len(truth):
        return 1.0
    hits = sum(len(set(f.tolist()) & set(t.tolist())) for f, t in zip(found, truth, strict=True))
    return hits / truth.size
