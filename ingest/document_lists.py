"""Lists of documents an article or annex enumerates ("... can be furnished by means of the
following documents: a) passports ...; b) identity cards ..."): where a list starts, its
items, and what its lead-in says it proves.

Pure text parsing over the paragraphs `ingest.structure` produced; which articles to read
(those assigned to the document-list clause types) is decided in `readmit.clauses`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.types import Paragraph

# A list's kind comes from its lead-in ("... can be furnished by means of the following
# documents:"). Prima facie wording is tested first: it often says "evidence"/"bewijs" too
# ("Het begin van bewijs", "Prima facie evidence").
_PRIMA_FACIE = re.compile(
    r"prima facie|aannemelijk|vermoed|veronderst|begin van bewijs|glaubhaft|vermut"
    r"|présum|presum|commencement de preuve|credibl",
    re.IGNORECASE,
)
_PROOF = re.compile(
    r"\bproo?f|\bproved?\b|\bestablished\b|\bbewijs|\bbewezen|aangetoond|vastgesteld|vaststellen"
    r"|\bpreuve|\bprouv|\bétabli|nachgewiesen|nachweis",
    re.IGNORECASE,
)
_DOCUMENTS = re.compile(
    r"\b(?:documents?|documenten|bescheiden|dokumente?n?|pièces|items? of evidence"
    r"|bewijsmiddelen|beweismittel|moyens de preuve)\b",
    re.IGNORECASE,
)
_NATIONALITY = re.compile(r"nationalit|staatsangehörigkeit|staatsburgerschap", re.IGNORECASE)
# An item marker at the start of a line: "–", "-", "•", "a)", "(a)", "a.", "1.", "1)", "(1)", "iv)".
_MARKER = re.compile(
    r"^\s*(?:[–—\-•·▪]|\(?[a-z]{1,2}\)|[a-z]\.(?=\s)|\(?\d{1,2}[.)]|\(\d{1,2}\)"
    r"|\(?[ivx]{1,4}\))\s*"
)
_OWN_NUMBER = re.compile(r"^\s*(?:\(?\d{1,3}[a-z]?[.)]|\(\d{1,3}[a-z]?\))\s*")
# A sentence break, also where extraction glued two sentences ("kaart.De nationaliteit").
_SENTENCE_BREAK = re.compile(r"(?:(?<=[^\W\d_]{2})|(?<=[)\]’”»]))\.\s*(?=[A-ZÀ-ÖØ-Þ])")
_TRAILING = re.compile(r"(?:\s*[;,.:]|\s+(?:or|and|en|of|ou|et|oder|und))+\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class EnumeratedList:
    """One enumerated list: the sentence introducing it, its cleaned items, and the pages the
    items were printed on (empty for sources without pages)."""

    lead_in: str
    items: tuple[str, ...]
    pages: tuple[int, ...] = ()


def list_kind(lead_in: str) -> str | None:
    """ "prima facie", "proof", "list" (it names documents only) or None (not a document list)."""
    if _PRIMA_FACIE.search(lead_in):
        return "prima facie"
    if _PROOF.search(lead_in):
        return "proof"
    if _DOCUMENTS.search(lead_in):
        return "list"
    return None


def clean_item(text: str) -> str:
    """An item without its marker, any closing sentence glued to it, trailing ";"/" or"/" en"."""
    text = " ".join(_MARKER.sub("", text, count=1).split())
    text = _SENTENCE_BREAK.split(text, maxsplit=1)[0]
    return _TRAILING.sub("", text).strip()


def _paragraph_lines(paragraph: Paragraph) -> tuple[str, list[str]]:
    """The paragraph's own text before its first item (without its number) and the raw
    items: its parsed points, else the lines starting with an item marker (a line without a
    marker continues the item above it)."""
    lines = [line for line in paragraph.text.splitlines() if line.strip()]
    if not lines:
        return "", []
    head_lines = [lines[0]]
    rest = lines[1:]
    while rest and not _MARKER.match(rest[0]):
        head_lines.append(rest.pop(0))
    head = " ".join(" ".join(head_lines).split())
    if paragraph.number is not None:
        head = _OWN_NUMBER.sub("", head, count=1)
    if paragraph.points:
        # points printed inline ("... omvat: a. de personalia ...") are not part of the lead-in
        first = " ".join(paragraph.points[0].text.split())[:40]
        cut = head.find(first) if first else -1
        return (head[:cut].rstrip() if cut > 0 else head), [p.text for p in paragraph.points]
    items: list[str] = []
    for line in rest:
        if _MARKER.match(line) or not items:
            items.append(line)
        else:
            items[-1] = f"{items[-1]} {line.strip()}"
    return head, items


def enumerated_items(paragraph: Paragraph) -> tuple[str, ...]:
    """The cleaned items a paragraph enumerates (its points, else its marker lines)."""
    _, raw = _paragraph_lines(paragraph)
    return tuple(item for item in map(clean_item, raw) if item)


def _glued_lead_in(text: str) -> str | None:
    """The last sentence of `text` when it opens a new list ("...persoon.Zij kan aannemelijk
    worden gemaakt door middel van:"); None if there is no such sentence."""
    parts = _SENTENCE_BREAK.split(text.strip())
    if len(parts) > 1 and parts[-1].rstrip().endswith(":"):
        return parts[-1].strip()
    return None


@dataclass
class _OpenList:
    lead_in: str
    root: str  # the lead-in a sub-list heading ("(1) voor ... onderdanen:") is appended to
    items: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)


