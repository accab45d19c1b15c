# ruff: noqa
# The one-off record of how tests/eval/blind.jsonl was judged (verbatim but for ruff format; paths as run):
# rules over unit headings/texts of an index copied from /work/seed-index, never search results.
"""Judge the blind set by regex over unit headings/texts of the seed index (never by search)."""

import json, re, sqlite3, sys

db = sqlite3.connect("/tmp/i15-ix/meta.sqlite")
langs = dict(db.execute("select doc_id, language from documents"))
units = [
    dict(zip(("doc", "eid", "kind", "h", "t"), r))
    for r in db.execute(
        "select doc_id, eid, kind, coalesce(heading,''), text from units order by doc_id, ord"
    )
]
H, T, A, C = "h", "T", "hT", "t"
# rules: (grade, where, regex[, doc-regex])
Q = []


def q(qid, lang, text, *rules, kinds=("article", "annex", "declaration")):
    Q.append(dict(id=qid, language=lang, query=text, rules=rules, kinds=kinds))


COMP = r"bevoegde (autoriteit|instantie)|competent authorit|autorités? compétente|zuständige stelle|aanwijzing bevoegde"
q(
    "b01",
    "en",
    "competent authority designation",
    (3, H, COMP),
    (
        3,
        C,
        r"(adressen|addresses|aanwijzen|designate|wijzen .{0,40}aan).{0,120}(bevoegd|competent)",
    ),
    (3, C, r"(bevoegd|competent|zuständig).{0,60}(voor het|for (the )?(submi|recei|dealing))"),
    (2, C, r"autorités? (compétentes?|chargées)|zuständigen stellen"),
)
q(
    "b02",
    "en",
    "A man was caught in Belgium holding a valid visa issued by the other country. Does that country have to take him back?",
    (3, H, r"derde (staat|land|landen|staten)|third (state|country)|verantwoordelijk"),
    (
        2,
        C,
        r"(visum|visa|verblijfstitel|verblijfsvergunning|residence permit).{0,200}(overname|terugname|readmit|neemt)",
    ),
    (1, H, r"verblijfstitel|verblijfsvergunning|residence permit"),
)
LANG = r"^(taal|language|werktalen|taal en communicatie|taal waarin wordt gecommuniceerd)$"
q(
    "b03",
    "en",
    "in which language do the authorities correspond with each other",
    (3, H, LANG),
    (
        3,
        C,
        r"(bezigen|gebruiken|use|communicate|correspond|communiceren).{0,80}(taal|language|talen)",
    ),
    (2, C, r"(in de|in the) (engelse|english|franse|duitse) taal"),
)
SUSP = r"schorsing|suspension|suspendierung|opschorting|schorsen|suspend"
q(
    "b04",
    "en",
    "when may a party suspend the agreement",
    (3, H, SUSP),
    (3, C, SUSP),
    (1, H, r"opzegging|denunciation|termination"),
)
q(
    "b05",
    "en",
    "exceptions to the obligation to readmit third country nationals, e.g. airside transit or visa-free entry",
    (3, H, r"uitzondering|verval van de verplichting|exception"),
    (
        3,
        T,
        r"(geldt niet|does not apply|shall not apply|vervalt|niet van toepassing).{0,250}(luchthaven|airport|transit|visumplicht|visa)",
    ),
    (2, T, r"(internationale luchthaven|international airport|transitzone|airside)"),
)
DEFS = r"^(definities|definitions|use of terms|definities en werkingssfeer|definitions and scope|begripsomschrijvingen)"
q(
    "b06",
    "en",
    "definition of third-country national",
    (
        3,
        A,
        DEFS
        + r"|onder .{0,20}onderdaan van een derde|third.country national\W+(means|shall mean)|onderdaan van een derde (staat|land).{0,5}[:,]? ?(iedere|elke|een) persoon",
    ),
    (1, T, r"onderdaan van een derde|third.country national"),
)
q(
    "b07",
    "en",
    "stateless person meaning",
    (
        3,
        T,
        r"(staatloze|stateless person).{0,15}(means|shall mean|:|iedere|elke|een persoon|any person)|term .?stateless person.? means|wordt verstaan .{0,40}staatloze",
    ),
    (2, H, DEFS),
    (1, T, r"staatloze|stateless|apatride|staatenlos"),
)
ERR = r"readmission in error|onterechte (terug|overname)|ten onrechte (is |werd |zijn )?(overgenomen|teruggenomen)|(later|nader|achteraf).{0,30}(onderzoek )?blijkt|blijkt .{0,40}(later|achteraf)|(subsequently|later) (be )?(established|found|proved|turns out)|vastgesteld dat .{0,120}niet (voldeed|voldoet)|ultérieurement|nachträglich"
q(
    "b08",
    "en",
    "what if it later turns out the returned person did not meet the conditions for readmission",
    (3, H, ERR),
    (3, C, ERR),
    (1, T, r"terugnemen|take back"),
    kinds=("article",),
)
ESC = r"begeleid|escort|convoy|begleit|escort"
q(
    "b09",
    "en",
    "escort officers uniform weapons",
    (3, H, r"begeleid|escort"),
    (3, C, r"(begeleiders|escorts?|escorting officers).{0,300}(uniform|wapen|weapon|arms)"),
    (2, C, r"uniform|wapens|weapons"),
    (1, T, ESC),
)
NONAFF = r"andere (verdragen|internationale)|other international|onverminderde toepasselijkheid|relation to other|vorrang|compliance with other|geen afbreuk aan .{0,200}(verdrag|genève|conventie|verplichtingen)|without prejudice to .{0,200}(convention|obligations|rights)|ne porte pas atteinte|bleiben unberührt|non.affection|verhouding .{0,30}(andere|tot)"
q(
    "b10",
    "en",
    "does the agreement affect obligations under the Geneva refugee convention and human rights treaties",
    (3, H, NONAFF),
    (3, C, NONAFF),
    (3, C, r"(genève|geneva|genf|vluchtelingen|refugees).{0,200}(1951|1967|verdrag|convention)"),
    (1, T, r"mensenrechten|human rights|europees verdrag tot bescherming"),
)
NATPROOF = r"bewijs|proof|evidence|bewijsmiddel|nationaliteit kan worden vastgesteld|vermoeden|presum|identiteit en nationaliteit|nationality (may|can|shall) be (established|proved)"
q(
    "b11",
    "en",
    "A Kazakh man without a passport is held in Belgium. Which documents can show that he is a national so he can be sent back?",
    (
        3,
        H,
        r"bewijs|proof|bewijsmiddelen met betrekking tot eigen|identiteit en nationaliteit|vaststelling van de identiteit",
    ),
    (
        3,
        C,
        r"nationaliteit kan (worden vastgesteld|aannemelijk)|nationality (may|can) be (established|proved|presumed)|(bewezen|aangetoond|proved) .{0,60}(paspoort|passport)",
    ),
    (2, H, r"^(overname|terugname) van eigen onderdanen|own nationals|eigen onderdanen"),
    (2, C, r"(nationalité|nationaliteit).{0,100}(établie|vastgesteld|présumée)"),
)
TL = r"termijn|time limit|délai|frist|binnen .{0,10}(dagen|uur)|within .{0,20}(days|hours)|dans un délai"
q(
    "b12",
    "en",
    "how quickly must the requested party reply to a readmission request",
    (3, H, r"^termijnen$|time limits|antwoord op het verzoek|response to the request|reply"),
    (
        3,
        C,
        r"(beantwoordt|antwoord|reply|answer|replies|respond).{0,200}(binnen|within|uiterlijk|onverwijld|without delay)",
    ),
    (1, T, r"(binnen|within) .{0,30}(dagen|days|uur|hours)"),
)
COST = r"kosten|costs|frais|kosten der|ten laste komende"
q(
    "b13",
    "en",
    "who pays the transport costs up to the border",
    (3, H, r"^(kosten|costs)|ten laste komende kosten"),
    (3, C, r"(kosten|costs|frais|kosten).{0,200}(grens|border|frontière|grenze)"),
    (
        2,
        C,
        r"(kosten|costs|frais) (van|of|de) (vervoer|transport|verwijdering|removal|overbrenging|doorgeleiding|transit)",
    ),
)
DATA = r"persoonsgegevens|personal data|gegevensbescherming|data protection|données|personenbezogene|datenschutz"
q(
    "b14",
    "en",
    "which personal data may be communicated about the returnee",
    (3, H, r"gegevensbescherming|data protection|persoonsgegevens|datenschutz"),
    (
        3,
        C,
        r"(persoonsgegevens|personal data|personenbezogene daten).{0,300}(uitsluitend|only|betreffen|concern|ausschließlich)",
    ),
    (1, T, DATA),
)
q(
    "b15",
    "en",
    "accelerated procedure for persons apprehended in the border region",
    (3, A, r"versnelde procedure|accelerated procedure|grensgebied|border region|border area"),
    (2, T, r"(aangehouden|apprehended|aangetroffen).{0,150}(grens|border)"),
)
TREF = r"(doorgeleiding|transit|doorreis|durchreise).{0,300}(geweigerd|weigeren|refused|refuse|verweigert|verweigern|weigering|kan worden afgewezen|be refused)|(weigeren|refuse|geweigerd|verweigert).{0,200}(doorgeleiding|transit|doorreis|durchreise)"
q(
    "b16",
    "en",
    "grounds for refusing a transit request",
    (3, H, TREF),
    (3, C, TREF),
    (1, H, r"doorgeleiding|transit|durchreise"),
)
q(
    "b17",
    "en",
    "transfer by air: is the requesting state bound to use the national carrier of the other party",
    (
        3,
        T,
        r"(luchtvaartmaatschappij|carrier|airline|luchtvervoer|by air|per vliegtuig).{0,300}(niet beperkt|not restricted|not limited|nationale|national)|(niet beperkt|not restricted|not be restricted).{0,200}(luchtvaart|carrier|airline)",
    ),
    (
        2,
        H,
        r"overdrachtmodaliteiten|transfer modalities|wijze van vervoer|form of transport|wijze van overdracht",
    ),
    (1, T, r"lucht|by air|air transport"),
)
q(
    "b18",
    "en",
    "refugees who entered the country unlawfully must not be penalised",
    (
        3,
        T,
        r"penalties, on account of their illegal entry|illegal entry or presence|unlawfully in the country of refuge",
    ),
    (1, T, r"illegal entry|unlawful(ly)? (entry|enter)"),
)
q(
    "b19",
    "en",
    "expulsion of a refugee lawfully in the territory",
    (3, H, r"^expulsion$"),
    (3, T, r"shall not expel a refugee lawfully"),
    (2, T, r"prohibition of expulsion or return|refouler|non.refoulement"),
    (1, T, r"expel|expulsion"),
)
q(
    "b20",
    "en",
    "when does a person cease to be a refugee",
    (3, T, r"shall cease to apply to any person|cease to be a refugee|ceased to exist"),
    (2, T, r"(definition of the term|term .refugee.) "),
    (1, T, r"no longer (be|a) refugee"),
)
q(
    "b21",
    "en",
    "recovery and reflection period for trafficking victims",
    (3, T, r"recovery and reflection period"),
    (2, T, r"residence permit.{0,200}victim|victim.{0,200}residence permit"),
    (1, H, r"assistance to victims|repatriation and return of victims"),
)
q(
    "b22",
    "en",
    "criminalising migrant smuggling",
    (3, H, r"criminali[sz]ation"),
    (2, T, r"establish as criminal offences"),
    (1, T, r"smuggling of migrants.{0,100}offence"),
)
q(
    "b23",
    "en",
    "transfer of responsibility for a refugee after two years' stay",
    (
        3,
        T,
        r"responsibility shall be considered to be transferred|transfer of responsibility shall be|period of two years",
    ),
    (2, T, r"responsibility for the issue of a travel document|transfer of responsibility"),
    (1, T, r"travel document.{0,100}refugee"),
)
q(
    "b24",
    "en",
    "purposes and functions of the International Organization for Migration",
    (3, T, r"purposes and functions of the organization|the purposes and functions"),
    (2, T, r"the organization shall"),
)
TERR = r"territoriale toepassing|territorial application|territoriaal|(europese deel|european part|europäische).{0,40}(nederland|netherlands)|aruba|nederlandse antillen|caraïbisch|caribbean|bonaire"
q(
    "b25",
    "en",
    "application to the Caribbean parts of the Netherlands and Aruba",
    (3, H, r"territori"),
    (
        3,
        C,
        r"aruba|antillen|antilles|caraïbisch|caribbean|bonaire|europese deel|european (part|territory) of the (kingdom of the )?netherlands",
    ),
    (1, T, r"territoire européen|europäisch"),
)
TERM = r"opzegging|opzeggen|opgezegd|denounc|denunciation|dénonc|kündig|termination of (this|the)|terminate (this|the)|beëindiging van (deze|de) (overeenkomst|protocol)|may terminate"
q(
    "b26",
    "en",
    "notice period for denouncing the agreement",
    (3, H, TERM),
    (3, C, TERM),
    (1, T, r"onbepaalde tijd|indefinite period|unbestimmte"),
)
q(
    "b27",
    "en",
    "joint committee of experts meetings",
    (3, H, r"deskundigen|experts|committee|comité|commissie"),
    (3, C, r"(comité|commissie|committee|vergadering) (van|of) (deskundigen|experts)"),
    (2, C, r"deskundigen|experts"),
    (1, T, r"overleg|consult"),
)
q(
    "b28",
    "en",
    "A Moldovan is returned by charter flight to Chisinau. How far in advance must Moldova be notified and what information goes in the notification?",
    (3, H, r"^overdracht|^transfer|overdrachtmodaliteiten|transfer modalities"),
    (
        3,
        C,
        r"(van tevoren|in advance|voorafgaand|vooraf|ten minste .{0,20}(dagen|uur|werkdagen)).{0,250}(overdracht|transfer|kennisgev|notif|in kennis)|(in kennis|notif|kennisgev|stellen).{0,250}(overdracht|transfer|overgave).{0,150}(dagen|uur|hours|days)",
    ),
    (1, T, r"(charter|vlucht|flight|vliegtuig|aircraft)"),
    (1, H, r"reisdocument|travel document"),
)
INTV = r"(gehoord|hoor|interview|consulair|consular|verhoor|auditie|entretien).{0,200}(nationaliteit|nationality|identit)|(nationaliteit|nationality).{0,200}(gehoord|interview|consula|verhoor|audition)"
q(
    "b29",
    "en",
    "interview by consular officer to establish nationality",
    (3, H, INTV),
    (3, C, INTV),
    (
        1,
        C,
        r"diplomatieke of consulaire vertegenwoordiging|diplomatic (or|and) consular (mission|representation)",
    ),
    (1, T, r"consula|konsular"),
)
TRAVEL = (
    r"reisdocument|travel document|laissez.passer|document de voyage|reiseausweis|reisedokument"
)
q(
    "b30",
    "en",
    "validity of the laissez-passer issued by the requested state",
    (3, H, r"reisdocument|travel document"),
    (
        3,
        C,
        r"(reisdocument|travel document|laissez.passer).{0,200}(geldig|valid|geldigheid|validity)",
    ),
    (1, T, TRAVEL),
)
q(
    "b31",
    "nl",
    "Welke autoriteiten zijn bevoegd voor het behandelen van overnameverzoeken?",
    (3, H, COMP),
    (
        3,
        C,
        r"(adressen|addresses|aanwijzen|designate|wijzen .{0,40}aan).{0,120}(bevoegd|competent)",
    ),
    (3, C, r"(bevoegd|competent|zuständig).{0,60}(voor het|for (the )?(submi|recei|dealing))"),
    (2, C, r"autorités? (compétentes?|chargées)|zuständigen stellen"),
)
q(
    "b32",
    "nl",
    "schorsing van de overeenkomst om redenen van openbare orde",
    (3, H, SUSP),
    (3, C, SUSP),
    (1, H, r"opzegging|denunciation|termination"),
)
q(
    "b33",
    "nl",
    "in welke taal communiceren de bevoegde instanties",
    (3, H, LANG),
    (
        3,
        C,
        r"(bezigen|gebruiken|use|communicate|correspond|communiceren).{0,80}(taal|language|talen)",
    ),
    (2, C, r"(in de|in the) (engelse|english|franse|duitse) taal"),
)
q(
    "b34",
    "nl",
    "bewijs van nationaliteit met een verlopen paspoort",
    (
        3,
        H,
        r"bewijs|proof|bewijsmiddelen met betrekking tot eigen|identiteit en nationaliteit|vaststelling van de identiteit",
    ),
    (
        3,
        C,
        r"nationaliteit kan (worden vastgesteld|aannemelijk)|nationality (may|can) be (established|proved|presumed)|(bewezen|aangetoond|proved) .{0,60}(paspoort|passport)|(verlopen|expired|geldigheid).{0,80}(paspoort|passport)|(paspoort|passport).{0,80}(verlopen|expired)",
    ),
    (2, H, r"own nationals|eigen onderdanen"),
    (2, C, r"(nationalité|nationaliteit).{0,100}(établie|vastgesteld|présumée)"),
)
q(
    "b35",
    "nl",
    "wie betaalt de kosten van doorgeleiding",
    (3, H, r"^(kosten|costs)|ten laste komende kosten"),
    (3, C, r"(kosten|costs|frais).{0,150}(doorgeleiding|transit|doorreis|durchreise)"),
    (2, C, r"(kosten|costs|frais).{0,200}(grens|border|frontière)"),
)
q(
    "b36",
    "nl",
    "wie geldt als onderdaan van een derde staat",
    (
        3,
        A,
        DEFS
        + r"|onder .{0,20}onderdaan van een derde|third.country national\W+(means|shall mean)|onderdaan van een derde (staat|land).{0,5}[:,]? ?(iedere|elke|een) persoon",
    ),
    (1, T, r"onderdaan van een derde|third.country national"),
)
q(
    "b37",
    "nl",
    "terugname van een persoon die ten onrechte is overgenomen",
    (3, H, ERR),
    (3, C, ERR),
    (1, T, r"terugnemen|take back"),
    kinds=("article",),
)
q(
    "b38",
    "nl",
    "grensovergangen waar de overdracht plaatsvindt",
    (3, H, r"grensovergang|border crossing|state border crossings|grensdoorlaatpost"),
    (
        3,
        C,
        r"(grensovergang|grensdoorlaatpost|border crossing|points de passage|plaatsen waar personen|luchthavens).{0,200}(overdracht|overgave|overgegeven|transfer|remise|overname)|(overnames|overdracht|remise).{0,120}(grensovergang|points de passage|luchthaven)",
    ),
    (1, T, r"grensovergang|border crossing point"),
)
q(
    "b39",
    "fr",
    "autorités compétentes pour les demandes de reprise",
    (3, H, COMP),
    (
        3,
        C,
        r"(adressen|addresses|aanwijzen|designate|wijzen .{0,40}aan).{0,120}(bevoegd|competent)",
    ),
    (3, C, r"(bevoegd|competent|zuständig).{0,60}(voor het|for (the )?(submi|recei|dealing))"),
    (2, C, r"autorités? (compétentes?|chargées)|zuständigen stellen"),
)
q(
    "b40",
    "fr",
    "délai de reprise d'une personne refoulée à la frontière",
    (3, H, r"^termijnen$|time limits"),
    (
        3,
        C,
        r"(délai|termijn|time limit|frist).{0,200}(reprise|reprendra|overname|terugname|readmission|overdracht|transfer)|(reprise|reprendra|overname|terugname|readmission).{0,200}(délai|termijn|time limit|binnen een termijn)",
    ),
    (1, T, r"(binnen|within|dans un délai de) .{0,30}(dagen|days|jours|uur|hours|heures)"),
)
q(
    "b41",
    "fr",
    "frais de transport de la personne éloignée jusqu'à la frontière",
    (3, H, r"^(kosten|costs)|ten laste komende kosten"),
    (3, C, r"(kosten|costs|frais|kosten).{0,200}(grens|border|frontière|grenze)"),
    (
        2,
        C,
        r"(kosten|costs|frais) (van|of|de) (vervoer|transport|verwijdering|removal|overbrenging|doorgeleiding|transit)",
    ),
)
q(
    "b42",
    "fr",
    "dénonciation de l'arrangement et préavis",
    (3, H, TERM),
    (3, C, TERM),
    (1, T, r"onbepaalde tijd|indefinite period|unbestimmte"),
)
q(
    "b43",
    "de",
    "Gründe für die Verweigerung der Durchreise",
    (3, H, TREF),
    (3, C, TREF),
    (1, H, r"doorgeleiding|transit|durchreise"),
)
q(
    "b44",
    "de",
    "Übermittlung personenbezogener Daten Datenschutz",
    (3, H, r"gegevensbescherming|data protection|persoonsgegevens|datenschutz"),
    (
        3,
        C,
        r"(persoonsgegevens|personal data|personenbezogene daten).{0,300}(uitsluitend|only|betreffen|concern|ausschließlich)",
    ),
    (1, T, DATA),
)
q(
    "b45",
    "de",
    "Kündigung und Suspendierung der Vereinbarung",
    (3, H, TERM + "|" + SUSP),
    (3, C, TERM + "|" + SUSP),
    (1, T, r"onbepaalde tijd|indefinite period|unbestimmte"),
)
q(
    "b46",
    "de",
    "Begleitung der rückzuführenden Person durch Beamte",
    (3, H, r"begeleid|escort|begleit"),
    (2, C, r"(begeleiders|escorts?|escorting officers|begleitbeamte|begeleid door)"),
    (1, T, ESC),
)
q(
    "b47",
    "de",
    "Geltungsbereich: Anwendung nur auf das europäische Gebiet der Niederlande",
    (3, H, r"territori"),
    (
        3,
        C,
        r"aruba|antillen|antilles|caraïbisch|caribbean|bonaire|europese deel|european (part|territory) of the (kingdom of the )?netherlands|europäische",
    ),
    (1, T, r"territoire européen"),
)
q(
    "b48",
    "en",
    "persons who must be taken back without formalities at the border",
    (3, T, r"sans formalités|zonder formaliteiten|without formalities|formlos"),
    (2, H, r"overname van eigen onderdanen|own nationals"),
)


