"""What keeps search fast as the collection grows: indexes saved at ingest and reloaded (and
refused when stale or tampered), and the vector index chosen by size (exact, then IVF).

The logic runs on small generated data (and the hashing embedder where the model does not
matter); the real model's search quality is guarded by tests/test_search_quality.py, and the
speed itself is measured by scripts/bench.py, never asserted here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import index.retrieval.lexical
import index.storage.vectors
from index.embedders import HashingEmbedder
from index.errors import VectorCacheError
from index.retrieval.hybrid import LEXICAL_PREFIX, STAGES, HybridSearcher
from index.retrieval.lexical import LexicalCacheError, LexicalIndex
from index.storage import Collection, open_collection
from index.storage.manifest import read_manifest
from index.storage.vectors import VECTORS_FILE, VectorIndex, choose_layout, recall_at_k
from tests.harness.documents import make_chunks, make_document

TEXTS = [
    "The requested Party shall reply to a readmission request within fourteen days.",
    "Costs of transport up to the border of the requested State are borne by the requesting Party.",
    "Transit may be refused if the person risks persecution in the State of destination.",
    "De aangezochte Partij beantwoordt het verzoek tot overname binnen veertien dagen.",
    "Les frais de transport jusqu'à la frontière sont à la charge de la Partie requérante.",
]


def clustered_vectors(count: int, dimension: int = 32, *, seed: int = 0) -> np.ndarray:
    """Unit vectors around a few dozen centres: a distribution where IVF is meaningful."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, dimension))
    matrix = centres[rng.integers(40, size=count)] + rng.normal(0, 0.3, (count, dimension))
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix.astype(np.float32)


# ---- BM25 saved and memory-mapped --------------------------------------------------------------


def test_saved_bm25_ranks_like_the_one_it_was_saved_from(tmp_path: Path) -> None:
    built = LexicalIndex([11, 12, 13, 14, 15], TEXTS, ["en", "en", "en", "nl", "fr"])
    assert built.save(tmp_path / "bm25.g3", generation=3)
    loaded = LexicalIndex.load(tmp_path / "bm25.g3", generation=3)
    for query in ("reply within fourteen days", "frais de transport", "veertien dagen"):
        assert loaded.search(query, k=3) == built.search(query, k=3)
        assert built.search(query, k=3)  # each query finds something
    assert loaded.search("transport", k=5, allowed={12}) == built.search(
        "transport", k=5, allowed={12}
    )
    # A second save of the same generation (another process was first) is a no-op.
    assert not built.save(tmp_path / "bm25.g3", generation=3)


def test_bm25_built_from_token_ids_scores_exactly_like_bm25s_own_build() -> None:
    """LexicalIndex builds bm25s's matrix with array operations (a million chunks would not fit
    as bm25s.index's lists of strings): same vocabulary, same scores, same rankings."""
    import bm25s

    from index.retrieval.lexical import tokenize

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    texts: list[str] = []
    languages: list[str] = []
    for path in sorted(corpus.glob("*.txt"))[:6]:
        language = path.stem.rsplit("-", 1)[-1]
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            texts.append(paragraph)
            languages.append(language)
    texts += ["", "12 34"]  # chunks without a word: bm25s's placeholder token
    languages += ["en", "en"]
    ids = list(range(100, 100 + len(texts)))
    built = LexicalIndex(ids, texts, languages)
    reference = bm25s.BM25()
    reference.index(
        [
            tokenize(t, language=lang) or ["\u2205"]
            for t, lang in zip(texts, languages, strict=True)
        ],
        show_progress=False,
    )
    assert set(built._bm25.vocab_dict) == set(reference.vocab_dict)
    for words in [["readmiss", "request"], ["termijn", "overnam"], ["\u2205"], ["transit", "cost"]]:
        ours = built._bm25.get_scores_from_ids(built._bm25.get_tokens_ids(words))
        theirs = reference.get_scores_from_ids(reference.get_tokens_ids(words))
        assert np.array_equal(ours, theirs)
        assert ours.max() > 0  # every probe word occurs in some chunk


def test_saved_bm25_is_refused_when_stale_or_tampered(tmp_path: Path) -> None:
    folder = tmp_path / "bm25.g3"
    LexicalIndex([1, 2, 3, 4, 5], TEXTS, ["en"] * 5).save(folder, generation=3)
    with pytest.raises(LexicalCacheError, match="generation 3"):
        LexicalIndex.load(folder, generation=4)
    data = next(folder.glob("data.csc.index.npy"))
    raw = bytearray(data.read_bytes())
    raw[-1] ^= 0xFF
    data.write_bytes(bytes(raw))
    with pytest.raises(LexicalCacheError, match="checksum"):
        LexicalIndex.load(folder, generation=3)
    (folder / "lexical.json").write_text("{not json")
    with pytest.raises(LexicalCacheError, match="lexical.json"):
        LexicalIndex.load(folder, generation=3)


