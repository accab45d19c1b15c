"""A glossary-expanded query vector without a second query embedding.

Embedding "question (wording; wording; …)" costs a second pass of the model per search (about
30 ms on two cores). The same pull towards the other languages' phrasing comes from vectors of
the glossary wordings themselves, which depend on the glossary alone: they are embedded once per
model and glossary (kept in memory and, in an index folder, on disk as `glossary-vectors.npz`),
and a search adds the mean of its matched wordings' vectors to the question's vector.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embedders import Embedder
from index.retrieval.glossary import load_glossary, wordings
from index.vector_file import load_vectors, save_vectors

GLOSSARY_VECTORS_FILE = "glossary-vectors.npz"
_cache: dict[str, dict[str, np.ndarray]] = {}
_lock = threading.Lock()


def _all_wordings() -> list[str]:
    return wordings(load_glossary().concepts)


def _key(embedder: Embedder, texts: Sequence[str]) -> str:
    """What the vectors depend on: the model and every wording embedded."""
    digest = hashlib.sha256(f"{embedder.name}\x1f{embedder.dimension}".encode())
    for text in texts:
        digest.update(b"\x1f" + text.encode())
    return digest.hexdigest()


def wording_vectors(embedder: Embedder, *, cache_dir: Path | None = None) -> dict[str, np.ndarray]:
    """wording → its unit vector (embedded as a query), for every wording of the glossary."""
    texts = _all_wordings()
    key = _key(embedder, texts)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    path = cache_dir / GLOSSARY_VECTORS_FILE if cache_dir is not None else None
    matrix = load_vectors(path, key, (len(texts), embedder.dimension)) if path is not None else None
    if matrix is None:
        matrix = np.asarray(embedder.encode_queries(texts), dtype=np.float32)
        if path is not None:
            save_vectors(path, key, matrix)
    vectors = dict(zip(texts, matrix, strict=True))
    with _lock:
        _cache[key] = vectors
    return vectors


def expanded_vector(
    query_vector: np.ndarray, terms: Sequence[str], vectors: dict[str, np.ndarray], *, weight: float
) -> np.ndarray | None:
    """The question's vector pulled towards its matched wordings: normalise(q + weight · m),
    m the normalised mean of the wordings' vectors; None without a known wording."""
    found = [vectors[term] for term in terms if term in vectors]
    if not found:
        return None
    mean = np.mean(found, axis=0)
    mean = mean / (np.linalg.norm(mean) or 1.0)
    combined = np.asarray(query_vector, dtype=np.float32) + weight * mean
    unit: np.ndarray = (combined / (np.linalg.norm(combined) or 1.0)).astype(np.float32)
    return unit
