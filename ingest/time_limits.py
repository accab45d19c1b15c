"""Time limits in treaty text: "within 12 calendar days", "binnen vijftien dagen",
"dans un délai de huit jours", "innerhalb von drei Tagen", "3 (three) years".

A time limit is a cardinal number (digits, words, or both: "twelve (12)") followed by an
optional qualifier (calendar / working) and a unit of time. Ordinals ("the thirtieth day",
"am 30. Tag") are dates, not periods, and are left out. What the limit is for is read from
the words of the same sentence nearest to the number ("reply", "overgedragen", "remise"...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.time_limits_asia import find_asian_time_limits

PURPOSES = (
    "reply",  # reply to a readmission or transit request
    "transfer",  # transfer (handover) after acceptance, or its extension
    "request",  # submitting a readmission request after knowledge of the irregular stay
    "travel-document",  # issuing a travel document / its validity
    "readmission-in-error",  # taking back a person readmitted in error
    "transit",  # transit request, notice or duration
    "notification",  # advance notice of a transfer or of escorts
    "entry-into-force",  # period before entry into force or effect of a notification
    "termination",  # duration of the agreement, notice of termination or suspension
    "data",  # keeping or deleting personal data
    "costs",  # reimbursing costs after an invoice
    "validity",  # validity or expiry of a visa, permit or document ("expired for 2 years")
    "other",
)

_WORD_NUMBERS: dict[str, int] = {
    # English
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "eighteen": 18,
    "twenty": 20,
    "twenty-four": 24,
    "thirty": 30,
    "forty-eight": 48,
    "sixty": 60,
    "seventy-two": 72,
    "ninety": 90,
    # Dutch
    "een": 1,
    "één": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
    "dertien": 13,
    "veertien": 14,
    "vijftien": 15,
    "zestien": 16,
    "achttien": 18,
    "twintig": 20,
    "vierentwintig": 24,
    "dertig": 30,
    "achtenveertig": 48,
    "zestig": 60,
    "tweeënzeventig": 72,
    "negentig": 90,
    # French
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "trente": 30,
    "soixante": 60,
    "quatre-vingt-dix": 90,
    # German
    "ein": 1,
    "eine": 1,
    "einem": 1,
    "einer": 1,
    "eines": 1,
    "zwei": 2,
    "drei": 3,
    "fünf": 5,
    "sechs": 6,
    "sieben": 7,
    "neun": 9,
    "zehn": 10,
    "zwölf": 12,
    "fünfzehn": 15,
    "zwanzig": 20,
    "dreißig": 30,
    "achtundvierzig": 48,
    "sechzig": 60,
    "neunzig": 90,
}
# "acht", "elf", "vier" are both Dutch and German; "six" both English and French.

# Unit words (lower case) → canonical unit; qualifiers turn "days" into calendar/working days.
_UNIT_WORDS: dict[str, str] = {}
for _canonical, _words in {
    "hours": "hours hour uur uren heures heure stunden stunde",
    "days": "days day dagen dag jours jour tage tagen tag tages",
    "working days": "werkdagen werkdag arbeitstage arbeitstagen werktage werktagen",
    "calendar days": "kalenderdagen kalenderdag kalendertage kalendertagen",
    "weeks": "weeks week weken semaines semaine wochen woche",
    "months": "months month maanden maand mois monate monaten monats",
    "years": "years year jaar jaren ans an années année jahre jahren jahr jahres",
}.items():
    for _word in _words.split():
        _UNIT_WORDS[_word] = _canonical

_QUALIFIERS: dict[str, str] = {
    "calendar": "calendar days",
    "working": "working days",
    "business": "working days",
    "ouvrables": "working days",  # French qualifiers follow the unit: "jours ouvrables"
    "ouvrés": "working days",
    "calendaires": "calendar days",
    "civils": "calendar days",
}

_NUMBER = (
    r"(?:\d{1,4}|"
    + "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))
    + r")"
)
_UNIT = "|".join(sorted((re.escape(w) for w in _UNIT_WORDS), key=len, reverse=True))
TIME_LIMIT_RE = re.compile(
    rf"(?<![\w.,-])(?:(?P<number>{_NUMBER})|(?P<article>a)(?=\s+(?:month|year|week|day)\b))"
    rf"(?:\s*\(\s*(?P<alt>{_NUMBER})\s*\))?"
    r"(?:\s+|-)(?:(?P<qualifier>calendar|working|business)\s+)?"
    rf"(?P<unit>{_UNIT})\b"
    r"(?:\s+(?P<post>ouvrables|ouvrés|calendaires|civils)\b)?",
    re.IGNORECASE,
)

# Cue words per purpose, all four languages; the cue nearest to the number decides.
_PURPOSE_CUES: dict[str, str] = {
    "readmission-in-error": r"in error|ten onrechte|onterecht|erreur|irrtümlich|take back|"
    r"terugnemen|terugneemt|neemt .{0,40}terug",
    "travel-document": r"travel document|reisdocument|laissez-passer|document de voyage|"
    r"reisedokument|reisepapier",
    "validity": r"validity|valid\b|geldig|verlopen|expire|expiry|gültig|validité|"
    r"durée de validité",
    "transit": r"transit|doorgeleid|doorreis|durchreise|durchbeförder",
    "reply": r"repl|answer|respon|antwoord|beantwoord|réponse|répond|beantwort|uitsluitsel|"
    r"reageer|reageren",
    "transfer": r"transfer|overgedragen|overdracht|overgenomen|over te nemen|overname plaats|"
    r"terug of over|terug- of over|remise|remis|überstell|übergeben|übernommen|handed over|"
    r"take place|plaatsvindt|"
    r"obstacle|belemmering|verhindering",
    "request": r"submit|ingediend|indienen|indiening|présent|gestellt|stellen|knowledge|"
    r"kennis heeft|kennis hebben|kennis kreeg",
    "notification": r"notif|in kennis|kennisgeving|vooraf|prior|advance|voorafgaand|"
    r"mitteil|unterricht",
    "entry-into-force": r"force|in werking|vigueur|in kraft|inwerkingtreding",
    "termination": r"terminat|opzeg|dénon|kündig|suspen|schors|opschort|duration|duur|durée|"
    r"geltungsdauer|reconduction|verleng|renew|period of",
    "data": r"data|gegevens|données|daten",
    "costs": r"\bcost|kosten|frais|invoice|factuur|rechnung|vergoed|reimburs|erstattung",
}
_CUE_RES = {purpose: re.compile(cue, re.IGNORECASE) for purpose, cue in _PURPOSE_CUES.items()}
# A number of years that is someone's age is not a time limit ("de leeftijd van 21 jaar").
_AGE = re.compile(r"leeftijd|\bage\b|\bof ouder|or older|years old|\bâge|\balter\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-Z(\d])|\n+")


@dataclass(frozen=True)
class TimeLimit:
    """One time limit found in a unit's text, with the offsets of the matched span."""

    number: int
    unit: str  # hours, days, working days, calendar days, weeks, months or years
    purpose: str  # one of PURPOSES
    text: str  # the matched span, e.g. "12 calendar days"
    start: int
    end: int
    sentence: str
    language: str = ""
    doc_id: str = ""
    eid: str = ""


