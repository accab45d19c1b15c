"""Damaged or tampered index files are refused with a clear message; nothing is unpickled.

meta.sqlite is the source of truth; vectors.faiss is a cache whose sha256 the manifest holds.
A cache that fails its checksum (or a manifest that cannot be read) is refused and rebuilt
from meta.sqlite with a warning; a damaged meta.sqlite is refused outright.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.embedders import HashingEmbedder
from index.errors import IndexOpenError
from index.storage import Collection
from index.storage import open_collection as open_at
from readmit.cli import main
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents

REPO = Path(__file__).resolve().parent.parent
DOCS = ["benelux-kazakhstan-readmission-agreement-2015-en", "un-refugee-protocol-1967-en"]


@pytest.fixture()
def index_dir(tmp_path: Path) -> Path:
    corpus = copy_documents(tmp_path / "corpus", DOCS)
    index = tmp_path / "index"
    report = KnowledgeBase(index, model=HashingEmbedder()).ingest([corpus])
    assert report.failed == ()
    return index


def open_collection(index: Path) -> Collection:
    return open_at(index, embedder=HashingEmbedder())


def test_tampered_vector_cache_is_refused_and_rebuilt(
    index_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = index_dir / "vectors.faiss"
    with open_collection(index_dir) as open_before:
        data = bytearray(cache.read_bytes())
        data[len(data) // 2] ^= 0xFF
        cache.write_bytes(bytes(data))
        assert any("checksum does not match the manifest" in p for p in open_before.verify())
    with caplog.at_level(logging.WARNING, logger="index.storage.sqlite"):
        collection = open_collection(index_dir)
    assert re.search(
        r"index cache refused: .*vectors\.faiss: checksum does not match the manifest; "
        r"rebuilding it from meta\.sqlite",
        caplog.text,
    )
    with collection:
        assert collection.verify() == []
        assert collection.search("readmission of own nationals", k=3)


def test_unreadable_manifest_is_refused_and_rewritten(
    index_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (index_dir / "manifest.json").write_text('{"generation": "seven"', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="index.storage.sqlite"):
        collection = open_collection(index_dir)
    assert "index cache refused: manifest.json is unreadable" in caplog.text
    with collection:
        assert collection.verify() == []
    assert json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))["chunks"] > 0


class _Exploit:
    """Unpickling this would create a marker file: proof that pickle data was executed."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (str(self.marker), "pwned"))


def test_a_pickle_planted_as_the_cache_is_never_unpickled(
    index_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Even with a manifest whose checksum matches the planted file, FAISS's own format is
    parsed (and rejected), never pickle."""
    marker = tmp_path / "marker.txt"
    payload = pickle.dumps(_Exploit(marker))
    (index_dir / "vectors.faiss").write_bytes(payload)
    manifest_path = index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["vectors_sha256"] = hashlib.sha256(payload).hexdigest()
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="index.storage.sqlite"):
        collection = open_collection(index_dir)
    assert "not a FAISS index" in caplog.text
    assert not marker.exists()
    with collection:
        assert collection.verify() == []


def test_damaged_database_is_refused_with_a_clear_message(index_dir: Path) -> None:
    db = index_dir / "meta.sqlite"
    with sqlite3.connect(db) as conn:  # move the WAL's pages into the file we damage
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    # Keep the 100-byte header (SQLite still opens the file) and trash pages 2..4.
    data[page : 4 * page] = bytes(range(256)) * (3 * page // 256)
    db.write_bytes(bytes(data))
    with pytest.raises(IndexOpenError, match=r"meta\.sqlite is damaged .*restore it from a backup"):
        open_collection(index_dir)
    result = CliRunner().invoke(main, ["--index", str(index_dir), "status"])
    assert result.exit_code == 2
    assert "is damaged" in result.stderr
    assert "Traceback" not in result.output


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    index = tmp_path / "index"
    index.mkdir()
    (index / "meta.sqlite").write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(IndexOpenError, match="not a readmit index database"):
        open_collection(index)


def test_no_code_loads_pickles() -> None:
    """pickle (and loaders built on it) must never read index or upload files."""
    risky = re.compile(r"\bimport pickle\b|pickle\.loads?\(|allow_pickle\s*=\s*True|torch\.load\(")
    offenders = [
        str(path.relative_to(REPO))
        for folder in ("ingest", "index", "readmit")
        for path in (REPO / folder).rglob("*.py")
        if risky.search(path.read_text(encoding="utf-8"))
    ]
    app = REPO / "app.py"
    if app.exists() and risky.search(app.read_text(encoding="utf-8")):
        offenders.append("app.py")
    assert offenders == []
