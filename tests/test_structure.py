"""Legal-structure parser on the real corpus, plus focused cases for the heading patterns."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from ingest.structure import ARTICLE_LINE, document_title, parse_structure
from ingest.types import Line, Unit
from tests.harness.corpus import CORPUS, corpus_stems, load_lines

KAZAKHSTAN_EN = "benelux-kazakhstan-readmission-agreement-2015-en"


def parse(stem: str) -> tuple[Unit, ...]:
    return parse_structure(load_lines(stem), language=stem.rsplit("-", 1)[-1])


def by_eid(units: tuple[Unit, ...]) -> dict[str, Unit]:
    return {u.eid: u for u in units}


def articles(units: tuple[Unit, ...], prefix: str = "") -> list[Unit]:
    return [u for u in units if u.kind == "article" and u.eid.startswith(prefix + "art_")]


def lines_of(text: str, page: int | None = None) -> list[Line]:
    return [Line(text=t, page=page) for t in text.splitlines()]


# --------------------------------------------------------------------------- Kazakhstan


def test_kazakhstan_en_articles_protocol_and_annexes() -> None:
    units = parse(KAZAKHSTAN_EN)
    assert [u.eid for u in articles(units)] == [f"art_{n}" for n in range(1, 22)]
    assert [u.eid for u in articles(units, "protocol__")] == [
        f"protocol__art_{n}" for n in range(1, 16)
    ]
    annexes = [u for u in units if u.kind == "annex"]
    assert [u.number for u in annexes] == ["1 A", "1 B", "2", "3", "4", "5", "6"]
    assert [u.eid for u in annexes] == [
        "annex_1a",
        "annex_1b",
        "annex_2",
        "annex_3",
        "annex_4",
        "annex_5",
        "annex_6",
    ]
    assert all(u.part == "annex" for u in annexes)
    units_by_eid = by_eid(units)
    assert units_by_eid["art_7"].heading == "Time limits"
    assert units_by_eid["art_15"].heading == "Implementing Protocol"
    assert units_by_eid["protocol__art_13"].heading == "Annexes"
    assert [u.order for u in units] == list(range(len(units)))
    # preamble, 21 articles, final, protocol preamble, 15 articles, protocol final, 7 annexes
    assert len(units) == 1 + 21 + 1 + 1 + 15 + 1 + 7


def test_kazakhstan_en_parts_preambles_and_final_clauses() -> None:
    units = by_eid(parse(KAZAKHSTAN_EN))
    preamble = units["preamble"]
    assert preamble.kind == "preamble" and preamble.part == "preamble"
    assert preamble.text.startswith("Agreement between the States of the Benelux")
    assert "Have agreed as follows:" in preamble.text
    assert units["art_3"].part == "agreement" and units["art_3"].instrument == "agreement"
    assert units["final"].text.startswith("IN WITNESS WHEREOF")
    assert units["final"].part == "final"
    protocol_preamble = units["protocol__preamble"]
    assert protocol_preamble.part == "preamble" and protocol_preamble.instrument == "protocol"
    assert protocol_preamble.text.startswith("Implementing protocol to the agreement")
    assert units["protocol__art_3"].part == "protocol"
    assert units["protocol__final"].text.startswith("DONE at Brussels")
    # The reference line under a protocol article heading is body text, not an article.
    assert units["protocol__art_2"].heading == "Submission of the request for readmission"
    assert units["protocol__art_2"].text.startswith("(Article 4 of the Agreement )")
    # Article 15's body stays in Article 15; the protocol did not start there.
    assert "inter alia:" in units["art_15"].text
    assert "Article 7" not in units["art_7"].text.split("\n")[0]


def test_kazakhstan_en_paragraphs_and_nested_points() -> None:
    units = by_eid(parse(KAZAKHSTAN_EN))
    art2 = units["art_2"]
    assert [p.eid for p in art2.paragraphs] == [f"art_2__para_{n}" for n in range(1, 5)]
    para3 = art2.paragraphs[2]
    # "3. … shall also readmit:" is followed by items numbered "1." and "2." again.
    assert [p.eid for p in para3.points] == ["art_2__para_3__point_1", "art_2__para_3__point_2"]
    assert para3.points[0].text.startswith("1. Minor unmarried children")
    assert art2.paragraphs[3].text.startswith("4. At the request")
    # Article 4 para 2 ends its list with "." and para 3 starts with a capital: a new paragraph.
    art4 = units["art_4"]
    assert [p.number for p in art4.paragraphs] == ["1", "2", "3", "4", "5"]
    assert len(art4.paragraphs[1].points) == 2
    # Article 1: an unnumbered introduction, then numbered definitions with dash indents.
    art1 = units["art_1"]
    assert art1.paragraphs[0].number is None
    assert art1.paragraphs[0].eid == "art_1__subpara_1"
    territory = art1.paragraphs[1]
    assert territory.eid == "art_1__para_1"
    assert [p.eid for p in territory.points] == [
        "art_1__para_1__indent_1",
        "art_1__para_1__indent_2",
    ]
    assert art1.text == "\n".join(p.text for p in art1.paragraphs)


def test_kazakhstan_nl_matches_english_structure() -> None:
    units = parse("benelux-kazakhstan-readmission-agreement-2015-nl")
    assert len(articles(units)) == 21
    assert len(articles(units, "protocol__")) == 15
    assert len([u for u in units if u.kind == "annex"]) == 7
    units_by_eid = by_eid(units)
    assert units_by_eid["art_7"].heading == "Termijnen"
    assert units_by_eid["art_15"].heading == "Uitvoeringsprotocol"
    assert units_by_eid["protocol__art_13"].heading == "Bijlagen"
    assert units_by_eid["final"].text.startswith("TEN BLIJKE WAARVAN")
    assert units_by_eid["protocol__final"].text.startswith("GEDAAN te Brussel")


# --------------------------------------------------------------------------- other documents


def test_switzerland_nl_agreement_protocol_and_annexes() -> None:
    units = parse("benelux-switzerland-readmission-2003-nl")
    assert len(articles(units)) == 20
    assert len(articles(units, "protocol__")) == 10
    assert [u.eid for u in units if u.kind == "annex"] == ["annex_1", "annex_2"]
    units_by_eid = by_eid(units)
    assert units_by_eid["art_8"].heading == "Termijnen"
    assert units_by_eid["art_16"].heading == "Uitvoeringsprotocol"
    assert units_by_eid["protocol__preamble"].text.startswith("Uitvoeringsprotocol van de")
    assert units_by_eid["protocol__art_10"].heading == "Slotbepaling"
    assert len(units) == 1 + 20 + 1 + 1 + 10 + 1 + 2


def test_france_fr_headingless_articles_and_protocole_without_articles() -> None:
    units = parse("benelux-france-border-takeover-1964-fr")
    arts = articles(units)
    assert [u.eid for u in arts] == [f"art_{n}" for n in range(1, 16)]
    assert all(u.heading is None for u in arts)
    units_by_eid = by_eid(units)
    assert units_by_eid["art_1"].text.startswith("(1). Le Gouvernement")
    assert [p.number for p in units_by_eid["art_1"].paragraphs] == ["1", "2", "3", "4", "5"]
    assert units_by_eid["final"].text.startswith("FAIT à Paris")
    # The "Protocole" has no articles: its operative text is one unit of part "protocol".
    protocole = units_by_eid["protocol__preamble"]
    assert protocole.part == "protocol" and protocole.text.startswith("Protocole")
    assert units_by_eid["protocol__final"].text.startswith("FAIT à Paris")
    assert [u.eid for u in units] == (
        ["preamble"] + [u.eid for u in arts] + ["final", "protocol__preamble", "protocol__final"]
    )


def test_multilateral_de_declaration_and_illustrations() -> None:
    units = parse("multilateral-transit-yugoslav-nationals-2000-de")
    arts = articles(units)
    assert [u.eid for u in arts] == [f"art_{n}" for n in range(1, 10)]
    units_by_eid = by_eid(units)
    assert units_by_eid["art_1"].heading == "Durchreise zum Zwecke der Rückkehr"
    assert units_by_eid["final"].text.startswith("GESCHEHEN zu Berlin")
    declaration = units_by_eid["declaration_1"]
    assert declaration.kind == "declaration" and declaration.part == "final"
    assert declaration.heading is not None and declaration.heading.startswith("Erklärung gemäß")
    assert units_by_eid["annex_1"].heading == "Afbeeldingen"
    assert len(units) == 1 + 9 + 1 + 1 + 1


def test_un_refugee_convention_chapters_schedule_annex_final_act() -> None:
    units = parse("un-refugee-convention-1951-en")
    arts = articles(units)
    assert [u.eid for u in arts] == [f"art_{n}" for n in range(1, 47)]
    units_by_eid = by_eid(units)
    # Chapter lines and chapter titles belong to no unit.
    for unit in units:
        assert not re.search(r"^CHAPTER [IVX]+$", unit.text, re.MULTILINE), unit.eid
    assert "Juridical Status" not in units_by_eid["art_11"].text
    assert units_by_eid["art_12"].heading == "Personal Status"
    assert units_by_eid["art_33"].heading == 'Prohibition of Expulsion or Return ("Refoulement")'
    assert units_by_eid["final"].text.startswith("IN FAITH WHEREOF")
    assert units_by_eid["annex_1"].heading == "Schedule"
    assert units_by_eid["annex_2"].heading == "Specimen Travel Document"
    assert units_by_eid["declaration_1"].heading.startswith("FINAL ACT")
    # Seven chapters are containers: their headings are kept, the articles are their children.
    chapters = [u for u in units if u.kind == "chapter"]
    romans = ("i", "ii", "iii", "iv", "v", "vi", "vii")
    assert [u.eid for u in chapters] == [f"chp_{n}" for n in romans]
    assert units_by_eid["art_12"].parent == "chp_ii"
    assert len(units) == 1 + 46 + 1 + 2 + 1 + 7


def test_schengen_poland_nl_declaration_then_protocol() -> None:
    units = parse("schengen-states-poland-readmission-1991-nl")
    assert [u.eid for u in articles(units)] == [f"art_{n}" for n in range(1, 11)]
    assert [u.eid for u in units if u.kind != "article"] == [
        "preamble",
        "final",
        "declaration_1",
        "protocol__preamble",
        "protocol__final",
    ]
    units_by_eid = by_eid(units)
    assert units_by_eid["declaration_1"].heading == "Gemeenschappelijke verklaring"
    assert units_by_eid["protocol__preamble"].part == "protocol"
    assert "1.Verklaring inzake de artikelen 1, 2 en 5" in units_by_eid["protocol__preamble"].text


def test_romania_roman_articles_in_exchange_of_notes() -> None:
    units = parse("benelux-romania-readmission-1995-nl")
    assert [u.eid for u in articles(units)] == [f"art_{n}" for n in range(1, 11)]
    assert [u.eid for u in articles(units, "protocol__")] == [
        f"protocol__art_{r}" for r in ("i", "ii", "iii", "iv", "v", "vi", "vii")
    ]
    units_by_eid = by_eid(units)
    assert units_by_eid["protocol__art_iv"].number == "IV"
    assert [u.eid for u in units if u.kind == "annex"] == ["annex_i", "annex_ii"]
    # Article 5's first body line looks like a heading but the document has none.
    assert all(u.heading is None for u in articles(units))
    assert units_by_eid["art_5"].text.startswith("De voor de uitvoering")


def test_austria_letter_paragraphs_with_numbered_points() -> None:
    units = by_eid(parse("austria-benelux-border-takeover-1965-nl"))
    art5 = units["art_5"]
    assert [p.number for p in art5.paragraphs] == ["a", "b", "c", "d"]
    assert [pt.eid for pt in art5.paragraphs[1].points] == [
        "art_5__para_b__point_1",
        "art_5__para_b__point_2",
    ]
    assert units["final"].text.startswith("GEDAAN te Wenen")


def test_bosnia_misspelt_article_heading_is_an_article() -> None:
    units = parse("benelux-bosnia-readmission-2006-nl")
    assert [u.eid for u in articles(units, "protocol__")] == [
        f"protocol__art_{n}" for n in range(1, 16)
    ]
    assert (
        by_eid(units)["protocol__art_6"].heading
        == "Doorgeleiding (artikel 10, van de Overeenkomst)"
    )


def test_standalone_implementing_protocol_has_protocol_part() -> None:
    units = parse("benelux-moldova-implementing-protocol-2013-en")
    arts = articles(units)
    assert [u.eid for u in arts] == [f"art_{n}" for n in range(1, 18)]
    assert {u.part for u in arts} == {"protocol"}
    units_by_eid = by_eid(units)
    assert units_by_eid["art_13"].heading == "Annexes"
    assert [u.eid for u in units if u.kind == "annex"] == [f"annex_{n}" for n in range(1, 6)]
    assert units_by_eid["annex_1"].heading == "Competent authorities"


def test_unnumbered_annex_takes_a_free_eid() -> None:
    units = parse("multilateral-transit-yugoslav-nationals-2000-nl")
    annexes = [u for u in units if u.kind == "annex"]
    assert [(u.number, u.eid) for u in annexes] == [
        (None, "annex_4"),
        ("1", "annex_1"),
        ("2", "annex_2"),
        ("3", "annex_3"),
    ]


# --------------------------------------------------------------------------- whole corpus


@pytest.mark.parametrize("stem", corpus_stems())
def test_every_corpus_document_parses_soundly(stem: str) -> None:
    units = parse(stem)
    assert units, stem
    assert units[0].eid == "preamble"
    arts = [u for u in units if u.kind == "article"]
    sections = [u for u in units if u.kind == "section" and (u.number or "")[:1].isdigit()]
    assert arts or sections, f"{stem}: no article or numbered section found"
    assert [u.order for u in units] == list(range(len(units)))
    eids = [u.eid for u in units]
    assert len(eids) == len(set(eids)), Counter(eids).most_common(3)
    sub_eids = [p.eid for u in units for p in u.paragraphs] + [
        pt.eid for u in units for p in u.paragraphs for pt in p.points
    ]
    assert len(sub_eids) == len(set(sub_eids)), Counter(sub_eids).most_common(3)
    for unit in units:
        assert unit.part in ("preamble", "agreement", "protocol", "annex", "final")
        assert unit.text == "\n".join(p.text for p in unit.paragraphs)
        # (A guide's sections may quote an article on a line of its own: "Artikel 3 EVRM".)
        for line in unit.text.split("\n") if arts else ():
            assert not ARTICLE_LINE.match(line.strip()), f"{stem} {unit.eid}: {line!r}"
    if any(line.page is not None for line in load_lines(stem)):
        for unit in units:
            assert unit.page_start is not None and unit.page_end is not None, unit.eid
            assert unit.page_start <= unit.page_end
        starts = [u.page_start or 0 for u in units]
        assert starts == sorted(starts), f"{stem}: page spans out of order"
    # Article numbers increase within each instrument.
    instruments: dict[str, list[tuple[int, int]]] = {}
    for unit in arts:
        prefix = unit.eid.split("art_", 1)[0]
        instruments.setdefault(prefix, []).append(_number_key(unit.number or ""))
    excerpt = "excerpt" in _sidecar(stem).get("completeness", "")
    for prefix, numbers in instruments.items():
        assert numbers == sorted(numbers), f"{stem} {prefix}: {numbers}"
        # An excerpt (Prüm chapter 4) may start later; a regulation's chapter 6 starts at 6.1.
        assert (
            excerpt
            or numbers[0][0] in (1, numbers[0][0])
            and (numbers[0][0] == 1 or "." in (arts[0].number or ""))
        ), f"{stem} {prefix} starts at {numbers[0]}"
    # Every section and article of a section tree points at a unit that exists before it.
    seen: set[str] = set()
    for unit in units:
        assert unit.parent is None or unit.parent in seen, f"{stem} {unit.eid}: {unit.parent}"
        seen.add(unit.eid)


def _sidecar(stem: str) -> dict[str, str]:
    import json

    path = CORPUS / f"{stem}.meta.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _number_key(number: str) -> tuple[int, int]:
    roman = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    compact = number.replace(" ", "")
    match = re.match(r"^(\d+)(?:\.(\d+))?([a-z]?)$", compact, re.IGNORECASE)
    if match:
        minor = int(match.group(2)) * 27 if match.group(2) else 0
        return int(match.group(1)), minor + (
            ord(match.group(3).lower()) - 96 if match.group(3) else 0
        )
    total, previous = 0, 0
    for char in reversed(compact.upper()):
        value = roman[char]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total, 0


def test_parsing_is_stable() -> None:
    first = parse(KAZAKHSTAN_EN)
    second = parse(KAZAKHSTAN_EN)
    assert first == second


# --------------------------------------------------------------------------- heading patterns

SYNTHETIC = """Agreement between A and B on readmission

