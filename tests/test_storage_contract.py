"""One contract, two backends: every test here runs on the embedded index (SQLite + FAISS) and on
PostgreSQL + pgvector (a real server started by scripts/postgres.sh; see conftest.pg_server);
the record stores drafts live in (index.records) likewise on a folder and on PostgreSQL.

Logic tests use the fast hashing embedder; the ranking test and the copy test use real models.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from index.copy import copy_index, document_checksum
from index.embedders import Embedder, HashingEmbedder
from index.errors import IndexOpenError, IndexWriteError, ModelMismatchError
from index.lock import IndexBusyError
from index.records import RecordError, RecordStore, StaleRecordError, open_record_store
from index.storage import Bookkeeping, Collection, StorageBackend, open_collection
from index.types import SearchFilters, SlotAssignment
from tests.harness.documents import (
    filter_corpus,
    kazakhstan_articles,
    make_chunks,
    make_document,
    return_document,
    upsert,
)
from tests.harness.models import shared_embedder

Opener = Callable[[Embedder], Collection]
BACKENDS = ["embedded", "postgres"]


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """A fresh, empty index location of each backend."""
    if request.param == "embedded":
        return tmp_path / "index"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def opener(location: str | Path) -> Iterator[Opener]:
    """Opens the location (again) with a given embedder; closes everything at the end."""
    opened: list[Collection] = []

    def open_with(embedder: Embedder) -> Collection:
        collection = open_collection(location, embedder=embedder)
        opened.append(collection)
        return collection

    yield open_with
    for collection in opened:
        collection.close()


@pytest.fixture
def hashed(opener: Opener) -> Collection:
    return opener(HashingEmbedder(dimension=64))


def test_both_backends_keep_the_contract(hashed: Collection) -> None:
    assert isinstance(hashed.storage, StorageBackend)
    assert isinstance(hashed.bookkeeping, Bookkeeping)
    assert hashed.location


def test_the_storage_contract_stays_narrow() -> None:
    """A backend keeps about a dozen primitives (at most 15); what is derived from them is
    written once in Collection, what lives beside the documents in Bookkeeping."""
    members = {name for name in dir(StorageBackend) if not name.startswith("_")}
    properties = {n for n in members if isinstance(getattr(StorageBackend, n), property)}
    primitives = members - properties - {"close"}
    assert properties == {"location", "cache_folder", "cache_write_error"}
    assert len(primitives) <= 15, sorted(primitives)
    assert not primitives & {n for n in dir(Bookkeeping) if not n.startswith("_")}


def test_upsert_round_trips_documents_units_and_chunks(hashed: Collection) -> None:
    start = hashed.generation()
    doc = make_document("kz-en", kazakhstan_articles()[:6])
    chunks = make_chunks(doc)
    assert hashed.upsert_document(doc, chunks) == len(chunks)
    assert hashed.generation() > start
    assert hashed.document_hashes() == {"kz-en": doc.content_hash}
    record = hashed.get_document("kz-en")
    assert record is not None
    assert record.parties == doc.meta.parties and record.year == 2015
    assert (record.unit_count, record.chunk_count) == (len(doc.units), len(chunks))
    units = hashed.list_units("kz-en")
    assert [u.eid for u in units] == [u.eid for u in doc.units]
    assert hashed.get_unit("kz-en", "art_3") == units[2]
    assert [c.chunk_id for c in hashed.chunk_texts()] == [c.chunk_id for c in chunks]
    status = hashed.status()
    assert (status.documents, status.units, status.chunks) == (1, len(doc.units), len(chunks))
    assert status.model == hashed.embedder.name and status.dimension == 64
    assert hashed.verify() == []


def test_upsert_replaces_the_whole_document_and_remove_deletes_it(
    hashed: Collection,
) -> None:
    upsert(hashed, make_document("kz-en", kazakhstan_articles()[:6]))
    upsert(hashed, make_document("kz-en", kazakhstan_articles()[:2]))
    assert [u.eid for u in hashed.list_units("kz-en")] == ["art_1", "art_2"]
    assert hashed.status().chunks == len(
        make_chunks(make_document("kz", kazakhstan_articles()[:2]))
    )
    assert hashed.remove_document("kz-en") is True
    assert hashed.remove_document("kz-en") is False
    assert hashed.list_documents() == [] and hashed.status().chunks == 0
    assert hashed.search("return", k=5) == []


def test_a_failed_batch_writes_nothing(hashed: Collection) -> None:
    upsert(hashed, return_document("a"))
    before = hashed.generation()
    clash = return_document("b")
    stolen = [
        c.__class__(**{**c.__dict__, "doc_id": "b"}) for c in make_chunks(return_document("a"))
    ]
    with pytest.raises(IndexWriteError, match="already used by document a"):
        hashed.upsert_document(clash, stolen)
    assert hashed.generation() == before
    assert [d.doc_id for d in hashed.list_documents()] == ["a"]


@pytest.mark.parametrize(
    ("filters", "expected_docs"),
    [
        (SearchFilters(doc_ids=("en-3", "en-5")), {"en-3", "en-5"}),
        (SearchFilters(parties=("france",)), {"fr-odd"}),
        (SearchFilters(parts=("protocol",)), {"fr-odd"}),
        (SearchFilters(year_from=2007), {"en-7", "en-8", "en-9"}),
        (SearchFilters(year_to=2001), {"fr-odd", "en-0", "en-1"}),
        (SearchFilters(year_from=2003, year_to=2004, languages=("EN",)), {"en-3", "en-4"}),
        (SearchFilters(languages=("de",)), set()),
    ],
)
def test_filters_apply_inside_the_vector_search(
    hashed: Collection, filters: SearchFilters, expected_docs: set[str]
) -> None:
    filter_corpus(hashed)  # type: ignore[arg-type]
    hits = hashed.search("registre return request", k=50, filters=filters)
    assert {h.doc_id for h in hits} == expected_docs
    assert {h.chunk_id for h in hits} == hashed.allowed_chunk_ids(filters)
    # k=1 still finds the one allowed chunk: the filter is not applied after the cut.
    if expected_docs:
        assert hashed.search("return request", k=1, filters=filters)[0].doc_id in expected_docs


def test_slots_round_trip_and_filter(hashed: Collection) -> None:
    upsert(hashed, return_document("a"))
    upsert(hashed, return_document("b"))
    hashed.replace_slots("a", [SlotAssignment("a", "art_2", "request", 0.9, "heading")])
    hashed.replace_slots("b", [SlotAssignment("b", "art_2", "request", 0.2, "embedding")])
    assert hashed.slot_documents() == {"a", "b"}
    assert [s.doc_id for s in hashed.slot_assignments(slot="request")] == ["a", "b"]
    hits = hashed.search("return", k=10, filters=SearchFilters(slots=("request",)))
    assert {(h.doc_id, h.eid) for h in hits} == {("a", "art_2")}  # b is below the confidence
    vectors = hashed.unit_vectors("a")
    assert set(vectors) == {"art_1", "art_2"}
    assert np.linalg.norm(vectors["art_1"]) == pytest.approx(1.0, abs=1e-5)


def test_keyword_evidence_is_kept_with_the_slots_and_goes_with_its_unit(
    hashed: Collection,
) -> None:
    upsert(hashed, return_document("a"))
    upsert(hashed, return_document("b"))
    assert hashed.keyword_rows() == {} and hashed.keyword_documents() == set()
    slot = [SlotAssignment("a", "art_2", "request", 0.9, "heading")]
    rows = {"art_1": ("sha-1", "{}"), "art_2": ("sha-2", '{"request": [["request"], [], 0]}')}
    hashed.replace_slots("a", slot, keywords=rows | {"art_9": ("gone", "{}")})
    hashed.replace_slots("b", [], keywords={"art_1": ("sha-b", "{}")})
    # a unit that is not in the index is not kept
    assert hashed.keyword_rows(doc_id="a") == {("a", eid): row for eid, row in rows.items()}
    assert set(hashed.keyword_rows()) == {("a", "art_1"), ("a", "art_2"), ("b", "art_1")}
    assert hashed.keyword_documents() == {"a", "b"}
    hashed.replace_slots("b", [])  # replaced with none: found again when asked
    assert hashed.keyword_documents() == {"a"}
    upsert(hashed, return_document("a"))  # re-indexed: recomputed after the ingest
    assert hashed.keyword_rows() == {} and hashed.slot_assignments() == []


def test_an_index_from_before_the_keywords_table_gets_it_when_opened(
    location: str | Path, opener: Opener
) -> None:
    """The table is created on open (SQLite and PostgreSQL alike) and starts empty: the gap
    check then runs the keyword rules until the next ingest stores the evidence."""
    collection = opener(HashingEmbedder(dimension=64))
    upsert(collection, return_document("a"))
    collection.close()
    if isinstance(location, Path):
        with sqlite3.connect(location / "meta.sqlite") as conn:
            conn.execute("DROP TABLE keywords")
    else:
        import psycopg

        with psycopg.connect(location, autocommit=True) as server:
            server.execute("DROP TABLE keywords")
    reopened = opener(HashingEmbedder(dimension=64))
    assert reopened.keyword_rows() == {}
    reopened.replace_slots("a", [], keywords={"art_1": ("sha", "{}")})
    assert reopened.keyword_rows() == {("a", "art_1"): ("sha", "{}")}


def test_search_vectors_ranks_by_inner_product_and_hits_keep_order(
    hashed: Collection,
) -> None:
    upsert(hashed, return_document("a"))
    vector = hashed.embedder.encode_queries(["return request in writing"])[0]
    hits = hashed.search_vectors(vector, k=2)
    assert [h.rank for h in hits] == [1, 2] and hits[0].eid == "art_2"
    expected = float(np.dot(vector, hashed.embedder.encode_documents([hits[0].text])[0]))
    assert hits[0].score == pytest.approx(expected, abs=1e-5)
    ids = [h.chunk_id for h in reversed(hits)] + [12345]
    assert [h.chunk_id for h in hashed.hits_for_chunks(ids)] == ids[:2]


def test_another_model_is_refused_once_there_are_vectors(opener: Opener) -> None:
    first = opener(HashingEmbedder(dimension=64))
    upsert(first, return_document("a"))
    with pytest.raises(ModelMismatchError, match="hashing-ngrams-64"):
        opener(HashingEmbedder(dimension=32))


def test_an_empty_index_may_switch_model(opener: Opener) -> None:
    opener(HashingEmbedder(dimension=64)).close()
    switched = opener(HashingEmbedder(dimension=32))
    upsert(switched, return_document("a"))
    assert switched.status().dimension == 32
    assert switched.search("return request", k=1)[0].doc_id == "a"


def test_one_writer_at_a_time(hashed: Collection, opener: Opener) -> None:
    other = opener(HashingEmbedder(dimension=64))
    busy = pytest.raises(IndexBusyError, match="another ingest is running")
    with hashed.writer_lock(), busy, other.writer_lock():
        pass
    with other.writer_lock():  # released: the next writer gets it
        pass


def test_failures_are_recorded_and_cleared(hashed: Collection) -> None:
    hashed.record_failure("corpus/x.pdf", "encrypted")
    hashed.record_failure("corpus/x.pdf", "still encrypted")
    assert hashed.status().failures == (("corpus/x.pdf", "still encrypted"),)
    assert hashed.clear_failures(["corpus/x.pdf"]) == 1
    assert hashed.status().failures == ()


def test_readers_see_old_or_new_document_never_a_mix(hashed: Collection) -> None:
    """A writer keeps replacing a document's version; a reader's hits never mix versions."""
    articles = [(str(n), "Return", f"Version 0 text of article {n}.") for n in range(1, 9)]
    upsert(hashed, make_document("v", articles))
    errors: list[str] = []
    stop = threading.Event()

    def writer() -> None:
        for version in range(1, 15):
            body = [
                (str(n), "Return", f"Version {version} text of article {n}.") for n in range(1, 9)
            ]
            upsert(hashed, make_document("v", body))
        stop.set()

    thread = threading.Thread(target=writer)
    thread.start()
    while not stop.is_set():
        texts = [chunk.text for chunk in hashed.chunk_texts()]
        versions = {text.split("Version ")[1].split(" ")[0] for text in texts}
        if len(versions) != 1 or len(texts) != 8:
            errors.append(f"{len(texts)} chunks of versions {sorted(versions)}")
    thread.join()
    assert errors == []


def test_copy_to_the_other_backend_without_re_embedding(
    location: str | Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Copy to the other backend: same checksums, same slots, same search results (real model)."""
    embedder = shared_embedder("minilm")
    with open_collection(location, embedder=embedder) as source:
        filter_corpus(source)  # type: ignore[arg-type]
        source.replace_slots("en-1", [SlotAssignment("en-1", "art_2", "request", 0.9, "heading")])
        source.record_failure("corpus/bad.pdf", "encrypted")
    if isinstance(location, Path):
        from tests.conftest import fresh_database

        other: str | Path = fresh_database(request.getfixturevalue("pg_server"))
    else:
        other = tmp_path / "copy"
    calls = []
    report = copy_index(location, other, embedder=embedder, progress=lambda *a: calls.append(a))
    assert (report.documents, report.problems) == (11, ())
    assert calls[-1] == (11, 11)
    with (
        open_collection(location, embedder=embedder) as a,
        open_collection(other, embedder=embedder) as b,
    ):
        for record in a.list_documents():
            left, right = a.stored_document(record.doc_id), b.stored_document(record.doc_id)
            assert left is not None and right is not None
            assert document_checksum(left) == document_checksum(right)
        query = "return request made in writing"
        assert [h.chunk_id for h in a.search(query, k=5)] == [
            h.chunk_id for h in b.search(query, k=5)
        ]
        assert b.slot_assignments() == a.slot_assignments()
        assert b.status().failures == (("corpus/bad.pdf", "encrypted"),)
    # Copying again after a removal at the source removes it from the copy too.
    with open_collection(location, embedder=embedder) as source:
        source.remove_document("en-0")
    again = copy_index(location, other, embedder=embedder)
    assert (again.documents, again.removed, again.problems) == (10, ("en-0",), ())


