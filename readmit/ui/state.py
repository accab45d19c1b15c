"""Session state of the workbench: the page, the current draft, pinned articles, messages.

Widget keys (stable; tests and the browser test drive the app by them):

- sidebar: ``page`` (radio: Search, Read, Compare, Clauses, Draft, Maintain)
- query parameters kept in the URL so a refresh restores the view: ``page``, ``draft``,
  ``doc`` and ``eid`` (the article open on the Read page)

The keys of each page are listed in that page's module docstring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import streamlit as st

PAGES = ("Search", "Read", "Compare", "Clauses", "Draft", "Maintain")
PAGE_KEY = "page"
DRAFT_KEY = "draft_id"
PINS_KEY = "pins"
FLASH_KEY = "flash"
READ_DOC_KEY = "read_doc"
READ_UNIT_KEY = "read_unit"
MAX_PINS = 6

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
