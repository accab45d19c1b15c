"""Recent query vectors, kept per process: a rerun of the same search embeds nothing.

A Streamlit page reruns its whole script on every click, and each rerun searches the current
question again; `readmit eval` and the comparison scripts search the same questions under
several configurations. A query vector depends only on the model and the text embedded, so the
last `RECENT_QUERIES` are kept, keyed by the embedder's class, model name and dimension and the
text (not by the embedder object: it holds its loaded model, which a cache must not keep alive).
The vectors are read-only, so no caller can change the cached copy.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from index.embedders import Embedder

RECENT_QUERIES = 256  # 256 × 384 float32 = 0.4 MB

_recent: OrderedDict[tuple[str, str, int, str], np.ndarray] = OrderedDict()
_lock = threading.Lock()
misses = 0  # embeddings run by `query_vector` in this process (tests and benchmarks read it)


def query_vector(embedder: Embedder, text: str) -> np.ndarray:
    """The unit vector of `text` embedded as a query by `embedder` (read-only)."""
    global misses
    key = (type(embedder).__qualname__, embedder.name, embedder.dimension, text)
    with _lock:
        cached = _recent.get(key)
        if cached is not None:
            _recent.move_to_end(key)
            return cached
    vector: np.ndarray = embedder.encode_queries([text])[0]
    vector.flags.writeable = False
    with _lock:
        misses += 1
        _recent[key] = vector
        while len(_recent) > RECENT_QUERIES:
            _recent.popitem(last=False)
    return vector


def forget_recent() -> None:
    """Empty the cache (benchmarks time the embedding itself)."""
    with _lock:
        _recent.clear()
