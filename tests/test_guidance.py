"""Guidance as a first-class source: document kinds on hits and as a filter, grouped search,
the section tree of a guide, the clause type ↔ guide section link, time limits marked as
guidance, the per-document ingest report, and vector reuse on re-ingest.

The search tests use the real E5 model on the whole corpus (`corpus_index`); the ingest-report
and reuse tests use a small corpus with the fast hashing embedder (storage logic only).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.embedders import HashingEmbedder
from index.types import SearchFilters
from readmit.clauses import precedent_matrix, time_limit_table
from readmit.cli import main
from readmit.facade import LOCAL_MAINTAINER, Services, open_readmit
from readmit.guidance import guidance_by_slot, section_neighbours, table_of_contents
from readmit.service import KnowledgeBase
from readmit.settings import load_settings
from tests.harness.corpus import copy_documents

A3 = "vc2000-a3-departure-and-removal-2015-nl"
VV = "vv2000-ch6-departure-removal-2015-nl"
VB = "vb2000-ch6-departure-removal-transfer-2015-nl"
DEPARTURE_QUESTION = "how long does the person get to leave voluntarily?"


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


# ---- small corpus, hashing embedder (storage and report logic) -------------------------------


@pytest.fixture
def small_kb(tmp_path: Path) -> tuple[KnowledgeBase, Path]:
    corpus = copy_documents(tmp_path / "corpus", [A3, VV, "benelux-kosovo-readmission-2011-nl"])
    return KnowledgeBase(tmp_path / "index", model=HashingEmbedder(dimension=64)), corpus


def test_ingest_reports_units_top_level_eids_and_no_lost_lines(
    small_kb: tuple[KnowledgeBase, Path],
) -> None:
    kb, corpus = small_kb
    report = kb.ingest([corpus])
    assert report.ok
    by_doc = {s.doc_id: s for s in report.structures}
    guide = by_doc[A3]
    assert guide.top_level_eids == ("preamble", "chp_a3")
    assert guide.units == 45 and guide.lines_not_in_units == 0
    assert guide.running_lines_removed == 0  # plain text: nothing to remove
    assert by_doc[VV].top_level_eids == ("preamble", "chp_6")
    assert all(s.lines_not_in_units == 0 for s in report.structures)
    # The section tree is stored: parent eIds come back from the index.
    units = kb.collection.list_units(A3)
    assert {u.eid: u.parent for u in units}["sec_7.1.5"] == "sec_7.1"


def test_re_ingest_reuses_the_vectors_of_unchanged_chunks(
    small_kb: tuple[KnowledgeBase, Path],
) -> None:
    kb, corpus = small_kb
    first = kb.ingest([corpus])
    assert first.chunks_embedded > 0
    # The same text under a changed sidecar: re-indexed, but every chunk keeps its vector.
    sidecar = corpus / f"{VV}.meta.json"
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    meta["notes"] = "edited"
    sidecar.write_text(json.dumps(meta), encoding="utf-8")
    second = kb.ingest([corpus])
    assert [Path(p).stem for p in second.indexed] == [VV]
    assert second.chunks_embedded == 0
    # A changed text embeds only the chunks whose text changed.
    text = corpus / f"{VV}.txt"
    text.write_text(
        text.read_text(encoding="utf-8").replace("maximaal 90 dagen", "maximaal 60 dagen"),
        encoding="utf-8",
    )
    third = kb.ingest([corpus])
    assert third.chunks_embedded == 1


def test_table_of_contents_and_neighbours_of_a_guide(
    small_kb: tuple[KnowledgeBase, Path],
) -> None:
    kb, corpus = small_kb
    kb.ingest([corpus])
    units = kb.collection.list_units(A3)
    toc = {entry.eid: entry for entry in table_of_contents(units)}
    assert toc["chp_a3"].depth == 0
    assert toc["sec_4"].depth == 1 and toc["sec_4.5"].depth == 2 and toc["sec_7.1.5"].depth == 3
    assert toc["sec_4.5"].label == "4.5 Gebruik van een EU-staat"
    previous, following, parent = section_neighbours(units, "sec_4.5")
    assert previous is not None and previous.eid == "sec_4.4"
    assert following is not None and following.eid == "sec_4.6"
    assert parent is not None and parent.eid == "sec_4"
    # A container without text of its own is skipped when stepping through the guide.
    regulation = kb.collection.list_units(VV)
    _, first_article, _ = section_neighbours(regulation, "preamble")
    assert first_article is not None and first_article.eid == "art_6.1"


# ---- whole corpus, real E5 model -------------------------------------------------------------


@pytest.mark.slow
def test_english_question_finds_the_dutch_departure_period_section(corpus_index: Path) -> None:
    out = run("--index", str(corpus_index), "search", DEPARTURE_QUESTION, "--grouped", "--json")
    payload = json.loads(out)
    guidance = [(h["doc_id"], h["eid"]) for h in payload["guidance"]]
    assert (A3, "sec_3") in guidance[:3], guidance
    assert all(h["kind"] in ("policy guide", "regulation") for h in payload["guidance"])
    assert all(h["kind"] not in ("policy guide", "regulation") for h in payload["precedents"])
    section = next(h for h in payload["guidance"] if h["eid"] == "sec_3")
    assert section["path"] == "A3 › 3 Vertrektermijnen"
    assert section["text"].startswith(section["path"] + "\n")
    # One ranked list over all documents finds it too.
    hits = json.loads(run("--index", str(corpus_index), "search", DEPARTURE_QUESTION, "--json"))
    assert (A3, "sec_3") in [(h["doc_id"], h["eid"]) for h in hits["hits"]]


@pytest.mark.slow
def test_kind_filter_applies_inside_retrieval(corpus_index: Path) -> None:
    kb = KnowledgeBase(corpus_index)
    hits = kb.search("costs of removal", k=10, filters=SearchFilters(kinds=("regulation",)))
    assert len(hits) == 10
    assert {h.kind for h in hits} == {"regulation"}
    settings = load_settings(index_dir=corpus_index)
    app = open_readmit(settings, LOCAL_MAINTAINER, services=Services(settings, kb=kb))
    grouped = app.search_grouped("costs of removal", k=5, guidance_k=3)
    assert len(grouped.precedents) == 5 and len(grouped.guidance) == 3
    only_guides = app.search_grouped(
        "costs of removal", k=5, filters=SearchFilters(kinds=("policy guide",))
    )
    assert only_guides.precedents == () and {h.kind for h in only_guides.guidance} == {
        "policy guide"
    }


@pytest.mark.slow
def test_guides_are_not_precedents_but_their_time_limits_are_listed(corpus_index: Path) -> None:
    kb = KnowledgeBase(corpus_index)
    matrix = precedent_matrix(kb)
    assert not any(d.is_guidance for d in matrix.documents)
    assert not any(r["kind"] in ("policy guide", "regulation") for r in time_limit_table(kb))
    rows = time_limit_table(kb, all_documents=True)  # "Include conventions" / --all
    guidance_rows = [r for r in rows if r["kind"] in ("policy guide", "regulation")]
    assert any(r["doc_id"] == VV and r["number"] == "90" for r in guidance_rows)
    assert any(r["kind"] == "agreement" for r in rows)


@pytest.mark.slow
def test_clause_types_link_to_cited_guide_sections(corpus_index: Path) -> None:
    linked = guidance_by_slot(KnowledgeBase(corpus_index))
    costs = linked["costs"]
    assert any(s.doc_id == A3 and s.eid == "sec_9" for s in costs)
    assert all(s.kind in ("policy guide", "regulation") for s in costs)
    section = next(s for s in costs if s.eid == "sec_9")
    expected = "A3 Vertrek en uitzetting › 9 Verhaal van kosten van uitzetting"
    assert section.citation.endswith(expected)
    out = json.loads(run("--index", str(corpus_index), "guidance", "costs", "--json"))
    assert any(item["eid"] == "sec_9" for item in out["costs"])


@pytest.mark.slow
def test_structure_command_lists_the_tree(corpus_index: Path) -> None:
    out = json.loads(run("--index", str(corpus_index), "structure", VB, "--json"))
    assert out["kind"] == "regulation"
    assert out["top_level_eids"] == ["preamble", "chp_6"]
    tree = {entry["eid"]: entry for entry in out["tree"]}
    assert tree["art_6.1a"]["parent"] == "chp_6__sec_1" and tree["art_6.1a"]["depth"] == 2