def parse_number(token: str) -> int | None:
    """12 → 12, "twaalf" → 12, "drie" → 3; None when not a number this module knows."""
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    return _WORD_NUMBERS.get(token)


def _unit(match: re.Match[str]) -> str:
    unit = _UNIT_WORDS[match.group("unit").lower()]
    qualifier = match.group("qualifier") or match.group("post")
    if qualifier and unit == "days":
        return _QUALIFIERS[qualifier.lower()]
    return unit


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    right = len(text)
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.end() <= start:
            left = boundary.end()
        elif boundary.start() >= end:
            right = boundary.start()
            break
    return left, right


# ---- what the number is: a period, or an age, a condition on a past stay, a definition ----

_YEARS_OLD = re.compile(
    r"(?:ouder|jonger|older|younger|plus âgé|moins âgé|älter|jünger) dan\s*$|"
    r"(?:ouder|jonger|older|younger|älter|jünger)(?: than| als)?\s*$|"
    r"(?:beneden|onder|beneath|below|under|unter|moins de|plus de|boven|over) "
    r"(?:de |the |la |l'|den )?"
    r"(?:leeftijd van |age of |âge de |alter von )?\s*$",
    re.I,
)
# A length of a person's past stay, absence, overstay or sentence that is a condition, not a
# period the agreement sets: "tenminste twee weken ... verbleven", "gedurende de voorafgaande
# twaalf maanden ... hebben verbleven", "met meer dan drie dagen heeft overschreden".
_STAY_WORDS = (
    r"verbleven|verblijven|verblijf gehouden|gestayed|stayed|resided|séjourné|aufgehalten|"
    r"verlaten|afwezig|absences?|leaves|overschreden|exceeded|straf|sentence|peine"
)
_CONDITION_BEFORE = re.compile(
    r"(?:ten ?minste|minimaal|minstens|at least|au moins|mindestens|gedurende (?:de )?"
    r"(?:voorafgaande|voorgaande)|during the preceding|for not more than|met meer dan|"
    r"gedurende een periode van ten ?minste|moins de|minder dan|less than|weniger als|sinds|"
    r"since|depuis|seit)\s*$",
    re.I,
)
_CONDITION_NEAR = re.compile(rf"\b(?:{_STAY_WORDS})", re.I)
# "een maand geldt als 30 dagen", "a month shall be deemed to be 30 days": a definition.
_DEFINES = (
    r"(?:geldt|gelden|wordt gerekend|wordt beschouwd|shall be deemed|is deemed|shall be "
    r"considered|shall mean|means|gilt|est compté|compte)"
)
_UNIT_NAME = r"(?:dag|maand|week|jaar|day|month|week|year|jour|mois|an|tag|monat|woche|jahr)\w*"
_DEFINITION = re.compile(
    rf"(?:{_DEFINES}\s+(?:(?:een|a|one|un|une|ein|eine)\s+{_UNIT_NAME}\s+)?"
    r"(?:als|as|to be|pour|comme)?\s*$)",
    re.I,
)
# "een maand geldt als 30 dagen": the unit being defined is not a period either.
_DEFINED = re.compile(rf"^\s*{_DEFINES}\s+(?:als|as|to be|pour|comme)?\s*\w+\s+{_UNIT_NAME}", re.I)


