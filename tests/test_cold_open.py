"""A cold open reads only what a search needs: the IVF vector index memory-mapped, BM25 files not
re-hashed when verified.json vouches for them, and the documents' signals and the heading
concepts from derived files per generation. Each is checked against the full load it replaces
(same results), and each derived or trusted file against its failure modes (stale, foreign,
damaged). Speed is measured by scripts/bench.py, never asserted here.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

import index.durable
import index.retrieval.lexical
import index.storage.vectors
from index.embedders import HashingEmbedder
from index.errors import VectorCacheError
from index.retrieval.glossary import Glossary
from index.retrieval.headings import HEADINGS_FILE_PREFIX, HeadingConcepts
from index.retrieval.hybrid import LEXICAL_PREFIX, HybridSearcher
from index.retrieval.lexical import LexicalCacheError, LexicalIndex
from index.retrieval.signals import SIGNALS_FILE_PREFIX, CorpusSignals, DocumentSignals
from index.storage import Collection, open_collection
from index.storage.vectors import VECTORS_FILE, VectorIndex
from index.storage.verified import VERIFIED_FILE, FileIdentity
from tests.harness.documents import make_chunks, make_document
from tests.test_heading_ranking import GLOSSARY
from tests.test_index_scaling import TEXTS, clustered_vectors

QUERY = "readmission request fourteen days"


def _ivf(count: int = 3000) -> tuple[VectorIndex, np.ndarray, np.ndarray]:
    matrix = clustered_vectors(count)
    ids = np.arange(count, dtype=np.int64) * 11 + 3  # sparse, as chunk ids are
    return VectorIndex.build(32, ids, matrix, exact_below=1000), ids, matrix


# ---- FAISS: the IVF index memory-mapped --------------------------------------------------------


def test_a_mapped_ivf_index_answers_exactly_like_the_one_in_memory(tmp_path: Path) -> None:
    ivf, ids, matrix = _ivf()
    checksum = ivf.save(tmp_path / VECTORS_FILE)
    loaded = VectorIndex.load(
        tmp_path / VECTORS_FILE, expected_sha256=checksum, dimension=32, layout=ivf.layout
    )
    assert loaded.mapped and not ivf.mapped
    assert loaded.layout == ivf.layout
    for query in clustered_vectors(30, seed=9):
        scores, found = loaded.search(query, 10)
        expected_scores, expected = ivf.search(query, 10)
        assert np.array_equal(found, expected) and np.array_equal(scores, expected_scores)
        # Filtered both ways: a small allowed set (exact over reconstructed vectors) and a
        # broad one (IVF with an id selector).
        for allowed in (ids[100:160], ids[::2]):
            assert np.array_equal(
                loaded.search(query, 10, allowed_ids=allowed)[1],
                ivf.search(query, 10, allowed_ids=allowed)[1],
            )
    assert np.array_equal(np.sort(loaded.ids()), np.sort(ids))
    order = np.argsort(loaded.ids())
    assert np.array_equal(loaded.vectors()[order], matrix[np.argsort(ids)])


def test_a_mapped_index_is_copied_into_memory_before_it_changes(tmp_path: Path) -> None:
    ivf, ids, matrix = _ivf()
    checksum = ivf.save(tmp_path / VECTORS_FILE)
    loaded = VectorIndex.load(tmp_path / VECTORS_FILE, expected_sha256=checksum, dimension=32)
    assert loaded.mapped
    for edited in (ivf, loaded):  # the same edits on both (a write to the mapping would abort)
        assert edited.remove(ids[:50]) == 50
        edited.add(ids[:5], matrix[:5] * -1.0)
    assert not loaded.mapped
    for query in clustered_vectors(20, seed=4):
        assert np.array_equal(loaded.search(query, 10)[1], ivf.search(query, 10)[1])
    # Saved, the edited copy holds the vectors themselves, not a reference to the file it was
    # mapped from (gone now), and the same ones as the edited original.
    checksum = loaded.save(tmp_path / "copy.faiss")
    (tmp_path / VECTORS_FILE).unlink()
    again = VectorIndex.load(tmp_path / "copy.faiss", expected_sha256=checksum, dimension=32)
    order, expected_order = np.argsort(again.ids()), np.argsort(ivf.ids())
    assert np.array_equal(again.ids()[order], ivf.ids()[expected_order])
    assert np.array_equal(again.vectors()[order], ivf.vectors()[expected_order])


def test_a_damaged_mapped_file_is_refused_when_it_is_not_vouched_for(tmp_path: Path) -> None:
    ivf, _, _ = _ivf()
    checksum = ivf.save(tmp_path / VECTORS_FILE)
    raw = bytearray((tmp_path / VECTORS_FILE).read_bytes())
    raw[len(raw) // 2] ^= 0x01
    (tmp_path / VECTORS_FILE).write_bytes(bytes(raw))
    with pytest.raises(VectorCacheError, match="checksum"):
        VectorIndex.load(tmp_path / VECTORS_FILE, expected_sha256=checksum, dimension=32)
    (tmp_path / VECTORS_FILE).write_bytes(b"not a faiss index at all")
    identity = FileIdentity.of(tmp_path / VECTORS_FILE)
    with pytest.raises(VectorCacheError, match="not a FAISS index"):
        VectorIndex.load(
            tmp_path / VECTORS_FILE, expected_sha256=checksum, dimension=32, verified=identity
        )


def _ivf_collection(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A folder index of 240 chunks with IVF from 200 on; returns its doc ids."""
    monkeypatch.setattr(index.storage.vectors, "EXACT_BELOW", 200)
    doc_ids = []
    with open_collection(path, embedder=HashingEmbedder(dimension=64)) as collection:
        for number in range(30):
            articles = [
                (str(a), f"Heading {a}", f"{TEXTS[(number + a) % 5]} Article {a} of {number}.")
                for a in range(8)
            ]
            doc = make_document(f"doc-{number:02d}", articles)
            collection.upsert_document(doc, make_chunks(doc))
            doc_ids.append(doc.doc_id)
        HybridSearcher(collection).search(QUERY, k=5)  # saves BM25 and the signals
    return doc_ids


