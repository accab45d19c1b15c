"""A plain install (no extras) serves the embedded default; server mode and identity-provider
sign-in, whose packages are extras, say which extra to install — one line, no traceback.

Each step runs in a child process where psycopg, psycopg_pool, pgvector and Authlib cannot be
imported (tests/harness/without_extras.py), as on a machine with `pip install readmit` only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.harness.corpus import REPO, copy_documents
from tests.harness.models import hashing_index

SERVER_HINT = "pip install 'readmit[server]'"
UNREACHABLE = "postgresql://readmit@127.0.0.1:9/nowhere"  # never contacted: the driver is missing


def without_extras(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.harness.without_extras", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_embedded_default_needs_no_extra(tmp_path: Path) -> None:
    index = str(hashing_index(tmp_path / "index"))
    corpus = copy_documents(tmp_path / "corpus", ["un-refugee-protocol-1967-en"])
    env = {"READMIT_INDEX": index, "READMIT_DRAFTS": str(tmp_path / "drafts")}

    ingest = without_extras("readmit", "ingest", str(corpus), cwd=tmp_path, env=env)
    assert ingest.returncode == 0, ingest.stderr
    assert "1 indexed" in ingest.stderr

    search = without_extras("readmit", "search", "refugee", "--json", cwd=tmp_path, env=env)
    assert search.returncode == 0, search.stderr
    hits = json.loads(search.stdout)["hits"]
    assert hits and hits[0]["doc_id"] == "un-refugee-protocol-1967-en"

    app = without_extras("app", str(REPO / "app.py"), cwd=tmp_path, env=env)
    assert app.returncode == 0, app.stderr
    assert json.loads(app.stdout.splitlines()[-1]) == {"exceptions": [], "errors": []}


def test_server_mode_without_its_extra_is_one_clear_line(tmp_path: Path) -> None:
    for args in (
        ("--index", UNREACHABLE, "status"),
        ("--index", str(tmp_path / "index"), "drafts", "--drafts", UNREACHABLE),
    ):
        result = without_extras("readmit", *args, cwd=tmp_path, env={})
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and SERVER_HINT in lines[0], result.stderr

    env = {"READMIT_INDEX": UNREACHABLE, "READMIT_DRAFTS": str(tmp_path / "drafts")}
    app = without_extras("app", str(REPO / "app.py"), cwd=tmp_path, env=env)
    shown = json.loads(app.stdout.splitlines()[-1])
    assert shown["exceptions"] == []
    assert any(SERVER_HINT in message for message in shown["errors"]), shown


def test_identity_provider_sign_in_without_its_extra_names_it(tmp_path: Path) -> None:
    result = without_extras("signin", cwd=tmp_path, env={})
    assert json.loads(result.stdout) == {
        "oidc": "sign-in with an identity provider needs the 'oidc' extra: "
        "pip install 'readmit[oidc]'"
    }
    from readmit.facade import oidc_extra_missing

    assert oidc_extra_missing() is None  # installed here (the test extra includes it)
