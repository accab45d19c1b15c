"""Words of scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Burmese).

ICU's word break iterator (PyICU) finds the words by dictionary; it is what Lucene's ICU
tokenizer uses. Chinese and Japanese ideographs are indexed as overlapping bigrams, as Lucene's
CJK bigram filter does, so a query word matches whatever the dictionary made of the text.
Only runs of these scripts go through ICU: spaced text is never touched, which keeps ingest cheap.
"""

from __future__ import annotations

import re
import threading

import icu

__all__ = ["UNSPACED", "UNSPACED_RUN", "cjk_bigrams", "has_unspaced", "segment_words"]

# Thai, Lao, Myanmar, Khmer, Hiragana, Katakana, CJK ideographs (and extension A);
# Hangul is written with spaces.
UNSPACED_CHARS = (
    "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
)
UNSPACED = re.compile(f"[{UNSPACED_CHARS}]")
UNSPACED_RUN = f"[{UNSPACED_CHARS}]+"
CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+")
_LOCAL = threading.local()


def has_unspaced(text: str) -> bool:
    return UNSPACED.search(text) is not None


def _iterator() -> icu.BreakIterator:
    # A break iterator holds its text: one per thread.
    iterator = getattr(_LOCAL, "words", None)
    if iterator is None:
        iterator = icu.BreakIterator.createWordInstance(icu.Locale.getRoot())
        _LOCAL.words = iterator
    return iterator


def segment_words(text: str) -> list[str]:
    """The words of `text` by ICU's word break rules (punctuation and spaces left out)."""
    iterator = _iterator()
    iterator.setText(text)
    words: list[str] = []
    start = iterator.first()
    for end in iterator:
        if iterator.getRuleStatus() != icu.UWordBreak.NONE:
            words.append(text[start:end])
        start = end
    return words


def cjk_bigrams(run: str) -> list[str]:
    """Overlapping bigrams of a run of ideographs ("出境入境" → 出境 境入 入境); one alone stays."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]
