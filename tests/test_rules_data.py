"""Rules as data: the taxonomy, glossary and placeholder files load strictly, and an index notices
when the taxonomy changed (status says stale; the next ingest recomputes slots, embeds nothing).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.embedders import HashingEmbedder
from index.retrieval.glossary import GLOSSARY_FILE, glossary_fingerprint, load_glossary
from ingest.rules_file import RulesFileError
from ingest.taxonomy import (
    OTHER,
    SLOTS,
    TAXONOMY_ENV,
    TAXONOMY_FILE,
    get_slot,
    load_taxonomy,
    slot_keys,
    taxonomy_fingerprint,
)
from readmit.drafting.placeholders import PLACEHOLDERS_FILE, STATES, load_states, neutralise
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents

KAZ_EN = "benelux-kazakhstan-readmission-agreement-2015-en"
REFUGEE = "un-refugee-protocol-1967-en"


# ---- the shipped files ---------------------------------------------------------------------


def test_shipped_rule_files_load_through_the_unchanged_api() -> None:
    assert len(SLOTS) == len(slot_keys()) == 31
    assert SLOTS[-1].key == OTHER
    reply = get_slot("time-limit-reply")
    assert reply.body_hits_needed > 1
    assert "antwoord op" in reply.heading_terms["nl"]
    assert {state.key for state in STATES} >= {"benelux", "belgium", "kazakhstan"}
    assert len(load_glossary().concepts) > 40
    text = "the Republic of Kazakhstan and the Kingdom of Belgium"
    assert neutralise(text) == "[Party B] and [Party A]"


# ---- strict loading ------------------------------------------------------------------------


def test_a_missing_rules_file_is_an_error_never_empty_rules(tmp_path: Path) -> None:
    for loader in (load_taxonomy, load_glossary, load_states):
        missing = tmp_path / f"{loader.__name__}.toml"
        with pytest.raises(RulesFileError, match=f"{missing}: missing"):
            loader(missing)


def edited_copy(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    target = tmp_path / source.name
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('en = ["definition*"]', "en = [12]", r"slot #1 \('definitions'\), heading.en must be"),
        ('key = "own-nationals"', 'key = "definitions"', "duplicate slot key"),
        ("body_hits_needed = 1", "body_hits_needed = 0", r"'definitions'\): body_hits_needed"),
        ('en = ["definition*"]', 'xx = ["definition*"]', "unknown language 'xx'"),
        ('title = "Definitions"', 'titel = "Definitions"', "unknown field.*titel"),
        ('key = "definitions"', 'key = "definitions', "not valid TOML"),
    ],
)
def test_taxonomy_errors_name_the_file_and_the_entry(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    broken = edited_copy(tmp_path, TAXONOMY_FILE, old, new)
    with pytest.raises(RulesFileError, match=message) as raised:
        load_taxonomy(broken)
    assert str(broken) in str(raised.value)


def test_glossary_and_placeholder_errors_name_the_entry(tmp_path: Path) -> None:
    glossary = json.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))
    first = next(iter(glossary))
    glossary[first] = {"en": ["ok", 3]}
    bad_glossary = tmp_path / "glossary_terms.json"
    bad_glossary.write_text(json.dumps(glossary), encoding="utf-8")
    with pytest.raises(RulesFileError, match=f"concept '{first}', language 'en'"):
        load_glossary(bad_glossary)

    bad_states = edited_copy(tmp_path, PLACEHOLDERS_FILE, 'party = "benelux"', 'party = "nowhere"')
    with pytest.raises(RulesFileError, match="party not among the state keys: nowhere"):
        load_states(bad_states)


# ---- fingerprint and staleness ------------------------------------------------------------


def test_an_ingest_records_the_rules_it_followed(tmp_path: Path) -> None:
    corpus = copy_documents(tmp_path / "corpus", [REFUGEE])
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    kb.ingest([corpus])
    status = kb.status()
    assert status.taxonomy_sha256 == taxonomy_fingerprint()
    assert status.glossary_sha256 == glossary_fingerprint()
    assert not status.slots_stale


def cli(index: Path, *args: str, taxonomy: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process that reads the taxonomy at `taxonomy` (READMIT_TAXONOMY)."""
    code = "import sys; from readmit.cli import main; sys.exit(main())"
    env = {**os.environ, TAXONOMY_ENV: str(taxonomy)}
    return subprocess.run(
        [sys.executable, "-c", code, "--index", str(index), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_taxonomy_edit_makes_slots_stale_and_the_next_ingest_recomputes_them(
    tmp_path: Path,
) -> None:
    corpus = copy_documents(tmp_path / "corpus", [KAZ_EN, REFUGEE])
    index = tmp_path / "index"
    kb = KnowledgeBase(index, model=HashingEmbedder())
    kb.ingest([corpus])
    before = {(a.eid, a.slot): a.method for a in kb.collection.slot_assignments(doc_id=KAZ_EN)}
    assert "heading" in before[("art_1", "definitions")]

    # An expert removes the English heading keyword of "definitions" in their copy of the rules.
    edited = edited_copy(tmp_path, TAXONOMY_FILE, 'en = ["definition*"]', 'en = ["zebra*"]')

    stale = cli(index, "status", "--json", taxonomy=edited)
    assert stale.returncode == 0, stale.stderr
    assert json.loads(stale.stdout)["slots_stale"] is True
    readable = cli(index, "status", taxonomy=edited)
    assert "clause slots: stale" in readable.stdout

    ingest = cli(index, "ingest", str(corpus), taxonomy=edited)
    assert ingest.returncode == 0, ingest.stderr
    assert "0 indexed, 2 unchanged" in ingest.stderr
    assert "0 chunks embedded" in ingest.stderr

    fresh = json.loads(cli(index, "status", "--json", taxonomy=edited).stdout)
    assert fresh["slots_stale"] is False
    assert fresh["taxonomy_sha256"] != taxonomy_fingerprint()  # the edited copy's, not shipped
    after = {(a.eid, a.slot): a.method for a in kb.collection.slot_assignments(doc_id=KAZ_EN)}
    assert "heading" not in after.get(("art_1", "definitions"), "")
    # Back on the shipped rules, the index is stale again until the next ingest.
    assert kb.status().slots_stale
