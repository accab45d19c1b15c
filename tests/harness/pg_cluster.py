"""A PostgreSQL cluster of a test's own from scripts/postgres.sh, for tests that stop, restart or
replicate the server (the shared `pg_server` of conftest must stay up for the other tests)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "postgres.sh"


def run_script(folder: Path, command: str) -> subprocess.CompletedProcess[str]:
    """`scripts/postgres.sh COMMAND` on the cluster in `folder`."""
    env = os.environ | {"READMIT_PG_DIR": str(folder)}
    return subprocess.run(
        ["bash", str(SCRIPT), command], capture_output=True, text=True, env=env, check=False
    )


@contextmanager
def own_cluster(name: str) -> Iterator[Path]:
    """Start a cluster in /tmp (the postgres user must reach it when root runs the tests);
    destroyed afterwards. Skipped (failed under CI=true) when PostgreSQL is not installed."""
    folder = Path(f"/tmp/readmit-{name}-{os.getpid()}")
    first = run_script(folder, "start")
    if first.returncode != 0:
        run_script(folder, "destroy")
        reason = f"scripts/postgres.sh start failed: {first.stderr.strip() or first.stdout}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(f"{reason} (run `scripts/postgres.sh install` as root)")
    try:
        yield folder
    finally:
        run_script(folder, "destroy")


def cluster_url(folder: Path, command: str = "url") -> str:
    found = run_script(folder, command)
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()
