"""Session state of the workbench: the page, the current draft, pinned articles, messages.

Widget keys (stable; tests and the browser test drive the app by them):

- sidebar: ``page`` (radio: Search, Read, Compare, Clauses, Draft, Review, Maintain)
- query parameters kept in the URL so a refresh restores the view: ``page``, ``draft``,
  ``doc`` and ``eid`` (the article open on the Read page)

The widget keys of each page are listed in that page's module docstring. Pages read and
write session state only through the functions here (widget values with `value`, `put`,
`sync`, `ensure_choice`; computed views with `memo`), so every key that is not a widget's is
defined in this module.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import streamlit as st

PAGES = ("Search", "Read", "Compare", "Clauses", "Draft", "Review", "Maintain")
PAGE_KEY = "page"
# Typed edits not saved (someone saved meanwhile, or the database was out of reach):
# (clause id, field) → the text, kept on screen until saved or dropped.
REFUSED_KEY = "_refused_edits"
DRAFT_KEY = "draft_id"
PINS_KEY = "pins"
FLASH_KEY = "flash"
READ_DOC_KEY = "read_doc"
READ_UNIT_KEY = "read_unit"
MEMO_KEY = "memo"  # name → (key, value) of what `memo` computed
SHOWN_KEY = "shown"  # list name → (what it lists, how many of its items are drawn)
LAST_RUN_KEY = "ingest_report"  # the Maintain page's last ingest report and rejected uploads
GAP_FOR_KEY = "gap_check_for"  # the draft the gap check was asked for
READ_SECTION_FOR_KEY = "read_section_for"  # the article the Read page's section was set for
MAX_PINS = 6

T = TypeVar("T")

FlashKind = Literal["success", "info", "warning", "error"]


@dataclass(frozen=True)
class Pin:
    doc_id: str
    eid: str


def init_state() -> None:
    """First run of a session: restore the view from the URL's query parameters."""
    state = st.session_state
    if PAGE_KEY not in state:
        wanted = st.query_params.get("page", PAGES[0])
        state[PAGE_KEY] = wanted if wanted in PAGES else PAGES[0]
    if DRAFT_KEY not in state:
        state[DRAFT_KEY] = st.query_params.get("draft") or None
    if PINS_KEY not in state:
        state[PINS_KEY] = []
    if READ_DOC_KEY not in state and st.query_params.get("doc"):
        state[READ_DOC_KEY] = st.query_params.get("doc")
        if st.query_params.get("eid"):
            state[READ_UNIT_KEY] = st.query_params.get("eid")


