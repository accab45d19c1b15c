"""Opening an index checks only what changed since it was last verified; `verify` checks all.

index.storage.verified counts the full checks a process runs (`OPEN_CHECKS`): SQLite's
quick_check of meta.sqlite and the sha256 of vectors.faiss. The tests read those counters, not
clocks.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from index.embedders import HashingEmbedder
from index.storage import open_collection
from index.storage.verified import (
    OPEN_CHECKS,
    QUICK_CHECK,
    VECTORS_SHA256,
    VERIFIED_FILE,
    FileIdentity,
)
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents

FIRST = "benelux-kazakhstan-readmission-agreement-2015-en"
SECOND = "un-refugee-protocol-1967-en"


def ingest(index: Path, corpus: Path, names: list[str]) -> None:
    folder = copy_documents(corpus, names)
    report = KnowledgeBase(index, model=HashingEmbedder()).ingest([folder])
    assert report.failed == ()


def checks_of_one_open(index: Path) -> Counter[str]:
    """The full checks run by opening `index` and searching it once."""
    before = Counter(OPEN_CHECKS)
    with open_collection(index, embedder=HashingEmbedder()) as collection:
        assert collection.search("readmission of own nationals", k=3)
    return Counter(OPEN_CHECKS) - before


def forge_verified(index: Path, name: str) -> None:
    """Make verified.json vouch for the file as it now is: damage that leaves a file's identity
    unchanged (a failing disk) looks exactly like this to an open."""
    path = index / VERIFIED_FILE
    raw = json.loads(path.read_text(encoding="utf-8"))
    identity = FileIdentity.of(index / name)
    assert identity is not None
    raw["files"][name]["identity"] = {
        "device": identity.device,
        "inode": identity.inode,
        "size": identity.size,
        "mtime_ns": identity.mtime_ns,
        "ctime_ns": identity.ctime_ns,
    }
    path.write_text(json.dumps(raw), encoding="utf-8")


@pytest.fixture()
def index_dir(tmp_path: Path) -> Path:
    index = tmp_path / "index"
    ingest(index, tmp_path / "corpus-1", [FIRST])
    return index


def test_an_unchanged_index_opens_without_a_full_check(index_dir: Path) -> None:
    checks_of_one_open(index_dir)  # whatever the first open after the ingest does
    assert checks_of_one_open(index_dir) == Counter()


def test_after_an_append_open_checks_nothing_readmit_wrote_itself(
    index_dir: Path, tmp_path: Path
) -> None:
    """The ingest checkpoints and records its own commits and checksums the vector file it
    writes: the next open re-reads neither."""
    checks_of_one_open(index_dir)
    ingest(index_dir, tmp_path / "corpus-2", [SECOND])
    assert checks_of_one_open(index_dir) == Counter()


def test_a_database_changed_outside_readmit_is_checked_once(index_dir: Path) -> None:
    checks_of_one_open(index_dir)
    with sqlite3.connect(index_dir / "meta.sqlite") as conn:
        conn.execute("INSERT OR REPLACE INTO state (key, value) VALUES ('note', 'outside')")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert checks_of_one_open(index_dir) == Counter({QUICK_CHECK: 1})
    assert checks_of_one_open(index_dir) == Counter()  # verified now: not again


def test_a_rewritten_vector_file_is_checksummed_once(index_dir: Path) -> None:
    checks_of_one_open(index_dir)
    cache = index_dir / "vectors.faiss"
    cache.write_bytes(cache.read_bytes())  # same bytes, but no longer the file verified
    assert checks_of_one_open(index_dir) == Counter({VECTORS_SHA256: 1})
    assert checks_of_one_open(index_dir) == Counter()


def test_damage_open_cannot_see_is_found_by_verify(index_dir: Path) -> None:
    checks_of_one_open(index_dir)
    cache = index_dir / "vectors.faiss"
    data = bytearray(cache.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit among the stored vectors
    cache.write_bytes(bytes(data))
    forge_verified(index_dir, "vectors.faiss")
    with open_collection(index_dir, embedder=HashingEmbedder()) as collection:
        problems = collection.verify()
    assert any("vectors.faiss: checksum does not match the manifest" in p for p in problems)


def test_a_damaged_database_open_cannot_see_is_found_by_verify(index_dir: Path) -> None:
    db = index_dir / "meta.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        # A page of the chunks' index (not read by opening or by a search of the vectors).
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'chunks'"
        ).fetchone()[0]
    checks_of_one_open(index_dir)
    with db.open("r+b") as handle:
        handle.seek((root - 1) * page_size)  # its page header: no valid b-tree page any more
        handle.write(b"\xff" * 16)
    forge_verified(index_dir, "meta.sqlite")
    before = Counter(OPEN_CHECKS)
    collection = open_collection(index_dir, embedder=HashingEmbedder())
    assert (Counter(OPEN_CHECKS) - before)[QUICK_CHECK] == 0
    with collection:
        problems = collection.verify()
    assert any(p.startswith("meta.sqlite: ") for p in problems)


def test_a_vector_file_of_another_index_is_refused(
    index_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    other = tmp_path / "other"
    ingest(other, tmp_path / "corpus-other", [FIRST])
    checks_of_one_open(other)
    for name in ("vectors.faiss", "manifest.json", VERIFIED_FILE):
        shutil.copy2(other / name, index_dir / name)
    with caplog.at_level(logging.WARNING, logger="index.storage.sqlite"):
        checks = checks_of_one_open(index_dir)
    assert "belongs to another index" in caplog.text
    assert checks[QUICK_CHECK] == 1  # the copied records are another index's: nothing trusted
    with open_collection(index_dir, embedder=HashingEmbedder()) as collection:
        assert collection.verify() == []
