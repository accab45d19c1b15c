"""Replace the source's party names with neutral placeholders ("[Party A]", "[Party B]").

A clause taken from, say, the Benelux–Kazakhstan agreement names "the Republic of Kazakhstan"
and "the States of the Benelux"; in a model agreement those become "[Party B]" and "[Party A]".
Procedural roles ("the Requesting Party", "de aangezochte Partij") are never touched: only the
state names of `placeholders.toml` (long and short forms, adjectives and collectives, in English,
Dutch, French and German, as spelled in the corpus; package data, validated on loading) are
replaced.

Two lettering styles:
- "role": letters follow the party's role, consistently across the whole draft. With
  `party_names`, the order of that list decides (first → A); without it, the Benelux side
  (the constant party of this corpus) is A and the other states follow by first mention.
- "letters": letters follow the order of first mention in this text.

Belgium, Luxembourg, the Netherlands and "the Benelux" are one party (the Benelux states act
jointly in these treaties), so "the Kingdom of Belgium, the Grand Duchy of Luxembourg and the
Kingdom of the Netherlands" collapses into a single "[Party A]".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from ingest.rules_file import RulesFileError, read_rules_file, string_tuple

PlaceholderStyle = Literal["role", "letters"]

BENELUX = "benelux"


@dataclass(frozen=True)
class StateNames:
    """The names of one state: proper names (may take a leading article) and adjectives."""

    key: str
    party: str  # the party this state belongs to (Benelux members → "benelux")
    names: dict[str, tuple[str, ...]]  # language → names
    adjectives: dict[str, tuple[str, ...]]  # language → adjectives (inflected forms listed)


PLACEHOLDERS_FILE = Path(__file__).with_name("placeholders.toml")
LANGUAGES = ("en", "nl", "fr", "de")

STATES: tuple[StateNames, ...]  # the state names of `placeholders.toml`, loaded on first use


def __getattr__(name: str) -> object:
    # PEP 562: `STATES` is read from the data file when first asked for, not at import time.
    if name == "STATES":
        return load_states(PLACEHOLDERS_FILE)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=2)
def load_states(path: Path) -> tuple[StateNames, ...]:
    """The states of a placeholders file, validated (`RulesFileError` names file and entry)."""
    raw = read_rules_file(path).get("state")
    if not isinstance(raw, list) or not raw:
        raise RulesFileError(path, "expected a non-empty list of [[state]] tables")
    states = tuple(_parse_state(path, number, entry) for number, entry in enumerate(raw, start=1))
    keys = [state.key for state in states]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise RulesFileError(path, f"duplicate state key(s): {', '.join(duplicates)}")
    unknown_parties = sorted({state.party for state in states} - set(keys))
    if unknown_parties:
        raise RulesFileError(path, f"party not among the state keys: {', '.join(unknown_parties)}")
    return states


def _parse_state(path: Path, number: int, entry: Any) -> StateNames:
    if not isinstance(entry, dict):
        raise RulesFileError(path, f"state #{number} is not a table")
    key = entry.get("key")
    if not isinstance(key, str) or not key:
        raise RulesFileError(path, f"state #{number} has no key")
    where = f"state {key!r}"
    unknown = sorted(set(entry) - {"key", "party", "names", "adjectives"})
    if unknown:
        raise RulesFileError(path, f"{where} has unknown field(s): {', '.join(unknown)}")
    party = entry.get("party", key)
    if not isinstance(party, str) or not party:
        raise RulesFileError(path, f"{where}: party must be a state key")
    tables: dict[str, dict[str, tuple[str, ...]]] = {}
    for field_name in ("names", "adjectives"):
        table = entry.get(field_name, {})
        if not isinstance(table, dict) or not set(table) <= set(LANGUAGES):
            raise RulesFileError(
                path, f"{where}: {field_name} must be a table with languages {LANGUAGES}"
            )
        tables[field_name] = {
            language: _with_variants(
                string_tuple(path, f"{where}, {field_name}.{language}", table.get(language, []))
                if language in table
                else ()
            )
            for language in LANGUAGES
        }
    if not any(tables["names"].values()):
        raise RulesFileError(path, f"{where} has no names")
    return StateNames(key=key, party=party, names=tables["names"], adjectives=tables["adjectives"])


def _with_variants(names: tuple[str, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for name in (n.strip() for n in names):
        # The corpus also spells Dutch names without the diaeresis ("Belgie", "Albanie").
        for variant in (name, name.replace("ë", "e")):
            if variant and variant not in found:
                found.append(variant)
    return tuple(found)


# Articles absorbed into the placeholder ("the Republic of Kazakhstan" → "[Party B]"), per
# language of the name. French "de" and German articles are kept: they are prepositions or
# carry case ("du Royaume de Belgique", "der Republik Albanien") and dropping them would
# change the grammar of the sentence.
_ARTICLES: dict[str, str] = {
    "en": r"(?:[Tt]he\s+)?",
    "nl": r"(?:(?:[Hh]et|[Dd]e)\s+)?",
    "fr": r"(?:(?:[Ll]a|[Ll]e|[Ll]es)\s+|[Ll]['’])?",
    "de": "",
}

# A nationality adjective that names a language ("in the English, French, Dutch and Kazakh
# languages", "de Nederlandse taal", "la langue française") is not a party reference.
_LANGUAGE_WORD = (
    r"(?:languages?|taal|talen|langues?|Sprachen?|texts?|tekst(?:en)?|textes?|versions?|"
    r"Fassung|Wortlaut)"
)
_LANGUAGE_LIST_BODY = (
    r"(?:(?:\s*,\s*|\s+)(?:(?:and|en|et|und|or|of|ou|oder)\s+)?(?:(?:de|the|la|le|die)\s+)?"
    r"[A-Za-zÀ-ÿ][\w'-]*)*?\s+" + _LANGUAGE_WORD + r"\b"
)
_LANGUAGE_HEAD = r"(?<!langue )(?<!langues )(?<!\ben )"

_NOT_AFTER_WORD = r"(?<![\w-])"
# Only a lower-case letter continues a word: the corpus has run-together text such as
# "Koninkrijk BelgiëL. TEIRLINCK" where the name must still be found.
_NOT_BEFORE_WORD = r"(?![a-zß-ÿ])"


# "the Benelux Convention" / "de Benelux-Overeenkomst" name a treaty, not the party.
_NOT_A_TREATY_NAME = (
    r"(?![\s-]+(?:Convention|Overeenkomst|Verdrag|Übereinkommen|Abkommen|Economic\s+Union|"
    r"Economische\s+Unie)\b)"
)


def _placeholder(letter_index: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if letter_index < len(letters):
        return f"[Party {letters[letter_index]}]"
    return f"[Party {letter_index + 1}]"


def _fold(name: str) -> str:
    """Comparison form of a party name given by a caller: no article, case-insensitive."""
    cleaned = re.sub(r"^(?:the|het|de|la|le|les|l')\s+", "", name.strip(), flags=re.IGNORECASE)
    return cleaned.casefold()


def find_state(name: str) -> StateNames | None:
    """The built-in state a name refers to ("Kazakhstan", "Koninkrijk België"), if any."""
    folded = _fold(name)
    for state in load_states(PLACEHOLDERS_FILE):
        if folded == state.key:
            return state
        for names in (*state.names.values(), *state.adjectives.values()):
            if any(folded == candidate.casefold() for candidate in names):
                return state
    return None


def _name_pattern(aliases: list[tuple[str, str]]) -> str:
    """Alternation of names with their language's optional article, longest first."""
    parts = []
    for text, language in sorted(aliases, key=lambda a: -len(a[0])):
        # re.escape turns " " into "\\ "; any whitespace (a line break too) separates the words.
        escaped = re.escape(text).replace(r"\ ", r"\s+")
        parts.append(_ARTICLES[language] + escaped)
    return "|".join(parts)


