"""Shared fixtures: default state folders in a temp dir, the whole corpus indexed once per session
(`corpus_index`, slow), and the small app index (`small_index`, `app_env`).

Helpers that tests import live in `tests.harness`, never in a test module or here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness.corpus import CORPUS

# Fixtures that load a real embedding model or index the whole corpus: a test using one of them
# belongs to the slow tier (`make test`), not to `make test-fast` (-m "not slow").
SLOW_FIXTURES = frozenset({"corpus_index", "small_index"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def isolated_state_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Default index, drafts, users and audit files in a temp dir, so no test writes into (or
    reads accounts from) the checkout."""

    from readmit.settings import AUDIT_ENV, DRAFTS_ENV, INDEX_ENV, USERS_ENV

    state = tmp_path_factory.mktemp("default-state")
    saved = {name: os.environ.get(name) for name in (INDEX_ENV, DRAFTS_ENV, USERS_ENV, AUDIT_ENV)}
    os.environ.setdefault(INDEX_ENV, str(state / "index"))
    os.environ.setdefault(DRAFTS_ENV, str(state / "drafts"))
    os.environ.setdefault(USERS_ENV, str(state / "users.json"))
    os.environ.setdefault(AUDIT_ENV, str(state / "audit.jsonl"))
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole shipped corpus indexed once with the default (real) model."""
    from readmit.service import KnowledgeBase
    from readmit.settings import DEFAULT_MODEL

    index_dir = tmp_path_factory.mktemp("corpus-index")
    # Developers may point READMIT_TEST_INDEX_SEED at an earlier index of the corpus: it is
    # copied in and the ingest below is incremental, so only changed documents are re-embedded.
    # CI never sets it, so CI always builds from nothing.
    seed = os.environ.get("READMIT_TEST_INDEX_SEED")
    if seed and Path(seed).is_dir():
        shutil.copytree(seed, index_dir, dirs_exist_ok=True)
    report = KnowledgeBase(index_dir, model=DEFAULT_MODEL).ingest([CORPUS])
    assert report.failed == (), report.failed
    return index_dir


@pytest.fixture(scope="session")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus folder, index folder) of the small app corpus (tests.harness.app_index)."""
    from tests.harness.app_index import build_small_index  # imports Streamlit's AppTest

    return build_small_index(tmp_path_factory.getbasetemp() / "readmit-app")


@pytest.fixture
def app_env(
    small_index: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Path]]:
    """The environment the app reads; drafts and uploads go to this test's own folders."""
    import streamlit as st  # only the app's tests need it (this file is loaded by every test)

    corpus, index = small_index
    env = {"index": index, "drafts": tmp_path / "drafts", "corpus": corpus}
    monkeypatch.setenv("READMIT_INDEX", str(index))
    monkeypatch.setenv("READMIT_DRAFTS", str(env["drafts"]))
    monkeypatch.setenv("READMIT_CORPUS", str(corpus))
    st.cache_resource.clear()
    yield env
    st.cache_resource.clear()


# ---- PostgreSQL (server mode) ----------------------------------------------------------------

PG_URL_ENV = "READMIT_TEST_PG_URL"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL + pgvector server for server-mode tests.

    READMIT_TEST_PG_URL if set (CI starts the server with scripts/postgres.sh before the
    tests), else a throw-away cluster started here with scripts/postgres.sh and destroyed after.
    If no server can be had, the tests fail with the reason under CI=true, and are skipped
    with the reason elsewhere (a developer without Postgres installed).
    """
    import subprocess

    configured = os.environ.get(PG_URL_ENV)
    if configured:
        yield configured
        return
    script = Path(__file__).resolve().parent.parent / "scripts" / "postgres.sh"
    env = os.environ | {"READMIT_PG_DIR": f"/tmp/readmit-test-pg-{os.getpid()}"}
    started = subprocess.run(
        ["bash", str(script), "start"], capture_output=True, text=True, env=env, check=False
    )
    if started.returncode != 0:
        reason = f"scripts/postgres.sh start failed: {started.stderr.strip() or started.stdout}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(f"{reason} (run `scripts/postgres.sh install` as root)")
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(script), "destroy"], env=env, check=False)


def fresh_database(server_url: str) -> str:
    """A new, empty database on the test server; returns its URL."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    return server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A fresh database for one test."""
    return fresh_database(pg_server)
