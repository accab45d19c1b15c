"""Server mode end to end: several processes on one PostgreSQL database.

- Two long-lived facade processes (what two app processes hold: one `Readmit` each) on one
  database: a document ingested through one is found by a search through the other; a draft
  edited in one is seen, and edited further, in the other; a stale edit is refused.
- Reader processes searching while a writer re-indexes every document: no errors, no answer
  mixing two versions of a document (tests/harness/concurrent_readers.py, run with a server).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness.concurrent_readers import run, text_doc_ids
from tests.harness.corpus import copy_documents

DOCS = ["benelux-kazakhstan-readmission-agreement-2015-en", "un-refugee-protocol-1967-en"]


def workbench_process(location: str, conn: multiprocessing.connection.Connection) -> None:
    """Answers commands over a pipe with one Readmit, as an app process would hold it."""
    from readmit.facade import DraftStoreError
    from tests.harness.facade import local_readmit

    wb = local_readmit(index_dir=location, drafts_dir=location)
    while True:
        command, *args = conn.recv()
        try:
            if command == "stop":
                conn.send(None)
                return
            if command == "ingest":
                report = wb.ingest([Path(args[0])])
                conn.send((len(report.indexed), list(report.failed)))
            elif command == "search":
                conn.send([(h.doc_id, h.eid) for h in wb.search(args[0], k=5).hits])
            elif command == "documents":
                conn.send([d.doc_id for d in wb.documents()])
            elif command == "create":
                conn.send(wb.create_draft(args[0]).draft_id)
            elif command == "add_text":
                wb.add_text(args[0], section="costs", text=args[1])
                conn.send(None)
            elif command == "get":
                draft = wb.get_draft(args[0])
                conn.send((draft.revision, [c.text for c in draft.clauses]))
            elif command == "rename":
                conn.send(wb.rename_draft(args[0], args[1], based_on=args[2]).revision)
            elif command == "drafts":
                conn.send([s.draft_id for s in wb.list_drafts()])
        except DraftStoreError as error:
            conn.send(("refused", str(error)))


class Worker:
    def __init__(self, location: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=workbench_process, args=(location, child))
        self._process.start()

    def ask(self, *command: Any) -> Any:
        self._conn.send(command)
        if not self._conn.poll(600):
            raise TimeoutError(f"no answer to {command[0]}")
        return self._conn.recv()

    def stop(self) -> None:
        self.ask("stop")
        self._process.join(timeout=30)


@pytest.fixture
def two_processes(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Worker, Worker]]:
    monkeypatch.setenv("READMIT_MODEL", "minilm")  # a real model; small, so the test is quick
    from index.embedders import make_embedder
    from index.storage import open_collection

    open_collection(pg_url, embedder=make_embedder("minilm")).close()  # records the model
    first, second = Worker(pg_url), Worker(pg_url)
    yield first, second
    first.stop()
    second.stop()


@pytest.mark.slow
def test_two_processes_share_documents_and_drafts(
    two_processes: tuple[Worker, Worker], tmp_path: Path
) -> None:
    first, second = two_processes
    assert second.ask("documents") == []
    assert second.ask("search", "readmission of own nationals") == []  # caches built, empty
    corpus = copy_documents(tmp_path / "corpus", DOCS)
    assert first.ask("ingest", str(corpus)) == (2, [])
    assert sorted(second.ask("documents")) == sorted(DOCS)
    hits = second.ask("search", "time limit for replying to a readmission request")
    assert hits and hits[0][0] == DOCS[0]

    draft_id = first.ask("create", "Shared model agreement")
    assert second.ask("drafts") == [draft_id]
    first.ask("add_text", draft_id, "Costs are borne by the requesting Party.")
    revision, texts = second.ask("get", draft_id)
    assert texts == ["Costs are borne by the requesting Party."]
    second.ask("add_text", draft_id, "Transit costs likewise.")
    assert first.ask("get", draft_id)[1] == [
        "Costs are borne by the requesting Party.",
        "Transit costs likewise.",
    ]
    # The first process still shows `revision`: its typed title is refused, the second's kept.
    new_revision = second.ask("rename", draft_id, "Second's title", revision + 1)
    refused = first.ask("rename", draft_id, "First's title", revision)
    assert refused[0] == "refused" and "changed by someone else" in refused[1]
    assert first.ask("get", draft_id)[0] == new_revision


@pytest.mark.slow
def test_readers_never_fail_and_never_see_a_mix_on_postgres(pg_server: str, tmp_path: Path) -> None:
    summary = run(tmp_path, readers=3, cycles=4, doc_ids=text_doc_ids(6), server=pg_server)
    assert summary.writer_failures == 0
    assert summary.errors == []
    assert summary.inconsistencies == []
    assert summary.searches >= 3
