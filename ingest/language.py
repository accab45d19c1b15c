"""The language of a document that does not say (no sidecar, no `-xx` suffix in its name).

Counts the stop words of each corpus language (spaCy's own lists) among the text's words; the
language whose stop words are most frequent wins when it covers a clear share of the words and
clearly beats the runner-up. Stop words are the most frequent words of any running text, so a
few hundred words decide reliably; a list of names or numbers stays "und".
"""

from __future__ import annotations

import re
from functools import lru_cache

LANGUAGES = ("en", "nl", "fr", "de")
UNDETERMINED = "und"
MIN_WORDS = 20
MIN_SHARE = 0.15  # of all words, stop words of the winning language
MIN_LEAD = 1.5  # times the runner-up's count

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    from spacy.lang.de.stop_words import STOP_WORDS as GERMAN
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH
    from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH
    from spacy.lang.nl.stop_words import STOP_WORDS as DUTCH

    return {
        "en": frozenset(ENGLISH),
        "nl": frozenset(DUTCH),
        "fr": frozenset(FRENCH),
        "de": frozenset(GERMAN),
    }


def detect_language(text: str, *, max_words: int = 3000) -> str:
    """"en", "nl", "fr", "de", or "und" when the text is too short or unclear."""
    words = [w.lower() for w in _WORD.findall(text)[:max_words]]
    if len(words) < MIN_WORDS:
        return UNDETERMINED
    lists = _stop_words()
    counts = {language: sum(w in lists[language] for w in words) for language in LANGUAGES}
    ranked = sorted(counts, key=lambda language: -counts[language])
    best, second = counts[ranked[0]], counts[ranked[1]]
    if best < MIN_SHARE * len(words) or best < MIN_LEAD * second:
        return UNDETERMINED
    return ranked[0]