def test_a_reopened_ivf_collection_searches_and_writes_through_the_mapping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "index"
    doc_ids = _ivf_collection(path, monkeypatch)
    embedder = HashingEmbedder(dimension=64)
    with open_collection(path, embedder=embedder) as collection:
        expected = HybridSearcher(collection).search(QUERY, k=10)
    with open_collection(path, embedder=embedder) as reopened:
        searcher = HybridSearcher(reopened)
        assert searcher.search(QUERY, k=10) == expected
        reopened.remove_document(doc_ids[0])  # an edit of the mapped index, in place
        assert all(hit.doc_id != doc_ids[0] for hit in searcher.search(QUERY, k=10))
        assert reopened.verify() == []
    with open_collection(path, embedder=embedder) as again:
        assert all(hit.doc_id != doc_ids[0] for hit in HybridSearcher(again).search(QUERY, k=10))
        assert again.verify() == []
        current = f"{LEXICAL_PREFIX}{again.generation()}/"
    # verified.json names the files of the current BM25 folder only, not those of removed ones.
    records = json.loads((path / VERIFIED_FILE).read_text(encoding="utf-8"))["files"]
    lexical = [name for name in records if name.startswith(LEXICAL_PREFIX)]
    assert lexical and all(name.startswith(current) for name in lexical)


