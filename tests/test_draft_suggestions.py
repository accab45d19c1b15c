"""Drafting suggestions that must not mislead: the export's author is the signed-in user."""

from __future__ import annotations

from pathlib import Path

from readmit.access import Principal, Role
from tests.harness.facade import local_readmit


def test_export_author_is_the_signed_in_user(tmp_path: Path) -> None:
    folders = {"index_dir": tmp_path / "index", "drafts_dir": tmp_path / "drafts"}
    # The local user of a setup without sign-in types a name.
    assert local_readmit(**folders, corpus_dir=tmp_path).export_author() == ""
    dirk = Principal(name="dirk", role=Role.DRAFTER, groups=("negotiators",))
    assert local_readmit(**folders, corpus_dir=tmp_path, principal=dirk).export_author() == "dirk"
