"""The `readmit` command end to end: exit codes, output, the JSON contract, files on disk."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.pipeline import discover
from readmit.cli import main
from readmit.cli.output import print_table
from tests.harness.corpus import CORPUS, copy_documents, shipped_stems
from tests.harness.models import hashing_index

SMALL = [
    "benelux-kazakhstan-readmission-agreement-2015-en",
    "benelux-switzerland-readmission-2003-nl",  # shipped as a PDF
    "un-refugee-protocol-1967-en",
]
HIT_KEYS = {
    "rank",
    "score",
    "doc_id",
    "title",
    "part",
    "article",
    "heading",
    "eid",
    "page_start",
    "page_end",
    "language",
    "kind",
    "path",
    "text",
}


def run(*args: str) -> object:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


@pytest.fixture()
def small_corpus(tmp_path: Path) -> Path:
    return copy_documents(tmp_path / "corpus", SMALL)


GERMAN = "multilateral-transit-yugoslav-nationals-2000-de"  # a German PDF, for the filters


@pytest.fixture(scope="module")
def search_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small index (the hashing fake) for tests of the CLI's search plumbing, not quality."""
    root = tmp_path_factory.mktemp("cli-search")
    corpus = copy_documents(root / "corpus", [*SMALL, GERMAN])
    index = hashing_index(root / "index")
    result = run("--index", str(index), "ingest", str(corpus))
    assert result.exit_code == 0, result.output
    return index


def test_ingest_is_incremental_and_replaces_changed_documents(
    tmp_path: Path, small_corpus: Path
) -> None:
    index = str(hashing_index(tmp_path / "index"))
    first = run("--index", index, "ingest", str(small_corpus))
    assert first.exit_code == 0, first.output
    assert "3 indexed, 0 unchanged, 0 removed, 0 failed" in first.stderr

    again = run("--index", index, "ingest", str(small_corpus))
    assert again.exit_code == 0
    assert "0 indexed, 3 unchanged, 0 removed, 0 failed; 0 chunks embedded" in again.stderr

    protocol = small_corpus / "un-refugee-protocol-1967-en.txt"
    protocol.write_text(
        protocol.read_text(encoding="utf-8").replace("refugee", "zanzibarian-refugee"),
        encoding="utf-8",
    )
    changed = run("--index", index, "ingest", str(small_corpus))
    assert "1 indexed, 2 unchanged" in changed.stderr
    found = run(
        "--index",
        index,
        "search",
        "zanzibarian-refugee",
        "--doc",
        "un-refugee-protocol-1967-en",
        "-k",
        "50",
        "--json",
    )
    texts = [hit["text"] for hit in json.loads(found.stdout)["hits"]]
    # Every chunk of the document comes from the new text: no old wording is left over.
    assert texts and all("refugee" not in t.replace("zanzibarian-refugee", "") for t in texts)
    assert any("zanzibarian-refugee" in t for t in texts)

    protocol.unlink()
    gone = run("--index", index, "ingest", str(small_corpus))
    assert "1 removed" in gone.stderr
    status = json.loads(run("--index", index, "status", "--json").stdout)
    assert status["documents"] == 2


