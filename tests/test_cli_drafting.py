"""The drafter's commands: `readmit drafts`, `export` options, `time-limits` filters, plain
TSV when piped, progress lines in a log, and "no good match" for nonsense."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner

from readmit.cli import main
from readmit.drafting import DraftStore
from readmit.facade import hit_from_unit
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents
from tests.harness.models import hashing_index

KAZ_EN = "benelux-kazakhstan-readmission-agreement-2015-en"
KAZ_NL = "benelux-kazakhstan-readmission-agreement-2015-nl"
SERBIA = "benelux-serbia-implementing-protocol-2013-en"


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, KnowledgeBase]:
    root = tmp_path_factory.mktemp("cli-drafting")
    corpus = copy_documents(root / "corpus", [KAZ_EN, KAZ_NL, SERBIA])
    index = hashing_index(root / "index")  # the CLI opens it with the model it records
    result = run("--index", str(index), "ingest", str(corpus))
    assert result.exit_code == 0, result.output
    # CliRunner's stderr is no terminal: one line per file, not a progress bar
    lines = [line for line in result.stderr.splitlines() if line.startswith("indexing ")]
    assert len(lines) == 3 and lines[-1].startswith("indexing 3/3: ")
    return index, KnowledgeBase(index)


@pytest.fixture()
def drafts(tmp_path: Path, indexed: tuple[Path, KnowledgeBase]) -> tuple[Path, str]:
    _, kb = indexed
    store = DraftStore(tmp_path / "drafts")
    draft = store.create("Model agreement with Kazakhstan", party_names=("Benelux", "Kazakhstan"))
    document = kb.document(KAZ_EN)
    assert document is not None
    from readmit.drafting.service import DraftingService

    service = DraftingService(store)
    for eid, section in (("art_2", "own-nationals"), ("art_7", "time-limits")):
        unit = kb.article(KAZ_EN, eid)
        assert unit is not None
        service.add_hit(draft.draft_id, section=section, hit=hit_from_unit(document, unit))
    store.create("An empty second draft")
    return tmp_path / "drafts", draft.draft_id


def test_drafts_lists_ids_titles_and_dates(drafts: tuple[Path, str]) -> None:
    folder, draft_id = drafts
    result = run("drafts", "--drafts", str(folder))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "id\ttitle\tupdated\tclauses"  # piped: TSV with a header
    rows = [line.split("\t") for line in lines[1:]]
    assert {row[1] for row in rows} == {"Model agreement with Kazakhstan", "An empty second draft"}
    mine = next(row for row in rows if row[0] == draft_id)
    assert mine[3] == "2" and mine[2][:4].isdigit()

    payload = json.loads(run("drafts", "--drafts", str(folder), "--json").stdout)
    assert {d["draft_id"] for d in payload} >= {draft_id}

    empty = run("drafts", "--drafts", str(folder / "none"))
    assert empty.exit_code == 0 and empty.stdout.splitlines() == ["id\ttitle\tupdated\tclauses"]


def test_export_with_placeholders_bilingual_and_author(
    drafts: tuple[Path, str], indexed: tuple[Path, KnowledgeBase], tmp_path: Path
) -> None:
    folder, draft_id = drafts
    index, _ = indexed
    target = tmp_path / "model.docx"
    result = run(
        "--index",
        str(index),
        "export",
        draft_id,
        "--drafts",
        str(folder),
        "-o",
        str(target),
        "--placeholders",
        "--bilingual",
        "nl",
        "--author",
        "J. Jansen",
    )
    assert result.exit_code == 0, result.output
    document = docx.Document(str(target))
    assert document.core_properties.author == "J. Jansen"
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Kazakhstan" not in body
    cells = [
        cell.text for table in document.tables[:-1] for row in table.rows for cell in row.cells
    ]
    assert "Source wording (NL)" in cells
    # beside each article: the Dutch version of the same agreement's article, neutralised too
    assert any(c.startswith("Article 7 — Termijnen\n1. Het verzoek om terugname") for c in cells)
    assert any(
        c.startswith("Article 2 — Terugname van eigen onderdanen\n1. De aangezochte") for c in cells
    )
    assert not any("Kazachstan" in c or "Kazakhstan" in c for c in cells)

    markdown = tmp_path / "model.md"
    result = run("export", draft_id, "--drafts", str(folder), "--format", "md", "-o", str(markdown))
    assert result.exit_code == 0
    assert "[^1]: Source: Article 2 (art\\_2)" in markdown.read_text(encoding="utf-8")


def test_an_interrupted_markdown_export_keeps_the_earlier_file(
    tmp_path: Path, drafts: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, draft_id = drafts
    target = tmp_path / "model.md"
    first = run("export", draft_id, "--drafts", str(folder), "--format", "md", "-o", str(target))
    assert first.exit_code == 0, first.output
    earlier = target.read_bytes()
    write_text = Path.write_text

    def half_then_interrupted(self: Path, data: str, *args: Any, **kwargs: Any) -> int:
        if "model.md" not in self.name:
            return write_text(self, data, *args, **kwargs)
        write_text(self, data[: len(data) // 2], *args, **kwargs)
        raise KeyboardInterrupt  # SIGINT while the file is written

    monkeypatch.setattr(Path, "write_text", half_then_interrupted)
    again = run("export", draft_id, "--drafts", str(folder), "--format", "md", "-o", str(target))
    assert again.exit_code != 0
    assert target.read_bytes() == earlier
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".model.md")] == []


def test_time_limits_filters(indexed: tuple[Path, KnowledgeBase]) -> None:
    index, _ = indexed
    everything = run("--index", str(index), "time-limits")
    rows = [line.split("\t") for line in everything.stdout.splitlines()[1:]]
    assert len(rows) > 5
    replies = run(
        "--index", str(index), "time-limits", "--purpose", "reply", "--min", "2", "--max", "1 month"
    )
    assert replies.exit_code == 0, replies.output
    kept = [line.split("\t") for line in replies.stdout.splitlines()[1:]]
    # Columns: document, kind, article, limit, purpose, text.
    assert kept and all(row[4] == "reply" for row in kept)
    assert [KAZ_EN, "agreement", "Article 7", "21 calendar days", "reply"] in [
        row[:5] for row in kept
    ]
    assert not any(row[3] == "1 working day" for row in kept)  # 1.4 days < 2
    assert not any(row[3].startswith("1 ") and row[3].endswith("s") for row in rows)
    bad = run("--index", str(index), "time-limits", "--min", "soon")
    assert bad.exit_code == 2 and "not a period" in bad.output


def test_search_says_no_good_match_for_nonsense(indexed: tuple[Path, KnowledgeBase]) -> None:
    index, _ = indexed
    nonsense = run("--index", str(index), "search", "zzzz qqq", "--json")
    assert json.loads(nonsense.stdout)["good_match"] is False
    plain = run("--index", str(index), "search", "zzzz qqq")
    assert "No good match for 'zzzz qqq'" in plain.stderr
    real = run("--index", str(index), "search", "time limit for replying to a request", "--json")
    assert json.loads(real.stdout)["good_match"] is True