def _collapse(text: str) -> str:
    """Merge "[Party A], [Party A] and [Party A]" and "[Party A] ([Party A])" into one."""
    enumeration = re.compile(
        r"(\[Party [A-Z0-9]+\])(?:(?:\s*,\s*(?:(?:and|en|et|und)\s+)?|\s+(?:and|en|et|und)\s+)"
        r"(?:(?:of|van|du|de|des|der)\s+)?\1)+"
    )
    parenthesised = re.compile(r"(\[Party [A-Z0-9]+\])\s*\(\1\)")
    previous = None
    while previous != text:
        previous = text
        text = enumeration.sub(r"\1", text)
        text = parenthesised.sub(r"\1", text)
    return text


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern[str]
    groups: dict[str, str]  # regex group name → party id
    selected: tuple[str, ...]  # party ids in the caller's order (role style)


@lru_cache(maxsize=64)
def _build_matcher(party_names: tuple[str, ...] | None) -> _Matcher | None:
    selected: list[str] = []
    literal: dict[str, str] = {}
    states: list[StateNames] = []
    if party_names is None:
        states = list(load_states(PLACEHOLDERS_FILE))
    else:
        for raw in party_names:
            if not raw.strip():
                continue
            state = find_state(raw)
            if state is None:
                party_id = f"literal:{raw.strip()}"
                literal[party_id] = raw.strip()
            else:
                party_id = state.party
                states.extend(
                    s
                    for s in load_states(PLACEHOLDERS_FILE)
                    if s.party == party_id and s not in states
                )
            if party_id not in selected:
                selected.append(party_id)

    # (length, party id, pattern, is adjective); one alternation sorted by length across all
    # parties, so a longer name of one state ("former Yugoslav Republic of Macedonia") beats a
    # shorter one of another ("Yugoslav").
    entries: list[tuple[int, str, str, bool]] = []
    for state in states:
        for language, names in state.names.items():
            for name in names:
                entries.append((len(name), state.party, _name_pattern([(name, language)]), False))
        for adjectives in state.adjectives.values():
            for adjective in adjectives:
                entries.append((len(adjective), state.party, re.escape(adjective), True))
    for party_id, literal_name in literal.items():
        entries.append((len(literal_name), party_id, _name_pattern([(literal_name, "de")]), False))
    if not entries:
        return None

    groups: dict[str, str] = {}
    alternatives: list[str] = []
    for _length, party_id, pattern, is_adjective in sorted(entries, key=lambda e: -e[0]):
        name = f"g{len(groups)}"
        groups[name] = party_id
        if is_adjective:
            body = f"{_LANGUAGE_HEAD}{pattern}{_NOT_BEFORE_WORD}(?!{_LANGUAGE_LIST_BODY})"
        else:
            body = f"(?:{pattern}){_NOT_BEFORE_WORD}{_NOT_A_TREATY_NAME}"
        alternatives.append(f"(?P<{name}>{body})")
    # The word-start check is outside the alternation so that positions inside a word are
    # rejected once instead of once per alias (the alternation has hundreds of aliases).
    matcher = re.compile(_NOT_AFTER_WORD + "(?:" + "|".join(alternatives) + ")")
    return _Matcher(matcher, groups, tuple(selected))


def neutralise(
    text: str,
    *,
    party_names: Sequence[str] | None = None,
    style: PlaceholderStyle = "role",
) -> str:
    """Replace party names in `text` with "[Party A]", "[Party B]", ... in one pass.

    `party_names` limits the replacement to those parties (built-in states by any of their
    names, or literal names for anything else) and, in "role" style, fixes their letters in
    list order. Without it, every built-in state is replaced.
    """
    if style not in ("role", "letters"):
        raise ValueError(f"style must be 'role' or 'letters', not {style!r}")
    matcher = _build_matcher(None if party_names is None else tuple(party_names))
    if matcher is None:
        return text

    letters: dict[str, int] = {}
    if style == "role":
        for party_id in matcher.selected if party_names is not None else (BENELUX,):
            letters.setdefault(party_id, len(letters))

    def replace(match: re.Match[str]) -> str:
        assert match.lastgroup is not None
        party_id = matcher.groups[match.lastgroup]
        if party_id not in letters:
            letters[party_id] = len(letters)
        return _placeholder(letters[party_id])

    return _collapse(matcher.pattern.sub(replace, text))
