"""Chunker: parsed units → embedding chunks that always say which article they come from.

The article (unit) is what users want back, so a unit that fits in `max_tokens` is one chunk.
A longer unit is split at paragraph boundaries (greedy packing of whole paragraphs); a
paragraph that alone exceeds the limit is split at sentence boundaries, and a single sentence
longer than the limit is split by words as a last resort.

Every chunk's text starts with the unit's citation line ("Article 7 — Time limits",
"Protocol, Article 3 — Transit", "Annex 2") and a newline, so a heading is never separated from
its body; the limit applies to the whole chunk text, citation line included. A unit whose name
is not in its source (an untitled preamble, signature block or declaration:
`ingest.citations.has_invented_name`) has no line of its own: the words "Preamble" or "Final
clauses" would be the same in every such chunk and make them look alike to both retrievers (on a
corpus of untitled clauses, every chunk would start with "Preamble"); its chunks start with its
ancestors' path if it has one, else with the body.
Where a unit sits in a section tree (a guide's sections, a treaty's chapters) the line is its
heading path: "A3 › 2 Zelfstandig vertrek › 2.3 Vertrektermijn", "CHAPTER II Membership ›
Article 2". A container (chapter, section) without text of its own gets no chunk: its heading
is on every chunk of its children.

Sentence boundaries come from spaCy's rule-based "sentencizer" on a blank pipeline of the
document's language, for English too: legal sentences end in ordinary punctuation, the rule is
deterministic (the same text always yields the same chunk ids), and it is an order of
magnitude faster than a statistical dependency parser (en_core_web_sm), whose
boundaries buy nothing here. Pipelines are built lazily on first use and cached per language.
Fragments a sentencizer produces from paragraph numbers ("1." before "The Party …") are glued
to the following sentence.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ingest.citations import cite_unit, has_invented_name, split_eid, split_holders
from ingest.types import Chunk, Paragraph, ParsedDocument, Unit
from ingest.words import UNSPACED, has_unspaced, segment_words

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "approximate_tokens",
    "chunk_document",
    "chunk_header",
    "citation_line",
    "heading_path",
    "split_sentences",
    "stable_chunk_id",
    "strip_placeholders",
    "text_segments",
]

DEFAULT_MAX_TOKENS = 256
# Words per token is about 0.75 for English and a little less for Dutch/German compounds;
# 1.3 tokens per word is a cheap, slightly pessimistic stand-in for a real tokenizer.
TOKENS_PER_WORD = 1.3
# A hard bound on a chunk's length in characters, whatever the script: text with no
# whitespace (Chinese, Japanese, Thai, a base64 blob) is one "word" to the token estimate, so
# without it a 1.9 MB line became one chunk. About 4-6 characters make a token in European
# languages: prose stays under the bound (no corpus chunk reaches it); a chunk over it is split
# at sentences and words first, and only a "word" that alone is too long is cut by characters.
MAX_CHARS_PER_TOKEN = 8
UNSPACED_TOKENS_PER_LETTER = 0.5
CJK_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
# A "sentence" of at most this many words is a stray number or label, not a sentence.
MAX_FRAGMENT_WORDS = 2
SPACY_LANGUAGES = ("en", "nl", "fr", "de", "it", "es", "pt", "da", "sv", "pl", "ru")
# Editorial stand-ins for what a source did not reproduce ("[illustration in the official
# publication not reproduced]"): not text of the treaty, so never part of a searchable passage.
PLACEHOLDER = re.compile(
    r"\[[^\[\]\n]{0,80}?(?:not reproduced|niet (?:overgenomen|opgenomen|weergegeven))\]",
    re.IGNORECASE,
)


def strip_placeholders(text: str) -> str:
    """`text` without editorial placeholders; lines left empty by them are dropped."""
    if not PLACEHOLDER.search(text):
        return text
    lines = (PLACEHOLDER.sub("", line).rstrip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line.strip()).strip()


# Longest piece of text handed to spaCy at once: far below its `max_length` (1,000,000 by
# default), so a paragraph of megabytes is cut into pieces instead of raising E088.
MAX_SPACY_CHARS = 100_000


def approximate_tokens(text: str) -> int:
    """Cheap token estimate: words × 1.3, rounded up. In a script written without spaces a
    "word" between spaces is a whole clause, so its characters are counted instead: an
    ideograph or kana as one token, a Thai, Lao, Khmer or Burmese letter as half of one (their
    words are two to five letters long); both err on the high side, so chunks stay bounded."""
    if not has_unspaced(text):
        return math.ceil(len(text.split()) * TOKENS_PER_WORD)
    spaced = sum(1 for word in text.split() if not has_unspaced(word))
    ideographs = len(CJK_CHAR.findall(text))
    letters = len(UNSPACED.findall(text)) - ideographs
    return math.ceil(spaced * TOKENS_PER_WORD + ideographs + letters * UNSPACED_TOKENS_PER_LETTER)


def stable_chunk_id(doc_id: str, eid: str, seq: int) -> int:
    """A stable id for (doc, unit, piece): 63 bits of blake2b, so a non-negative signed int64.

    Non-negative on purpose: FAISS returns -1 for "no result", so no real id may be -1.
    """
    digest = hashlib.blake2b(f"{doc_id}\x1f{eid}\x1f{seq}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


PATH_SEPARATOR = " › "


def chunk_header(unit: Unit, units_by_eid: dict[str, Unit]) -> str:
    """The line a unit's chunks start with: its heading path, without a name the source does not
    have ("" for an untitled preamble outside any chapter)."""
    path = heading_path(unit, units_by_eid)
    if not has_invented_name(unit.eid, unit.heading):
        return path
    ancestors, _, _own = path.rpartition(PATH_SEPARATOR)
    return ancestors


def heading_path(unit: Unit, units_by_eid: dict[str, Unit]) -> str:
    """The unit's citation line preceded by its ancestors' ("A3 › 2 Zelfstandig vertrek › 2.3
    Vertrektermijn"); just the citation line for a unit outside any chapter or section."""
    parts = [citation_line(unit)]
    seen = {unit.eid}
    parent = units_by_eid.get(unit.parent) if unit.parent else None
    while parent is not None and parent.eid not in seen:
        seen.add(parent.eid)
        # A holder the citation already names ("Note I, Annex II") is not repeated before it.
        if not unit.eid.startswith(f"{parent.eid}__") or not _names_holder(unit.eid):
            parts.append(ancestor_label(parent))
        parent = units_by_eid.get(parent.parent) if parent.parent else None
    return PATH_SEPARATOR.join(reversed(parts))


def _names_holder(eid: str) -> bool:
    holders, _ = split_holders(split_eid(eid)[1])
    return bool(holders)


def ancestor_label(unit: Unit) -> str:
    """A container as a step of a heading path: "2 Zelfstandig vertrek", "A3", "Hoofdstuk 6
    Vertrek en uitzetting"."""
    label = unit.label
    if unit.kind == "chapter" and unit.number and re.match(r"^[A-Z]{1,2}\d", unit.number):
        return label  # a circular's chapter code ("A3") is how practitioners cite it
    return f"{label} {unit.heading}" if unit.heading and unit.heading != label else label


def citation_line(unit: Unit) -> str:
    """How the unit is cited at the top of its chunks: "Protocol, Article 3 — Transit"."""
    if unit.kind == "section" and unit.number and unit.number[:1].isdigit():
        # A guide's numbered section: "2.3 Vertrektermijn".
        return f"{unit.number} {unit.heading}" if unit.heading else unit.number
    return cite_unit(eid=unit.eid, kind=unit.kind, label=unit.label, heading=unit.heading)


def chunk_document(
    doc: ParsedDocument,
    *,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    count_tokens: Callable[[str], int] | None = None,
) -> tuple[Chunk, ...]:
    """Cut a parsed document into chunks of at most `max_tokens` (per `count_tokens`)."""
    if max_tokens < 8:
        raise ValueError(f"max_tokens={max_tokens} is too small to hold a citation and text")
    counter = count_tokens or approximate_tokens
    language = doc.meta.language
    chunks: list[Chunk] = []
    units_by_eid = {unit.eid: unit for unit in doc.units}
    for unit in doc.units:
        header = chunk_header(unit, units_by_eid)
        for seq, piece in enumerate(_unit_pieces(unit, header, max_tokens, counter, language)):
            chunks.append(
                Chunk(
                    chunk_id=stable_chunk_id(doc.doc_id, unit.eid, seq),
                    doc_id=doc.doc_id,
                    eid=unit.eid,
                    part=unit.part,
                    article=unit.number if unit.kind == "article" else None,
                    heading=unit.heading,
                    text=_chunk_text(header, piece.text),
                    seq=seq,
                    page_start=piece.page_start,
                    page_end=piece.page_end,
                )
            )
    return tuple(chunks)


def _chunk_text(header: str, body: str) -> str:
    if not header:
        return body
    return f"{header}\n{body}" if body else header


# --------------------------------------------------------------------------- packing


@dataclass(frozen=True)
class _Piece:
    text: str
    page_start: int | None
    page_end: int | None
    joiner: str = "\n"  # how this piece attaches to the previous one in the same chunk


def _unit_pieces(
    unit: Unit, header: str, max_tokens: int, counter: Callable[[str], int], language: str
) -> list[_Piece]:
    if not unit.text.strip():
        if unit.heading and unit.kind not in ("chapter", "section"):
            return [_Piece("", unit.page_start, unit.page_end)]
        return []
    text = strip_placeholders(unit.text)
    if not text:
        return []  # only placeholders: nothing a search could match
    fits = _fitter(header, max_tokens, counter)
    if fits(text):
        return [_Piece(text, unit.page_start, unit.page_end)]
    pieces: list[_Piece] = []
    # A unit built without paragraphs (by hand, or a parser that found none) is one paragraph.
    paragraphs = unit.paragraphs or (
        Paragraph(
            eid=unit.eid, number=None, text=text, page_start=unit.page_start, page_end=unit.page_end
        ),
    )
    for paragraph in paragraphs:
        paragraph_text = strip_placeholders(paragraph.text)
        if not paragraph_text:
            continue
        if fits(paragraph_text):
            pieces.append(_Piece(paragraph_text, paragraph.page_start, paragraph.page_end))
            continue
        for part, joiner in _split_long(paragraph_text, fits, language):
            pieces.append(_Piece(part, paragraph.page_start, paragraph.page_end, joiner))
    return _pack(pieces, fits)


def _fitter(header: str, max_tokens: int, counter: Callable[[str], int]) -> Callable[[str], bool]:
    max_chars = max_tokens * MAX_CHARS_PER_TOKEN

    def fits(body: str) -> bool:
        text = _chunk_text(header, body)
        # The length first: counting tokens of a megabyte is what the bound avoids.
        return len(text) <= max_chars and counter(text) <= max_tokens

    return fits


def _pack(pieces: list[_Piece], fits: Callable[[str], bool]) -> list[_Piece]:
    packed: list[_Piece] = []
    current: _Piece | None = None
    for piece in pieces:
        if current is None:
            current = piece
            continue
        candidate = f"{current.text}{piece.joiner}{piece.text}"
        if fits(candidate):
            current = _Piece(
                candidate,
                _min_page(current.page_start, piece.page_start),
                _max_page(current.page_end, piece.page_end),
                current.joiner,
            )
        else:
            packed.append(current)
            current = piece
    if current is not None:
        packed.append(current)
    return packed


def _min_page(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _max_page(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _split_long(text: str, fits: Callable[[str], bool], language: str) -> list[tuple[str, str]]:
    """(piece, joiner) pairs: sentences of an over-long paragraph, over-long ones by words.

    A piece attaches to the previous one with the whitespace that separated them: a newline
    for the first piece (a new paragraph) and for a sentence starting a new line (a point),
    otherwise a space (sentence bounds always fall on whitespace, see `_sentence_bounds`).
    """
    out: list[tuple[str, str]] = []
    previous_end = 0
    for index, (start, end) in enumerate(_sentence_bounds(text, language=language)):
        joiner = "\n" if index == 0 or "\n" in text[previous_end:start] else " "
        previous_end = end
        sentence = text[start:end]
        if fits(sentence):
            out.append((sentence, joiner))
            continue
        for index, (part, glue) in enumerate(_split_words(sentence, fits)):
            out.append((part, joiner if index == 0 else glue))
    return out


def _split_words(sentence: str, fits: Callable[[str], bool]) -> list[tuple[str, str]]:
    """(piece, joiner) pairs of an over-long sentence, cut between words; a run of a script
    without spaces is cut between its ICU words and its pieces join without a space.

    Each piece takes the most words that fit, found by galloping then halving (a few `fits`
    calls per piece, not one per word: a clause of Chinese can be a hundred thousand words)."""
    words = _words_with_glue(sentence)

    def joined(start: int, stop: int) -> str:
        return words[start][0] + "".join(glue + word for word, glue in words[start + 1 : stop])

    out: list[tuple[str, str]] = []
    start = 0
    while start < len(words):
        good, step = start + 1, 1  # one word always goes in, even when it alone is too long
        while good + step <= len(words) and fits(joined(start, good + step)):
            good += step
            step *= 2
        bad = min(good + step, len(words) + 1)
        while bad - good > 1:
            middle = (good + bad) // 2
            if fits(joined(start, middle)):
                good = middle
            else:
                bad = middle
        piece = joined(start, good)
        if good == start + 1 and not fits(piece):
            # One "word" alone too long (a base64 blob, a run ICU could not cut): by characters.
            cuts = split_characters(piece, fits)
            out += [(cut, words[start][1] if n == 0 else "") for n, cut in enumerate(cuts)]
        else:
            out.append((piece, words[start][1]))
        start = good
    return out


def _words_with_glue(sentence: str) -> list[tuple[str, str]]:
    """The sentence's words, each with the text that joins it to the previous one (a space,
    or nothing inside a run of Chinese, Thai, Khmer … that ICU cut into words)."""
    out: list[tuple[str, str]] = []
    for word in sentence.split():
        if not has_unspaced(word):
            out.append((word, " "))
            continue
        start = 0
        for piece in segment_words(word):
            end = word.find(piece, start) + len(piece)
            out.append((word[start:end], " " if start == 0 else ""))
            start = end
        if start < len(word):
            if start == 0:
                out.append((word, " "))
            else:
                last, glue = out[-1]
                out[-1] = (last + word[start:], glue)
    return out


def split_characters(word: str, fits: Callable[[str], bool]) -> list[str]:
    """`word` cut into pieces that fit, never between a letter and its combining marks (a
    grapheme's accents, a variation selector or joiner stay with the character before)."""
    pieces: list[str] = []
    start = 0
    while start < len(word):
        size = min(len(word) - start, _MAX_CHARACTER_PIECE)
        while size > 1 and not fits(word[start : start + size]):
            size = size * 3 // 4
        end = start + max(size, 1)
        while start + 1 < end < len(word) and _continues_grapheme(word[end]):
            end -= 1
        pieces.append(word[start:end])
        start = end
    return pieces


# Where cutting a word starts looking (then shrinks to what fits): a 2 MB "word" is never
# copied whole for every piece.
_MAX_CHARACTER_PIECE = 4096


def _continues_grapheme(character: str) -> bool:
    return (
        unicodedata.combining(character) > 0
        or unicodedata.category(character) in ("Mn", "Mc", "Me")
        or character in "\u200c\u200d"
        or "\ufe00" <= character <= "\ufe0f"
    )


# --------------------------------------------------------------------------- sentences


def split_sentences(text: str, *, language: str) -> list[str]:
    """Sentences of `text` (whitespace-trimmed), by spaCy's sentencizer for `language`."""
    return [text[start:end] for start, end in _sentence_bounds(text, language=language)]


def text_segments(text: str, *, limit: int = MAX_SPACY_CHARS) -> list[tuple[int, str]]:
    """(offset, segment) pieces of `text`: its lines, a line longer than `limit` cut at the
    last whitespace before the limit (or at the limit), so spaCy never sees more than `limit`
    characters at once (its `max_length` guard, error E088)."""
    segments: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        while len(line) - start > limit:
            cut = line.rfind(" ", start + 1, start + limit)
            end = cut if cut > start else start + limit
            segments.append((offset + start, line[start:end]))
            start = end
        segments.append((offset + start, line[start:]))
        offset += len(line) + 1
    return segments


def _sentence_bounds(text: str, *, language: str) -> list[tuple[int, int]]:
    nlp = _sentencizer(language if language in SPACY_LANGUAGES else "xx")
    # Each line of a paragraph (its introduction, each point) is sentencized on its own, so a
    # point's label "3." never ends up at the end of the previous point's sentence.
    segments = text_segments(text)
    spans = [
        (segment_offset + span.start_char, span.text)
        for (segment_offset, _), doc in zip(
            segments, nlp.pipe(segment for _, segment in segments), strict=True
        )
        for span in doc.sents
    ]
    bounds: list[tuple[int, int]] = []
    pending: int | None = None  # start of a fragment waiting to be glued to what follows
    for span_start, raw in spans:
        stripped = raw.strip()
        if not stripped:
            continue
        start = span_start + (len(raw) - len(raw.lstrip()))
        end = start + len(stripped)
        if pending is not None:
            start, pending = pending, None
        sentence = text[start:end]
        # A bare "1." or "(a)", or a two-word piece without final punctuation, is a label or
        # a fragment: it belongs to the sentence that follows.
        if len(sentence.split()) <= 1 or (
            len(sentence.split()) <= MAX_FRAGMENT_WORDS and not sentence.endswith((".", "!", "?"))
        ):
            pending = start
            continue
        if bounds and bounds[-1][1] == start:
            # No whitespace between the pieces (spaCy split after an opening quote „): a
            # sentence boundary is only real where the text has a space.
            bounds[-1] = (bounds[-1][0], end)
            continue
        bounds.append((start, end))
    if pending is not None:
        tail_end = len(text.rstrip())
        if bounds:
            bounds[-1] = (bounds[-1][0], tail_end)
        elif tail_end > pending:
            bounds.append((pending, tail_end))
    return bounds


@lru_cache(maxsize=8)
def _sentencizer(language: str) -> Any:
    import spacy  # imported lazily: loading spaCy costs seconds, only splitting needs it

    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp
