"""Notes, annexes, annex articles and declarations as their own units (parse-only, no model).

The documents here are written for the test (an exchange of notes in Dutch, an English agreement
with annexes and a joint declaration, texts that only mention annexes), plus one published
exchange of notes the parser was not written against (tests/data/exchange-of-notes/).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from index.embedders import HashingEmbedder
from ingest.chunking import chunk_document
from ingest.citations import cite_eid, cite_eid_short, cite_unit
from ingest.coverage import check_coverage
from ingest.pipeline import parse_document
from ingest.structure import parse_structure
from ingest.types import DocumentMeta, Line, ParsedDocument, Unit
from readmit.cli import main
from readmit.service import KnowledgeBase
from tests.harness.models import hashing_index

NOTES_FILE = (
    Path(__file__).parent
    / "data"
    / "exchange-of-notes"
    / "germany-netherlands-removal-by-air-1983-nl.md"
)

# An exchange of notes: a covering note with numbered points and two annexes, each with its own
# numbered points, and a reply note with one annex. One list per page.
EXCHANGE_OF_NOTES = [
    [
        "Notawisseling tussen Nederland en Ruritanië inzake de verwijdering per vliegtuig",
        "",
        "Nr. I",
        "",
        "AMBASSADE VAN RURITANIË",
        "De Ambassade heeft de eer de volgende regeling voor te stellen:",
        "1. De verwijdering geschiedt met rechtstreekse vluchten tussen de in Bijlage I "
        "genoemde luchthavens.",
        "2. De begeleiding en de kosten daarvan worden geregeld zoals vermeld in",
        "Bijlage II",
        "van deze nota.",
        "Den Haag, 3 maart 1983",
    ],
    [
        "Bijlage I",
        "Overeengekomen luchthavens",
        "1. Amsterdam (Schiphol)",
        "2. Rotterdam",
    ],
    [
        "Bijlage II",
        "Kosten van de begeleiding",
        "1. De kosten van de begeleiding worden gedragen door de verwijderende Staat.",
        "2. De begeleiders keren met de eerstvolgende vlucht terug.",
    ],
    [
        "Nr. II",
        "",
        "MINISTERIE VAN BUITENLANDSE ZAKEN",
        "Het Ministerie stemt in met de regeling in de nota van 3 maart 1983.",
        "'s-Gravenhage, 4 april 1984",
        "Bijlage I",
        "Aangewezen luchthaven",
        "1. Amsterdam (Schiphol)",
    ],
]

# An English agreement: articles, final clauses, "ANNEX I" in capitals with its title, "Annex II
# to the Agreement" with articles of its own, and a final joint declaration.
AGREEMENT_WITH_ANNEXES = """Agreement between Ruritania and Freedonia on readmission

Article 1
Definitions
For the purposes of this Agreement, the documents are those set out in Annex I.

Article 2
Escort
1. Escorts are arranged as set out in Annex II.
2. The requesting Party bears the costs referred to in Annex II.

Article 3
Entry into force
This Agreement enters into force on the first day of the second month after signature.

DONE at Brussels on 2 March 2015 in two originals.

ANNEX I
Documents proving nationality
1. a valid passport;
2. an identity card.

Annex II to the Agreement
Article 1
Escort by air
The escorts travel with the person to be readmitted.
Article 2
Costs of escort
1. The costs of escort are borne by the requesting Party.
2. Travel back is paid by the requesting Party.

Joint Declaration on Article 2
The Parties will review the costs of escort every two years.
"""

# Texts that only mention annexes: in running text, and wrapped onto a line of its own.
MENTIONS_ONLY = """Agreement on transit

Article 1
Transit is granted as set out in Annex I and in accordance with Annex II.