def test_a_server_schema_of_another_version_is_refused(pg_url: str) -> None:
    import psycopg

    open_collection(pg_url, embedder=HashingEmbedder(dimension=64)).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE state SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(IndexOpenError, match="schema version 99"):
        open_collection(pg_url, embedder=HashingEmbedder(dimension=64))


def test_an_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(IndexOpenError, match="cannot open the index at postgresql://") as info:
        open_collection(
            "postgresql://nobody:secret@127.0.0.1:1/none", embedder=HashingEmbedder(dimension=8)
        )
    assert "secret" not in str(info.value)


def test_restricted_documents_are_cut_inside_the_search(hashed: Collection) -> None:
    """Visibility (readmit.access): a viewer's groups filter inside retrieval on both backends."""
    upsert(hashed, return_document("public"))
    plain = make_document("secret", RETURN_ARTICLES_RESTRICTED)
    restricted = dataclasses.replace(
        plain, meta=dataclasses.replace(plain.meta, visibility=("tag",))
    )
    upsert(hashed, restricted)
    assert hashed.get_document("secret").visibility == ("tag",)  # type: ignore[union-attr]
    outsider = SearchFilters(visible_groups=("other",))
    member = SearchFilters(visible_groups=("tag",))
    assert {h.doc_id for h in hashed.search("return request", k=10, filters=outsider)} == {"public"}
    assert {h.doc_id for h in hashed.search("return request", k=10, filters=member)} == {
        "public",
        "secret",
    }
    hidden = SearchFilters(doc_ids=("secret",), visible_groups=("other",))
    assert hashed.search("return request", k=1, filters=hidden) == []
    assert hashed.allowed_chunk_ids(hidden) == set()


