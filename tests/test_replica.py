"""A streaming read replica (scripts/postgres.sh replica-start: pg_basebackup -R, another
loopback port): searches run on the replica while the primary ingests, drafts are saved on the
primary. A search on the replica never sees half a document; a draft save sent to the replica
fails loudly and loses nothing; the replica's lag is measured and printed (`pytest -s`)."""

from __future__ import annotations

import statistics
import threading
import time
from typing import Any

import psycopg
import pytest

from index.embedders import HashingEmbedder
from index.records.postgres import ReadOnlyDatabaseError
from index.storage import open_collection
from readmit.drafting import DraftingService
from readmit.drafting.store import DraftStore
from tests.harness.documents import make_chunks, make_document
from tests.harness.pg_cluster import cluster_url, own_cluster

pytestmark = pytest.mark.slow

MOVING = "moving-en"
VERSIONS = {"A": 12, "B": 30}  # version -> number of articles: a half document shows
REPLACEMENTS = 40


def version_document(version: str) -> Any:
    articles = [
        (str(i), f"Article {i}", f"Version {version} text {i}: the requested State shall reply.")
        for i in range(1, VERSIONS[version] + 1)
    ]
    return make_document(MOVING, articles)


def wait_replayed(primary: psycopg.Connection[Any], replica: psycopg.Connection[Any]) -> float:
    """Seconds until the replica has replayed everything the primary has committed so far."""
    started = time.perf_counter()
    row = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
    assert row is not None
    target = row[0]
    deadline = started + 60
    while True:
        done = replica.execute(
            "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", (target,)
        ).fetchone()
        if done and done[0]:
            return time.perf_counter() - started
        if time.perf_counter() > deadline:
            raise AssertionError("the replica did not catch up within a minute")
        time.sleep(0.002)


def test_searches_on_the_replica_drafts_on_the_primary() -> None:
    with own_cluster("replica") as folder:
        primary_url = cluster_url(folder)
        replica_url = cluster_url(folder, "replica-start")
        embedder = HashingEmbedder(dimension=64)
        primary = open_collection(primary_url, embedder=embedder)
        primary_sql = psycopg.connect(primary_url, autocommit=True)
        replica_sql = psycopg.connect(replica_url, autocommit=True)
        drafts_primary = DraftStore(primary_url)
        try:
            first = version_document("A")
            primary.upsert_document(first, make_chunks(first))
            wait_replayed(primary_sql, replica_sql)
            row = replica_sql.execute("SELECT pg_is_in_recovery()").fetchone()
            assert row is not None and row[0] is True
            replica = open_collection(replica_url, embedder=embedder)  # opens without writing

            # ---- the primary ingests while searches run on the replica ----------------------
            stop = threading.Event()
            visible_after: list[float] = []  # commit on the primary -> replayed on the replica
            replay_lag: list[float] = []  # pg_stat_replication.replay_lag while ingesting
            errors: list[BaseException] = []

            def ingest() -> None:
                try:
                    with (
                        psycopg.connect(primary_url, autocommit=True) as p,
                        psycopg.connect(replica_url, autocommit=True) as r,
                    ):
                        for number in range(REPLACEMENTS):
                            doc = version_document("B" if number % 2 == 0 else "A")
                            primary.upsert_document(doc, make_chunks(doc))
                            visible_after.append(wait_replayed(p, r))
                            lag = p.execute(
                                "SELECT extract(epoch FROM replay_lag) FROM pg_stat_replication"
                            ).fetchone()
                            if lag and lag[0] is not None:
                                replay_lag.append(float(lag[0]))
                except BaseException as error:
                    errors.append(error)
                finally:
                    stop.set()

            writer = threading.Thread(target=ingest)
            writer.start()
            query = embedder.encode_queries(["the requested State shall reply"])[0]
            searches = documents_read = 0
            while not stop.is_set() or searches < 10:
                hits = [h for h in replica.search_vectors(query, k=50) if h.doc_id == MOVING]
                versions = {h.text.split("Version ", 1)[1][0] for h in hits}
                assert len(versions) == 1, f"one search saw versions {versions}"
                stored = replica.stored_document(MOVING)
                assert stored is not None
                unit_versions = {u.text.split("Version ", 1)[1][0] for u in stored.document.units}
                assert len(unit_versions) == 1, f"one read saw versions {unit_versions}"
                (version,) = unit_versions
                assert len(stored.document.units) == VERSIONS[version]  # never half of one
                searches += 1
                documents_read += 1
            writer.join()
            assert not errors, errors
            assert len(visible_after) == REPLACEMENTS

            # ---- a draft save routed to the replica fails loudly and loses nothing ----------
            service = DraftingService(drafts_primary)
            draft = service.create("Model agreement")
            draft, clause = service.add_text(
                draft.draft_id, section="time-limits", text="Reply within 10 days."
            )
            wait_replayed(primary_sql, replica_sql)
            drafts_replica = DraftStore(replica_url)  # opens for reading
            misrouted = DraftingService(drafts_replica)
            assert misrouted.get(draft.draft_id).revision == draft.revision  # reads work
            typed = "Reply within 14 days, or the request counts as accepted."
            with pytest.raises(ReadOnlyDatabaseError, match="read-only server"):
                misrouted.update_text(
                    draft.draft_id, clause.clause_id, typed, based_on=draft.revision
                )
            stored_draft = service.get(draft.draft_id)
            assert stored_draft.revision == draft.revision  # nothing half-saved
            # The caller still holds the text: saved on the primary, it is all there.
            saved = service.update_text(
                draft.draft_id, clause.clause_id, typed, based_on=draft.revision
            )
            assert saved.clause(clause.clause_id).text == typed
            drafts_replica.close()
            replica.close()

            print(
                f"\nreplica: {searches} searches and {documents_read} document reads during "
                f"{REPLACEMENTS} replacements on the primary, none saw a mix of versions"
                f"\nreplica lag, commit on the primary to replayed on the replica: median "
                f"{statistics.median(visible_after) * 1000:.1f} ms, max "
                f"{max(visible_after) * 1000:.1f} ms"
                + (
                    f"\npg_stat_replication.replay_lag: median "
                    f"{statistics.median(replay_lag) * 1000:.1f} ms, max "
                    f"{max(replay_lag) * 1000:.1f} ms ({len(replay_lag)} samples)"
                    if replay_lag
                    else ""
                )
            )
        finally:
            primary.close()
            drafts_primary.close()
            primary_sql.close()
            replica_sql.close()