def test_bad_files_are_reported_and_the_rest_is_indexed(tmp_path: Path, small_corpus: Path) -> None:
    (small_corpus / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>> garbage")
    (small_corpus / "empty.txt").write_bytes(b"")
    odd = tmp_path / "minutes.docx"
    odd.write_bytes(b"PK\x03\x04 not really")
    index = str(hashing_index(tmp_path / "index"))
    result = run("--index", index, "ingest", str(small_corpus), str(odd))
    assert result.exit_code == 1
    assert "3 indexed" in result.stderr and "3 failed" in result.stderr
    assert re.search(r"broken\.pdf: .+", result.stderr)
    assert re.search(r"empty\.txt: .+", result.stderr)
    assert "minutes.docx: corrupt Word file" in result.stderr
    status = json.loads(run("--index", index, "status", "--json").stdout)
    assert status["documents"] == 3
    assert {Path(f["file"]).name for f in status["failures"]} == {
        "broken.pdf",
        "empty.txt",
        "minutes.docx",
    }
    assert all(f["reason"] for f in status["failures"])


def test_remove_and_unknown_document(tmp_path: Path, small_corpus: Path) -> None:
    index = str(hashing_index(tmp_path / "index"))
    run("--index", index, "ingest", str(small_corpus))
    removed = run("--index", index, "remove", "un-refugee-protocol-1967-en")
    assert removed.exit_code == 0 and "removed" in removed.stdout
    missing = run("--index", index, "remove", "no-such-doc")
    assert missing.exit_code == 1 and "no such document" in missing.stderr


def test_search_json_contract_on_the_real_corpus(corpus_index: Path) -> None:
    result = run(
        "--index",
        str(corpus_index),
        "search",
        "how long may the requested state take to answer a readmission request?",
        "-k",
        "10",
        "--json",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)  # exactly one JSON object on stdout
    assert set(payload) == {"query", "good_match", "hits"}
    assert payload["good_match"] is True
    hits = payload["hits"]
    assert len(hits) == 10
    assert [h["rank"] for h in hits] == list(range(1, 11))
    assert all(set(h) == HIT_KEYS for h in hits)
    assert all(h["part"] in {"preamble", "agreement", "protocol", "annex", "final"} for h in hits)
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    headings = " ".join((h["heading"] or "") for h in hits[:5]).lower()
    assert re.search(r"time limit|termijn|délai|frist", headings), headings


def test_search_many_queries_in_one_process(tmp_path: Path, search_index: Path) -> None:
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        json.dumps({"id": "a", "query": "costs of transfer"})
        + "\n"
        + json.dumps({"id": "b", "query": "kosten van doorgeleiding"})
        + "\n",
        encoding="utf-8",
    )
    result = run(
        "--index", str(search_index), "search", "--queries", str(queries), "-k", "3", "--json"
    )
    lines = result.stdout.strip().splitlines()
    assert [json.loads(line)["query"] for line in lines] == [
        "costs of transfer",
        "kosten van doorgeleiding",
    ]
    assert all(len(json.loads(line)["hits"]) == 3 for line in lines)


def test_search_filters_apply_inside_retrieval(search_index: Path) -> None:
    result = run(
        "--index",
        str(search_index),
        "search",
        "refugee definition Durchbeförderung",
        "--lang",
        "de",
        "--part",
        "agreement",
        "-k",
        "5",
        "--json",
    )
    hits = json.loads(result.stdout)["hits"]
    assert hits and all(h["language"] == "de" and h["part"] == "agreement" for h in hits)


def test_status_reports_the_real_index(corpus_index: Path) -> None:
    result = run("--index", str(corpus_index), "status")
    assert result.exit_code == 0
    # Whatever the corpus folder holds (the fixture indexed all of it), at least the documents
    # the manifests ship.
    indexed = len(discover([CORPUS])[0])
    assert indexed >= len(shipped_stems())
    assert re.search(rf"documents:\s+{indexed}\b", result.stdout)
    assert "failed files: 0" in result.stdout


def test_readable_table_without_json(search_index: Path) -> None:
    result = run("--index", str(search_index), "search", "transit escort", "-k", "3")
    assert result.exit_code == 0
    # Not a terminal (piped): plain TSV, a header and one line per hit, nothing folded.
    lines = result.stdout.splitlines()
    assert lines[0] == "#\tscore\tdocument\tkind\twhere\tpages\tlang\tpassage"
    assert len(lines) == 4 and all(len(line.split("\t")) == 8 for line in lines)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_tables_on_a_terminal_use_its_width_and_keep_text_inert() -> None:
    screen = _Terminal()
    print_table(
        ("document", "text"),
        [("doc-1", "[bold]not markup[/bold] \x1b[31mred\x1b[0m")],
        title="Results for: [x]",
        stream=screen,
    )
    drawn = screen.getvalue()
    assert "Results for: [x]" in drawn and "[bold]not markup[/bold]" in drawn
    assert "\x1b[31m" not in drawn and "red" in drawn  # the document's escape is dropped


