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


# Ordered rules: (purpose, where, pattern). `before`/`after` look at a few words on that side of
# the number, `window` at the clause around it, `sentence` at the whole sentence; the first rule
# that matches wins. The order encodes precedence: a transit deadline mentions "request" and
# "reply" too, an advance notice of a transfer mentions "transfer".
_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "other",
        "window",
        r"after the conclusion|na de sluiting|na het sluiten|exchange lists|"
        r"wisselen .{0,40}lijst|ondervra|interview|entretien|befrag|beitritt",
    ),
    (
        "other",
        "before",
        r"verblijf van (?:ten ?minste|minimaal)|séjourné (?:au moins|moins de)|"
        r"stayed (?:for )?at least|verbleven|aufenthalt von|sinds|depuis|since",
    ),
    (
        "termination",
        "sentence",
        r"opzeg|dénonc|kündig|terminat|denounc|tacite reconduction|"
        r"stilzwijgend|durée de validité de|geldt voor de duur|cesser les effets",
    ),
    (
        "validity",
        "before",
        r"geldigheidsduur|geldigheidstermijn|validity|valid for|gültigkeitsdauer|"
        r"validité|d'au moins|de tenminste|van ten ?minste|for at least|périmés depuis|expired|"
        r"verlopen|sedert meer dan",
    ),
    ("validity", "after", r"^\W*(?:\w+\W+){0,3}(?:verlopen|périmés|expired|ago\b)"),
    ("transit", "window", r"transit|doorgeleid|doorreis|durchreise|durchbeförder"),
    (
        "costs",
        "window",
        r"\bcosts?\b|kosten|frais|invoice|factuur|rechnung|vergoed|reimburs|"
        r"erstattung",
    ),
    ("entry-into-force", "sentence", r"in kraft|in werking|en vigueur|into force"),
    (
        "readmission-in-error",
        "window",
        r"examination|onderzoek|vérification|in error|"
        r"ten onrechte|réadmettra",
    ),
    (
        "request",
        "after",
        r"^\W*(?:\w+\W+){0,3}(?:vóór|voor|before|avant)\s+(?:de|the|la)?\s*"
        r"(?:indiening|submission|demande)",
    ),
    (
        "notification",
        "after",
        r"^\W*(?:\w+\W+){0,3}(?:vóór|voor|voordat|voordien|before|ahead|"
        r"prior|avant)\b",
    ),
    (
        "travel-document",
        "window",
        r"travel document|reisdocument|laissez-passer|"
        r"document de voyage|reisedokument|reisepapier",
    ),
    (
        "reply",
        "window",
        r"repl|answer|respon|antwoord|beantwoord|réponse|répond|beantwort|"
        r"uitsluitsel",
    ),
    (
        "request",
        "window",
        r"submit|ingediend|indienen|indiening|introduite|présentée|gestellt|"
        r"gevraagd|knowledge|kennis heeft|kennis hebben|vaststelling|ascertained",
    ),
    (
        "transfer",
        "window",
        r"transfer|overgedragen|overdracht|overdragen|draagt|overgenomen|"
        r"overname|neemt\b|remise|remis|überstell|übergeben|readmit|overgave|\bover\.?$",
    ),
)
_RULE_RES = tuple((purpose, where, re.compile(rule, re.I)) for purpose, where, rule in _RULES)


def classify_purpose(sentence: str, position: int, length: int = 0) -> str:
    """What the time limit at `sentence[position:position + length]` is for (see _RULES);
    falls back to the purpose whose cue word lies nearest, else "other"."""
    end = position + length
    places = {
        "before": sentence[max(0, position - 45) : position],
        "after": sentence[end : end + 40],
        "window": sentence[max(0, position - 150) : end + 80],
        "sentence": sentence,
    }
    for purpose, where, rule in _RULE_RES:
        if rule.search(places[where]):
            return purpose
    best, best_distance = "other", len(sentence) + 1
    for purpose, cue in _CUE_RES.items():
        for found in cue.finditer(sentence):
            distance = min(abs(found.start() - position), abs(found.end() - position))
            if distance < best_distance:
                best, best_distance = purpose, distance
    return best


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
        if _AGE.search(window):
            continue
        sentence = text[left:right].strip()
        offset = match.start() - left - (len(text[left:right]) - len(text[left:right].lstrip()))
        found.append(
            TimeLimit(
                number=number,
                unit=_unit(match),
                purpose=classify_purpose(sentence, offset, len(match.group(0))),
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
