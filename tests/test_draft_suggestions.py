"""Drafting suggestions that must not mislead: the export's author is the signed-in user."""

from __future__ import annotations

from pathlib import Path

from readmit.access import Principal, Role
from readmit.workbench import export_author, for_principal, open_workbench


def test_export_author_is_the_signed_in_user(tmp_path: Path) -> None:
    wb = open_workbench(
        index_dir=tmp_path / "index", drafts_dir=tmp_path / "drafts", corpus_dir=tmp_path
    )
    assert export_author(wb) == ""  # the local user of a setup without sign-in types a name
    dirk = Principal(name="dirk", role=Role.DRAFTER, groups=("negotiators",))
    assert export_author(for_principal(wb, dirk)) == "dirk"
