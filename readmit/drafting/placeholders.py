"""Replace the source's party names with neutral placeholders ("[Party A]", "[Party B]").

A clause taken from, say, the Benelux–Kazakhstan agreement names "the Republic of Kazakhstan"
and "the States of the Benelux"; in a model agreement those become "[Party B]" and "[Party A]".
Procedural roles ("the Requesting Party", "de aangezochte Partij") are never touched: only the
state names below (long and short forms, adjectives and collectives, in English, Dutch, French
and German, as spelled in the corpus) are replaced.

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
from typing import Literal

PlaceholderStyle = Literal["role", "letters"]

BENELUX = "benelux"


@dataclass(frozen=True)
class StateNames:
    """The names of one state: proper names (may take a leading article) and adjectives."""

    key: str
    party: str  # the party this state belongs to (Benelux members → "benelux")
    names: dict[str, tuple[str, ...]]  # language → names
    adjectives: dict[str, tuple[str, ...]]  # language → adjectives (inflected forms listed)


def _s(key: str, party: str | None = None, *, en: str = "", nl: str = "", fr: str = "",
       de: str = "", en_adj: str = "", nl_adj: str = "", fr_adj: str = "",
       de_adj: str = "") -> StateNames:
    def split(value: str) -> tuple[str, ...]:
        names: list[str] = []
        for name in (v.strip() for v in value.split("|")):
            # The corpus also spells Dutch names without the diaeresis ("Belgie", "Albanie").
            for variant in (name, name.replace("ë", "e")):
                if variant and variant not in names:
                    names.append(variant)
        return tuple(names)

    return StateNames(
        key=key,
        party=party or key,
        names={"en": split(en), "nl": split(nl), "fr": split(fr), "de": split(de)},
        adjectives={"en": split(en_adj), "nl": split(nl_adj), "fr": split(fr_adj),
                    "de": split(de_adj)},
    )


# Names as spelled in the corpus (including its missing diaereses and typos such as
# "Herzogowina"), plus the standard forms. Longest names win at matching time, so
# "the former Yugoslav Republic of Macedonia" is Macedonia, not Yugoslavia.
STATES: tuple[StateNames, ...] = (
    _s("benelux",
       en="States of the Benelux|Benelux States|Benelux countries|Benelux territory|Benelux",
       nl="Benelux-Staten|Benelux-staten|BENELUX-Staten|Beneluxstaten|Benelux-landen|Benelux|"
          "BENELUX",
       fr="Etats du Benelux|États du Benelux|Etats du Bénélux|États du Bénélux|"
          "territoire du Benelux|Benelux|Bénélux",
       de="Benelux-Staaten|Beneluxstaaten|Benelux"),
    _s("belgium", BENELUX,
       en="Kingdom of Belgium|Belgium", nl="Koninkrijk België|België",
       fr="Royaume de Belgique|Belgique", de="Königreich Belgien|Belgien",
       en_adj="Belgian", nl_adj="Belgische|Belgisch", fr_adj="belges|belge",
       de_adj="belgischen|belgischer|belgisches|belgische|belgisch"),
    _s("luxembourg", BENELUX,
       en="Grand Duchy of Luxembourg|Luxembourg",
       nl="Groothertogdom Luxemburg|Luxemburg",
       fr="Grand-Duché de Luxembourg|Luxembourg",
       de="Großherzogtum Luxemburg|Luxemburg",
       en_adj="Luxembourgish", nl_adj="Luxemburgse|Luxemburgs",
       fr_adj="luxembourgeoises|luxembourgeoise|luxembourgeois",
       de_adj="luxemburgischen|luxemburgischer|luxemburgische|luxemburgisch"),
    _s("netherlands", BENELUX,
       en="Kingdom of the Netherlands|Netherlands",
       nl="Koninkrijk der Nederlanden|Nederland",
       fr="Royaume des Pays-Bas|Pays-Bas",
       de="Königreich der Niederlande|Niederlande",
       en_adj="Dutch|Netherlands'", nl_adj="Nederlandse|Nederlands",
       fr_adj="néerlandaises|néerlandaise|néerlandais",
       de_adj="niederländischen|niederländischer|niederländische|niederländisch"),
    _s("kazakhstan", en="Republic of Kazakhstan|Kazakhstan",
       nl="Republiek Kazachstan|Kazachstan", fr="République du Kazakhstan|Kazakhstan",
       de="Republik Kasachstan|Kasachstan", en_adj="Kazakh|Kazakhstani", nl_adj="Kazachse|Kazachs",
       fr_adj="kazakhes|kazakhe|kazakhs|kazakh", de_adj="kasachischen|kasachische|kasachisch"),
    _s("albania", en="Republic of Albania|Albania", nl="Republiek Albanië|Albanië",
       fr="République d'Albanie", de="Republik Albanien|Albanien",
       en_adj="Albanian", nl_adj="Albanese|Albanees", fr_adj="albanaises|albanaise|albanais",
       de_adj="albanischen|albanischer|albanische|albanisch"),
    _s("armenia", en="Republic of Armenia|Armenia", nl="Republiek Armenië|Armenië",
       fr="République d'Arménie|Arménie", de="Republik Armenien|Armenien",
       en_adj="Armenian", nl_adj="Armeense|Armeens",
       fr_adj="arméniennes|arménienne|arméniens|arménien",
       de_adj="armenischen|armenische|armenisch"),
    _s("bosnia", en="Bosnia and Herzegovina|Bosnia-Herzegovina",
       nl="Bosnië en Herzegovina|Bosnië-Herzegovina|Bosnie-Herzegovina|Bosnië",
       fr="Bosnie-Herzégovine|Bosnie et Herzégovine",
       de="Bosnien und Herzegowina|Bosnien und Herzogowina|Bosnien-Herzegowina",
       en_adj="Bosnian", nl_adj="Bosnische", fr_adj="bosniaques|bosniaque",
       de_adj="bosnischen|bosnische|bosnisch"),
    _s("bulgaria", en="Republic of Bulgaria|Bulgaria", nl="Republiek Bulgarije|Bulgarije",
       fr="République de Bulgarie|Bulgarie", de="Republik Bulgarien|Bulgarien",
       en_adj="Bulgarian", nl_adj="Bulgaarse|Bulgaars", fr_adj="bulgares|bulgare",
       de_adj="bulgarischen|bulgarische|bulgarisch"),
    _s("croatia", en="Republic of Croatia|Croatia", nl="Republiek Kroatië|Kroatië",
       fr="République de Croatie|Croatie", de="Republik Kroatien|Kroatien",
       en_adj="Croatian", nl_adj="Kroatische", fr_adj="croates|croate",
       de_adj="kroatischen|kroatische|kroatisch"),
    _s("estonia", en="Republic of Estonia|Estonia", nl="Republiek Estland|Estland",
       fr="République d'Estonie|Estonie", de="Republik Estland|Estland",
       en_adj="Estonian", nl_adj="Estse|Ests", fr_adj="estoniennes|estonienne|estoniens|estonien",
       de_adj="estnischen|estnische|estnisch"),
    _s("france", en="French Republic|France", nl="Franse Republiek|Frankrijk",
       fr="République Française|République française|France",
       de="Französische Republik|Frankreich",
       en_adj="French", nl_adj="Franse|Frans", fr_adj="françaises|française|français",
       de_adj="französischen|französischer|französische|französisch"),
    _s("georgia", en="Georgia", nl="Georgië", fr="Géorgie", de="Georgien",
       en_adj="Georgian", nl_adj="Georgische", fr_adj="géorgiennes|géorgienne|géorgiens|géorgien",
       de_adj="georgischen|georgische|georgisch"),
    _s("kosovo", en="Republic of Kosovo|Kosovo", nl="Republiek Kosovo|Kosovo",
       fr="République du Kosovo|Kosovo", de="Republik Kosovo|Kosovo",
       en_adj="Kosovar|Kosovan", nl_adj="Kosovaarse|Kosovaars", fr_adj="kosovares|kosovar",
       de_adj="kosovarischen|kosovarische|kosovarisch"),
    _s("latvia", en="Republic of Latvia|Latvia", nl="Republiek Letland|Letland",
       fr="République de Lettonie|Lettonie", de="Republik Lettland|Lettland",
       en_adj="Latvian", nl_adj="Letse|Lets", fr_adj="lettones|lettone|letton",
       de_adj="lettischen|lettische|lettisch"),
    _s("lithuania", en="Republic of Lithuania|Lithuania", nl="Republiek Litouwen|Litouwen",
       fr="République de Lituanie|Lituanie", de="Republik Litauen|Litauen",
       en_adj="Lithuanian", nl_adj="Litouwse|Litouws", fr_adj="lituaniennes|lituanienne|lituanien",
       de_adj="litauischen|litauische|litauisch"),
    _s("macedonia",
       en="former Yugoslav Republic of Macedonia|Republic of Macedonia|Macedonia",
       nl="voormalige Joegoslavische Republiek Macedonië|Republiek Macedonië|"
          "Macedonië",
       fr="ex-République yougoslave de Macédoine|République de Macédoine|Macédoine",
       de="ehemalige jugoslawische Republik Mazedonien|Republik Mazedonien|Mazedonien",
       en_adj="Macedonian", nl_adj="Macedonische", fr_adj="macédoniennes|macédonienne|macédonien",
       de_adj="mazedonischen|mazedonische|mazedonisch"),
    _s("moldova", en="Republic of Moldova|Moldova", nl="Republiek Moldavië|Moldavië",
       fr="République de Moldavie", de="Republik Moldau|Moldau|Moldawien",
       en_adj="Moldovan", nl_adj="Moldavische", fr_adj="moldaves|moldave",
       de_adj="moldauischen|moldauische|moldauisch"),
    _s("montenegro", en="Montenegro", nl="Republiek Montenegro|Montenegro", fr="Monténégro",
       de="Montenegro", en_adj="Montenegrin", nl_adj="Montenegrijnse",
       fr_adj="monténégrines|monténégrine|monténégrin",
       de_adj="montenegrinischen|montenegrinische|montenegrinisch"),
    _s("romania", en="Romania", nl="Roemenië", fr="Roumanie", de="Rumänien",
       en_adj="Romanian", nl_adj="Roemeense|Roemeens", fr_adj="roumaines|roumaine|roumain",
       de_adj="rumänischen|rumänische|rumänisch"),
    _s("serbia", en="Republic of Serbia|Serbia", nl="Republiek Servië|Servië",
       fr="République de Serbie|Serbie", de="Republik Serbien|Serbien",
       en_adj="Serbian", nl_adj="Servische", fr_adj="serbes|serbe",
       de_adj="serbischen|serbische|serbisch"),
    _s("slovakia", en="Slovak Republic|Slovakia", nl="Slowaakse Republiek|Slowakije",
       fr="République slovaque|Slovaquie", de="Slowakische Republik|Slowakei",
       en_adj="Slovak", nl_adj="Slowaakse|Slowaaks", fr_adj="slovaques|slovaque",
       de_adj="slowakischen|slowakische|slowakisch"),
    _s("slovenia", en="Republic of Slovenia|Slovenia", nl="Republiek Slovenië|Slovenië",
       fr="République de Slovénie|Slovénie", de="Republik Slowenien|Slowenien",
       en_adj="Slovenian|Slovene", nl_adj="Sloveense|Sloveens", fr_adj="slovènes|slovène",
       de_adj="slowenischen|slowenische|slowenisch"),
    _s("switzerland", en="Swiss Confederation|Switzerland",
       nl="Zwitserse Bondsstaat|Zwitserse Bondsraad|Zwitserland",
       fr="Confédération suisse|Suisse",
       de="Schweizerische Eidgenossenschaft|Schweizerische Bundesrat|Schweizerischen Bundesrat|"
          "Schweiz",
       en_adj="Swiss", nl_adj="Zwitserse|Zwitsers", fr_adj="suisses|suisse",
       de_adj="schweizerischen|schweizerische|schweizerisch"),
    _s("yugoslavia",
       en="Federal Republic of Yugoslavia|Serbia and Montenegro|Yugoslavia",
       nl="Bondsrepubliek Joegoslavië|Federale Republiek Joegoslavië|"
          "Servië en Montenegro|Joegoslavië",
       fr="République fédérale de Yougoslavie|Serbie-et-Monténégro|Yougoslavie",
       de="Bundesrepublik Jugoslawien|Serbien und Montenegro|Jugoslawien",
       en_adj="Yugoslav", nl_adj="Joegoslavische|Joegoslavisch", fr_adj="yougoslaves|yougoslave",
       de_adj="jugoslawischen|jugoslawischer|jugoslawisches|jugoslawische|jugoslawisch"),
    _s("hungary", en="Republic of Hungary|Hungary", nl="Republiek Hongarije|Hongarije",
       fr="République de Hongrie|Hongrie", de="Republik Ungarn|Ungarn",
       en_adj="Hungarian", nl_adj="Hongaarse|Hongaars", fr_adj="hongroises|hongroise|hongrois",
       de_adj="ungarischen|ungarischer|ungarische|ungarisch"),
    _s("poland", en="Republic of Poland|Poland", nl="Republiek Polen|Polen",
       fr="République de Pologne|Pologne", de="Republik Polen|Polen",
       en_adj="Polish", nl_adj="Poolse|Pools", fr_adj="polonaises|polonaise|polonais",
       de_adj="polnischen|polnischer|polnische|polnisch"),
    _s("russia", en="Russian Federation|Russia", nl="Russische Federatie|Rusland",
       fr="Fédération de Russie|Russie", de="Russische Föderation|Russland",
       en_adj="Russian", nl_adj="Russische|Russisch", fr_adj="russes|russe",
       de_adj="russischen|russischer|russische|russisch"),
    _s("austria", en="Republic of Austria|Austria", nl="Republiek Oostenrijk|Oostenrijk",
       fr="République d'Autriche|Autriche", de="Republik Österreich|Österreich",
       en_adj="Austrian", nl_adj="Oostenrijkse|Oostenrijks",
       fr_adj="autrichiennes|autrichienne|autrichiens|autrichien",
       de_adj="Österreichische|Österreichischen|österreichischen|österreichischer|"
              "österreichische|österreichisch"),
    _s("germany", en="Federal Republic of Germany|Germany",
       nl="Bondsrepubliek Duitsland|Duitsland", fr="République fédérale d'Allemagne|Allemagne",
       de="Bundesrepublik Deutschland|Deutschland", en_adj="German", nl_adj="Duitse|Duits",
       fr_adj="allemandes|allemande|allemands|allemand",
       de_adj="deutschen|deutscher|deutsches|deutsche"),
)

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
    for state in STATES:
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
        states = list(STATES)
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
                states.extend(s for s in STATES if s.party == party_id and s not in states)
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
