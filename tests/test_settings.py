"""One settings object for the CLI and the app: flags, then the environment, then defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from readmit.cli import main
from readmit.facade import open_services
from readmit.settings import Settings, load_settings


def test_defaults_are_under_the_working_directory(tmp_path: Path) -> None:
    settings = load_settings(environ={}, cwd=tmp_path)
    assert settings == Settings(
        index_dir=tmp_path / ".readmit" / "index",
        drafts_dir=tmp_path / ".readmit" / "drafts",
        corpus_dir=tmp_path / "corpus",
        rejected_uploads_dir=tmp_path / ".readmit" / "rejected-uploads",
        users_file=tmp_path / ".readmit" / "users.json",
        audit_file=tmp_path / ".readmit" / "audit.jsonl",
        model=None,
    )


def test_the_environment_overrides_the_defaults(tmp_path: Path) -> None:
    environ = {
        "READMIT_INDEX": str(tmp_path / "ix"),
        "READMIT_DRAFTS": str(tmp_path / "dr"),
        "READMIT_CORPUS": str(tmp_path / "co"),
        "READMIT_MODEL": "minilm",
        "READMIT_USERS": str(tmp_path / "us.json"),
        "READMIT_AUDIT": str(tmp_path / "au.jsonl"),
    }
    settings = load_settings(environ=environ, cwd=tmp_path / "elsewhere")
    assert settings.index_dir == tmp_path / "ix"
    assert settings.drafts_dir == tmp_path / "dr"
    assert settings.corpus_dir == tmp_path / "co"
    assert settings.rejected_uploads_dir == tmp_path / "rejected-uploads"
    assert settings.model == "minilm"
    assert settings.users_file == tmp_path / "us.json"
    assert settings.audit_file == tmp_path / "au.jsonl"


def test_flags_override_the_environment(tmp_path: Path) -> None:
    environ = {"READMIT_INDEX": "/nowhere", "READMIT_MODEL": "minilm"}
    settings = load_settings(
        index_dir=tmp_path / "flag-ix", model="e5", environ=environ, cwd=tmp_path
    )
    assert settings.index_dir == tmp_path / "flag-ix"
    assert settings.model == "e5"


def test_cli_and_app_read_the_same_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READMIT_INDEX", str(tmp_path / "ix"))
    monkeypatch.setenv("READMIT_DRAFTS", str(tmp_path / "dr"))
    monkeypatch.setenv("READMIT_CORPUS", str(tmp_path / "co"))
    services = open_services(load_settings())
    drafts = Path(services.drafts.location)
    assert (services.kb.index_dir, drafts, services.settings.corpus_dir) == (
        tmp_path / "ix",
        tmp_path / "dr",
        tmp_path / "co",
    )
    assert services.rejected_dir == tmp_path / "rejected-uploads"
    # The CLI looks for drafts in the same folder (a missing draft names the file it tried).
    result = CliRunner().invoke(main, ["export", "no-such-draft", "-o", str(tmp_path / "x.md")])
    assert result.exit_code == 2
    assert str(tmp_path / "dr" / "no-such-draft.json") in " ".join(result.output.split())
