"""The `readmit` command in server mode: drafts live in the index's PostgreSQL database, and
every command that reads a draft finds it there (`export` and `gaps` once looked for a local
folder named after the URL: "no such draft")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.embedders import HashingEmbedder
from readmit.cli import main
from readmit.service import KnowledgeBase
from readmit.settings import DRAFTS_ENV, INDEX_ENV
from tests.harness.corpus import copy_documents
from tests.harness.facade import local_readmit

KAZAKHSTAN = "benelux-kazakhstan-readmission-agreement-2015-en"


@pytest.fixture
def server_draft(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A one-document index and one draft, both on the server; the CLI configured for it as a
    deployment is (READMIT_INDEX only: drafts default to the index's database)."""
    corpus = copy_documents(tmp_path / "corpus", [KAZAKHSTAN])
    assert KnowledgeBase(pg_url, model=HashingEmbedder()).ingest([corpus]).ok
    app = local_readmit(index_dir=pg_url, drafts_dir=pg_url)
    draft = app.create_draft("Server model agreement")
    app.add_unit_to_draft(
        draft_id=draft.draft_id, doc_id=KAZAKHSTAN, eid="art_7", section="time-limits"
    )
    monkeypatch.setenv(INDEX_ENV, pg_url)
    monkeypatch.delenv(DRAFTS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)  # a stray local folder named after the URL would land here
    return draft.draft_id


def test_export_reads_the_servers_draft(server_draft: str, tmp_path: Path) -> None:
    target = tmp_path / "model.md"
    result = CliRunner().invoke(main, ["export", server_draft, "--format", "md", "-o", str(target)])
    assert result.exit_code == 0, result.output
    markdown = target.read_text(encoding="utf-8")
    assert "# Server model agreement" in markdown
    assert "Article 7" in markdown  # the clause added from the agreement, with its provenance
    assert not list(tmp_path.glob("postgres*"))


def test_gaps_reads_the_servers_draft(server_draft: str, pg_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["gaps", server_draft, "--json"])
    assert result.exit_code == 0, result.output
    slots = {gap["slot"] for gap in json.loads(result.stdout)}
    # The same gaps the facade finds for the server's draft (the CLI once found no draft).
    expected = local_readmit(index_dir=pg_url, drafts_dir=pg_url).draft_gaps(server_draft)
    assert slots and slots == {gap.slot for gap in expected}
    assert not list(tmp_path.glob("postgres*"))


def test_drafts_export_and_gaps_agree_on_where_drafts_are(server_draft: str) -> None:
    listed = CliRunner().invoke(main, ["drafts", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [d["draft_id"] for d in json.loads(listed.stdout)] == [server_draft]
    missing = CliRunner().invoke(main, ["gaps", "no-such-draft"])
    assert missing.exit_code == 2 and "no such draft" in missing.output