def grade(u, rules):
    g = 0
    for rule in rules:
        gr, where, rx = rule[:3]
        hay = (
            u["h"]
            if where == "h"
            else (u["h"] if "h" in where else "")
            + " \n "
            + (u["t"] if ("t" in where or "T" in where) else "")
        )
        if re.search(rx, hay, re.I | re.S):
            if where == "t" and u["h"]:
                gr = min(gr, 2)
            g = max(g, gr)
    return g


out = []
for qq in Q:
    rel = []
    for u in units:
        if u["kind"] not in qq["kinds"]:
            continue
        g = grade(u, qq["rules"])
        if g:
            rel.append(dict(doc_id=u["doc"], eid=u["eid"], grade=g))
    out.append(
        dict(id=qq["id"], query=qq["query"], language=qq["language"], split="blind", relevant=rel)
    )
json.dump(out, open("/tmp/i15/judged.json", "w"), ensure_ascii=False)
for o in out:
    c = [sum(r["grade"] == g for r in o["relevant"]) for g in (3, 2, 1)]
    print(o["id"], c, o["query"][:60])

# Twin-language files get identical grades (tests/eval/README.md): max over the versions.
refs = {}
for d, ref in db.execute(
    "select doc_id, official_reference from documents where official_reference is not null and official_reference != ''"
):
    refs.setdefault(ref, []).append(d)
eids = {(u["doc"], u["eid"]) for u in units}
for o in out:
    grades = {(r["doc_id"], r["eid"]): r["grade"] for r in o["relevant"]}
    for docs in refs.values():
        if len(docs) < 2:
            continue
        for (d, e), g in list(grades.items()):
            if d in docs:
                for twin in docs:
                    if (twin, e) in eids and grades.get((twin, e), 0) < g:
                        grades[(twin, e)] = g
    o["relevant"] = [dict(doc_id=d, eid=e, grade=g) for (d, e), g in sorted(grades.items())]
with open("/tmp/i15/blind.jsonl", "w") as f:
    for o in out:
        f.write(json.dumps(o, ensure_ascii=False) + "\n")
print("twins", [v for v in refs.values() if len(v) > 1])