RETURN_ARTICLES_RESTRICTED = [
    ("1", "Return request", "A return request shall be made in writing to the requested Party."),
]


# ---- revisioned records (drafts) -------------------------------------------------------------


@pytest.fixture(params=["folder", "postgres"])
def records(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RecordStore]:
    """A fresh, empty record store of each backend."""
    location = (
        tmp_path / "drafts" if request.param == "folder" else request.getfixturevalue("pg_url")
    )
    store = open_record_store(location)
    yield store
    store.close()


def test_records_round_trip_with_a_new_revision_per_commit(records: RecordStore) -> None:
    assert records.get("a") is None
    assert (
        records.commit("a", {"title": "one"}, based_on=None, author="ann", operation="create") == 1
    )
    assert records.commit("a", {"title": "two"}, based_on=1, author="bob", operation="save") == 2
    stored = records.get("a")
    assert stored is not None
    assert (stored.key, stored.revision, stored.data["title"]) == ("a", 2, "two")
    assert stored.data["revision"] == 2  # the stored object carries its revision
    listed, unreadable = records.all()
    assert [(r.key, r.revision) for r in listed] == [("a", 2)] and unreadable == []


def test_a_stale_commit_or_delete_is_refused_and_changes_nothing(records: RecordStore) -> None:
    records.commit("a", {"title": "one"}, based_on=None, author="ann", operation="create")
    records.commit("a", {"title": "two"}, based_on=1, author="bob", operation="save")
    with pytest.raises(StaleRecordError) as refused:
        records.commit("a", {"title": "late"}, based_on=1, author="ann", operation="save")
    assert (refused.value.based_on, refused.value.stored) == (1, 2)
    with pytest.raises(StaleRecordError):
        records.delete("a", based_on=1, author="ann")
    stored = records.get("a")
    assert stored is not None and stored.data["title"] == "two"


