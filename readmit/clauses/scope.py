"""Which documents the clause views cover, and which slot assignments they show as uncertain."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.slots import certainty_mark, is_doubtful, is_uncertain
from index.types import DocumentRecord, SlotAssignment

if TYPE_CHECKING:
    from readmit.service import KnowledgeBase

# Documents that are readmission instruments (rows of the precedent matrix); conventions (the
# UN and Council of Europe conventions, the Dublin and Prüm conventions, the 1960 Benelux
# convention) and the IOM constitution are context, shown only with "Include conventions"/--all.
PRECEDENT_TYPES = ("bilateral agreement", "implementing protocol", "multilateral convention")
_NOT_PRECEDENT_PREFIXES = ("un-", "coe-", "iom-")
# A multilateral instrument that calls itself an agreement (the Schengen States–Poland
# readmission agreement, the 2000 agreement on the transit of Yugoslav nationals) is a
# readmission precedent although its instrument type is "multilateral convention".
_AGREEMENT_TITLE = re.compile(r"^\s*Agreement\b", re.I)


def is_convention(document: DocumentRecord) -> bool:
    """A convention, constitution or multilateral protocol: context, not a precedent."""
    if document.doc_id.startswith(_NOT_PRECEDENT_PREFIXES):
        return True
    return document.kind == "convention" and not _AGREEMENT_TITLE.match(document.title)


def is_precedent(document: DocumentRecord) -> bool:
    # Guides and regulations say what the rules are, not what states agreed: never precedents.
    return not document.is_guidance and not is_convention(document)


def is_flagged_uncertain(assignment: SlotAssignment) -> bool:
    """Not confident (`index.slots.is_confident`): shown with "~" (probable) or "?" (doubtful),
    never used as a fact by the gap check or section suggestions."""
    return is_uncertain(assignment)


def is_flagged_doubtful(assignment: SlotAssignment) -> bool:
    """Likely wrong (`index.slots.is_doubtful`): shown with "?"."""
    return is_doubtful(assignment)


def assignment_mark(assignment: SlotAssignment) -> str:
    """ "" (confident), "~" (probable) or "?" (likely wrong), after the article id."""
    return certainty_mark(assignment)


@dataclass(frozen=True)
class ClauseScope:
    """Which documents the clause views cover: the precedents (or every document), narrowed
    to some languages and instrument types (empty: any)."""

    languages: tuple[str, ...] = ()
    instrument_types: tuple[str, ...] = ()
    all_documents: bool = False

    def admits(self, document: DocumentRecord) -> bool:
        return (
            (self.all_documents or is_precedent(document))
            and (not self.languages or document.language in self.languages)
            and (
                not self.instrument_types
                or document.instrument_type in self.instrument_types
                # "Include conventions" adds the context documents whatever the type filter
                or (self.all_documents and not is_precedent(document))
            )
        )


def scoped_documents(
    kb: KnowledgeBase, all_documents: bool, scope: ClauseScope | None
) -> list[DocumentRecord]:
    """The documents `scope` admits (without one: the precedents, or every document)."""
    chosen = scope or ClauseScope(all_documents=all_documents)
    return [d for d in kb.documents() if chosen.admits(d)]


def default_instrument_types(documents: Iterable[DocumentRecord]) -> tuple[str, ...]:
    """The readmission instrument types among these documents (the default type filter)."""
    present = {d.instrument_type for d in documents if is_precedent(d)}
    return tuple(t for t in PRECEDENT_TYPES if t in present)


def agreement_key(document: DocumentRecord) -> str:
    """What groups the language versions of one agreement: its official reference, else its id."""
    return document.official_reference or document.doc_id
