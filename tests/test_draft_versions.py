"""Draft saves are version-checked read-modify-writes, in a folder and on PostgreSQL alike.

Regression tests for issue 10 items 5 (concurrent edits lost clauses: 2 threads × 40 add_text
kept 45 of 80) and 6 (one unreadable draft file broke the Draft page), and issue 11's shared
drafts (stale save refused, history, restore and export of an earlier version).
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from readmit.drafting import DraftingService
from readmit.drafting.store import (
    DraftRepository,
    DraftStore,
    DraftStoreError,
    StaleDraftError,
    open_draft_store,
)

STORES = ["folder", "postgres"]


@pytest.fixture(params=STORES)
def drafts_location(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    if request.param == "folder":
        return tmp_path / "drafts"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def service(drafts_location: str | Path) -> DraftingService:
    return DraftingService(open_draft_store(drafts_location))


def add_with_retry(service: DraftingService, draft_id: str, text: str) -> int:
    """add_text until it is not refused as stale; returns how often it was refused."""
    refused = 0
    while True:
        try:
            service.add_text(draft_id, section="costs", text=text)
            return refused
        except StaleDraftError:
            refused += 1


def test_two_threads_times_40_add_text_keep_all_80(service: DraftingService) -> None:
    draft = service.create("Shared draft")
    refusals: list[int] = []

    def editor(name: str) -> None:
        refusals.extend(add_with_retry(service, draft.draft_id, f"{name} {i}") for i in range(40))

    threads = [threading.Thread(target=editor, args=(name,)) for name in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = [c.text for c in service.get(draft.draft_id).clauses]
    assert len(texts) == 80
    assert sorted(texts) == sorted(f"{n} {i}" for n in ("alice", "bob") for i in range(40))
    assert service.get(draft.draft_id).revision == 81  # create + 80 saves, none lost


def test_without_retry_every_edit_is_saved_or_refused_never_lost(
    service: DraftingService,
) -> None:
    draft = service.create("Shared draft")
    saved: list[str] = []
    refused: list[str] = []
    lock = threading.Lock()

    def editor(name: str) -> None:
        for i in range(40):
            try:
                service.add_text(draft.draft_id, section="costs", text=f"{name} {i}")
                outcome = saved
            except StaleDraftError:
                outcome = refused
            with lock:
                outcome.append(f"{name} {i}")

    threads = [threading.Thread(target=editor, args=(name,)) for name in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(saved) + len(refused) == 80
    assert sorted(c.text for c in service.get(draft.draft_id).clauses) == sorted(saved)


def _process_editor(location: str, draft_id: str, name: str) -> None:
    service = DraftingService(open_draft_store(location))
    for i in range(40):
        add_with_retry(service, draft_id, f"{name} {i}")


def test_two_processes_times_40_add_text_keep_all_80(drafts_location: str | Path) -> None:
    service = DraftingService(open_draft_store(drafts_location))
    draft = service.create("Shared draft")
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_process_editor, args=(str(drafts_location), draft.draft_id, n))
        for n in ("alice", "bob")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert len(service.get(draft.draft_id).clauses) == 80


def test_a_stale_save_is_refused_with_a_clear_message(service: DraftingService) -> None:
    draft = service.create("Shared draft")
    mine = service.get(draft.draft_id)
    service.rename(draft.draft_id, "Their title")  # someone else saves in between
    store: DraftRepository = service.store
    from readmit.drafting import model

    with pytest.raises(StaleDraftError, match="changed by someone else — reload to see"):
        store.commit(model.rename(mine, "My title"), operation="rename")
    assert service.get(draft.draft_id).title == "Their title"  # nothing merged, nothing lost
    with pytest.raises(StaleDraftError, match="changed by someone else"):
        service.rename(draft.draft_id, "Typed over an old view", based_on=mine.revision)
    with pytest.raises(StaleDraftError):
        store.delete(draft.draft_id, revision=mine.revision)
    assert service.get(draft.draft_id).title == "Their title"


def test_history_restore_and_export_of_an_earlier_version(
    service: DraftingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READMIT_USER", "alice")
    draft = service.create("Model agreement")
    text = "Costs are borne by the requesting Party."
    service.add_text(draft.draft_id, section="costs", text=text)
    monkeypatch.setenv("READMIT_USER", "bob")
    service.rename(draft.draft_id, "Renamed by Bob")
    history = service.history(draft.draft_id)
    assert [(e.revision, e.author, e.operation) for e in history] == [
        (3, "bob", "rename"),
        (2, "alice", "add clause"),
        (1, "alice", "create"),
    ]
    assert history[1].clause_count == 1 and history[0].title == "Renamed by Bob"
    assert service.version(draft.draft_id, 1).clauses == ()
    assert "Costs are borne" in service.export_markdown(draft.draft_id, revision=2)
    restored = service.restore(draft.draft_id, 1)
    assert restored.title == "Model agreement" and restored.clauses == ()
    assert service.history(draft.draft_id)[0].operation == "restore version 1"
    service.delete(draft.draft_id)
    assert service.history(draft.draft_id)[0].deleted
    assert service.restore(draft.draft_id, 2).clauses[0].text.startswith("Costs are borne")


def test_an_unreadable_draft_is_listed_and_set_aside(tmp_path: Path) -> None:
    """100,000 nested '[' used to raise RecursionError out of list() (issue 10, item 6)."""
    store = DraftStore(tmp_path)
    good = store.create("Good draft")
    (tmp_path / "deep.json").write_text("[" * 100_000, encoding="utf-8")
    listing = store.list()
    assert [s.draft_id for s in listing] == [good.draft_id]
    assert [(Path(e.path).name, e.reason) for e in listing.errors] == [
        ("deep.json", "corrupt JSON: nested too deeply to read")
    ]
    with pytest.raises(DraftStoreError, match="nested too deeply"):
        store.load("deep")
    store.delete("deep")  # an unreadable draft can still be removed
    assert store.list().errors == ()
    DraftingService(store).add_text(good.draft_id, section="costs", text="Still works.")


def test_a_draft_without_revision_is_read_as_revision_zero(tmp_path: Path) -> None:
    """Files written before revisions existed load, and the first save after makes them 1."""
    import json

    store = DraftStore(tmp_path)
    draft = store.create("Old draft")
    path = Path(store.where(draft.draft_id))
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["revision"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert store.load(draft.draft_id).revision == 0
    service = DraftingService(store)
    assert service.rename(draft.draft_id, "Renamed").revision == 1
