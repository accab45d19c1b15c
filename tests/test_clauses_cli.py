"""`readmit matrix`, `readmit time-limits`, `readmit slots`, `readmit gaps` end to end."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from readmit.cli import main
from readmit.drafting import add_clause
from readmit.drafting.store import DraftStore
from tests.harness.corpus import copy_documents
from tests.harness.models import hashing_index

DOCS = [
    "benelux-kazakhstan-readmission-agreement-2015-en",
    "benelux-armenia-readmission-2009-nl",
    "benelux-switzerland-readmission-2003-nl",  # shipped as a PDF
    "schengen-states-poland-readmission-1991-nl",
]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("clauses-cli")
    corpus = copy_documents(root / "corpus", DOCS)
    path = str(hashing_index(root / "index"))
    result = run("--index", path, "ingest", str(corpus))
    assert result.exit_code == 0, result.output
    return path


def test_matrix_csv(index: str, tmp_path: Path) -> None:
    target = tmp_path / "matrix.csv"
    result = run("--index", index, "matrix", "--csv", str(target))
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["doc_id"] for row in rows} == set(DOCS)
    kazakhstan = next(r for r in rows if r["doc_id"] == DOCS[0])
    assert kazakhstan["lang"] == "en"
    assert kazakhstan["costs"] == "art_12; protocol__art_11"
    assert "art_13" in kazakhstan["data-protection"]
    assert kazakhstan["language"].startswith("protocol__art_12")  # the slot, not the document's
    poland = next(r for r in rows if r["doc_id"] == DOCS[3])
    assert poland["data-protection"] == ""  # the 1991 agreement has no such clause


def test_time_limits_csv(index: str, tmp_path: Path) -> None:
    target = tmp_path / "limits.csv"
    result = run("--index", index, "time-limits", "--csv", str(target))
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    found = {(r["doc_id"], r["eid"], r["number"], r["unit"], r["purpose"]) for r in rows}
    assert (DOCS[0], "art_7", "21", "calendar days", "reply") in found
    assert (DOCS[3], "art_3", "8", "days", "reply") in found
    assert (DOCS[1], "art_6", "30", "days", "reply") in found
    assert all(r["sentence"] and r["text"] for r in rows)


def test_slot_listing_groups_by_agreement(index: str) -> None:
    result = run("--index", index, "slots", "time-limit-reply", "--json")
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)
    articles = {(a["doc_id"], a["eid"]) for g in groups for a in g["articles"]}
    assert (DOCS[3], "art_3") in articles
    reply = next(a for g in groups for a in g["articles"] if a["doc_id"] == DOCS[3])
    assert {"number": 8, "unit": "days", "purpose": "reply", "text": "acht dagen"} in reply[
        "time_limits"
    ]
    listed = run("--index", index, "slots", "time-limit-reply")
    assert listed.exit_code == 0, listed.output
    assert f"{DOCS[3]} Article 3" in listed.stdout  # cited as the app and the chunks cite it
    unknown = run("--index", index, "slots", "deadline")
    assert unknown.exit_code == 2
    assert "unknown slot" in unknown.output


def test_search_with_slot_filter(index: str) -> None:
    result = run("--index", index, "search", "kosten", "--slot", "costs", "-k", "20", "--json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["hits"]
    assert hits
    assert {h["eid"] for h in hits if h["doc_id"] == DOCS[0]} <= {"art_12", "protocol__art_11"}


def test_gaps_lists_missing_slots_with_sources(index: str, tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    draft = store.create("Model agreement")
    draft = add_clause(
        draft,
        section="costs",
        heading="Costs",
        text="All costs arising from readmission and transit up to the border of the State of "
        "final destination shall be borne by the requesting Party.",
    )
    store.save(draft)
    result = run(
        "--index", index, "gaps", draft.draft_id, "--drafts", str(tmp_path / "drafts"), "--json"
    )
    assert result.exit_code == 0, result.output
    gaps = {gap["slot"]: gap for gap in json.loads(result.stdout)}
    assert "costs" not in gaps
    assert "termination" in gaps
    termination = gaps["termination"]
    assert 1 <= len(termination["precedents"]) <= 3
    counts = [p["count"] for p in termination["precedents"]]
    assert counts == sorted(counts, reverse=True)
    for precedent in termination["precedents"]:
        assert precedent["sources"] and precedent["text"]
        assert {s["doc_id"] for s in precedent["sources"]} <= set(DOCS)
    missing = run("--index", index, "gaps", "nosuchdraft", "--drafts", str(tmp_path / "drafts"))
    assert missing.exit_code == 2


def test_conventions_only_with_all(tmp_path: Path) -> None:
    """The Dublin convention's "beneden de 18 jaar" and its periods are not in the time-limit
    table or the matrix unless conventions are included (--all)."""
    dublin = "dublin-convention-1990-nl"
    corpus = copy_documents(tmp_path / "corpus", [DOCS[0], DOCS[3], dublin])
    path = str(hashing_index(tmp_path / "index"))
    assert run("--index", path, "ingest", str(corpus)).exit_code == 0

    def doc_ids(*args: str) -> set[str]:
        target = tmp_path / "out.csv"
        result = run("--index", path, *args, "--csv", str(target))
        assert result.exit_code == 0, result.output
        with target.open(encoding="utf-8") as handle:
            return {row["doc_id"] for row in csv.DictReader(handle)}

    # The Schengen States–Poland agreement is a readmission precedent; Dublin is a convention.
    assert doc_ids("time-limits") == {DOCS[0], DOCS[3]}
    assert doc_ids("matrix") == {DOCS[0], DOCS[3]}
    assert dublin in doc_ids("time-limits", "--all")
    assert dublin in doc_ids("matrix", "--all")
    ages = run("--index", path, "time-limits", "--all", "--purpose", "reply")
    assert "18 years" not in ages.output  # an age is not a period
