"""Which sign-in a deployment uses, and the refusal to serve a network without one.

- "oidc": `[auth]` is configured in `.streamlit/secrets.toml`: Streamlit's `st.login` signs users
  in at the organisation's identity provider; the users store gives them a role and groups
  (by e-mail address), and an address it does not list gets nothing.
- "password": the users store has accounts: a sign-in form checks name and password (argon2).
- "none": neither: the embedded single-user mode, allowed on a loopback address only, where the
  local user is a maintainer who sees every document.
"""

from __future__ import annotations

import enum
import importlib
import ipaddress

# Streamlit's st.login needs Authlib, an extra: a plain install serves the embedded default.
OIDC_EXTRA_HINT = (
    "sign-in with an identity provider needs the 'oidc' extra: pip install 'readmit[oidc]'"
)


class SignInMode(enum.StrEnum):
    OIDC = "oidc"
    PASSWORD = "password"
    NONE = "none"


class SignInRequiredError(RuntimeError):
    """The app would serve other machines without anyone having to sign in."""


def oidc_extra_missing() -> str | None:
    """Why `[auth]` sign-in cannot work here (Authlib is not installed), or None: it can."""
    try:
        importlib.import_module("authlib")
    except ImportError:
        return OIDC_EXTRA_HINT
    return None


def sign_in_mode(*, oidc_configured: bool, has_accounts: bool) -> SignInMode:
    if oidc_configured:
        return SignInMode.OIDC
    if has_accounts:
        return SignInMode.PASSWORD
    return SignInMode.NONE


def is_loopback(address: str | None) -> bool:
    """Only this machine can connect: 127.0.0.0/8, ::1 or "localhost".

    No address (Streamlit's default) means every interface, so it is not loopback.
    """
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def check_bind_address(address: str | None, mode: SignInMode) -> None:
    """Refuse to serve a non-loopback address without sign-in (raises SignInRequiredError)."""
    if mode is SignInMode.NONE and not is_loopback(address):
        shown = address or "every interface (no server.address set)"
        raise SignInRequiredError(
            f"Readmit is bound to {shown} but no sign-in is configured. Bind it to 127.0.0.1 "
            "(server.address in .streamlit/config.toml), or configure sign-in: accounts with "
            "`readmit users add`, or an identity provider under [auth] in "
            ".streamlit/secrets.toml (see docs/deployment.md)."
        )


def client_address(*, remote: str | None, forwarded_for: str | None) -> str | None:
    """Who is signing in, for the per-client throttle (`readmit.access.throttle`).

    A connection from the machine itself (`remote` None or loopback) is the reverse proxy in a
    group deployment: the client is the last address in its `X-Forwarded-For` (the one the proxy
    itself appended; earlier ones come from the client and may be forged). Without that header
    it is the local user (None). Any other connection is its own address.
    """
    if remote and not is_loopback(remote):
        return remote
    if not forwarded_for:
        return None
    last = forwarded_for.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(last.strip("[]")))
    except ValueError:
        return None  # not an address: ignore it rather than count under a forged key
