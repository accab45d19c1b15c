"""What the `readmit` commands print: inert text, JSON lines, hit lists and tables.

Tables are drawn on a terminal and tab-separated when piped.

A rich table squeezed to 80 columns folds every cell into an unreadable column when the output
goes to a file or `less`; piped output is plain TSV instead (one row per line, a header first,
tabs and line breaks inside cells turned into spaces), which `cut`, `sort` and spreadsheets read.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from readmit.facade import Hit, inert_text

# Progress and messages go to stderr so that `--json` output on stdout stays one clean object.
err = Console(stderr=True, soft_wrap=True)


def is_terminal(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


# Control characters (ESC starts terminal escape sequences, CR overwrites a line, U+009B is a
# one-character CSI): never printed from a document or a file name.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(value: str) -> str:
    """No control characters (newlines neither), and no bidi or invisible characters."""
    return _CONTROL_CHARS.sub("", inert_text(value))


def tsv_cell(value: str) -> str:
    return " ".join(inert(value).replace("\t", " ").split())


def print_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str = "",
    stream: TextIO | None = None,
    show_lines: bool = False,
) -> None:
    """`rows` as a table on a terminal (its full width), else as TSV with a header line."""
    stream = stream or sys.stdout
    if not is_terminal(stream):
        stream.write("\t".join(columns) + "\n")
        for row in rows:
            stream.write("\t".join(tsv_cell(cell) for cell in row) + "\n")
        return
    table = Table(title=Text(inert(title)) if title else None, show_lines=show_lines, expand=True)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(inert(cell)) for cell in row))  # document text is never markup
    Console(file=stream).print(table)


def plain(text: object) -> str:
    """Text from a document or a file name, inert for a terminal: control characters removed."""
    return inert(str(text))


def markup(text: object) -> str:
    """Such text inside Rich markup: also its square brackets escaped ("[bold]" stays text)."""
    return escape(plain(text))


def echo(text: object) -> None:
    click.echo(plain(text))


def say(text: object) -> None:
    """A message on stderr, inert (no markup, no highlighting)."""
    err.print(plain(text), highlight=False, markup=False)


def json_line(payload: object) -> str:
    """One JSON object; DEL and C1 controls, which json leaves raw, become \\u escapes."""
    text = json.dumps(payload, ensure_ascii=False)
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)


def open_output(path: Path | None) -> TextIO:
    """The file `--csv PATH` names, else stdout."""
    return open(path, "w", encoding="utf-8", newline="") if path else sys.stdout


def print_hits(query: str, hits: Sequence[Hit]) -> None:
    rows = []
    for hit in hits:
        pages = "" if hit.page_start is None else f"{hit.page_start}-{hit.page_end}"
        passage = hit.text if len(hit.text) <= 300 else hit.text[:300] + "…"
        where = f"{hit.part}: {hit.path}"
        score = f"{hit.score:.3f}"
        rows.append(
            (str(hit.rank), score, hit.doc_id, hit.kind, where, pages, hit.language, passage)
        )
    print_table(
        ("#", "score", "document", "kind", "where", "pages", "lang", "passage"),
        rows,
        title=f"Results for: {query}",
        show_lines=True,
    )
