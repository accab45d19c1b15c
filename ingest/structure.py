"""Legal-structure parser: extracted lines → preamble, articles, annexes, final clauses.

`parse_structure` turns the lines of one document (plain text, or PDF lines already reflowed
into one line per paragraph with running headers removed) into `Unit`s in document order.

How the text is read (choices a reviewer should know about):

* Headings must match a strict whole-line pattern: "Article 7", "ARTICLE 7", "Artikel 7a",
  "Art. 7", "Article IV", "Article premier"/"Article 1er", optionally with the heading on the
  same line after a separator ("Article 7 - Time limits", "Artikel 7. Termijnen"). A mention
  inside a sentence, or a reference line such as "(Article 4 of the Agreement )", never starts
  an article. One historical typo ("Arrtikel 6", Bosnia 2006) is accepted on purpose.
* Numbering is monotonic within an instrument: a heading whose number is lower than the
  previous article's is body text, unless it restarts at 1 — then it opens a new instrument.
  A repeated number is accepted and disambiguated (see eIds below).
* The article heading is the next non-empty line when it is heading-like: at most
  `MAX_HEADING_CHARS` characters, starting with a capital letter, not a numbered paragraph,
  not ending in "." ";" ":" or ",", and followed by more body text. Lines such as
  "Implementing Protocol", "Uitvoeringsprotocol" or "Annexes" in that position are headings,
  not new instruments or annex groups.
* Instruments: the first instrument's units are `preamble`, `art_N`, `final`. A later
  instrument (an implementing protocol after the agreement, a "Protocol"/"Protocole"
  section, an exchange of notes "Nr. I" with its own articles) gets the eId prefix
  `protocol__`, a third one `protocol_2__`. A new instrument starts at a title line
  ("Uitvoeringsprotocol …", "Implementing protocol …", "Protocol …", "Protocole", "Nr. I")
  that comes after the final clauses, or anywhere after the last article / in the annexes
  when the next article heading restarts the numbering at 1. A title line directly after an
  annex heading (the usual "Bijlage 2 / Protocol tussen …" form caption) is annex text.
  Its title line and the text before its first article form `protocol__preamble`
  (part "preamble"). An instrument without any article (the 1964 French "Protocole", the
  Schengen–Poland "Protocol") is a single `protocol__preamble` unit whose part is
  "protocol", because that text is the instrument's operative content, not a preamble.
* A document whose first line is an implementing protocol's title ("Uitvoeringsprotocol …",
  "Implementing Protocol …", "Protocol tussen/between …") is a stand-alone implementing
  protocol: its articles keep the `art_N` eIds but have part and instrument "protocol".
  Stand-alone treaties called protocols (the UN protocols) are ordinary first instruments.
* Final clauses: a line starting "IN WITNESS WHEREOF", "IN FAITH WHEREOF", "DONE at/in",
  "TEN BLIJKE WAARVAN", "GEDAAN te", "FAIT à", "EN FOI DE QUOI", "ZU URKUND DESSEN",
  "GESCHEHEN zu" (any case) after the last article of an instrument (no later article of the
  same instrument follows) opens the `final` unit (kind and part "final"). Such a line inside
  an article that is followed by further articles stays body text.
* Declarations: after the final clauses, a "Gemeenschappelijke verklaring"/"Joint
  declaration"/"Déclaration commune"/"Erklärung …" line, a "FINAL ACT …" line, or an
  exchange-of-notes number ("Nr. II") that does not open an instrument with articles starts a
  unit of kind "declaration", part "final", eId `declaration_1`, `declaration_2`, … (numbered
  through the whole document). Its title line is the unit heading.
* Annexes: "Annex", "ANNEX", "Annexe", "Anhang", "Anlage", "Bijlage", "BIJLAGE",
  "Aanhangsel", "Appendix", "Schedule", "Afbeeldingen", with an optional number ("Annex 1 A",
  "Bijlage 2", "Aanhangsel II") → kind and part "annex", eId `annex_1a`, `annex_2`,
  `annex_ii`. Numbered annexes claim their eIds first; unnumbered annexes then take the
  first free `annex_K`, counting K from their order among unnumbered annexes. A short
  heading-like line after the annex line is its heading ("ANNEX / Reservations"). "Annexes" or
  "Bijlagen" alone (outside the heading position) is a group title: a container unit (kind
  "chapter", eId `annexes`, part "annex") that the following annexes have as parent.
* Annex guards: an annex line starts a unit only when it stands alone: the line before it does
  not end in a lower-case word ("… as set out in / Annex I / of this Agreement" is a mention
  wrapped onto a line of its own) and the line after it does not go on in lower case, unless
  it continues a caption ("Bijlage 1 / bij de nota …"). A mention inside a sentence ("as set
  out in Annex I") never matches the whole-line pattern. "Annexe", "Anexo", "Allegato",
  "Lampiran" are annex words too; "Annex I to the Agreement …" and "Bijlage 2 bij …" are
  annex lines with their number, the whole line being the heading.
* Annex articles: an "Article 1" directly inside an annex (no instrument title line between)
  starts the annex's own articles: kind "article", part "annex", parent the annex, eId
  prefixed with the annex's (`annex_ii__art_1`); they end at the next annex, final clauses,
  declaration, note or instrument.
* Exchanges of notes: a note number ("Nr. I", "No. 2", "Note No. 1") before any article, when
  no article follows before the next annex, opens a note (kind "note", part "agreement", eId
  `note_i`, number "I", label "Note I"); after that every note number opens the next note.
  The annexes after a note are its own: parent the note, eIds `note_i__annex_i`,
  `note_i__annex_ii` (numbered within the note). A reply note that quotes the note it answers
  („…) with its annexes takes back the text after the annex line that closes the quotation:
  the reply's closing text becomes `note_ii__final` (kind and part "final"). A note that
  holds the agreement's articles ("Nr. I / Afdeling A / Artikel 1", a "Nr. II" reply after
  them) is read as before: the number stays preamble text and the reply is a declaration.
* Chapters ("CHAPTER I", "Hoofdstuk 2", "Titel I", "Afdeling A", "Section 9. Indemnification.",
  a bare "II" that is followed by an article within two lines) are container units: kind
  "chapter" (parts, titles, chapters) or "section" (sections, afdelingen, Abschnitte), eId
  `chp_2` / `sec_9` (nested containers carry their parent's prefix, `chp_6__sec_1`), number the
  label as printed ("Hoofdstuk 2"), heading the title line after it (or after a separator on
  the same line). Text between a chapter line and its first article (the IOM "[Editorial note
  …]" under a lapsed chapter, or a whole clause "Section 9. Indemnification." + "(a) …") is the
  chapter's body, never dropped. Articles, and lower-ranked containers, have the innermost open
  container as their `parent` (the section tree); article eIds stay flat (`art_7`).
* Policy guides built of numbered sections ("2" / "2.3" / "2.3.1" on a line of their own and
  a heading line) are read by `ingest.sections` instead (see there).
* Article numbers may be dotted, as in regulations ("Artikel 6.1a" → `art_6.1a`).
* The title (first non-empty line) and everything before the first article form `preamble`
  (heading None; the title is the first line of its text).
* Paragraphs: each non-empty body line is a block. Blocks starting with "1." "(1)" "1)"
  "(1)." "1°" start numbered paragraphs; "(a)" "a)" "a." "A." "(i)" start points, and dashes
  ("–", "-", "•") start indents (eId `indent_K`). The first marker style met at the top
  level of a unit is the paragraph style, and "(1)" is a different style from "1." (so the
  Austrian "a). …" articles have paragraphs a, b, c with "1)" points, and the German "(1)."
  paragraphs have "1." points). A numbered paragraph that does not end a sentence (it ends
  in ":" or runs on, "… dat deze persoon") followed by "1." again opens a sub-list: those
  items become points of the paragraph (Kazakhstan Article 2(3)). When the next number fits
  both the sub-list and the paragraph sequence, it is a new paragraph if the previous item
  ends with "." and the new one starts with a capital letter (best effort; a source that
  really numbers its points like its paragraphs cannot always be told apart).
  Unmarked blocks after a numbered paragraph are its continuation; otherwise they are
  unnumbered paragraphs `subpara_K`. `Paragraph.text` contains its points; `Unit.text` is the
  paragraphs' texts joined by newlines.
* eIds are stable: they depend only on the text. A repeated eId within a document gets a
  suffix `__2`, `__3` … in document order (`art_5`, `art_5__2`); the same applies to paragraph
  and point eIds within their parent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.citations import instrument_prefix
from ingest.sections import parse_sections
from ingest.structure_asia import (
    ascii_digits,
    chinese_item,
    classify_asian,
    split_article_lines,
)
from ingest.types import Line, Paragraph, Point, Unit

__all__ = ["MAX_HEADING_CHARS", "document_title", "parse_structure"]

MAX_HEADING_CHARS = 120
# Article headings can be long ("Relationship with the Protocol to prevent, suppress and punish
# trafficking in persons, …"); the per-instrument vote below keeps long body lines out.
MAX_ARTICLE_HEADING_CHARS = 200
# Next-line headings are kept only if at least this share of an instrument's articles has one:
# in a document without headings, a first body line that happens to look like a heading
# ("De voor de uitvoering … in het bijzonder met betrekking tot") stays body text.
MIN_HEADING_SHARE = 0.5
# An article number may jump forward (a missing or misspelt heading) but not absurdly far.
MAX_ARTICLE_GAP = 20

ARTICLE_WORD = r"(?:Article|ARTICLE|Artikel|ARTIKEL|Arrtikel|Art\.|ART\.|Articolo|Artículo)"
ARTICLE_NUMBER = (
    r"(?:\d{1,3}(?:\.\d{1,3})?(?:\s?[a-zA-Z](?![a-zA-Z]))?|[IVXLC]{1,7}|premier|PREMIER|1er)"
)
ARTICLE_LINE = re.compile(
    rf"^{ARTICLE_WORD}\s*(?P<num>{ARTICLE_NUMBER})"
    r"(?:\s*[.:\-–—](?!\d)\s*(?P<inline>\S.{0,118})|\s+(?P<bare>[A-Z][^.]{0,118}))?\s*$"
)
ANNEX_WORD = (
    r"(?:Annex|ANNEX|Annexe|ANNEXE|Anhang|ANHANG|Anlage|ANLAGE|Bijlage|BIJLAGE|Aanhangsel|"
    r"AANHANGSEL|Appendix|APPENDIX|Schedule|SCHEDULE|Anexo|ANEXO|Allegato|ALLEGATO|Lampiran|"
    r"LAMPIRAN)"
)
ANNEX_NUMBER = r"(?P<num>\d{1,2}(?:\s?[A-Za-z](?![a-zA-Z]))?|[IVX]{1,5}|[A-Z])"
ANNEX_LINE = re.compile(
    rf"^{ANNEX_WORD}(?:\s+{ANNEX_NUMBER})?"
    r"(?:\s*[.:\-–—]\s*(?P<inline>\S.{0,118}))?\s*$"
)
# "Annex to the Agreement", "Annex I to the Agreement …", "Bijlage 2 bij het Protocol …": a
# caption naming what the annex belongs to (its number, when there is one, is the annex's).
ANNEX_TO_LINE = re.compile(
    rf"^{ANNEX_WORD}(?:\s+{ANNEX_NUMBER})?\s+(?:bij|to|of|à|au|zu|zum|zur|al|all['’]|del)\s*\S"
)
# Quotation marks that only open („ «) and those that close a quotation they opened (” “ " »).
QUOTE_OPENERS = "„«"
QUOTE_CLOSERS = '”“"»'
CAPTION_CONTINUATION = re.compile(r"^(?:bij|to|of|à|au|zu|zum|zur|al|all['’]|del)\s*\S")
ILLUSTRATIONS_LINE = re.compile(r"^(?:Afbeeldingen|Illustrations|Abbildungen)$")
ANNEX_GROUP_LINE = re.compile(r"^(?:Annexes|ANNEXES|Bijlagen|BIJLAGEN|Anhänge|Anlagen)$")
CHAPTER_LINE = re.compile(
    r"^(?P<word>CHAPTER|Chapter|HOOFDSTUK|Hoofdstuk|TITEL|Titel|TITLE|Title|TITRE|Titre|CHAPITRE|"
    r"Chapitre|KAPITEL|Kapitel|ABSCHNITT|Abschnitt|AFDELING|Afdeling|SECTION|Section|PART|Part|"
    r"DEEL|Deel|TEIL|Teil)\s+(?P<num>[IVXLC]{1,7}|\d{1,3}|[A-Z])\.?"
    r"(?:\s*[.:\-–—]\s*(?P<inline>\S.*))?$"
)
# Rank of a container word: a part holds titles, a title chapters, a chapter sections.
CONTAINER_RANKS = {"part": 0, "deel": 0, "teil": 0, "title": 1, "titel": 1, "titre": 1}
CONTAINER_RANKS.update({"section": 3, "afdeling": 3, "abschnitt": 3})
CHAPTER_RANK = 2  # chapter, hoofdstuk, chapitre, kapitel, and a bare roman numeral
CONTAINER_EID = {0: "part", 1: "title", 2: "chp", 3: "sec"}
BARE_ROMAN_LINE = re.compile(r"^[IVX]{1,5}\.?$")
FINAL_LINE = re.compile(
    r"^(?:in witness whereof|in faith whereof|done (?:at|in)\b|ten blijke waarvan|"
    r"gedaan (?:te|in)\b|fait (?:à|a)\b|en foi de quoi|zu urkund dessen|geschehen (?:zu|in)\b)",
    re.IGNORECASE,
)
DECLARATION_LINE = re.compile(
    r"^(?:Gemeenschappelijke verklaring|Gezamenlijke verklaring|Joint [Dd]eclaration|"
    r"JOINT DECLARATION|Déclaration commune|Gemeinsame Erklärung|Erklärung\b|ERKLÄRUNG\b|"
    r"Verklaring\b|VERKLARING\b|Declaration\b|DECLARATION\b|Déclaration\b|DÉCLARATION\b|"
    r"FINAL ACT\b|Final Act\b|Slotakte\b|Acte final\b)"
)
# Declarations that may also follow the annexes (a generic "Declaration" line there is annex text).
STRONG_DECLARATION_LINE = re.compile(
    r"^(?:Gemeenschappelijke verklaring|Gezamenlijke verklaring|Joint [Dd]eclaration|"
    r"JOINT DECLARATION|Déclaration commune|DÉCLARATION COMMUNE|Gemeinsame Erklärung|"
    r"FINAL ACT\b|Final Act\b|Slotakte\b|Acte final\b)"
)
INSTRUMENT_TITLE_LINE = re.compile(
    r"^(?:Uitvoeringsprotocol|Implementing [Pp]rotocol|IMPLEMENTING PROTOCOL|Protocol|PROTOCOL|"
    r"Protocole|PROTOCOLE|Protokoll|PROTOKOLL|Aanvullend [Pp]rotocol|Additional [Pp]rotocol|"
    r"Durchführungsprotokoll)\b"
)
# "Nr. I", "No. 2", "N° II", "Note No. 1", "Nota nr. II": a note's number in an exchange of notes.
NOTE_NUMBER_LINE = re.compile(
    r"^(?:(?:Note|NOTE|Nota|NOTA|Verbalnote)\s+(?:(?:Nr|No|N°|nr|no)\.?\s*)?|(?:Nr|No|N°)\.?\s*)"
    r"(?P<num>[IVX]{1,4}|\d{1,3})$"
)
IMPLEMENTING_TITLE = re.compile(
    r"^(?:Uitvoeringsprotocol|Implementing [Pp]rotocol|Protocol (?:tussen|between|tot uitvoering)|"
    r"Protocole (?:d'application|entre)|Durchführungsprotokoll|Protokoll zwischen)\b"
)
SCHEDULE_LINE = re.compile(r"^(?:Schedule|SCHEDULE)$")
PARAGRAPH_LABEL_LINE = re.compile(r"^(?:Paragraph|Paragraphe|Absatz|Lid)\s+(\d{1,3})$")

# Paragraph and point markers at the start of a block.
NUMBER_MARKER = re.compile(r"^(?:\((\d{1,3}[a-z]?)\)\.?|(\d{1,3}[a-z]?)(?:°\.?|\)\.?|\.(?!\d)))\s*")
LETTER_MARKER = re.compile(r"^(?:\(([a-zA-Z]{1,4})\)\.?|([a-z]{1,4})\)\.?|([a-zA-Z])\.(?=\s|$))\s*")
DASH_MARKER = re.compile(r"^[–−—•·▪\-](?!-)\s*")
ROMAN_LABEL = re.compile(r"^(?:i{1,3}|iv|vi{0,3}|ix|xi{0,3})$")

ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
CHINESE_ITEM_STYLE = "chinese_item"  # a 项 "(一)": always a point of its 款


# --------------------------------------------------------------------------- public API


def document_title(lines: Sequence[Line]) -> str | None:
    """The first non-empty line, which in every corpus document is the title."""
    for line in lines:
        if line.text.strip():
            return line.text.strip()
    return None


def parse_structure(lines: Sequence[Line], *, language: str) -> tuple[Unit, ...]:
    """Split a document's lines into units in document order (see the module docstring).

    `language` is accepted for symmetry with the rest of the ingest layer; the patterns cover
    English, Dutch, French and German together because documents mix them (a Dutch text
    quoting an English form).
    """
    del language  # all patterns are multilingual; kept in the signature for callers
    lines = split_article_lines(lines)
    tokens = [_classify(line.text.strip()) for line in lines]
    accepted_articles = _monotonic_article_lines(tokens)
    guide = parse_sections(lines, article_headings=len(accepted_articles))
    if guide is not None:
        return guide
    builders = _Parser(lines, tokens, accepted_articles=accepted_articles).run()
    return _freeze(builders)


# --------------------------------------------------------------------------- line classes


@dataclass(frozen=True)
class _Token:
    # blank | article | annex | final | declaration | title | note | chapter | roman | group | text
    kind: str
    number: str | None = None
    inline: str | None = None
    value: str | None = None  # a container's normalised number for its eId ("第二章" → "2")
    rank: int | None = None  # a container's rank when its word is not in CONTAINER_RANKS


def _classify(text: str) -> _Token:
    if not text:
        return _Token("blank")
    if len(text) <= 160:
        article = ARTICLE_LINE.match(text)
        if article:
            inline = article.group("inline") or article.group("bare")
            return _Token("article", _clean_number(article.group("num")), inline)
        asian = classify_asian(text)
        if asian is not None:
            if asian.kind == "article":
                return _Token("article", asian.number, asian.inline)
            return _Token("chapter", asian.number, asian.inline, asian.value, asian.rank)
        annex = ANNEX_LINE.match(text)
        if annex:
            number = annex.group("num")
            return _Token("annex", _clean_number(number) if number else None, annex.group("inline"))
        if ILLUSTRATIONS_LINE.match(text):
            return _Token("annex", None, text)
        if ANNEX_GROUP_LINE.match(text):
            return _Token("group")
        chapter = CHAPTER_LINE.match(text)
        if chapter:
            return _Token(
                "chapter",
                f"{chapter.group('word')} {chapter.group('num')}",
                chapter.group("inline"),
            )
        if BARE_ROMAN_LINE.match(text):
            return _Token("roman")
        note = NOTE_NUMBER_LINE.match(text)
        if note:
            return _Token("note", note.group("num"))
    annex_to = ANNEX_TO_LINE.match(text)
    if annex_to:
        number = annex_to.group("num")
        return _Token(
            "annex",
            _clean_number(number) if number else None,
            text if len(text) <= MAX_HEADING_CHARS else None,
        )
    if FINAL_LINE.match(text):
        return _Token("final")
    if DECLARATION_LINE.match(text):
        return _Token("declaration")
    if INSTRUMENT_TITLE_LINE.match(text):
        return _Token("title")
    return _Token("text")


_SPACES = re.compile(r"\s+")
_ARTICLE_DIGITS = re.compile(r"^(\d+)(?:\.(\d+))?([a-zA-Z]?)$")


def _clean_number(raw: str) -> str:
    number = _SPACES.sub(" ", raw.strip())
    if number.lower() in ("premier", "1er"):
        return "1"
    return number


def _article_value(number: str) -> tuple[int, int]:
    """Sort key of an article number: 7 → (7, 0), 7a → (7, 1), IV → (4, 0), 6.1a → (6, 28)."""
    compact = number.replace(" ", "")
    digits = _ARTICLE_DIGITS.match(compact)
    if digits:
        suffix = digits.group(3).lower()
        minor = int(digits.group(2)) * 27 if digits.group(2) else 0
        return int(digits.group(1)), minor + (ord(suffix) - 96 if suffix else 0)
    return _roman_to_int(compact.upper()), 0


def _roman_to_int(roman: str) -> int:
    total = 0
    previous = 0
    for char in reversed(roman):
        value = ROMAN_VALUES.get(char, 0)
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total


def _eid_token(number: str) -> str:
    return ascii_digits(_SPACES.sub("", number).lower())


def _heading_like(text: str, *, max_chars: int = MAX_HEADING_CHARS, caseless: bool = False) -> bool:
    if not text or len(text) > max_chars:
        return False
    # Thai, Khmer and Chinese have no capitals: a chapter's title line there is taken as it is.
    first = text[0]
    uncased = first.isalpha() and not first.isupper() and not first.islower()
    if not first.isupper() and not (caseless and uncased):
        return False
    if text[-1] in ".;:,":
        return False
    if NUMBER_MARKER.match(text) or DASH_MARKER.match(text):
        return False
    if PARAGRAPH_LABEL_LINE.match(text):
        return False
    # Form fields ("DATE: .....", "Name | Seal") and illustration placeholders are not headings.
    return "....." not in text and " | " not in text and not text.startswith("[")


# --------------------------------------------------------------------------- parsing


@dataclass
class _Builder:
    kind: str
    part: str
    base_eid: str
    instrument: str
    number: str | None = None
    heading: str | None = None
    heading_line: Line | None = None  # set when the heading came from the line after the label
    body: list[Line] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    instrument_index: int = 0
    parent: _Builder | None = None  # the enclosing chapter/section container
    # The unit whose eId prefixes this one's: the note an annex belongs to (`note_i__annex_i`),
    # the annex an article belongs to (`annex_1__art_3`).
    owner: _Builder | None = None

    def add_page(self, line: Line) -> None:
        if line.page is not None:
            self.pages.append(line.page)


class _Parser:
    def __init__(
        self,
        lines: Sequence[Line],
        tokens: list[_Token],
        *,
        accepted_articles: set[int] | None = None,  # _monotonic_article_lines(tokens), if known
    ) -> None:
        self.lines = lines
        self.tokens = tokens
        self.units: list[_Builder] = []
        self.instrument_index = 0
        self.instrument_articles = 0
        self.last_value: tuple[int, int] | None = None
        # preamble | article | final | declaration | annex | chapter | note
        self.state = "preamble"
        self.declarations = 0
        self.notes = 0  # notes of an exchange of notes opened so far
        self.note: _Builder | None = None  # the open note (its annexes belong to it)
        self.open_annex: _Builder | None = None  # the annex whose own articles are being read
        self.quote_open = False  # the open note quotes another one and the quotation runs on
        title = document_title(lines) or ""
        self.first_is_protocol = bool(IMPLEMENTING_TITLE.match(title))
        self.current = self._new("preamble", "preamble", "preamble", None)
        self.expect_heading = False
        self.skip_chapter_title = False
        self.containers: list[tuple[int, _Builder]] = []  # open chapters, outermost first
        self.annex_group: _Builder | None = None
        self.accepted_articles = (
            _monotonic_article_lines(tokens) if accepted_articles is None else accepted_articles
        )
        # Look-ahead answers for every position, computed once (backwards), so that asking
        # "what comes next?" at each line keeps parsing linear in the number of lines.
        self.next_nonblank = _next_nonblank(tokens)
        self.previous_nonblank = _previous_nonblank(tokens)
        self.next_article = _next_article_values(tokens)

    # -- helpers ---------------------------------------------------------------------

    def _prefix(self) -> str:
        return instrument_prefix(self.instrument_index)

    def _instrument(self) -> str:
        if self.instrument_index == 0 and not self.first_is_protocol:
            return "agreement"
        return "protocol"

    def _new(self, kind: str, part: str, base: str, number: str | None) -> _Builder:
        if kind != "article":
            self.open_annex = None  # any other unit ends the articles of an annex
        builder = _Builder(
            kind=kind,
            part=part,
            base_eid=base,
            instrument=self._instrument(),
            number=number,
            instrument_index=self.instrument_index,
        )
        self.units.append(builder)
        return builder

    def _next_article_value(self, start: int) -> tuple[int, int] | None:
        """Number of the next article heading after `start`, stopping at annexes."""
        return self.next_article[start] if start < len(self.next_article) else None

    def _continues_instrument(self, start: int) -> bool:
        """Does an article of the current instrument (higher number) follow `start`?"""
        value = self._next_article_value(start)
        if value is None or self.last_value is None:
            return False
        return value > self.last_value and value[0] - self.last_value[0] <= MAX_ARTICLE_GAP

    def _restarts_numbering(self, start: int) -> bool:
        value = self._next_article_value(start)
        return value is not None and value[0] == 1

    def _has_body_after(self, index: int) -> bool:
        following = self._nonblank_after(index)
        return following is not None and self.tokens[following].kind != "article"

    def _article_within(self, index: int, count: int) -> bool:
        following = self._nonblank_after(index)
        for _ in range(count):
            if following is None:
                return False
            if self.tokens[following].kind == "article":
                return True
            following = self._nonblank_after(following)
        return False

    def _nonblank_after(self, index: int) -> int | None:
        """Index of the first non-blank token after `index`, or None."""
        if index + 1 >= len(self.next_nonblank):
            return None
        return self.next_nonblank[index + 1]

    # -- transitions -----------------------------------------------------------------

    def _start_container(
        self, rank: int, label: str | None, line: Line, value: str | None = None
    ) -> None:
        while self.containers and self.containers[-1][0] >= rank:
            self.containers.pop()
        parent = self.containers[-1][1] if self.containers else None
        number = value if value is not None else (label.split()[-1] if label else "")
        own = CONTAINER_EID[rank] + "_" + _eid_token(number)
        base = f"{parent.base_eid}__{own}" if parent is not None else self._prefix() + own
        kind = "section" if rank == 3 else "chapter"
        part = "protocol" if self._instrument() == "protocol" else "agreement"
        self.current = self._new(kind, part, base, label)
        self.current.parent = parent
        self.current.add_page(line)
        self.containers.append((rank, self.current))
        self.state = "chapter"

    def _start_chapter(self, token: _Token, line: Line) -> None:
        word = (token.number or "").split()[0].lower()
        rank = token.rank if token.rank is not None else CONTAINER_RANKS.get(word, CHAPTER_RANK)
        self._start_container(rank, token.number, line, token.value)
        if token.inline:
            self.current.heading = token.inline.strip()
        else:
            self.skip_chapter_title = True

    def _start_annex_group(self, line: Line) -> None:
        self.current = self._new("chapter", "annex", "annexes", None)
        self.current.heading = line.text.strip()
        self.current.add_page(line)
        self.annex_group = self.current

    def _start_instrument(self, line: Line) -> None:
        self.note = None
        self.containers = []
        self.annex_group = None
        self.instrument_index += 1
        self.instrument_articles = 0
        self.last_value = None
        self.current = self._new("preamble", "preamble", self._prefix() + "preamble", None)
        self.current.body.append(line)
        self.current.add_page(line)
        self.state = "preamble"

    def _start_article(self, token: _Token, line: Line, index: int) -> None:
        number = token.number or ""
        part = "protocol" if self._instrument() == "protocol" else "agreement"
        self.current = self._new(
            "article", part, self._prefix() + "art_" + _eid_token(number), number
        )
        self.current.parent = self.containers[-1][1] if self.containers else None
        self.current.add_page(line)
        self.last_value = _article_value(number)
        self.instrument_articles += 1
        self.state = "article"
        if token.inline:
            self.current.heading = token.inline.strip()
        else:
            self.expect_heading = True

    def _start_annex(self, token: _Token, line: Line) -> None:
        self.current = self._new("annex", "annex", "annex", token.number)
        self.current.parent = self.annex_group
        if self.note is not None and self.annex_group is None:
            self.current.parent = self.note
            self.current.owner = self.note
        self.current.add_page(line)
        self.state = "annex"
        if token.inline:
            self.current.heading = token.inline.strip()
        elif SCHEDULE_LINE.match(line.text.strip()):
            self.current.heading = "Schedule"
        elif ANNEX_TO_LINE.match(line.text.strip()):
            self.current.body.append(line)  # a caption too long for a heading stays text
        else:
            self.expect_heading = True

    def _start_note(self, token: _Token, line: Line) -> None:
        """A note of an exchange of notes ("Nr. I", "Note No. 2"): its text up to the next
        note, and the annexes that follow it as its own (`note_i__annex_i`)."""
        self.notes += 1
        self.containers = []
        self.annex_group = None
        number = token.number
        base = "note_" + _eid_token(number) if number else f"note_{self.notes}"
        self.current = self._new("note", "agreement", base, number)
        self.current.add_page(line)
        self.note = self.current
        self.quote_open = False
        self.state = "note"

    def _start_annex_article(self, token: _Token, line: Line, index: int) -> None:
        """The first article of an annex that has articles of its own (`annex_1__art_1`): the
        annex's articles stay inside the annex, not a new instrument."""
        annex = self.current
        self._start_article(token, line, index)
        self.current.part = "annex"
        self.current.parent = annex
        self.current.owner = annex
        self.open_annex = annex

    def _starts_note(self, index: int) -> bool:
        """Does a note number open a note? In an exchange of notes: the first note number
        before any article when no article follows (a note that holds the agreement's
        articles, as in "Nr. I / Afdeling A / Artikel 1", stays the preamble), and every note
        number after a note has been opened."""
        if self.notes > 0:
            return self.state in ("note", "annex", "article", "final", "declaration")
        return (
            self.state == "preamble"
            and self.instrument_index == 0
            and self.instrument_articles == 0
            and self._next_article_value(index + 1) is None
        )

    def _start_final(self, line: Line) -> None:
        self.current = self._new("final", "final", self._prefix() + "final", None)
        self.current.body.append(line)
        self.current.add_page(line)
        self.state = "final"

    def _start_declaration(self, line: Line) -> None:
        self.declarations += 1
        self.current = self._new("declaration", "final", f"declaration_{self.declarations}", None)
        self.current.heading = line.text.strip()
        self.current.add_page(line)
        self.state = "declaration"

    # -- main loop -------------------------------------------------------------------

    def run(self) -> list[_Builder]:
        for index, (line, token) in enumerate(zip(self.lines, self.tokens, strict=True)):
            if token.kind == "blank":
                continue
            text = line.text.strip()
            if self.expect_heading:
                self.expect_heading = False
                if self._take_heading(text, token, index):
                    self.current.heading = text
                    self.current.heading_line = line
                    self.current.add_page(line)
                    continue
            if self.skip_chapter_title:
                self.skip_chapter_title = False
                if token.kind == "text" and _heading_like(text, caseless=True):
                    self.current.heading = text
                    self.current.add_page(line)
                    continue
            self._dispatch(index, line, token)
        return self.units

    def _take_heading(self, text: str, token: _Token, index: int) -> bool:
        if token.kind in ("article", "final", "note"):
            return False
        if token.kind == "annex" and token.number is not None:
            return False
        if self.current.kind == "annex":
            return _heading_like(text)
        return _heading_like(text, max_chars=MAX_ARTICLE_HEADING_CHARS) and self._has_body_after(
            index
        )

    def _dispatch(self, index: int, line: Line, token: _Token) -> None:
        kind = token.kind
        if kind == "note" and self._starts_note(index):
            self._start_note(token, line)
            return
        if kind == "article" and self._opens_annex_articles(token, index):
            self._start_annex_article(token, line, index)
            return
        annex, instrument = self.open_annex, self.instrument_index
        if kind == "article" and self._accept_article(token, index):
            self._start_article(token, line, index)
            if annex is not None and self.instrument_index == instrument:
                # A later article of the same annex.
                self.current.part = "annex"
                self.current.parent = annex
                self.current.owner = annex
                self.open_annex = annex
            return
        if kind == "chapter" and self.state in ("preamble", "article", "chapter"):
            self._start_chapter(token, line)
            return
        if (
            kind == "roman"
            and self.state in ("preamble", "article", "chapter")
            and self._article_within(index, 2)
        ):
            self._start_container(CHAPTER_RANK, line.text.strip().rstrip("."), line)
            self.skip_chapter_title = True
            return
        if kind in ("title", "note") and self._opens_instrument(index, kind):
            self._start_instrument(line)
            return
        if kind == "note" and self.state in ("article", "annex", "final", "declaration"):
            self._start_declaration(line)
            return
        after_last_article = self.state == "article" and not self._continues_instrument(index + 1)
        if kind == "final" and (
            after_last_article or (self.state == "preamble" and self.instrument_index > 0)
        ):
            self._start_final(line)
            return
        if kind == "declaration" and (
            self.state in ("final", "declaration")
            or after_last_article
            or (self.state == "annex" and STRONG_DECLARATION_LINE.match(line.text.strip()))
        ):
            self._start_declaration(line)
            return
        if (
            kind == "annex"
            and (self.state in ("final", "declaration", "annex", "note") or after_last_article)
            and self._stands_alone(index)
        ):
            self._start_annex(token, line)
            return
        if kind == "group" and (
            self.state in ("final", "declaration", "annex") or after_last_article
        ):
            self._start_annex_group(line)
            return
        self.current.body.append(line)
        self.current.add_page(line)
        self._follow_quotation(line.text)

    def _follow_quotation(self, text: str) -> None:
        """A reply note quotes the note it answers, annexes included („… welke luidde: „…").
        The line of a note's annex that closes the quotation ends the quoted annex: what
        follows is the reply's own closing text (`note_ii__final`, kind "final")."""
        note = self.note
        if note is None:
            return
        if self.current is note:
            for char in text:
                if char in QUOTE_OPENERS:
                    self.quote_open = True
                elif char in QUOTE_CLOSERS:
                    self.quote_open = False
            return
        if (
            self.quote_open
            and self.current.kind == "annex"
            and self.current.owner is note
            and any(char in QUOTE_CLOSERS for char in text)
        ):
            self.quote_open = False
            self.current = self._new("final", "final", "final", None)
            self.current.parent = note
            self.current.owner = note
            self.state = "final"

    def _opens_annex_articles(self, token: _Token, index: int) -> bool:
        """An "Article 1" right inside an annex (no instrument title between them): the
        annex's own articles begin."""
        return (
            self.state == "annex"
            and token.number is not None
            and index in self.accepted_articles
            and _article_value(token.number) == (1, 0)
        )

    def _stands_alone(self, index: int) -> bool:
        """Is an annex line a heading, not a mention wrapped onto a line of its own ("… in
        der / Anlage I / aufgeführten …")? The line before it ends a sentence or is a label or
        heading, and the line after it does not continue the sentence in lower case."""
        before = self.previous_nonblank[index]
        if before is not None and self.tokens[before].kind == "text":
            words = self.lines[before].text.split()
            last = words[-1] if words else ""
            if last.isalpha() and last.islower():
                return False  # "… as set out in" / "… in der": the sentence runs on
        after = self._nonblank_after(index)
        if after is None:
            return True
        following = self.lines[after].text.strip()
        # "Bijlage 1 / bij de nota …" is a caption on two lines, not a sentence running on.
        return not following[:1].islower() or bool(CAPTION_CONTINUATION.match(following))

    def _accept_article(self, token: _Token, index: int) -> bool:
        if token.number is None or index not in self.accepted_articles:
            return False
        if self.last_value is not None and _article_value(token.number) == (1, 0):
            # Numbering restarts: a new instrument without a recognised title line.
            self.instrument_index += 1
            self.instrument_articles = 0
            self.last_value = None
        return True

    def _opens_instrument(self, index: int, kind: str) -> bool:
        if self.instrument_articles == 0 and self.instrument_index == 0:
            return False
        if self.state in ("final", "declaration") and kind == "title":
            return True
        if self.expect_heading:
            return False
        if self.state in ("article", "annex", "final", "declaration"):
            return self._restarts_numbering(index + 1)
        return False


