"""`readmit copy` carries the clause rules' fingerprints: the copy's slots are not called stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.copy import copy_index
from index.embedders import HashingEmbedder
from index.retrieval.glossary import glossary_fingerprint
from index.storage import open_collection
from ingest.taxonomy import taxonomy_fingerprint
from tests.harness.documents import make_chunks, make_document

ARTICLES = [("1", "Time limits", "The requested State shall reply within 10 days.")]


@pytest.mark.parametrize("target_kind", ["folder", "server"])
def test_copy_keeps_the_rules_fingerprints(
    tmp_path: Path, target_kind: str, request: pytest.FixtureRequest
) -> None:
    embedder = HashingEmbedder(dimension=64)
    source = tmp_path / "source"
    with open_collection(source, embedder=embedder) as collection:
        doc = make_document("public-en", ARTICLES)
        collection.upsert_document(doc, make_chunks(doc))
        collection.record_rules(
            taxonomy_sha256=taxonomy_fingerprint(), glossary_sha256=glossary_fingerprint()
        )
        assert not collection.status().slots_stale
    target: str | Path = (
        tmp_path / "copy" if target_kind == "folder" else request.getfixturevalue("pg_url")
    )

    report = copy_index(source, target, embedder=embedder)

    assert report.problems == ()
    with open_collection(target, embedder=embedder) as copied:
        status = copied.status()
    assert status.documents == 1
    assert status.taxonomy_sha256 == taxonomy_fingerprint()
    assert status.glossary_sha256 == glossary_fingerprint()
    assert not status.slots_stale