def _is_condition_or_age(text: str, start: int, end: int, unit: str) -> bool:
    """True when the number at text[start:end] is an age, a definition of a unit, or a length
    of a person's past stay/absence/overstay/sentence used as a condition."""
    before = text[max(0, start - 60) : start]
    after = text[end : end + 130]
    if re.match(
        r"\s*(?:of langer|or longer|ou plus|oder länger)\s+(?:duren|duurt|last|dauern)", after, re.I
    ):
        return True
    if unit == "years" and (
        _YEARS_OLD.search(before) or re.match(r"\W*(?:oud|old|alt|of age|d'âge)\b", after, re.I)
    ):
        return True
    if _DEFINITION.search(before) or _DEFINED.match(after):
        return True
    if _CONDITION_BEFORE.search(before) and not re.match(
        r"\s*(?:vóór|voor de indiening|before|avant|vor)\b", after, re.I
    ):  # "minder dan zes maanden vóór de indiening": a window for the request
        clause_after = re.split(r"[;:]|,\s+(?:en|of|and|or|et|und)\b", after, maxsplit=1)[0]
        clause_before = re.split(r"[;:]|\d+\.\s", before)[-1]
        if _CONDITION_NEAR.search(clause_after) or _CONDITION_NEAR.search(clause_before):
            return True
    return False


