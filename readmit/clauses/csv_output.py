"""CSV that is safe to open: document text in a cell never acts as a formula or a terminal code.

The matrix, time-limit and accepted-document tables are written to files and to stdout, and
opened in spreadsheets. A title or sentence taken from a document could start with "=" (a
spreadsheet runs it as a formula: OWASP's "CSV injection") or hold ESC/CR (a terminal runs
or overwrites). Cells are cleaned on the way out; numbers are written as they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TextIO

# C0/C1 controls except tab and newline (CSV quoting keeps those inside a cell).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def csv_cell(value: object) -> object:
    """`value` for a CSV cell: controls removed; a text that a spreadsheet would run is quoted."""
    if not isinstance(value, str):
        return value
    text = _CONTROL_CHARS.sub("", value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text  # the apostrophe tells spreadsheets "this is text"
    return text


def write_csv(
    handle: TextIO, fieldnames: Sequence[str], rows: Iterable[Mapping[str, object]]
) -> None:
    writer = csv.DictWriter(handle, fieldnames=list(fieldnames))
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_cell(value) for key, value in row.items()})