def test_a_damaged_ivf_file_that_open_trusts_is_found_by_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "index"
    _ivf_collection(path, monkeypatch)
    cache = path / VECTORS_FILE
    raw = bytearray(cache.read_bytes())
    raw[-len(raw) // 3] ^= 0x01  # a bit of a stored vector, inside the inverted lists
    cache.write_bytes(bytes(raw))
    _forge_verified(path, VECTORS_FILE)
    with open_collection(path, embedder=HashingEmbedder(dimension=64)) as collection:
        problems = collection.verify()
    assert any("vectors.faiss: checksum does not match the manifest" in p for p in problems)


# ---- BM25: files hashed only when verified.json does not vouch for them ------------------------


def _forge_verified(index_dir: Path, name: str) -> None:
    """Make verified.json vouch for `name` as it now is (damage a failing disk could do)."""
    path = index_dir / VERIFIED_FILE
    raw = json.loads(path.read_text(encoding="utf-8"))
    identity = FileIdentity.of(index_dir / name)
    assert identity is not None
    raw["files"][name]["identity"] = dataclasses.asdict(identity)
    path.write_text(json.dumps(raw), encoding="utf-8")


def _count_hashes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    hashed: list[Path] = []
    real = index.durable.file_sha256

    def counting(path: Path) -> str:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(index.retrieval.lexical, "file_sha256", counting)
    return hashed


def test_a_saved_bm25_folder_is_loaded_without_hashing_until_a_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / f"{LEXICAL_PREFIX}3"
    built = LexicalIndex([1, 2, 3, 4, 5], TEXTS, ["en"] * 5)
    assert built.save(folder, generation=3, index_id="this-index")
    hashed = _count_hashes(monkeypatch)
    loaded = LexicalIndex.load(folder, generation=3, index_id="this-index")
    assert hashed == []  # checksummed as written, so vouched for
    assert loaded.search("transport border", k=3) == built.search("transport border", k=3)
    # Another index's records vouch for nothing.
    with pytest.raises(LexicalCacheError, match="another index"):
        LexicalIndex.load(folder, generation=3, index_id="other-index")
    # A file rewritten with the same bytes is no longer the file verified: hashed once.
    vocab = folder / "vocab.index.json"
    vocab.write_bytes(vocab.read_bytes())
    LexicalIndex.load(folder, generation=3, index_id="this-index")
    assert hashed == [vocab]
    LexicalIndex.load(folder, generation=3, index_id="this-index")
    assert hashed == [vocab]
    # Changed bytes are refused, as before.
    data = folder / "data.csc.index.npy"
    raw = bytearray(data.read_bytes())
    raw[-1] ^= 0xFF
    data.write_bytes(bytes(raw))
    with pytest.raises(LexicalCacheError, match="checksum"):
        LexicalIndex.load(folder, generation=3, index_id="this-index")


def test_damage_to_a_trusted_bm25_file_is_found_by_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "index"
    _ivf_collection(path, monkeypatch)
    with open_collection(path, embedder=HashingEmbedder(dimension=64)) as collection:
        assert collection.verify() == []
        name = f"{LEXICAL_PREFIX}{collection.generation()}/data.csc.index.npy"
    raw = bytearray((path / name).read_bytes())
    raw[-1] ^= 0x01
    (path / name).write_bytes(bytes(raw))
    _forge_verified(path, name)
    with open_collection(path, embedder=HashingEmbedder(dimension=64)) as collection:
        problems = collection.verify()
    assert any(name in p and "checksum does not match" in p for p in problems)


# ---- the documents' signals, saved per generation ----------------------------------------------


def _small_collection(path: Path) -> Collection:
    collection = open_collection(path, embedder=HashingEmbedder(dimension=64))
    english = make_document("treaty-en", [("1", "Time limits", TEXTS[0])])
    dutch = make_document("treaty-nl", [("1", "Termijnen", TEXTS[3])])
    dutch = dataclasses.replace(
        dutch,
        meta=dataclasses.replace(
            dutch.meta, language="nl", official_reference="CETS 1", visibility=("negotiators",)
        ),
    )
    english = dataclasses.replace(
        english, meta=dataclasses.replace(english.meta, official_reference="CETS 1")
    )
    for doc in (english, dutch):
        collection.upsert_document(doc, make_chunks(doc))
    return collection


def _no_document_scan(collection: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> list[object]:
        raise AssertionError("the documents were scanned instead of read from the saved file")

    monkeypatch.setattr(collection, "list_documents", refused)


def test_signals_are_saved_per_generation_and_read_back_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _small_collection(tmp_path / "index") as collection:
        computed = CorpusSignals.load(collection)
        saved = tmp_path / "index" / f"{SIGNALS_FILE_PREFIX}{collection.generation()}.json"
        assert saved.exists()
        assert computed.versions == {"treaty-en": ("treaty-nl",), "treaty-nl": ("treaty-en",)}
        assert computed.corpus_languages(None) == ("en", "nl")
        assert computed.corpus_languages(("secretariat",)) == ("en",)
        with monkeypatch.context() as patch:
            _no_document_scan(collection, patch)
            assert CorpusSignals.load(collection) == computed
            searcher = HybridSearcher(collection)
            assert searcher.corpus_languages(("negotiators",)) == ("en", "nl")
        # A new generation computes and saves anew, and drops the old file.
        doc = make_document("treaty-fr", [("1", "Délais", TEXTS[4])])
        doc = dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, language="fr"))
        collection.upsert_document(doc, make_chunks(doc))
        assert CorpusSignals.load(collection).corpus_languages(None) == ("en", "fr", "nl")
        assert [p.name for p in saved.parent.glob(f"{SIGNALS_FILE_PREFIX}*")] == [
            f"{SIGNALS_FILE_PREFIX}{collection.generation()}.json"
        ]


@pytest.mark.parametrize("damage", ["other generation", "other index", "not json", "wrong types"])
def test_a_stale_foreign_or_damaged_signals_file_is_ignored_and_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    with _small_collection(tmp_path / "index") as collection:
        truth = DocumentSignals.compute(collection)
        path = tmp_path / "index" / f"{SIGNALS_FILE_PREFIX}{collection.generation()}.json"
        DocumentSignals.load(collection)
        raw = json.loads(path.read_text(encoding="utf-8"))
        # Each forgery claims a corpus of Thai documents only: taken at its word, it would
        # change the languages a query is expanded into.
        raw["languages"] = [["th", []]]
        if damage == "other generation":
            raw["generation"] -= 1
        elif damage == "other index":
            raw["index_id"] = "another-index"
        elif damage == "wrong types":
            raw["version_groups"] = [["treaty-en", 7]]
        text = "{not json" if damage == "not json" else json.dumps(raw)
        path.write_text(text, encoding="utf-8")
        assert DocumentSignals.load(collection) == truth
        with monkeypatch.context() as patch:  # rewritten, so the next process reads it
            _no_document_scan(collection, patch)
            assert DocumentSignals.load(collection) == truth