# ---- what the period governs ----------------------------------------------------------------

# Where the clause that holds the number ends: a semicolon, or a comma before a new clause.
_CLAUSE_BREAK = re.compile(
    r";|:\s|\s[–-]\s|,\s+(?=(?:en|of|maar|doch|indien|wanneer|als|zodra|tenzij|terwijl|and|or|"
    r"but|if|when|where|unless|provided|et|ou|mais|si|lorsque|und|oder|aber|wenn|sofern)\b"
    # "onverwijld, doch uiterlijk binnen ...": the same clause goes on
    r"(?!\s+(?:\w+\s+)?(?:uiterlijk|in ieder geval|in elk geval|in any (?:case|event)|"
    r"at the latest|no later|not later|au plus tard|spätestens)))"
    # A relative clause qualifies the noun before it ("een verklaring ..., waaruit het tegendeel
    # blijkt"): its words say nothing about what the period governs.
    r"|,\s+(?=(?:waaruit|waarin|waarbij|waarvan|waardoor|which|whereby|wherein|whereof|dont|"
    r"lequel|laquelle|lesquels|woraus|worin|wodurch)\b)",
    re.I,
)
# The comma-delimited part of a clause ("Si la remise n'a pu avoir lieu dans ce délai de deux
# semaines, l'obligation ... subsiste"), read first; "artikel 10, lid 4, van" is not a break.
_SEGMENT_BREAK = re.compile(r",\s+(?!(?:lid|leden|paragraphs?|alinéas?|Absatz|paragraaf)\b)", re.I)
# A period defined elsewhere ("binnen de in artikel 9 genoemde termijn van één maand", "within
# the one-month period referred to in Article 7"): what it governs is the verb on its left.
_REFERENCE_TO_PERIOD = re.compile(
    r"genoemde|bedoelde|vermelde|vastgestelde|referred to in|laid down in|visé|prévu|"
    r"vorgesehen|genannt",
    re.I,
)
# The agreement's own duration: "geldt voor de duur van een jaar", "une durée de validité de".
_DURATION = re.compile(
    r"(?:durée(?: de validité)?|geldt voor de duur|duration|gesloten voor|concluded for|"
    r"remain in force for|geltungsdauer|gilt für)\W+(?:[\w'-]+\W+){0,3}$",
    re.I,
)
# The event a period runs from ("na ontvangst van het verzoek", "after the positive answer",
# "following the date of delivery of the invoice"): it says when the period starts, not what
# must happen within it, so its words do not decide the purpose (only `_ANCHOR_RULES` read it).
_ANCHOR = re.compile(
    r"\b(?:na|nadat|vanaf|sedert|sinds|te rekenen (?:van|vanaf)|volgende op|die volgen op|"
    r"after|following|from|as from|since|à compter (?:de|du)|après|suivant|à partir de|"
    r"nach|ab|seit|vom)\b(?:\s+[\w'’()-]+){1,7}",
    re.I,
)
_ANCHOR_STOP = re.compile(
    r"\s(?:door|per|via|bij|aan|is|zijn|wordt|worden|werd|by|to|par|durch)\s", re.I
)
# A period that refers back to one set elsewhere: "nadat de termijn van 28 kalenderdagen is
# verstreken": its purpose is that of the earlier mention in the same unit.
_REFERS_BACK = re.compile(
    r"(?:(?:na|nadat)\s+(?:de|het)\s+(?:termijn|periode)\s+van|after the (?:time limit|period) "
    r"of|after the|après (?:le|l'expiration du) délai de)\s*$",
    re.I,
)
_ELAPSED = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:is verstreken|zijn verstreken|verstreken|has elapsed|have elapsed|"
    r"elapsed|has expired|expired|expiré|abgelaufen)",
    re.I,
)