Article 2
The forms, as set out in
Annex I
of this Agreement, are used for every request.
"""


def parse(text: str) -> tuple[Unit, ...]:
    return parse_structure([Line(t) for t in text.splitlines()], language="en")


def parse_pages(pages: list[list[str]]) -> tuple[Unit, ...]:
    lines = [Line(text, page=n) for n, page in enumerate(pages, start=1) for text in page]
    return parse_structure(lines, language="nl")


def by_eid(units: tuple[Unit, ...]) -> dict[str, Unit]:
    return {unit.eid: unit for unit in units}


# --------------------------------------------------------------------------- exchange of notes


def test_exchange_of_notes_splits_notes_and_their_annexes() -> None:
    units = parse_pages(EXCHANGE_OF_NOTES)
    assert [u.eid for u in units] == [
        "preamble",
        "note_i",
        "note_i__annex_i",
        "note_i__annex_ii",
        "note_ii",
        "note_ii__annex_i",
    ]
    found = by_eid(units)
    assert [(u.kind, u.number, u.label) for u in units[1:4]] == [
        ("note", "I", "Note I"),
        ("annex", "I", "Annex I"),
        ("annex", "II", "Annex II"),
    ]
    # Headings kept as written; each annex sits under its note and starts on its own page.
    assert found["note_i__annex_i"].heading == "Overeengekomen luchthavens"
    assert found["note_i__annex_ii"].heading == "Kosten van de begeleiding"
    assert found["note_ii__annex_i"].heading == "Aangewezen luchthaven"
    assert found["note_i__annex_ii"].parent == "note_i"
    assert found["note_ii__annex_i"].parent == "note_ii"
    assert (found["note_i"].page_start, found["note_i"].page_end) == (1, 1)
    assert (found["note_i__annex_ii"].page_start, found["note_i__annex_ii"].page_end) == (3, 3)
    assert (found["note_ii"].page_start, found["note_ii__annex_i"].page_end) == (4, 4)
    # Each annex has its own numbered points.
    escort = found["note_i__annex_ii"]
    assert [p.eid for p in escort.paragraphs] == [
        "note_i__annex_ii__para_1",
        "note_i__annex_ii__para_2",
    ]
    assert "verwijderende Staat" in escort.paragraphs[0].text
    # The mention wrapped onto a line of its own ("… vermeld in / Bijlage II / van deze nota")
    # stays in the note's text.
    assert "Bijlage II\nvan deze nota." in found["note_i"].text
    assert found["note_i"].part == "agreement"
    assert found["note_i__annex_i"].part == "annex"


def test_exchange_of_notes_is_covered_and_cited() -> None:
    pages = EXCHANGE_OF_NOTES
    lines = [Line(text, page=n) for n, page in enumerate(pages, start=1) for text in page]
    units = parse_structure(lines, language="nl")
    assert check_coverage(lines, units).complete
    escort = by_eid(units)["note_i__annex_ii"]
    cited = cite_unit(eid=escort.eid, kind=escort.kind, label=escort.label, heading=escort.heading)
    assert cited == "Note I, Annex II — Kosten van de begeleiding"
    assert cite_eid("note_i__annex_ii") == "Note I, Annex II"
    assert cite_eid_short("note_ii__annex_i") == "Note II Annex I"
    assert cite_eid("note_ii") == "Note II"


def test_published_exchange_of_notes_is_split(tmp_path: Path) -> None:
    """The German note of 1983 (Anlage I/II) and the Dutch reply of 1984 (Bijlage I/II)."""
    parsed = parse_document(NOTES_FILE)
    units = by_eid(parsed.units)
    assert list(units) == [
        "preamble",
        "note_i",
        "note_i__annex_i",
        "note_i__annex_ii",
        "note_ii",
        "note_ii__annex_i",
        "note_ii__annex_ii",
        "note_ii__final",
    ]
    assert parsed.lines_not_in_units == 0
    # The Dutch reply quotes the German note with its annexes; its own consent after the
    # quotation closes is not annex text.
    consent = units["note_ii__final"]
    assert consent.text.startswith("De Regering van het Koninkrijk der Nederlanden stemt in")
    assert (consent.kind, consent.part, consent.parent) == ("final", "final", "note_ii")
    assert "stemt in" not in units["note_ii__annex_ii"].text
    assert "Die Abschiebung erfolgt nur mit Maschinen" in units["note_i"].text
    assert "Fernsprechanschluß" in units["note_i__annex_ii"].text
    assert "Fernsprechanschluß" not in units["note_i"].text
    assert "Telexnummer" in units["note_ii__annex_ii"].text
    assert units["note_ii__annex_ii"].heading == (
        "De met de grenscontrole door de politie op de luchthavens belaste instanties"
    )
    # The "##Title" headings of the source (no space after the marks) are read as headings.
    assert units["preamble"].text.splitlines()[-1].startswith("Notawisseling tussen")
    chunks = chunk_document(parsed)
    annex_chunk = next(c for c in chunks if c.eid == "note_i__annex_ii")
    assert annex_chunk.part == "annex"
    assert annex_chunk.text.startswith("Note I, Annex II\n")
    assert not any("warning" in note for note in parsed.notes)


def test_reply_note_quoting_the_first_takes_back_its_closing_text() -> None:
    text = "\n".join(
        [
            "Notawisseling",
            "Nr. I",
            "De Ambassade stelt het volgende voor:",
            "1. Uitwijzing per vliegtuig.",
            "Bijlage",
            "Luchthavens",
            "Schiphol",
            "Nr. II",
            "Het Ministerie antwoordt op de nota, die luidde: „De Ambassade stelt voor:",
            "1. Uitwijzing per vliegtuig.",
            "Bijlage",
            "Luchthavens",
            'Schiphol".',
            "De Regering stemt in met het voorstel.",
        ]
    )
    units = by_eid(parse(text))
    assert list(units) == [
        "preamble",
        "note_i",
        "note_i__annex_1",
        "note_ii",
        "note_ii__annex_1",
        "note_ii__final",
    ]
    assert units["note_ii__annex_1"].text == 'Schiphol".'
    assert units["note_ii__final"].text == "De Regering stemt in met het voorstel."
    assert cite_eid("note_ii__final") == "Note II, Final clauses"


def test_note_without_text_of_its_own_still_holds_its_annex() -> None:
    units = parse("Notawisseling\nNr. I\nBijlage I\nLuchthavens\nSchiphol\nNr. II\nAkkoord.")
    assert [(u.eid, u.parent) for u in units] == [
        ("preamble", None),
        ("note_i", None),
        ("note_i__annex_i", "note_i"),
        ("note_ii", None),
    ]


# --------------------------------------------------------------------------- agreement


def test_agreement_annexes_annex_articles_and_joint_declaration() -> None:
    units = parse(AGREEMENT_WITH_ANNEXES)
    assert [u.eid for u in units] == [
        "preamble",
        "art_1",
        "art_2",
        "art_3",
        "final",
        "annex_i",
        "annex_ii",
        "annex_ii__art_1",
        "annex_ii__art_2",
        "declaration_1",
    ]
    found = by_eid(units)
    assert (found["annex_i"].number, found["annex_i"].heading) == (
        "I",
        "Documents proving nationality",
    )
    annex_ii = found["annex_ii"]
    assert (annex_ii.number, annex_ii.heading) == ("II", "Annex II to the Agreement")
    costs = found["annex_ii__art_2"]
    assert (costs.kind, costs.number, costs.heading) == ("article", "2", "Costs of escort")
    assert (costs.part, costs.parent, costs.instrument) == ("annex", "annex_ii", "agreement")
    assert [p.eid for p in costs.paragraphs] == [
        "annex_ii__art_2__para_1",
        "annex_ii__art_2__para_2",
    ]
    assert found["declaration_1"].heading == "Joint Declaration on Article 2"
    assert found["declaration_1"].kind == "declaration"
    # The agreement's own articles are untouched by the mentions of the annexes.
    assert "set out in Annex II" in found["art_2"].text
    assert cite_unit(eid=costs.eid, kind=costs.kind, label=costs.label, heading=costs.heading) == (
        "Annex II, Article 2 — Costs of escort"
    )
    assert cite_eid_short("annex_ii__art_2") == "Annex II Art. 2"


def test_annex_article_chunks_carry_the_article_number() -> None:
    lines = [Line(t, page=3) for t in AGREEMENT_WITH_ANNEXES.splitlines()]
    units = parse_structure(lines, language="en")
    doc = ParsedDocument(
        meta=DocumentMeta(doc_id="agreement-en", title="Agreement", language="en"),
        units=units,
        content_hash="x",
        source_path="agreement-en.txt",
    )
    chunk = next(c for c in chunk_document(doc) if c.eid == "annex_ii__art_2")
    assert (chunk.part, chunk.article, chunk.page_start) == ("annex", "2", 3)
    assert chunk.text.startswith("Annex II, Article 2 — Costs of escort\n")


# --------------------------------------------------------------------------- false starts


def test_mentions_of_annexes_start_no_unit() -> None:
    units = parse(MENTIONS_ONLY)
    assert [u.eid for u in units] == ["preamble", "art_1", "art_2"]
    assert "Annex I\nof this Agreement" in by_eid(units)["art_2"].text


def test_note_number_before_articles_keeps_the_articles() -> None:
    """A note that holds the agreement's articles ("Nr. I / Artikel 1 …") is read as before:
    the articles are the units, the note number stays in the preamble."""
    text = "\n".join(
        [
            "Notawisseling",
            "Nr. I",
            "Ik heb de eer voor te stellen:",
            "Artikel 1",
            "De Partijen nemen hun onderdanen terug.",
            "Artikel 2",
            "Deze regeling treedt in werking op 1 juli.",
            "Nr. II",
            "Ik heb de eer te bevestigen.",
        ]
    )
    units = parse(text)
    assert [u.eid for u in units] == ["preamble", "art_1", "art_2", "declaration_1"]


def test_annex_words_and_declarations_in_other_languages() -> None:
    text = "\n".join(
        [
            "Acuerdo",
            "Article 1",
            "Las Partes cooperan.",
            "Article 2",
            "El Acuerdo entra en vigor.",
            "Anexo I",
            "Documentos",
            "Pasaporte válido.",
            "Allegato 2",
            "Documenti",
            "Passaporto valido.",
            "Lampiran A",
            "Dokumen",
            "Paspor yang sah.",
            "Déclaration commune",
            "Les Parties se concertent.",
        ]
    )
    units = parse(text)
    assert [(u.eid, u.number, u.heading) for u in units if u.kind != "article"][1:] == [
        ("annex_i", "I", "Documentos"),
        ("annex_2", "2", "Documenti"),
        ("annex_a", "A", "Dokumen"),
        ("declaration_1", None, "Déclaration commune"),
    ]


# --------------------------------------------------------------------------- into the index


def test_notes_and_annexes_are_indexed_and_cited(tmp_path: Path) -> None:
    """Through a real index (the fast hashing embedder): the units, their part and the hit's
    citation path say which note's annex a passage is in."""
    index = hashing_index(tmp_path / "index")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(NOTES_FILE, corpus / NOTES_FILE.name)
    result = CliRunner().invoke(main, ["--index", str(index), "ingest", str(corpus)])
    assert result.exit_code == 0, result.output
    kb = KnowledgeBase(index, model=HashingEmbedder())
    doc_id = NOTES_FILE.stem
    units = {unit.eid: unit for unit in kb.units(doc_id)}
    assert units["note_i__annex_ii"].part == "annex"
    assert units["note_i__annex_ii"].parent == "note_i"
    assert units["note_ii"].label == "Note II"
    hits = kb.search("Grenzschutzstelle Flughafen Fernsprechanschluß", k=10)
    annex_hit = next(hit for hit in hits if hit.eid == "note_i__annex_ii")
    assert (annex_hit.part, annex_hit.article) == ("annex", None)
    assert annex_hit.path == "Note I, Annex II"
