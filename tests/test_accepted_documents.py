"""Lists of accepted documents (proof / prima facie evidence): pure item extraction, the
service function on a small real index, and `readmit documents --csv`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from index.embedders import HashingEmbedder
from index.types import UnitRecord
from ingest.document_lists import clean_item, enumerated_items, enumerated_lists, list_kind
from ingest.types import Paragraph, Point
from readmit.clauses.accepted_documents import AcceptedDocumentList, accepted_documents
from readmit.cli import main
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents
from tests.harness.models import hashing_index

KAZAKHSTAN = "benelux-kazakhstan-readmission-agreement-2015-en"
CROATIA = "benelux-croatia-readmission-1999-nl"  # "Aanhangsel I/II": items numbered as paragraphs
ARMENIA = "benelux-armenia-readmission-2009-nl"  # "– " dashed items under Article 4
DOCS = [KAZAKHSTAN, CROATIA, ARMENIA]


# ---- pure logic ---------------------------------------------------------------------------------


def test_enumerated_items_from_points_cleans_numbering_and_conjunctions() -> None:
    paragraph = Paragraph(
        eid="art_5__para_1",
        number="1",
        text="1. Nationality can be proved by:\n1. a valid passport;\n2. an identity card, or\n"
        "3. a seaman's book. When such documents are presented, nothing more is needed.",
        points=(
            Point("art_5__para_1__point_1", "1.", "1. a valid passport;"),
            Point("art_5__para_1__point_2", "2.", "2. an identity card, or"),
            Point(
                "art_5__para_1__point_3",
                "3.",
                "3. a seaman's book. When such documents are presented, nothing more is needed.",
            ),
        ),
    )
    assert enumerated_items(paragraph) == (
        "a valid passport",
        "an identity card",
        "a seaman's book",
    )


def test_enumerated_items_from_marker_lines_without_points() -> None:
    paragraph = Paragraph(
        eid="art_4__para_2",
        number="2",
        text="2. De nationaliteit kan aannemelijk worden gemaakt aan de hand van:\n"
        "– een rijbewijs;\n• een zeemansboekje\nafgegeven door de autoriteiten, en\n"
        "a) een verklaring van de betrokkene.",
    )
    assert enumerated_items(paragraph) == (
        "een rijbewijs",
        "een zeemansboekje afgegeven door de autoriteiten",
        "een verklaring van de betrokkene",
    )
    plain = Paragraph(eid="art_1__para_1", number="1", text="1. No list here at all.")
    assert enumerated_items(plain) == ()


def test_clean_item_and_list_kind() -> None:
    assert clean_item("(b) une carte d'identité ; ou") == "une carte d'identité"
    assert clean_item("4. einen Reisepass; oder") == "einen Reisepass"
    assert list_kind("Prima facie evidence of nationality can be furnished by") == "prima facie"
    assert list_kind("Het begin van bewijs van de nationaliteit kan worden geleverd") == (
        "prima facie"
    )
    assert list_kind("Die Staatsangehörigkeit kann glaubhaft gemacht werden durch") == (
        "prima facie"
    )
    assert list_kind("La nationalité peut être prouvée au moyen de") == "proof"
    assert list_kind("De nationaliteit kan worden vastgesteld aan de hand van") == "proof"
    assert list_kind("Het verzoek bevat:") is None


def test_items_numbered_as_paragraphs_and_glued_lead_in() -> None:
    """The older annexes: the lead-in is its own paragraph, every item a numbered paragraph,
    and the next lead-in is glued to the last item by the text extraction."""
    unit = UnitRecord(
        doc_id="x",
        eid="annex_i",
        kind="annex",
        part="annex",
        number="I",
        heading=None,
        text="",
        order=1,
        page_start=None,
        page_end=None,
        instrument="agreement",
        paragraphs=(
            Paragraph("annex_i__subpara_1", None, "De nationaliteit kan worden aangetoond met:"),
            Paragraph("annex_i__para_1", "1", "1. een paspoort, of"),
            Paragraph(
                "annex_i__para_2",
                "2",
                "2. een identiteitskaart.Zij kan worden verondersteld aan de hand van:",
            ),
            Paragraph("annex_i__para_1__2", "1", "1. een rijbewijs;"),
            Paragraph("annex_i__para_2__2", "2", "2. een verklaring van de betrokkene."),
        ),
    )
    lists = [(found.lead_in, found.items) for found in enumerated_lists(unit.paragraphs)]
    assert lists == [
        ("De nationaliteit kan worden aangetoond met:", ("een paspoort", "een identiteitskaart")),
        (
            "Zij kan worden verondersteld aan de hand van:",
            ("een rijbewijs", "een verklaring van de betrokkene"),
        ),
    ]


# ---- on a real index ----------------------------------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("accepted-documents")
    corpus = copy_documents(root / "corpus", DOCS)
    path = str(hashing_index(root / "index"))
    result = run("--index", path, "ingest", str(corpus))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def lists(index: str) -> list[AcceptedDocumentList]:
    return accepted_documents(KnowledgeBase(Path(index), model=HashingEmbedder()))


def _one(
    lists: list[AcceptedDocumentList], doc_id: str, eid: str, kind: str
) -> AcceptedDocumentList:
    found = [x for x in lists if x.doc_id == doc_id and x.eid == eid and x.kind == kind]
    assert len(found) == 1, [(x.eid, x.kind, x.lead_in) for x in lists if x.doc_id == doc_id]
    return found[0]


def test_kazakhstan_article_5_proof_and_prima_facie(lists: list[AcceptedDocumentList]) -> None:
    proof = _one(lists, KAZAKHSTAN, "art_5", "proof")
    assert proof.slot == "proof-of-nationality"
    assert proof.label == "Article 5" and proof.language == "en"
    assert proof.items[:2] == (
        "a valid passport or passport-replacing travel document with photo (laissez-passer)",
        "a valid national identity card",
    )
    assert len(proof.items) == 6
    # the closing sentence of the last point is not part of the item
    assert proof.items[-1] == (
        "a document, as described above, which is no longer valid on the date on which the "
        "request for readmission is sent"
    )
    prima_facie = _one(lists, KAZAKHSTAN, "art_5", "prima facie")
    assert "a reliable witness statement" in prima_facie.items
    assert prima_facie.items[-1] == "the statement made by the person himself"
    assert len(prima_facie.items) == 7
    assert prima_facie.lead_in.startswith("Prima facie evidence of nationality")


def test_kazakhstan_article_6_third_country_evidence(lists: list[AcceptedDocumentList]) -> None:
    proof = _one(lists, KAZAKHSTAN, "art_6", "proof")
    assert proof.slot == "evidence-third-country"
    assert proof.items[0] == "valid visas or residence permits issued by the requested Party"
    assert len(proof.items) == 6
    prima_facie = _one(lists, KAZAKHSTAN, "art_6", "prima facie")
    assert "a witness statement made by a travelling companion" in prima_facie.items
    assert len(prima_facie.items) == 10
    # Article 5 paragraph 3 (a presumption, but no list) and the forms give no list
    assert {x.eid for x in lists if x.doc_id == KAZAKHSTAN} == {"art_5", "art_6"}


def test_dutch_annex_and_article_lists(lists: list[AcceptedDocumentList]) -> None:
    croatian = [x for x in lists if x.doc_id == CROATIA and x.eid == "annex_i"]
    assert [(x.kind, x.items) for x in croatian] == [
        ("proof", ("een nationaliteitsbewijs", "een paspoort", "een identiteitskaart")),
        (
            "prima facie",
            (
                "een nationaliteitsbewijs, een paspoort of een identiteitskaart, waarvan de "
                "geldigheidsduur is verstreken",
                "een zeemansboekje afgegeven door de Kroatische autoriteiten",
                "een getuigenverklaring van een Kroatische onderdaan",
                "een verklaring van de betrokken persoon",
            ),
        ),
    ]
    luxembourg = [
        x for x in lists if x.doc_id == CROATIA and x.lead_in.startswith("De Luxemburgse")
    ]
    assert len(luxembourg) == 1 and luxembourg[0].kind == "proof"
    assert luxembourg[0].items[0] == "een paspoort"
    armenian = [x for x in lists if x.doc_id == ARMENIA and x.eid == "art_4"]
    assert [x.kind for x in armenian] == ["proof", "prima facie", "prima facie"]
    assert "een geldig nationaal identiteitsbewijs" in armenian[0].items
    assert "een betrouwbare getuigenverklaring" in " ".join(armenian[2].items)
    # "Het verzoek bevat: – naam en adres ..." (the request's contents) is not a document list
    assert all(x.eid != "protocol__art_1" for x in lists if x.doc_id == ARMENIA)


def test_documents_command_writes_csv(index: str, tmp_path: Path) -> None:
    target = tmp_path / "documents.csv"
    result = run("--index", index, "documents", "--csv", str(target))
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["doc_id", "eid", "article", "kind", "item"]
    found = {(r["doc_id"], r["article"], r["kind"], r["item"]) for r in rows}
    assert (KAZAKHSTAN, "Article 5", "proof", "a valid national identity card") in found
    assert (KAZAKHSTAN, "Article 5", "prima facie", "a reliable witness statement") in found
    assert (
        KAZAKHSTAN,
        "Article 6",
        "prima facie",
        "a witness statement made by a travelling companion",
    ) in found
    assert (CROATIA, "Annex I", "proof", "een nationaliteitsbewijs") in found
    assert len([r for r in rows if r["doc_id"] == KAZAKHSTAN]) == 6 + 7 + 6 + 10
