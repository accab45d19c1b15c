"""Unit ids (eIds) and how a unit is cited: one reading of the instrument prefix, one format.

An eId is `[<instrument prefix>]<kind>[_<number>]`: `art_7`, `annex_1a`, `preamble`, `final`,
`declaration_1`; a unit of the second instrument in a file (its protocol) carries the prefix
`protocol__` (`protocol__art_3`), of a third `protocol_2__`, and so on (see
`ingest.structure`). A citation always names the instrument when the unit is not the main
agreement's: "Protocol, Article 3 — Transit", compact "Prot. Art. 3" for table cells.

This is the lowest layer both the chunker (whose chunks start with the citation line) and the
service and app (which show citations) import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_INSTRUMENT_PREFIX = re.compile(r"^protocol(?:_(\d+))?__")
_ROMAN = re.compile(r"^[ivxlc]+$")
_NAMES = {
    "art": "Article",
    "annex": "Annex",
    "note": "Note",
    "preamble": "Preamble",
    "final": "Final clauses",
    "declaration": "Declaration",
}
_SHORT_NAMES = _NAMES | {"art": "Art."}


def instrument_prefix(instrument_index: int) -> str:
    """The eId prefix of the units of the n-th instrument in a file (0: the main one)."""
    if instrument_index == 0:
        return ""
    if instrument_index == 1:
        return "protocol__"
    return f"protocol_{instrument_index}__"


def split_eid(eid: str) -> tuple[str, str]:
    """(instrument, local id): ("", "art_7"), ("Protocol", "art_3"), ("Protocol 2", "art_1")."""
    match = _INSTRUMENT_PREFIX.match(eid)
    if match is None:
        return "", eid
    instrument = f"Protocol {match.group(1)}" if match.group(1) else "Protocol"
    return instrument, eid[match.end() :]


def unit_name(*, kind: str, label: str) -> str:
    """The unit's own name: its label ("Article 7", "Annex 2"), "Final clauses" for the
    final clauses and "Declaration" for a declaration."""
    if kind == "final":
        return "Final clauses"
    if kind == "declaration":
        return "Declaration"
    return label


# Kinds whose name ("Preamble", "Final clauses", "Declaration") Readmit gives a unit the source
# leaves untitled; the source text has no such line.
_INVENTED_NAME_KINDS = frozenset({"preamble", "final", "declaration"})


def has_invented_name(eid: str, heading: str | None) -> bool:
    """Whether the unit's name is Readmit's own, not its source's: an untitled preamble,
    signature block or declaration (its chunks start without a citation line)."""
    _, local = split_eid(eid)
    return not heading and local.partition("_")[0] in _INVENTED_NAME_KINDS


# The units that hold others and name them in their eId: a note holds its annexes
# (`note_i__annex_ii`), an annex its articles (`annex_1__art_3`).
_HOLDER_STEP = re.compile(r"^(?:note|annex)_[0-9a-z.]+$")


def split_holders(local: str) -> tuple[tuple[str, ...], str]:
    """(the eIds steps of the units holding it, its own step): "note_i__annex_ii" →
    (("note_i",), "annex_ii"); "art_5__2" → ((), "art_5__2") (a repeat, not a holder)."""
    steps = local.split("__")
    holders: list[str] = []
    while len(steps) > 1 and _HOLDER_STEP.match(steps[0]) and not steps[1].isdigit():
        holders.append(steps.pop(0))
    return tuple(holders), "__".join(steps)


def _holder_names(local: str, names: dict[str, str]) -> list[str]:
    holders, _ = split_holders(local)
    out: list[str] = []
    for step in holders:
        kind, _, number = step.partition("_")
        out.append(f"{names.get(kind, kind.capitalize())} {number.upper()}")
    return out


def with_instrument(eid: str, name: str) -> str:
    """A unit's name preceded by its instrument when that is not the main agreement, and by
    the units holding it: ("protocol__art_3", "Article 3") → "Protocol, Article 3";
    ("note_i__annex_ii", "Annex II") → "Note I, Annex II"."""
    instrument, local = split_eid(eid)
    steps = [instrument] if instrument else []
    return ", ".join([*steps, *_holder_names(local, _NAMES), name])


def cite_unit(*, eid: str, kind: str, label: str, heading: str | None = None) -> str:
    """ "Protocol, Article 3 — Transit", "Article 7 — Time limits", "Annex 2", "Preamble":
    the instrument (when not the main agreement), the unit's name, and its heading."""
    name = unit_name(kind=kind, label=label)
    cited = with_instrument(eid, name)
    if heading and heading != name:
        return f"{cited} — {heading}"
    return cited


