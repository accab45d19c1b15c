"""Regression tests for the attacks of issue 10 (docs/reliability.md, "Hardening").

Each test builds a small hostile input, shows the defect is gone and that the rest of a batch
still goes through. The hashing embedder is enough here: what is tested is ingest, storage and
the command line, not search quality.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import logging
import random
import re
import sqlite3
import tomllib
import zlib
from pathlib import Path

import pytest
import streamlit as st
from click.testing import CliRunner, Result
from streamlit.testing.v1 import AppTest

from index.embedders import HashingEmbedder
from index.errors import IndexFullError, IndexLayerError, IndexOpenError
from index.storage import vectors
from ingest import structure
from ingest.chunking import split_sentences, text_segments
from ingest.limits import IngestLimits
from ingest.slot_patterns import keyword_evidence
from ingest.types import Line
from readmit import service
from readmit.cli import main
from readmit.facade import UploadRejectedError, save_upload
from readmit.service import KnowledgeBase
from tests.harness.models import hashing_index

REPO = Path(__file__).resolve().parent.parent
TREATY = (
    "Agreement between A and B on readmission\n\nArticle 1\nDefinitions\n"
    "1. The Parties shall readmit their own nationals without formalities.\n\n"
    "Article 2\nTime limits\n1. The requested Party shall reply within 14 calendar days.\n"
)


def write_treaty(folder: Path, stem: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.txt"
    path.write_text(TREATY.replace("A and B", stem) + extra, encoding="utf-8")
    return path


def shared_stream_pdf(pages: int, stream_bytes: int) -> bytes:
    """A small PDF whose pages all draw one large compressed content stream: kilobytes on
    disk, megabytes of text once extracted."""
    line = b"(The requested Party shall reply without delay to every request.) Tj 0 -1 Td\n"
    content = b"BT /F1 10 Tf 72 780 Td\n" + line * (stream_bytes // len(line)) + b"ET\n"
    packed = zlib.compress(content, 9)
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length "
        + str(len(packed)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + packed
        + b"\nendstream",
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    )
    objects += [page] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


# ---------------------------------------------------------------- 1. one file, one failure


def test_any_failure_in_one_file_is_recorded_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mail"
    write_treaty(folder, "a-good-en")
    write_treaty(folder, "b-year-en")
    (folder / "b-year-en.meta.json").write_text(
        '{"title": "Year overflow", "year": 99999999999999999999999999}'
    )
    write_treaty(folder, "c-nested-en")
    (folder / "c-nested-en.meta.json").write_text("[" * 100_000)
    write_treaty(folder, "d-defect-en")
    write_treaty(folder, "e-good-en")
    real_parse = service.parse_document

    def parse_with_a_defect(path: Path, **kwargs: object) -> object:
        if path.name == "d-defect-en.txt":
            raise RuntimeError("a defect met on this file")
        return real_parse(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "parse_document", parse_with_a_defect)
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    report = kb.ingest([folder])

    assert {Path(p).stem for p in report.indexed} == {"a-good-en", "e-good-en"}
    reasons = {Path(p).name: reason for p, reason in report.failed}
    assert set(reasons) == {"b-year-en.txt", "c-nested-en.txt", "d-defect-en.txt"}
    # A sidecar problem names the sidecar file.
    assert (
        "sidecar b-year-en.meta.json: 'year' must be an integer from 1 to 9999"
        in (reasons["b-year-en.txt"])
    )
    assert reasons["c-nested-en.txt"] == "sidecar c-nested-en.meta.json: JSON nested too deeply"
    assert reasons["d-defect-en.txt"] == "unexpected error: RuntimeError: a defect met on this file"
    assert {Path(p).name for p, _ in kb.status().failures} == set(reasons)
    assert kb.collection.verify() == []


def test_a_paragraph_of_a_megabyte_is_split_before_spacy() -> None:
    """spaCy refuses a text over its max_length (E088): the clause matcher met a 1.2 MB unit
    and the whole ingest stopped after its commit."""
    sentence = "The requested Party shall reply to the readmission application. "
    paragraph = sentence * (1_200_000 // len(sentence))
    assert keyword_evidence("Time limits", paragraph, "en")  # matched, piece by piece


def test_long_lines_are_cut_at_whitespace_into_pieces_spacy_accepts() -> None:
    text = "short line\n" + "word " * 50 + "\n" + "x" * 120 + "\nend"
    segments = text_segments(text, limit=40)
    assert all(len(segment) <= 40 for _, segment in segments)
    # Offsets point back into the text, and nothing is lost.
    assert all(text[offset : offset + len(seg)] == seg for offset, seg in segments)
    assert "".join(seg for _, seg in segments) == text.replace("\n", "")
    # The sentence splitter takes a paragraph far over spaCy's limit.
    sentences = split_sentences("The Party shall reply. " * 60_000, language="en")
    assert len(sentences) == 60_000


# ---------------------------------------------------------------- 2. limits per file


def test_a_file_past_the_time_limit_fails_naming_the_limit(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "expanding-en.pdf").write_bytes(shared_stream_pdf(pages=5, stream_bytes=20_000))
    kb = KnowledgeBase(
        tmp_path / "index", model=HashingEmbedder(), limits=IngestLimits(max_seconds=0.0)
    )
    report = kb.ingest([folder])
    [(path, reason)] = report.failed
    assert path.endswith("expanding-en.pdf")
    assert "over the per-file time limit (reading page 1 of 5" in reason
    assert "max_seconds=0" in reason


def test_a_file_past_the_text_limit_fails_naming_the_limit(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    pdf = shared_stream_pdf(pages=100, stream_bytes=20_000)
    assert len(pdf) < 20_000  # 16 KB that expand to 100 pages × 20 KB of text
    (folder / "expanding-en.pdf").write_bytes(pdf)
    write_treaty(folder, "long-en", "x" * 60_000)
    write_treaty(folder, "short-en")
    kb = KnowledgeBase(
        tmp_path / "index", model=HashingEmbedder(), limits=IngestLimits(max_chars=50_000)
    )
    report = kb.ingest([folder])
    reasons = {Path(p).name: reason for p, reason in report.failed}
    assert reasons["long-en.txt"].startswith("too much text: 60")
    assert reasons["long-en.txt"].endswith("characters exceeds max_chars=50000")
    assert "exceeds max_chars=50000" in reasons["expanding-en.pdf"]
    assert [Path(p).name for p in report.indexed] == ["short-en.txt"]


def test_sidecar_strings_are_capped(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    write_treaty(folder, "huge-title-en")
    (folder / "huge-title-en.meta.json").write_text(json.dumps({"title": "T" * 10_000}))
    report = KnowledgeBase(tmp_path / "index", model=HashingEmbedder()).ingest([folder])
    [(_, reason)] = report.failed
    assert reason == (
        "sidecar huge-title-en.meta.json: 'title' is 10000 characters long, "
        "over MAX_SIDECAR_TEXT=2000"
    )


# --------------------------------------------------------------------------- structure parsing


class _SliceCountingList(list[structure._Token]):
    """Counts the items copied by slicing: a per-line look-ahead that slices the rest of the
    document makes parsing quadratic."""

    copied = 0

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        result = super().__getitem__(key)
        if isinstance(key, slice):
            type(self).copied += len(result)
        return result


def test_structure_parsing_does_linear_work_on_a_long_article() -> None:
    """50 MB of text took 79 s (5 MB: 0.9 s): each body line re-scanned the rest of the
    document for the next article. Timing is measured by scripts/measure_structure.py; here
    the work itself is counted."""
    body = ["The requested Party shall reply without delay."] * 5000
    lines = [Line(text=t) for t in ["Agreement", "Article 1", "Time limits", *body, "Article 2"]]
    tokens = _SliceCountingList(structure._classify(line.text.strip()) for line in lines)
    _SliceCountingList.copied = 0
    builders = structure._Parser(lines, tokens).run()
    assert [b.base_eid for b in builders] == ["preamble", "art_1", "art_2"]
    assert _SliceCountingList.copied <= 2 * len(lines)


def _reference_chain(run: list[tuple[int, tuple[int, int]]]) -> list[int]:
    """The exhaustive O(n²) longest-chain search the parser used before (the specification)."""
    best = [1] * len(run)
    previous = [-1] * len(run)
    for i, (_, value) in enumerate(run):
        for j in range(i):
            other = run[j][1]
            if (
                other <= value
                and value[0] - other[0] <= structure.MAX_ARTICLE_GAP
                and best[j] + 1 > best[i]
            ):
                best[i] = best[j] + 1
                previous[i] = j
    if not run:
        return []
    end = max(range(len(run)), key=lambda k: (best[k], k))
    chain: list[int] = []
    while end != -1:
        chain.append(run[end][0])
        end = previous[end]
    return chain


def test_linear_article_chain_matches_the_exhaustive_search() -> None:
    rng = random.Random(10)
    for _ in range(400):
        size = rng.randint(0, 40)
        run = [(index, (rng.randint(1, 60), rng.choice((0, 0, 0, 1, 2)))) for index in range(size)]
        assert structure._longest_non_decreasing(run) == _reference_chain(run)


# ---------------------------------------------------------------- 4. the terminal is inert

HOSTILE = (
    "Agreement on [bold red]readmission[/bold red]\n\nArticle 1\nDefinitions [/i]\n"
    "1. Click [link=https://evil.example]here[/link] to \x1b[2Jclear\x07 the screen \x9b31m.\n"
)


def invoke(args: list[str]) -> Result:
    """Run the CLI; a new index folder is created with the hashing fake as its model first
    (the CLI opens an index with the model it records)."""
    if "--index" in args:
        index = Path(args[args.index("--index") + 1])
        if not index.exists():
            hashing_index(index)
    return CliRunner().invoke(main, args, env={"COLUMNS": "400"})


def test_search_prints_document_text_inert(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "hostile[i]-en.txt").write_text(HOSTILE, encoding="utf-8")
    index = str(tmp_path / "index")
    ingested = invoke(["--index", index, "ingest", str(folder)])
    assert ingested.exit_code == 0, ingested.output
    result = invoke(["--index", index, "search", "readmission [/i] definitions"])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    for literal in ("[/i]", "[link=https://evil.example]", "hostile[i]-en", "here[/link]"):
        assert literal in result.stdout
    for control in ("\x1b", "\x07", "\x9b"):
        assert control not in result.stdout
    assert "to [2Jclear the screen 31m." in result.stdout
    # JSON keeps the text exactly, with the controls escaped.
    as_json = invoke(["--index", index, "search", "definitions", "--json"])
    assert "\x1b" not in as_json.stdout and "\x9b" not in as_json.stdout
    text = json.loads(as_json.stdout)["hits"][0]["text"]
    assert "\x1b[2Jclear\x07" in text and "\x9b31m" in text


def test_failed_file_named_like_markup_is_reported_not_crashing(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    (folder / "empty[").mkdir(parents=True)  # the path reads ".../empty[/b]-en.txt"
    (folder / "empty[" / "b]-en.txt").write_bytes(b"")
    write_treaty(folder, "good-en")
    result = invoke(["--index", str(tmp_path / "index"), "ingest", str(folder)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "empty[/b]-en.txt: empty file (0 bytes)" in result.stderr
    status = invoke(["--index", str(tmp_path / "index"), "status"])
    assert "empty[/b]-en.txt: empty file (0 bytes)" in status.stdout


def test_command_line_errors_instead_of_tracebacks(tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    write_treaty(tmp_path / "mail", "good-en")
    assert invoke(["--index", index, "ingest", str(tmp_path / "mail")]).exit_code == 0
    exported = invoke(["export", "[/x]", "--drafts", str(tmp_path / "drafts")])
    assert exported.exit_code == 2
    assert "error: '[/x]': invalid draft id" in exported.stderr
    huge_year = invoke(["--index", index, "search", "x", "--year-from", "99999999999999999999"])
    assert huge_year.exit_code == 2
    assert "99999999999999999999 is not in the range 0<=x<=9999" in huge_year.stderr
    for line, message in (
        ('{"query": 5}', 'line 2: a JSON line must be an object with a "query" string'),
        ('{"text": "x"}', 'line 2: a JSON line must be an object with a "query" string'),
        ("{not json", "line 2: not valid JSON"),
    ):
        queries = tmp_path / "queries.jsonl"
        queries.write_text(f"time limit\n{line}\n", encoding="utf-8")
        result = invoke(["--index", index, "search", "--queries", str(queries)])
        assert result.exit_code == 2, (line, result.output)
        assert message in result.stderr


# ---------------------------------------------------------------- 3. same stem, different files


def test_files_with_one_document_id_are_refused_and_never_flip(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_treaty(corpus, "x-en", "3. Text version.\n")
    write_treaty(corpus, "other-en")
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    assert kb.ingest([corpus]).failed == ()
    indexed = kb.document("x-en")
    assert indexed is not None
    (corpus / "x-en.md").write_text(TREATY + "3. Markdown version.\n", encoding="utf-8")
    write_treaty(corpus / "sub", "x-en", "3. Sub-folder version.\n")
    for _ in range(2):  # each run: the same refusal, the same indexed version
        report = kb.ingest([corpus])
        reasons = {Path(p).relative_to(corpus).as_posix(): r for p, r in report.failed}
        assert set(reasons) == {"x-en.txt", "x-en.md", "sub/x-en.txt"}
        assert "same document id 'x-en' as" in reasons["x-en.md"]
        assert str(corpus / "x-en.txt") in reasons["x-en.md"]
        assert str(corpus / "sub" / "x-en.txt") in reasons["x-en.md"]
        assert kb.document("x-en") == indexed
    assert {Path(p).name for p, _ in kb.status().failures} == {"x-en.txt", "x-en.md"}


def test_a_file_beside_the_indexed_one_cannot_replace_it(tmp_path: Path) -> None:
    """`readmit ingest corpus/x-en.md` (or an upload) next to an indexed x-en.txt."""
    corpus = tmp_path / "corpus"
    write_treaty(corpus, "x-en", "3. Text version.\n")
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    kb.ingest([corpus])
    markdown = corpus / "x-en.md"
    markdown.write_text(TREATY + "3. Markdown version.\n", encoding="utf-8")
    [(path, reason)] = kb.ingest([markdown]).failed
    assert path == str(markdown)
    assert reason.startswith("same document id 'x-en' as the indexed file x-en.txt beside it")
    assert "Text version" in kb.article("x-en", "art_2").text  # type: ignore[union-attr]
    # A new version from another folder does replace it (how a revision is ingested).
    revised = write_treaty(tmp_path / "revised", "x-en", "3. Revised version.\n")
    assert kb.ingest([revised]).indexed == (str(revised),)


def test_an_upload_with_the_id_of_another_corpus_file_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_treaty(corpus, "x-en")
    with pytest.raises(UploadRejectedError, match="already holds x-en.txt with the same document"):
        save_upload(corpus, "x-en.pdf", shared_stream_pdf(pages=1, stream_bytes=1000))
    assert sorted(p.name for p in corpus.iterdir()) == ["x-en.txt"]
    write_treaty(corpus / "sub", "y-en")
    with pytest.raises(UploadRejectedError, match="already holds sub/y-en.txt"):
        save_upload(corpus, "y-en.txt", b"Agreement\n")
    # The same name replaces, as before.
    assert save_upload(corpus, "x-en.txt", TREATY.encode()) == corpus / "x-en.txt"


# ---------------------------------------------------------------- 9. removal from any directory


def test_reindex_from_another_directory_removes_a_withdrawn_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    write_treaty(project / "corpus", "kept-en")
    withdrawn = write_treaty(project / "corpus", "withdrawn-en")
    index = tmp_path / "index"
    monkeypatch.chdir(project)
    KnowledgeBase(index, model=HashingEmbedder()).ingest([Path("corpus")])  # relative, as typed
    withdrawn.unlink()
    monkeypatch.chdir(tmp_path)
    report = KnowledgeBase(index, model=HashingEmbedder()).ingest([Path("project/corpus")])
    assert report.removed == ("withdrawn-en",)
    assert [d.doc_id for d in KnowledgeBase(index).documents()] == ["kept-en"]
    assert KnowledgeBase(index).document("kept-en").source_path == str(  # type: ignore[union-attr]
        project / "corpus" / "kept-en.txt"
    )


# ---------------------------------------------------------------- smaller ones


def test_utf32_text_is_decoded(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    for encoding in ("utf-32", "utf-32-be"):
        bom = "\ufeff" if encoding.endswith("be") else ""
        (folder / f"{encoding}-en.txt").write_bytes((bom + TREATY).encode(encoding))
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    assert kb.ingest([folder]).failed == ()
    for doc_id in ("utf-32-en", "utf-32-be-en"):
        article = kb.article(doc_id, "art_2")
        assert article is not None and article.heading == "Time limits"
        assert article.text == "1. The requested Party shall reply within 14 calendar days."


def test_symlinks_out_of_the_corpus_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "passwd.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    corpus = tmp_path / "corpus"
    write_treaty(corpus, "inside-en")
    (corpus / "leak-en.txt").symlink_to(secret)
    (corpus / "alias-en.txt").symlink_to(corpus / "inside-en.txt")  # inside: followed
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    report = kb.ingest([corpus])
    [(path, reason)] = report.failed
    assert Path(path).name == "leak-en.txt"
    assert reason == "symbolic link to a file outside the folder: not followed"
    assert sorted(d.doc_id for d in kb.documents()) == ["alias-en", "inside-en"]


# ---------------------------------------------------------------- 7. disk full


def test_a_cache_write_failing_after_the_commit_is_a_warning_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(index: object, path: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", path)

    monkeypatch.setattr(vectors, "_write_index", disk_full)
    folder = tmp_path / "mail"
    write_treaty(folder, "a-en")
    write_treaty(folder, "b-en")
    index = tmp_path / "index"
    report = KnowledgeBase(index, model=HashingEmbedder()).ingest([folder])
    assert report.failed == ()
    assert len(report.indexed) == 2
    assert report.warnings == (
        "indexed; the search cache could not be written (No space left on device): "
        "it will be rebuilt from the database",
    )
    monkeypatch.undo()  # space again: the next open rebuilds the cache
    kb = KnowledgeBase(index, model=HashingEmbedder())
    assert {hit.doc_id for hit in kb.search("readmit nationals", k=5)} == {"a-en", "b-en"}
    assert kb.collection.verify() == []


def test_a_full_database_gives_a_clear_error_and_keeps_the_index(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    write_treaty(folder, "a-en")
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    kb.ingest([folder])
    writer = kb.collection.storage._store._writer
    pages = writer.execute("PRAGMA page_count").fetchone()[0]
    writer.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk is full"
    write_treaty(tmp_path / "more", "b-en", "4. More text. " * 2000)
    with pytest.raises(IndexFullError, match=r"^disk full: cannot write .*meta.sqlite"):
        kb.ingest([tmp_path / "more"])
    assert isinstance(IndexFullError("x"), IndexLayerError)  # the CLI prints it, exit 2
    reopened = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    assert [d.doc_id for d in reopened.documents()] == ["a-en"]
    assert reopened.collection.verify() == []


# ---------------------------------------------------------------- 8. the app


def test_the_app_shows_a_reference_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    index = tmp_path / "secret-server-path" / "index"
    index.mkdir(parents=True)
    (index / "meta.sqlite").write_bytes(b"not a database " * 100)  # opening it fails
    monkeypatch.setenv("READMIT_INDEX", str(index))
    monkeypatch.setenv("READMIT_DRAFTS", str(tmp_path / "drafts"))
    monkeypatch.setenv("READMIT_CORPUS", str(tmp_path / "corpus"))
    st.cache_resource.clear()
    with caplog.at_level(logging.ERROR, logger="readmit.app"):
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    assert not at.exception
    [error] = at.error
    match = re.fullmatch(
        r"Something went wrong \(the workbench\)\. Reference ([0-9a-f]{8}): the details are "
        r"in the server log under this reference\.",
        error.value,
    )
    assert match is not None, error.value
    assert "secret-server-path" not in str(at.main)  # no server paths in the page
    [record] = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert record.exc_info is not None and "secret-server-path" in str(record.exc_info[1])
    st.cache_resource.clear()


def test_the_app_listens_on_this_machine_unless_opened() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == "none"
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^HOST\s+\?= 127\.0\.0\.1$", makefile, re.MULTILINE)
    assert "streamlit run app.py --server.address $(HOST)" in makefile


# ---------------------------------------------------------------- damaged index files


def small_index(tmp_path: Path) -> Path:
    folder = tmp_path / "mail"
    write_treaty(folder, "a-en")
    write_treaty(folder, "b-en")
    index = tmp_path / "index"
    assert KnowledgeBase(index, model=HashingEmbedder()).ingest([folder]).failed == ()
    return index


def tamper(index: Path, *statements: str) -> None:
    with sqlite3.connect(index / "meta.sqlite") as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def test_an_overflowing_manifest_is_refused_and_the_cache_rebuilt(tmp_path: Path) -> None:
    index = small_index(tmp_path)
    manifest = (index / "manifest.json").read_text()
    (index / "manifest.json").write_text(re.sub(r'"chunks": \d+', '"chunks": 1e999', manifest))
    kb = KnowledgeBase(index, model=HashingEmbedder())
    assert kb.search("readmit nationals", k=2)
    assert kb.collection.verify() == []


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE state SET value = 'abc' WHERE key = 'generation'",
            "the index is damaged: its state 'generation' is 'abc', not an integer",
        ),
        (
            "UPDATE state SET value = '384.5' WHERE key = 'dimension'",
            "the index is damaged: its state 'dimension' is '384.5', not an integer",
        ),
        ("DROP TABLE chunks", "is damaged (table chunks missing)"),
    ],
)
def test_a_damaged_state_or_schema_is_refused_clearly(
    tmp_path: Path, statement: str, message: str
) -> None:
    index = small_index(tmp_path)
    tamper(index, statement)
    with pytest.raises(IndexOpenError, match=re.escape(message)):
        KnowledgeBase(index, model=HashingEmbedder()).search("readmit nationals", k=2)
    result = invoke(["--index", str(index), "search", "readmit nationals"])
    assert result.exit_code == 2
    assert message in result.stderr.replace("\n", "")


def test_a_vector_of_the_wrong_size_is_refused_clearly(tmp_path: Path) -> None:
    index = small_index(tmp_path)
    tamper(
        index, "UPDATE chunks SET vector = x'0000' WHERE rowid = (SELECT min(rowid) FROM chunks)"
    )
    (index / "vectors.faiss").unlink()  # the cache is rebuilt from the stored vectors
    with pytest.raises(IndexOpenError, match=r"chunk \d+ has a vector of 2 bytes, expected \d+"):
        KnowledgeBase(index, model=HashingEmbedder()).search("readmit nationals", k=2)


HOSTILE_LIMIT = (
    "Agreement on readmission\n\nArticle 1\nTime limits\n"
    "The requested Party shall reply within 14 days \x1b[2J of receipt of the request.\n"
)
HOSTILE_TITLE = '=HYPERLINK("https://evil.example","open") agreement \x1b[31mon readmission'


def test_csv_tables_are_inert_in_spreadsheets_and_terminals(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "hostile-title-en.txt").write_text(HOSTILE_LIMIT, encoding="utf-8")
    sidecar = {"title": HOSTILE_TITLE, "language": "en", "kind": "agreement", "year": 2020}
    (folder / "hostile-title-en.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    index = str(tmp_path / "index")
    assert invoke(["--index", index, "ingest", str(folder)]).exit_code == 0
    matrix = invoke(["--index", index, "matrix", "--all"])
    limits_file = tmp_path / "limits.csv"
    limits = invoke(["--index", index, "time-limits", "--all", "--csv", str(limits_file)])
    assert matrix.exit_code == 0, matrix.output
    assert limits.exit_code == 0, limits.output
    for written in (matrix.stdout, limits_file.read_text(encoding="utf-8")):
        rows = list(csv.reader(io.StringIO(written)))
        cells = [cell for row in rows[1:] for cell in row]
        assert cells, written
        assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
        assert "\x1b" not in written
    title = next(row for row in csv.DictReader(io.StringIO(matrix.stdout)))["title"]
    assert title.startswith("'=HYPERLINK(") and "[31mon readmission" in title
    sentence = next(csv.DictReader(io.StringIO(limits_file.read_text(encoding="utf-8"))))
    assert "14 days [2J of receipt" in sentence["sentence"]
