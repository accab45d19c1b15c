"""What a browser sees when the app itself fails: a short message with a reference.

The details (exception, traceback, server paths) go to the server log under the same
reference, never to the page: anyone who can reach the app may see the page.
`.streamlit/config.toml` sets `client.showErrorDetails = "none"` for errors that escape this.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

import streamlit as st

from readmit.facade import MissingExtraError, is_database_unreachable
from readmit.ui.state import REFUSED_KEY

log = logging.getLogger("readmit.app")


def show_safely(render: Callable[[], None], *, where: str) -> None:
    """Run `render`; on an unexpected error show a short message and log the details.

    Streamlit's own control flow (st.rerun, st.stop) raises BaseExceptions, which pass.
    """
    try:
        render()
    except Exception as error:
        if is_database_unreachable(error):
            database_banner()
            return
        if isinstance(error, MissingExtraError):  # names the extra to install: nothing secret
            st.error(str(error))
            return
        reference = secrets.token_hex(4)
        log.exception("%s failed (reference %s)", where, reference)
        st.error(
            f"Something went wrong ({where}). Reference {reference}: the details are in the "
            "server log under this reference."
        )


DATABASE_DOWN = (
    "The database is not reachable; your text is kept; retrying. Pages that need it come "
    "back by themselves when it answers again."
)
RETRY_SECONDS = 5.0


def database_banner() -> None:
    """The one message for a database outage, and a retry every few seconds (the connection
    pool checks each connection before use, so the first page after the outage works)."""
    log.warning("the database is not reachable")
    st.error(DATABASE_DOWN, icon="⚠️")
    kept: dict[tuple[str, str], str] = st.session_state.get(REFUSED_KEY, {})
    for (clause_id, field), text in kept.items():
        # shown (not a widget of the page's own: the page could not be drawn) until saved
        st.text_area(
            f"Your {field}, not saved yet",
            value=text,
            key=f"database_kept_{field}__{clause_id}",
            disabled=True,
        )
    _retry()


@st.fragment(run_every=RETRY_SECONDS)
def _retry() -> None:
    if st.session_state.get("_database_retry_armed"):
        st.session_state["_database_retry_armed"] = False
        st.rerun(scope="app")
    st.session_state["_database_retry_armed"] = True
    st.button("Retry now", key="database_retry")
