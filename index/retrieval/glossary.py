"""Query expansion with a small multilingual glossary of treaty terms.

There is no translation service offline, and seven in ten documents are Dutch; BM25 alone
cannot match "costs" to "kosten". The glossary (`glossary_terms.json`, terms taken from the
corpus itself) maps a concept to its wording in English, Dutch, French and German. A query that
mentions any wording of a concept (`Glossary.matching`) is expanded with its wordings in every
language (`wordings`), for lexical search and for a second dense query. A question that names
a concept only in a language holding no treaty (Thai, Vietnamese, Chinese, Indonesian here) is
also searched by the treaty-language wordings alone (`bridge_wordings`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.retrieval.lexical import tokenize_query
from ingest.rules_file import RulesFileError, fingerprint, read_rules_file, string_tuple
from ingest.words import has_unspaced

GLOSSARY_FILE = Path(__file__).with_name("glossary_terms.json")
# Wordings in these languages recognise a concept in a question written in them (so it is
# expanded with the treaty languages' wordings) but are not added to other questions: added to
# every expanded query they pulled the national laws into treaty questions (dev split of
# tests/eval/queries.jsonl: nDCG@10 0.634 → 0.628 on the treaty questions, +0.012 on the region's;
# the Indonesian wordings added to every query: 0.631 → 0.616).
MATCH_ONLY_LANGUAGES = frozenset({"id", "th", "vi", "zh"})


@dataclass(frozen=True)
class Concept:
    key: str
    terms: Mapping[str, tuple[str, ...]]  # language → wordings

    def all_terms(self) -> tuple[str, ...]:
        return tuple(term for wordings in self.terms.values() for term in wordings)


@dataclass(frozen=True)
class Glossary:
    concepts: tuple[Concept, ...]

    def matching(self, query: str) -> tuple[Concept, ...]:
        """The concepts the query mentions.

        A concept matches when all stems of one of its wordings occur among the query's stems,
        so "time limits" matches "time limit" and "Fristen" matches "Frist".
        """
        query_stems = set(tokenize_query(query))
        return tuple(
            concept
            for concept in self.concepts
            if any(mentions(query_stems, term) for term in concept.all_terms())
        )

    def named_only_in(
        self, query: str, concepts: Sequence[Concept], *, languages: frozenset[str]
    ) -> tuple[Concept, ...]:
        """Those of the query's `concepts` that it names only by wordings in `languages`: a
        Thai question names "costs" by "ค่าใช้จ่าย"; an English "transit" question names
        "transit" by its English wording too, however many languages also spell it so."""
        query_stems = set(tokenize_query(query))
        named = []
        for concept in concepts:
            spoken = {
                language
                for language, terms in concept.terms.items()
                if any(mentions(query_stems, term) for term in terms)
            }
            if spoken and spoken <= languages:
                named.append(concept)
        return tuple(named)


def wordings(
    concepts: Sequence[Concept],
    *,
    per_language: int | None = None,
    languages: tuple[str, ...] | None = None,
) -> list[str]:
    """The concepts' wordings, deduplicated. `per_language` keeps only the first (most usual)
    wordings of each language; `languages` keeps only the wordings of those languages."""
    found: list[str] = []
    for concept in concepts:
        for language, terms in concept.terms.items():
            if language in MATCH_ONLY_LANGUAGES:
                continue
            if languages is not None and language not in languages:
                continue
            for term in terms[:per_language]:
                if term not in found:
                    found.append(term)
    return found


def bridge_wordings(
    query: str,
    concepts: Sequence[Concept],
    *,
    glossary: Glossary,
    treaty_languages: frozenset[str],
) -> list[str]:
    """The wordings that carry a question across scripts: when the question names one of its
    concepts only in a language that holds no treaty (a Thai, Vietnamese, Chinese or Indonesian
    question over a corpus whose agreements are in English, Dutch, French and German), every
    concept's wordings in the treaty languages; otherwise none.

    The dense model ranks chunks in the question's own language first (its national laws), so
    the question's own embedding cannot reach the treaties; these wordings, embedded on their
    own, can (docs/search-quality.md).
    """
    languages = frozenset(lang for c in concepts for lang in c.terms)
    if not glossary.named_only_in(query, concepts, languages=languages - treaty_languages):
        return []
    return wordings(concepts, languages=tuple(sorted(treaty_languages)))


def mentions(stems: set[str], term: str) -> bool:
    """Do all of the term's words occur among `stems` (a question's or a heading's)?"""
    word_stems = term_word_stems(term)
    return bool(word_stems) and all(word & stems for word in word_stems)


@lru_cache(maxsize=4096)
def term_word_stems(term: str) -> tuple[frozenset[str], ...]:
    """For each meaningful word of the term, its stems in every language."""
    per_word: list[frozenset[str]] = []
    for word in term.split():
        if has_unspaced(word):
            # "无国籍人": every bigram of the wording must be in the query, not any one of them
            per_word.extend(frozenset({token}) for token in tokenize_query(word))
        else:
            per_word.append(frozenset(tokenize_query(word)))
    return tuple(stems for stems in per_word if stems)


@lru_cache(maxsize=2)
def load_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    """The shipped glossary. A missing or malformed file raises `RulesFileError` (naming the
    file and the entry): search without the glossary is quietly worse, so it never falls back."""
    raw = read_rules_file(path)
    concepts = []
    for key, languages in raw.items():
        if not isinstance(languages, dict) or not languages:
            raise RulesFileError(path, f"concept {key!r} must map languages to lists of wordings")
        terms = {
            str(lang): string_tuple(path, f"concept {key!r}, language {lang!r}", words)
            for lang, words in languages.items()
        }
        concepts.append(Concept(key=key, terms=terms))
    return Glossary(concepts=tuple(concepts))


def glossary_fingerprint() -> str:
    """sha256 of the shipped glossary as it is on disk now (recorded in the index at ingest)."""
    return fingerprint([GLOSSARY_FILE])