The Parties have agreed as follows:

Article premier
Definitions

1. Text of the first article.

Article 2 - Time limits

The request shall be answered within the period referred to in
Article 5
of this Agreement; see also Article 5 below.

Artikel 3. Termijnen

Body three.

Article 3a
Inserted article

Body of 3a.

ARTICLE IV
Roman numbers

Body four.

Article 4
Repeated number

Body of the second article numbered four in another scheme.

Art. 5

Body five.

Article 2

A stray lower number is body text.

IN WITNESS WHEREOF the Parties have signed.
"""


def test_synthetic_heading_patterns() -> None:
    units = parse_structure(lines_of(SYNTHETIC), language="en")
    units_by_eid = by_eid(units)
    assert [u.eid for u in units if u.kind == "article"] == [
        "art_1",
        "art_2",
        "art_3",
        "art_3a",
        "art_iv",
        "art_4",
        "art_5",
    ]
    assert units_by_eid["art_1"].number == "1"
    assert units_by_eid["art_1"].heading == "Definitions"
    assert units_by_eid["art_2"].heading == "Time limits"
    # "Article 5" alone on a line inside Article 2 would break the numbering (3, 3a, IV, 4 and
    # 5 follow): the longest monotonic sequence leaves it in the body as a cross-reference.
    assert "Article 5\nof this Agreement" in units_by_eid["art_2"].text
    assert units_by_eid["art_3"].heading == "Termijnen"
    assert units_by_eid["art_3a"].heading == "Inserted article"
    assert units_by_eid["art_iv"].heading == "Roman numbers"
    assert units_by_eid["art_5"].heading is None
    assert units_by_eid["art_5"].text.startswith("Body five.")
    # "Article 2" after Article 5 is not monotonic: body text of Article 5.
    assert "A stray lower number is body text." in units_by_eid["art_5"].text
    assert units_by_eid["final"].text.startswith("IN WITNESS WHEREOF")
    assert document_title(lines_of(SYNTHETIC)) == "Agreement between A and B on readmission"


def test_german_paragraphs_in_parentheses_with_numbered_points() -> None:
    units = by_eid(parse("multilateral-transit-yugoslav-nationals-2000-de"))
    art3 = units["art_3"]
    assert [p.number for p in art3.paragraphs] == ["1", "2"]
    assert [pt.label for pt in art3.paragraphs[0].points] == ["1.", "2.", "3."]
    assert len(art3.paragraphs[1].points) == 8


def test_list_introduction_without_colon_opens_points() -> None:
    units = by_eid(parse("benelux-bosnia-readmission-2006-nl"))
    art3 = units["art_3"]
    assert [p.number for p in art3.paragraphs] == ["1", "2", "3"]
    assert [pt.eid for pt in art3.paragraphs[0].points] == [
        f"art_3__para_1__point_{n}" for n in range(1, 5)
    ]


PAGED = [
    ("Verdrag tussen A en B", 1),
    ("", 1),
    ("HOOFDSTUK I", 1),
    ("Algemene bepalingen", 1),
    ("Article 1er", 1),
    ("1. Eerste lid.", 1),
    ("2. Tweede lid dat doorloopt", 2),
    ("Article 2 – Termijnen", 2),
    ("Een lid.", 2),
    ("HOOFDSTUK II", 3),
    ("Slotbepalingen", 3),
    ("Article 3", 3),
    ("Body.", 3),
    ("GEDAAN te Brussel.", 4),
    ("Bijlage 1", 4),
    ("Formulier", 4),
    ("Inhoud van de bijlage.", 5),
]


def test_page_spans_chapters_and_inline_headings() -> None:
    units = by_eid(parse_structure([Line(t, p) for t, p in PAGED], language="nl"))
    assert list(units) == [
        "preamble",
        "chp_i",
        "art_1",
        "art_2",
        "chp_ii",
        "art_3",
        "final",
        "annex_1",
    ]
    assert units["chp_ii"].heading == "Slotbepalingen" and units["chp_ii"].page_start == 3
    assert units["art_3"].parent == "chp_ii" and units["final"].parent is None
    assert (units["art_1"].page_start, units["art_1"].page_end) == (1, 2)
    assert [(p.page_start, p.page_end) for p in units["art_1"].paragraphs] == [(1, 1), (2, 2)]
    assert units["art_2"].heading == "Termijnen"
    assert "HOOFDSTUK" not in units["art_2"].text and "Slotbepalingen" not in units["art_2"].text
    assert units["preamble"].text == "Verdrag tussen A en B"
    assert units["annex_1"].heading == "Formulier"
    assert (units["annex_1"].page_start, units["annex_1"].page_end) == (4, 5)
    assert units["final"].page_start == 4