# Ordered rules over the clause that holds the number, its anchor removed: (purpose, pattern).
# The first that matches wins; the order encodes precedence (a transit request mentions
# "request" and "reply", a cost clause may list "transit" among what is reimbursed).
_CLAUSE_RULES: tuple[tuple[str, str], ...] = (
    (
        "costs",
        r"\bcosts?\b|kosten|frais|invoice|factuur|rechnung|vergoed|reimburs|rembours|"
        r"erstatt|bankoverschrijving|bankgiro|bank transfer",
    ),
    (
        "termination",
        r"opzeg|opgezegd|op te zeggen|dénon|denoun|denunc|kündig|terminat|beëindig|mettre fin|"
        r"cesser|"
        r"tacite reconduction|stilzwijgend|geldt voor de duur|durée de validité de|"
        r"conclu pour une durée|gesloten voor",
    ),
    (
        "entry-into-force",
        r"in kraft tr|tritt\b.{0,160}in kraft|treedt\b.{0,60}in werking|in werking treedt|"
        r"(?:entre|entrera|entrée|"
        r"entreront) en vigueur|enter(?:s)? into force|shall enter into force",
    ),
    (
        "other",
        r"ondervra|\bhoren\b|interview|entretien|befrag|audition|delegatie|delegation|"
        r"lijst|lists?\b|contactgegevens|contact details|comité|committee|amendment|wijziging|"
        r"arbitra|bewaring|detention|inreisverbod|entry ban|vertrektermijn|uitstel van vertrek|"
        r"term of office|designation|informatie|information|nachfragen|rapportage|"
        r"inform one another|elkaar .{0,40}(?:in kennis|mede|op de hoogte)|exchange",
    ),
    ("transit", r"transit|doorgeleid|doorreis|durchreise|durchbeförder"),
    (
        "readmission-in-error",
        r"in error|ten onrechte|onterecht|erreur|irrtümlich|later .{0,80}(?:blijkt|vastgesteld|"
        r"established)|(?:blijkt|geconstateerd|established|vérification)|réadmettra",
    ),
    (
        "notification",
        r"(?:in kennis|kennis (?:te )?(?:geven|gegeven|stellen)|inkennisstelling|inform|notif|"
        r"mitteil|unterricht|avis)",
    ),
    (
        "request",
        r"request (?:is|must be|shall be) made|make the request|verzoek .{0,40}(?:ingediend|"
        r"gedaan) worden",
    ),
    (
        "travel-document",
        r"travel document|reisdocument|laissez-passer|document de voyage|reisedokument|"
        r"reisepapier|inreisvisum|entry visa|visum",
    ),
    (
        "reply",
        r"repl|answer|respon|antwoord|beantwoord|réponse|répond|beantwort|uitsluitsel|"
        r"verklaring van overname|instemming|reageer|reageren",
    ),
    (
        "request",
        r"submit|ingediend|indienen|indiening|introduite|présentée|gestellt|gevraagd|verzoekt|"
        r"request (?:must|shall) be made|made within|kennis heeft|kennis hebben|knowledge",
    ),
    (
        "transfer",
        r"transfer|overgedragen|overdracht|overdragen|draagt|overgenomen|overname|\bneemt\b|"
        r"\bnemen\b|terugnemen|overgegeven|overgave|overneming|remise|remis|überstell|übergeben|"
        r"übernimm|take(?:s)? (?:back|charge)|readmit|\bover\.?$|\bterug\.?$",
    ),
    ("data", r"gegevens|personal data|données|daten"),
)
_CLAUSE_RULE_RES = tuple((purpose, re.compile(rule, re.I)) for purpose, rule in _CLAUSE_RULES)
# Read in the anchor only: "na overlegging van een factuur" → costs; "na de inwerkingtreding"
# with nothing else to go on → other (lists, delegations, contacts exchanged after it).
_ANCHOR_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("costs", re.compile(r"factuur|invoice|facture|rechnung", re.I)),
)
# Advance notice: "drie werkdagen vóór de overdracht", "at least three working days before".
# Dutch "voor" without its accent also means "for" ("een inreisvisum voor de terugkeer"): it
# reads "before" only right after the period ("drie werkdagen voor de overdracht").
_BEFORE_EVENT = re.compile(
    r"^\W*(?:(?:\w+\W+){0,3}?(?:vóór|voordat|voorafgaand|voorafgaande|before|ahead|prior|avant|"
    r"vor|tevoren|van tevoren|in advance|à l'avance|im voraus)|voor (?:de|het) (?:geplande|"
    r"voorgenomen|datum|dag|overdracht|overgave|teruggeleiding|doorgeleiding|verwijdering|"
    r"terugkeer|indiening|verstrijken|aankomst))\b",
    re.I,
)
# A document's validity or time since expiry, named next to the number: "een geldigheidsduur
# van zes maanden", "valid for at least six months", "niet langer dan tien jaar verlopen".
_VALIDITY_BEFORE = re.compile(
    r"(?:geldigheidsduur|geldigheidstermijn|validity|valid for|gültigkeitsdauer|validité|"
    r"d'au moins|de tenminste|van ten ?minste|for at least|périmés depuis|expired|verlopen|"
    r"sedert meer dan|niet ouder dan|not older than)\W+(?:[\w'-]+\W+){0,5}$",
    re.I,
)
_VALIDITY_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:verlopen|verstreken|périmés|expired|abgelaufen|ago\b|"
    r"the validity|de geldigheid|la validité|die gültigkeit)",
    re.I,
)
# Dutch puts the verb last: "binnen één maand over te dragen", "binnen een maand terug of over".
_RIGHT_AFTER: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "transfer",
        re.compile(
            r"^\W*(?:\w+\W+){0,2}?(?:over te dragen|over te nemen|overgedragen|overgenomen|"
            r"terug of over|terug- of over|over\W*$|over\.|terug\.)",
            re.I,
        ),
    ),
    ("reply", re.compile(r"^\W*(?:\w+\W+){0,2}?(?:beantwoord|te beantwoorden)", re.I)),
)
# The person is taken back because the conditions were not met after all.
_IN_ERROR = re.compile(
    r"in error|ten onrechte|onterecht|par erreur|irrtümlich|later .{0,80}(?:blijkt|vastgesteld|"
    r"established|found)|vérification complémentaire|hebben geconstateerd|should it emerge|"
    r"emerges? from|did not fulfil|niet voldeed|niet voldeden|ne remplissai",
    re.I,
)


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the clause of `sentence` that holds sentence[start:end]."""
    return _between_breaks(_CLAUSE_BREAK, sentence, start, end)


def _between_breaks(breaks: re.Pattern[str], text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the stretch of `text` between the `breaks` around text[start:end]."""
    left, right = 0, len(text)
    for found in breaks.finditer(text):
        if found.end() <= start:
            left = found.end()
        elif found.start() >= end:
            right = found.start()
            break
    return left, right


