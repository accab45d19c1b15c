"""Tables for the `readmit` command: drawn on a terminal, tab-separated when piped.

A rich table squeezed to 80 columns folds every cell into an unreadable column when the output
goes to a file or `less`; piped output is plain TSV instead (one row per line, a header first,
tabs and line breaks inside cells turned into spaces), which `cut`, `sort` and spreadsheets read.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from readmit.inert_text import without_display_tricks


def is_terminal(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


# Control characters (ESC starts terminal escape sequences, CR overwrites a line, U+009B is a
# one-character CSI): never printed from a document or a file name.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(value: str) -> str:
    """No control characters (newlines neither), and no bidi or invisible characters."""
    return _CONTROL_CHARS.sub("", without_display_tricks(value))


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
