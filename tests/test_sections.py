"""Guidance structure and the no-text-dropped invariant, on generated documents of each shape
(a multi-level guide, a regulation with dotted articles, a short 1960s agreement, an exchange
of notes with German annexes, a contract clause "Section 9. Indemnification.") and on every
corpus file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.coverage import check_coverage
from ingest.pipeline import parse_document
from ingest.structure import parse_structure
from ingest.types import Line, Unit
from tests.harness.corpus import corpus_stems, load_lines

GUIDE = """Handbook on return (B)

B7
Return and removal

1
Introduction

These rules supplement the following provisions:

• article 61 of the Act;

• article 6.1 of the Decree.

2
Voluntary departure

The officer hands the foreigner a return decision. The decision states:

1. the departure period;

2. the obligation to leave the Union.

2.1
Departure period

The departure period is 28 days. The officer may shorten it when:

– there is a risk of absconding;

– the application was manifestly unfounded.

A request to extend the period is made in person.

2.1.1
Extension

The period may be extended by at most 90 days.

2.2 Travel documents

The officer helps the foreigner obtain a travel document.

3
Costs

The costs of removal are recovered from the carrier.
"""

REGULATION = """Decree of 23 November 2000 implementing the Aliens Act

Hoofdstuk 6
Vertrek en uitzetting

Afdeling 1
Uitzetting

Artikel 6.1

Een risico kan worden aangenomen indien twee gronden van toepassing zijn.

Artikel 6.1a

1. Onze Minister is bevoegd tot uitzetting.

2. De waardigheid van de vreemdeling wordt geëerbiedigd.

Afdeling 2
Kosten

Artikel 6.2

De kosten van uitzetting worden verhaald op de vervoerder.
"""

AGREEMENT_1960S = """Agreement between the Kingdom of A and the Republic of B on taking over persons

The Governments of A and B, desiring to facilitate the taking over of persons, have agreed:

CHAPTER I
Taking over of nationals

Article 1

Each Party shall take over, without formalities, its nationals found on the territory of the other.

Article 2

The persons shall be handed over at the border posts listed in the annex.

CHAPTER II
Final provisions

This chapter applies from the date of signature.

Article 3

This Agreement enters into force on the first day of the second month after signature.

DONE at Vienna, on 15 February 1965, in two originals.

For the Government of A
For the Government of B
"""

NOTES_WITH_GERMAN_ANNEX = """Exchange of notes between A and B on the readmission of persons

Nr. I

EMBASSY OF A

Excellency, I have the honour to propose the following arrangement:

Article 1

The Parties readmit their nationals.

Article 2

Requests are answered within eight days.

I have the honour to propose that this note and your reply constitute an agreement.

Nr. II

MINISTRY OF FOREIGN AFFAIRS OF B

Excellency, I have the honour to accept your proposal.

Anlage 1
Grenzübergangsstellen

Die Übergabe erfolgt an den folgenden Grenzübergangsstellen:

– Aachen-Lichtenbusch;

– Venlo-Straelen.

Anlage 2
Muster eines Übernahmeantrags

Name, Vorname, Geburtsdatum, Staatsangehörigkeit.
"""

CONTRACT_CLAUSE = """Section 9. Indemnification.

(a) The Supplier shall indemnify the Customer against all claims arising from the Services.

(b) The Customer shall notify the Supplier of any claim within thirty (30) days.

