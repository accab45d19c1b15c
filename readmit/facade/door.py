"""The door: what every public method of the facade needs, declared beside it and checked there.

Each public `Readmit` method carries a `Need` (`@door(...)`): the action its role must allow,
whether it writes, and which of its arguments name documents, drafts or draft clauses. The
wrapper checks the principal against the need before the method runs, so the facade is the one
place that checks who is asking. `tests/test_facade_door.py` fails on a public method without a
declaration, and the declarations are data (`declarations()`), so an attack suite can be
generated from them: every method × role × hidden document / unshared draft.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from readmit.access import Action

P = ParamSpec("P")
R = TypeVar("R")

DOOR_ATTRIBUTE = "__door__"


@dataclass(frozen=True)
class Need:
    """What one facade method needs from its caller."""

    # The action the principal's role must allow (`readmit.access.REQUIRED_ROLE`); None: anyone
    # signed in (what the method returns is already narrowed to them).
    action: Action | None
    writes: bool = False
    # Names of the arguments that hold a document id (or an object with `.doc_id`, e.g. a Hit).
    documents: tuple[str, ...] = ()
    # Names of the arguments that hold a draft id (or a Draft); None values are skipped.
    drafts: tuple[str, ...] = ()
    # Names of the arguments that hold a clause id of the (first) named draft.
    clauses: tuple[str, ...] = ()
    # Only the draft's owner (or a maintainer) may: sharing and deleting.
    owner: bool = False
    # What a call naming a document hidden from the principal returns (as for a missing one);
    # None: it raises DocumentNotFoundError.
    hidden: Callable[[], object] | None = None


class DocumentNotFoundError(LookupError):
    """A document that is not in the index, or is hidden from the caller (the same to them)."""

    def __init__(self, doc_id: str, message: str = "") -> None:
        super().__init__(message or f"{doc_id}: no such document")
        self.doc_id = doc_id


class Gate(Protocol):
    """What the door asks of the object it guards (the facade)."""

    def _admit(self, need: Need, arguments: Mapping[str, Any]) -> bool:
        """Raise unless the principal may make this call; False: a named document is hidden."""
        ...

    def _refused(self, method: str, error: Exception) -> None:
        """Record a refused write or role (the audit log shows who tried what)."""
        ...


def door(
    action: Action | None,
    *,
    writes: bool = False,
    documents: tuple[str, ...] = (),
    drafts: tuple[str, ...] = (),
    clauses: tuple[str, ...] = (),
    owner: bool = False,
    hidden: Callable[[], object] | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare what a facade method needs; the method runs only after the door admits the call."""
    need = Need(action, writes, documents, drafts, clauses, owner, hidden)

    def decorate(method: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(method)
        unknown = [n for n in (*documents, *drafts, *clauses) if n not in signature.parameters]
        if unknown:
            raise TypeError(f"{method.__qualname__}: @door names no such argument {unknown}")

        @functools.wraps(method)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            gate = cast(Gate, args[0])
            try:
                if not gate._admit(need, bound.arguments):
                    if need.hidden is None or need.writes:
                        raise DocumentNotFoundError(_named_documents(need, bound.arguments)[0])
                    return cast(R, need.hidden())
            except Exception as refusal:
                # Recorded: who tried a write, or anything outside their role.
                if need.writes or isinstance(refusal, PermissionError):
                    gate._refused(method.__name__, refusal)
                raise
            return method(*args, **kwargs)

        setattr(guarded, DOOR_ATTRIBUTE, need)
        return guarded

    return decorate


def _named_documents(need: Need, arguments: Mapping[str, Any]) -> list[str]:
    return [doc_id for name in need.documents if (doc_id := document_id(arguments[name]))]


def document_id(value: object) -> str | None:
    """The document an argument names: a doc id, or the `.doc_id` of a hit or a record."""
    if value is None or isinstance(value, str):
        return value
    found = getattr(value, "doc_id", None)
    return found if isinstance(found, str) else None


def draft_id(value: object) -> str | None:
    """The draft an argument names: a draft id, or the `.draft_id` of a Draft."""
    if value is None or isinstance(value, str):
        return value
    found = getattr(value, "draft_id", None)
    return found if isinstance(found, str) else None


def need_of(member: object) -> Need | None:
    """The declaration of a method (or of a property's getter), if it has one."""
    if isinstance(member, property):
        member = member.fget
    need = getattr(member, DOOR_ATTRIBUTE, None)
    return need if isinstance(need, Need) else None


def public_members(cls: type) -> dict[str, object]:
    """Every public method and property of `cls` (its own and inherited, not `object`'s)."""
    return {
        name: member
        for klass in reversed(cls.__mro__)
        if klass is not object
        for name, member in vars(klass).items()
        if not name.startswith("_") and (callable(member) or isinstance(member, property))
    }


def declarations(cls: type) -> dict[str, Need]:
    """name → Need for every declared public method of `cls` (what an attack suite iterates)."""
    found: dict[str, Need] = {}
    for name, member in public_members(cls).items():
        need = need_of(member)
        if need is not None:
            found[name] = need
    return found


def undeclared(cls: type) -> list[str]:
    """The public methods of `cls` without a declaration (must be none)."""
    return sorted(name for name, member in public_members(cls).items() if need_of(member) is None)
