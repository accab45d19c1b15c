"""The draft of a model agreement: frozen dataclasses and pure operations on them.

Every operation returns a new `Draft` (with a fresh `updated_at`) and never mutates its input,
so the app can keep the previous value for undo and the store can write the result atomically.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from index.types import Hit
from ingest.citations import cite_eid, with_instrument
from ingest.types import is_guidance_kind
from readmit.drafting.skeleton import PREAMBLE_KEY, get_section, section_index

ClauseStatus = Literal["verbatim", "edited", "drafted"]


class DraftError(ValueError):
    """An operation that cannot be applied to a draft (unknown clause, bad argument)."""


class GuidanceIsNotTreatyTextError(DraftError):
    """A guide section or regulation article offered as a draft article: guidance is attached
    to a draft article as a cited note, never copied into the treaty text."""

    def __init__(self, title: str, eid: str) -> None:
        super().__init__(
            f"{title} ({eid}) is guidance, not treaty text: attach it to a draft article as a "
            "guidance note instead"
        )


class ClauseNotFoundError(DraftError):
    def __init__(self, draft_id: str, clause_id: str) -> None:
        super().__init__(f"draft {draft_id!r} has no clause {clause_id!r}")
        self.draft_id = draft_id
        self.clause_id = clause_id


@dataclass(frozen=True)
class Provenance:
    """Where a clause came from: enough to cite the source article and find it again."""

    doc_id: str
    title: str
    article: str | None
    heading: str | None
    eid: str
    part: str
    page_start: int | None
    page_end: int | None
    official_reference: str | None
    source_url: str | None
    language: str
    # The source document's visibility when the clause was taken (() = public): a viewer who
    # may not see the source does not see the clause either.
    visibility: tuple[str, ...] = ()

    @classmethod
    def from_hit(
        cls,
        hit: Hit,
        *,
        official_reference: str | None = None,
        source_url: str | None = None,
        visibility: tuple[str, ...] = (),
    ) -> Provenance:
        return cls(
            doc_id=hit.doc_id,
            title=hit.title,
            article=hit.article,
            heading=hit.heading,
            eid=hit.eid,
            part=hit.part,
            page_start=hit.page_start,
            page_end=hit.page_end,
            official_reference=official_reference,
            source_url=source_url,
            language=hit.language,
            visibility=tuple(visibility),
        )

    @property
    def pages(self) -> str:
        """ "12", "12–13" or "" when the source has no page numbers (plain-text documents)."""
        if self.page_start is None:
            return ""
        if self.page_end is None or self.page_end == self.page_start:
            return str(self.page_start)
        return f"{self.page_start}–{self.page_end}"

    @property
    def citation(self) -> str:
        """Short human citation with the unit id, e.g. "Article 7 (art_7)", "Protocol, Article 3
        (protocol__art_3)" or "Preamble (preamble)"."""
        if self.article:
            cited = with_instrument(self.eid, f"Article {self.article}")
        elif self.eid:
            cited = cite_eid(self.eid)
        else:
            cited = self.part.capitalize() if self.part else "Text"
        return f"{cited} ({self.eid})"


@dataclass(frozen=True)
class GuidanceNote:
    """A cited guide section attached to a clause: a drafting note, never treaty text."""

    doc_id: str
    eid: str
    citation: str  # "Aliens Circular 2000 (A), chapter A3 …, A3 › 3 Vertrektermijnen"
    excerpt: str = ""  # the opening of the section, for the reader of the exported draft


@dataclass(frozen=True)
class DraftClause:
    """One article of the draft; `original_text` is what was taken from the source."""

    clause_id: str
    section: str
    heading: str
    text: str
    original_text: str
    provenance: Provenance | None
    note: str = ""
    guidance: tuple[GuidanceNote, ...] = ()  # cited guide sections (drafting notes)

    @property
    def is_edited(self) -> bool:
        return self.text != self.original_text

    @property
    def status(self) -> ClauseStatus:
        """ "drafted" (typed by the drafter), "edited" or "verbatim" (as in the source)."""
        if self.provenance is None:
            return "drafted"
        return "edited" if self.is_edited else "verbatim"


