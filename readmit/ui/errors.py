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

log = logging.getLogger("readmit.app")


def show_safely(render: Callable[[], None], *, where: str) -> None:
    """Run `render`; on an unexpected error show a short message and log the details.

    Streamlit's own control flow (st.rerun, st.stop) raises BaseExceptions, which pass.
    """
    try:
        render()
    except Exception:
        reference = secrets.token_hex(4)
        log.exception("%s failed (reference %s)", where, reference)
        st.error(
            f"Something went wrong ({where}). Reference {reference}: the details are in the "
            "server log under this reference."
        )
