"""Print how long structure parsing takes as the text grows (numbers only, never asserted).

    python scripts/measure_structure.py [--sizes 1,5,20,50]

Three shapes per size (MB of text): a corpus treaty repeated until the size is reached (every
copy restarts at "Article 1", so it becomes many instruments), one article whose body is
hundreds of thousands of lines, and one paragraph with that many lettered points. Linear
parsing keeps seconds per MB roughly constant across sizes; a quadratic part makes it grow
with the size.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.structure import parse_structure  # noqa: E402
from ingest.types import Line  # noqa: E402

TREATY = REPO / "corpus" / "benelux-kazakhstan-readmission-agreement-2015-en.txt"
BODY_LINE = "The requested Party shall reply to the readmission application without delay."


def repeated_treaty(size: int) -> list[str]:
    text = TREATY.read_text(encoding="utf-8")
    copies = max(1, size // len(text))
    return (text * copies).splitlines()


def one_long_article(size: int) -> list[str]:
    count = size // (len(BODY_LINE) + 1)
    return ["Agreement", "Article 1", "Time limits", *([BODY_LINE] * count), "Article 2", "End."]


def many_points(size: int) -> list[str]:
    count = size // (len(BODY_LINE) + 4)
    letters = "abcdefghijklmnopqrstuvwxyz"
    points = [f"({letters[i % 26]}) {BODY_LINE}" for i in range(count)]
    return ["Agreement", "Article 1", "1. The Parties shall readmit:", *points]


SHAPES = {
    "repeated treaty": repeated_treaty,
    "one long article": one_long_article,
    "many points": many_points,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,5,20", help="sizes in MB, comma-separated")
    args = parser.parse_args()
    for name, shape in SHAPES.items():
        for megabytes in (float(s) for s in args.sizes.split(",")):
            lines = [Line(text=text) for text in shape(int(megabytes * 1_000_000))]
            started = time.perf_counter()
            units = parse_structure(lines, language="en")
            seconds = time.perf_counter() - started
            print(
                f"{name:17} {megabytes:5.1f} MB {len(lines):9d} lines {len(units):6d} units "
                f"{seconds:7.2f} s  ({seconds / megabytes:.2f} s/MB)",
                flush=True,
            )


if __name__ == "__main__":
    main()
