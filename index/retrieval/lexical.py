"""Lexical (BM25) retrieval over chunk texts, with tokenisation that knows the four languages.

Each chunk is stemmed with the Snowball stemmer of its document's language. A query's language
is not known (experts type English but also Dutch or a French term), so its words are stemmed
with every stemmer and the union is searched: a stem that exists in no chunk costs nothing.
Scores for all chunks are computed and masked by the filters *before* the top-k is cut.

The index is saved to a folder (bm25s's own arrays, memory-mapped when loaded) with a small
`lexical.json` naming the generation it was built for and the sha256 of every file, so that a
process opening the index loads it instead of re-tokenising every chunk; a stale or tampered
folder is refused and rebuilt. A file is hashed on load only when it is not the very file
whose checksum was verified before (`verified.json`, index.storage.verified): at a million
chunks hashing the folder cost seconds of every cold start. `readmit verify` hashes them all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import Stemmer

from index.binding import chunk_ids_sha256, foreign
from index.durable import file_sha256, fsync_path
from index.errors import IndexLayerError
from ingest.files import read_regular_bytes
from ingest.words import CJK, UNSPACED_RUN, cjk_bigrams, has_unspaced, segment_words

if TYPE_CHECKING:
    import bm25s

# bm25s (with scipy, ~0.5 s to import) is imported where a BM25 index is built, loaded or
# saved, not with this module: a command that only tokenizes or reads clauses never needs it.

# A saved index lives in `bm25.g<generation>/` beside the database (index.search).
LEXICAL_FOLDER_PREFIX = "bm25.g"
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
# A run of a script without spaces, whole (its vowel signs and tone marks are not \w).
_WORD_OR_UNSPACED = re.compile(rf"{UNSPACED_RUN}|{_WORD.pattern}")
# Snowball has Indonesian (also right for Malay's shared affixes); Thai, Vietnamese and Chinese
# have no stemmer and are indexed as their words.
_STEMMER_NAMES = {
    "en": "english",
    "nl": "dutch",
    "fr": "french",
    "de": "german",
    "id": "indonesian",
    "ms": "indonesian",
}
_STOPWORD_LISTS = {  # bm25s.stopwords names
    "en": "STOPWORDS_EN",
    "nl": "STOPWORDS_DUTCH",
    "fr": "STOPWORDS_FRENCH",
    "de": "STOPWORDS_GERMAN",
}
QUERY_LANGUAGES = ("en", "nl", "fr", "de", "id")


@lru_cache(maxsize=8)
def _stemmer(language: str) -> Stemmer.Stemmer | None:
    name = _STEMMER_NAMES.get(language)
    return Stemmer.Stemmer(name) if name else None


@lru_cache(maxsize=8)
def _stopwords(language: str) -> frozenset[str]:
    name = _STOPWORD_LISTS.get(language)
    if name is None:
        return frozenset()
    from bm25s import stopwords

    return frozenset(_fold(w) for w in getattr(stopwords, name))


@lru_cache(maxsize=200_000)
def _fold(word: str) -> str:
    """Lower-case and strip accents so that "réadmission" and "readmission" meet."""
    if has_unspaced(word):
        return word  # Thai/Khmer vowel signs and tone marks are letters of the word
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokenize(text: str, *, language: str) -> list[str]:
    """Words of `text`, stop words dropped, stemmed in `language` (accent-folded)."""
    stop = _stopwords(language)
    stemmer = _stemmer(language)
    words = [_fold(w) for w in _words(text)]
    words = [w for w in words if w not in stop]
    return stemmer.stemWords(words) if stemmer else words


def _words(text: str) -> list[str]:
    """Letter runs of `text`; a run of ideographs becomes overlapping bigrams (Lucene's CJK
    bigram filter), a run of Thai, Lao, Khmer or Burmese its ICU dictionary words."""
    if not has_unspaced(text):
        return _WORD.findall(text)
    words: list[str] = []
    for match in _WORD_OR_UNSPACED.finditer(text):
        run = match.group()
        if not has_unspaced(run):
            words.append(run)
            continue
        if CJK.fullmatch(run):  # the common case in Chinese and Japanese text: bigrams only
            words.extend(cjk_bigrams(run))
            continue
        position = 0
        for ideographs in CJK.finditer(run):
            if ideographs.start() > position:  # ICU is asked only about what lies between
                words.extend(_long(segment_words(run[position : ideographs.start()])))
            words.extend(cjk_bigrams(ideographs.group()))
            position = ideographs.end()
        if position < len(run):
            words.extend(_long(segment_words(run[position:])))
    return words


def _long(words: list[str]) -> list[str]:
    return [w for w in words if len(w) >= 2 and not w.isdigit()]


@lru_cache(maxsize=65536)
def word_stem(word: str, language: str) -> str:
    """One word's stem in `language` (accent-folded, lower-case; the folded word itself for a
    language without a stemmer). Forms of a word share it: "requests" and "requested" give
    "request", but "long" and "longer", or "state" and "stateless", stay apart."""
    folded = _fold(word)
    stemmer = _stemmer(language)
    return stemmer.stemWord(folded) if stemmer is not None else folded


def tokenize_query(text: str) -> list[str]:
    """The query's words stemmed in every supported language, without duplicates."""
    # A word that is a stop word in any language ("of", "de", "die") carries no meaning here.
    words = [
        w
        for w in _WORD_OR_UNSPACED.findall(text)
        if not any(_fold(w) in _stopwords(lang) for lang in QUERY_LANGUAGES)
    ]
    kept = " ".join(words)
    tokens: list[str] = []
    for language in QUERY_LANGUAGES:
        for token in tokenize(kept, language=language):
            if token not in tokens:
                tokens.append(token)
    return tokens


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: int
    score: float


