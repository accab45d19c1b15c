#!/usr/bin/env bash
# Wheel smoke test: build the wheel, install it into a fresh venv outside the checkout, and from a
# temp folder (not the checkout, so nothing is imported from the source tree) ingest two corpus
# files, search them, create a draft and export it. Proves the package works as installed, not
# only as an editable install (every subpackage and every rule data file must be in the wheel).
# Prints the duration of each step and in total.
#
#   scripts/smoke_wheel.sh            (PYTHON=python3.11 to choose the interpreter)
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/readmit-smoke.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
started=$SECONDS
step() { echo "smoke-wheel: $1 (${SECONDS}s elapsed)"; }

step "building the wheel"
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/dist" "$REPO"
wheel="$(ls "$WORK"/dist/readmit-*.whl)"
"$PYTHON" - "$wheel" <<'EOF'
import sys
import zipfile

names = set(zipfile.ZipFile(sys.argv[1]).namelist())
wanted = [
    "readmit/ui/__init__.py",
    "readmit/drafting/__init__.py",
    "index/retrieval/glossary_terms.json",
    "ingest/taxonomy.toml",
    "readmit/drafting/placeholders.toml",
]
missing = [name for name in wanted if name not in names]
assert not missing, f"missing from the wheel: {missing}"
EOF

step "installing it into a fresh venv"
"$PYTHON" -m venv "$WORK/venv"
VENV_BIN="$WORK/venv/bin"
"$VENV_BIN/pip" install --quiet --upgrade pip
# torch first: the pinned 2.13.0 is a local CPU build here; otherwise pip pulls a multi-GB CUDA build.
"$VENV_BIN/pip" install --quiet torch==2.13.0
"$VENV_BIN/pip" install --quiet "$wheel"

mkdir -p "$WORK/run/docs"
cp "$REPO"/corpus/un-refugee-protocol-1967-en.* "$WORK/run/docs/"
cp "$REPO"/corpus/schengen-states-poland-readmission-1991-nl.* "$WORK/run/docs/"
cd "$WORK/run"
export READMIT_INDEX="$WORK/run/index" READMIT_DRAFTS="$WORK/run/drafts"

step "checking the package is the installed one"
"$VENV_BIN/python" - "$WORK/venv" <<'EOF'
import sys
from pathlib import Path

import readmit.drafting
import readmit.ui
from index.retrieval.glossary import load_glossary
from ingest.taxonomy import SLOTS

venv = Path(sys.argv[1]).resolve()
for module in (readmit.drafting, readmit.ui):
    assert venv in Path(module.__file__).resolve().parents, f"{module.__name__} not from the venv"
assert load_glossary().concepts, "empty glossary"
assert len(SLOTS) > 10, "taxonomy not loaded"
EOF

step "readmit ingest"
"$VENV_BIN/readmit" ingest docs 2>&1 | tee ingest.out
grep -q "^2 indexed, .* 0 failed" ingest.out || { echo "smoke-wheel: expected 2 documents indexed, 0 failed" >&2; exit 1; }

step "readmit search"
"$VENV_BIN/readmit" search "readmission of persons from Poland" -k 3 --json > search.json
"$VENV_BIN/python" - <<'EOF'
import json

hits = json.load(open("search.json"))["hits"]
assert hits, "no hits"
assert hits[0]["doc_id"] == "schengen-states-poland-readmission-1991-nl", hits[0]["doc_id"]
EOF

step "creating a draft and readmit export"
draft_id="$("$VENV_BIN/python" - <<'EOF'
import os
from pathlib import Path

from readmit.drafting import SECTIONS
from readmit.drafting.service import DraftingService
from readmit.drafting.store import DraftStore
from readmit.service import KnowledgeBase

hit = KnowledgeBase(Path(os.environ["READMIT_INDEX"])).search("time limit for a reply", k=1)[0]
drafting = DraftingService(DraftStore(Path(os.environ["READMIT_DRAFTS"])))
draft = drafting.create("Smoke draft")
drafting.add_hit(draft.draft_id, section=SECTIONS[0].key, hit=hit)
print(draft.draft_id)
EOF
)"
"$VENV_BIN/readmit" export "$draft_id" --format docx -o smoke.docx
"$VENV_BIN/readmit" export "$draft_id" --format md -o smoke.md
test -s smoke.docx || { echo "smoke-wheel: empty docx" >&2; exit 1; }
grep -q "Smoke draft" smoke.md || { echo "smoke-wheel: title missing from the export" >&2; exit 1; }

step "server mode without the 'server' extra: one line naming it"
if "$VENV_BIN/python" -c "import psycopg" 2>/dev/null; then
  echo "smoke-wheel: psycopg is installed by a plain install (it should be the 'server' extra)" >&2; exit 1
fi
set +e
"$VENV_BIN/readmit" --index postgresql://readmit@127.0.0.1:9/nowhere status 2> server.err
status=$?
set -e
[ "$status" = 2 ] && [ "$(wc -l < server.err)" = 1 ] && grep -q "pip install 'readmit\[server\]'" server.err \
  || { echo "smoke-wheel: expected one line naming the 'server' extra, got:" >&2; cat server.err >&2; exit 1; }

echo "smoke-wheel: OK in $((SECONDS - started))s"
