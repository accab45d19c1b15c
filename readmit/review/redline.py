"""The proposal as tracked changes against the target, in Word (python-docx + OOXML revisions).

Article by article as aligned: an aligned pair in the same order on both sides is shown as
word-level changes (`w:del` / `w:ins` runs, with author and date); a target article the
proposal dropped or moved is deleted where it stood, a proposal article the target lacks (or
that moved) is inserted where it stands. So accepting every change gives the proposal's text
and rejecting every change gives the target's, each in its own order. Whole paragraphs that
are inserted or deleted carry the mark on their paragraph mark too (ECMA-376 §17.13.5), so no
empty paragraph is left behind.

python-docx has no API for revisions (python-openxml/python-docx issue #340); the elements are
written as the documented OOXML through its oxml layer.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from readmit.drafting.diff import DiffSegment, word_diff
from readmit.drafting.model import Draft, article_numbering
from readmit.review.model import Review, ReviewUnit

_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Block:
    """One step of the redline: a pair to diff, a target unit deleted, a proposal unit added."""

    kind: str  # "pair" | "deleted" | "inserted"
    against: tuple[ReviewUnit, ...]
    proposal: ReviewUnit | None


def unit_paragraphs(units: Sequence[ReviewUnit]) -> list[str]:
    """The paragraphs a reader sees of units: label line, heading line, then each text line."""
    return [text for text, _title in _titled_paragraphs(units)]


def _titled_paragraphs(units: Sequence[ReviewUnit]) -> list[tuple[str, bool]]:
    """unit_paragraphs with whether each is a label or heading line (shown bold)."""
    paragraphs: list[tuple[str, bool]] = []
    for unit in units:
        if unit.kind != "preamble" and unit.eid != "text":
            paragraphs.append((unit.label, True))
        if unit.heading:
            paragraphs.append((unit.heading, True))
        paragraphs += [(line.strip(), False) for line in unit.text.split("\n") if line.strip()]
    return paragraphs


def blocks(review: Review) -> list[Block]:
    """The redline's steps (see the module docstring). Pairs whose target articles keep their
    relative order (the longest such chain) are shown in place; the others as moved."""
    order = {unit.eid: index for index, unit in enumerate(review.against_units)}
    # A pair can stay in place only if its target articles are consecutive: otherwise the
    # target articles between them would come out of order when the changes are rejected.
    pairs = [
        (index, article)
        for index, article in enumerate(review.articles)
        if article.against
        and all(unit.eid in order for unit in article.against)
        and _consecutive([order[unit.eid] for unit in article.against])
    ]
    in_place = set(_longest_chain([(i, order[a.against[0].eid]) for i, a in pairs]))
    anchored = {i for i, _ in pairs if i in in_place}
    result: list[Block] = []
    emitted_targets: set[str] = set()
    placed_pairs = {unit.eid for i, article in pairs if i in anchored for unit in article.against}
    target_cursor = 0
    targets = review.against_units

    def delete_targets_until(stop: int) -> None:
        nonlocal target_cursor
        while target_cursor < stop:
            unit = targets[target_cursor]
            if unit.eid not in placed_pairs and unit.eid not in emitted_targets:
                result.append(Block("deleted", (unit,), None))
                emitted_targets.add(unit.eid)
            target_cursor += 1

    for index, article in enumerate(review.articles):
        if index in anchored:
            first = order[article.against[0].eid]
            delete_targets_until(first)
            result.append(Block("pair", article.against, article.proposal))
            emitted_targets.update(unit.eid for unit in article.against)
            target_cursor = max(target_cursor, max(order[u.eid] for u in article.against) + 1)
        else:
            result.append(Block("inserted", (), article.proposal))
    delete_targets_until(len(targets))
    return result


def _consecutive(positions: list[int]) -> bool:
    ordered = sorted(positions)
    return all(b == a + 1 for a, b in zip(ordered, ordered[1:], strict=False))


def _longest_chain(items: list[tuple[int, int]]) -> list[int]:
    """Of (proposal index, target index) pairs in proposal order, the proposal indexes of the
    longest chain whose target indexes increase."""
    if not items:
        return []
    best: list[list[int]] = []
    for position, (_, target) in enumerate(items):
        chain = [position]
        for earlier in range(position):
            if items[earlier][1] < target and len(best[earlier]) + 1 > len(chain):
                chain = [*best[earlier], position]
        best.append(chain)
    longest = max(best, key=len)
    return [items[position][0] for position in longest]


class _Revisions:
    """Writes paragraphs with tracked insertions and deletions."""

    def __init__(self, document: DocxDocument, *, author: str, date: str) -> None:
        self.document = document
        self.author = author
        self.date = date
        self._next_id = 1

    def _mark(self, tag: str) -> BaseOxmlElement:
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self._next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        self._next_id += 1
        return element

    def _run(self, text: str, *, deleted: bool, bold: bool = False) -> BaseOxmlElement:
        run = OxmlElement("w:r")
        if bold:
            properties = OxmlElement("w:rPr")
            properties.append(OxmlElement("w:b"))
            run.append(properties)
        text_element = OxmlElement("w:delText" if deleted else "w:t")
        text_element.set(qn("xml:space"), "preserve")
        text_element.text = _XML_INVALID.sub("", text)
        run.append(text_element)
        return run

    def paragraph(
        self, segments: Sequence[DiffSegment], *, mark: str | None = None, bold: bool = False
    ) -> None:
        """A paragraph of segments; `mark` "ins"/"del" tracks the paragraph mark itself;
        `bold` for an article's label and heading lines."""
        paragraph = self.document.add_paragraph()._p
        if mark is not None:
            properties = paragraph.get_or_add_pPr()
            run_properties = OxmlElement("w:rPr")
            run_properties.append(self._mark(f"w:{mark}"))
            properties.append(run_properties)
        for segment in segments:
            if not segment.text:
                continue
            if segment.kind == "equal":
                paragraph.append(self._run(segment.text, deleted=False, bold=bold))
            else:
                wrapper = self._mark("w:del" if segment.kind == "delete" else "w:ins")
                wrapper.append(self._run(segment.text, deleted=segment.kind == "delete", bold=bold))
                paragraph.append(wrapper)


