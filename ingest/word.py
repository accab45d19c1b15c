"""Text lines out of Word files (.docx), as a reader of the document sees them.

Each paragraph becomes one line and a blank line follows it, as in the plain-text corpus
files, so the same structure parser reads "Article 7" headings and numbered paragraphs.
Word's automatic numbering is part of what a reader sees ("Article 3", "2.", "(a)") but not
of the paragraph's text: it is computed here from the paragraph's (or its style's) `w:numPr`
and the `w:abstractNum` level definitions (format, level text such as "Article %1", start
value, restarts), and put in front of the text. docx2python also counts list items, but it
prints every number as "1)" whatever the level text says, and ignores numbering that comes
from a paragraph style, which is how Word numbers "Article N" headings.

Table rows become one line each (cells separated by " | "); a footnote's text follows the
paragraph that cites it, as "[1] text", so it stays in the article it annotates.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from ingest.limits import Budget
from ingest.types import Line

DOCX_SUFFIX = ".docx"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An Office file saved with a password is an OLE container holding an "EncryptedPackage"
# stream (MS-OFFCRYPTO); its directory stores stream names in UTF-16.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_FOOTNOTES_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_MAX_LEVELS = 9
# Symbol-font bullets are private-use characters; a reader sees a bullet.
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")


class DocxError(Exception):
    """A Word file that cannot be read, with the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_docx_lines(path: Path, *, budget: Budget | None = None) -> tuple[Line, ...]:
    """The lines of a .docx file; DocxError for a file that is not a readable Word document."""
    head = path.read_bytes()[:8]
    if head.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in path.read_bytes():
            raise DocxError(
                "password-protected (encrypted) Word file: open it in Word, remove the "
                "password (File › Info › Protect Document) and save it again"
            )
        raise DocxError("an old Word 97–2003 file (.doc) named .docx: save it as .docx")
    if not zipfile.is_zipfile(path):
        raise DocxError("corrupt Word file: not a ZIP package (damaged or not a .docx)")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise DocxError(f"corrupt Word file: {error}") from error
    except etree.XMLSyntaxError as error:
        raise DocxError(f"corrupt Word file: broken XML ({error})") from error
    numbering = _Numbering.of(document)
    note_numbers = _footnote_numbers(document)
    footnotes = _footnotes(document, note_numbers)
    lines: list[Line] = []
    chars = 0
    for text in _body_texts(document, numbering, footnotes, note_numbers):
        text = _PRIVATE_USE.sub("•", text).replace("\u00a0", " ").strip()
        if not text:
            continue
        for part in text.split("\n"):  # a manual line break starts a new line
            if part.strip():
                lines.append(Line(text=part.strip()))
        lines.append(Line(text=""))
        chars += len(text)
        if budget is not None:
            budget.check_chars(chars)
    return tuple(lines)


def _body_texts(
    document: Any, numbering: _Numbering, footnotes: dict[str, str], note_numbers: dict[str, str]
) -> Iterator[str]:
    """The body's paragraphs and table rows in reading order, each followed by the footnotes
    it cites."""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            label = numbering.label(child, document)
            text = _paragraph_text(child, note_numbers)
            yield f"{label} {text}".strip() if label else text
        elif child.tag == qn("w:tbl"):
            yield from _table_rows(child, numbering, document, note_numbers)
        for reference in child.iter(qn("w:footnoteReference")):
            note_id = str(reference.get(qn("w:id")))
            if note_id in footnotes:
                yield f"[{note_numbers[note_id]}] {footnotes[note_id]}"


def _paragraph_text(paragraph: Any, note_numbers: dict[str, str]) -> str:
    """The visible text of a `w:p`: runs, hyperlinks, tabs and breaks; deleted text left out."""
    out: list[str] = []
    for node in paragraph.iter():
        tag = node.tag
        if tag == qn("w:t") and not _inside(node, qn("w:del")):
            out.append(node.text or "")
        elif tag == qn("w:tab") and node.getparent().tag == qn("w:r"):
            out.append("\t")
        elif tag in (qn("w:br"), qn("w:cr")):
            out.append("\n")
        elif tag == qn("w:footnoteReference"):
            out.append(f"[{note_numbers.get(str(node.get(qn('w:id'))), '*')}]")
        elif tag == qn("w:noBreakHyphen"):
            out.append("-")
    return re.sub(r"[ \t]+", " ", "".join(out))


