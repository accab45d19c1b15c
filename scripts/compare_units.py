"""Snapshot the structure units of every document in a folder, and compare two snapshots.

    python scripts/compare_units.py snapshot corpus --out units-before.json
    python scripts/compare_units.py compare units-before.json units-after.json

A snapshot is parse-only (extraction + structure, no model, no index): for each document its
units as (eId, kind, number, heading, pages, a hash of the text). `compare` prints, for every
document whose units changed, the count before → after and the eIds added, removed or whose
text, heading or pages changed, so that a parser change can be checked against the whole corpus
for new false units. It prints numbers and lists only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.pipeline import IngestError, discover, parse_document  # noqa: E402

Snapshot = dict[str, list[dict[str, object]]]


def snapshot(folder: Path) -> tuple[Snapshot, float]:
    """Every document's units, and the seconds the parsing took in all."""
    paths, problems = discover([folder])
    for problem in problems:
        print(f"skipped: {problem}", file=sys.stderr)
    out: Snapshot = {}
    started = time.perf_counter()
    for path in paths:
        try:
            parsed = parse_document(path)
        except IngestError as error:
            print(f"failed: {error}", file=sys.stderr)
            continue
        out[parsed.doc_id] = [
            {
                "eid": unit.eid,
                "kind": unit.kind,
                "part": unit.part,
                "number": unit.number,
                "heading": unit.heading,
                "pages": [unit.page_start, unit.page_end],
                "parent": unit.parent,
                "text": hashlib.sha256(unit.text.encode()).hexdigest()[:12],
            }
            for unit in parsed.units
        ]
    return out, time.perf_counter() - started


def compare(before: Snapshot, after: Snapshot) -> list[str]:
    """One block of lines per document whose units differ."""
    lines: list[str] = []
    for doc_id in sorted(set(before) | set(after)):
        old = {str(u["eid"]): u for u in before.get(doc_id, [])}
        new = {str(u["eid"]): u for u in after.get(doc_id, [])}
        added = [eid for eid in new if eid not in old]
        removed = [eid for eid in old if eid not in new]
        changed = [eid for eid in new if eid in old and new[eid] != old[eid]]
        if not (added or removed or changed):
            continue
        lines.append(f"{doc_id}: {len(old)} → {len(new)} units")
        for label, eids in (("added", added), ("removed", removed), ("changed", changed)):
            if eids:
                lines.append(f"  {label}: {', '.join(eids)}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("snapshot", help="parse a folder and write its units as JSON")
    take.add_argument("folder", type=Path)
    take.add_argument("--out", type=Path, required=True)
    diff = commands.add_parser("compare", help="list the documents whose units changed")
    diff.add_argument("before", type=Path)
    diff.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "snapshot":
        units, seconds = snapshot(args.folder)
        args.out.write_text(json.dumps(units, ensure_ascii=False, indent=1), encoding="utf-8")
        total = sum(len(v) for v in units.values())
        print(f"{len(units)} documents, {total} units, parsed in {seconds:.2f} s")
        return
    before = json.loads(args.before.read_text(encoding="utf-8"))
    after = json.loads(args.after.read_text(encoding="utf-8"))
    changes = compare(before, after)
    print("\n".join(changes) if changes else "no document's units changed")
    changed = sum(1 for line in changes if not line.startswith(" "))
    print(f"{changed} of {len(after)} documents changed")


if __name__ == "__main__":
    main()