def _split_anchor(clause: str, start: int, end: int) -> tuple[str, str]:
    """(the clause with the event the period runs from blanked out, that event's words): the
    anchor starts within a few characters after the number ("binnen vijf dagen na ...")."""
    near = _ANCHOR.search(clause[end : end + 25])
    found = _ANCHOR.match(clause, end + near.start()) if near is not None else None
    if found is None:
        return clause, ""
    a_start, a_end = found.start(), found.end()
    stop = _ANCHOR_STOP.search(clause, a_start, a_end)
    if stop is not None:
        a_end = stop.start()
    anchor = clause[a_start:a_end]
    return clause[:a_start] + " " * len(anchor) + clause[a_end:], anchor


# Noun phrases that name the person, not the act: "de terug te nemen persoon", "the person to
# be readmitted"; their verbs are not what the period governs.
_PERSON_PHRASE = re.compile(
    r"\b(?:terug|over|terug- of over|terug of over)\s+te\s+(?:nemen|dragen)\s+(?:persoon|personen|"
    r"onderdaan|onderdanen|vreemdeling)|persons? to be (?:readmitted|transferred|taken back)|"
    r"persoon (?:wiens|van wie de) (?:terug- of )?overname",
    re.I,
)


def _nearest_left_cue(text: str) -> str | None:
    """The purpose whose clause cue ends nearest to the end of `text` (the verb a referenced
    period qualifies: "niet kan overdragen binnen de ... genoemde termijn van")."""
    best, best_end = None, -1
    for purpose, rule in _CLAUSE_RULE_RES:
        for found in rule.finditer(text):
            if found.end() > best_end:
                best, best_end = purpose, found.end()
    return best


