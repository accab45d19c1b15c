"""The door of a group deployment: sign-in with throttling and audit, sessions that survive a
reload, sign-out, identity-provider users, and the refusal to serve a group without sign-in.

The app (and any other front end) asks the gate and only draws what it answers; the rules live
here, with the accounts (`AccountStore`), the audit log, the throttle and the session tokens of
the deployment (`readmit.access.deployment.open_gate` picks files or the database).
"""

from __future__ import annotations

from dataclasses import dataclass

from readmit.access.audit import AuditLog
from readmit.access.principal import Principal
from readmit.access.session_token import SessionTokens
from readmit.access.signin import (
    SignInMode,
    SignInRequiredError,
    check_bind_address,
    sign_in_mode,
)
from readmit.access.throttle import SignInThrottle
from readmit.access.users import AccountStore

WRONG_PASSWORD = "Wrong user name or password."


@dataclass(frozen=True)
class SignInResult:
    principal: Principal | None
    message: str  # for the person signing in; never says whether the name exists
    token: str | None = None  # the session token to keep (a cookie) when signed in


@dataclass(frozen=True)
class AccessGate:
    accounts: AccountStore
    audit: AuditLog
    throttle: SignInThrottle
    tokens: SessionTokens

    @property
    def group_deployment(self) -> bool:
        return self.accounts.required

    def mode(self, *, oidc_configured: bool) -> SignInMode:
        return sign_in_mode(
            oidc_configured=oidc_configured, has_accounts=not self.accounts.is_empty()
        )

    def check_start(self, *, address: str | None, mode: SignInMode) -> None:
        """SignInRequiredError unless this deployment may serve `address` in `mode`."""
        if mode is SignInMode.NONE and self.group_deployment:
            raise SignInRequiredError(
                f"This is a group deployment but {self.accounts.location} has no account, so "
                "nobody could sign in; Readmit does not fall back to the local single-user "
                "mode. Add a maintainer first (`readmit users add NAME --role maintainer`) or "
                "configure an identity provider under [auth] in .streamlit/secrets.toml."
            )
        check_bind_address(address, mode)

    # ---- password sign-in ----------------------------------------------------------------------

    def sign_in(self, name: str, password: str, *, client: str | None) -> SignInResult:
        """Check a name and password, unless the account or the client must wait first.

        Every failure and every throttled attempt is audited (the name tried, the client).
        """
        name = name.strip()
        where = f"client={client or 'unknown'}"
        refusal = self.throttle.check(name, client)
        if refusal is not None:
            self.audit.record_event(
                user=name or "?",
                role="none",
                action="signin.throttled",
                target=name or "?",
                detail=f"{where} {refusal.key} failures={refusal.failures}",
            )
            return SignInResult(None, refusal.message())
        principal = self.accounts.authenticate(name, password) if name else None
        if principal is None:
            counts = self.throttle.failed(name, client)
            detail = " ".join(f"{key}={count}" for key, count in counts.items())
            self.audit.record_event(
                user=name or "?",
                role="none",
                action="signin.failed",
                target=name or "?",
                detail=f"{where} {detail}",
            )
            return SignInResult(None, WRONG_PASSWORD)
        self.throttle.succeeded(name)
        self.audit.record(principal, "signin", principal.name, where)
        return SignInResult(principal, "", self.tokens.issue(principal.name))

    # ---- sessions ------------------------------------------------------------------------------

    def resume(self, token: str | None) -> Principal | None:
        """The principal of a valid session token whose account still exists (role and groups
        as they are now), else None."""
        claims = self.tokens.verify(token)
        if claims is None:
            return None
        account = self.accounts.get(claims.user)
        return None if account is None else account.principal

    def sign_out(self, token: str | None, principal: Principal | None) -> None:
        revoked = self.tokens.revoke(token)
        if principal is not None:
            self.audit.record(
                principal, "signout", principal.name, "" if revoked else "no session token"
            )

    # ---- identity provider (OIDC) --------------------------------------------------------------

    def oidc_principal(self, *, email: str, email_verified: bool) -> Principal | None:
        """The account of a verified e-mail address (matched without regard to case)."""
        if not email or not email_verified:
            return None
        account = self.accounts.get_by_email(email)
        return None if account is None else account.principal