def _monotonic_article_lines(tokens: list[_Token]) -> set[int]:
    """Indices of the article lines that form the document's article numbering.

    Candidates are split into runs at every "Article 1" (a restart opens a new instrument);
    within a run, the longest non-decreasing sequence of numbers (each step at most
    MAX_ARTICLE_GAP) is kept and the other candidates are body text. Unlike a greedy
    left-to-right check, this also rejects a stray "Article 5" line that comes *before*
    Articles 3 and 4.
    """
    runs: list[list[tuple[int, tuple[int, int]]]] = []
    for index, token in enumerate(tokens):
        if token.kind != "article" or token.number is None:
            continue
        value = _article_value(token.number)
        if value[0] == 0:
            continue
        if not runs or value == (1, 0):
            runs.append([])
        runs[-1].append((index, value))
    accepted: set[int] = set()
    for run in runs:
        accepted.update(_longest_non_decreasing(run))
    return accepted


def _longest_non_decreasing(run: list[tuple[int, tuple[int, int]]]) -> list[int]:
    """The longest chain of non-decreasing article values (steps of at most MAX_ARTICLE_GAP).

    A chain may only extend one whose major number lies MAX_ARTICLE_GAP or less below, so for
    each candidate only those (few) distinct values are looked at: linear in the run length.
    For each value, the best chain ending in it is kept with its earliest end (the first
    candidate of that length), which is the predecessor an exhaustive scan would pick.
    """
    if not run:
        return []
    best = [1] * len(run)
    previous = [-1] * len(run)
    # major number -> {value: (best chain length ending in that value, earliest such position)}
    ends: dict[int, dict[tuple[int, int], tuple[int, int]]] = {}
    for i, (_, value) in enumerate(run):
        choice: tuple[int, int] | None = None  # (length, position) of the predecessor
        for major in range(value[0] - MAX_ARTICLE_GAP, value[0] + 1):
            for other, (length, position) in ends.get(major, {}).items():
                if other > value:
                    continue
                if (
                    choice is None
                    or length > choice[0]
                    or (length == choice[0] and position < choice[1])
                ):
                    choice = (length, position)
        if choice is not None:
            best[i] = choice[0] + 1
            previous[i] = choice[1]
        known = ends.setdefault(value[0], {})
        if value not in known or known[value][0] < best[i]:
            known[value] = (best[i], i)
    # The run must start where it starts (an "Article 1" or the first candidate): prefer
    # the longest chain, and among equals the one ending last.
    end = max(range(len(run)), key=lambda k: (best[k], k))
    chain: list[int] = []
    while end != -1:
        chain.append(run[end][0])
        end = previous[end]
    return chain


