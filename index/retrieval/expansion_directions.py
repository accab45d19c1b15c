"""Per-concept expansion directions: the glossary wordings' pull on a query vector, estimated
once per model and glossary instead of embedded with every question.

Embedding "question (wording; wording; …)" makes E5 read every added token: the query
embedding's p95 is about 2.5 × the bare question's. What a concept's wordings do to a vector is
estimated instead from corpus sentences that mention the concept (in any language; no
evaluation labels): each sentence s is embedded as a query alone and followed by the
wordings, in the product's format. The part of E(s + wordings) not along E(s), divided by their
cosine (so that it is measured against a unit E(s)), averaged over the sentences, is the
concept's direction d_c. A search then embeds the question alone:
    normalise(E(question) + weight · mean of d_c over the question's concepts).

The directions depend on the model, the recipe and the wordings embedded (`directions_key`);
the sentences are only a sample to average over, so a changed corpus does not invalidate them.
They are kept in memory and, beside a folder index, in `expansion-directions.npz`: a file
computed for another model, glossary or recipe is ignored and recomputed.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from index.embedders import Embedder
from index.retrieval.glossary import Concept, mentions
from index.retrieval.lexical import tokenize_query
from index.vector_file import load_vectors, save_vectors

DIRECTIONS_FILE = "expansion-directions.npz"
RECIPE = "orthogonal residual over cosine, v1"
SENTENCES_PER_CONCEPT = 16
# Sentences about as long as questions: a heading fragment says too little, a long sentence
# dilutes the wordings more than a question does.
SENTENCE_WORDS = (4, 30)
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+|\n+")

_cache: dict[tuple[str, Path | None], dict[str, np.ndarray]] = {}
_lock = threading.Lock()


def expanded_text(question: str, terms: Sequence[str]) -> str:
    """The text the product embeds for a question with its wordings (HybridSearcher)."""
    return f"{question} ({'; '.join(terms)})" if terms else question


def sentences(texts: Iterable[str]) -> list[str]:
    """The distinct sentences of `texts` of question-like length, in a fixed order that does
    not follow the documents (sha256 of the sentence), so a sample spreads over the corpus."""
    low, high = SENTENCE_WORDS
    found: set[str] = set()
    for text in texts:
        for part in _SENTENCE_END.split(text):
            sentence = " ".join(part.split())
            if low <= len(sentence.split()) <= high:
                found.add(sentence)
    return sorted(found, key=lambda s: hashlib.sha256(s.encode()).hexdigest())


def concept_sentences(
    concepts: Sequence[Concept], ordered: Sequence[str], *, per_concept: int
) -> dict[str, list[str]]:
    """concept key → the first `per_concept` of `ordered` that mention one of its wordings
    (the rule by which a question names a concept, `Glossary.matching`)."""
    chosen: dict[str, list[str]] = {concept.key: [] for concept in concepts}
    open_concepts = list(concepts)
    for sentence in ordered:
        if not open_concepts:
            break
        stems = set(tokenize_query(sentence))
        for concept in open_concepts:
            if any(mentions(stems, term) for term in concept.all_terms()):
                chosen[concept.key].append(sentence)
        open_concepts = [c for c in open_concepts if len(chosen[c.key]) < per_concept]
    return chosen


def directions_key(
    embedder: Embedder, terms: Mapping[str, Sequence[str]], *, per_concept: int
) -> str:
    """What the directions depend on: the recipe (with its sample size), the model and every
    concept's wordings."""
    recipe = f"{RECIPE}\x1f{per_concept}\x1f{SENTENCE_WORDS}"
    digest = hashlib.sha256(f"{recipe}\x1f{embedder.name}\x1f{embedder.dimension}".encode())
    for key, wordings in terms.items():
        digest.update(f"\x1e{key}\x1f{'; '.join(wordings)}".encode())
    return digest.hexdigest()


def estimate_direction(
    embedder: Embedder, contexts: Sequence[str], terms: Sequence[str]
) -> np.ndarray:
    """The mean, over `contexts`, of the part of E(context + terms) orthogonal to E(context),
    divided by their cosine (zeros without contexts or terms)."""
    if not contexts or not terms:
        return np.zeros(embedder.dimension, dtype=np.float32)
    bare = np.asarray(embedder.encode_queries(list(contexts)), dtype=np.float32)
    expanded = np.asarray(
        embedder.encode_queries([expanded_text(c, terms) for c in contexts]), dtype=np.float32
    )
    cosines = np.sum(bare * expanded, axis=1, keepdims=True)
    residuals = (expanded - cosines * bare) / np.maximum(cosines, 1e-3)
    direction: np.ndarray = residuals.mean(axis=0).astype(np.float32)
    return direction


def expansion_directions(
    embedder: Embedder,
    terms: Mapping[str, Sequence[str]],
    *,
    corpus_texts: Iterable[str] | None,
    concepts: Sequence[Concept],
    cache_dir: Path | None = None,
    per_concept: int = SENTENCES_PER_CONCEPT,
) -> dict[str, np.ndarray]:
    """concept key → its direction, for the concepts in `terms` (key → the wordings a query
    is expanded with); from memory, the index folder's file, or estimated over
    `corpus_texts` (read only then)."""
    key = directions_key(embedder, terms, per_concept=per_concept)
    with _lock:
        cached = _cache.get((key, cache_dir))
    if cached is not None:
        return cached
    keys = list(terms)
    path = cache_dir / DIRECTIONS_FILE if cache_dir is not None else None
    matrix = load_vectors(path, key, (len(keys), embedder.dimension)) if path else None
    if matrix is None:
        wanted = [c for c in concepts if c.key in terms]
        ordered = sentences(corpus_texts or ())
        contexts = concept_sentences(wanted, ordered, per_concept=per_concept)
        matrix = (
            np.stack([estimate_direction(embedder, contexts.get(k, []), terms[k]) for k in keys])
            if keys
            else np.zeros((0, embedder.dimension), dtype=np.float32)
        )
        if path is not None:
            save_vectors(path, key, matrix)
    found = {k: row for k, row in zip(keys, matrix, strict=True) if np.any(row)}
    with _lock:
        _cache[(key, cache_dir)] = found
    return found


def directed_vector(
    question_vector: np.ndarray, directions: Sequence[np.ndarray], *, weight: float
) -> np.ndarray:
    """normalise(question + weight · mean direction); the question's vector itself when there
    is no direction."""
    if not directions:
        return question_vector
    combined = np.asarray(question_vector, dtype=np.float32) + weight * np.mean(directions, axis=0)
    unit: np.ndarray = (combined / (np.linalg.norm(combined) or 1.0)).astype(np.float32)
    return unit


def forget() -> None:
    """Empty the in-memory directions (tests)."""
    with _lock:
        _cache.clear()