def sync_query_params() -> None:
    """Mirror the view into the URL (after the widgets have run)."""
    state = st.session_state
    wanted: dict[str, str] = {"page": state.get(PAGE_KEY, PAGES[0])}
    if state.get(DRAFT_KEY):
        wanted["draft"] = state[DRAFT_KEY]
    if state.get(READ_DOC_KEY):
        wanted["doc"] = state[READ_DOC_KEY]
        if state.get(READ_UNIT_KEY):
            wanted["eid"] = state[READ_UNIT_KEY]
    current = {key: st.query_params.get(key) for key in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


# ---- navigation (call from widget callbacks only: they run before the widgets) -----------


def go_to(page: str) -> None:
    st.session_state[PAGE_KEY] = page


def open_article(doc_id: str, eid: str) -> None:
    st.session_state[READ_DOC_KEY] = doc_id
    st.session_state[READ_UNIT_KEY] = eid
    go_to("Read")


# ---- current draft ------------------------------------------------------------------------


def current_draft_id() -> str | None:
    value = st.session_state.get(DRAFT_KEY)
    return value if isinstance(value, str) and value else None


def set_current_draft(draft_id: str | None) -> None:
    st.session_state[DRAFT_KEY] = draft_id


# ---- pins ---------------------------------------------------------------------------------


def pins() -> list[Pin]:
    return list(st.session_state.get(PINS_KEY, []))


def is_pinned(doc_id: str, eid: str) -> bool:
    return Pin(doc_id, eid) in pins()


def toggle_pin(doc_id: str, eid: str) -> None:
    current = pins()
    pin = Pin(doc_id, eid)
    if pin in current:
        current.remove(pin)
    elif len(current) >= MAX_PINS:
        flash("warning", f"At most {MAX_PINS} articles can be pinned; unpin one first.")
        return
    else:
        current.append(pin)
    st.session_state[PINS_KEY] = current


def clear_pins() -> None:
    st.session_state[PINS_KEY] = []


# ---- messages that survive the rerun a callback triggers -----------------------------------


def flash(kind: FlashKind, message: str) -> None:
    st.session_state.setdefault(FLASH_KEY, []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop(FLASH_KEY, []):
        {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}[kind](
            message
        )


# ---- widget values --------------------------------------------------------------------------


def value(key: str, default: Any = None) -> Any:
    """A widget's current value (`default` before the widget first ran)."""
    return st.session_state.get(key, default)


def put(key: str, new: Any) -> None:
    """Set a widget's value (from a callback, or before the widget is created in this run)."""
    st.session_state[key] = new


def sync(key: str, stored: Any) -> None:
    """Show the stored value in a widget (before the widget is created in this run)."""
    if st.session_state.get(key) != stored:
        st.session_state[key] = stored


def ensure_choice(key: str, options: Collection[Any], default: Any) -> None:
    """Reset a choice widget to `default` when its value is not among `options`."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def keep(*keys: str) -> None:
    """Keep these widgets' values through runs that do not draw them (a closed tab): Streamlit
    drops the state of a widget a run leaves out, and setting it again in the run keeps it."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def ensure_default(key: str, default: Callable[[], Any]) -> None:
    """Give a widget its first value (computed only when the widget has none yet)."""
    if key not in st.session_state:
        st.session_state[key] = default()


# ---- what pages computed ----------------------------------------------------------------------


def memo(name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """Compute once per session, name and key (e.g. scope and index generation): the reruns a
    button click triggers reuse the value; a new key computes it again."""
    cache: dict[str, tuple[Hashable, Any]] = st.session_state.setdefault(MEMO_KEY, {})
    cached = cache.get(name)
    if cached is not None and cached[0] == key:
        result: T = cached[1]
        return result
    computed = compute()
    cache[name] = (key, computed)
    return computed


# ---- long lists drawn a page at a time ---------------------------------------------------------


def shown_count(name: str, key: Hashable, *, first: int) -> int:
    """How many items of the list `name` to draw: `first`, or as many as `show_more` asked
    for the same `key` (what it lists, e.g. clause type and filters); a new key starts again
    at `first`. Kept in the session, so another tab or page and back finds it as it was."""
    shown: dict[str, tuple[Hashable, int]] = st.session_state.setdefault(SHOWN_KEY, {})
    kept = shown.get(name)
    if kept is None or kept[0] != key:
        shown[name] = (key, first)
        return first
    return kept[1]


def show_more(name: str, key: Hashable, count: int) -> None:
    """Draw the first `count` items of the list `name` listing `key` (a button's callback)."""
    st.session_state.setdefault(SHOWN_KEY, {})[name] = (key, count)


def set_last_run(run: Any) -> None:
    st.session_state[LAST_RUN_KEY] = run


def last_run() -> Any:
    return st.session_state.get(LAST_RUN_KEY)


def request_gap_check(draft_id: str) -> None:
    st.session_state[GAP_FOR_KEY] = draft_id


def gap_check_requested(draft_id: str) -> bool:
    return bool(st.session_state.get(GAP_FOR_KEY) == draft_id)


def section_set_for(article: tuple[str, str]) -> bool:
    """Whether the Read page's section choice was already preselected for this article; marks
    it as such."""
    if st.session_state.get(READ_SECTION_FOR_KEY) == article:
        return True
    st.session_state[READ_SECTION_FOR_KEY] = article
    return False