(c) Neither party shall settle a claim without the other's consent.
"""


def lines_of(text: str) -> list[Line]:
    return [Line(text=t) for t in text.splitlines()]


def by_eid(units: tuple[Unit, ...]) -> dict[str, Unit]:
    return {u.eid: u for u in units}


def assert_complete(text: str, units: tuple[Unit, ...]) -> None:
    coverage = check_coverage(lines_of(text), units)
    assert coverage.lines == sum(1 for t in text.splitlines() if t.strip())
    assert [line.text for line in coverage.missing] == []


def test_multi_level_guide_has_a_section_tree_with_stable_eids() -> None:
    units = parse_structure(lines_of(GUIDE), language="en")
    eids = [u.eid for u in units]
    assert eids == [
        "preamble",
        "chp_b7",
        "sec_1",
        "sec_2",
        "sec_2.1",
        "sec_2.1.1",
        "sec_2.2",
        "sec_3",
    ]
    tree = by_eid(units)
    assert tree["sec_2.1.1"].parent == "sec_2.1"
    assert tree["sec_2.1"].parent == "sec_2"
    assert tree["sec_2.2"].parent == "sec_2"
    assert tree["sec_1"].parent == "chp_b7"
    assert tree["chp_b7"].parent is None
    assert tree["sec_2.1"].heading == "Departure period"
    assert tree["sec_2.2"].heading == "Travel documents"  # number and heading on one line
    assert tree["sec_2.1.1"].label == "2.1.1"
    # The same text gives the same eIds.
    assert [u.eid for u in parse_structure(lines_of(GUIDE), language="en")] == eids
    assert_complete(GUIDE, units)


def test_guide_paragraphs_keep_bullets_and_numbered_points_with_their_introduction() -> None:
    units = by_eid(parse_structure(lines_of(GUIDE), language="en"))
    intro = units["sec_1"].paragraphs
    assert len(intro) == 1
    assert [p.label for p in intro[0].points] == ["•", "•"]
    decision = units["sec_2"].paragraphs[0]
    assert [p.label for p in decision.points] == ["1.", "2."]
    period = units["sec_2.1"].paragraphs
    # The line after the dash list starts a paragraph of its own.
    assert len(period) == 2
    assert [p.label for p in period[0].points] == ["–", "–"]
    assert period[1].text == "A request to extend the period is made in person."


def test_chunks_of_a_guide_carry_the_heading_path(tmp_path: Path) -> None:
    path = tmp_path / "handbook-b7-2015-en.txt"
    path.write_text(GUIDE, encoding="utf-8")
    doc = parse_document(path)
    chunks = chunk_document(doc)
    first_lines = {c.eid: c.text.split("\n", 1)[0] for c in chunks}
    assert first_lines["sec_2.1.1"] == (
        "B7 › 2 Voluntary departure › 2.1 Departure period › 2.1.1 Extension"
    )
    assert first_lines["sec_3"] == "B7 › 3 Costs"
    # A container without text of its own has no chunk; every section with text has one.
    assert "chp_b7" not in first_lines
    assert {"sec_1", "sec_2", "sec_2.1", "sec_2.1.1", "sec_2.2", "sec_3"} <= set(first_lines)
    assert doc.lines_not_in_units == 0
    assert doc.top_level_eids == ("preamble", "chp_b7")


def test_regulation_with_dotted_articles_chapters_and_sections() -> None:
    units = parse_structure(lines_of(REGULATION), language="nl")
    tree = by_eid(units)
    assert [u.eid for u in units] == [
        "preamble",
        "chp_6",
        "chp_6__sec_1",
        "art_6.1",
        "art_6.1a",
        "chp_6__sec_2",
        "art_6.2",
    ]
    assert tree["art_6.1a"].parent == "chp_6__sec_1"
    assert tree["art_6.2"].parent == "chp_6__sec_2"
    assert tree["chp_6__sec_1"].parent == "chp_6"
    assert tree["chp_6"].heading == "Vertrek en uitzetting"
    assert tree["art_6.1a"].label == "Article 6.1a"
    assert [p.number for p in tree["art_6.1a"].paragraphs] == ["1", "2"]
    assert_complete(REGULATION, units)


def test_short_1960s_agreement_keeps_chapter_text_outside_articles() -> None:
    units = parse_structure(lines_of(AGREEMENT_1960S), language="en")
    tree = by_eid(units)
    assert tree["art_1"].parent == "chp_i"
    assert tree["art_3"].parent == "chp_ii"
    # Text between a chapter heading and its first article is the chapter's body.
    assert tree["chp_ii"].text == "This chapter applies from the date of signature."
    assert tree["chp_ii"].heading == "Final provisions"
    assert tree["final"].text.startswith("DONE at Vienna")
    assert_complete(AGREEMENT_1960S, units)


def test_exchange_of_notes_with_german_annexes() -> None:
    units = parse_structure(lines_of(NOTES_WITH_GERMAN_ANNEX), language="en")
    tree = by_eid(units)
    assert {"art_1", "art_2", "annex_1", "annex_2"} <= set(tree)
    assert tree["annex_1"].heading == "Grenzübergangsstellen"
    assert "Venlo-Straelen" in tree["annex_1"].text
    assert tree["annex_2"].heading == "Muster eines Übernahmeantrags"
    assert_complete(NOTES_WITH_GERMAN_ANNEX, units)


def test_contract_clause_under_a_section_heading_is_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "acord-clause-9.txt"
    path.write_text(CONTRACT_CLAUSE, encoding="utf-8")
    doc = parse_document(path)  # used to fail with "no text found in the document"
    assert doc.units[0].eid == "sec_9"
    assert doc.units[0].heading == "Indemnification."
    assert "(c) Neither party" in doc.units[0].text
    assert doc.lines_not_in_units == 0
    assert_complete(CONTRACT_CLAUSE, doc.units)


def test_stray_numbers_in_a_treaty_do_not_make_it_a_guide() -> None:
    text = AGREEMENT_1960S.replace(
        "Article 2\n", "Article 2\n\n12\nBorder posts\n\n3\nAnd more\n\n4\nStill more\n"
    )
    units = parse_structure(lines_of(text), language="en")
    assert not any(u.kind == "section" and u.eid.startswith("sec_") for u in units)
    assert_complete(text, units)


@pytest.mark.parametrize("stem", corpus_stems())
def test_every_corpus_line_ends_up_in_a_unit(stem: str) -> None:
    lines = load_lines(stem)
    units = parse_structure(lines, language=stem.rsplit("-", 1)[-1])
    coverage = check_coverage(lines, units)
    assert coverage.lines > 0
    assert [line.text for line in coverage.missing] == []


def test_the_guides_of_the_corpus_have_section_trees() -> None:
    units = parse_structure(load_lines("vc2000-a3-departure-and-removal-2015-nl"), language="nl")
    tree = by_eid(units)
    assert tree["sec_3"].heading == "Vertrektermijnen"
    assert tree["sec_7.1.5"].parent == "sec_7.1"
    assert tree["sec_6.9"].heading.startswith("Overdracht in het kader van de Verordening")
    assert sum(1 for u in units if u.kind == "section") == 43
