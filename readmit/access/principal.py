"""Principals (who is asking), their roles, and the check that every guarded operation makes."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass


class Role(enum.StrEnum):
    """Each role may do everything the one before it may, and more."""

    READER = "reader"  # search, read, compare, export
    DRAFTER = "drafter"  # also create and edit drafts
    MAINTAINER = "maintainer"  # also upload, re-index, remove documents, manage users, audit

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class Action(enum.StrEnum):
    """What the service layer guards; the value is how a refusal names it."""

    SEARCH = "search and read documents"
    EXPORT = "export drafts"
    DRAFT = "create and edit drafts"
    UPLOAD = "upload documents"
    REINDEX = "re-index the corpus"
    REMOVE = "remove documents"
    MANAGE_USERS = "manage users"
    READ_AUDIT = "read the audit log"
    COPY = "copy indexes and drafts between locations"


# The least role that may take each action.
REQUIRED_ROLE: dict[Action, Role] = {
    Action.SEARCH: Role.READER,
    Action.EXPORT: Role.READER,
    Action.DRAFT: Role.DRAFTER,
    Action.UPLOAD: Role.MAINTAINER,
    Action.REINDEX: Role.MAINTAINER,
    Action.REMOVE: Role.MAINTAINER,
    Action.MANAGE_USERS: Role.MAINTAINER,
    Action.READ_AUDIT: Role.MAINTAINER,
    Action.COPY: Role.MAINTAINER,
}


class AccessDeniedError(PermissionError):
    """A principal asked for something their role or groups do not allow (says what and why)."""


@dataclass(frozen=True)
class Principal:
    """A signed-in user (or the local user of an embedded single-user setup).

    `sees_everything` is true for maintainers (they hold the corpus files and the index on
    disk, so hiding a document from them in the app would protect nothing) and for the local
    user when no sign-in is configured.
    """

    name: str
    role: Role
    groups: tuple[str, ...] = ()

    def may(self, action: Action) -> bool:
        return self.role.rank >= REQUIRED_ROLE[action].rank

    @property
    def sees_everything(self) -> bool:
        return self.role is Role.MAINTAINER

    @property
    def visible_groups(self) -> tuple[str, ...] | None:
        """For SearchFilters.visible_groups: None = every document, else public + these."""
        return None if self.sees_everything else tuple(sorted(self.groups))

    def may_see(self, visibility: Sequence[str]) -> bool:
        """May this principal see a document restricted to `visibility` (() = public)?"""
        if not visibility or self.sees_everything:
            return True
        return any(group in self.groups for group in visibility)


# Without sign-in configured (embedded mode on 127.0.0.1) the one local user maintains everything.
LOCAL_MAINTAINER = Principal(name="local", role=Role.MAINTAINER)


def authorise(principal: Principal, action: Action) -> None:
    """Raise AccessDeniedError unless `principal`'s role allows `action`."""
    if not principal.may(action):
        needed = REQUIRED_ROLE[action]
        raise AccessDeniedError(
            f"{principal.name} ({principal.role.value}) may not {action.value}: "
            f"that needs the {needed.value} role"
        )
