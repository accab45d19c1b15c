"""Keyword evidence for clause types: spaCy Matcher rules built from `ingest.taxonomy`.

One blank spaCy pipeline per language (tokenizer only: nothing to download) and one Matcher per
language and place (heading / body). A taxonomy phrase becomes a token pattern on the LOWER
attribute; `word*` / `*word` become prefix / suffix REGEX tokens so that Dutch and German
compounds ("terugnameverzoek", "Rückübernahmeersuchen") match their stem.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ingest.chunking import MAX_SPACY_CHARS, text_segments
from ingest.taxonomy import LANGUAGES, SLOTS

HEADING = "heading"
BODY = "body"


@dataclass(frozen=True)
class KeywordEvidence:
    """What the keyword rules found for one slot in one unit."""

    slot: str
    heading_terms: tuple[str, ...] = ()  # distinct taxonomy phrases found in the heading
    body_terms: tuple[str, ...] = ()  # distinct phrases found in the body
    body_matches: int = 0  # all body matches, repeats included


_lock = threading.Lock()


@lru_cache(maxsize=8)
def _pipeline(language: str) -> Any:
    import spacy

    return spacy.blank(language)


def _token_patterns(nlp: Any, phrase: str) -> list[dict[str, Any]]:
    """Token patterns for one taxonomy phrase (see module docstring for the syntax)."""
    patterns: list[dict[str, Any]] = []
    for word in phrase.lower().split():
        prefix = word.endswith("*")
        suffix = word.startswith("*")
        bare = word.strip("*")
        pieces = [t.text for t in nlp.tokenizer(bare)] or [bare]
        for position, piece in enumerate(pieces):
            escaped = re.escape(piece)
            if prefix and position == len(pieces) - 1:
                patterns.append({"LOWER": {"REGEX": f"^{escaped}"}})
            elif suffix and position == 0:
                patterns.append({"LOWER": {"REGEX": f"{escaped}$"}})
            else:
                patterns.append({"LOWER": piece})
    return patterns


@lru_cache(maxsize=16)
def _matcher(language: str, place: str) -> Any:
    """The Matcher for one language's heading or body terms (match id = "slot|phrase");
    "xx" (spaCy's multi-language tokenizer) carries the terms of every language."""
    from spacy.matcher import Matcher

    nlp = _pipeline(language)
    matcher = Matcher(nlp.vocab)
    languages = (language,) if language in LANGUAGES else LANGUAGES
    for slot in SLOTS:
        terms = slot.heading_terms if place == HEADING else slot.body_terms
        for lang in languages:
            for phrase in terms.get(lang, ()):
                matcher.add(f"{slot.key}|{phrase}", [_token_patterns(nlp, phrase)])
    return matcher


def _matches(text: str, language: str, place: str) -> list[tuple[str, str]]:
    """(slot, phrase) for every match of `place`'s rules in `text`."""
    if not text.strip():
        return []
    spacy_language = language if language in LANGUAGES else "xx"
    with _lock:  # spaCy matchers and vocabularies are not thread-safe to build
        nlp = _pipeline(spacy_language)
        matcher = _matcher(spacy_language, place)
        # A unit of megabytes is matched line by line (spaCy refuses texts over its
        # max_length, E088); a phrase never spans a line break, so nothing is lost.
        pieces = (
            [text]
            if len(text) <= MAX_SPACY_CHARS
            else [segment for _, segment in text_segments(text)]
        )
        found = [match_id for doc in nlp.pipe(pieces) for match_id, _, _ in matcher(doc)]
        vocab = nlp.vocab
    pairs = []
    for match_id in found:
        slot, _, phrase = vocab.strings[match_id].partition("|")
        pairs.append((slot, phrase))
    return pairs


def keyword_evidence(heading: str | None, text: str, language: str) -> dict[str, KeywordEvidence]:
    """Slot → keyword evidence found in a unit's heading and body, for `language` ("en", ...).

    An unknown language is matched with the terms of all four languages.
    """
    heading_hits: dict[str, set[str]] = {}
    body_hits: dict[str, set[str]] = {}
    body_counts: dict[str, int] = {}
    for slot, phrase in _matches(heading or "", language, HEADING):
        heading_hits.setdefault(slot, set()).add(phrase)
    for slot, phrase in _matches(text, language, BODY):
        body_hits.setdefault(slot, set()).add(phrase)
        body_counts[slot] = body_counts.get(slot, 0) + 1
    return {
        slot: KeywordEvidence(
            slot=slot,
            heading_terms=tuple(sorted(heading_hits.get(slot, ()))),
            body_terms=tuple(sorted(body_hits.get(slot, ()))),
            body_matches=body_counts.get(slot, 0),
        )
        for slot in sorted(set(heading_hits) | set(body_hits))
    }
