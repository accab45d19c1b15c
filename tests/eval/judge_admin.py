"""How `admin.jsonl` was judged: rules over the treaty texts' articles, read first (README.md).

Run once, before any search result was looked at, over the units of an index of the shipped
corpus: `python tests/eval/judge_admin.py INDEX_DIR > tests/eval/admin.jsonl`. Titled articles are
judged by their heading; the untitled articles of the older agreements were read and are listed
by eid. Twin-language files get identical grades.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from pathlib import Path

TREATY = re.compile(r"^(austria|benelux|germany|hungary|multilateral|netherlands|schengen|dublin)")
Grades = dict[tuple[str, str], int]

BK = "benelux-"
RO, SK, SI, HR = (
    f"{BK}romania-readmission-1995-nl",
    f"{BK}slovakia-readmission-2002-nl",
    f"{BK}slovenia-readmission-1992-nl",
    f"{BK}croatia-readmission-1999-nl",
)
AL, FR = f"{BK}albania-implementing-protocol-2005-nl", f"{BK}france-border-takeover-1964-nl"
AT, DE = "austria-benelux-border-takeover-1965-nl", "germany-benelux-border-takeover-1966-nl"
NLBE, PL = (
    "netherlands-belgium-removal-undesirable-persons-1958-nl",
    ("schengen-states-poland-readmission-1991-nl"),
)
EXT, DUB = f"{BK}external-frontiers-convention-1960-nl", "dublin-convention-1990-nl"
KZ_EN = f"{BK}kazakhstan-readmission-agreement-2015-en"
IMPLEMENTING = re.compile(r"^(uitvoeringsprotocol|implementing protocol)$", re.I)

# topic -> (heading rules: (pattern, grade for articles, grade for annexes), read untitled)
TOPICS: dict[str, tuple[list[tuple[str, int, int]], Grades]] = {
    "competent-authorities": (
        [
            (r"bevoegde (autoriteiten|instanties)|competent authorities|zuständige stellen", 3, 2),
            (IMPLEMENTING.pattern, 1, 0),
        ],
        {
            (RO, "protocol__art_ii"): 3,
            (SK, "protocol__art_ii"): 3,
            (AL, "art_9"): 3,
            (PL, "art_4"): 3,
            (NLBE, "art_10"): 1,
            (RO, "art_5"): 1,
            (SK, "art_10"): 1,
        },
    ),
    "definitions": (
        [(r"^definities en werkingssfeer|^definitions and scope|^definities$|^definitions$", 3, 0)],
        {
            (AL, "art_1"): 2,
            (HR, "art_1"): 1,
            (SK, "art_1"): 1,
            (SI, "art_1"): 1,
            (DE, "art_1"): 1,
            (DUB, "art_1"): 2,
            (PL, "art_2"): 1,
        },
    ),
    "language": (
        [(r"^taal|^language|^werktalen", 3, 0)],
        {(AL, "art_12"): 3},
    ),
    "suspension": (
        [(r"schorsing|opschorting|suspen", 3, 0)],
        {
            (HR, "art_12"): 3,
            (RO, "art_9"): 3,
            (SK, "art_15"): 3,
            (SI, "art_12"): 3,
            (PL, "art_9"): 3,
            (NLBE, "art_12"): 3,
        },
    ),
    "entry-into-force": (
        [(r"inwerkingtreding|entry into force|inkrafttreten", 3, 0), (r"^slotbepaling$", 1, 0)],
        {
            (AT, "art_9"): 3,
            (AL, "art_14"): 3,
            (HR, "art_10"): 3,
            (EXT, "art_18"): 3,
            (FR, "art_15"): 3,
            (RO, "art_7"): 3,
            (SK, "art_12"): 3,
            (SI, "art_10"): 3,
            (DE, "art_18"): 3,
            (PL, "art_6"): 3,
            (PL, "art_7"): 1,
            (DUB, "art_22"): 2,
        },
    ),
    "termination": (
        [(r"opzegging|termination|denouncement|kündigung|beëindiging", 3, 0)],
        {
            (HR, "art_12"): 3,
            (RO, "art_9"): 3,
            (SK, "art_15"): 3,
            (SI, "art_12"): 3,
            (PL, "art_9"): 3,
            (NLBE, "art_11"): 3,
            (AT, "art_9"): 2,
            (FR, "art_15"): 2,
            (DE, "art_18"): 2,
            (AL, "art_14"): 1,
        },
    ),
    "exclusions": (
        [(r"^uitzonderingen op de verplichting", 3, 0)],
        {
            **{
                (f"{BK}{d}", "art_3"): 2
                for d in (
                    "bulgaria-readmission-1998-nl",
                    "estonia-readmission-1999-nl",
                    "latvia-readmission-1999-nl",
                    "lithuania-readmission-1999-nl",
                    "macedonia-readmission-2006-nl",
                    "switzerland-readmission-2003-nl",
                    "bosnia-readmission-2006-nl",
                    "kosovo-readmission-2011-nl",
                    "kazakhstan-readmission-agreement-2015-en",
                    "kazakhstan-readmission-agreement-2015-nl",
                )
            },
            ("hungary-benelux-readmission-2002-nl", "art_3"): 2,
            (HR, "art_4"): 2,
            (HR, "art_5"): 2,
            (SK, "art_4"): 2,
            (SK, "art_5"): 2,
            (SI, "art_4"): 2,
            (SI, "art_5"): 2,
            (AT, "art_2"): 2,
            (AT, "art_4"): 2,
            (PL, "art_2"): 2,
            (NLBE, "art_3"): 2,
            (NLBE, "art_6"): 2,
            **{(FR, f"art_{n}"): 2 for n in (2, 3, 4, 7, 8, 9)},
            **{(DE, f"art_{n}"): 2 for n in (4, 5, 8, 9)},
        },
    ),
    "implementing-protocol": (
        [(IMPLEMENTING.pattern, 3, 0)],
        {(RO, "art_5"): 3, (SK, "art_10"): 3},
    ),
    "data-protection": (
        [(r"gegevensbescherming|data protection|persoonsgegevens|datenschutz", 3, 0)],
        {(SK, "art_13"): 3, (DUB, "art_15"): 2},
    ),
    "costs": (
        [(r"^kosten|^costs|^ten laste komende kosten", 3, 0)],
        {
            (AT, "art_6"): 3,
            (HR, "art_7"): 3,
            (RO, "art_3"): 3,
            (SK, "art_8"): 3,
            (SI, "art_7"): 3,
            (FR, "art_14"): 3,
            (DE, "art_14"): 3,
            (NLBE, "art_8"): 3,
            (AL, "art_11"): 2,
        },
    ),
    "expert-committee": (
        [
            (r"(comité|commissie) van deskundigen", 3, 0),
            (r"vergadering van deskundigen", 2, 0),
            (r"plicht tot overleg|konsultationspflicht", 1, 0),
        ],
        {},
    ),
    "border-crossing-points": (
        [
            (
                r"grensovergang|border crossing|grensposten|grensoverschrijding"
                r"|grensdoorlaatposten",
                3,
                2,
            ),
            (IMPLEMENTING.pattern, 1, 0),
        ],
        {
            (AL, "art_10"): 3,
            (RO, "protocol__art_vii"): 3,
            (SK, "protocol__art_iv"): 3,
            (FR, "art_13"): 3,
            (DE, "art_13"): 3,
            (NLBE, "art_9"): 3,
            (RO, "art_5"): 1,
            (SK, "art_10"): 1,
        },
    ),
}
# Implementing protocols' own cost, definition articles: the counterpart of the agreement's.
PROTOCOL_COUNTERPART = {"costs": 2, "definitions": 2}

QUERIES = [
    (
        "ad01",
        "en",
        "dev",
        "competent-authorities",
        "which authorities of the parties are responsible for handling readmission requests",
    ),
    (
        "ad02",
        "nl",
        "dev",
        "competent-authorities",
        "welke instanties zijn bevoegd om verzoeken tot overname te behandelen",
    ),
    (
        "ad03",
        "de",
        "heldout",
        "competent-authorities",
        "zuständige Behörden für die Bearbeitung von Rückübernahmeersuchen",
    ),
    (
        "ad04",
        "en",
        "dev",
        "definitions",
        "how does the agreement define a third-country national and a stateless person",
    ),
    ("ad05", "nl", "heldout", "definitions", "begripsomschrijvingen in de overeenkomst"),
    (
        "ad06",
        "en",
        "dev",
        "language",
        "in which language do the authorities communicate with each other",
    ),
    (
        "ad07",
        "fr",
        "heldout",
        "language",
        "langue utilisée pour les communications entre les autorités compétentes",
    ),
    ("ad08", "nl", "dev", "language", "in welke taal worden de verzoeken en antwoorden opgesteld"),
    (
        "ad09",
        "en",
        "heldout",
        "suspension",
        "can a party temporarily suspend the agreement for reasons of public order or security",
    ),
    (
        "ad10",
        "de",
        "dev",
        "suspension",
        "vorübergehende Aussetzung des Abkommens aus Gründen der öffentlichen Sicherheit",
    ),
    ("ad11", "nl", "dev", "entry-into-force", "wanneer treedt de overeenkomst in werking"),
    (
        "ad12",
        "en",
        "heldout",
        "termination",
        "denunciation of the agreement: notice and when termination takes effect",
    ),
    (
        "ad13",
        "fr",
        "dev",
        "entry-into-force+termination",
        "entrée en vigueur et dénonciation de l'accord",
    ),
    (
        "ad14",
        "en",
        "dev",
        "exclusions",
        "cases in which the requested party is not obliged to readmit a third-country national",
    ),
    (
        "ad15",
        "nl",
        "dev",
        "exclusions",
        "uitzonderingen op de overnameplicht voor onderdanen van derde landen",
    ),
    (
        "ad16",
        "en",
        "heldout",
        "implementing-protocol",
        "what practical matters must the implementing protocol regulate",
    ),
    (
        "ad17",
        "de",
        "dev",
        "data-protection",
        "Schutz personenbezogener Daten, die bei der Rückübernahme übermittelt werden",
    ),
    (
        "ad18",
        "en",
        "dev",
        "costs",
        "who bears the costs of transport up to the border of the requested state",
    ),
    ("ad19", "nl", "dev", "expert-committee", "comité van deskundigen: samenstelling en taken"),
    (
        "ad20",
        "fr",
        "heldout",
        "border-crossing-points",
        "désignation des points de passage frontaliers pour la remise des personnes",
    ),
]
TWINS = {  # same official text in two languages: identical grades
    f"{BK}france-border-takeover-1964-nl": f"{BK}france-border-takeover-1964-fr",
    "multilateral-transit-yugoslav-nationals-2000-nl": (
        "multilateral-transit-yugoslav-nationals-2000-de"
    ),
}


def judge(units: list[tuple[str, str, str | None]], topic: str) -> Grades:
    rules, read = TOPICS[topic]
    grades: Grades = {}
    for doc_id, eid, heading in units:
        if not TREATY.match(doc_id) or not heading or eid.startswith(("sec_", "chp_")):
            continue
        annex = eid.startswith("annex_")
        for pattern, article_grade, annex_grade in rules:
            if re.search(pattern, heading, re.I):
                grade = annex_grade if annex else article_grade
                if topic in PROTOCOL_COUNTERPART and grade == 3 and _in_protocol(doc_id, eid):
                    grade = PROTOCOL_COUNTERPART[topic]
                if grade:
                    grades[(doc_id, eid)] = max(grades.get((doc_id, eid), 0), grade)
                break
    for key, grade in read.items():
        grades[key] = max(grades.get(key, 0), grade)
    for first, second in TWINS.items():
        for (doc_id, eid), grade in list(grades.items()):
            if doc_id in (first, second):
                twin = second if doc_id == first else first
                grades[(twin, eid)] = max(grades.get((twin, eid), 0), grade)
    return grades


def _in_protocol(doc_id: str, eid: str) -> bool:
    return eid.startswith("protocol__") or "implementing-protocol" in doc_id


def main() -> None:
    database = sqlite3.connect(Path(sys.argv[1]) / "meta.sqlite")
    units = list(database.execute("select doc_id, eid, heading from units order by doc_id, ord"))
    for query_id, language, split, topic, text in QUERIES:
        if "+" in topic:  # both clause types asked: an article holding both answers it
            first, second = (judge(units, part) for part in topic.split("+"))
            grades = {
                key: 2
                for key in {*first, *second}
                if max(first.get(key, 0), second.get(key, 0)) == 3
            }
            grades |= {key: 3 for key in first if first[key] == 3 and second.get(key, 0) >= 2}
        else:
            grades = judge(units, topic)
        relevant = [
            {"doc_id": doc_id, "eid": eid, "grade": grade}
            for (doc_id, eid), grade in sorted(grades.items())
        ]
        line = {
            "id": query_id,
            "query": text,
            "language": language,
            "split": split,
            "topic": topic,
            "set": "admin",
            "relevant": relevant,
        }
        print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