def _next_nonblank(tokens: list[_Token]) -> list[int | None]:
    """For each position, the index of the first non-blank token at or after it."""
    found: list[int | None] = [None] * len(tokens)
    following: int | None = None
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index].kind != "blank":
            following = index
        found[index] = following
    return found


def _previous_nonblank(tokens: list[_Token]) -> list[int | None]:
    """For each position, the index of the last non-blank token before it."""
    found: list[int | None] = [None] * len(tokens)
    previous: int | None = None
    for index, token in enumerate(tokens):
        found[index] = previous
        if token.kind != "blank":
            previous = index
    return found


def _next_article_values(tokens: list[_Token]) -> list[tuple[int, int] | None]:
    """For each position, the value of the next numbered article heading at or after it, or
    None when an annex line (or the end) comes first."""
    found: list[tuple[int, int] | None] = [None] * len(tokens)
    following: tuple[int, int] | None = None
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if token.kind == "article" and token.number is not None:
            following = _article_value(token.number)
        elif token.kind == "annex":
            following = None
        found[index] = following
    return found


# --------------------------------------------------------------------------- freezing


def _freeze(builders: list[_Builder]) -> tuple[Unit, ...]:
    # An article or a note is kept even when empty: its number is cited, and a note's annexes
    # carry its eId.
    builders = [b for b in builders if b.body or b.heading or b.kind in ("article", "note")]
    _demote_rare_headings(builders)
    # An instrument without articles: its "preamble" is its operative text.
    instruments_with_articles = {b.instrument_index for b in builders if b.kind == "article"}
    for builder in builders:
        if (
            builder.kind == "preamble"
            and builder.instrument_index > 0
            and builder.instrument_index not in instruments_with_articles
        ):
            builder.part = "protocol"
    eids = _assign_eids(builders)
    eid_of = {id(builder): eid for builder, eid in zip(builders, eids, strict=True)}
    units: list[Unit] = []
    for order, (builder, eid) in enumerate(zip(builders, eids, strict=True)):
        paragraphs = _paragraphs(eid, builder.body)
        pages = builder.pages + [line.page for line in builder.body if line.page is not None]
        units.append(
            Unit(
                eid=eid,
                kind=builder.kind,
                part=builder.part,
                number=builder.number,
                heading=builder.heading,
                text="\n".join(p.text for p in paragraphs),
                order=order,
                page_start=min(pages) if pages else None,
                page_end=max(pages) if pages else None,
                paragraphs=paragraphs,
                instrument=builder.instrument,
                parent=_parent_eid(builder, eid_of),
            )
        )
    return tuple(units)


