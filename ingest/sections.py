"""Guidance structure: numbered sections of policy guides → units with a section tree.

Policy guides (the Dutch Aliens Circular, handbooks, instructions) are not built of articles but
of numbered sections: a number on a line of its own ("2", "2.3", "2.3.1", optionally "2.3.")
followed by a heading line, or a multi-level number and its heading on one line
("2.3 Vertrektermijn"). `parse_sections` reads such a document; `ingest.structure` calls it
first and falls back to the article parser when the document is not one.

How the text is read:

* A section line is accepted only when it continues the numbering: the first section is a
  top-level number or a first child ("1", "4", "1.1"); after "2.3" come "2.3.1" (first child),
  "2.4" (next sibling; up to two missing siblings allowed) or "3" (next at a higher level).
  A bare number that does not fit (a
  stray "12" in the text, a table cell) is body text. A document is a guide when at least
  `MIN_SECTIONS` section lines are accepted and they outnumber its article headings.
* A chapter code of a circular on its own line followed by a heading ("A3" / "Vertrek en
  uitzetting") opens a chapter unit (kind "chapter", eId `chp_a3`); the numbering restarts
  under each chapter. With several chapters the sections' eIds carry the chapter's prefix
  (`chp_a4__sec_2.1`), with one chapter they are plain (`sec_2.1`).
* eIds are `sec_<number>` (`sec_2.3.1`); a section's parent is the nearest enclosing section
  that exists (else the chapter, else none), so the tree survives a skipped level.
* The title and any text before the first chapter or section form the `preamble`.
* Paragraphs: every unmarked line starts an unnumbered paragraph (`subpara_K`); bullets
  ("•", "–", "-", "·") and lettered or numbered points ("a.", "1.", "(b)") after a paragraph
  become its points (`indent_K`, `point_a`); a numbered line that does not follow a list
  introduction starts a numbered paragraph (`para_N`).

Every non-blank line ends up in a unit: as a heading, as body text, or as a section's number
line (which the unit's number stands for).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.types import Line, Paragraph, Point, Unit

__all__ = ["MIN_SECTIONS", "parse_sections", "section_number_key"]

MIN_SECTIONS = 3
MAX_SECTION_STEP = 3  # "6.8" may be followed by "6.11" (up to two lapsed sections between)
MAX_SECTION_HEADING_CHARS = 200
SECTION_NUMBER_LINE = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3}){0,5})\.?$")
SECTION_INLINE_LINE = re.compile(
    r"^(?P<num>\d{1,3}(?:\.\d{1,3}){1,5})\.?\s+(?P<heading>[A-ZÀ-Ý].{0,150})$"
)
CHAPTER_CODE_LINE = re.compile(r"^(?P<code>[A-Z]{1,2}\d{1,2})$")
BULLET = re.compile(r"^[•·▪◦–—−\-](?!-)\s*")
POINT = re.compile(r"^(?:\(([a-z]{1,3}|\d{1,3})\)|([a-z]{1,3}|\d{1,3})[.)])\s+")


def section_number_key(number: str) -> tuple[int, ...]:
    """ "2.3.1" → (2, 3, 1)."""
    return tuple(int(part) for part in number.split("."))


@dataclass
class _Draft:
    kind: str  # preamble | chapter | section
    eid: str
    number: str | None
    heading: str | None
    parent: str | None
    body: list[Line] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Mark:
    index: int  # line index of the number (or code) line
    kind: str  # "section" | "chapter"
    number: str
    heading: str | None
    heading_index: int | None  # line index of a separate heading line


def parse_sections(lines: Sequence[Line], *, article_headings: int) -> tuple[Unit, ...] | None:
    """The units of a section-structured guide, or None when the document is not one."""
    marks = _accepted_marks(lines)
    sections = sum(1 for mark in marks if mark.kind == "section")
    if sections < MIN_SECTIONS or sections <= article_headings:
        return None
    return _build(lines, marks)


# --------------------------------------------------------------------------- detection


def _next_text(lines: Sequence[Line], index: int) -> int | None:
    for j in range(index + 1, len(lines)):
        if lines[j].text.strip():
            return j
    return None


def _heading_like(text: str) -> bool:
    if not text or len(text) > MAX_SECTION_HEADING_CHARS:
        return False
    if not (text[0].isupper() or text[0] in "‘'\"„“("):
        return False
    if text.endswith((":", ";", ",")):
        return False
    if SECTION_NUMBER_LINE.match(text) or CHAPTER_CODE_LINE.match(text) or BULLET.match(text):
        return False
    # A heading is a title, not sentences: no full stop followed by a new sentence inside it
    # ("Verordening (EU) nr. 604/2013" is fine).
    return not re.search(r"[.!?]\s+[A-ZÀ-Ý]", text.rstrip("."))


def _candidates(lines: Sequence[Line]) -> list[_Mark]:
    out: list[_Mark] = []
    for index, line in enumerate(lines):
        text = line.text.strip()
        if not text or len(text) > 160:
            continue
        number = SECTION_NUMBER_LINE.match(text)
        code = CHAPTER_CODE_LINE.match(text)
        if number or code:
            following = _next_text(lines, index)
            if following is None:
                continue
            heading = lines[following].text.strip()
            if not _heading_like(heading):
                continue
            if code:
                out.append(_Mark(index, "chapter", code.group("code"), heading, following))
            elif number:
                out.append(_Mark(index, "section", number.group("num"), heading, following))
            continue
        inline = SECTION_INLINE_LINE.match(text)
        if inline and _heading_like(inline.group("heading").strip()):
            out.append(_Mark(index, "section", inline.group("num"), inline.group("heading"), None))
    return out


def _fits(previous: tuple[int, ...] | None, number: tuple[int, ...]) -> bool:
    if previous is None:
        return len(number) == 1 or number[-1] == 1
    if number == (*previous, 1):
        return True
    # The next number at any level; one or two missing siblings (a lapsed section) are allowed.
    for depth in range(1, len(previous) + 1):
        for step in range(1, MAX_SECTION_STEP + 1):
            if number == (*previous[: depth - 1], previous[depth - 1] + step):
                return True
    return False


def _accepted_marks(lines: Sequence[Line]) -> list[_Mark]:
    accepted: list[_Mark] = []
    previous: tuple[int, ...] | None = None
    consumed: set[int] = set()  # heading lines of accepted marks are never marks themselves
    for mark in _candidates(lines):
        if mark.index in consumed:
            continue
        if mark.kind == "chapter":
            accepted.append(mark)
            previous = None  # numbering restarts under each chapter
        else:
            key = section_number_key(mark.number)
            if not _fits(previous, key):
                continue
            accepted.append(mark)
            previous = key
        if mark.heading_index is not None:
            consumed.add(mark.heading_index)
    # A chapter code without any section after it is not a chapter of a guide ("B1" in a table).
    return [
        m
        for i, m in enumerate(accepted)
        if m.kind == "section" or any(n.kind == "section" for n in accepted[i + 1 :])
    ]


# --------------------------------------------------------------------------- building


def _build(lines: Sequence[Line], marks: list[_Mark]) -> tuple[Unit, ...]:
    chapters = sum(1 for mark in marks if mark.kind == "chapter")
    by_index = {mark.index: mark for mark in marks}
    heading_lines = {m.heading_index for m in marks if m.heading_index is not None}
    drafts: list[_Draft] = [_Draft("preamble", "preamble", None, None, None)]
    chapter: _Draft | None = None
    sections: dict[str, _Draft] = {}  # number → draft, within the current chapter
    taken: set[str] = set()
    for index, line in enumerate(lines):
        text = line.text.strip()
        if not text:
            continue
        mark = by_index.get(index)
        if mark is not None and mark.kind == "chapter":
            eid = _unique(f"chp_{mark.number.lower()}", taken)
            chapter = _Draft("chapter", eid, mark.number, mark.heading, None)
            drafts.append(chapter)
            sections = {}
            _add_page(chapter, line)
            continue
        if mark is not None:
            prefix = f"{chapter.eid}__" if chapter is not None and chapters > 1 else ""
            eid = _unique(f"{prefix}sec_{mark.number}", taken)
            key = section_number_key(mark.number)
            parent = None
            for depth in range(len(key) - 1, 0, -1):
                ancestor = ".".join(str(n) for n in key[:depth])
                if ancestor in sections:
                    parent = sections[ancestor].eid
                    break
            if parent is None and chapter is not None:
                parent = chapter.eid
            draft = _Draft("section", eid, mark.number, mark.heading, parent)
            sections[mark.number] = draft
            drafts.append(draft)
            _add_page(draft, line)
            continue
        if index in heading_lines:
            _add_page(drafts[-1], line)
            continue
        drafts[-1].body.append(line)
        _add_page(drafts[-1], line)
    units: list[Unit] = []
    for draft in drafts:
        if draft.kind == "preamble" and not draft.body:
            continue
        paragraphs = _paragraphs(draft.eid, draft.body)
        units.append(
            Unit(
                eid=draft.eid,
                kind=draft.kind,
                part="preamble" if draft.kind == "preamble" else "agreement",
                number=draft.number,
                heading=draft.heading,
                text="\n".join(p.text for p in paragraphs),
                order=len(units),
                page_start=min(draft.pages) if draft.pages else None,
                page_end=max(draft.pages) if draft.pages else None,
                paragraphs=paragraphs,
                parent=draft.parent,
            )
        )
    return tuple(units)


def _add_page(draft: _Draft, line: Line) -> None:
    if line.page is not None:
        draft.pages.append(line.page)


def _unique(base: str, taken: set[str]) -> str:
    candidate, count = base, 1
    while candidate in taken:
        count += 1
        candidate = f"{base}__{count}"
    taken.add(candidate)
    return candidate


# --------------------------------------------------------------------------- paragraphs


@dataclass
class _Para:
    number: str | None
    blocks: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    points: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # (local eid base, label, text)


def _paragraphs(unit_eid: str, body: list[Line]) -> tuple[Paragraph, ...]:
    paras: list[_Para] = []
    for line in body:
        text = line.text.strip()
        current = paras[-1] if paras else None
        bullet = BULLET.match(text) if len(text) > 1 else None
        point = POINT.match(text)
        if current is not None and bullet:
            current.points.append(("indent", text[:1], text))
        elif current is not None and point and _introduces_list(current):
            label = point.group(1) or point.group(2)
            current.points.append((f"point_{label}", text[: point.end()].strip(), text))
        elif point and (point.group(1) or point.group(2) or "").isdigit():
            paras.append(_Para(number=point.group(1) or point.group(2)))
        else:
            paras.append(_Para(number=None))
        target = paras[-1]
        target.blocks.append(text)
        if line.page is not None:
            target.pages.append(line.page)
    return _freeze(unit_eid, paras)


def _introduces_list(para: _Para) -> bool:
    return bool(para.points) or para.blocks[-1].rstrip().endswith((":", ";"))


def _freeze(unit_eid: str, paras: list[_Para]) -> tuple[Paragraph, ...]:
    out: list[Paragraph] = []
    taken: set[str] = set()
    unnumbered = 0
    for para in paras:
        if para.number is None:
            unnumbered += 1
            local = _unique(f"subpara_{unnumbered}", taken)
        else:
            local = _unique(f"para_{para.number}", taken)
        eid = f"{unit_eid}__{local}"
        point_taken: set[str] = set()
        indents = 0
        points: list[Point] = []
        for base, label, text in para.points:
            if base == "indent":
                indents += 1
                base = f"indent_{indents}"
            points.append(Point(eid=f"{eid}__{_unique(base, point_taken)}", label=label, text=text))
        out.append(
            Paragraph(
                eid=eid,
                number=para.number,
                text="\n".join(para.blocks),
                page_start=min(para.pages) if para.pages else None,
                page_end=max(para.pages) if para.pages else None,
                points=tuple(points),
            )
        )
    return tuple(out)