def test_empty_collection_bm25_round_trips(tmp_path: Path) -> None:
    LexicalIndex([], [], []).save(tmp_path / "bm25.g0", generation=0)
    assert LexicalIndex.load(tmp_path / "bm25.g0", generation=0).search("anything", k=5) == []


def _collection(path: Path) -> Collection:
    collection = open_collection(path, embedder=HashingEmbedder(dimension=64))
    for number, text in enumerate(TEXTS):
        doc = make_document(f"doc-{number}", [("1", "Heading", text), ("2", "Other", text[::-1])])
        collection.upsert_document(doc, make_chunks(doc))
    return collection


def test_a_new_process_loads_bm25_instead_of_tokenising(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _collection(tmp_path / "index") as collection:
        expected = HybridSearcher(collection).search("transport costs border", k=3)
        generation = collection.generation()
    assert (tmp_path / "index" / f"{LEXICAL_PREFIX}{generation}" / "lexical.json").exists()

    def no_tokenising(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("BM25 was rebuilt instead of loaded")

    with monkeypatch.context() as patch:
        patch.setattr(index.retrieval.lexical, "tokenize", no_tokenising)
        with open_collection(
            tmp_path / "index", embedder=HashingEmbedder(dimension=64)
        ) as reopened:
            searcher = HybridSearcher(reopened)
            patch.undo()  # queries are tokenised, of course: only the corpus must not be
            assert searcher.search("transport costs border", k=3) == expected


def test_a_tampered_bm25_folder_is_rebuilt_and_search_is_unchanged(tmp_path: Path) -> None:
    with _collection(tmp_path / "index") as collection:
        expected = HybridSearcher(collection).search("readmission request", k=3)
        folder = tmp_path / "index" / f"{LEXICAL_PREFIX}{collection.generation()}"
        (folder / "vocab.index.json").write_text("{}")
        assert HybridSearcher(collection).search("readmission request", k=3) == expected
        # rewritten, valid, and bound to this index's database
        LexicalIndex.load(
            folder, generation=collection.generation(), index_id=collection.index_id()
        )


def test_a_change_saves_a_new_bm25_and_drops_the_old(tmp_path: Path) -> None:
    with _collection(tmp_path / "index") as collection:
        searcher = HybridSearcher(collection)
        searcher.search("transit", k=3)
        old = collection.generation()
        collection.remove_document("doc-0")
        hits = searcher.search("fourteen days", k=10)
        assert all(hit.doc_id != "doc-0" for hit in hits)
        folders = sorted(p.name for p in (tmp_path / "index").glob(f"{LEXICAL_PREFIX}*"))
        assert folders == [f"{LEXICAL_PREFIX}{collection.generation()}"]
        assert collection.generation() > old


def test_search_reports_time_per_stage(tmp_path: Path) -> None:
    with _collection(tmp_path / "index") as collection:
        timings: dict[str, float] = {}
        hits = HybridSearcher(collection).search("transport costs", k=3, timings=timings)
    assert hits
    assert set(timings) == set(STAGES)
    assert all(value >= 0 for value in timings.values())


# ---- the vector index chosen by size ----------------------------------------------------------


def test_layout_is_exact_below_the_threshold_and_ivf_above() -> None:
    assert choose_layout(49_999, exact_below=50_000).kind == "flat"
    above = choose_layout(100_000, exact_below=50_000)
    assert above.kind == "ivf" and above.nlist == 1024
    assert choose_layout(1_000_000, exact_below=50_000).nlist == 4096


def test_ivf_finds_what_exact_search_finds() -> None:
    matrix = clustered_vectors(6000)
    ids = np.arange(10_000, 16_000, dtype=np.int64)
    exact = VectorIndex.build(32, ids, matrix, exact_below=10**9)
    ivf = VectorIndex.build(32, ids, matrix, exact_below=1000)
    assert exact.layout.kind == "flat" and ivf.layout.kind == "ivf"
    assert ivf.layout.nprobe >= 1 and ivf.layout.calibrated_recall_at_10 is not None
    # Queries near the data (as questions are near their passages), not on it.
    rng = np.random.default_rng(1)
    queries = matrix[rng.integers(6000, size=100)] + rng.normal(0, 0.1, (100, 32))
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    found = np.vstack([ivf.search(q, 10)[1] for q in queries])
    truth = np.vstack([exact.search(q, 10)[1] for q in queries])
    assert recall_at_k(found, truth) >= 0.9


def test_ivf_updates_filters_and_round_trips(tmp_path: Path) -> None:
    matrix = clustered_vectors(3000)
    ids = np.arange(3000, dtype=np.int64) * 7 + 5  # sparse ids, as chunk ids are
    ivf = VectorIndex.build(32, ids, matrix, exact_below=1000)
    assert ivf.remove(ids[:100]) == 100
    ivf.add(ids[:10], matrix[:10])
    assert ivf.ntotal == 2910
    stored = dict(zip(ivf.ids().tolist(), ivf.vectors(), strict=True))
    assert set(stored) == set(ids[:10].tolist()) | set(ids[100:].tolist())
    assert np.allclose(stored[int(ids[500])], matrix[500])
    # Filtered: only allowed ids come back, k of them, the best ones among them.
    allowed = ids[200:260]
    scores, found = ivf.search(matrix[230], 10, allowed_ids=allowed)
    assert len(found) == 10 and set(found.tolist()) <= set(allowed.tolist())
    assert found[0] == ids[230]
    # Removed ids in the filter are skipped, not an error.
    scores, found = ivf.search(matrix[50], 5, allowed_ids=ids[40:60])
    assert set(found.tolist()) <= set(ids[40:60].tolist()) - set(ids[10:100].tolist())
    checksum = ivf.save(tmp_path / VECTORS_FILE)
    loaded = VectorIndex.load(
        tmp_path / VECTORS_FILE, expected_sha256=checksum, dimension=32, layout=ivf.layout
    )
    assert loaded.layout == ivf.layout
    for query in clustered_vectors(20, seed=5):
        assert np.array_equal(loaded.search(query, 10)[1], ivf.search(query, 10)[1])
    with pytest.raises(VectorCacheError, match="dimension"):
        VectorIndex.load(tmp_path / VECTORS_FILE, expected_sha256=checksum, dimension=16)


def test_collection_switches_to_ivf_when_it_grows_and_records_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index.storage.vectors, "EXACT_BELOW", 200)
    embedder = HashingEmbedder(dimension=64)
    path = tmp_path / "index"
    with open_collection(path, embedder=embedder) as collection:
        for number in range(30):  # 30 documents × 8 chunks: crosses 200 on the way
            articles = [
                (str(a), f"Heading {a}", f"{TEXTS[(number + a) % 5]} Article {a} of {number}.")
                for a in range(8)
            ]
            doc = make_document(f"doc-{number:02d}", articles)
            collection.upsert_document(doc, make_chunks(doc))
        layout = read_manifest(path)
        assert layout is not None and layout.vector_index["kind"] == "ivf"
        assert layout.vector_index["built_for"] >= 200
        expected = collection.search("readmission request fourteen days", k=5)
        assert collection.verify() == []
    with open_collection(path, embedder=embedder) as reopened:  # loads the IVF file, no rebuild
        assert reopened.search("readmission request fourteen days", k=5) == expected
        assert json.loads((path / "manifest.json").read_text())["vector_index"]["kind"] == "ivf"
        for number in range(25):
            reopened.remove_document(f"doc-{number:02d}")
        shrunk = read_manifest(path)
        assert shrunk is not None and shrunk.vector_index["kind"] == "flat"
        assert reopened.verify() == []


# ---- re-ingest re-embeds only what changed ----------------------------------------------------


def test_reingesting_a_corrected_document_embeds_only_its_changed_chunks(tmp_path: Path) -> None:
    articles = [(str(n), f"Heading {n}", f"{text} Article {n}.") for n, text in enumerate(TEXTS)]
    with open_collection(tmp_path / "index", embedder=HashingEmbedder(dimension=64)) as collection:
        doc = make_document("treaty", articles)
        assert collection.upsert_document(doc, make_chunks(doc)) == len(TEXTS)
        corrected = list(articles)
        corrected[2] = ("2", "Heading 2", "Transit shall be refused to persons at risk.")
        doc = make_document("treaty", corrected)
        assert collection.upsert_document(doc, make_chunks(doc)) == 1
        assert collection.verify() == []
        # A reused vector is the one a fresh embedding of the same text gives.
        chunk = make_chunks(doc)[0]
        fresh = collection.embedder.encode_documents([chunk.text])[0]
        assert np.allclose(collection.unit_vectors("treaty")[chunk.eid], fresh, atol=1e-6)
        hits = collection.search("Transit shall be refused to persons at risk.", k=1)
        assert hits[0].eid == "art_2" and "at risk" in hits[0].text
        # Another document with the same texts does not borrow this one's vectors.
        twin = make_document("twin", articles)
        assert collection.upsert_document(twin, make_chunks(twin)) == len(TEXTS)