def cite_eid(eid: str, *, heading: str | None = None) -> str:
    """A unit's citation from its id (and heading): protocol__art_3 → "Protocol, Article 3",
    annex_1a → "Annex 1A", final → "Final clauses" (`cite_unit` when the unit is at hand)."""
    cited = _from_eid(eid, _NAMES, instrument_separator=", ")
    return f"{cited} — {heading}" if heading and heading != cited else cited


def cite_eid_short(eid: str) -> str:
    """A compact citation of a unit id for table cells: art_7 → "Art. 7", protocol__art_3 →
    "Prot. Art. 3", protocol_2__art_1 → "Prot. 2 Art. 1", annex_1a → "Annex 1A",
    art_iv → "Art. IV", final → "Final clauses"."""
    return _from_eid(eid, _SHORT_NAMES, instrument_separator=" ", short=True)


def _from_eid(
    eid: str, names: dict[str, str], *, instrument_separator: str, short: bool = False
) -> str:
    instrument, local = split_eid(eid)
    if instrument and short:
        instrument = instrument.replace("Protocol", "Prot.")
    prefix = f"{instrument}{instrument_separator}" if instrument else ""
    for holder in _holder_names(local, names):
        prefix += f"{holder}{instrument_separator}"
    _, local = split_holders(local)
    kind, _, number = local.partition("_")
    number = number.upper() if _ROMAN.fullmatch(number) or kind == "annex" else number
    name = names.get(kind, kind.capitalize())
    return f"{prefix}{name} {number}".strip() if number else f"{prefix}{name}"


_IDENTIFIER = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9.\-/:]+$")


def reference_id(official_reference: str | None) -> str:
    """The short form of an official reference for a citation: the identifier it ends with
    ("Dutch treaty database (wetten.overheid.nl) BWBV0006473" → "BWBV0006473"), else its first
    part as written ("Trb. 2013, 212"); "" when there is none."""
    if not official_reference:
        return ""
    first = official_reference.split(";")[0].strip()
    last = first.split()[-1] if first.split() else ""
    return last if _IDENTIFIER.match(last) else first


def full_citation(
    *,
    eid: str,
    title: str,
    year: int | None = None,
    official_reference: str | None = None,
) -> str:
    """The citation a drafter pastes into a note: "Art. 7, Agreement between … (2015),
    BWBV0006473"; "Prot. Art. 11, …" for a protocol's article."""
    pieces = [cite_eid_short(eid), f"{title} ({year})" if year else title]
    reference = reference_id(official_reference)
    if reference:
        pieces.append(reference)
    return ", ".join(piece for piece in pieces if piece)


# "(Article 7, paragraph 3 of the Agreement)", "(artikel 4 en 7, lid (3), van de Overeenkomst)",
# "(art. 5 of the Agreement)": how a protocol article names the agreement article it implements,
# on its first line.
_IMPLEMENTS = re.compile(
    r"^\s*\(\s*(?:articles?|art\.|artikel(?:en)?|artikeln?)\s+"
    r"(?P<numbers>\d+(?:\s*(?:,|and|en|et|und)\s*\d+)*)"
    r"(?P<detail>[^()\n]*(?:\([^()\n]*\)[^()\n]*)*?)"
    r",?\s*(?:of\s+the\s+Agreement|van\s+de\s+Overeenkomst|de\s+l['’]Accord|des\s+Abkommens)"
    r"\s*\)[ \t]*\n?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ImplementsReference:
    """A protocol article's opening reference to the agreement article(s) it implements."""

    articles: tuple[str, ...]  # article numbers of the main agreement, as written
    wording: str  # the reference as written, without its parentheses

    @property
    def eids(self) -> tuple[str, ...]:
        return tuple(f"art_{number}" for number in self.articles)


def split_implements_reference(text: str) -> tuple[ImplementsReference | None, str]:
    """(the reference, the text without it) when `text` opens with one, else (None, text)."""
    match = _IMPLEMENTS.match(text)
    if match is None:
        return None, text
    numbers = tuple(re.findall(r"\d+", match.group("numbers")))
    wording = " ".join(match.group(0).strip().strip("()").split())
    return ImplementsReference(articles=numbers, wording=wording), text[match.end() :].lstrip()
