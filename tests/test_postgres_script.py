"""scripts/postgres.sh: `stop` only stops (data and URL survive a `start`); `destroy` deletes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.harness.pg_cluster import own_cluster
from tests.harness.pg_cluster import run_script as run


@pytest.fixture
def cluster_folder() -> Iterator[Path]:
    with own_cluster("script-test") as folder:
        yield folder


def test_stop_keeps_the_data_and_the_url_and_destroy_deletes(cluster_folder: Path) -> None:
    url = run(cluster_folder, "url").stdout.strip()
    assert url.startswith("postgresql://postgres@127.0.0.1:")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (note text)")
        conn.execute("INSERT INTO kept VALUES ('a draft')")

    assert run(cluster_folder, "stop").returncode == 0
    assert run(cluster_folder, "url").returncode == 1  # not running
    assert (cluster_folder / "data" / "PG_VERSION").exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=3).close()

    restarted = run(cluster_folder, "start")
    assert restarted.returncode == 0, restarted.stderr
    assert restarted.stdout.strip() == url  # the same port, the same URL
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT note FROM kept").fetchall() == [("a draft",)]

    assert run(cluster_folder, "destroy").returncode == 0
    assert not cluster_folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=3).close()