def _inside(node: Any, tag: str) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _footnote_numbers(document: Any) -> dict[str, str]:
    """Footnote id → the number a reader sees: Word numbers footnotes 1, 2, ... in the order
    they are cited (the ids are arbitrary)."""
    numbers: dict[str, str] = {}
    for reference in document.element.body.iter(qn("w:footnoteReference")):
        numbers.setdefault(str(reference.get(qn("w:id"))), str(len(numbers) + 1))
    return numbers


def _footnotes(document: Any, note_numbers: dict[str, str]) -> dict[str, str]:
    """Footnote id → its text (separators and continuation notices left out)."""
    for relationship in document.part.rels.values():
        if relationship.reltype == _FOOTNOTES_RELTYPE and not relationship.is_external:
            root = etree.fromstring(relationship.target_part.blob)
            notes: dict[str, str] = {}
            for note in root.iter(qn("w:footnote")):
                if note.get(qn("w:type")) in ("separator", "continuationSeparator"):
                    continue
                text = " ".join(
                    _paragraph_text(p, note_numbers).strip() for p in note.iter(qn("w:p"))
                )
                notes[str(note.get(qn("w:id")))] = " ".join(text.split())
            return notes
    return {}


def _table_rows(
    table: Any, numbering: _Numbering, document: Any, note_numbers: dict[str, str]
) -> Iterator[str]:
    for row in table.iter(qn("w:tr")):
        cells = []
        for cell in row.iterchildren(qn("w:tc")):
            parts = []
            for paragraph in cell.iter(qn("w:p")):
                label = numbering.label(paragraph, document)
                text = _paragraph_text(paragraph, note_numbers).strip()
                parts.append(f"{label} {text}".strip() if label else text)
            cells.append(" ".join(part for part in parts if part))
        line = " | ".join(cells).strip(" |")
        if line:
            yield line


# --------------------------------------------------------------------------- numbering


@dataclass(frozen=True)
class _Level:
    number_format: str  # decimal, lowerLetter, upperRoman, bullet, none, ...
    text: str  # "Article %1", "%1.%2.", "(%3)"
    start: int
    legal: bool  # w:isLgl: every level shown as a decimal ("1.1" under "Article I")