def enumerated_lists(paragraphs: Sequence[Paragraph]) -> list[EnumeratedList]:
    """Every enumerated list in a unit's paragraphs. A list is the items of a
    paragraph after its lead-in, or, where items are numbered as paragraphs of their own (the
    older agreements' annexes), the paragraphs following a lead-in ending with ":". An item
    ending with ":" ("(1) voor de Macedoonse onderdanen:") opens a sub-list."""
    opened: list[_OpenList] = []

    def start(lead_in: str, root: str | None = None) -> _OpenList:
        if root is None:
            new = _OpenList(lead_in, lead_in)
        else:
            new = _OpenList(f"{root} {lead_in}".strip(), root)
        opened.append(new)
        return new

    def add(target: _OpenList, raw: str, pages: list[int]) -> _OpenList:
        """Add one raw item; returns the list that the following items go to."""
        stripped = " ".join(_MARKER.sub("", raw, count=1).split())
        if stripped.endswith(":") and not _SENTENCE_BREAK.search(stripped):
            return start(stripped, target.root)
        item = clean_item(raw)
        if item:
            target.items.append(item)
            target.pages.extend(pages)
        glued = _glued_lead_in(stripped)
        return start(glued) if glued else target

    current: _OpenList | None = None  # a list still taking numbered paragraphs as items
    for paragraph in paragraphs:
        pages = [p for p in (paragraph.page_start, paragraph.page_end) if p is not None]
        head, raw_items = _paragraph_lines(paragraph)
        if raw_items:
            glued = _glued_lead_in(head)
            if glued and current is not None and paragraph.number is not None:
                add(current, head, pages)
            target = start(glued or head)
            for raw in raw_items:
                target = add(target, raw, pages)
            # a list inside a paragraph ends with it, unless its last item opened another
            current = target if not target.items else None
        elif current is not None and paragraph.number is not None:
            current = add(current, head, pages)
        elif head.endswith(":"):
            current = start(head)
        else:
            current = None
    return [EnumeratedList(o.lead_in, tuple(o.items), tuple(o.pages)) for o in opened if o.items]


def annex_lists_documents(*, heading: str | None, text: str) -> bool:
    """Whether an annex says it lists documents about nationality (the older agreements'
    "Aanhangsel I": "De ... nationaliteit kan worden aangetoond door middel van: ...")."""
    text = f"{heading or ''} {text[:600]}"
    return bool(_NATIONALITY.search(text) and list_kind(text))
