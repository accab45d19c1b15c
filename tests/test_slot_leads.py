"""A paragraph's opening sentence names a clause type as a heading would (`index.slots.
lead_slots`): headless old texts ("De Nederlandse Regering zal ... de Nederlandse onderdanen ...
terugnemen") and a second clause in a later paragraph ("2. The readmission obligation ... does
not apply in the event that: ..."). Small texts written for the rules, not corpus files."""

from __future__ import annotations

import pytest

from index.slots import certainty, classify_units, lead_slots, paragraph_leads
from index.types import UnitRecord


def _unit(text: str, heading: str | None = None) -> UnitRecord:
    return UnitRecord(
        "doc", "art_1", "article", "body", "1", heading, text, 1, None, None, "agreement"
    )


def test_paragraph_leads_are_the_opening_sentences() -> None:
    text = "1. Each Party shall readmit X. More.\n2. The obligation lapses: when Y.\n(3) Z"
    assert paragraph_leads(text) == ["Each Party shall readmit X", "The obligation lapses", "Z"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a headless old text: a government takes back its nationals
            "1. De Franse Regering zal, zonder dat daartoe enige formaliteit is vereist, de "
            "Franse onderdanen, die de Duitse Regering wil verwijderen, terugnemen, indien "
            "zij de Franse nationaliteit bezitten.",
            {"own-nationals"},
        ),
        (
            "Each Contracting Party shall readmit, without formalities, its nationals who do "
            "not fulfil the conditions for entry.",
            {"own-nationals"},
        ),
        (  # third-country nationals are not own nationals
            "1. Each Party shall readmit third-country nationals who entered from its territory.",
            set(),
        ),
        (  # the obligation lifted in a later paragraph
            "1. The requested Party shall readmit any stateless person who entered illegally.\n"
            "2. The readmission obligation set forth in paragraph 1 does not apply in the event "
            "that: (a) the requesting Party issued a visa.",
            {"exceptions"},
        ),
        (
            "1. Iedere Partij neemt onderdanen van derde staten over.\n"
            "2. De verplichting tot overname bestaat niet ten aanzien van personen met een visum.",
            {"exceptions"},
        ),
        (  # a visa that expires is not a lapsed obligation
            "1. Indien twee visa zijn afgegeven, komt de verplichting tot overname toe aan de "
            "Partij van wie het visum het laatst vervalt.",
            set(),
        ),
        (  # an exception named in the middle of a paragraph is no lead
            "1. The Party shall readmit the person. This obligation shall not apply to refugees.",
            set(),
        ),
    ],
)
def test_lead_slots(text: str, expected: set[str]) -> None:
    assert lead_slots(text) == expected


def test_a_headless_own_nationals_article_is_classified_with_confidence() -> None:
    text = (
        "1. De Franse Regering zal, zonder dat daartoe enige formaliteit is vereist, de Franse "
        "onderdanen, die de Duitse Regering wil verwijderen, terugnemen, indien er aanleiding is "
        "te veronderstellen dat deze personen de Franse nationaliteit bezitten."
    )
    found = classify_units("doc", [_unit(text)], language="nl", unit_vectors={}, slots=None)
    own = [a for a in found if a.slot == "own-nationals"]
    assert own and "lead" in own[0].method and certainty(own[0]) == "confident"


def test_exceptions_in_a_second_paragraph_of_a_headed_article() -> None:
    text = (
        "1. The requested Party shall readmit any third State national who does not fulfil the "
        "conditions for entry.\n"
        "2. The readmission obligation set forth in paragraph 1 does not apply in the event "
        "that the requesting Party issued a visa."
    )
    unit = _unit(text, heading="Readmission of third State nationals")
    found = classify_units("doc", [unit], language="en", unit_vectors={}, slots=None)
    assert {"exceptions", "third-country-nationals"} <= {a.slot for a in found}