def classify_purpose(sentence: str, position: int, length: int = 0) -> str:
    """What the time limit at `sentence[position:position + length]` is for: read from the
    clause that holds it (what must happen within the period), not from the event it runs from
    nor from the other clauses of the sentence; the whole sentence decides only when its own
    clause names nothing."""
    end = position + length
    left, right = _clause(sentence, position, end)
    clause = sentence[left:right]
    before, after = sentence[max(0, position - 60) : position], sentence[end : end + 40]
    if _DURATION.search(before):
        return "termination"
    if _VALIDITY_BEFORE.search(before) or _VALIDITY_AFTER.search(after):
        return "validity"
    if _IN_ERROR.search(sentence) and re.search(
        r"terug\b|terugnemen|terugneemt|over\b|take back|readmit|réadmet|reprend|zurück",
        clause,
        re.I,
    ):
        return "readmission-in-error"
    for purpose, rule in _RIGHT_AFTER:
        if rule.search(after):
            return purpose
    if _CLAUSE_RULE_RES[1][1].search(clause):  # notice of termination: "een maand voor ..."
        return "termination"
    if _BEFORE_EVENT.search(after):
        if _TRANSIT.search(clause):
            return "transit"
        if re.search(r"indiening|submission|demande", after, re.I):
            return "request"
        return "notification"
    if _REFERENCE_TO_PERIOD.search(sentence[max(left, position - 80) : end + 30]):
        cue = _nearest_left_cue(sentence[left:position])
        if cue is not None:
            return cue
    # the comma-delimited part first, then the whole clause, each without its anchor
    s_left, s_right = _segment(clause, position - left, end - left)
    for start_at, part in ((left + s_left, clause[s_left:s_right]), (left, clause)):
        governed, anchor = _split_anchor(part, position - start_at, end - start_at)
        governed = _PERSON_PHRASE.sub(lambda m: " " * len(m.group(0)), governed)
        for purpose, rule in _CLAUSE_RULE_RES:
            if rule.search(governed):
                return purpose
    governed, anchor = _split_anchor(clause, position - left, end - left)
    for purpose, rule in _ANCHOR_RULES:
        if rule.search(anchor):
            return purpose
    if re.search(r"in ?werking|into force|vigueur|in ?kraft", anchor, re.I):
        return "other"  # something done within a period after entry into force
    for purpose, rule in _CLAUSE_RULE_RES:
        if rule.search(sentence):
            return purpose
    return "other"


def _segment(clause: str, start: int, end: int) -> tuple[int, int]:
    return _between_breaks(_SEGMENT_BREAK, clause, start, end)


_TRANSIT = re.compile(r"transit|doorgeleid|doorreis|durchreise|durchbeförder", re.I)


_PARAGRAPH_BREAK = re.compile(r"\n|(?<=[.;:])\s+(?=\(?\d+\)?\.?\s|[a-z]\)\s)")


