"""Sign-in: who the session's user is, before any page runs (readmit.access.signin decides how).

Widget keys: ``signin_name``, ``signin_password``, ``signin_submit`` (the password form),
``signin_oidc`` (the identity-provider button), ``signout`` (in the sidebar).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from readmit.facade import (
    LOCAL_MAINTAINER,
    Principal,
    SignInMode,
    SignInRequiredError,
    UserStore,
    check_bind_address,
    sign_in_mode,
)
from readmit.ui import render

SIGNED_IN_KEY = "signed_in_user"  # the user name a password sign-in established
_FAILED_KEY = "signin_failed"


def oidc_configured() -> bool:
    """Is an identity provider configured under [auth] in .streamlit/secrets.toml?"""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file, or an unreadable one: no identity provider
        return False


def current_mode(users: UserStore) -> SignInMode:
    return sign_in_mode(oidc_configured=oidc_configured(), has_accounts=not users.is_empty())


def signed_in(users: UserStore) -> Principal | None:
    """The session's principal; None after drawing the sign-in form or a refusal (then the
    caller stops). Role and groups are read from the users store on every run, so a change
    by a maintainer takes effect at once and a removed user is signed out."""
    mode = current_mode(users)
    try:
        check_bind_address(st.get_option("server.address"), mode)
    except SignInRequiredError as error:
        st.error(str(error))
        return None
    if mode is SignInMode.NONE:
        return LOCAL_MAINTAINER
    if mode is SignInMode.OIDC:
        return _oidc_user(users)
    return _password_user(users)


def _oidc_user(users: UserStore) -> Principal | None:
    user: Any = st.user
    if not user.is_logged_in:
        st.header("Readmit")
        st.write("Sign in with your organisation's account to use the workbench.")
        st.button("Sign in", key="signin_oidc", on_click=st.login)
        return None
    email = str(user.get("email") or "")
    account = users.get(email) if email and user.get("email_verified", True) else None
    if account is None:
        st.error(
            "You are signed in, but this workbench has no account for you. "
            "Ask a maintainer to add you (`readmit users add EMAIL --role reader --no-password`)."
        )
        st.button("Sign out", key="signout", on_click=st.logout)
        return None
    return account.principal


def _password_user(users: UserStore) -> Principal | None:
    name = st.session_state.get(SIGNED_IN_KEY)
    if name:
        account = users.get(str(name))
        if account is not None:
            return account.principal
        sign_out()  # removed since they signed in
    st.header("Readmit — sign in")
    with st.form("signin"):
        st.text_input("User name", key="signin_name")
        st.text_input("Password", type="password", key="signin_password")
        st.form_submit_button("Sign in", key="signin_submit", on_click=_attempt, args=(users,))
    if st.session_state.get(_FAILED_KEY):
        st.error("Wrong user name or password.")
    return None


def _attempt(users: UserStore) -> None:
    """The form's callback: check name and password before the next run draws anything."""
    principal = users.authenticate(
        str(st.session_state.get("signin_name") or ""),
        str(st.session_state.get("signin_password") or ""),
    )
    if principal is None:
        st.session_state["signin_password"] = ""
        st.session_state[_FAILED_KEY] = True
        return
    st.session_state.clear()  # nothing of an earlier user's session survives
    st.session_state[SIGNED_IN_KEY] = principal.name


def sign_out() -> None:
    """Forget everything of this session (results, pins, drafts shown), then the user."""
    st.session_state.clear()


def signed_in_as(principal: Principal, users: UserStore) -> None:
    """The sidebar's line about the user, with the sign-out button where there is sign-in."""
    mode = current_mode(users)
    if mode is SignInMode.NONE:
        return
    groups = f" · groups: {', '.join(principal.groups)}" if principal.groups else ""
    st.html(
        f'<div class="rdm-small">Signed in as {render.escape(principal.name)} '
        f"({render.escape(principal.role.value)}){render.escape(groups)}</div>"
    )
    st.button(
        "Sign out",
        key="signout",
        on_click=st.logout if mode is SignInMode.OIDC else sign_out,
    )
