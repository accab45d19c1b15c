"""The slot taxonomy and its spaCy keyword rules, on real headings and sentences of the corpus."""

from __future__ import annotations

import pytest

from ingest.slot_patterns import keyword_evidence
from ingest.taxonomy import LANGUAGES, OTHER, SLOTS, UnknownSlotError, get_slot, slot_keys

REQUIRED = {
    "definitions", "own-nationals", "third-country-nationals", "exceptions", "family-members",
    "readmission-application", "proof-of-nationality", "evidence-third-country",
    "consular-interview", "time-limit-request", "time-limit-reply", "time-limit-transfer",
    "travel-documents", "readmission-in-error", "transit", "escort", "accelerated-procedure",
    "costs", "data-protection", "non-affection", "implementing-protocol",
    "competent-authorities", "language", "joint-committee", "disputes", "entry-into-force",
    "suspension", "termination", "territorial-application", OTHER,
}  # fmt: skip


def test_taxonomy_covers_the_issue_list_with_four_languages() -> None:
    keys = slot_keys()
    assert len(keys) == len(set(keys))
    assert set(keys) >= REQUIRED
    assert keys[-1] == OTHER
    for slot in SLOTS:
        assert slot.title and slot.description.endswith(".")
        assert set(slot.wording) == set(LANGUAGES), slot.key
        if slot.key != OTHER:
            assert all(slot.heading_terms.get(lang) for lang in LANGUAGES), slot.key


def test_unknown_slot_is_a_clear_error() -> None:
    with pytest.raises(UnknownSlotError, match="time-limit-reply"):
        get_slot("deadline")


@pytest.mark.parametrize(
    ("heading", "text", "language", "slot"),
    [  # real headings / sentences of the shipped corpus
        ("Antwoord op het verzoek", "", "nl", "time-limit-reply"),
        ("Bewijsmiddelen met betrekking tot eigen onderdanen", "", "nl", "proof-of-nationality"),
        ("Doorgeleidingsprocedure", "", "nl", "transit"),
        ("Verplichtingen van de begeleiders", "", "nl", "escort"),
        ("Readmission in error", "", "en", "readmission-in-error"),
        ("Suspension, termination", "", "en", "termination"),
        ("Data protection", "", "en", "data-protection"),
        ("Datenschutzklausel", "", "de", "data-protection"),
        ("Suspendierung, Kündigung", "", "de", "suspension"),
        ("Zuständige Stellen", "", "de", "competent-authorities"),
        (
            None,
            "Les frais de transfert des personnes à éloigner seront supportés jusqu'au point de "
            "passage de la frontière par l'Etat dont les Autorités ont provoqué l'éloignement.",
            "fr",
            "costs",
        ),
        (
            None,
            "Le transit ou le concours des Autorités françaises peuvent être refusés si la "
            "personne risque de ce fait d'être exposée à des poursuites. Les personnes prises "
            "en charge aux fins de transit pourront être rendues",
            "fr",
            "transit",
        ),
    ],
)
def test_keyword_rules_find_the_slot(
    heading: str | None, text: str, language: str, slot: str
) -> None:
    evidence = keyword_evidence(heading, text, language)
    assert slot in evidence
    found = evidence[slot]
    assert found.heading_terms if heading else found.body_matches >= get_slot(slot).body_hits_needed


def test_compound_prefix_terms_match_dutch_and_german_compounds() -> None:
    dutch = keyword_evidence("Indiening van terug- of overnameverzoeken", "", "nl")
    assert "readmission-application" in dutch
    german = keyword_evidence("Durchreise zum Zwecke der Rückkehr", "", "de")
    assert german["transit"].heading_terms == ("durchreise*",)


def test_unknown_language_uses_every_language() -> None:
    assert "costs" in keyword_evidence("Kosten", "", "xx")
    assert "costs" in keyword_evidence("Frais", "", "und")
