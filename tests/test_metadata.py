"""Catalogue sidecars of the shipped corpus and the sidecar loader."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ingest.metadata import MetadataError, load_meta, sidecar_password
from ingest.types import DOCUMENT_KINDS, INSTRUMENT_TYPES
from tests.harness.corpus import shipped_stems

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
# Policy guides, regulations and four further agreements, added later with their own manifest.
ADDITIONS = json.loads((CORPUS / "manifest-additions.json").read_text(encoding="utf-8"))
# Laws in Chinese, Thai and Vietnamese, added with the region's languages.
ASIA = json.loads((CORPUS / "manifest-asia.json").read_text(encoding="utf-8"))


# Documentation that lives beside the documents, not a document itself.
CORPUS_DOCS = {"SOURCES.md", "README.md"}


def corpus_documents() -> list[Path]:
    """The shipped documents (a file a user added to the folder is not counted)."""
    return sorted(
        path
        for path in CORPUS.iterdir()
        if path.suffix in (".txt", ".pdf", ".md")
        and path.name not in CORPUS_DOCS
        and path.stem in shipped_stems()
    )


def test_every_corpus_document_has_a_sidecar_that_loads() -> None:
    documents = corpus_documents()
    assert len(documents) == len(MANIFEST) + len(ADDITIONS) + len(ASIA)
    listed = {Path(entry["file"]).stem for entry in MANIFEST + ADDITIONS + ASIA}
    assert {path.stem for path in documents} == listed
    for path in documents:
        assert (CORPUS / f"{path.stem}.meta.json").exists(), path
        meta = load_meta(path)
        assert meta.doc_id == path.stem
        assert meta.instrument_type in INSTRUMENT_TYPES
        assert meta.kind in DOCUMENT_KINDS
        sidecar = json.loads((CORPUS / f"{path.stem}.meta.json").read_text("utf-8"))
        assert sidecar["kind"] == meta.kind
        assert meta.year is not None and 1950 <= meta.year <= 2015
        assert meta.title and meta.original_title and meta.licence and meta.source_url
    sidecar_files = {json.loads(p.read_text("utf-8"))["file"] for p in CORPUS.glob("*.meta.json")}
    assert sidecar_files == {path.name for path in documents}


def test_counts_by_language_and_instrument_type() -> None:
    metas = [load_meta(path) for path in corpus_documents()]
    languages = Counter(meta.language for meta in metas)
    assert languages == Counter(entry["language"] for entry in MANIFEST + ADDITIONS + ASIA)
    assert languages == {"nl": 39, "en": 11, "fr": 1, "de": 1, "zh": 3, "th": 1, "vi": 2, "id": 2}
    assert Counter(meta.instrument_type for meta in metas) == {
        "bilateral agreement": 22,
        "implementing protocol": 11,
        "multilateral convention": 9,
        "protocol": 3,
        "constitution": 1,
        "policy guide": 3,
        "regulation": 11,
    }
    assert Counter(meta.kind for meta in metas) == {
        "agreement": 22,
        "implementing protocol": 11,
        "convention": 13,
        "policy guide": 3,
        "regulation": 11,
    }


def test_a_sidecar_kind_must_fit_its_instrument_type(tmp_path: Path) -> None:
    document = tmp_path / "guide-2015-nl.txt"
    document.write_text("Handboek\n\n1\nInleiding\n\nTekst.\n", encoding="utf-8")
    sidecar = {"title": "Handboek", "instrument_type": "policy guide", "kind": "agreement"}
    (tmp_path / "guide-2015-nl.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    with pytest.raises(MetadataError, match="'kind' 'agreement' does not fit"):
        load_meta(document)
    sidecar["kind"] = "policy guide"
    (tmp_path / "guide-2015-nl.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    assert load_meta(document).kind == "policy guide"


def test_kazakhstan_english_text() -> None:
    meta = load_meta(CORPUS / "benelux-kazakhstan-readmission-agreement-2015-en.txt")
    assert meta.year == 2015
    assert meta.date_signed == "2015-03-02"
    assert meta.place_signed == "Brussels"
    assert meta.language == "en"
    assert meta.instrument_type == "bilateral agreement"
    assert {"Kazakhstan", "Belgium"} <= set(meta.parties)
    assert meta.parties == ("Belgium", "Luxembourg", "Netherlands", "Kazakhstan")
    assert meta.official_reference is not None and "BWBV0006473" in meta.official_reference


def test_rendered_pdf_keeps_its_catalogue_entry() -> None:
    meta = load_meta(CORPUS / "benelux-kazakhstan-readmission-agreement-2015-nl.pdf")
    assert meta.language == "nl"
    assert meta.title.startswith("Agreement between the States of the Benelux")
    assert meta.title.endswith("(Dutch text)")


def test_titles_identify_the_agreement_on_their_own() -> None:
    titles = [load_meta(path).title for path in corpus_documents()]
    assert len(set(titles)) == len(titles), "twins differ at least by their language note"
    for title in titles:
        assert not title.lower().startswith("same "), title
        assert len(title) > 30, title


def test_multilateral_instruments_and_party_lists() -> None:
    poland = load_meta(CORPUS / "schengen-states-poland-readmission-1991-nl.txt")
    assert poland.instrument_type == "multilateral convention"
    assert "Poland" in poland.parties and "Germany" in poland.parties
    transit_nl = load_meta(CORPUS / "multilateral-transit-yugoslav-nationals-2000-nl.txt")
    transit_de = load_meta(CORPUS / "multilateral-transit-yugoslav-nationals-2000-de.pdf")
    assert transit_nl.parties == transit_de.parties  # the manifest says "as above"
    assert len(transit_nl.parties) == 9
    assert load_meta(CORPUS / "iom-constitution-en.txt").instrument_type == "constitution"
    assert load_meta(CORPUS / "un-refugee-protocol-1967-en.txt").instrument_type == "protocol"
    refugee = load_meta(CORPUS / "un-refugee-convention-1951-en.txt")
    assert refugee.instrument_type == "multilateral convention"
    assert refugee.parties == ()
    smuggling = load_meta(CORPUS / "un-smuggling-of-migrants-protocol-2000-en.txt")
    assert smuggling.date_signed == "2000-11-15" and smuggling.place_signed is None


def test_sidecar_keeps_raw_signature_and_attribution() -> None:
    raw = json.loads(
        (CORPUS / "benelux-bosnia-implementing-protocol-2013-en.meta.json").read_text("utf-8")
    )
    assert raw["date_signed"] == "2013-12-05"
    assert raw["signed"].startswith("Brussels, 5 December 2013 (the English text says")
    assert raw["attribution"].startswith("Source: wetten.overheid.nl")
    assert raw["source"]["repository"] == "statengeneraal/laws-markdown"
    assert len(raw["source"]["commit"]) == 40


def test_missing_sidecar_falls_back_to_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "benelux-new-readmission-2024-fr.txt"
    path.write_text("Accord entre les Etats du Benelux\n", encoding="utf-8")
    meta = load_meta(path, fallback_title="Accord entre les Etats du Benelux")
    assert (meta.doc_id, meta.title, meta.language) == (
        "benelux-new-readmission-2024-fr",
        "Accord entre les Etats du Benelux",
        "fr",
    )
    untitled = load_meta(tmp_path / "notes.txt")
    assert (untitled.title, untitled.language) == ("notes", "und")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "invalid JSON at line 1"),
        ("[1, 2]", "expected a JSON object"),
        ('{"title": ""}', "missing or empty 'title'"),
        ('{"title": "T", "instrument_type": "treaty"}', "unknown instrument_type 'treaty'"),
        ('{"title": "T", "parties": "Belgium"}', "'parties' must be a list"),
        ('{"title": "T", "date_signed": "2 March 2015"}', "'date_signed' must be YYYY-MM-DD"),
        ('{"title": "T", "year": "2015"}', "'year' must be an integer"),
        ('{"title": "T", "doc_id": "other"}', "does not match the file stem"),
    ],
)
def test_malformed_sidecar_raises_metadata_error(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "doc-en.txt"
    path.write_text("text", encoding="utf-8")
    (tmp_path / "doc-en.meta.json").write_text(content, encoding="utf-8")
    with pytest.raises(MetadataError, match=reason) as raised:
        load_meta(path)
    assert raised.value.path == tmp_path / "doc-en.meta.json"


def test_password_comes_from_the_sidecar_only(tmp_path: Path) -> None:
    path = tmp_path / "locked-en.pdf"
    (tmp_path / "locked-en.meta.json").write_text(
        json.dumps({"title": "Locked agreement", "language": "en", "password": "openpassword"}),
        encoding="utf-8",
    )
    assert sidecar_password(path) == "openpassword"
    meta = load_meta(path)
    assert "openpassword" not in repr(meta)
    assert sidecar_password(CORPUS / "iom-constitution-en.txt") is None
    assert sidecar_password(tmp_path / "no-sidecar.pdf") is None
