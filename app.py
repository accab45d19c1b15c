"""Readmit — the drafting workbench (Streamlit). Run: `streamlit run app.py`.

Thin on purpose: it opens the services once per process, opens the application facade
(`readmit.facade`) on them for the signed-in user, and hands each page to its module in
`readmit/ui/`. Its folders and model come from `readmit.settings`: the index is `$READMIT_INDEX`
(default `.readmit/index`), drafts are `$READMIT_DRAFTS` (default `.readmit/drafts`), uploads go
to `$READMIT_CORPUS` (default `corpus/`), `$READMIT_MODEL` overrides the index's own model.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from readmit.facade import (
    LOCAL_MAINTAINER,
    AccessGate,
    Action,
    Readmit,
    Services,
    is_database_unreachable,
    open_readmit,
    open_services,
)
from readmit.settings import as_location, load_settings
from readmit.ui import (
    clauses_page,
    compare_page,
    draft_page,
    maintain_page,
    read_page,
    render,
    review_page,
    search_page,
)
from readmit.ui.errors import show_safely
from readmit.ui.sidebar import sidebar
from readmit.ui.signin import signed_in
from readmit.ui.state import init_state, sync_query_params

LAST_PRINCIPAL_KEY = "_last_principal"  # who this session signed in, checked on every run

PAGE_FUNCTIONS: dict[str, Callable[[Readmit], None]] = {
    "Search": search_page.page,
    "Read": read_page.page,
    "Compare": compare_page.page,
    "Clauses": clauses_page.page,
    "Draft": draft_page.page,
    "Review": review_page.page,
    "Maintain": maintain_page.page,
}


@st.cache_resource(show_spinner="Opening the index and loading the search model…")
def shared_services(index_dir: str, drafts_dir: str, corpus_dir: str, model: str) -> Services:
    """One set of services per process and configuration, shared by all sessions."""
    settings = load_settings(
        index_dir=as_location(index_dir),
        drafts_dir=as_location(drafts_dir),
        corpus_dir=Path(corpus_dir),
        model=model or None,
    )
    services = open_services(settings)
    # Loading the model and the lexical index shows nothing to anyone: any principal may.
    open_readmit(settings, LOCAL_MAINTAINER, services=services).warm_up()
    return services


@st.cache_resource
def access_gate(index_dir: str, users_file: str, audit_file: str, *_environment: str) -> AccessGate:
    """Accounts, audit log, sign-in throttle and session tokens: one per process and
    configuration (in server mode one pool to the database's account tables)."""
    return open_services(load_settings(index_dir=as_location(index_dir))).gate


def main() -> None:
    # An emoji: Streamlit takes any other text ("§") for an image address, which every page
    # load then requested in vain (twice).
    st.set_page_config(page_title="Readmit — drafting workbench", page_icon="⚖️", layout="wide")
    st.html(render.STYLESHEET)
    show_safely(render_app, where="the workbench")


def render_app() -> None:
    settings = load_settings()
    gate = access_gate(
        str(settings.index_dir),
        str(settings.users_file),
        str(settings.audit_file),
        os.environ.get("READMIT_SIGN_IN", ""),
        os.environ.get("READMIT_SESSION_HOURS", ""),
    )
    try:
        principal = signed_in(gate)  # draws the sign-in form (or a refusal) when there is none
    except Exception as error:
        # The accounts live in the database in server mode: during an outage the person this
        # session signed in keeps their navigation (every page then shows the outage banner).
        principal = st.session_state.get(LAST_PRINCIPAL_KEY)
        if principal is None or not is_database_unreachable(error):
            raise
    if principal is None:
        return
    st.session_state[LAST_PRINCIPAL_KEY] = principal
    services = shared_services(
        str(settings.index_dir),
        str(settings.drafts_dir),
        str(settings.corpus_dir),
        settings.model or "",
    )
    # Every page gets the facade as this user sees it: their documents, drafts and rights.
    wb = open_readmit(services.settings, principal, services=services)
    init_state()
    page = sidebar(wb, gate)
    if page == "Maintain" and not principal.may(Action.UPLOAD):
        st.error("The Maintain page needs the maintainer role.")
    else:
        show_safely(lambda: PAGE_FUNCTIONS[page](wb), where=f"the {page} page")
    sync_query_params()


main()