def _parent_eid(builder: _Builder, eid_of: dict[int, str]) -> str | None:
    """The eId of the nearest enclosing container that became a unit."""
    parent = builder.parent
    while parent is not None and id(parent) not in eid_of:
        parent = parent.parent
    return None if parent is None else eid_of[id(parent)]


def _demote_rare_headings(builders: list[_Builder]) -> None:
    by_instrument: dict[int, list[_Builder]] = {}
    for builder in builders:
        if builder.kind == "article":
            by_instrument.setdefault(builder.instrument_index, []).append(builder)
    for articles in by_instrument.values():
        with_heading = sum(1 for a in articles if a.heading is not None)
        if with_heading >= MIN_HEADING_SHARE * len(articles):
            continue
        for article in articles:
            if article.heading_line is not None:
                article.body.insert(0, article.heading_line)
                article.heading = None
                article.heading_line = None


def _assign_eids(builders: list[_Builder]) -> list[str]:
    """Each unit's eId: numbered annexes claim theirs first, unnumbered ones take the first free
    `annex_K` (both among the annexes of the same owner: the document, or one note); a unit
    with an owner is prefixed with the owner's eId (`note_i__annex_i`, `annex_1__art_3`)."""
    bases: list[str | None] = []
    claimed: dict[int, set[str]] = {}  # id(owner) (0: none) -> annex eIds taken
    for builder in builders:
        taken = claimed.setdefault(id(builder.owner) if builder.owner else 0, set())
        if builder.kind == "annex" and builder.number is not None:
            base = "annex_" + _eid_token(builder.number)
            taken.add(base)
            bases.append(base)
        elif builder.kind == "annex":
            bases.append(None)
        else:
            bases.append(builder.base_eid)
    unnumbered: dict[int, int] = {}
    for position, builder in enumerate(builders):
        if bases[position] is None:
            key = id(builder.owner) if builder.owner else 0
            unnumbered[key] = unnumbered.get(key, 0) + 1
            k = unnumbered[key]
            while f"annex_{k}" in claimed[key]:
                k += 1
            bases[position] = f"annex_{k}"
            claimed[key].add(f"annex_{k}")
    full: dict[int, str] = {}
    for position, builder in enumerate(builders):
        base = bases[position] or ""
        if builder.owner is not None and id(builder.owner) in full:
            base = f"{full[id(builder.owner)]}__{base}"
        full[id(builder)] = base
        bases[position] = base
    return _unique([b or "" for b in bases])


