"""The facade's cache of computed views (readmit.facade.view_cache): one computation per key,
even when sessions ask at once; keys apart stay apart; the oldest entries go first."""

from __future__ import annotations

import threading
import time

import pytest

from readmit.facade.view_cache import ViewCache


def test_computes_once_per_key_and_keeps_keys_apart() -> None:
    cache = ViewCache()
    calls: list[str] = []

    def compute(value: str) -> str:
        calls.append(value)
        return value

    public = ("clause_matrix", 7, ("secretariat",), ())
    restricted = ("clause_matrix", 7, ("negotiators",), ())
    assert cache.get(restricted, lambda: compute("with the restricted text")) == (
        "with the restricted text"
    )
    assert cache.get(public, lambda: compute("public only")) == "public only"
    assert cache.get(restricted, lambda: compute("again")) == "with the restricted text"
    assert cache.get(public, lambda: compute("again")) == "public only"
    # A new index generation is a new key: computed again.
    assert cache.get(("clause_matrix", 8, ("secretariat",), ()), lambda: compute("new")) == "new"
    assert calls == ["with the restricted text", "public only", "new"]


def test_sessions_asking_at_once_wait_for_one_computation() -> None:
    cache = ViewCache()
    calls: list[int] = []
    results: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    threads = [
        threading.Thread(target=lambda: results.append(cache.get("gaps", slow))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [42, 42, 42, 42]
    assert calls == [1]


def test_a_failed_computation_is_not_kept() -> None:
    cache = ViewCache()

    def broken() -> int:
        raise RuntimeError("the index was being replaced")

    with pytest.raises(RuntimeError):
        cache.get("matrix", broken)
    assert cache.get("matrix", lambda: 3) == 3


def test_least_recently_used_entries_are_dropped_first() -> None:
    cache = ViewCache(max_entries=2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    cache.get("a", lambda: 0)  # used: "b" is now the oldest
    cache.get("c", lambda: 3)
    assert len(cache) == 2
    assert cache.get("a", lambda: -1) == 1
    assert cache.get("b", lambda: -2) == -2  # was dropped, computed again