def _paragraph_bounds(text: str, position: int) -> tuple[int, int]:
    """Bounds of the paragraph around `position`: between line breaks or numbered points."""
    left, right = 0, len(text)
    for found in _PARAGRAPH_BREAK.finditer(text):
        if found.end() <= position:
            left = found.end()
        elif found.start() > position:
            right = found.start()
            break
    return left, right


def _paragraph(text: str, position: int) -> str:
    """The paragraph around `position` ("2. ..." up to the next numbered point)."""
    left, right = _paragraph_bounds(text, position)
    return text[left:right]


# A request named in an earlier paragraph: "1. Een doorgeleidingsverzoek wordt ... ingediend.
# 2. De aangezochte Partij antwoordt binnen vier werkdagen" answers that transit request.
# "the requested Party", "de verzoekende Partij" name a party, not a request.
_REQUEST_NOUN = re.compile(
    r"\brequests?\b|verzoek(?!end)|\bdemandes?\b|\bersuchen\b|\bantr[aä]ge?\b", re.I
)


def _answers_earlier_transit_request(text: str, position: int) -> bool:
    """True when the paragraph at `position` names no request of its own and the last paragraph
    before it that names one, in the same unit, is about transit."""
    paragraph_start, paragraph_end = _paragraph_bounds(text, position)
    if _REQUEST_NOUN.search(text, paragraph_start, paragraph_end):
        return False  # the paragraph names its own request: it says which one
    earlier = list(_REQUEST_NOUN.finditer(text, 0, paragraph_start))
    if not earlier:
        return False
    return bool(_TRANSIT.search(_paragraph(text, earlier[-1].start())))


def extract_time_limits(
    text: str, *, language: str = "", doc_id: str = "", eid: str = ""
) -> list[TimeLimit]:
    """Every time limit in `text`, in order of appearance."""
    found: list[TimeLimit] = []
    for match in TIME_LIMIT_RE.finditer(text):
        # "within a month": the English article counts as one before a singular unit.
        number = 1 if match.group("article") else parse_number(match.group("number"))
        alternative = match.group("alt")
        if alternative is not None and alternative.isdigit():
            number = int(alternative)  # "twelve (12) days": the digits are authoritative
        if number is None or number == 0:
            continue
        left, right = _sentence_bounds(text, match.start(), match.end())
        window = text[max(left, match.start() - 40) : min(right, match.end() + 15)]
        unit = _unit(match)
        if _AGE.search(window) or _is_condition_or_age(text, match.start(), match.end(), unit):
            continue
        sentence = text[left:right].strip()
        offset = match.start() - left - (len(text[left:right]) - len(text[left:right].lstrip()))
        purpose = classify_purpose(sentence, offset, len(match.group(0)))
        if purpose in ("reply", "request") and (
            _TRANSIT.search(_paragraph(text, match.start()))
            or _answers_earlier_transit_request(text, match.start())
        ):
            purpose = "transit"  # "De aangezochte Partij antwoordt ..." after a transit request
        tail = sentence[offset + len(match.group(0)) : offset + len(match.group(0)) + 40]
        if _REFERS_BACK.search(sentence[max(0, offset - 40) : offset]) and _ELAPSED.search(tail):
            # "nadat de termijn van 28 kalenderdagen is verstreken": the period set earlier
            earlier = [t for t in found if (t.number, t.unit) == (number, unit)]
            purpose = earlier[0].purpose if earlier else purpose
        found.append(
            TimeLimit(
                number=number,
                unit=unit,
                purpose=purpose,
                text=match.group(0),
                start=match.start(),
                end=match.end(),
                sentence=sentence,
                language=language,
                doc_id=doc_id,
                eid=eid,
            )
        )
    # Indonesian/Malay, Vietnamese, Thai and Chinese wordings (ingest.time_limits_asia).
    for limit in find_asian_time_limits(text):
        found.append(TimeLimit(**vars(limit), language=language, doc_id=doc_id, eid=eid))
    return sorted(found, key=lambda limit: limit.start)