@dataclass
class _Numbering:
    """The numbering definitions of one document and the running counters."""

    levels: dict[str, dict[int, _Level]]  # abstractNumId → ilvl → level
    num_to_abstract: dict[str, str]
    start_overrides: dict[str, dict[int, int]]  # numId → ilvl → start
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, document: Any) -> _Numbering:
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError):
            return cls({}, {}, {})
        levels: dict[str, dict[int, _Level]] = {}
        for abstract in root.iter(qn("w:abstractNum")):
            levels[str(abstract.get(qn("w:abstractNumId")))] = _levels(abstract)
        num_to_abstract: dict[str, str] = {}
        overrides: dict[str, dict[int, int]] = {}
        for num in root.iter(qn("w:num")):
            num_id = str(num.get(qn("w:numId")))
            abstract_id = num.find(qn("w:abstractNumId"))
            if abstract_id is not None:
                num_to_abstract[num_id] = str(abstract_id.get(qn("w:val")))
            for override in num.iter(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                if start is not None:
                    overrides.setdefault(num_id, {})[_int(override.get(qn("w:ilvl")), 0)] = _int(
                        start.get(qn("w:val")), 1
                    )
        return cls(levels, num_to_abstract, overrides)

    def label(self, paragraph: Any, document: Any) -> str:
        """The number a reader sees before `paragraph` ("" when it has none); advances the
        counters, so call it once per paragraph in document order."""
        num_id, level_index = _numbering_of(paragraph, document)
        if num_id is None or num_id == "0":
            return ""
        abstract_id = self.num_to_abstract.get(num_id)
        levels = self.levels.get(abstract_id or "")
        if not levels or level_index not in levels:
            return ""
        assert abstract_id is not None
        counters = self.counters.setdefault(abstract_id, [None] * _MAX_LEVELS)
        if num_id not in self.started:
            # A list instance with a start override restarts the shared abstract list
            # (how Word's "Restart numbering" is saved).
            self.started.add(num_id)
            for index, start in self.start_overrides.get(num_id, {}).items():
                if 0 <= index < _MAX_LEVELS:
                    counters[index] = start - 1
                    for deeper in range(index + 1, _MAX_LEVELS):
                        counters[deeper] = None
        current = counters[level_index]
        counters[level_index] = levels[level_index].start if current is None else current + 1
        for deeper in range(level_index + 1, _MAX_LEVELS):
            counters[deeper] = None
        level = levels[level_index]
        if level.number_format == "none":
            return _PRIVATE_USE.sub("•", re.sub(r"%\d", "", level.text)).strip()
        if level.number_format == "bullet":
            return _PRIVATE_USE.sub("•", level.text).strip() or "•"

        def shown(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            if not 0 <= index < _MAX_LEVELS:
                return ""
            value = counters[index]
            if value is None:
                value = levels[index].start if index in levels else 1
            number_format = levels[index].number_format if index in levels else "decimal"
            if level.legal:
                number_format = "decimal"
            return format_number(value, number_format)

        return re.sub(r"%(\d)", shown, level.text).strip()


def _levels(abstract: Any) -> dict[int, _Level]:
    found: dict[int, _Level] = {}
    for lvl in abstract.iterchildren(qn("w:lvl")):
        index = _int(lvl.get(qn("w:ilvl")), 0)
        number_format = lvl.find(qn("w:numFmt"))
        text = lvl.find(qn("w:lvlText"))
        start = lvl.find(qn("w:start"))
        found[index] = _Level(
            number_format=str(number_format.get(qn("w:val")))
            if number_format is not None
            else "decimal",
            text=str(text.get(qn("w:val")) or "") if text is not None else f"%{index + 1}.",
            start=_int(start.get(qn("w:val")), 1) if start is not None else 1,
            legal=lvl.find(qn("w:isLgl")) is not None,
        )
    return found


def _numbering_of(paragraph: Any, document: Any) -> tuple[str | None, int]:
    """(numId, ilvl) of a paragraph: its own numPr, else its style's (following basedOn)."""
    properties = paragraph.find(qn("w:pPr"))
    num_pr = properties.find(qn("w:numPr")) if properties is not None else None
    num_id, level = _num_pr(num_pr)
    if num_id is not None:
        return num_id, level
    style_id = None
    if properties is not None:
        style = properties.find(qn("w:pStyle"))
        style_id = style.get(qn("w:val")) if style is not None else None
    seen: set[str] = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        style = document.styles.element.get_by_id(style_id)
        if style is None:
            break
        style_properties = style.find(qn("w:pPr"))
        if style_properties is not None:
            style_num_id, style_level = _num_pr(style_properties.find(qn("w:numPr")))
            if style_num_id is not None:
                # The paragraph's own ilvl wins over the style's.
                if num_pr is not None and num_pr.find(qn("w:ilvl")) is not None:
                    style_level = level
                return style_num_id, style_level
        based_on = style.find(qn("w:basedOn"))
        style_id = based_on.get(qn("w:val")) if based_on is not None else None
    return None, 0


def _num_pr(num_pr: Any) -> tuple[str | None, int]:
    if num_pr is None:
        return None, 0
    num_id = num_pr.find(qn("w:numId"))
    level = num_pr.find(qn("w:ilvl"))
    level_index = _int(level.get(qn("w:val")), 0) if level is not None else 0
    level_index = min(max(level_index, 0), _MAX_LEVELS - 1)
    return (str(num_id.get(qn("w:val"))) if num_id is not None else None), level_index


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default


_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def format_number(value: int, number_format: str) -> str:
    """A list counter as Word shows it in `number_format` (ECMA-376 ST_NumberFormat)."""
    if number_format in ("lowerRoman", "upperRoman"):
        roman = ""
        rest = value
        for amount, letters in _ROMAN:
            while rest >= amount:
                roman += letters
                rest -= amount
        return roman.upper() if number_format == "upperRoman" else roman
    if number_format in ("lowerLetter", "upperLetter"):
        # Word repeats the letter past z: aa, bb, ...
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else ""
        return letter.upper() if number_format == "upperLetter" else letter
    if number_format == "decimalZero":
        return f"{value:02d}"
    if number_format == "ordinal":
        suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10)
        return f"{value}{suffix or 'th'}"
    return str(value)