def test_a_different_model_is_refused_with_a_clear_message(
    tmp_path: Path, small_corpus: Path
) -> None:
    index = str(hashing_index(tmp_path / "index"))
    run("--index", index, "ingest", str(small_corpus))
    result = CliRunner().invoke(
        main, ["--index", index, "--model", "minilm", "search", "costs", "--json"]
    )
    assert result.exit_code == 2
    assert "built with" in result.stderr


def test_export_a_draft_to_word_and_markdown(tmp_path: Path) -> None:
    import docx  # the test re-opens what the export wrote

    from readmit.drafting.service import DraftingService
    from readmit.drafting.store import DraftStore

    drafts = tmp_path / "drafts"
    service = DraftingService(DraftStore(drafts))
    draft = service.create("Model readmission agreement")
    service.add_text(
        draft.draft_id,
        section="time-limits",
        heading="Time limits",
        text="The requested Party shall reply within 12 calendar days.",
    )
    service.add_text(
        draft.draft_id,
        section="costs",
        heading="Costs",
        text="The requesting Party shall bear the costs of transport.",
    )
    target = tmp_path / "model.docx"
    result = run("export", draft.draft_id, "--drafts", str(drafts), "-o", str(target))
    assert result.exit_code == 0 and target.exists()
    document = docx.Document(str(target))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any("Time limits" in h for h in headings) and any("Costs" in h for h in headings)
    assert headings.index(next(h for h in headings if "Time limits" in h)) < headings.index(
        next(h for h in headings if "Costs" in h)
    )
    markdown = tmp_path / "model.md"
    result = run(
        "export", draft.draft_id, "--format", "md", "--drafts", str(drafts), "-o", str(markdown)
    )
    assert "12 calendar days" in markdown.read_text(encoding="utf-8")
    missing = CliRunner().invoke(main, ["export", "nosuchdraft", "--drafts", str(drafts)])
    assert missing.exit_code == 2 and "error" in missing.stderr


def test_more_like_this_leaves_out_the_agreement_and_its_language_versions(
    corpus_index: Path,
) -> None:
    kazakhstan = "benelux-kazakhstan-readmission-agreement-2015"
    result = run(
        "--index", str(corpus_index), "similar", f"{kazakhstan}-en", "art_7", "-k", "10", "--json"
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["hits"]
    assert len(hits) == 10
    assert not any(h["doc_id"].startswith(kazakhstan) for h in hits)
    # Other agreements' time-limit articles ("Termijnen") come back, in Dutch.
    assert any((h["heading"] or "").lower().startswith("termijn") for h in hits)
    missing = run("--index", str(corpus_index), "similar", f"{kazakhstan}-en", "art_99")
    assert missing.exit_code == 1 and "no such article" in missing.stderr


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b'{"id": "q1", "query": "return", "relevant": []}\n{"id": "q2", "query": \n', ":2: "),
        (b'{"id": "q1", "query": "return", "relevant": []}\n["a list"]\n', ":2: "),
        (b'{"id": "q1", "query": "return", "relevant": [{"doc_id": "x"}]}\n', ":1: "),
        (b'{"id": "q1", "query": "return", "relevant": []}\n\n{"id": "\xff"}\n', ":3: "),
    ],
)
def test_eval_names_the_file_and_line_of_a_malformed_query(
    tmp_path: Path, search_index: Path, content: bytes, where: str
) -> None:
    queries = tmp_path / "queries.jsonl"
    queries.write_bytes(content)
    result = run("--index", str(search_index), "eval", str(queries))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"error: {queries}{where}" in " ".join(result.stderr.split())
