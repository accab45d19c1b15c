"""A plain install (no extras) serves the embedded default; server mode and identity-provider
sign-in, whose packages are extras, say which extra to install — one line, no traceback.

Every step runs in one child process where psycopg, psycopg_pool, pgvector and Authlib cannot be
imported (tests/harness/without_extras.py), as on a machine with `pip install readmit` only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.harness.corpus import REPO, copy_documents
from tests.harness.models import hashing_index

SERVER_HINT = "server mode needs the 'server' extra: pip install 'readmit[server]'"
OIDC_HINT = "sign-in with an identity provider needs the 'oidc' extra: pip install 'readmit[oidc]'"
UNREACHABLE = "postgresql://readmit@127.0.0.1:9/nowhere"  # never contacted: the driver is missing
APP = str(REPO / "app.py")


@pytest.fixture(scope="module")
def steps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each step's result by name, all from one child process without the extras."""
    root = tmp_path_factory.mktemp("without-extras")
    embedded = {
        "READMIT_INDEX": str(hashing_index(root / "index")),
        "READMIT_DRAFTS": str(root / "drafts"),
    }
    server = {"READMIT_INDEX": UNREACHABLE, "READMIT_DRAFTS": str(root / "drafts")}
    corpus = copy_documents(root / "corpus", ["un-refugee-protocol-1967-en"])
    named = {
        "ingest": {"cli": ["ingest", str(corpus)], "env": embedded},
        "search": {"cli": ["search", "refugee", "--json"], "env": embedded},
        "app": {"app": APP, "env": embedded},
        "server index": {"cli": ["--index", UNREACHABLE, "status"], "env": {}},
        "server drafts": {"cli": ["drafts", "--drafts", UNREACHABLE], "env": embedded},
        "server app": {"app": APP, "env": server},
        "signin": {"signin": True},
    }
    plan = root / "steps.json"
    plan.write_text(json.dumps(list(named.values())), encoding="utf-8")
    child = subprocess.run(
        [sys.executable, "-m", "tests.harness.without_extras", str(plan)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert child.returncode == 0, child.stderr
    return dict(zip(named, json.loads(child.stdout.splitlines()[-1]), strict=True))


def test_the_embedded_default_needs_no_extra(steps: dict[str, dict[str, Any]]) -> None:
    ingest, search = steps["ingest"], steps["search"]
    assert (ingest["exit_code"], ingest["uncaught"]) == (0, None), ingest["stderr"]
    assert "1 indexed" in ingest["stderr"]
    assert (search["exit_code"], search["uncaught"]) == (0, None), search["stderr"]
    hits = json.loads(search["stdout"])["hits"]
    assert hits and hits[0]["doc_id"] == "un-refugee-protocol-1967-en"
    assert steps["app"] == {"exceptions": [], "errors": []}


@pytest.mark.parametrize("name", ["server index", "server drafts"])
def test_server_mode_without_its_extra_is_one_clear_line(
    steps: dict[str, dict[str, Any]], name: str
) -> None:
    result = steps[name]
    assert (result["exit_code"], result["uncaught"]) == (2, None), result
    lines = result["stderr"].strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {SERVER_HINT}"), result["stderr"]


def test_the_app_in_server_mode_without_its_extra_shows_the_line(
    steps: dict[str, dict[str, Any]],
) -> None:
    shown = steps["server app"]
    assert shown["exceptions"] == []
    assert [m for m in shown["errors"] if SERVER_HINT in m], shown


def test_identity_provider_sign_in_without_its_extra_names_it(
    steps: dict[str, dict[str, Any]],
) -> None:
    from readmit.facade import oidc_extra_missing

    assert steps["signin"] == {"oidc": OIDC_HINT}
    assert oidc_extra_missing() is None  # installed here (the test extra includes it)
