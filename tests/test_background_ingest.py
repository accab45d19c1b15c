"""`make run` starts the app at once and indexes in a separate `readmit ingest`: the ingest
writes its progress into the index folder (readmit.ingest_progress), the app's sidebar shows it and
searches what is indexed so far."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from readmit.access import Principal, Role
from readmit.cli import main
from readmit.ingest_progress import (
    ProgressWriter,
    process_started,
    read_progress,
    running_ingest,
)
from readmit.settings import INGEST_PROGRESS_FILE
from tests.harness.app_index import QUERY, run_ok, start
from tests.harness.corpus import copy_documents
from tests.harness.facade import local_readmit
from tests.harness.models import hashing_index

DOCUMENTS = [
    "benelux-kazakhstan-readmission-agreement-2015-en",
    "benelux-bosnia-implementing-protocol-2013-en",
]


def test_the_cli_ingest_writes_its_progress_in_the_index(tmp_path: Path) -> None:
    corpus = copy_documents(tmp_path / "corpus", DOCUMENTS)
    index = hashing_index(tmp_path / "index")
    result = CliRunner().invoke(main, ["--index", str(index), "ingest", str(corpus)])
    assert result.exit_code == 0, result.output
    progress = read_progress(index / INGEST_PROGRESS_FILE)
    assert progress is not None
    assert (progress.done, progress.total, progress.finished) == (2, 2, True)
    assert progress.current.endswith(": indexed")
    assert running_ingest(index / INGEST_PROGRESS_FILE) is None  # finished: not shown


def test_a_killed_ingest_is_not_shown_as_running(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    path = tmp_path / INGEST_PROGRESS_FILE
    path.write_text(
        json.dumps(
            {
                "pid": int(gone.stdout),
                "started_at": 1.0,
                "updated_at": 2.0,
                "done": 3,
                "total": 52,
                "current": "x.pdf: indexed",
                "finished": False,
            }
        ),
        encoding="utf-8",
    )
    assert read_progress(path) is not None
    assert running_ingest(path) is None
    path.write_text("{not json", encoding="utf-8")
    assert read_progress(path) is None


def test_a_second_ingest_leaves_the_running_ones_progress_alone(tmp_path: Path) -> None:
    path = tmp_path / INGEST_PROGRESS_FILE
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        path.write_text(
            json.dumps(
                {
                    "pid": sleeper.pid,
                    "pid_started": process_started(sleeper.pid),
                    "started_at": 1.0,
                    "updated_at": 2.0,
                    "done": 3,
                    "total": 52,
                    "current": "x.pdf: indexed",
                    "finished": False,
                }
            ),
            encoding="utf-8",
        )
        second = ProgressWriter(path, total=52)
        second.finish()  # it failed at the writer lock before indexing anything
        running = running_ingest(path)
        assert running is not None and running.pid == sleeper.pid and running.done == 3
    finally:
        sleeper.kill()
        sleeper.wait()


def test_the_app_shows_the_progress_and_searches_meanwhile(app_env: dict[str, Path]) -> None:
    progress_file = app_env["index"] / INGEST_PROGRESS_FILE
    writer = ProgressWriter(progress_file, total=52)  # this process plays the running ingest
    try:
        writer.file_done("benelux-kazakhstan-readmission-agreement-2015-en.txt: indexed")
        at = start()
        bars = [bar for bar in at.get("progress")]
        assert len(bars) == 1
        assert "Indexing the corpus: 1 of 52 files" in bars[0].proto.text
        assert any("Searches already cover" in caption.value for caption in at.caption)
        at.text_input(key="query").set_value(QUERY)
        run_ok(at)
        assert any("rdm-cite" in body for body in (h.value for h in at.html))
        writer.file_done("benelux-bosnia-implementing-protocol-2013-en.txt: indexed")
        run_ok(at)
        assert "2 of 52 files" in at.get("progress")[0].proto.text
    finally:
        writer.finish()
    run_ok(at)
    assert len(at.get("progress")) == 0
    assert os.path.exists(progress_file)
    progress_file.unlink()


def test_only_those_who_may_reindex_see_which_file_the_ingest_reached(tmp_path: Path) -> None:
    # The last file's name may be a restricted document's: a reader sees how far, not which.
    index = hashing_index(tmp_path / "index")
    writer = ProgressWriter(index / INGEST_PROGRESS_FILE, total=4)  # this process plays the ingest
    try:
        writer.file_done("restricted-negotiation-mandate-2026.pdf: indexed")
        seen = {
            role: local_readmit(
                index_dir=index,
                drafts_dir=tmp_path / "drafts",
                principal=Principal(name=role.value, role=role, groups=("secretariat",)),
            ).background_ingest()
            for role in Role
        }
    finally:
        writer.finish()
    for role, progress in seen.items():
        assert progress is not None and (progress.done, progress.total) == (1, 4), role
    assert seen[Role.MAINTAINER] is not None
    assert seen[Role.MAINTAINER].current == "restricted-negotiation-mandate-2026.pdf: indexed"
    for role in (Role.READER, Role.DRAFTER):
        progress = seen[role]
        assert progress is not None and progress.current == "", role
