"""Sign-in: who the session's user is, before any page runs (readmit.access.gate decides).

A password sign-in is checked by the gate (throttled, audited) and answered with a signed,
expiring session token that is kept in a cookie, so a reload or a new tab of the same browser
stays signed in until the token expires (`READMIT_SESSION_HOURS`) or the user signs out (which
revokes it for every app process). Streamlit reads cookies (`st.context.cookies`) but has no
call to set one, so the cookie is written by a line of JavaScript in `st.html` (the token is
`[A-Za-z0-9._-]` only); it cannot be HttpOnly that way (see docs/deployment.md).

Widget keys: ``signin_name``, ``signin_password``, ``signin_submit`` (the password form),
``signin_oidc`` (the identity-provider button), ``signout`` (in the sidebar).
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from readmit.facade import (
    LOCAL_MAINTAINER,
    AccessGate,
    Principal,
    SignInMode,
    SignInRequiredError,
    client_address,
    oidc_extra_missing,
)
from readmit.ui import render

SIGNED_IN_KEY = "signed_in_user"  # the user name a password sign-in established
SESSION_TOKEN_KEY = "session_token"  # that sign-in's token (revoked at sign-out)
_FAILED_KEY = "signin_failed"  # the message of the last refused attempt
_WRITE_COOKIE_KEY = "_session_cookie_write"  # a token to store in the browser ("" = delete)
SESSION_COOKIE = "readmit_session"
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,2048}")


def oidc_configured() -> bool:
    """Is an identity provider configured under [auth] in .streamlit/secrets.toml?"""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file, or an unreadable one: no identity provider
        return False


def current_mode(gate: AccessGate) -> SignInMode:
    return gate.mode(oidc_configured=oidc_configured())


def signed_in(gate: AccessGate) -> Principal | None:
    """The session's principal; None after drawing the sign-in form or a refusal (then the
    caller stops). Role and groups are read from the accounts on every run, so a change
    by a maintainer takes effect at once and a removed user is signed out."""
    _write_cookie()
    mode = current_mode(gate)
    try:
        gate.check_start(address=st.get_option("server.address"), mode=mode)
    except SignInRequiredError as error:
        st.error(str(error))
        return None
    if mode is SignInMode.NONE:
        return LOCAL_MAINTAINER
    if mode is SignInMode.OIDC:
        return _oidc_user(gate)
    return _password_user(gate)


def _oidc_user(gate: AccessGate) -> Principal | None:
    missing = oidc_extra_missing()
    if missing is not None:  # st.user and st.login would fail with Streamlit's own traceback
        st.error(missing)
        return None
    user: Any = st.user
    if not user.is_logged_in:
        st.header("Readmit")
        st.write("Sign in with your organisation's account to use the workbench.")
        st.button("Sign in", key="signin_oidc", on_click=st.login)
        return None
    principal = gate.oidc_principal(
        email=str(user.get("email") or ""), email_verified=bool(user.get("email_verified", True))
    )
    if principal is None:
        st.error(
            "You are signed in, but this workbench has no account for you. "
            "Ask a maintainer to add you (`readmit users add EMAIL --role reader --no-password`)."
        )
        st.button("Sign out", key="signout", on_click=st.logout)
        return None
    return principal


def _cookie_token() -> str | None:
    try:
        token = st.context.cookies.get(SESSION_COOKIE)
    except Exception:  # no browser connection (e.g. a bare script run)
        return None
    return token if isinstance(token, str) and _TOKEN.fullmatch(token) else None


def _password_user(gate: AccessGate) -> Principal | None:
    name = st.session_state.get(SIGNED_IN_KEY)
    if name:
        account = gate.accounts.get(str(name))
        if account is not None and gate.tokens.verify(st.session_state.get(SESSION_TOKEN_KEY)):
            return account.principal
        sign_out(gate)  # removed, expired or signed out elsewhere since they signed in
    else:
        # A reload or a new tab of a signed-in browser (a revoked token resumes nobody).
        token = _cookie_token()
        resumed = gate.resume(token)
        if resumed is not None:
            st.session_state[SIGNED_IN_KEY] = resumed.name
            st.session_state[SESSION_TOKEN_KEY] = token
            return resumed
    st.header("Readmit — sign in")
    with st.form("signin"):
        st.text_input("User name", key="signin_name")
        st.text_input("Password", type="password", key="signin_password")
        st.form_submit_button("Sign in", key="signin_submit", on_click=_attempt, args=(gate,))
    failed = st.session_state.get(_FAILED_KEY)
    if failed:
        st.error(str(failed))
    return None


def _attempt(gate: AccessGate) -> None:
    """The form's callback: check name and password before the next run draws anything."""
    try:
        client = client_address(
            remote=st.context.ip_address,
            forwarded_for=st.context.headers.get("X-Forwarded-For"),
        )
    except Exception:  # no browser connection (a bare script run)
        client = None
    result = gate.sign_in(
        str(st.session_state.get("signin_name") or ""),
        str(st.session_state.get("signin_password") or ""),
        client=client,
    )
    if result.principal is None:
        st.session_state["signin_password"] = ""
        st.session_state[_FAILED_KEY] = result.message
        return
    st.session_state.clear()  # nothing of an earlier user's session survives
    st.session_state[SIGNED_IN_KEY] = result.principal.name
    st.session_state[SESSION_TOKEN_KEY] = result.token
    st.session_state[_WRITE_COOKIE_KEY] = result.token


def _write_cookie() -> None:
    """Store (or delete) the session cookie in the browser, once."""
    token = st.session_state.pop(_WRITE_COOKIE_KEY, None)
    if token is None or not (token == "" or _TOKEN.fullmatch(token)):
        return
    if token == "":
        cookie = f"{SESSION_COOKIE}=; Max-Age=0; Path=/; SameSite=Strict"
    else:
        cookie = f"{SESSION_COOKIE}={token}; Path=/; SameSite=Strict"
    st.html(
        "<script>document.cookie = "
        f"'{cookie}' + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


def sign_out(gate: AccessGate, principal: Principal | None = None) -> None:
    """Revoke the session's token, forget everything of this session (results, pins, drafts
    shown), then the user, and delete the cookie."""
    token = st.session_state.get(SESSION_TOKEN_KEY) or _cookie_token()
    gate.sign_out(token, principal)
    st.session_state.clear()
    st.session_state[_WRITE_COOKIE_KEY] = ""


def signed_in_as(principal: Principal, gate: AccessGate) -> None:
    """The sidebar's line about the user, with the sign-out button where there is sign-in."""
    mode = current_mode(gate)
    if mode is SignInMode.NONE:
        return
    groups = f" · groups: {', '.join(principal.groups)}" if principal.groups else ""
    st.html(
        f'<div class="rdm-small">Signed in as {render.escape(principal.name)} '
        f"({render.escape(principal.role.value)}){render.escape(groups)}</div>"
    )
    if mode is SignInMode.OIDC:
        st.button("Sign out", key="signout", on_click=st.logout)
    else:
        st.button("Sign out", key="signout", on_click=sign_out, args=(gate, principal))
