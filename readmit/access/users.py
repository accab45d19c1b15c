"""The users store: accounts of a group deployment, passwords as argon2 hashes.

Embedded (local) deployments keep them in one JSON file (`UserStore`); server mode keeps them
in the index's database (`readmit.access.server.ServerAccountStore`), with the same rules here.

An account has a role and groups. A password is optional: users who sign in through the
organisation's identity provider (OIDC) are listed by their e-mail address without one, and
get their role and groups from here. Hashing and verification are argon2-cffi's; nothing here
touches a password beyond handing it to the library.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from readmit.access.principal import Principal, Role

# Login names: letters, digits and . _ @ + - (e-mail addresses of OIDC users fit).
_USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}")
_GROUP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so a wrong name costs as long as a wrong
    password. Hashed at the first sign-in, not at import: every CLI command imports this
    module, and a hash takes a good part of a second."""
    return _hasher.hash("readmit-no-such-user")


class UserStoreError(ValueError):
    """A bad name, role, group or password, or an unreadable users file (says which and why)."""


@dataclass(frozen=True)
class UserAccount:
    name: str
    role: Role
    groups: tuple[str, ...]
    has_password: bool

    @property
    def principal(self) -> Principal:
        return Principal(name=self.name, role=self.role, groups=self.groups)


def validate_user_name(name: str) -> str:
    if not _USER_NAME.fullmatch(name):
        raise UserStoreError(
            f"invalid user name {name!r}: use letters, digits and . _ @ + - (at most 128)"
        )
    return name


def validate_groups(groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    for group in groups:
        if not isinstance(group, str) or not _GROUP_NAME.fullmatch(group):
            raise UserStoreError(
                f"invalid group name {group!r}: use letters, digits and . _ - (at most 64)"
            )
    return tuple(sorted(set(groups)))


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise UserStoreError(f"unknown role {value!r} (expected one of {choices})") from None


class AccountStore:
    """Accounts: {name: {"role", "groups", "password_hash"}}; the storage is a subclass's.

    `required`: this deployment serves a group, so no accounts (a missing or empty store) must
    refuse start-up instead of falling back to the local single-user mode.
    """

    required = False

    @property
    def location(self) -> str:
        raise NotImplementedError

    def _load(self) -> dict[str, dict[str, Any]]:
        raise NotImplementedError

    def _put(self, name: str, entry: dict[str, Any]) -> None:
        raise NotImplementedError

    def _delete(self, name: str) -> bool:
        raise NotImplementedError

    # ---- reading -----------------------------------------------------------------------------

    def _account(self, name: str, entry: dict[str, Any]) -> UserAccount:
        try:
            role = parse_role(str(entry.get("role")))
            groups = validate_groups(list(entry.get("groups", [])))
        except (UserStoreError, TypeError) as error:
            raise UserStoreError(f"{self.location}: user {name!r}: {error}") from error
        return UserAccount(
            name=name, role=role, groups=groups, has_password=bool(entry.get("password_hash"))
        )

    def list(self) -> list[UserAccount]:
        return [self._account(name, entry) for name, entry in sorted(self._load().items())]

    def get(self, name: str) -> UserAccount | None:
        entry = self._load().get(name)
        return None if entry is None else self._account(name, entry)

    def get_by_email(self, email: str) -> UserAccount | None:
        """The account of an identity provider's e-mail address: the case of an address says
        nothing (`Alice@Org.eu` is `alice@org.eu`); None when no account, or several, match."""
        wanted = email.strip().casefold()
        if not wanted:
            return None
        found = [(n, e) for n, e in self._load().items() if n.casefold() == wanted]
        return self._account(*found[0]) if len(found) == 1 else None

    def is_empty(self) -> bool:
        return not self._load()

    def has_passwords(self) -> bool:
        return any(entry.get("password_hash") for entry in self._load().values())

    def authenticate(self, name: str, password: str) -> Principal | None:
        """The principal for a correct name and password; None otherwise (never says which)."""
        entry = self._load().get(name)
        stored = entry.get("password_hash") if entry else None
        try:
            _hasher.verify(stored or _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        if entry is None or not stored:
            return None
        if _hasher.check_needs_rehash(stored):
            self._put(name, dict(entry, password_hash=_hasher.hash(password)))
        return self._account(name, entry).principal

    # ---- changes -----------------------------------------------------------------------------

    def add(
        self,
        name: str,
        *,
        role: Role,
        groups: tuple[str, ...] = (),
        password: str | None = None,
    ) -> UserAccount:
        """Add or update an account (a new password replaces the old; None keeps it)."""
        validate_user_name(name)
        groups = validate_groups(groups)
        if password is not None and len(password) < MIN_PASSWORD_LENGTH:
            raise UserStoreError(
                f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
            )
        users = self._load()
        # Names that differ only in case would make an e-mail sign-in ambiguous.
        clash = [n for n in users if n != name and n.casefold() == name.casefold()]
        if clash:
            raise UserStoreError(f"user {name!r} differs from {clash[0]!r} only in case")
        entry = dict(users.get(name, {}))
        entry["role"] = role.value
        entry["groups"] = list(groups)
        if password is not None:
            entry["password_hash"] = _hasher.hash(password)
        self._put(name, entry)
        return self._account(name, entry)

    def remove(self, name: str) -> bool:
        return self._delete(name)

    def import_from(self, source: AccountStore) -> tuple[str, ...]:
        """Copy every account of `source` (role, groups, password hash as stored) into this
        store, e.g. a users file into the database when a deployment moves to server mode.
        Accounts already here are left alone; returns the names copied."""
        present = {name.casefold() for name in self._load()}
        copied: list[str] = []
        for name, entry in sorted(source._load().items()):
            if name.casefold() in present:
                continue
            account = source._account(validate_user_name(name), entry)  # refuses bad entries
            self._put(
                name,
                {
                    "role": account.role.value,
                    "groups": list(account.groups),
                    "password_hash": entry.get("password_hash"),
                },
            )
            copied.append(name)
        return tuple(copied)


class UserStore(AccountStore):
    """`users.json`: {"users": {name: {"role", "groups", "password_hash"}}}, written atomically.

    `required=True` in a group deployment (`READMIT_SIGN_IN=required`): then a missing file
    refuses start-up instead of meaning "no sign-in".
    """

    def __init__(self, path: Path, *, required: bool = False) -> None:
        self.path = Path(path)
        self.required = required

    @property
    def location(self) -> str:
        return str(self.path)

    def _load(self) -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise UserStoreError(f"{self.path}: unreadable users file ({error})") from error
        users = data.get("users") if isinstance(data, dict) else None
        if not isinstance(users, dict):
            raise UserStoreError(f"{self.path}: expected an object with a 'users' object")
        return users

    def _put(self, name: str, entry: dict[str, Any]) -> None:
        users = self._load()
        users[name] = entry
        self._save(users)

    def _delete(self, name: str) -> bool:
        users = self._load()
        if name not in users:
            return False
        del users[name]
        self._save(users)
        return True

    def _save(self, users: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, tmp_name = tempfile.mkstemp(
            dir=self.path.parent, prefix=".users.", suffix=".tmp"
        )
        try:
            os.fchmod(descriptor, 0o600)  # password hashes: owner only
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump({"users": users}, handle, ensure_ascii=False, indent=2, sort_keys=True)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, self.path)
        except OSError as error:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise UserStoreError(f"{self.path}: could not save ({error})") from error