@dataclass(frozen=True)
class Draft:
    draft_id: str
    title: str
    clauses: tuple[DraftClause, ...]
    created_at: str
    updated_at: str
    party_names: tuple[str, ...] = ()
    # Who may open it (readmit.access.drafts): the owner, these users and members of these
    # groups. A draft without an owner (made before sign-in existed) is open to everyone.
    owner: str | None = None
    shared_users: tuple[str, ...] = ()
    shared_groups: tuple[str, ...] = ()
    # The stored version this value was read from (None: never stored, e.g. just built). A save
    # based on an older revision than the stored one is refused (see drafting.store).
    revision: int | None = dataclasses.field(default=None, compare=False)

    def clause(self, clause_id: str) -> DraftClause:
        for clause in self.clauses:
            if clause.clause_id == clause_id:
                return clause
        raise ClauseNotFoundError(self.draft_id, clause_id)


def now_iso() -> str:
    """UTC timestamp with microseconds, so successive edits sort correctly."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    return uuid.uuid4().hex


def new_draft(title: str, *, party_names: tuple[str, ...] = (), owner: str | None = None) -> Draft:
    title = _require_title(title)
    stamp = now_iso()
    return Draft(
        draft_id=new_id(),
        title=title,
        clauses=(),
        created_at=stamp,
        updated_at=stamp,
        party_names=tuple(party_names),
        owner=owner,
    )


def _require_title(title: str) -> str:
    cleaned = title.strip()
    if not cleaned:
        raise DraftError("a draft needs a non-empty title")
    return cleaned


def _touch(draft: Draft, **changes: object) -> Draft:
    return dataclasses.replace(draft, updated_at=now_iso(), **changes)  # type: ignore[arg-type]


def _replace_clause(draft: Draft, clause_id: str, **changes: object) -> Draft:
    draft.clause(clause_id)  # raises if unknown
    clauses = tuple(
        dataclasses.replace(c, **changes) if c.clause_id == clause_id else c  # type: ignore[arg-type]
        for c in draft.clauses
    )
    return _touch(draft, clauses=clauses)


def add_clause(
    draft: Draft,
    *,
    section: str,
    hit: Hit | None = None,
    text: str | None = None,
    heading: str | None = None,
    note: str = "",
    official_reference: str | None = None,
    source_url: str | None = None,
    visibility: tuple[str, ...] = (),
) -> Draft:
    """Append a clause to `section`: from a search hit (verbatim) or typed by the drafter.

    Exactly one of `hit` and `text` is given. The new clause is the last of the draft's
    clauses, hence the last of its section.
    """
    get_section(section)
    if (hit is None) == (text is None):
        raise DraftError("add_clause needs exactly one of hit= or text=")
    if hit is not None and is_guidance_kind(hit.kind):
        # Guides and regulations say what the rules require; states never agreed their words.
        raise GuidanceIsNotTreatyTextError(hit.title, hit.eid)
    if hit is not None:
        clause = DraftClause(
            clause_id=new_id(),
            section=section,
            heading=heading if heading is not None else (hit.heading or ""),
            text=hit.text,
            original_text=hit.text,
            provenance=Provenance.from_hit(
                hit,
                official_reference=official_reference,
                source_url=source_url,
                visibility=visibility,
            ),
            note=note,
        )
    else:
        assert text is not None
        clause = DraftClause(
            clause_id=new_id(),
            section=section,
            heading=heading or "",
            text=text,
            original_text=text,
            provenance=None,
            note=note,
        )
    return _touch(draft, clauses=(*draft.clauses, clause))


def update_clause_text(draft: Draft, clause_id: str, text: str) -> Draft:
    return _replace_clause(draft, clause_id, text=text)


def revert_clause(draft: Draft, clause_id: str) -> Draft:
    """Restore the source wording of a clause."""
    return _replace_clause(draft, clause_id, text=draft.clause(clause_id).original_text)


def set_heading(draft: Draft, clause_id: str, heading: str) -> Draft:
    return _replace_clause(draft, clause_id, heading=heading)


def set_note(draft: Draft, clause_id: str, note: str) -> Draft:
    return _replace_clause(draft, clause_id, note=note)


def add_guidance_note(draft: Draft, clause_id: str, note: GuidanceNote) -> Draft:
    """Attach a cited guide section to a clause (once per section)."""
    clause = draft.clause(clause_id)
    if any((g.doc_id, g.eid) == (note.doc_id, note.eid) for g in clause.guidance):
        return draft
    return _replace_clause(draft, clause_id, guidance=(*clause.guidance, note))


def remove_guidance_note(draft: Draft, clause_id: str, doc_id: str, eid: str) -> Draft:
    clause = draft.clause(clause_id)
    kept = tuple(g for g in clause.guidance if (g.doc_id, g.eid) != (doc_id, eid))
    return _replace_clause(draft, clause_id, guidance=kept)


def remove_clause(draft: Draft, clause_id: str) -> Draft:
    draft.clause(clause_id)
    return _touch(draft, clauses=tuple(c for c in draft.clauses if c.clause_id != clause_id))


def move_clause(draft: Draft, clause_id: str, direction: int) -> Draft:
    """Move a clause one place up (-1) or down (+1) within its section.

    Moving past either end of the section leaves the order unchanged (but is not an error:
    the app's arrow buttons may be pressed on the first/last clause).
    """
    if direction not in (-1, 1):
        raise DraftError(f"direction must be -1 or +1, not {direction!r}")
    moving = draft.clause(clause_id)
    positions = [i for i, c in enumerate(draft.clauses) if c.section == moving.section]
    here = next(k for k, i in enumerate(positions) if draft.clauses[i].clause_id == clause_id)
    there = here + direction
    if not 0 <= there < len(positions):
        return draft
    clauses = list(draft.clauses)
    a, b = positions[here], positions[there]
    clauses[a], clauses[b] = clauses[b], clauses[a]
    return _touch(draft, clauses=tuple(clauses))


def move_to_section(draft: Draft, clause_id: str, section: str) -> Draft:
    """Move a clause to the end of another section."""
    get_section(section)
    moving = draft.clause(clause_id)
    others = tuple(c for c in draft.clauses if c.clause_id != clause_id)
    return _touch(draft, clauses=(*others, dataclasses.replace(moving, section=section)))


def rename(draft: Draft, title: str) -> Draft:
    return _touch(draft, title=_require_title(title))


def share(draft: Draft, *, users: tuple[str, ...], groups: tuple[str, ...]) -> Draft:
    """Replace who the draft is shared with (besides its owner)."""
    return _touch(
        draft, shared_users=tuple(sorted(set(users))), shared_groups=tuple(sorted(set(groups)))
    )


def set_party_names(draft: Draft, party_names: tuple[str, ...]) -> Draft:
    return _touch(draft, party_names=tuple(name.strip() for name in party_names if name.strip()))


def ordered_clauses(draft: Draft) -> tuple[DraftClause, ...]:
    """Clauses in skeleton order, then in insertion order within a section (a stable sort)."""
    return tuple(sorted(draft.clauses, key=lambda c: section_index(c.section)))


def duplicate(draft: Draft, new_title: str, *, owner: str | None = None) -> Draft:
    """A copy with a new id, new clause ids and fresh timestamps (a variant to edit separately),
    owned by `owner` (None: the original's owner) and shared with nobody."""
    stamp = now_iso()
    return Draft(
        draft_id=new_id(),
        title=_require_title(new_title),
        clauses=tuple(dataclasses.replace(c, clause_id=new_id()) for c in draft.clauses),
        created_at=stamp,
        updated_at=stamp,
        party_names=draft.party_names,
        owner=owner if owner is not None else draft.owner,
    )


def article_numbering(draft: Draft) -> list[tuple[int | None, DraftClause]]:
    """All clauses in skeleton order with their article number (None for the preamble)."""
    numbered: list[tuple[int | None, DraftClause]] = []
    number = 0
    for clause in ordered_clauses(draft):
        if clause.section == PREAMBLE_KEY:
            numbered.append((None, clause))
        else:
            number += 1
            numbered.append((number, clause))
    return numbered
