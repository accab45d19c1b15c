"""After PostgreSQL restarts, the next call of a long-lived process succeeds: the pools check a
connection before handing it out (`ConnectionPool.check_connection`) instead of failing once on
a connection that died while idle."""

from __future__ import annotations

import pytest

from index.embedders import HashingEmbedder
from index.errors import is_database_unreachable
from index.records.postgres import PgRecordStore
from index.storage import open_collection
from tests.harness.documents import make_chunks, make_document
from tests.harness.pg_cluster import cluster_url, own_cluster, run_script


# Slow: it starts, stops and restarts a PostgreSQL cluster of its own (about 90 s on two cores).
@pytest.mark.slow
def test_the_first_call_after_a_restart_succeeds() -> None:
    with own_cluster("outage") as folder:
        url = cluster_url(folder)
        collection = open_collection(url, embedder=HashingEmbedder(dimension=64))
        records = PgRecordStore(url)
        try:
            doc = make_document("public-en", [("1", "Time limits", "Reply within 10 days.")])
            collection.upsert_document(doc, make_chunks(doc))
            records.commit("d1", {"title": "kept"}, based_on=None, author="t", operation="new")
            generation = collection.generation()
            assert records.get("d1") is not None

            assert run_script(folder, "stop").returncode == 0
            # While it is down, what the calls raise is recognised as an outage (the app's
            # banner), not as a bug.
            for call in (collection.generation, lambda: records.get("d1")):
                with pytest.raises(Exception) as raised:
                    call()
                assert is_database_unreachable(raised.value), repr(raised.value)
            restarted = run_script(folder, "start")
            assert restarted.returncode == 0, restarted.stderr
            assert restarted.stdout.strip() == url

            # Every pooled connection died with the server; none of these calls may fail.
            assert collection.generation() == generation
            assert [d.doc_id for d in collection.list_documents()] == ["public-en"]
            stored = records.get("d1")
            assert stored is not None and stored.data["title"] == "kept"
        finally:
            collection.close()
            records.close()


def test_other_errors_are_not_an_outage() -> None:
    assert not is_database_unreachable(ValueError("bad input"))
    assert not is_database_unreachable(KeyError("x"))