def test_a_viewers_view_keeps_its_signals_in_memory(tmp_path: Path) -> None:
    from index.storage.visibility import visible_collection

    with _small_collection(tmp_path / "index") as collection:
        view = visible_collection(collection, groups=("secretariat",))
        signals = CorpusSignals.load(view)
        assert signals.corpus_languages(None) == ("en",)
        assert signals.versions == {}  # the Dutch version is not the viewer's to see
        assert not list((tmp_path / "index").glob(f"{SIGNALS_FILE_PREFIX}*"))


# ---- the heading concepts, saved per generation and glossary -----------------------------------


def _headed_collection(path: Path) -> Collection:
    """Chunks whose first line is a citation with a heading ("Article 1 — …"), as ingest makes."""
    collection = open_collection(path, embedder=HashingEmbedder(dimension=64))
    articles = [
        ("1", "Competent Authorities", "The competent authorities are listed in Annex 1."),
        ("4", "Indiening van het verzoek", "Het verzoek om overname vermeldt de gegevens."),
        ("7", "Antwoord op het verzoek", "De bevoegde autoriteiten antwoorden binnen 14 dagen."),
    ]
    doc = make_document("treaty-en", articles)
    chunks = [
        dataclasses.replace(c, text=f"Article {c.article} — {c.heading}\n{c.text}")
        for c in make_chunks(doc)
    ]
    collection.upsert_document(doc, chunks)
    return collection


def _no_chunk_scan(collection: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> list[object]:
        raise AssertionError("every chunk was read instead of the saved file")

    monkeypatch.setattr(collection, "iter_chunks", refused)


def test_heading_concepts_are_saved_and_read_back_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _headed_collection(tmp_path / "index") as collection:
        built = HeadingConcepts.build(
            ((c.chunk_id, c.text) for c in collection.iter_chunks()), GLOSSARY
        )
        assert set(built.chunks) == {"competent authority", "request"}
        assert HeadingConcepts.load(collection, GLOSSARY) == built
        saved = tmp_path / "index" / f"{HEADINGS_FILE_PREFIX}{collection.generation()}.json"
        assert saved.exists()
        with monkeypatch.context() as patch:
            _no_chunk_scan(collection, patch)
            assert HeadingConcepts.load(collection, GLOSSARY) == built
        # Another glossary is not answered from the file built with this one.
        only_requests = Glossary(concepts=GLOSSARY.concepts[1:])
        other = HeadingConcepts.load(collection, only_requests)
        assert set(other.chunks) == {"request"}
        assert other.chunks["request"] == built.chunks["request"]


@pytest.mark.parametrize("damage", ["other generation", "other index", "not json", "wrong types"])
def test_a_stale_foreign_or_damaged_heading_file_is_ignored_and_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    with _headed_collection(tmp_path / "index") as collection:
        truth = HeadingConcepts.load(collection, GLOSSARY)
        path = tmp_path / "index" / f"{HEADINGS_FILE_PREFIX}{collection.generation()}.json"
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw["chunks"] = {"competent authority": [42]}  # would head a chunk that does not exist
        if damage == "other generation":
            raw["generation"] -= 1
        elif damage == "other index":
            raw["index_id"] = "another-index"
        elif damage == "wrong types":
            raw["chunks"] = {"competent authority": ["42"]}
        text = "[1, 2" if damage == "not json" else json.dumps(raw)
        path.write_text(text, encoding="utf-8")
        assert HeadingConcepts.load(collection, GLOSSARY) == truth
        with monkeypatch.context() as patch:  # rewritten, so the next process reads it
            _no_chunk_scan(collection, patch)
            assert HeadingConcepts.load(collection, GLOSSARY) == truth


def test_an_ingest_leaves_what_the_first_search_needs_saved_beside_the_index(
    tmp_path: Path,
) -> None:
    from readmit.service import KnowledgeBase

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "agreement-en.txt").write_text(
        "Article 1\nTime limits\nThe requested Party shall reply within fourteen days.\n",
        encoding="utf-8",
    )
    folder = tmp_path / "index"
    kb = KnowledgeBase(folder, model=HashingEmbedder(dimension=64))
    assert kb.ingest([corpus]).failed == ()
    generation = kb.collection.generation()
    assert (folder / f"{SIGNALS_FILE_PREFIX}{generation}.json").exists()
    assert (folder / f"{HEADINGS_FILE_PREFIX}{generation}.json").exists()
    assert [p.name for p in folder.glob(f"{LEXICAL_PREFIX}*") if p.is_dir()] != []
