"""The sections of a model readmission agreement, in the order they appear in a treaty.

Keys are stable (they are stored in draft JSON files); titles and descriptions are shown
to drafters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.taxonomy import SECTION_OF_CLAUSE_TYPE


@dataclass(frozen=True)
class Section:
    """One section of the model agreement skeleton."""

    key: str
    title: str
    description: str


SECTIONS: tuple[Section, ...] = (
    Section(
        "title-and-preamble",
        "Title and preamble",
        "The title of the agreement, the parties and the recitals that precede the articles.",
    ),
    Section(
        "definitions",
        "Definitions",
        "Terms such as territory, own national, third-country national, requesting and "
        "requested Party, residence permit and transit.",
    ),
    Section(
        "own-nationals",
        "Readmission of own nationals",
        "The obligation of each Party to readmit its own nationals who do not or no longer "
        "fulfil the conditions for entry or stay.",
    ),
    Section(
        "third-country-nationals",
        "Readmission of third-country nationals and stateless persons",
        "When a Party must readmit third-country nationals and stateless persons who entered "
        "or stayed via its territory, and the exceptions.",
    ),
    Section(
        "readmission-application",
        "Readmission application and its content",
        "How a readmission request is made, by which authority and what information it contains.",
    ),
    Section(
        "evidence",
        "Means of evidence",
        "The documents that prove or give prima facie evidence of nationality or of the "
        "conditions for readmitting third-country nationals.",
    ),
    Section(
        "time-limits",
        "Time limits",
        "Deadlines for submitting and answering requests, for the transfer and for issuing "
        "travel documents.",
    ),
    Section(
        "transfer",
        "Transfer modalities and escort",
        "Notification of the transfer, border crossing points, means of transport and escorts.",
    ),
    Section(
        "transit",
        "Transit",
        "Requests for and conditions of transit of persons through the requested Party's "
        "territory.",
    ),
    Section(
        "readmission-in-error",
        "Readmission in error",
        "Taking back persons who were readmitted although the conditions were not met.",
    ),
    Section(
        "costs",
        "Costs",
        "Which Party bears the costs of transport, transit and readmission.",
    ),
    Section(
        "data-protection",
        "Data protection",
        "Which personal data may be communicated, for what purpose and under which safeguards.",
    ),
    Section(
        "non-affection",
        "Relation to other international obligations",
        "The agreement does not affect obligations under other treaties, such as the Refugee "
        "Convention and human rights instruments.",
    ),
    Section(
        "implementing-protocols",
        "Implementing protocols",
        "The Parties' power to conclude implementing protocols on competent authorities, "
        "border crossing points and procedures.",
    ),
    Section(
        "joint-committee",
        "Joint committee",
        "A committee of experts that monitors application of the agreement and proposes "
        "amendments.",
    ),
    Section(
        "disputes",
        "Settlement of disputes",
        "How disputes on interpretation or application are resolved, usually by consultation "
        "or through diplomatic channels.",
    ),
    Section(
        "final-provisions",
        "Final provisions",
        "Entry into force, suspension, termination and territorial application of the agreement.",
    ),
)

PREAMBLE_KEY = "title-and-preamble"
"""The only section whose clauses are not numbered as articles."""

_BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}
_INDEX: dict[str, int] = {section.key: index for index, section in enumerate(SECTIONS)}


class UnknownSectionError(ValueError):
    """A section key that is not part of the skeleton."""

    def __init__(self, key: str) -> None:
        super().__init__(f"unknown section {key!r}; expected one of: {', '.join(_BY_KEY)}")
        self.key = key


def section_keys() -> tuple[str, ...]:
    return tuple(_BY_KEY)


def get_section(key: str) -> Section:
    try:
        return _BY_KEY[key]
    except KeyError:
        raise UnknownSectionError(key) from None


def section_index(key: str) -> int:
    """Position of the section in the skeleton; used to order clauses."""
    try:
        return _INDEX[key]
    except KeyError:
        raise UnknownSectionError(key) from None


# Heading keywords (en/nl/fr/de) → section; the first matching rule wins, so the specific
# rules (readmission in error, third-country nationals) come before the generic ones.
_SUGGESTION_RULES: tuple[tuple[str, str], ...] = (
    (r"\berror\b|ten onrechte|onterecht|erreur|irrtümlich", "readmission-in-error"),
    (r"definition|definitie|begripsomschrijving|définition|begriffsbestimmung", "definitions"),
    (
        r"third.?(?:state|country)|stateless|derde (?:staat|land)|staatlo|pays tiers|drittstaat",
        "third-country-nationals",
    ),
    (
        r"own nationals|eigen onderdanen|propres ressortissants|eigene[rn]? staatsangehörig",
        "own-nationals",
    ),
    (r"means of evidence|\bevidence\b|\bproof\b|bewijs|preuve|nachweis|glaubhaft", "evidence"),
    (r"time.?limit|termijn|délai|frist", "time-limits"),
    (r"\btransit\b|doorgeleiding|durchbeförderung|durchreise", "transit"),
    (r"\btransfer\b|escort|overdracht|begeleid|remise|escorte|überstellung|begleit", "transfer"),
    (r"application|request|verzoek|demande|antrag|ersuchen", "readmission-application"),
    (r"\bcosts?\b|kosten|frais", "costs"),
    (
        r"data protection|personal data|gegevensbescherming|persoonsgegevens|"
        r"données à caractère personnel|datenschutz",
        "data-protection",
    ),
    (
        r"other international|non.?affection|andere internationale|internationale verplichting|"
        r"autres obligations|andere[rn]? völkerrechtlich|relation to other",
        "non-affection",
    ),
    (
        r"implementing protocol|uitvoeringsprotocol|protocole d.application|durchführungsprotokoll",
        "implementing-protocols",
    ),
    (r"committee|comité|commissie|ausschuss|expert", "joint-committee"),
    (r"dispute|geschil|différend|streitigkeit|meningsverschil", "disputes"),
    (
        r"entry into force|inwerkingtreding|entrée en vigueur|inkrafttreten|suspension|schorsing|"
        r"termination|opzegging|beëindiging|territorial|territoriale|final provisions|"
        r"slotbepaling",
        "final-provisions",
    ),
)
# No generic "readmission → own nationals" rule: a heading such as "Overnameprocedure" says only
# that the article is about readmission; the drafter is asked instead of being led astray.
_COMPILED_RULES = tuple(
    (re.compile(pattern, re.IGNORECASE), key) for pattern, key in _SUGGESTION_RULES
)


def suggest_section(
    *, heading: str | None, part: str | None = None, clause_types: tuple[str, ...] = ()
) -> str | None:
    """A likely skeleton section for a source article; None if unsure (the drafter is asked).

    From the article's confident clause types (best first) when it has any, else from its
    heading. A suggestion only (the drafter chooses); preamble units always map to the
    preamble section.
    """
    if part == "preamble":
        return PREAMBLE_KEY
    for clause_type in clause_types:
        if clause_type in SECTION_OF_CLAUSE_TYPE:
            return SECTION_OF_CLAUSE_TYPE[clause_type]
    if not heading:
        return None
    for pattern, key in _COMPILED_RULES:
        if pattern.search(heading):
            return key
    return None