def _pair_paragraphs(
    before: list[str], after: list[str]
) -> Iterator[tuple[tuple[DiffSegment, ...], str | None]]:
    """(segments, paragraph-mark change) turning the paragraphs `before` into `after`."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for text in before[i1:i2]:
                yield (DiffSegment("equal", text),), None
            continue
        common = min(i2 - i1, j2 - j1)
        for k in range(common):
            yield word_diff(before[i1 + k], after[j1 + k]), None
        for text in before[i1 + common : i2]:
            yield (DiffSegment("delete", text),), "del"
        for text in after[j1 + common : j2]:
            yield (DiffSegment("insert", text),), "ins"


def build_redline(review: Review, *, author: str, date: datetime | None = None) -> DocxDocument:
    document = Document()
    stamp = (date or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    revisions = _Revisions(document, author=author, date=stamp)
    properties = document.core_properties
    properties.title = _XML_INVALID.sub("", f"Redline: {review.proposal_name}")[:255]
    properties.author = author[:255]
    properties.subject = _XML_INVALID.sub(
        "", f"Proposal against {review.against_kind} {review.against_id}"
    )[:255]
    for block in blocks(review):
        if block.kind == "deleted":
            for text, title in _titled_paragraphs(block.against):
                revisions.paragraph((DiffSegment("delete", text),), mark="del", bold=title)
        elif block.kind == "inserted":
            assert block.proposal is not None
            for text, title in _titled_paragraphs((block.proposal,)):
                revisions.paragraph((DiffSegment("insert", text),), mark="ins", bold=title)
        else:
            assert block.proposal is not None
            before = _titled_paragraphs(block.against)
            after = _titled_paragraphs((block.proposal,))
            titles = {text for text, title in before + after if title}
            for segments, mark in _pair_paragraphs(
                [text for text, _ in before], [text for text, _ in after]
            ):
                shown = "".join(s.text for s in segments if s.kind != "delete") or "".join(
                    s.text for s in segments
                )
                revisions.paragraph(segments, mark=mark, bold=shown in titles)
    # A last, unchanged, empty paragraph: a deleted paragraph mark merges into the next
    # paragraph, and there must be one.
    document.add_paragraph()
    return document


def write_redline(
    review: Review, path: Path, *, author: str = "Readmit", date: datetime | None = None
) -> None:
    """Write the redline to `path` (written to a temporary file first: nothing half-written)."""
    document = build_redline(review, author=author, date=date)
    partial = path.with_name(f".{path.name}.partial")
    document.save(str(partial))
    partial.replace(path)


def accepted_text(review: Review) -> list[str]:
    """The paragraphs accepting every change gives (the proposal's)."""
    return unit_paragraphs([article.proposal for article in review.articles])


def rejected_text(review: Review) -> list[str]:
    """The paragraphs rejecting every change gives (the target's)."""
    return unit_paragraphs(review.against_units)


def build_draft_redline(draft: Draft, *, author: str, date: datetime | None = None) -> DocxDocument:
    """A draft against the precedents it was built from: each clause taken from an agreement
    is its source wording with the drafter's edits as tracked changes (accepting all gives the
    draft, rejecting all the source wordings); a clause drafted without a source is an
    insertion. Article labels and headings are the draft's own."""
    document = Document()
    stamp = (date or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    revisions = _Revisions(document, author=author, date=stamp)
    properties = document.core_properties
    properties.title = _XML_INVALID.sub("", f"Redline: {draft.title}")[:255]
    properties.author = author[:255]
    properties.subject = "Draft against its sources"
    for number, clause in article_numbering(draft):
        titles = [text for text in (f"Article {number}" if number else "", clause.heading) if text]
        sourced = clause.provenance is not None
        for text in titles:
            if sourced:
                revisions.paragraph((DiffSegment("equal", text),), bold=True)
            else:
                revisions.paragraph((DiffSegment("insert", text),), mark="ins", bold=True)
        after = [line.strip() for line in clause.text.split("\n") if line.strip()]
        if not sourced:
            for text in after:
                revisions.paragraph((DiffSegment("insert", text),), mark="ins")
            continue
        before = [line.strip() for line in clause.original_text.split("\n") if line.strip()]
        for segments, mark in _pair_paragraphs(before, after):
            revisions.paragraph(segments, mark=mark)
    document.add_paragraph()
    return document
