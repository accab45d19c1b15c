"""Readers searching while a re-index runs, and a second writer: both handled cleanly.

Reader processes search in a loop while `readmit ingest` child processes replace every
document several times (`tests/harness/concurrent_readers.py`); a second ingest while one holds the
writer lock fails at once with a clear message; a killed writer's lock does not block.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from index.lock import writer_lock
from tests.harness.concurrent_readers import run, text_doc_ids
from tests.harness.corpus import copy_documents
from tests.harness.kill_ingest import child_env, ingest_command
from tests.harness.models import hashing_index


@pytest.mark.slow  # reader and writer child processes, several full re-indexes
def test_readers_never_fail_and_never_see_a_mix(tmp_path: Path) -> None:
    summary = run(tmp_path, readers=3, cycles=4, doc_ids=text_doc_ids(6))
    assert summary.writer_failures == 0
    assert summary.errors == []
    assert summary.inconsistencies == []
    assert summary.searches >= 3  # every reader answered at least once


def test_a_second_writer_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    corpus = copy_documents(tmp_path / "corpus", ["un-refugee-protocol-1967-en"])
    index = hashing_index(tmp_path / "index")  # the CLI child then uses the fast fake
    with writer_lock(index):
        second = subprocess.run(
            ingest_command(index, corpus), env=child_env(), capture_output=True, text=True
        )
    assert second.returncode == 2
    assert f"another ingest is running (pid {os.getpid()}) on {index}" in second.stderr
    assert "Traceback" not in second.stderr
    after = subprocess.run(
        ingest_command(index, corpus), env=child_env(), capture_output=True, text=True
    )
    assert after.returncode == 0, after.stderr


def test_a_killed_writers_lock_does_not_block(tmp_path: Path) -> None:
    index = hashing_index(tmp_path / "index")  # the CLI child then uses the fast fake
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from index.lock import writer_lock\n"
            "with writer_lock(Path(sys.argv[1])):\n"
            "    print('locked', flush=True); time.sleep(600)",
            str(index),
        ],
        env=child_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    corpus = copy_documents(tmp_path / "corpus", ["un-refugee-protocol-1967-en"])
    done = subprocess.run(
        ingest_command(index, corpus), env=child_env(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "1 indexed" in done.stderr
