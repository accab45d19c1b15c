"""The gap check reads the keyword evidence kept at ingest (index.slots.KeywordLookup): over
the index's own articles, and draft clauses taken from them unchanged, it needs no spaCy; an
edited clause, or an index written before the evidence was kept, is matched by the rules."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import index.slots as slots_module
from index.slots import KeywordLookup, decode_evidence, encode_evidence
from index.storage import Collection
from index.storage.bookkeeping import SqlBookkeeping
from index.storage.sqlite_tables import SQLITE
from ingest.slot_patterns import keyword_evidence
from readmit.clauses.gaps import clause_slots
from readmit.cli import main
from readmit.drafting import add_clause, update_clause_text
from readmit.drafting.model import Draft
from readmit.drafting.store import DraftStore
from readmit.facade.results import hit_from_unit
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents
from tests.harness.models import hashing_index

ROOT = Path(__file__).resolve().parents[1]
DOCS = [
    "benelux-kazakhstan-readmission-agreement-2015-en",
    "benelux-armenia-readmission-2009-nl",
    "schengen-states-poland-readmission-1991-nl",
]
SOURCE = (DOCS[0], "art_7")  # "Time limits"

# A fresh interpreter runs the command and says whether spaCy was loaded.
CHILD = """
import sys
from readmit.cli import main
try:
    main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
print("spacy loaded" if "spacy" in sys.modules else "no spacy", file=sys.stderr)
sys.exit(code)
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def run_child(*args: str) -> tuple[str, bool]:
    """stdout of `readmit ARGS` in a new process, and whether it imported spaCy."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr.strip().endswith("spacy loaded")


@pytest.fixture(scope="module")
def corpus_and_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("gap-keywords")
    corpus = copy_documents(root / "corpus", DOCS)
    index = hashing_index(root / "index")
    result = run("--index", str(index), "ingest", str(corpus))
    assert result.exit_code == 0, result.output
    return corpus, index


@contextmanager
def opened(index: Path) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase(index)
    try:
        yield kb
    finally:
        kb.collection.close()


def taken_unchanged(kb: KnowledgeBase, drafts: Path) -> Draft:
    """A saved draft with one clause: the source article as the app adds it from a result."""
    document, unit = kb.document(SOURCE[0]), kb.article(*SOURCE)
    assert document is not None and unit is not None
    hit = hit_from_unit(document, unit)  # as the Read page adds it to a draft
    store = DraftStore(drafts)
    draft = add_clause(store.create("Model agreement"), section="time-limits", hit=hit)
    store.save(draft)
    return draft


def test_ingest_keeps_the_evidence_of_every_unit(corpus_and_index: tuple[Path, Path]) -> None:
    _, index = corpus_and_index
    with opened(index) as kb:
        rows = kb.collection.keyword_rows()
        units = [(d, u.eid) for d in DOCS for u in kb.collection.list_units(d)]
        assert set(rows) == set(units)
        assert kb.collection.keyword_documents() == set(DOCS)
        unit = kb.article(*SOURCE)
        assert unit is not None
        found = keyword_evidence(unit.heading, unit.text, "en")
        assert "time-limit-reply" in found  # "within 21 calendar days"
        assert decode_evidence(rows[SOURCE][1]) == found


def test_gap_check_over_index_clauses_does_not_import_spacy(
    corpus_and_index: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, index = corpus_and_index
    with opened(index) as kb:
        draft = taken_unchanged(kb, tmp_path / "drafts")
    args = ("--index", str(index), "gaps", draft.draft_id, "--drafts", str(tmp_path / "drafts"))
    output, spacy_loaded = run_child(*args)
    assert not spacy_loaded
    assert "missing: transit" in output or "missing: costs" in output
    # The same answer as when the keyword rules run on every text (nothing stored is read)
    monkeypatch.setattr(Collection, "keyword_rows", lambda self, doc_id=None: {})
    assert output == run(*args).stdout


def test_an_edited_clause_gets_the_evidence_of_its_own_text(
    corpus_and_index: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, index = corpus_and_index
    with opened(index) as kb:
        draft = taken_unchanged(kb, tmp_path / "drafts")
        clause = draft.clauses[0]
        unit = kb.article(*SOURCE)
        assert unit is not None
        lookup = KeywordLookup(kb.collection)
        stored = keyword_evidence(unit.heading, unit.text, "en")

        def no_rules(*args: object) -> None:
            raise AssertionError("the keyword rules ran for an unchanged article")

        with monkeypatch.context() as patch:
            patch.setattr(slots_module, "keyword_evidence", no_rules)
            assert (
                lookup.evidence(heading=unit.heading, text=unit.text, language="en", source=SOURCE)
                == stored
            )
            unchanged = clause_slots(kb, clause, keywords=lookup)
        assert "time-limit-reply" in unchanged and "costs" not in unchanged
        costs = (
            "All costs of the readmission and transit up to the border of the State of final "
            "destination shall be borne by the requesting Party; the costs are borne by it."
        )
        edited = update_clause_text(draft, clause.clause_id, clause.text + "\n6. " + costs)
        found = lookup.evidence(
            heading=clause.heading,
            text=edited.clauses[0].text,
            language="en",
            source=SOURCE,
        )
        assert found == keyword_evidence(clause.heading, edited.clauses[0].text, "en")
        assert "costs" in found and "costs" not in stored
        assert "costs" in clause_slots(kb, edited.clauses[0], keywords=lookup)


def test_an_index_written_before_the_evidence_was_kept(
    corpus_and_index: tuple[Path, Path], tmp_path: Path
) -> None:
    """No keywords table (an index of the previous readmit): the same gaps, found by the rules;
    the next ingest stores the evidence of every document."""
    corpus, index = corpus_and_index
    old = tmp_path / "old-index"
    shutil.copytree(index, old)
    with sqlite3.connect(old / "meta.sqlite") as conn:
        conn.execute("DROP TABLE keywords")
    with opened(index) as kb:
        draft = taken_unchanged(kb, tmp_path / "drafts")
    args = ("gaps", draft.draft_id, "--drafts", str(tmp_path / "drafts"))
    new_output, _ = run_child("--index", str(index), *args)
    old_output, spacy_loaded = run_child("--index", str(old), *args)
    assert spacy_loaded  # the evidence was found by the keyword rules
    assert old_output == new_output
    with opened(old) as kb:
        assert kb.collection.keyword_rows() == {}
    assert run("--index", str(old), "ingest", str(corpus)).exit_code == 0
    with opened(old) as kb, opened(index) as new:
        assert kb.collection.keyword_rows() == new.collection.keyword_rows()
        assert kb.collection.slot_assignments() == new.collection.slot_assignments()
    after, spacy_loaded = run_child("--index", str(old), *args)
    assert (after, spacy_loaded) == (new_output, False)


def test_a_read_only_database_without_the_table_reads_no_evidence(tmp_path: Path) -> None:
    """A folder this process may not change is opened without creating tables."""
    database = tmp_path / "meta.sqlite"
    sqlite3.connect(database).close()

    @contextmanager
    def connection() -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(database)
        try:
            yield conn
        finally:
            conn.close()

    bookkeeping = SqlBookkeeping(read=connection, write=connection, dialect=SQLITE)
    assert bookkeeping.keywords(doc_id=None) == {}
    assert bookkeeping.keywords(doc_id="a") == {}


def test_evidence_round_trips_through_its_json() -> None:
    found = keyword_evidence(
        "Transit", "The Parties shall permit the transit of third State nationals.", "en"
    )
    assert found
    assert decode_evidence(encode_evidence(found)) == found
    assert decode_evidence(encode_evidence({})) == {}
