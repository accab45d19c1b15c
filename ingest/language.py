"""The language of a document that does not say (no sidecar, no `-xx` suffix in its name).

Scripts first: a text mostly in Thai, Lao, Khmer, Burmese, Hangul, kana or Chinese ideographs is
in that script's language (ideographs with kana are Japanese). Vietnamese is the Latin text whose
letters carry its own diacritics (ơ ư đ ă and the tone marks on them). Otherwise the stop words
of each language (spaCy's own lists) are counted among the text's words; the language whose stop
words are most frequent wins when it covers a clear share of the words and clearly beats the
runner-up. Indonesian and Malay share spaCy's list; words only one of them spells ("bahawa",
"hendaklah" / "bahwa", "karena") tell them apart. Stop words are the most frequent words of any
running text, so a few hundred words decide reliably; a list of names or numbers stays "und".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

# Every language ingest reads as a first-class one — its articles and chapters
# (ingest.structure, ingest.structure_asia), its words (ingest.words) and its detection here —
# code → English name. The one list the application offers (the bilingual export, the
# language filter's labels). Lao, Burmese, Korean and Japanese are detected and segmented but not
# in it: Lao's headings are read (ingest.structure_asia) yet checked on a written example only,
# with no real Lao text, time limits or glossary wordings; the other three have no article
# structure yet.
SUPPORTED_LANGUAGES: Mapping[str, str] = MappingProxyType(
    {
        "en": "English",
        "nl": "Dutch",
        "fr": "French",
        "de": "German",
        "id": "Indonesian",
        "ms": "Malay",
        "tl": "Tagalog",
        "vi": "Vietnamese",
        "th": "Thai",
        "km": "Khmer",
        "zh": "Chinese",
    }
)
LANGUAGES = ("en", "nl", "fr", "de", "id", "tl")  # those told apart by their stop words
UNDETERMINED = "und"
MIN_WORDS = 20
MIN_SHARE = 0.15  # of all words, stop words of the winning language
MIN_LEAD = 1.5  # times the runner-up's count
MIN_SCRIPT_SHARE = 0.3  # of all letters, those of a script that names its language
MIN_VIETNAMESE_SHARE = 0.05  # of all letters, those only Vietnamese uses

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SCRIPTS = (
    ("th", re.compile("[\u0e00-\u0e7f]")),
    ("lo", re.compile("[\u0e80-\u0eff]")),
    ("km", re.compile("[\u1780-\u17ff]")),
    ("my", re.compile("[\u1000-\u109f]")),
    ("ko", re.compile("[\uac00-\ud7af\u1100-\u11ff]")),
    ("ja", re.compile("[\u3040-\u30ff]")),
    ("zh", re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")),
)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_VIETNAMESE = re.compile(
    "[ơưđăạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹƠƯĐĂẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ]"
)
_MALAY_ONLY = frozenset(
    {"bahawa", "hendaklah", "seksyen", "akta", "kerana", "mana-mana", "berkenaan"}
)
_INDONESIAN_ONLY = frozenset({"bahwa", "karena", "pasal", "tersebut", "sebagaimana", "dapat"})


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    from spacy.lang.de.stop_words import STOP_WORDS as GERMAN
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH
    from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH
    from spacy.lang.id.stop_words import STOP_WORDS as INDONESIAN
    from spacy.lang.nl.stop_words import STOP_WORDS as DUTCH
    from spacy.lang.tl.stop_words import STOP_WORDS as TAGALOG

    return {
        "en": frozenset(ENGLISH),
        "nl": frozenset(DUTCH),
        "fr": frozenset(FRENCH),
        "de": frozenset(GERMAN),
        "id": frozenset(INDONESIAN),
        "tl": frozenset(TAGALOG),
    }


def _script_language(text: str) -> str | None:
    letters = len(_LETTER.findall(text))
    if not letters:
        return None
    shares = {language: len(pattern.findall(text)) / letters for language, pattern in _SCRIPTS}
    if shares["ja"] > 0.1 and shares["ja"] + shares["zh"] >= MIN_SCRIPT_SHARE:
        return "ja"
    best = max(shares, key=lambda language: shares[language])
    if shares[best] >= MIN_SCRIPT_SHARE:
        return best
    if len(_VIETNAMESE.findall(text)) / letters >= MIN_VIETNAMESE_SHARE:
        return "vi"
    return None


def detect_language(text: str, *, max_words: int = 3000) -> str:
    """An ISO 639-1 code ("en", "nl", "zh", "th", "vi", "id", "ms" …), or "und" when the text is
    too short or unclear."""
    by_script = _script_language(text[:20_000])
    if by_script is not None:
        return by_script
    words = [w.lower() for w in _WORD.findall(text)[:max_words]]
    if len(words) < MIN_WORDS:
        return UNDETERMINED
    lists = _stop_words()
    counts = {language: sum(w in lists[language] for w in words) for language in LANGUAGES}
    ranked = sorted(counts, key=lambda language: -counts[language])
    best, second = counts[ranked[0]], counts[ranked[1]]
    if best < MIN_SHARE * len(words) or best < MIN_LEAD * second:
        return UNDETERMINED
    if ranked[0] == "id":
        malay = sum(w in _MALAY_ONLY for w in words)
        return "ms" if malay > sum(w in _INDONESIAN_ONLY for w in words) else "id"
    return ranked[0]