def test_history_keeps_every_version_and_outlives_a_deletion(records: RecordStore) -> None:
    records.commit("a", {"title": "one"}, based_on=None, author="ann", operation="create")
    records.commit("a", {"title": "two"}, based_on=1, author="bob", operation="rename")
    assert records.delete("a", based_on=2, author="cy") is True
    assert records.get("a") is None
    assert records.delete("a", based_on=None, author="cy") is False
    history = records.history("a")
    assert [(v.revision, v.author, v.operation) for v in history] == [
        (3, "cy", "delete"),
        (2, "bob", "rename"),
        (1, "ann", "create"),
    ]
    assert history[0].data is None and history[1].data["title"] == "two"
    assert records.history("never") == []


def test_concurrent_commits_are_serialised_none_lost(records: RecordStore) -> None:
    records.commit("a", {"n": 0}, based_on=None, author="ann", operation="create")
    saved: list[int] = []

    def editor() -> None:
        for _ in range(10):
            while True:
                current = records.get("a")
                assert current is not None
                try:
                    data = {"n": current.data["n"] + 1}
                    records.commit("a", data, based_on=current.revision, author="x", operation="+1")
                    saved.append(1)
                    break
                except StaleRecordError:
                    continue

    threads = [threading.Thread(target=editor) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = records.get("a")
    assert final is not None and final.data["n"] == 20 == len(saved)
    assert final.revision == 21


def test_an_unreadable_folder_record_is_reported_not_fatal(tmp_path: Path) -> None:
    store = open_record_store(tmp_path)
    store.commit("good", {"title": "ok"}, based_on=None, author="ann", operation="create")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    listed, unreadable = store.all()
    assert [r.key for r in listed] == ["good"]
    assert [Path(e.where).name for e in unreadable] == ["bad.json"]
    with pytest.raises(RecordError, match="corrupt JSON"):
        store.get("bad")
    assert store.delete("bad", based_on=None, author="ann")  # still removable
