"""One reading of unit ids and one citation format (ingest.citations), as the chunks, the app,
the tables and the drafts use it."""

from __future__ import annotations

import pytest

from index.types import Hit
from ingest.citations import (
    cite_eid,
    cite_eid_short,
    cite_unit,
    full_citation,
    instrument_prefix,
    reference_id,
    split_eid,
    split_implements_reference,
    unit_name,
)
from ingest.types import unit_label
from readmit.drafting.model import Provenance


@pytest.mark.parametrize(
    ("eid", "expected"),
    [
        ("art_7", ("", "art_7")),
        ("protocol__art_3", ("Protocol", "art_3")),
        ("protocol_2__annex_1", ("Protocol 2", "annex_1")),
        ("preamble", ("", "preamble")),
        ("protocolish__art_1", ("", "protocolish__art_1")),
    ],
)
def test_split_eid(eid: str, expected: tuple[str, str]) -> None:
    assert split_eid(eid) == expected


def test_instrument_prefix_round_trips_through_split_eid() -> None:
    assert [instrument_prefix(n) for n in range(3)] == ["", "protocol__", "protocol_2__"]
    assert [split_eid(f"{instrument_prefix(n)}art_1")[0] for n in range(3)] == [
        "",
        "Protocol",
        "Protocol 2",
    ]


@pytest.mark.parametrize(
    ("eid", "kind", "number", "heading", "expected"),
    [
        ("art_7", "article", "7", "Time limits", "Article 7 — Time limits"),
        ("protocol__art_3", "article", "3", "Transit", "Protocol, Article 3 — Transit"),
        ("protocol_2__art_1", "article", "1", None, "Protocol 2, Article 1"),
        ("annex_2", "annex", "2", None, "Annex 2"),
        ("protocol__preamble", "preamble", None, None, "Protocol, Preamble"),
        ("final", "final", None, "Final clauses", "Final clauses"),
        ("declaration_1", "declaration", "1", "Joint", "Declaration — Joint"),
    ],
)
def test_cite_unit(
    eid: str, kind: str, number: str | None, heading: str | None, expected: str
) -> None:
    assert cite_unit(eid=eid, kind=kind, label=unit_label(kind, number), heading=heading) == (
        expected
    )


def test_unit_name_of_final_clauses_and_declarations() -> None:
    assert unit_name(kind="final", label="Final") == "Final clauses"
    assert unit_name(kind="declaration", label="Declaration") == "Declaration"
    assert unit_name(kind="article", label="Article 7") == "Article 7"


def test_long_and_short_citations_from_the_id_agree_on_the_instrument() -> None:
    cases = {
        "art_7": ("Article 7", "Art. 7"),
        "art_iv": ("Article IV", "Art. IV"),
        "protocol__art_3": ("Protocol, Article 3", "Prot. Art. 3"),
        "protocol_2__art_1": ("Protocol 2, Article 1", "Prot. 2 Art. 1"),
        "annex_1a": ("Annex 1A", "Annex 1A"),
        "protocol__preamble": ("Protocol, Preamble", "Prot. Preamble"),
        "final": ("Final clauses", "Final clauses"),
    }
    assert {eid: (cite_eid(eid), cite_eid_short(eid)) for eid in cases} == cases
    assert cite_eid("protocol__art_6", heading="Transit") == "Protocol, Article 6 — Transit"


def _provenance(eid: str, article: str | None, part: str) -> Provenance:
    hit = Hit(
        rank=1,
        score=1.0,
        chunk_id=1,
        doc_id="d",
        title="T",
        part=part,
        article=article,
        heading=None,
        eid=eid,
        page_start=None,
        page_end=None,
        language="en",
        text="x",
    )
    return Provenance.from_hit(hit)


def test_draft_provenance_cites_the_instrument_too() -> None:
    assert _provenance("art_7", "7", "agreement").citation == "Article 7 (art_7)"
    assert _provenance("protocol__art_3", "3", "protocol").citation == (
        "Protocol, Article 3 (protocol__art_3)"
    )
    assert _provenance("protocol__preamble", None, "protocol").citation == (
        "Protocol, Preamble (protocol__preamble)"
    )


def test_full_citation_names_article_agreement_year_and_reference() -> None:
    title = (
        "Agreement between the States of the Benelux and the Republic of Kazakhstan on readmission"
    )
    assert full_citation(
        eid="art_7",
        title=title,
        year=2015,
        official_reference="Dutch treaty database (wetten.overheid.nl) BWBV0006473",
    ) == f"Art. 7, {title} (2015), BWBV0006473"
    # a protocol's article says so; a reference without an identifier is kept as written
    assert full_citation(
        eid="protocol__art_11", title="Implementing Protocol", official_reference="Trb. 2013, 212"
    ) == "Prot. Art. 11, Implementing Protocol, Trb. 2013, 212"
    assert reference_id(None) == "" and reference_id("CELEX 32007D0819; note") == "32007D0819"


@pytest.mark.parametrize(
    ("text", "articles", "rest"),
    [
        ("(Article 7, paragraph 3 of the Agreement )\n1. A response", ("7",), "1. A response"),
        ("(artikel 4 en 7, lid (3), van de Overeenkomst )\nHet", ("4", "7"), "Het"),
        ("(artikel 15, derde lid, van de Overeenkomst)\nX", ("15",), "X"),
        ("(Article 3 of the Convention)\nX", None, "(Article 3 of the Convention)\nX"),
        ("1. The requested Party (Article 4 of the Agreement)", None,
         "1. The requested Party (Article 4 of the Agreement)"),
    ],
)
def test_implements_reference(text: str, articles: tuple[str, ...] | None, rest: str) -> None:
    reference, remaining = split_implements_reference(text)
    assert (reference.articles if reference else None) == articles
    assert remaining == rest
