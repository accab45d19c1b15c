"""A document without sidecar: its language is detected and the maintainer is told what
structure was found (a warning when no article was), in the report, the CLI and the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.language import detect_language
from ingest.pipeline import parse_document
from readmit.cli import main
from readmit.service import KnowledgeBase
from tests.harness.models import hashing_index

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

POLICY_NOTE = (
    "Deze nota beschrijft hoe de dienst de terugkeer van vreemdelingen zonder verblijfsrecht "
    "organiseert. De medewerkers nemen contact op met de autoriteiten van het land van herkomst "
    "en vragen om een reisdocument. Wanneer het land niet antwoordt, wordt de zaak na een maand "
    "opnieuw bekeken. Het is de bedoeling dat de betrokkene zo snel mogelijk vertrekt en dat de "
    "kosten van de reis door de staat worden gedragen.\n"
)


@pytest.mark.parametrize(
    "doc_id",
    [
        "benelux-kazakhstan-readmission-agreement-2015-en",
        "benelux-bulgaria-readmission-1998-nl",
        "benelux-france-border-takeover-1964-nl",
        "un-refugee-convention-1951-en",
    ],
)
def test_detects_the_language_of_corpus_texts(doc_id: str) -> None:
    text = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    assert detect_language(text) == doc_id.rsplit("-", 1)[1]


def test_too_little_or_unclear_text_stays_undetermined() -> None:
    assert detect_language("Lorem ipsum dolor sit amet") == "und"
    assert detect_language(" ".join(str(n) for n in range(500))) == "und"


def test_a_document_without_sidecar_or_articles(tmp_path: Path) -> None:
    path = tmp_path / "policy-note.txt"  # no "-nl" suffix, no sidecar
    path.write_text(POLICY_NOTE, encoding="utf-8")
    document = parse_document(path)
    assert document.meta.language == "nl"
    assert "language detected from the text: nl (no sidecar gives it)" in document.notes
    assert any(note.startswith("warning: no articles recognised") for note in document.notes)

    agreement = parse_document(CORPUS / "benelux-kazakhstan-readmission-agreement-2015-en.txt")
    assert agreement.notes == ()  # a sidecar gives the language; articles were found

    kb = KnowledgeBase(hashing_index(tmp_path / "index"))
    report = kb.ingest([tmp_path])
    assert report.indexed == (str(path),)
    assert [note for _, note in report.notes] == list(document.notes)
    stored = kb.document("policy-note")
    assert stored is not None and stored.language == "nl"

    result = CliRunner().invoke(
        main, ["--index", str(hashing_index(tmp_path / "index2")), "ingest", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "policy-note.txt: warning: no articles recognised" in result.stderr
    assert "policy-note.txt: language detected from the text: nl" in result.stderr
