"""What the facade computed from the index, kept between calls and between users who see the
same documents.

A key always holds the index generation (any change to the index makes a new one) and the
viewer's visible groups, which is exactly what `KnowledgeBase.viewed_by` narrows the index by:
two principals share an entry only when they see the same documents, so an entry computed for
one never shows another a document hidden from them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

# Entries kept (least recently used dropped first): a few scopes of a few views of the matrix,
# time limits, clause types and gap checks; each is small beside the index.
MAX_ENTRIES = 256


class ViewCache:
    """A bounded, thread-safe map from (what, index generation, visible groups, arguments) to
    the value computed for it. Streamlit serves each session in its own thread."""

    def __init__(self, *, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._max_entries = max_entries

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept for `key`, else `compute()` (once, even when several sessions ask
        at the same moment: the others wait for it)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                found: T = self._entries[key]
                return found
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            with self._lock:
                if key in self._entries:
                    done: T = self._entries[key]
                    return done
            value = compute()
            with self._lock:
                self._entries[key] = value
                self._computing.pop(key, None)
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)
