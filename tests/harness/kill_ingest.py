"""Kill `readmit ingest` with SIGKILL at random moments and check the index after every kill.

    python -m tests.harness.kill_ingest [--runs 20] [--docs 0] [--seed 1]

Setup: version A of a corpus (the shipped documents, `--docs N` of them, 0 = all) is indexed
once; version B changes every document (text files: a revision mark on every long line; PDFs:
their sidecar title, which changes their content hash). Each run copies the A index, starts
`readmit ingest B` in a child process and kills it with SIGKILL: even-numbered runs after a
random delay between 0 and the time a full run takes (much of it start-up, before any write),
odd ones in the writing phase: once the child has committed a random number k of its batches
(seen by polling the index's generation; `--batch-chunks 40` makes batches of one to three
documents), after a further random 0-50 ms, which lands in the middle of the next batch's
parsing, embedding, commit or cache write. Then it checks
that the index
  - opens (and its writer lock is free again),
  - passes `Collection.verify()`,
  - holds every document exactly as in A or exactly as in B (content hash and chunk texts),
and finally that a second ingest completes the change to B. Prints one line per run and a
summary. The hashing embedder is used: crash safety does not depend on the model.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from index.embedders import HashingEmbedder, make_embedder
from index.storage import open_collection
from readmit.service import KnowledgeBase

REPO = Path(__file__).resolve().parents[2]

CORPUS = REPO / "corpus"
MODEL = HashingEmbedder().name  # the test fake, by the name an index records
REVISION_MARK = " [rev. 2]"
# Batches of about this many chunks: most commits hold two or three corpus documents, and a
# run makes several commits, so kills land inside a multi-document batch and between batches.
BATCH_CHUNKS = 40
# (content hash, chunk texts in reading order) per document.
Snapshot = dict[str, tuple[str, tuple[str, ...]]]


@dataclass
class Trial:
    delay: float
    killed: bool  # False when the child finished before the kill was due
    new_documents: int = 0
    old_documents: int = 0
    problems: list[str] = field(default_factory=list)


def corpus_doc_ids(limit: int = 0) -> list[str]:
    ids = sorted(path.name[: -len(".meta.json")] for path in CORPUS.glob("*.meta.json"))
    return ids[:limit] if limit else ids


def write_versions(work: Path, doc_ids: list[str]) -> tuple[Path, Path]:
    """Folders A (the shipped files) and B (every document changed)."""
    version_a, version_b = work / "A", work / "B"
    for folder in (version_a, version_b):
        folder.mkdir(parents=True, exist_ok=True)
    for doc_id in doc_ids:
        source = next(
            CORPUS / f"{doc_id}{suffix}"
            for suffix in (".txt", ".pdf", ".md")
            if (CORPUS / f"{doc_id}{suffix}").exists()
        )
        sidecar = CORPUS / f"{doc_id}.meta.json"
        shutil.copy2(source, version_a / source.name)
        shutil.copy2(sidecar, version_a / sidecar.name)
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        if source.suffix == ".pdf":
            shutil.copy2(source, version_b / source.name)
            meta["title"] = meta["title"] + REVISION_MARK
        else:
            lines = source.read_text(encoding="utf-8").splitlines()
            revised = [line + REVISION_MARK if len(line) > 60 else line for line in lines]
            (version_b / source.name).write_text("\n".join(revised) + "\n", encoding="utf-8")
        (version_b / sidecar.name).write_text(
            json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    return version_a, version_b


def snapshot(index_dir: Path) -> Snapshot:
    with open_collection(index_dir, embedder=make_embedder(MODEL)) as collection:
        hashes = collection.document_hashes()
        texts: dict[str, list[str]] = {doc_id: [] for doc_id in hashes}
        for chunk in collection.chunk_texts():
            texts.setdefault(chunk.doc_id, []).append(chunk.text)
    return {doc_id: (hashes.get(doc_id, "?"), tuple(texts[doc_id])) for doc_id in texts}


def ingest_command(index_dir: Path | str, folder: Path) -> list[str]:
    code = "import sys; from readmit.cli import main; sys.exit(main())"
    return [
        sys.executable,
        "-c",
        code,
        "--index",
        str(index_dir),
        "ingest",
        "--batch-chunks",
        str(BATCH_CHUNKS),
        str(folder),
    ]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def generation(index_dir: Path) -> int:
    """The index's commit counter, read without touching the writer (read-only connection)."""
    conn = sqlite3.connect(f"file:{index_dir / 'meta.sqlite'}?mode=ro", uri=True, timeout=30)
    try:
        row = conn.execute("SELECT value FROM state WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0
    finally:
        conn.close()


def wait_for_commits(
    index_dir: Path, child: subprocess.Popen[bytes], start: int, commits: int
) -> bool:
    """Poll until the child has committed `commits` times (True) or has exited (False)."""
    while child.poll() is None:
        if generation(index_dir) >= start + commits:
            return True
        time.sleep(0.002)
    return False


def check(index_dir: Path, before: Snapshot, after: Snapshot, trial: Trial) -> None:
    """Open the index after a kill; record every way it differs from old-or-new per document."""
    try:
        with open_collection(index_dir, embedder=make_embedder(MODEL)) as collection:
            trial.problems += collection.verify()
        now = snapshot(index_dir)
    except Exception as error:  # the harness reports; it must not stop at the first bad run
        trial.problems.append(f"index does not open: {type(error).__name__}: {error}")
        return
    if set(now) != set(before):
        trial.problems.append(f"documents changed: {sorted(set(now) ^ set(before))}")
    for doc_id, state in now.items():
        if state == after.get(doc_id):
            trial.new_documents += 1
        elif state == before.get(doc_id):
            trial.old_documents += 1
        else:
            trial.problems.append(f"{doc_id} is neither its old nor its new version")


def finish(index_dir: Path, folder: Path, after: Snapshot, trial: Trial) -> None:
    """A second ingest (which needs the writer lock the killed one held) completes the change."""
    try:
        report = KnowledgeBase(index_dir, model=MODEL).ingest([folder])
    except Exception as error:
        trial.problems.append(f"re-ingest after the kill failed: {type(error).__name__}: {error}")
        return
    if report.failed:
        trial.problems.append(f"re-ingest reported failures: {report.failed}")
    if snapshot(index_dir) != after:
        trial.problems.append("after the re-ingest the index is not version B")


def run_trials(work: Path, *, runs: int, doc_ids: list[str], seed: int) -> list[Trial]:
    version_a, version_b = write_versions(work, doc_ids)
    base = work / "index-A"
    KnowledgeBase(base, model=MODEL).ingest([version_a])
    before = snapshot(base)
    reference = work / "index-B"
    shutil.copytree(base, reference)
    start_generation = generation(reference)
    started = time.monotonic()
    done = subprocess.run(
        ingest_command(reference, version_b), env=child_env(), capture_output=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"the reference ingest of version B failed: {done.stderr[-500:]!r}")
    full_run = time.monotonic() - started
    after = snapshot(reference)
    rng = random.Random(seed)
    trials: list[Trial] = []
    for number in range(runs):
        index_dir = work / f"run-{number}"
        shutil.copytree(base, index_dir)
        in_writing_phase = number % 2 == 1
        started = time.monotonic()
        child = subprocess.Popen(
            ingest_command(index_dir, version_b),
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if in_writing_phase:
            commits = rng.randint(1, max(1, len(doc_ids) - 1))
            wait_for_commits(index_dir, child, start_generation, commits)
            time.sleep(rng.uniform(0.0, 0.05))
        else:
            time.sleep(rng.uniform(0.0, full_run))
        delay = time.monotonic() - started
        killed = child.poll() is None
        if killed:
            child.send_signal(signal.SIGKILL)
        child.wait()
        trial = Trial(delay=delay, killed=killed)
        check(index_dir, before, after, trial)
        finish(index_dir, version_b, after, trial)
        trials.append(trial)
        shutil.rmtree(index_dir, ignore_errors=True)
    return trials


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--docs", type=int, default=0, help="first N corpus documents (0 = all)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    doc_ids = corpus_doc_ids(args.docs)
    with tempfile.TemporaryDirectory(prefix="readmit-kill-") as folder:
        trials = run_trials(Path(folder), runs=args.runs, doc_ids=doc_ids, seed=args.seed)
    for number, trial in enumerate(trials):
        print(
            f"run {number:3d}: kill after {trial.delay:5.2f}s "
            f"{'killed' if trial.killed else 'finished first'}; "
            f"{trial.new_documents} new, {trial.old_documents} old; "
            f"problems: {len(trial.problems)} {'; '.join(trial.problems)}"
        )
    killed = [t for t in trials if t.killed]
    mixed = [t for t in killed if t.new_documents and t.old_documents]
    bad = [t for t in trials if t.problems]
    print(
        f"{len(doc_ids)} documents, {len(trials)} runs, {len(killed)} killed mid-run "
        f"({len(mixed)} with some documents updated and some not), {len(bad)} with problems"
    )
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
