"""The no-text-dropped invariant: every non-blank extracted line ends up in some unit.

A line is covered when it is a line of a unit's text, a unit's heading, or the label line a
unit's number stands for ("Artikel 6.1a", "2.3", "A3", "Hoofdstuk 6", "Annex 1 A", "Article
premier", "Article 7 - Time limits" with its heading). The check reads the units the parser
produced, not the parser's own bookkeeping, so a parser change that loses text is caught.
Running headers and footers that PDF extraction removed on purpose are not extracted lines;
extraction counts them (`ExtractedText.running_lines_removed`) and the ingest report shows it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.structure import ANNEX_LINE
from ingest.structure_asia import classify_asian, split_article_lines
from ingest.types import Line, Unit

__all__ = ["Coverage", "check_coverage"]

# At most two words before a unit's number on its label line ("Art. 7", "CHAPTER II").
_LABEL_PREFIX = r"^(?:[^\s\d]+\.?\s*){0,2}"
_SEPARATORS = " .:-–—"


@dataclass(frozen=True)
class Coverage:
    """How many non-blank lines a document's units account for, and which they miss."""

    lines: int
    missing: tuple[Line, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _is_label_line(text: str, unit: Unit) -> bool:
    if not unit.number:
        return False
    number = r"\s?".join(re.escape(part) for part in unit.number.split())
    if unit.number == "1":
        number = r"(?:1|premier|PREMIER|1er)"
    match = re.match(rf"{_LABEL_PREFIX}{number}\.?(?P<rest>.*)$", text)
    if not match:
        return False
    rest = match.group("rest").strip(_SEPARATORS)
    if not rest:
        return True
    return unit.heading is not None and _norm(rest) == _norm(unit.heading).strip(_SEPARATORS)


def check_coverage(lines: Sequence[Line], units: Sequence[Unit]) -> Coverage:
    texts: set[str] = set()
    for unit in units:
        texts.update(_norm(part) for part in unit.text.split("\n"))
        if unit.heading:
            texts.add(_norm(unit.heading))
    numbered = [unit for unit in units if unit.number]
    article_numbers = {unit.number for unit in numbered if unit.kind == "article"}
    unnumbered_annex = any(unit.kind == "annex" and not unit.number for unit in units)
    missing: list[Line] = []
    total = 0
    # "第一条 body…" is read as a heading line and a body line (ingest.structure_asia).
    for line in split_article_lines(lines):
        text = _norm(line.text)
        if not text:
            continue
        total += 1
        if text in texts:
            continue
        asian = classify_asian(text)
        if asian is not None and asian.kind == "article" and asian.number in article_numbers:
            continue  # "第十四条", "มาตรา ๔๒": the label of an article, in native numerals
        if any(_is_label_line(text, unit) for unit in numbered):
            continue
        bare_annex = ANNEX_LINE.match(text)
        if unnumbered_annex and bare_annex and not bare_annex.group("num"):
            continue  # "ANNEX" / "Bijlage" alone: the label of an unnumbered annex
        missing.append(line)
    return Coverage(lines=total, missing=tuple(missing))