class LexicalCacheError(IndexLayerError):
    """A saved BM25 folder is missing, stale or fails its checksums; it is rebuilt."""


LEXICAL_MANIFEST = "lexical.json"
_IDS_FILE = "chunk_ids.npy"
_FORMAT_VERSION = 2  # 2: words of unspaced scripts (ICU, CJK bigrams), Indonesian stems
# What other saved files built from `tokenize` depend on (index.retrieval.headings).
TOKENS_VERSION = _FORMAT_VERSION


class LexicalIndex:
    """BM25 over a fixed list of chunks (rebuilt whenever the collection changes)."""

    def __init__(
        self, chunk_ids: Sequence[int], texts: Sequence[str], languages: Sequence[str]
    ) -> None:
        import bm25s

        self._ids = np.asarray(chunk_ids, dtype=np.int64)
        self._bm25 = bm25s.BM25()
        if len(texts) != len(languages) or len(texts) != len(self._ids):
            raise ValueError("chunk ids, texts and languages differ in length")
        # Tokens become vocabulary ids as each text is read: a million chunks are ~100M tokens,
        # which as lists of strings (what bm25s.index takes) would need many GB.
        vocabulary: dict[str, int] = {}
        token_ids = array("i")
        lengths = np.zeros(len(texts), dtype=np.int64)
        for row, (text, language) in enumerate(zip(texts, languages, strict=True)):
            tokens = tokenize(text, language=language) or ["\u2205"]
            token_ids.extend([vocabulary.setdefault(t, len(vocabulary)) for t in tokens])
            lengths[row] = len(tokens)
        self._vocabulary = frozenset(vocabulary)
        if len(texts):
            _index_token_ids(self._bm25, np.frombuffer(token_ids, dtype=np.int32), lengths)
            vocabulary[""] = len(vocabulary)  # bm25s's empty token, as `BM25.index` adds it
            self._bm25.vocab_dict = vocabulary
            self._bm25.unique_token_ids_set = set(vocabulary.values())

    @classmethod
    def _from_parts(cls, chunk_ids: np.ndarray, bm25: bm25s.BM25) -> LexicalIndex:
        loaded = cls.__new__(cls)
        loaded._ids = chunk_ids
        loaded._bm25 = bm25
        loaded._vocabulary = frozenset(t for t in getattr(bm25, "vocab_dict", None) or {} if t)
        return loaded

    def known_word_share(self, query: str, *, hidden: frozenset[int] = frozenset()) -> float:
        """The share of the query's content words that occur (stemmed) in some chunk.

        0.0 for nonsense ("zzzz qqq") and for questions about things the corpus never mentions;
        one signal of the relevance floor (`index.retrieval.relevance`). A word found only in
        `hidden` chunks (those of documents the viewer may not see) counts as unknown, so the
        answer never reveals that a hidden document uses it.
        """
        words = [
            w
            for w in _words(query)
            if not any(_fold(w) in _stopwords(lang) for lang in QUERY_LANGUAGES)
        ]
        if not words:
            return 0.0
        known = sum(
            1
            for word in words
            if any(
                self._occurs(token, hidden)
                for language in QUERY_LANGUAGES
                for token in tokenize(word, language=language)
            )
        )
        return known / len(words)

    def _occurs(self, token: str, hidden: frozenset[int]) -> bool:
        """Does `token` occur in some chunk that is not in `hidden`?"""
        if token not in self._vocabulary:
            return False
        if not hidden:
            return True
        # The score matrix is CSC with one column per token: its rows are the chunks using it.
        column = self._bm25.vocab_dict[token]
        indptr = self._bm25.scores["indptr"]
        rows = self._bm25.scores["indices"][indptr[column] : indptr[column + 1]]
        return any(int(chunk_id) not in hidden for chunk_id in self._ids[rows])

    def __len__(self) -> int:
        return len(self._ids)

    def chunks_with(self, token: str) -> int:
        """How many chunks hold `token` (a stem, as `tokenize` makes them)."""
        if token not in self._vocabulary:
            return 0
        column = self._bm25.vocab_dict[token]
        indptr = self._bm25.scores["indptr"]
        return int(indptr[column + 1] - indptr[column])

    def search(
        self,
        query: str,
        *,
        k: int,
        allowed: set[int] | None = None,
        extra_terms: Sequence[str] = (),
    ) -> list[LexicalHit]:
        """Top-k chunks by BM25; `allowed` restricts the chunks before ranking."""
        if not len(self._ids):
            return []
        tokens = tokenize_query(" ".join([query, *extra_terms]))
        token_ids = self._bm25.get_tokens_ids(tokens)
        if not token_ids:
            return []
        scores = self._bm25.get_scores_from_ids(token_ids)
        if allowed is not None:
            wanted = np.fromiter(allowed, dtype=np.int64, count=len(allowed))
            scores = np.where(np.isin(self._ids, wanted), scores, -np.inf)
        candidates = np.flatnonzero(scores > 0)
        if not len(candidates):
            return []
        if len(candidates) > k:  # keep the k best (and their ties) in linear time, then sort
            kth_best = -np.partition(-scores[candidates], k - 1)[k - 1]
            candidates = candidates[scores[candidates] >= kth_best]
        # Stable on position: equal scores keep the chunks' stored order, as before.
        top = candidates[np.argsort(-scores[candidates], kind="stable")[:k]]
        return [LexicalHit(chunk_id=int(self._ids[i]), score=float(scores[i])) for i in top]

    # ---- persistence ---------------------------------------------------------------------

    def save(self, folder: Path, *, generation: int, index_id: str | None = None) -> bool:
        """Write the index to `folder` (created atomically by renaming a temp folder).

        Returns False when `folder` already exists (another process saved the same generation).
        """
        import bm25s

        folder = Path(folder)
        if folder.exists():
            return False
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
        try:
            np.save(work / _IDS_FILE, self._ids, allow_pickle=False)
            if len(self._ids):
                self._bm25.save(str(work), show_progress=False)
            files = {
                path.name: file_sha256(path) for path in sorted(work.iterdir()) if path.is_file()
            }
            manifest = {
                "format_version": _FORMAT_VERSION,
                "generation": generation,
                "index_id": index_id,  # index.binding: the database it was built from
                "chunk_ids_sha256": chunk_ids_sha256(self._ids),
                "chunks": len(self._ids),
                "bm25s": bm25s.__version__,
                "sha256": files,
            }
            (work / LEXICAL_MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
            for path in work.iterdir():
                fsync_path(path)
            fsync_path(work)
            try:
                os.rename(work, folder)
            except OSError:  # a concurrent writer renamed its copy first
                shutil.rmtree(work, ignore_errors=True)
                return False
            fsync_path(folder.parent)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        # Checksummed as written (renaming the folder leaves its files as they are).
        _record_verified(folder, files, index_id=index_id)
        return True

    @classmethod
    def load(cls, folder: Path, *, generation: int, index_id: str | None = None) -> LexicalIndex:
        """Memory-map a saved index built for `generation` of the database `index_id`;
        LexicalCacheError if it is not one."""
        import bm25s

        folder = Path(folder)
        manifest = read_lexical_manifest(folder)
        expected = dict(manifest["sha256"])
        saved_generation = int(manifest["generation"])
        version = int(manifest["format_version"])
        if version != _FORMAT_VERSION or saved_generation != generation:
            raise LexicalCacheError(
                f"{folder}: built for generation {saved_generation}, index is at {generation}"
            )
        alien = foreign(f"{folder}", manifest.get("index_id"), index_id)
        if alien is not None:
            raise LexicalCacheError(alien)
        present = {p.name for p in folder.iterdir() if p.is_file()} - {LEXICAL_MANIFEST}
        if present != set(expected):
            raise LexicalCacheError(f"{folder}: files differ from {LEXICAL_MANIFEST}")
        from index.storage import verified  # index.storage's package imports this module

        trusted = verified.unchanged(
            folder.parent,
            {f"{folder.name}/{name}": checksum for name, checksum in expected.items()},
            index_id=index_id,
        )
        checked = {}
        for name, checksum in expected.items():
            if f"{folder.name}/{name}" in trusted:
                continue
            problem = _checksum_problem(folder / name, checksum)
            if problem is not None:
                raise LexicalCacheError(problem)
            checked[name] = checksum
        _record_verified(folder, checked, index_id=index_id)
        try:
            ids = np.load(folder / _IDS_FILE, mmap_mode="r", allow_pickle=False)
            bm25 = (
                bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
                if len(ids)
                else bm25s.BM25()
            )
        except (OSError, ValueError, KeyError) as error:
            raise LexicalCacheError(f"{folder}: cannot load ({error})") from error
        if ids.dtype != np.int64 or ids.ndim != 1:
            raise LexicalCacheError(f"{folder}: chunk ids are not a 1-d int64 array")
        if len(ids) and int(bm25.scores["num_docs"]) != len(ids):
            raise LexicalCacheError(f"{folder}: BM25 holds another number of chunks than ids")
        return cls._from_parts(ids, bm25)


def _checksum_problem(path: Path, checksum: str) -> str | None:
    try:
        if file_sha256(path) != checksum:
            return f"{path}: checksum does not match"
    except OSError as error:  # a FIFO or a file that vanished
        return f"{path}: {error.strerror or error}"
    return None


def _record_verified(folder: Path, checked: dict[str, str], *, index_id: str | None) -> None:
    """Record the files of `folder` just checksummed in the index folder's `verified.json`,
    dropping the records of older BM25 folders (best effort, like all of `verified.json`)."""
    from index.storage import verified  # index.storage's package imports this module

    entries = {}
    for name, checksum in checked.items():
        identity = verified.FileIdentity.of(folder / name)
        if identity is not None:
            entries[f"{folder.name}/{name}"] = verified.VerifiedFile(
                identity=identity, sha256=checksum
            )
    verified.record_files(
        folder.parent,
        entries,
        index_id=index_id,
        forget=lambda name: (
            name.startswith(LEXICAL_FOLDER_PREFIX) and not name.startswith(f"{folder.name}/")
        ),
    )


def read_lexical_manifest(folder: Path) -> dict[str, Any]:
    """The saved folder's `lexical.json`, or LexicalCacheError (a FIFO in its place too)."""
    try:
        manifest = json.loads(read_regular_bytes(folder / LEXICAL_MANIFEST, max_bytes=1 << 24))
        dict(manifest["sha256"])
        int(manifest["generation"])
        int(manifest["format_version"])
    except (OSError, ValueError, KeyError, TypeError, OverflowError, RecursionError) as error:
        reason = error.strerror if isinstance(error, OSError) else error
        raise LexicalCacheError(f"{folder}: no readable {LEXICAL_MANIFEST} ({reason})") from error
    if not isinstance(manifest, dict):
        raise LexicalCacheError(f"{folder}: no readable {LEXICAL_MANIFEST}")
    return manifest


def saved_folder_problems(
    folder: Path, *, generation: int, index_id: str | None, chunk_ids: np.ndarray
) -> list[str]:
    """What is wrong with the BM25 folder saved for this generation (for `verify()`): not
    readable, another generation, another index, other chunks than the database's."""
    try:
        manifest = read_lexical_manifest(folder)
    except LexicalCacheError as error:
        return [str(error)]
    problems = []
    if int(manifest["generation"]) != generation:
        problems.append(f"{folder}: built for generation {manifest['generation']}")
    alien = foreign(str(folder), manifest.get("index_id"), index_id)
    if alien is not None:
        problems.append(alien)
    recorded = manifest.get("chunk_ids_sha256")
    if recorded is not None and recorded != chunk_ids_sha256(chunk_ids):
        problems.append(f"{folder}: covers other chunks than the database holds")
    # Opening trusts files recorded as verified; here every file is hashed again.
    expected = dict(manifest["sha256"])
    present = {p.name for p in folder.iterdir() if p.is_file()} - {LEXICAL_MANIFEST}
    if present != set(expected):
        problems.append(f"{folder}: files differ from {LEXICAL_MANIFEST}")
    for name, checksum in sorted(expected.items()):
        if name in present:
            problem = _checksum_problem(folder / name, str(checksum))
            if problem is not None:
                problems.append(problem)
    return problems


def _index_token_ids(bm25: bm25s.BM25, token_ids: np.ndarray, lengths: np.ndarray) -> None:
    """Fill `bm25.scores` for documents given as one flat array of token ids and their lengths.

    The same matrix `bm25s.BM25.build_index_from_ids` makes (bm25s's own idf and term-frequency
    formulas, its CSC layout, so `save`, `load(mmap=True)` and scoring are bm25s's), computed
    with array operations instead of a Python loop over documents and a Counter per document:
    a million chunks take seconds and a few bytes per token instead of minutes and GBs.
    """
    import scipy.sparse as sp
    from bm25s.scoring import _select_idf_scorer, _select_tfc_scorer

    if bm25.method in bm25.methods_requiring_nonoccurrence:
        raise ValueError(f"BM25 method {bm25.method!r} is not supported here")
    n_docs = len(lengths)
    n_vocab = int(token_ids.max()) + 1 if len(token_ids) else 0
    doc_of_token = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    pairs, tf = np.unique(doc_of_token * n_vocab + token_ids, return_counts=True)
    del doc_of_token
    docs = pairs // n_vocab
    vocab = (pairs % n_vocab).astype(np.int32)
    del pairs
    doc_freqs = np.bincount(vocab, minlength=n_vocab)
    idf_of = _select_idf_scorer(bm25.idf_method)
    idf = np.zeros(n_vocab, dtype=bm25.dtype)
    for token, df in enumerate(doc_freqs.tolist()):
        if df:
            idf[token] = idf_of(df, N=n_docs)
    tfc = _select_tfc_scorer(bm25.method)(
        tf_array=tf.astype(bm25.dtype),
        l_d=lengths[docs].astype(np.float64),
        l_avg=lengths.mean(),
        k1=bm25.k1,
        b=bm25.b,
        delta=bm25.delta,
    )
    scores = (idf[vocab] * tfc).astype(bm25.dtype)
    matrix = sp.csc_matrix((scores, (docs, vocab)), shape=(n_docs, n_vocab), dtype=bm25.dtype)
    bm25.nonoccurrence_array = None
    bm25.scores = {
        "data": matrix.data,
        "indices": matrix.indices,
        "indptr": matrix.indptr,
        "num_docs": n_docs,
    }
