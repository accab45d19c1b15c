"""Regression tests for the third hardening round (docs/reliability.md, "Hardening, round three").

Each test builds a small hand-made hostile input and shows the defect is gone; the hashing
embedder stands in for the model (what is tested is ingest, storage, exports and the command
line, not search quality). Tests that could hang on the old code (a FIFO opened for reading)
run the operation in a daemon thread and fail, instead of hanging, when it does not return.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import tracemalloc
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner

from index.embedders import HashingEmbedder
from index.errors import IndexOpenError
from index.storage.manifest import read_manifest
from ingest.chunking import chunk_document
from ingest.limits import IngestLimits
from ingest.pipeline import parse_document
from ingest.types import DocumentMeta, ParsedDocument, Unit
from readmit.cli import main
from readmit.drafting.store import DraftStore
from readmit.ingest_progress import ProgressWriter, read_progress, running_ingest
from readmit.service import KnowledgeBase
from tests.harness.models import hashing_index

TREATY = (
    "Agreement between A and B on readmission\n\nArticle 1\nDefinitions\n"
    "1. The Parties shall readmit their own nationals without formalities.\n\n"
    "Article 2\nTime limits\n1. The requested Party shall reply within 14 calendar days.\n"
)
T = TypeVar("T")


def write_treaty(folder: Path, name: str | bytes, extra: str = "") -> Path:
    """A small treaty file; `name` may be bytes (a file name that is not valid UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = (TREATY + extra).encode("utf-8")
    if isinstance(name, bytes):
        raw = os.path.join(os.fsencode(folder), name)
        with open(raw, "wb") as handle:
            handle.write(data)
        return Path(os.fsdecode(raw))
    path = folder / name
    path.write_bytes(data)
    return path


def finishes(work: Callable[[], T], *, seconds: float = 60.0) -> T:
    """`work()`'s result; fails the test if it has not returned after `seconds` (a hang)."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as error:  # re-raised in the test's thread
            box["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"did not return within {seconds:.0f} s (blocked)")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def ingest(index: Path, *paths: Path) -> object:
    return KnowledgeBase(index, model=HashingEmbedder()).ingest(list(paths))


# ---------------------------------------------------------------- D1: file names not UTF-8


def test_a_file_name_that_is_not_utf8_fails_alone_and_is_recorded(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    write_treaty(folder, "a-en.txt")
    write_treaty(folder, b"bad\xff-en.txt")
    write_treaty(folder, "z-en.txt")
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    report = kb.ingest([folder])
    assert sorted(Path(p).name for p in report.indexed) == ["a-en.txt", "z-en.txt"]
    [(path, reason)] = report.failed
    assert path.endswith("bad\\xff-en.txt")  # shown escaped, printable everywhere
    assert "file name is not valid UTF-8" in reason
    assert [Path(p).name for p, _ in kb.status().failures] == ["bad\\xff-en.txt"]
    # The next run is not stopped either, and the command line prints it.
    index = hashing_index(tmp_path / "cli-index")
    result = CliRunner().invoke(main, ["--index", str(index), "ingest", str(folder)])
    assert result.exit_code == 1, result.output
    assert "bad\\xff-en.txt" in result.output
    assert "file name is not valid UTF-8" in result.output


# ---------------------------------------------------------------- D2: huge integer in a draft


def test_a_draft_with_a_huge_integer_is_set_aside_and_the_others_listed(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    good = store.create("Good draft")
    (tmp_path / "huge.json").write_text('{"revision": ' + "9" * 5000 + "}", encoding="utf-8")
    listing = store.list()
    assert [s.draft_id for s in listing] == [good.draft_id]
    [error] = listing.errors
    assert Path(error.path).name == "huge.json"
    assert "corrupt JSON" in error.reason
    result = CliRunner().invoke(main, ["drafts", "--drafts", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert good.draft_id in result.output


# ---------------------------------------------------------------- D3: the progress file


@pytest.mark.parametrize(
    "content",
    [
        "[" * 100_000,
        '{"pid": 1e999, "started_at": 1, "updated_at": 1, "done": 1, "total": 2}',
        '{"pid": 12345678901234567890, "started_at": 1, "updated_at": 1, "done": 1, "total": 2}',
    ],
    ids=["nested", "pid-inf", "pid-20-digits"],
)
def test_a_damaged_progress_file_is_ignored_and_replaced(tmp_path: Path, content: str) -> None:
    path = tmp_path / "ingest-progress.json"
    path.write_text(content, encoding="utf-8")
    assert read_progress(path) is None
    assert running_ingest(path) is None
    writer = ProgressWriter(path, total=2)  # an ingest starting now takes it over
    writer.file_done("a.txt: indexed")
    writer.finish()
    progress = read_progress(path)
    assert progress is not None and progress.done == 1 and progress.finished


def test_a_progress_file_naming_an_unrelated_live_process_is_stale(tmp_path: Path) -> None:
    path = tmp_path / "ingest-progress.json"
    # pid 1 is alive, but it is not the process that wrote this file.
    path.write_text(
        json.dumps(
            {
                "pid": 1,
                "started_at": 1.0,
                "updated_at": 2.0,
                "done": 3,
                "total": 52,
                "current": "x.pdf: indexed",
                "finished": False,
            }
        ),
        encoding="utf-8",
    )
    assert running_ingest(path) is None
    writer = ProgressWriter(path, total=4)  # this process: really running
    assert running_ingest(path) is not None
    writer.finish()


def test_two_indexes_in_one_folder_have_their_own_progress_file(tmp_path: Path) -> None:
    from readmit.settings import load_settings

    first = load_settings(index_dir=tmp_path / "a", environ={}, cwd=tmp_path)
    second = load_settings(index_dir=tmp_path / "b", environ={}, cwd=tmp_path)
    assert first.ingest_progress_file != second.ingest_progress_file


# ---------------------------------------------------------------- D4: Word export is atomic


def test_an_interrupted_word_export_keeps_the_earlier_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docx.document import Document as DocxDocument

    from readmit.drafting.export_docx import export_docx

    store = DraftStore(tmp_path / "drafts")
    draft = store.create("Model agreement")
    target = tmp_path / "draft.docx"
    export_docx(draft, target)
    earlier = target.read_bytes()

    def save_half_then_interrupted(self: DocxDocument, path: object) -> None:
        with open(path, "wb") as handle:  # type: ignore[call-overload]
            handle.write(earlier[: len(earlier) // 2])
        raise KeyboardInterrupt  # SIGINT while the file is written

    monkeypatch.setattr(DocxDocument, "save", save_half_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        export_docx(draft, target)
    assert target.read_bytes() == earlier
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ---------------------------------------------------------------- D5: derived files bound


def _two_indexes(tmp_path: Path) -> tuple[KnowledgeBase, KnowledgeBase]:
    """Two indexes at the same generation, holding different documents."""
    a = KnowledgeBase(tmp_path / "A", model=HashingEmbedder())
    b = KnowledgeBase(tmp_path / "B", model=HashingEmbedder())
    a.ingest([write_treaty(tmp_path / "ca", "alpha-en.txt")])
    b.ingest([write_treaty(tmp_path / "cb", "beta-en.txt", "Article 3\nCosts\nThe costs.\n")])
    assert a.collection.generation() == b.collection.generation()
    return a, b


def test_a_bm25_folder_from_another_index_is_refused(tmp_path: Path) -> None:
    a, b = _two_indexes(tmp_path)
    generation = a.collection.generation()
    folder = f"bm25.g{generation}"
    assert (tmp_path / "A" / folder).is_dir() and (tmp_path / "B" / folder).is_dir()
    before = [h.doc_id for h in a.search("costs readmit", k=5)]
    shutil.rmtree(tmp_path / "A" / folder)
    shutil.copytree(tmp_path / "B" / folder, tmp_path / "A" / folder)
    reopened = KnowledgeBase(tmp_path / "A", model=HashingEmbedder())
    problems = reopened.collection.verify()
    assert any("bm25" in problem and "another index" in problem for problem in problems)
    assert [h.doc_id for h in reopened.search("costs readmit", k=5)] == before
    # Refused and rebuilt: the folder is A's own again.
    assert KnowledgeBase(tmp_path / "A", model=HashingEmbedder()).collection.verify() == []


def test_a_vector_cache_from_another_index_is_refused(tmp_path: Path) -> None:
    a, _ = _two_indexes(tmp_path)
    before = [(h.doc_id, h.chunk_id) for h in a.search("nationals", k=5)]
    for name in ("vectors.faiss", "manifest.json"):
        shutil.copy2(tmp_path / "B" / name, tmp_path / "A" / name)
    reopened = KnowledgeBase(tmp_path / "A", model=HashingEmbedder())
    own_id = reopened.collection.index_id()  # opening refuses the cache and rebuilds it
    manifest = read_manifest(tmp_path / "A")
    assert manifest is not None and manifest.index_id == own_id
    assert [(h.doc_id, h.chunk_id) for h in reopened.search("nationals", k=5)] == before
    assert reopened.collection.verify() == []
    # verify() names the swap too (an open index has its vectors in memory already).
    for name in ("vectors.faiss", "manifest.json"):
        shutil.copy2(tmp_path / "B" / name, tmp_path / "A" / name)
    assert any("another index" in problem for problem in reopened.collection.verify())


# ---------------------------------------------------------------- D6: temp folders vanish


def test_saving_bm25_ignores_another_process_temp_folder_that_vanishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    kb.ingest([write_treaty(tmp_path / "c", "alpha-en.txt")])
    vanished = tmp_path / "index" / ".bm25.g99.abc.tmp"  # listed, then renamed by its writer
    real_glob = Path.glob

    def glob_listing_a_vanished_folder(self: Path, pattern: str) -> object:
        found = list(real_glob(self, pattern))
        return iter([*found, vanished] if pattern.endswith(".tmp") else found)

    monkeypatch.setattr(Path, "glob", glob_listing_a_vanished_folder)
    for child in (tmp_path / "index").glob("bm25.g*"):
        shutil.rmtree(child)
    reopened = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    assert reopened.search("nationals", k=3)  # builds and saves BM25 without raising


# ---------------------------------------------------------------- D7: size before hashing


def test_a_huge_file_is_refused_by_size_before_it_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    write_treaty(folder, "small-en.txt")
    huge = folder / "huge-en.txt"
    with open(huge, "wb") as handle:
        handle.truncate(300_000_000)  # sparse: 300 MB that take no disk space
    tracemalloc.start()
    try:
        report = KnowledgeBase(tmp_path / "index", model=HashingEmbedder()).ingest([folder])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [Path(p).name for p in report.indexed] == ["small-en.txt"]
    [(_, reason)] = report.failed
    assert reason.startswith("file too large: 300000000 bytes exceeds max_bytes=")
    assert peak < 50_000_000, f"{peak} bytes allocated: the file was read"


# ---------------------------------------------------------------- FIFOs and odd file types


def test_a_fifo_in_the_index_folder_does_not_hang_search_or_verify(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    kb.ingest([write_treaty(tmp_path / "c", "alpha-en.txt")])
    index = tmp_path / "index"
    [bm25] = list(index.glob("bm25.g*"))
    (bm25 / "lexical.json").unlink()
    os.mkfifo(bm25 / "lexical.json")
    (index / "vectors.faiss").unlink()
    os.mkfifo(index / "vectors.faiss")
    reopened = finishes(lambda: KnowledgeBase(index, model=HashingEmbedder()))
    problems = finishes(reopened.collection.verify)
    assert any("not a regular file" in problem for problem in problems)
    assert finishes(lambda: reopened.search("nationals", k=3))


def test_a_fifo_manifest_does_not_hang_opening(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    kb.ingest([write_treaty(tmp_path / "c", "alpha-en.txt")])
    (tmp_path / "index" / "manifest.json").unlink()
    os.mkfifo(tmp_path / "index" / "manifest.json")
    reopened = finishes(lambda: KnowledgeBase(tmp_path / "index", model=HashingEmbedder()))
    assert finishes(lambda: reopened.search("nationals", k=3))


def test_a_fifo_in_the_drafts_folder_is_listed_as_unreadable(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    good = store.create("Good draft")
    os.mkfifo(tmp_path / "pipe.json")
    listing = finishes(store.list)
    assert [s.draft_id for s in listing] == [good.draft_id]
    assert [Path(e.path).name for e in listing.errors] == ["pipe.json"]
    assert "not a regular file" in listing.errors[0].reason


def test_an_index_lock_that_is_a_folder_gives_a_clear_error(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    kb.ingest([write_treaty(tmp_path / "c", "alpha-en.txt")])
    (tmp_path / "index" / "index.lock").unlink()
    (tmp_path / "index" / "index.lock").mkdir()
    with pytest.raises(IndexOpenError, match="index.lock is not a regular file"):
        KnowledgeBase(tmp_path / "index", model=HashingEmbedder()).search("nationals")


def test_a_fifo_named_on_the_command_line_is_reported_as_such(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe-en.txt")
    report = finishes(lambda: ingest(tmp_path / "index", tmp_path / "pipe-en.txt"))
    [(_, reason)] = report.failed  # type: ignore[attr-defined]
    assert reason == "not a regular file (a FIFO, device or socket): not read"


# ---------------------------------------------------------------- long names


def test_a_file_name_of_250_bytes_is_indexed(tmp_path: Path) -> None:
    stem = "x" * 243 + "-en"  # 250 bytes with ".txt"; its sidecar name would be too long
    path = write_treaty(tmp_path / "c", stem + ".txt")
    report = ingest(tmp_path / "index", path.parent)
    assert [Path(p).name for p in report.indexed] == [path.name]  # type: ignore[attr-defined]


def test_an_upload_with_a_very_long_name_is_refused_cleanly(tmp_path: Path) -> None:
    from readmit.uploads import UploadedFile, save_uploads

    name = "y" * 246 + "-en.txt"
    outcome = save_uploads(tmp_path / "uploads", [UploadedFile(name, TREATY.encode())])
    assert outcome.saved == ()
    [(_, reason)] = outcome.rejected
    assert "file name is too long" in reason
    assert list((tmp_path / "uploads").glob(".*")) == []


# ---------------------------------------------------------------- inert text


ESCAPES = "\x1b]0;owned\x07 \x1b[31mred\x1b[0m \x00nul"
BIDI = "\u202eevil\u202c zero\u200bwidth\u2066iso\u2069"


def test_the_markdown_export_drops_control_and_bidi_characters(tmp_path: Path) -> None:
    from readmit.drafting.export_markdown import export_markdown

    store = DraftStore(tmp_path)
    draft = store.create(f"Title {ESCAPES} {BIDI}")
    text = export_markdown(draft)
    for character in "\x1b\x07\x00\u202e\u202c\u200b\u2066\u2069":
        assert character not in text, repr(character)
    assert "owned" in text and "evil" in text and "zerowidth" in text


def test_the_word_export_drops_bidi_and_zero_width_characters(tmp_path: Path) -> None:
    from readmit.drafting.export_docx import export_docx

    draft = DraftStore(tmp_path).create(f"Title {BIDI}")
    export_docx(draft, tmp_path / "d.docx")
    with zipfile.ZipFile(tmp_path / "d.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "evil" in xml
    for character in "\u202e\u202c\u200b\u2066\u2069":
        assert character not in xml, repr(character)


def test_terminal_and_app_text_is_neutralised() -> None:
    from readmit.cli.output import inert
    from readmit.ui.render import escape

    for shown in (inert(BIDI), escape(BIDI)):
        for character in "\u202e\u202c\u200b\u2066\u2069":
            assert character not in shown, repr(character)
        assert "evil" in shown


# ---------------------------------------------------------------- ids, chunks, sidecars


def test_nfc_and_nfd_spellings_of_a_name_are_one_document(tmp_path: Path) -> None:
    nfc = unicodedata.normalize("NFC", "café-en.txt")
    nfd = unicodedata.normalize("NFD", "café-en.txt")
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder())
    kb.ingest([write_treaty(tmp_path / "one", nfc)])
    kb.ingest([write_treaty(tmp_path / "two", nfd, "Article 3\nCosts\nThe costs.\n")])
    ids = [d.doc_id for d in kb.collection.list_documents()]
    assert ids == [unicodedata.normalize("NFC", "café-en")]


def test_text_without_whitespace_is_cut_into_bounded_chunks() -> None:
    text = "無" * 300_000 + "x" * 300_000  # no whitespace: Japanese, then one Latin "word"
    unit = Unit(
        eid="art_1", kind="article", part="agreement", number="1", heading="", text=text, order=0
    )
    doc = ParsedDocument(
        meta=DocumentMeta(doc_id="d-ja", title="t", language="ja"),
        units=(unit,),
        content_hash="h",
        source_path="/d-ja.txt",
    )
    chunks = chunk_document(doc, max_tokens=256)
    assert max(len(chunk.text) for chunk in chunks) <= 256 * 8
    body = "".join(chunk.text.split("\n", 1)[1] for chunk in chunks)
    assert body == text  # nothing lost, in order


def test_a_combining_mark_stays_with_its_letter_when_a_word_is_cut() -> None:
    text = "e\u0301" * 10_000
    unit = Unit(
        eid="art_1", kind="article", part="agreement", number="1", heading="", text=text, order=0
    )
    doc = ParsedDocument(
        meta=DocumentMeta(doc_id="d-fr", title="t", language="fr"),
        units=(unit,),
        content_hash="h",
        source_path="/d-fr.txt",
    )
    for chunk in chunk_document(doc, max_tokens=64):
        body = chunk.text.split("\n", 1)[1]
        assert len(chunk.text) <= 64 * 8
        assert body.startswith("e") and not body.endswith("e")


def test_a_sidecar_with_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = write_treaty(tmp_path / "c", "bom-en.txt")
    (tmp_path / "c" / "bom-en.meta.json").write_bytes(
        "\ufeff".encode() + json.dumps({"title": "Treaty with a BOM"}).encode()
    )
    assert parse_document(path).meta.title == "Treaty with a BOM"


def test_a_document_without_a_sidecar_is_titled_by_its_title_line(tmp_path: Path) -> None:
    path = write_treaty(tmp_path / "c", "upload-en.txt")
    assert parse_document(path).meta.title == "Agreement between A and B on readmission"


# ---------------------------------------------------------------- status and where we looked


def test_status_during_the_first_ingest_does_not_call_slots_stale(tmp_path: Path) -> None:
    from index.storage import open_collection

    index = hashing_index(tmp_path / "index")
    path = write_treaty(tmp_path / "c", "alpha-en.txt")
    doc = parse_document(path)
    collection = open_collection(index, embedder=HashingEmbedder())
    collection.upsert_documents([(doc, tuple(chunk_document(doc)))])  # first commit, no slots yet
    assert not collection.status().slots_stale
    result = CliRunner().invoke(main, ["--index", str(index), "status"])
    assert "stale" not in result.output


def test_an_empty_drafts_listing_says_where_it_looked(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["drafts", "--drafts", str(tmp_path / "nowhere")])
    assert result.exit_code == 0
    assert f"no drafts in {tmp_path / 'nowhere'}" in result.output


# ---------------------------------------------------------------- user files out of the checkout


def test_uploads_go_to_the_users_data_and_are_indexed_with_the_corpus(tmp_path: Path) -> None:
    from readmit.uploads import UploadedFile
    from tests.harness.facade import local_readmit

    corpus = tmp_path / "checkout" / "corpus"
    write_treaty(corpus, "shipped-en.txt")
    index = hashing_index(tmp_path / "state" / "index")
    wb = local_readmit(index_dir=index, drafts_dir=tmp_path / "drafts", corpus_dir=corpus)
    wb.ingest(wb.document_folders())
    outcome = wb.save_uploads([UploadedFile("mine-en.txt", TREATY.encode())])
    [saved] = outcome.saved
    assert saved.parent == tmp_path / "state" / "uploads"
    assert sorted(p.name for p in corpus.iterdir()) == ["shipped-en.txt"]  # checkout untouched
    assert wb.index_uploads(outcome.saved).ok
    # A full re-index (the Maintain page's, `readmit ingest`'s default) keeps the upload.
    wb.ingest(wb.document_folders())
    assert {d.doc_id for d in wb.documents()} == {"shipped-en", "mine-en"}
    # An upload cannot shadow a shipped document: one id, one file.
    clash = wb.save_uploads([UploadedFile("shipped-en.txt", TREATY.encode())])
    assert clash.saved == () and "corpus already holds" in clash.rejected[0][1]


# ---------------------------------------------------------------- a PDF reader that never returns


def test_a_pdf_reader_that_never_returns_is_stopped_and_the_ingest_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-file limit is checked between pages; one pypdf call that never returns is only
    stopped by ending the process it runs in. The hanging reader is patched in here too: the
    in-process path would block on it until `finishes` gives up."""
    import importlib

    from ingest import extract
    from tests.harness.hanging_pdf import hang_the_pdf_reader, read_for_an_hour

    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "a-hangs-en.pdf").write_bytes(b"%PDF-1.4\n% read by a reader that hangs\n%%EOF\n")
    write_treaty(folder, "b-good-en.txt")
    monkeypatch.setattr(extract, "_extract_pdf", read_for_an_hour)
    pdf_process = importlib.import_module("ingest.pdf_process")
    pdf_process.configure_worker(initializer=hang_the_pdf_reader)
    try:
        kb = KnowledgeBase(
            tmp_path / "index",
            model=HashingEmbedder(),
            limits=IngestLimits(max_seconds=1.0, hard_grace_seconds=2.0),
        )
        report = finishes(lambda: kb.ingest([folder]), seconds=120)
    finally:
        pdf_process.configure_worker(initializer=None)
    assert [Path(p).name for p in report.indexed] == ["b-good-en.txt"]
    [(path, reason)] = report.failed
    assert path.endswith("a-hangs-en.pdf")
    assert reason == (
        "over the per-file time limit (the PDF reader did not return within 3 s and was "
        "stopped; max_seconds=1)"
    )


# ---------------------------------------------------------------- a read-only index


def test_a_read_only_index_can_be_searched(tmp_path: Path) -> None:
    """The tests run as root, for whom file modes do not deny writes: the index is made
    immutable (`chattr +i`, which binds root too) as a read-only mount or another user's
    folder would be."""
    import subprocess

    index = tmp_path / "index"
    kb = KnowledgeBase(index, model=HashingEmbedder())
    kb.ingest([write_treaty(tmp_path / "c", "alpha-en.txt")])
    expected = [h.chunk_id for h in kb.search("nationals", k=3)]
    kb.collection.close()
    locked = subprocess.run(["chattr", "-R", "+i", str(index)], capture_output=True, text=True)
    if locked.returncode != 0:
        pytest.skip(f"cannot make a read-only index here: chattr: {locked.stderr.strip()}")
    try:
        reader = KnowledgeBase(index, model=HashingEmbedder())
        assert [h.chunk_id for h in reader.search("nationals", k=3)] == expected
        with pytest.raises(IndexOpenError, match="read-only for this user: searching works"):
            reader.ingest([write_treaty(tmp_path / "c2", "beta-en.txt")])
    finally:
        subprocess.run(["chattr", "-R", "-i", str(index)], check=True)
