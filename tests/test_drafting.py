"""Drafting library: model operations, store, neutral placeholders, word diff (real corpus text)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import pytest

from index.types import Hit
from readmit.drafting import model
from readmit.drafting.diff import render_inline, similarity, word_diff
from readmit.drafting.model import ClauseNotFoundError, DraftError
from readmit.drafting.placeholders import find_state, neutralise
from readmit.drafting.service import DraftingService
from readmit.drafting.skeleton import (
    SECTIONS,
    UnknownSectionError,
    section_keys,
    suggest_section,
)
from readmit.drafting.store import (
    FORMAT_VERSION,
    DraftNotFoundError,
    DraftStore,
    DraftStoreError,
    InvalidDraftIdError,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
KAZ_EN = "benelux-kazakhstan-readmission-agreement-2015-en"
KOSOVO_NL = "benelux-kosovo-readmission-2011-nl"
BOSNIA_NL = "benelux-bosnia-readmission-2006-nl"


def corpus_article(doc_id: str, number: int) -> tuple[str, str]:
    """(heading, body) of the first "Article N"/"Artikel N" of a corpus text file."""
    text = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    pieces = re.split(r"^(?:Article|Artikel) (\d+[a-z]?)\n", text, flags=re.MULTILINE)
    for index in range(1, len(pieces), 2):
        if pieces[index] == str(number):
            heading, _, body = pieces[index + 1].partition("\n")
            return heading.strip(), body.strip()
    raise AssertionError(f"{doc_id} has no article {number}")


def corpus_paragraph(doc_id: str, number: int, paragraph: str) -> str:
    _, body = corpus_article(doc_id, number)
    for block in body.split("\n\n"):
        if block.startswith(f"{paragraph}. "):
            return block.strip()
    raise AssertionError(f"{doc_id} art {number} has no paragraph {paragraph}")


def make_hit(doc_id: str, number: int, *, title: str, language: str) -> Hit:
    heading, body = corpus_article(doc_id, number)
    return Hit(
        rank=1,
        score=0.9,
        chunk_id=number,
        doc_id=doc_id,
        title=title,
        part="agreement",
        article=str(number),
        heading=heading,
        eid=f"art_{number}",
        page_start=None,
        page_end=None,
        language=language,
        text=body,
    )


KAZ_TITLE = "Agreement between the States of the Benelux and the Republic of Kazakhstan"


# --- skeleton -----------------------------------------------------------------------------


def test_skeleton_order_and_descriptions() -> None:
    assert section_keys() == (
        "title-and-preamble",
        "definitions",
        "own-nationals",
        "third-country-nationals",
        "readmission-application",
        "evidence",
        "time-limits",
        "transfer",
        "transit",
        "readmission-in-error",
        "costs",
        "data-protection",
        "non-affection",
        "implementing-protocols",
        "joint-committee",
        "disputes",
        "final-provisions",
    )
    for section in SECTIONS:
        assert section.title and section.description.endswith(".")
        assert section.description.count(". ") == 0  # one sentence


def test_suggest_section_from_real_headings() -> None:
    assert suggest_section(heading=corpus_article(KAZ_EN, 7)[0]) == "time-limits"
    assert suggest_section(heading=corpus_article(KOSOVO_NL, 7)[0]) == "time-limits"
    assert suggest_section(heading=corpus_article(KAZ_EN, 1)[0]) == "definitions"
    assert suggest_section(heading=corpus_article(KAZ_EN, 2)[0]) == "own-nationals"
    assert suggest_section(heading=None, part="preamble") == "title-and-preamble"
    assert suggest_section(heading=None) is None


def test_suggest_section_from_clause_types_or_ask() -> None:
    """The clause type decides; a heading that only says "readmission" does not (the drafter is
    asked rather than led to "Readmission of own nationals")."""
    assert suggest_section(heading="Overnameprocedure", clause_types=("costs",)) == "costs"
    assert suggest_section(heading=None, clause_types=("time-limit-reply",)) == "time-limits"
    assert suggest_section(heading=None, clause_types=("escort", "transit")) == "transfer"
    assert suggest_section(heading="Overnameprocedure") is None
    assert suggest_section(heading="6.2 Terugname en overname") is None
    assert suggest_section(heading="Vertrektermijn") == "time-limits"


def test_guidance_never_becomes_a_draft_article() -> None:
    guide = dataclasses.replace(
        make_hit(KAZ_EN, 7, title="Aliens Regulation 2000", language="nl"), kind="regulation"
    )
    with pytest.raises(model.GuidanceIsNotTreatyTextError, match="guidance note"):
        model.add_clause(model.new_draft("Draft"), section="time-limits", hit=guide)


# --- model --------------------------------------------------------------------------------


def build_draft() -> model.Draft:
    draft = model.new_draft("Model agreement", party_names=("Benelux", "Kazakhstan"))
    draft = model.add_clause(
        draft, section="time-limits", hit=make_hit(KAZ_EN, 7, title=KAZ_TITLE, language="en")
    )
    draft = model.add_clause(
        draft, section="definitions", hit=make_hit(KAZ_EN, 1, title=KAZ_TITLE, language="en")
    )
    draft = model.add_clause(
        draft, section="title-and-preamble", text="Agreement between [Party A] and [Party B]"
    )
    draft = model.add_clause(
        draft, section="time-limits", text="Transfer within one month.", heading="Transfer"
    )
    return draft


def test_add_clause_statuses_and_provenance() -> None:
    draft = build_draft()
    from_hit, definitions, preamble, typed = draft.clauses
    assert from_hit.status == "verbatim" and not from_hit.is_edited
    assert from_hit.heading == "Time limits"
    assert "21 calendar days" in from_hit.text
    assert from_hit.provenance is not None
    assert from_hit.provenance.doc_id == KAZ_EN and from_hit.provenance.eid == "art_7"
    assert from_hit.provenance.citation == "Article 7 (art_7)"
    assert typed.status == "drafted" and typed.provenance is None
    assert len({c.clause_id for c in draft.clauses}) == 4
    assert all(re.fullmatch(r"[0-9a-f]{32}", c.clause_id) for c in draft.clauses)

    with pytest.raises(DraftError):
        model.add_clause(draft, section="time-limits")
    with pytest.raises(UnknownSectionError):
        model.add_clause(draft, section="nonsense", text="x")


def test_operations_return_new_drafts_and_never_mutate() -> None:
    draft = build_draft()
    clause_id = draft.clauses[0].clause_id
    edited = model.update_clause_text(draft, clause_id, draft.clauses[0].text.replace("21", "30"))
    assert draft.clauses[0].status == "verbatim"  # the input is untouched
    assert edited.clause(clause_id).status == "edited"
    assert edited.updated_at >= draft.updated_at
    assert model.revert_clause(edited, clause_id).clause(clause_id).status == "verbatim"

    noted = model.set_note(edited, clause_id, "Consider 30 days as in older treaties.")
    assert noted.clause(clause_id).note.startswith("Consider")
    assert model.set_heading(noted, clause_id, "Deadlines").clause(clause_id).heading == "Deadlines"

    removed = model.remove_clause(noted, clause_id)
    assert len(removed.clauses) == 3 and len(noted.clauses) == 4
    with pytest.raises(ClauseNotFoundError):
        model.remove_clause(removed, clause_id)
    with pytest.raises(ClauseNotFoundError):
        model.update_clause_text(removed, "0" * 32, "x")


def test_ordering_moves_and_numbering() -> None:
    draft = build_draft()
    hit_clause, definitions, preamble, typed = draft.clauses
    ordered = model.ordered_clauses(draft)
    assert [c.clause_id for c in ordered] == [
        preamble.clause_id,
        definitions.clause_id,
        hit_clause.clause_id,
        typed.clause_id,
    ]
    numbering = model.article_numbering(draft)
    assert [(n, c.clause_id) for n, c in numbering] == [
        (None, preamble.clause_id),
        (1, definitions.clause_id),
        (2, hit_clause.clause_id),
        (3, typed.clause_id),
    ]

    moved = model.move_clause(draft, typed.clause_id, -1)  # up within "time-limits"
    assert [c.clause_id for c in model.ordered_clauses(moved)][2:] == [
        typed.clause_id,
        hit_clause.clause_id,
    ]
    # already first of its section: unchanged, not an error
    assert model.move_clause(moved, typed.clause_id, -1).clauses == moved.clauses
    assert model.move_clause(draft, definitions.clause_id, +1).clauses == draft.clauses
    with pytest.raises(DraftError):
        model.move_clause(draft, typed.clause_id, 2)

    relocated = model.move_to_section(draft, hit_clause.clause_id, "final-provisions")
    assert model.ordered_clauses(relocated)[-1].clause_id == hit_clause.clause_id
    assert relocated.clause(hit_clause.clause_id).section == "final-provisions"
    assert model.article_numbering(relocated)[-1][0] == 3


def test_duplicate_gets_new_ids() -> None:
    draft = build_draft()
    copy = model.duplicate(draft, "Variant with 30 days")
    assert copy.draft_id != draft.draft_id and copy.title == "Variant with 30 days"
    assert [c.text for c in copy.clauses] == [c.text for c in draft.clauses]
    assert not {c.clause_id for c in copy.clauses} & {c.clause_id for c in draft.clauses}
    with pytest.raises(DraftError):
        model.duplicate(draft, "   ")


# --- store --------------------------------------------------------------------------------


def test_store_round_trip_and_listing(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    draft = build_draft()
    draft = model.set_note(draft, draft.clauses[0].clause_id, "note ✓ «quoted»")
    store.save(draft)
    path = Path(store.where(draft.draft_id))
    assert path == tmp_path / f"{draft.draft_id}.json"
    assert json.loads(path.read_text(encoding="utf-8"))["format_version"] == FORMAT_VERSION
    assert store.load(draft.draft_id) == draft

    second = store.create("Second draft")
    listing = store.list()
    assert [s.draft_id for s in listing] == [second.draft_id, draft.draft_id]  # newest first
    assert listing.drafts[1].clause_count == 4 and listing.errors == ()

    copy = store.duplicate(draft.draft_id, "Copy")
    assert store.load(copy.draft_id).title == "Copy"
    store.delete(second.draft_id)
    with pytest.raises(DraftNotFoundError):
        store.load(second.draft_id)
    assert {s.draft_id for s in store.list()} == {draft.draft_id, copy.draft_id}


def test_store_reports_corrupt_files_and_keeps_listing(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    good = store.create("Good draft")
    (tmp_path / "brokenjson.json").write_text('{"format_version": 1, "title": ', encoding="utf-8")
    wrong = dict(json.loads(Path(store.where(good.draft_id)).read_text(encoding="utf-8")))
    wrong["draft_id"] = "wrongschema"
    wrong["clauses"] = [{"clause_id": "x", "section": "no-such-section"}]
    (tmp_path / "wrongschema.json").write_text(json.dumps(wrong), encoding="utf-8")

    listing = store.list()
    assert [s.draft_id for s in listing] == [good.draft_id]
    reasons = {Path(e.path).name: e.reason for e in listing.errors}
    assert reasons["brokenjson.json"].startswith("corrupt JSON")
    assert "no-such-section" in reasons["wrongschema.json"]
    with pytest.raises(DraftStoreError, match="corrupt JSON"):
        store.load("brokenjson")


@pytest.mark.parametrize("bad_id", ["../etc/passwd", "a/b", "..", ".hidden", "x" * 65, ""])
def test_store_rejects_path_traversal(tmp_path: Path, bad_id: str) -> None:
    store = DraftStore(tmp_path / "drafts")
    with pytest.raises(InvalidDraftIdError):
        store.load(bad_id)
    with pytest.raises(InvalidDraftIdError):
        store.delete(bad_id)


def test_store_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = DraftStore(tmp_path)
    draft = build_draft()
    store.save(draft)
    path = Path(store.where(draft.draft_id))
    before = path.read_bytes()

    # Serialisation fails mid-way: the last clause's note is not JSON-serialisable, so the
    # temporary file already holds a partial document when json.dump raises.
    last = draft.clauses[-1]
    broken_clause = dataclasses.replace(last, note=object())  # type: ignore[arg-type]
    broken = dataclasses.replace(draft, clauses=(*draft.clauses[:-1], broken_clause))
    with pytest.raises(DraftStoreError, match="could not save"):
        store.save(broken)
    assert path.read_bytes() == before
    # No temp file left (.history holds the store's version log and lock files).
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".history") == [path.name]

    # The rename itself fails (e.g. disk error): the old file is still intact.
    def failing_replace(src: object, dst: object) -> None:
        raise OSError("simulated failure")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(DraftStoreError, match="simulated failure"):
        store.save(model.rename(draft, "Renamed"))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert store.load(draft.draft_id).title == "Model agreement"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".history") == [path.name]


def test_service_by_draft_id(tmp_path: Path) -> None:
    service = DraftingService(DraftStore(tmp_path))
    draft = service.create("Service draft", party_names=("Benelux", "Kazakhstan"))
    draft, clause = service.add_hit(
        draft.draft_id,
        section="definitions",
        hit=make_hit(KAZ_EN, 1, title=KAZ_TITLE, language="en"),
        official_reference="Trb. 2015, 60",
    )
    assert clause.provenance is not None
    assert clause.provenance.official_reference == "Trb. 2015, 60"
    draft = service.neutralise_clause(draft.draft_id, clause.clause_id)
    stored = service.get(draft.draft_id).clause(clause.clause_id)
    assert "Kazakhstan" not in stored.text and "[Party B]" in stored.text
    assert stored.status == "edited"
    kinds = {s.kind for s in service.diff_with_original(draft.draft_id, clause.clause_id)}
    assert kinds == {"equal", "delete", "insert"}
    draft, typed = service.add_text(draft.draft_id, section="costs", text="Costs are borne.")
    service.move(draft.draft_id, typed.clause_id, -1)
    service.remove(draft.draft_id, typed.clause_id)
    assert len(service.get(draft.draft_id).clauses) == 1
    assert "[Party B]" in service.export_markdown(draft.draft_id)


# --- neutral placeholders -----------------------------------------------------------------


def kaz_en_text() -> str:
    return (CORPUS / f"{KAZ_EN}.txt").read_text(encoding="utf-8")


def test_neutralise_english_title_and_preamble() -> None:
    title = kaz_en_text().split("\n", 1)[0]
    assert neutralise(title) == "Agreement between [Party A] and [Party B] on readmission"
    preamble = kaz_en_text().split("\n\n")[1]
    result = neutralise(preamble)
    assert result.startswith(
        "[Party A], acting jointly by virtue of the provisions of the Benelux Convention "
        "concluded on 11 April 1960 ([Party A]) and [Party B] hereinafter referred to as "
        "“the Parties”"
    )
    for name in ("Kazakhstan", "Belgium", "Netherlands", "Luxembourg"):
        assert name not in result


def test_neutralise_definitions_keeps_roles() -> None:
    _, body = corpus_article(KAZ_EN, 1)
    result = neutralise(body)
    own_national = (
        "3. “Own national”: anyone who has the nationality of [Party B] or of one of [Party A];"
    )
    assert own_national in result
    assert "− for [Party B]: the territory of [Party B];" in result
    assert "− for [Party A]: the combined territory in Europe of [Party A];" in result
    # procedural roles untouched
    assert "6. “Requesting Party”: the Party on the territory of which" in result
    assert "the competent authority of the requesting Party" in result
    assert "Kazakhstan" not in result and "Benelux" not in result


def test_neutralise_styles_and_party_names() -> None:
    sentence = "− for the Republic of Kazakhstan: the territory of the Republic of Kazakhstan;"
    assert neutralise(sentence) == "− for [Party B]: the territory of [Party B];"
    assert neutralise(sentence, style="letters") == "− for [Party A]: the territory of [Party A];"
    assert neutralise(sentence, party_names=["Kazakhstan", "Benelux"]) == (
        "− for [Party A]: the territory of [Party A];"
    )
    # only the listed parties are replaced
    assert neutralise("the Republic of Kazakhstan and Romania", party_names=["Kazakhstan"]) == (
        "[Party A] and Romania"
    )
    # a party the built-in list does not know is replaced literally
    ruritania = neutralise(
        "the Principality of Ruritania shall", party_names=["Principality of Ruritania"]
    )
    assert ruritania == "the [Party A] shall"
    assert find_state("Koninkrijk der Nederlanden") is not None
    with pytest.raises(ValueError):
        neutralise(sentence, style="numbers")  # type: ignore[arg-type]


def test_neutralise_language_names_are_not_parties() -> None:
    done = next(p for p in kaz_en_text().split("\n\n") if "Kazakh languages" in p)
    assert neutralise(done) == done
    nl = (CORPUS / f"{KOSOVO_NL}.txt").read_text(encoding="utf-8")
    gedaan = next(p for p in nl.split("\n\n") if p.startswith("GEDAAN te Brussel"))
    assert "Nederlandse" in gedaan
    assert neutralise(gedaan) == gedaan


def test_neutralise_dutch() -> None:
    nl = (CORPUS / f"{KOSOVO_NL}.txt").read_text(encoding="utf-8")
    assert neutralise(nl.split("\n", 1)[0]) == (
        "Overeenkomst tussen [Party A] en [Party B] betreffende de terug- en overname van "
        "onregelmatig binnengekomen en/of verblijvende personen (terug- en overnameovereenkomst)"
    )
    preamble = neutralise(nl.split("\n\n")[1], style="letters")
    assert preamble.startswith(
        "[Party A], die krachtens de bepalingen van de op 11 april 1960 gesloten "
        "Benelux-Overeenkomst gemeenschappelijk optreden ([Party A]), en [Party B], hierna "
        "genoemd „de Partijen”"
    )
    assert "van [Party A]-onderdanen of [Party B] staatsburgers" in preamble
    assert "Kosovo" not in preamble and "Koninkrijk" not in preamble
    slovakia = (CORPUS / "benelux-slovakia-readmission-2002-nl.txt").read_text(encoding="utf-8")
    assert "de [Party A] autoriteiten" in neutralise(slovakia)


# These documents are shipped as PDFs (corpus/<doc_id>.pdf); the sentences are quoted verbatim
# here so the test does not depend on PDF extraction (which only ingest/ may do).
SWITZERLAND_NL_DEFINITION = (  # benelux-switzerland-readmission-2003-nl, article 1(1)
    "(1) de Benelux: het gezamenlijke grondgebied in Europa van het Koninkrijk België, van het "
    "Groothertogdom Luxemburg en van het Koninkrijk der Nederlanden;"
)
FRANCE_FR_TITLE = (  # benelux-france-border-takeover-1964-fr, title
    "Arrangement entre les Gouvernements du Royaume des Pays-Bas, du Royaume de Belgique et du "
    "Grand-Duché de Luxembourg, d'une part, et le Gouvernement de la République Française, "
    "d'autre part, concernant la prise en charge de personnes aux frontières communes entre le "
    "territoire des Etats du Benelux et la France"
)
YUGOSLAV_TRANSIT_DE_PREAMBLE = (  # multilateral-transit-yugoslav-nationals-2000-de, preamble
    "Die Regierung der Republik Albanien, der Ministerrat von Bosnien und Herzogowina, die "
    "Regierung der Bundesrepublik Deutschland, die Regierung der Italienischen Republik, die "
    "Regierung der Republik Kroatien, die Österreichische Bundesregierung, die Schweizerische "
    "Bundesrat, die Regierung der Republik Slowenien die Regierung der Republik Ungarn haben "
    "Folgendes vereinbart:"
)


def test_neutralise_swiss_french_german() -> None:
    assert neutralise(SWITZERLAND_NL_DEFINITION) == (
        "(1) [Party A]: het gezamenlijke grondgebied in Europa van [Party A];"
    )
    assert (
        neutralise("de Zwitserse Bondsstaat en de aangezochte Overeenkomstsluitende Partij")
        == "[Party B] en de aangezochte Overeenkomstsluitende Partij"
    )
    assert neutralise(FRANCE_FR_TITLE, style="letters") == (
        "Arrangement entre les Gouvernements du [Party A], d'une part, et le Gouvernement de "
        "[Party B], d'autre part, concernant la prise en charge de personnes aux frontières "
        "communes entre le territoire des [Party A] et [Party B]"
    )
    result = neutralise(YUGOSLAV_TRANSIT_DE_PREAMBLE, style="letters")
    assert result.startswith(
        "Die Regierung der [Party A], der Ministerrat von [Party B], die Regierung der [Party C]"
    )
    assert "die [Party E] Bundesregierung, die [Party F], die Regierung der [Party G]" in result
    for name in ("Albanien", "Bosnien", "Deutschland", "Kroatien", "Ungarn", "Slowenien"):
        assert name not in result


# --- word diff ----------------------------------------------------------------------------


def test_word_diff_on_real_time_limits() -> None:
    kosovo = corpus_paragraph(KOSOVO_NL, 7, "3")
    bosnia = corpus_paragraph(BOSNIA_NL, 7, "3")
    segments = word_diff(kosovo, bosnia)
    assert "".join(s.text for s in segments if s.kind != "delete") == bosnia
    assert "".join(s.text for s in segments if s.kind != "insert") == kosovo
    deleted = " ".join(s.text for s in segments if s.kind == "delete")
    inserted = " ".join(s.text for s in segments if s.kind == "insert")
    assert "28 kalenderdagen" in deleted and "één maand" in inserted
    assert render_inline(segments).startswith(
        "3. Een verzoek om terug- of overname moet onverwijld en in elk geval uiterlijk binnen "
        "een termijn van [-28 kalenderdagen-] {+één maand+} worden beantwoord"
    )
    assert 0.8 < similarity(kosovo, bosnia) < 1.0
    same = word_diff(kosovo, kosovo)
    assert len(same) == 1 and same[0].kind == "equal" and same[0].text == kosovo


def test_word_diff_ignores_rewrapping_only() -> None:
    a = "within 21 calendar days at the latest"
    b = "within 21 calendar\ndays at the latest"
    segments = word_diff(a, b)
    assert all(s.kind == "equal" or not s.text.strip() for s in segments)
    assert "".join(s.text for s in segments if s.kind != "delete") == b
    assert render_inline(segments) == b
    assert word_diff("", "new text") == (word_diff("", "new text")[0],)
    assert word_diff("", "new text")[0].kind == "insert"