def _unique(bases: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out: list[str] = []
    taken = set(bases)
    for base in bases:
        count = seen.get(base, 0) + 1
        seen[base] = count
        if count == 1:
            out.append(base)
            continue
        candidate = f"{base}__{count}"
        while candidate in taken:
            count += 1
            candidate = f"{base}__{count}"
        taken.add(candidate)
        out.append(candidate)
    return out


# --------------------------------------------------------------------------- paragraphs


@dataclass(frozen=True)
class _Marker:
    style: str  # number | paren_number | letter | upper | roman | dash | label
    label: str


@dataclass
class _ParaBuilder:
    number: str | None
    blocks: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    points: list[tuple[_Marker, str]] = field(default_factory=list)
    sublist: bool = False  # numbered points inside a numbered paragraph
    # style -> label of the last point of that style (kept as points are added: no rescans)
    last_labels: dict[str, str] = field(default_factory=dict)

    def add(self, text: str, page: int | None) -> None:
        self.blocks.append(text)
        if page is not None:
            self.pages.append(page)

    def add_point(self, marker: _Marker, text: str) -> None:
        self.points.append((marker, text))
        self.last_labels[marker.style] = marker.label


def _marker(text: str, previous_letter: str | None) -> _Marker | None:
    label_line = PARAGRAPH_LABEL_LINE.match(text)
    if label_line:
        return _Marker("label", label_line.group(1))
    item = chinese_item(text)
    if item is not None:
        return _Marker(CHINESE_ITEM_STYLE, item[0])
    number = NUMBER_MARKER.match(text)
    if number:
        # "(1)" and "1." are different styles: German and French texts number paragraphs
        # "(1)." and their points "1." inside the same article.
        if number.group(1):
            return _Marker("paren_number", number.group(1).lower())
        return _Marker("number", number.group(2).lower())
    letter = LETTER_MARKER.match(text)
    if letter:
        label = letter.group(1) or letter.group(2) or letter.group(3)
        if len(label) > 1 and not ROMAN_LABEL.match(label.lower()):
            return None
        lowered = label.lower()
        if len(lowered) > 1:
            return _Marker("roman", lowered)
        if lowered in ("i", "v", "x") and not (
            previous_letter is not None and _is_next_label(previous_letter, lowered)
        ):
            return _Marker("roman", lowered)
        if label.isupper() and len(label) == 1:
            return _Marker("upper", label)
        return _Marker("letter", lowered)
    if DASH_MARKER.match(text) and len(text) > 1:
        return _Marker("dash", "")
    return None


def _is_next_label(previous: str, label: str) -> bool:
    if previous.isdigit() and label.isdigit():
        return int(label) == int(previous) + 1
    prev_digits = re.match(r"^(\d+)", previous)
    label_digits = re.match(r"^(\d+)", label)
    if prev_digits and label_digits:
        return int(label_digits.group(1)) == int(prev_digits.group(1)) + 1
    if len(previous) == 1 and len(label) == 1 and previous.isalpha() and label.isalpha():
        return ord(label.lower()) == ord(previous.lower()) + 1
    return False


def _is_first_label(label: str) -> bool:
    return label in ("1", "a", "i", "A")


def _paragraphs(unit_eid: str, body: list[Line]) -> tuple[Paragraph, ...]:
    paras: list[_ParaBuilder] = []
    para_style: str | None = None
    previous_letter: str | None = None
    for line in body:
        text = line.text.strip()
        if not text:
            continue
        marker = _marker(text, previous_letter)
        current = paras[-1] if paras else None
        if marker is not None and marker.style in ("letter", "upper"):
            previous_letter = marker.label.lower()
        if marker is not None and marker.style == CHINESE_ITEM_STYLE and current is not None:
            # a 项 is always a point of the 款 (unnumbered paragraph) that introduces it
            current.add(text, line.page)
            current.add_point(marker, text)
            continue
        if marker is None:
            ends_with_items = (
                current is not None
                and bool(current.points)
                and current.points[-1][0].style == CHINESE_ITEM_STYLE
            )
            if (
                current is not None
                and (current.number is not None or current.points)
                and not ends_with_items  # the line after a 款's items is the next 款
            ):
                current.add(text, line.page)
            else:
                paras.append(_ParaBuilder(number=None))
                paras[-1].add(text, line.page)
            continue
        if marker.style == "dash":
            if current is None:
                paras.append(_ParaBuilder(number=None))
                paras[-1].add(text, line.page)
            else:
                current.add(text, line.page)
                current.add_point(marker, text)
            continue
        if para_style is None:
            if (
                marker.style in ("number", "paren_number", "label")
                or current is None
                or not _ends_list_intro(current)
            ):
                para_style = marker.style
                paras.append(_ParaBuilder(number=marker.label))
                paras[-1].add(text, line.page)
            else:
                current.add(text, line.page)
                current.add_point(marker, text)
            continue
        if marker.style == para_style and current is not None:
            if _new_paragraph(current, marker, text):
                paras.append(_ParaBuilder(number=marker.label))
                paras[-1].add(text, line.page)
            else:
                current.add(text, line.page)
                current.add_point(marker, text)
                current.sublist = True
            continue
        if current is None:
            paras.append(_ParaBuilder(number=marker.label))
            paras[-1].add(text, line.page)
            continue
        current.add(text, line.page)
        current.add_point(marker, text)
    return _freeze_paragraphs(unit_eid, paras)


def _ends_list_intro(para: _ParaBuilder) -> bool:
    return para.blocks[-1].rstrip().endswith(":") or bool(para.points)


def _new_paragraph(current: _ParaBuilder, marker: _Marker, text: str) -> bool:
    """Does a marker of the paragraph style start a new paragraph or continue a sub-list?"""
    last_same_style = current.last_labels.get(marker.style)
    para_next = current.number is not None and _is_next_label(current.number, marker.label)
    if current.sublist and last_same_style is not None:
        sub_next = _is_next_label(last_same_style, marker.label)
        if para_next and sub_next:
            rest = _after_marker(text)
            return current.blocks[-1].rstrip().endswith(".") and rest[:1].isupper()
        return not sub_next
    # "3. … shall also readmit:" followed by "1." opens a sub-list; so does an introduction
    # that simply runs on into its list ("… aannemelijk kan worden gemaakt dat deze persoon").
    opens_sublist = (
        not para_next
        and _is_first_label(marker.label)
        and not current.blocks[-1].rstrip().endswith((".", "!", "?"))
    )
    return not opens_sublist


def _after_marker(text: str) -> str:
    item = chinese_item(text)
    if item is not None:
        return text[item[1] :]
    for pattern in (NUMBER_MARKER, LETTER_MARKER, DASH_MARKER):
        match = pattern.match(text)
        if match:
            return text[match.end() :]
    return text


def _freeze_paragraphs(unit_eid: str, paras: list[_ParaBuilder]) -> tuple[Paragraph, ...]:
    bases: list[str] = []
    unnumbered = 0
    for para in paras:
        if para.number is None:
            unnumbered += 1
            bases.append(f"subpara_{unnumbered}")
        else:
            bases.append(f"para_{_eid_token(para.number)}")
    out: list[Paragraph] = []
    for para, local in zip(paras, _unique(bases), strict=True):
        eid = f"{unit_eid}__{local}"
        out.append(
            Paragraph(
                eid=eid,
                number=para.number,
                text="\n".join(para.blocks),
                page_start=min(para.pages) if para.pages else None,
                page_end=max(para.pages) if para.pages else None,
                points=_freeze_points(eid, para.points),
            )
        )
    return tuple(out)


def _freeze_points(para_eid: str, points: list[tuple[_Marker, str]]) -> tuple[Point, ...]:
    bases: list[str] = []
    indents = 0
    for marker, _ in points:
        if marker.style == "dash":
            indents += 1
            bases.append(f"indent_{indents}")
        else:
            bases.append(f"point_{marker.label.lower()}")
    return tuple(
        Point(
            eid=f"{para_eid}__{local}",
            label=_point_label(marker, text),
            text=text,
        )
        for (marker, text), local in zip(points, _unique(bases), strict=True)
    )


def _point_label(marker: _Marker, text: str) -> str:
    if marker.style == "dash":
        return text[:1]
    consumed = len(text) - len(_after_marker(text))
    return text[:consumed].strip() or marker.label
