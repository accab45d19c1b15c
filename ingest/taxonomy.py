"""The clause types ("slots") of a readmission agreement, with multilingual cue words.

Pure data. A slot is what an expert asks about across treaties ("the time limit for replying",
"refusal of transit"). Each slot carries:
- `description`: one English sentence, embedded to compare articles with the slot;
- `wording`: a typical phrase per language (en, nl, fr, de) as the treaties word it, embedded
  too so that the slot vector is multilingual;
- `heading_terms` / `body_terms`: keyword phrases per language for `ingest.slot_patterns`.

Keyword syntax (one phrase = space-separated tokens, compared lower-cased):
- `word` matches that token exactly; `word*` matches any token starting with `word` (Dutch and
  German compounds: `overnameverzoek*`); `*word` any token ending with it (`*frist`).
- heading terms are looked for in the article heading (strong evidence: the heading names the
  clause), body terms in the text (weaker: an article may mention a matter in passing).
All terms were collected from the corpus headings and texts (grep) and from the standard
EU/Benelux model agreement wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LANGUAGES = ("en", "nl", "fr", "de")
OTHER = "other"


@dataclass(frozen=True)
class Slot:
    """One clause type of the readmission taxonomy."""

    key: str
    title: str
    description: str
    wording: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    heading_terms: dict[str, tuple[str, ...]] = field(
        default_factory=dict, hash=False, compare=False
    )
    body_terms: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    # Time-limit slots and others whose body cue needs two hits to count (a single mention of
    # "costs" or "within 3 days" inside an unrelated article is common).
    body_hits_needed: int = 1


def _slot(
    key: str,
    title: str,
    description: str,
    *,
    wording: dict[str, str],
    heading: dict[str, tuple[str, ...]],
    body: dict[str, tuple[str, ...]] | None = None,
    body_hits_needed: int = 1,
) -> Slot:
    return Slot(
        key=key,
        title=title,
        description=description,
        wording=wording,
        heading_terms=heading,
        body_terms=body or {},
        body_hits_needed=body_hits_needed,
    )


SLOTS: tuple[Slot, ...] = (
    _slot(
        "definitions",
        "Definitions",
        "Definitions of the terms used in the agreement: Contracting Party, national, "
        "third-country national, stateless person, residence permit, visa, transit.",
        wording={
            "en": "For the purposes of this Agreement: 'third-country national' means any person",
            "nl": "In deze Overeenkomst wordt verstaan onder: onderdaan van een derde staat",
            "fr": "Aux fins du présent accord, on entend par ressortissant d'un pays tiers",
            "de": "Im Sinne dieses Abkommens bezeichnet der Ausdruck Drittstaatsangehöriger",
        },
        heading={
            "en": ("definition*",),
            "nl": ("definitie*", "begripsomschrijving*", "begripsbepaling*"),
            "fr": ("définition*",),
            "de": ("begriffsbestimmung*", "definition*"),
        },
        body={
            "en": ("for the purposes of this agreement", "shall mean", "means any person"),
            "nl": ("wordt verstaan onder", "in deze overeenkomst wordt verstaan"),
            "fr": ("on entend par", "aux fins du présent"),
            "de": ("im sinne dieses", "bezeichnet der ausdruck"),
        },
        body_hits_needed=1,
    ),
    _slot(
        "own-nationals",
        "Readmission of own nationals",
        "Each Party readmits, at the request of the other Party and without formalities, its "
        "own nationals who do not or no longer fulfil the conditions for entry or stay.",
        wording={
            "en": "The Requested Party shall readmit any person who does not fulfil the "
            "conditions for entry or stay, provided it is proved that he is a national",
            "nl": "Elke Overeenkomstsluitende Partij neemt op verzoek van de andere Partij en "
            "zonder formaliteiten de persoon over die de nationaliteit van die Partij bezit",
            "fr": "Le Gouvernement reprendra sur son territoire, sans formalités, ses "
            "ressortissants",
            "de": "Jede Vertragspartei übernimmt ihre eigenen Staatsangehörigen ohne Formalitäten",
        },
        heading={
            "en": (
                "own nationals",
                "readmission of nationals",
                "nationals of the parties",
                "nationals of the contracting",
            ),
            "nl": (
                "eigen onderdanen",
                "onderdanen van de overeenkomstsluitende",
                "onderdanen van de partijen",
                "verplichting tot terugname",
            ),
            "fr": ("propres ressortissants",),
            "de": ("eigener staatsangehöriger", "eigenen staatsangehörigen"),
        },
        body={
            "en": ("own nationals", "possesses the nationality", "is a national of"),
            "nl": (
                "eigen onderdanen",
                "nationaliteit bezit",
                "de nationaliteit van de aangezochte",
                "de nationaliteit bezit",
                "nationaliteit heeft",
                "onderdanen die",
                "staatsburgerschap van de aangezochte",
            ),
            "fr": (
                "ses ressortissants",
                "les ressortissants français",
                "les ressortissants d'un de",
            ),
            "de": ("eigenen staatsangehörigen", "staatsangehörigkeit besitzt"),
        },
        body_hits_needed=1,
    ),
    _slot(
        "third-country-nationals",
        "Readmission of third-country nationals and stateless persons",
        "The obligation to readmit third-country nationals and stateless persons who entered "
        "via the territory of the requested Party or hold its visa or residence permit.",
        wording={
            "en": "The Requested Party shall readmit any third-country national or stateless "
            "person who holds a valid visa or residence permit issued by the Requested Party",
            "nl": "Elke Overeenkomstsluitende Partij neemt op verzoek de onderdaan van een derde "
            "staat of staatloze over die via haar grondgebied is binnengekomen",
            "fr": "reprendra à la demande les personnes qui ne sont pas ressortissants d'un des "
            "pays parties, entrées irrégulièrement",
            "de": "übernimmt Drittstaatsangehörige und Staatenlose, die über ihr Hoheitsgebiet "
            "eingereist sind",
        },
        heading={
            "en": (
                "third state nationals",
                "third-country nationals",
                "third country nationals",
                "stateless persons",
            ),
            "nl": (
                "onderdanen van derde*",
                "onderdanen van een derde",
                "onderdaan van een derde",
                "staatloze*",
                "onregelmatige binnenkomst",
                "voor binnenkomst verantwoordelijke",
            ),
            "fr": ("ressortissants d'états tiers", "ressortissants de pays tiers", "apatrides"),
            "de": ("drittstaatsangehörig*", "staatenlos*"),
        },
        body={
            "en": (
                "third-country national",
                "third state national",
                "stateless person",
                "third-country nationals",
                "third state nationals",
                "stateless persons",
            ),
            "nl": (
                "onderdaan van een derde staat",
                "onderdanen van een derde staat",
                "onderdanen van derde staten",
                "onderdanen van derde landen",
                "staatloze*",
                "niet de nationaliteit",
            ),
            "fr": (
                "qui ne sont pas ressortissants",
                "ressortissants d'états tiers",
                "n'étant pas ressortissants",
            ),
            "de": ("drittstaatsangehörig*", "staatenlos*"),
        },
        body_hits_needed=3,
    ),
    _slot(
        "exceptions",
        "Exceptions to the readmission obligation",
        "Cases where the obligation to readmit does not apply or lapses: airside transit, "
        "visa or residence permit issued by the requesting Party, visa-free entry, refugees.",
        wording={
            "en": "The readmission obligation shall not apply if the third-country national "
            "was only in airside transit",
            "nl": "De verplichting tot overname bestaat niet ten aanzien van onderdanen van "
            "derde staten die ... ; de verplichting vervalt",
            "fr": "L'obligation de réadmission ne s'applique pas",
            "de": "Die Rückübernahmeverpflichtung besteht nicht gegenüber",
        },
        heading={
            "en": ("exception*",),
            "nl": ("uitzondering*", "verval van de verplichting"),
            "fr": ("exception*",),
            "de": ("ausnahme*",),
        },
        body={
            "en": (
                "obligation shall not apply",
                "does not apply to",
                "airside transit",
                "shall not apply if",
            ),
            "nl": (
                "verplichting tot overname bestaat niet",
                "de verplichting vervalt",
                "verplichting tot overname vervalt",
                "geldt niet voor",
                "bestaat niet ten aanzien",
                "vervalt indien",
            ),
            "fr": ("ne s'applique pas",),
            "de": ("besteht nicht",),
        },
        body_hits_needed=1,
    ),
    _slot(
        "family-members",
        "Family members",
        "Readmission of the spouse and minor children of a person being readmitted, whatever "
        "their nationality.",
        wording={
            "en": "minor unmarried children and spouses holding another nationality",
            "nl": "minderjarige ongehuwde kinderen en echtgenoten die een andere nationaliteit "
            "bezitten",
            "fr": "les enfants mineurs célibataires et les conjoints",
            "de": "minderjährige ledige Kinder und Ehegatten",
        },
        heading={
            "en": ("family member*",),
            "nl": ("gezinsleden", "familieleden"),
            "fr": ("membres de la famille",),
            "de": ("familienangehörig*",),
        },
        body={
            "en": ("minor unmarried children", "spouses", "minor children"),
            "nl": ("minderjarige*", "echtgeno*", "kinderen"),
            "fr": ("enfants mineurs", "conjoint*"),
            "de": ("minderjährig*", "ehegatt*", "kinder"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "readmission-application",
        "Readmission application and its content",
        "How a readmission request is submitted, in which form, and what information it must "
        "contain: personal data, means of proof, need for assistance or escort.",
        wording={
            "en": "The readmission application shall contain the following information: the "
            "particulars of the person concerned",
            "nl": "Het verzoek om overname bevat de volgende gegevens: de personalia van de "
            "betrokkene",
            "fr": "La demande de réadmission doit contenir les informations suivantes",
            "de": "Das Rückübernahmeersuchen muss folgende Angaben enthalten",
        },
        heading={
            "en": (
                "readmission application*",
                "readmission request*",
                "submission of the request",
                "submission of readmission",
                "request for readmission",
                "readmission procedure",
                "procedure for the readmission",
                "procedure for readmission",
                "submission and reply",
            ),
            "nl": (
                "verzoek",
                "overnameverzoek*",
                "terugnameverzoek*",
                "indiening*",
                "verzoek om overname",
                "verzoek om terug*",
                "verzoek tot overname",
                "overnameprocedure",
                "terugnameprocedure",
                "procedure voor de overname",
                "procedure voor de terugname",
                "procedure na het verzoek",
                "terug- en overnameprocedure",
                "overname- en doorgeleidingsprocedure",
            ),
            "fr": ("demande de réadmission", "demande de reprise"),
            "de": ("rückübernahmeersuchen", "rückübernahmeantrag"),
        },
        body={
            "en": (
                "readmission application",
                "readmission request",
                "request for readmission",
                "shall contain the following",
                "application shall contain",
            ),
            "nl": (
                "verzoek om overname",
                "verzoek om terugname",
                "verzoek om terug- of overname",
                "overnameverzoek*",
                "terugnameverzoek*",
                "het verzoek bevat",
                "bevat de volgende",
                "verzoek tot overname",
                "verzoek om terug*",
            ),
            "fr": ("à la demande des autorités", "demande de reprise", "la demande"),
            "de": ("rückübernahmeersuchen", "ersuchen"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "proof-of-nationality",
        "Proof of nationality",
        "Documents that prove or give prima facie evidence of the nationality of the person "
        "to be readmitted: passports, identity cards, other documents, statements.",
        wording={
            "en": "Nationality may be proved by valid passports or identity cards; prima facie "
            "evidence of nationality may be furnished by",
            "nl": "De nationaliteit kan worden aangetoond aan de hand van een geldig paspoort of "
            "identiteitskaart; de nationaliteit kan aannemelijk worden gemaakt",
            "fr": "La nationalité peut être prouvée au moyen de passeports ou cartes d'identité",
            "de": "Die Staatsangehörigkeit kann nachgewiesen oder glaubhaft gemacht werden",
        },
        heading={
            "en": (
                "proof of nationality",
                "evidence of nationality",
                "identity and nationality",
                "proof with regard to own",
                "establishment of nationality",
            ),
            "nl": (
                "bewijs van de nationaliteit",
                "bewijsmiddelen met betrekking tot eigen",
                "vaststelling van de identiteit",
                "identiteit en nationaliteit",
                "vermoeden van nationaliteit",
                "bewijs en vermoeden",
                "bewijsmiddelen met betrekking tot onderdanen van de",
            ),
            "fr": ("preuve de la nationalité",),
            "de": ("nachweis der staatsangehörigkeit",),
        },
        body={
            "en": (
                "proof of nationality",
                "prima facie evidence of nationality",
                "nationality may be",
                "passport*",
                "identity card*",
            ),
            "nl": (
                "nationaliteit kan worden aangetoond",
                "aannemelijk",
                "aangetoond",
                "paspoort*",
                "identiteitskaart*",
                "identiteitsbewijs*",
                "bewijs van nationaliteit",
                "nationaliteit vastgesteld",
                "vermoeden van nationaliteit",
                "vastgesteld of aannemelijk",
            ),
            "fr": ("preuve de la nationalité", "passeport*", "carte* d'identité"),
            "de": (
                "staatsangehörigkeit nachgewiesen",
                "glaubhaft*",
                "reisepass*",
                "personalausweis*",
            ),
        },
        body_hits_needed=3,
    ),
    _slot(
        "evidence-third-country",
        "Evidence for third-country nationals",
        "Means of proof or prima facie evidence of the conditions for readmitting third-country "
        "nationals and stateless persons: entry stamps, tickets, statements, visas, residence "
        "permits.",
        wording={
            "en": "Proof of the grounds for readmission of third-country nationals shall be "
            "furnished through visas, residence permits, entry stamps",
            "nl": "Bewijsmiddelen met betrekking tot onderdanen van een derde staat: "
            "inreisstempels, vervoersbewijzen, verklaringen",
            "fr": "La preuve de l'entrée irrégulière peut être apportée par",
            "de": "Nachweis der Einreise über das Hoheitsgebiet durch Einreisestempel",
        },
        heading={
            "en": (
                "proof with regard to third",
                "evidence with regard to third",
                "proof of the grounds",
            ),
            "nl": (
                "bewijsmiddelen met betrekking tot onderdanen van een derde",
                "bewijsmiddelen met betrekking tot onderdanen van derde",
            ),
            "fr": ("preuve de l'entrée",),
            "de": ("nachweis der einreise",),
        },
        body={
            "en": (
                "entry stamp*",
                "prima facie evidence",
                "proof of the grounds",
                "means of evidence",
                "tickets",
                "unlawful entry",
            ),
            "nl": (
                "inreisstempel*",
                "stempel*",
                "vervoersbewijs*",
                "bewijsmiddel*",
                "aannemelijk",
                "vermoeden",
                "verklaringen van",
            ),
            "fr": ("cachet*", "titres de transport", "preuve"),
            "de": ("einreisestempel*", "fahrschein*", "beweismittel*"),
        },
        body_hits_needed=3,
    ),
    _slot(
        "consular-interview",
        "Interview by consular officials",
        "Where nationality cannot be established from documents, the diplomatic or consular "
        "representation of the requested Party interviews the person.",
        wording={
            "en": "the diplomatic or consular mission of the Requested Party shall interview "
            "the person concerned",
            "nl": "de diplomatieke of consulaire vertegenwoordiging van de aangezochte Partij "
            "hoort de betrokkene",
            "fr": "un entretien avec la personne par les autorités consulaires",
            "de": "eine Befragung durch die konsularische Vertretung",
        },
        heading={
            "en": ("interview*",),
            "nl": ("interview*", "ondervraging*", "gehoor"),
            "fr": ("entretien*", "audition*"),
            "de": ("befragung*", "anhörung*"),
        },
        body={
            "en": ("interview*", "consular"),
            "nl": (
                "interview*",
                "ondervraging*",
                "ondervragen",
                "gehoord",
                "consulaire*",
                "horen van de betrokkene",
                "gesprek*",
            ),
            "fr": ("entretien*", "consulaire*"),
            "de": ("befragung*", "konsularisch*"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "time-limit-request",
        "Time limit for submitting a request",
        "The period within which a readmission request must be submitted after the authorities "
        "learn of the irregular stay.",
        wording={
            "en": "The readmission application must be submitted within a maximum of one year "
            "after the competent authority has gained knowledge",
            "nl": "Het verzoek om overname moet worden ingediend binnen een termijn van een jaar "
            "nadat de bevoegde autoriteit kennis heeft gekregen",
            "fr": "La demande doit être présentée dans un délai de six mois",
            "de": "Das Ersuchen ist innerhalb einer Frist von einem Jahr zu stellen",
        },
        heading={
            "en": (
                "submission of the request",
                "submission of readmission",
                "submission of the application",
            ),
            "nl": ("indiening van het verzoek", "indiening van terug*", "indiening van en"),
            "fr": ("présentation de la demande",),
            "de": ("stellung des ersuchens",),
        },
        body={
            "en": (
                "must be submitted within",
                "submitted within",
                "after the competent authority",
                "gained knowledge",
            ),
            "nl": (
                "ingediend binnen",
                "wordt ingediend",
                "kennis heeft gekregen",
                "kennis hebben gekregen",
                "moet worden ingediend",
                "dient te worden ingediend",
            ),
            "fr": ("présentée dans un délai",),
            "de": ("innerhalb einer frist von", "zu stellen"),
        },
        body_hits_needed=9,
    ),
    _slot(
        "time-limit-reply",
        "Time limit for replying to a request",
        "The period within which the requested Party must reply to a readmission request, "
        "extensions, and the consequence of not replying in time.",
        wording={
            "en": "The readmission application shall be replied to in writing within 12 "
            "calendar days",
            "nl": "Het verzoek om overname wordt binnen 15 dagen schriftelijk beantwoord",
            "fr": "Il est répondu à la demande dans un délai de",
            "de": "Das Ersuchen ist innerhalb von ... Tagen zu beantworten",
        },
        heading={
            "en": (
                "reply to",
                "response to the request",
                "response to readmission",
                "time limit*",
                "submission and reply",
                "replies to",
            ),
            "nl": ("antwoord op", "beantwoording", "termijn*", "procedure na het verzoek"),
            "fr": ("réponse à la demande", "délai*"),
            "de": ("beantwortung", "frist*"),
        },
        body={
            "en": ("replied to", "reply", "respond*", "shall answer", "answered", "response"),
            "nl": ("beantwoord*", "antwoord*", "wordt beantwoord", "reageert", "uitsluitsel"),
            "fr": ("répond*", "réponse"),
            "de": ("beantwort*", "antwort*"),
        },
        body_hits_needed=9,
    ),
    _slot(
        "time-limit-transfer",
        "Time limit for transfer after acceptance",
        "The period within which the person is transferred after the request has been "
        "accepted, and its extension in case of legal or practical obstacles.",
        wording={
            "en": "The person concerned shall be transferred within three months after the "
            "readmission request has been accepted",
            "nl": "De betrokkene wordt binnen drie maanden na instemming met het verzoek "
            "overgedragen",
            "fr": "La remise de la personne a lieu dans un délai de trois mois après l'acceptation",
            "de": "Die Überstellung erfolgt innerhalb von drei Monaten nach Zustimmung",
        },
        heading={
            "en": ("time limits",),
            "nl": ("termijnen",),
            "fr": ("délais",),
            "de": ("fristen",),
        },
        body={
            "en": (
                "transferred within",
                "after acceptance",
                "has been accepted",
                "agreement has been given",
                "legal or practical obstacles",
                "be transferred",
            ),
            "nl": (
                "overgedragen binnen",
                "wordt overgedragen",
                "na instemming",
                "na aanvaarding",
                "na inwilliging",
                "juridische of praktische",
                "overdracht",
                "overgenomen binnen",
            ),
            "fr": ("remise*", "après l'acceptation"),
            "de": ("überstellung*", "nach zustimmung"),
        },
        body_hits_needed=9,
    ),
    _slot(
        "transfer-modalities",
        "Transfer modalities",
        "How the transfer (handover) is carried out: prior notification of date, border "
        "crossing point and escorts, means of transport, handover report.",
        wording={
            "en": "Before a person is transferred, the requesting Party shall notify the "
            "requested Party of the date, the border crossing point and possible escorts",
            "nl": "Voorafgaand aan de overdracht stelt de verzoekende Partij de aangezochte "
            "Partij in kennis van de datum, de grensovergang en eventuele begeleiders",
            "fr": "Les personnes peuvent être remises aux autorités frontalières",
            "de": "Die Übergabe wird der ersuchten Vertragspartei vorher angekündigt",
        },
        heading={
            "en": ("transfer*", "handover"),
            "nl": ("overdracht*", "overgave", "wijze van vervoer"),
            "fr": ("remise",),
            "de": ("übergabe", "überstellung*"),
        },
        body={
            "en": (
                "intended transfer",
                "mode of transport",
                "before a person is transferred",
                "transfer form",
                "date of transfer",
                "transfer date",
            ),
            "nl": (
                "overdracht*",
                "overgave",
                "overgegeven",
                "wijze van vervoer",
                "voorgenomen overdracht",
                "proces-verbaal van overgave",
            ),
            "fr": ("remise*", "remises"),
            "de": ("übergabe", "überstellung*"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "travel-documents",
        "Travel documents / laissez-passer",
        "The requested Party issues the travel document (laissez-passer, emergency travel "
        "document) needed for the return, and its validity.",
        wording={
            "en": "The Requested Party shall issue the travel document required for the return "
            "of the person to be readmitted",
            "nl": "De aangezochte Partij verstrekt onverwijld het voor de terugkeer benodigde "
            "reisdocument (laissez-passer)",
            "fr": "délivre le document de voyage ou laissez-passer nécessaire au retour",
            "de": "stellt das für die Rückführung erforderliche Reisedokument aus",
        },
        heading={
            "en": ("travel document*", "laissez-passer"),
            "nl": ("reisdocument*", "laissez-passer", "reispapier*"),
            "fr": ("document* de voyage", "laissez-passer"),
            "de": ("reisedokument*", "reisepapier*", "passersatz*"),
        },
        body={
            "en": ("travel document*", "laissez-passer", "emergency travel"),
            "nl": ("reisdocument*", "laissez-passer", "reispapier*", "nooddocument*"),
            "fr": ("document* de voyage", "laissez-passer"),
            "de": ("reisedokument*", "reisepapier*", "passersatz*"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "readmission-in-error",
        "Readmission in error",
        "The requesting Party takes back a person readmitted by the requested Party if it is "
        "established later that the conditions were not met.",
        wording={
            "en": "The Requesting Party shall take back any person readmitted by the Requested "
            "Party if it is established that the requirements were not met",
            "nl": "De verzoekende Partij neemt de persoon terug indien achteraf blijkt dat niet "
            "aan de voorwaarden was voldaan",
            "fr": "reprendra la personne si l'on constate qu'elle ne remplissait pas les "
            "conditions",
            "de": "nimmt die Person zurück, wenn sich herausstellt, dass die Voraussetzungen "
            "nicht vorlagen",
        },
        heading={
            "en": ("in error", "erroneous*", "take back", "taking back", "re-admission by"),
            "nl": (
                "ten onrechte",
                "onterecht*",
                "overname door de verzoekende",
                "terugname door de verzoekende",
                "hernieuwde toelating",
            ),
            "fr": ("erreur", "reprise par"),
            "de": ("irrtümlich*", "rücknahme"),
        },
        body={
            "en": (
                "readmitted in error",
                "emerge from examination",
                "it is established that",
                "were not met",
                "later examination",
            ),
            "nl": (
                "ten onrechte overgenomen",
                "onterechte",
                "achteraf blijkt",
                "later onderzoek",
                "uit een onderzoek",
                "onder dezelfde voorwaarden terug",
                "weer op haar grondgebied terug",
                "weer op oostenrijks grondgebied terug",
            ),
            "fr": ("vérification complémentaire", "ne remplissait pas"),
            "de": ("irrtümlich übernommen", "wieder zurückzunehmen"),
        },
        body_hits_needed=1,
    ),
    _slot(
        "transit",
        "Transit and its refusal",
        "Transit of third-country nationals through the territory of the requested Party for "
        "removal to another State: request, conditions, grounds to refuse, support.",
        wording={
            "en": "The Contracting Parties shall allow the transit of third-country nationals "
            "if onward travel is assured; transit may be refused",
            "nl": "De Partijen staan de doorgeleiding van onderdanen van derde staten toe; de "
            "doorgeleiding kan worden geweigerd",
            "fr": "donner suite aux demandes visant au transit de ressortissants d'Etats tiers",
            "de": "gestatten die Durchreise; die Durchbeförderung kann abgelehnt werden",
        },
        heading={
            "en": ("transit*",),
            "nl": ("doorgeleiding*", "doorreis*"),
            "fr": ("transit",),
            "de": ("durchreise*", "durchbeförderung*", "durchlieferung*"),
        },
        body={
            "en": ("transit*",),
            "nl": ("doorgeleiding*", "doorreis*", "doorgeleid"),
            "fr": ("transit",),
            "de": ("durchreise*", "durchbeförderung*"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "escort",
        "Escort",
        "Escorts accompanying the person during readmission or transit: their powers, "
        "uniforms, weapons, documents and obligations.",
        wording={
            "en": "Escorts shall be assisted by the authorities of the Requested Party; they "
            "shall not carry weapons",
            "nl": "De begeleiders dragen geen wapens en geen uniform en volgen de aanwijzingen "
            "van de autoriteiten op",
            "fr": "les agents d'escorte",
            "de": "Die Begleitbeamten tragen keine Waffen",
        },
        heading={
            "en": ("escort*",),
            "nl": ("begeleid*",),
            "fr": ("escorte*",),
            "de": ("begleit*",),
        },
        body={
            "en": ("escort*",),
            "nl": ("begeleider*", "begeleiding", "onder begeleiding", "begeleid"),
            "fr": ("escorte*",),
            "de": ("begleitbeamt*", "begleitung", "begleitpersonal"),
        },
        body_hits_needed=3,
    ),
    _slot(
        "accelerated-procedure",
        "Airport / accelerated procedure",
        "An accelerated procedure for persons apprehended in the border area or at an airport "
        "shortly after irregular entry, with short time limits.",
        wording={
            "en": "Where a person has been apprehended in the border region, including airports, "
            "the accelerated procedure applies",
            "nl": "versnelde procedure voor personen die in de grensstreek of op een luchthaven "
            "worden aangehouden",
            "fr": "procédure accélérée pour les personnes interpellées dans la zone frontalière",
            "de": "beschleunigtes Verfahren für im Grenzgebiet aufgegriffene Personen",
        },
        heading={
            "en": ("accelerated procedure", "airport procedure"),
            "nl": ("versnelde procedure",),
            "fr": ("procédure accélérée",),
            "de": ("beschleunigtes verfahren",),
        },
        body={
            "en": (
                "accelerated procedure",
                "border region",
                "airport*",
                "border area",
                "apprehended",
            ),
            "nl": (
                "versnelde procedure",
                "grensstreek",
                "grensgebied",
                "luchthaven*",
                "aangehouden",
                "aanhouding",
            ),
            "fr": ("procédure accélérée", "zone frontalière", "aéroport*"),
            "de": ("beschleunigte*", "grenzgebiet", "flughafen*"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "costs",
        "Costs",
        "Which Party bears the costs of transport, transit and return up to the border or the "
        "final destination.",
        wording={
            "en": "All transport costs incurred in connection with readmission as far as the "
            "border shall be borne by the Requesting Party",
            "nl": "De kosten van vervoer tot aan de grens komen ten laste van de verzoekende "
            "Partij",
            "fr": "Les frais de transfert sont supportés par l'Etat",
            "de": "Die Kosten der Beförderung trägt die ersuchende Vertragspartei",
        },
        heading={
            "en": ("cost*",),
            "nl": ("kosten",),
            "fr": ("frais",),
            "de": ("kosten",),
        },
        body={
            "en": ("costs", "borne by", "expenses"),
            "nl": ("kosten", "ten laste van", "ten laste", "draagt"),
            "fr": ("frais", "supportés"),
            "de": ("kosten", "trägt"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "data-protection",
        "Data protection",
        "Which personal data may be communicated for readmission, to whom, for what purpose, "
        "and the safeguards: accuracy, deletion, information of the data subject.",
        wording={
            "en": "The communication of personal data shall only take place if necessary for "
            "the implementation of this Agreement",
            "nl": "Persoonsgegevens worden slechts verstrekt voor zover dat noodzakelijk is voor "
            "de uitvoering van deze Overeenkomst",
            "fr": "La communication de données à caractère personnel",
            "de": "Soweit personenbezogene Daten übermittelt werden",
        },
        heading={
            "en": ("data protection", "personal data", "protection of data"),
            "nl": ("gegevensbescherming", "persoonsgegevens", "bescherming van gegevens"),
            "fr": ("protection des données", "données à caractère personnel"),
            "de": ("datenschutz*",),
        },
        body={
            "en": ("personal data", "data subject"),
            "nl": ("persoonsgegevens", "verstrekte gegevens", "verwerking"),
            "fr": ("données à caractère personnel",),
            "de": ("personenbezogen*", "daten"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "non-affection",
        "Non-affection / relation to other obligations",
        "The agreement does not affect rights and obligations under other international "
        "agreements: Refugee Convention, human rights conventions, extradition treaties.",
        wording={
            "en": "This Agreement shall be without prejudice to the rights and obligations "
            "arising from the Convention relating to the Status of Refugees",
            "nl": "Deze Overeenkomst laat de verplichtingen uit hoofde van het Verdrag betreffende "
            "de status van vluchtelingen onverlet",
            "fr": "Les obligations résultant d'autres accords internationaux ne sont pas affectées",
            "de": "Die Verpflichtungen aus anderen Vereinbarungen bleiben unberührt",
        },
        heading={
            "en": (
                "other treaties",
                "other international obligations",
                "relation to other",
                "compliance with other",
                "non-affection",
                "without prejudice",
            ),
            "nl": (
                "andere verdragen",
                "andere internationale",
                "onverminderde",
                "onschendbaarheid van verdragen",
                "nakoming van andere",
                "voorrang van bilaterale",
            ),
            "fr": ("autres accords",),
            "de": ("vorrang*", "andere vereinbarungen", "unberührt"),
        },
        body={
            "en": (
                "without prejudice",
                "shall not affect",
                "not affect the",
                "status of refugees",
                "human rights",
            ),
            "nl": (
                "onverlet",
                "laat onverlet",
                "onverminderd",
                "doet geen afbreuk",
                "vluchtelingen",
                "laten onverlet",
                "niet aan de toepassing",
            ),
            "fr": ("ne sont pas affectées", "réfugiés", "sans préjudice"),
            "de": ("unberührt", "flüchtling*"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "implementing-protocol",
        "Implementing protocol",
        "The Parties conclude an implementing protocol laying down competent authorities, "
        "border crossing points, procedures, and its entry into force.",
        wording={
            "en": "The Parties shall draw up an implementing protocol which shall lay down the "
            "rules on the competent authorities",
            "nl": "De Partijen sluiten een uitvoeringsprotocol waarin worden geregeld",
            "fr": "Les Parties concluent un protocole d'application",
            "de": "Die Vertragsparteien schließen ein Durchführungsprotokoll",
        },
        heading={
            "en": (
                "implementing protocol*",
                "implementation of the agreement",
                "implementation and application",
            ),
            "nl": (
                "uitvoeringsprotocol*",
                "uitvoering van de overeenkomst",
                "uitvoering en toepassing",
            ),
            "fr": ("protocole d'application",),
            "de": ("durchführungsprotokoll*", "durchführung"),
        },
        body={
            "en": (
                "conclude an implementing protocol",
                "draw up an implementing protocol",
                "shall conclude an implementing",
            ),
            "nl": (
                "sluiten een uitvoeringsprotocol",
                "administratieve afspraken",
                "vastgelegd in een diplomatieke notawisseling",
                "stellen een uitvoeringsprotocol",
            ),
            "fr": ("concluent un protocole d'application",),
            "de": ("schließen ein durchführungsprotokoll",),
        },
        body_hits_needed=1,
    ),
    _slot(
        "competent-authorities",
        "Competent authorities and border crossing points",
        "The authorities competent for requests and transfers, and the border crossing points "
        "and airports used for readmission and transit.",
        wording={
            "en": "The competent authorities for the implementation of this Agreement are; the "
            "border crossing points are",
            "nl": "Bevoegde autoriteiten voor de uitvoering van de Overeenkomst zijn; "
            "grensovergangen zijn",
            "fr": "Les points de passage de la frontière affectés à la remise des personnes",
            "de": "Die zuständigen Stellen für die Entgegennahme von Ersuchen sind",
        },
        heading={
            "en": (
                "competent authorit*",
                "border crossing*",
                "state border crossings",
                "designation of",
            ),
            "nl": (
                "bevoegde autoriteiten",
                "bevoegde instanties",
                "grensovergang*",
                "grensoverschrijding",
                "grensposten",
                "grensdoorlaatposten",
                "staatsgrensoverschrijding",
                "aanwijzing*",
            ),
            "fr": ("autorités compétentes", "points de passage"),
            "de": ("zuständige stellen", "zuständige behörden", "grenzübergang*"),
        },
        body={
            "en": ("competent authorit*", "border crossing point*", "ministry", "airport*"),
            "nl": (
                "bevoegde autoriteit*",
                "bevoegde instantie*",
                "grensovergang*",
                "ministerie*",
                "grensdoorlaatpost*",
                "luchthaven*",
                "grenspost*",
            ),
            "fr": ("points de passage", "ministère*", "autorités compétentes"),
            "de": ("zuständigen stellen", "ministerium", "grenzübergang*", "abteilung"),
        },
        body_hits_needed=3,
    ),
    _slot(
        "language",
        "Language of communication",
        "The language used in communications between the competent authorities and for "
        "requests and forms.",
        wording={
            "en": "Communication between the competent authorities shall be in English",
            "nl": "De communicatie tussen de bevoegde autoriteiten vindt plaats in de Engelse taal",
            "fr": "Les communications se font en langue anglaise",
            "de": "Die Verständigung erfolgt in englischer Sprache",
        },
        heading={
            "en": ("language*",),
            "nl": (
                "taal",
                "talen",
                "werktalen",
                "taal en communicatie",
                "taal waarin wordt gecommuniceerd",
            ),
            "fr": ("langue*",),
            "de": ("sprache*",),
        },
        body={
            "en": ("english language", "in english", "language"),
            "nl": (
                "engelse taal",
                "in de engelse",
                "taal",
                "russische taal",
                "duitse taal",
                "franse taal",
            ),
            "fr": ("langue",),
            "de": ("sprache",),
        },
        body_hits_needed=2,
    ),
    _slot(
        "joint-committee",
        "Joint committee / expert meetings",
        "A committee of experts or meetings of experts that monitor the application of the "
        "agreement, exchange information and propose amendments.",
        wording={
            "en": "The Contracting Parties shall set up a committee of experts which shall "
            "monitor the application of this Agreement",
            "nl": "Er wordt een Comité van deskundigen ingesteld dat toeziet op de toepassing "
            "van deze Overeenkomst",
            "fr": "un comité d'experts est chargé de suivre l'application",
            "de": "Ein Sachverständigenausschuss überwacht die Anwendung",
        },
        heading={
            "en": (
                "committee",
                "meeting* of experts",
                "expert commission",
                "experts",
                "joint committee",
            ),
            "nl": (
                "comité*",
                "commissie van deskundigen",
                "vergadering van deskundigen",
                "deskundigen",
                "plicht tot overleg",
            ),
            "fr": ("comité*", "commission mixte"),
            "de": ("ausschuss*", "sachverständig*", "konsultationspflicht"),
        },
        body={
            "en": ("committee of experts", "expert committee", "meet", "experts"),
            "nl": ("comité van deskundigen", "deskundigen", "commissie", "overleg"),
            "fr": ("comité", "experts"),
            "de": ("sachverständig*", "ausschuss", "gesprächen", "konsultation*"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "disputes",
        "Settlement of disputes",
        "How disputes on the interpretation or application of the agreement are settled: "
        "consultations, joint committee, diplomatic channels.",
        wording={
            "en": "Any disputes arising from the interpretation or application of this Agreement "
            "shall be settled through diplomatic channels",
            "nl": "Geschillen over de uitlegging of toepassing van deze Overeenkomst worden langs "
            "diplomatieke weg beslecht",
            "fr": "Les différends relatifs à l'interprétation sont réglés par la voie diplomatique",
            "de": "Streitigkeiten werden auf diplomatischem Wege beigelegt",
        },
        heading={
            "en": ("dispute*",),
            "nl": ("geschil*",),
            "fr": ("différend*",),
            "de": ("streitigkeit*", "streitbeilegung"),
        },
        body={
            "en": ("dispute*", "settled through diplomatic", "diplomatic channels"),
            "nl": ("geschil*", "langs diplomatieke weg", "beslecht", "uitlegging"),
            "fr": ("différend*", "voie diplomatique"),
            "de": ("streitigkeit*", "diplomatischem wege", "einvernehmlich zu lösen"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "entry-into-force",
        "Entry into force",
        "When the agreement enters into force: after notification of completion of internal "
        "procedures, on a given day of a month; provisional application.",
        wording={
            "en": "This Agreement shall enter into force on the first day of the second month "
            "following the date of receipt of the last notification",
            "nl": "Deze Overeenkomst treedt in werking op de eerste dag van de tweede maand na "
            "de datum van ontvangst van de laatste kennisgeving",
            "fr": "Le présent Arrangement entrera en vigueur le trentième jour",
            "de": "Diese Vereinbarung tritt am 30. Tag nach ihrer Unterzeichnung in Kraft",
        },
        heading={
            "en": ("entry into force",),
            "nl": ("inwerkingtreding*",),
            "fr": ("entrée en vigueur",),
            "de": ("inkrafttreten",),
        },
        body={
            "en": ("enter into force", "entry into force", "provisionally"),
            "nl": (
                "treedt in werking",
                "treedt deze overeenkomst",
                "voorlopig toegepast",
                "inwerkingtreding",
            ),
            "fr": ("entrera en vigueur", "en vigueur"),
            "de": ("in kraft", "tritt", "vorläufig"),
        },
        body_hits_needed=2,
    ),
    _slot(
        "suspension",
        "Suspension",
        "A Party may temporarily suspend the agreement, wholly or partly, for reasons of "
        "security, public order or public health, by notification.",
        wording={
            "en": "Each Party may suspend this Agreement for reasons of security, public order "
            "or public health",
            "nl": "Elke Partij kan de toepassing van deze Overeenkomst om redenen van openbare "
            "orde, veiligheid of volksgezondheid schorsen",
            "fr": "Chaque Partie peut suspendre l'application pour des raisons d'ordre public",
            "de": "Jede Vertragspartei kann die Anwendung dieser Vereinbarung suspendieren",
        },
        heading={
            "en": ("suspension",),
            "nl": ("schorsing*", "opschorting*"),
            "fr": ("suspension",),
            "de": ("suspendierung*", "aussetzung"),
        },
        body={
            "en": ("suspend*",),
            "nl": ("schorsen", "geschorst", "opschorten", "schorsing", "opgeschort"),
            "fr": ("suspendre", "suspension"),
            "de": ("suspendier*", "aussetzen"),
        },
        body_hits_needed=1,
    ),
    _slot(
        "termination",
        "Termination and duration",
        "The duration of the agreement and how a Party may terminate (denounce) it by "
        "notification, and when termination takes effect.",
        wording={
            "en": "This Agreement is concluded for an indefinite period; each Party may "
            "terminate it by written notification",
            "nl": "Deze Overeenkomst wordt voor onbepaalde tijd gesloten; elke Partij kan haar "
            "opzeggen",
            "fr": "Le présent Arrangement aura une durée de validité de cinq ans; il pourra "
            "être dénoncé",
            "de": "Jede Vertragspartei kann diese Vereinbarung kündigen",
        },
        heading={
            "en": ("termination", "denouncement", "denunciation", "duration"),
            "nl": ("opzegging*", "beëindiging*", "geldigheidsduur", "tijdsduur", "duur"),
            "fr": ("dénonciation", "durée"),
            "de": ("kündigung*", "geltungsdauer"),
        },
        body={
            "en": ("terminate*", "denounce*", "indefinite period", "termination"),
            "nl": ("opzeggen", "opgezegd", "opzegging", "onbepaalde tijd", "beëindig*"),
            "fr": ("dénoncé*", "dénonciation", "durée de validité", "tacite reconduction"),
            "de": ("kündig*", "unbestimmte zeit"),
        },
        body_hits_needed=1,
    ),
    _slot(
        "territorial-application",
        "Territorial application",
        "To which territories the agreement applies: for the Netherlands, the European part "
        "only, or extension to Aruba, Curaçao, Sint Maarten or the Caribbean part.",
        wording={
            "en": "As regards the Kingdom of the Netherlands, this Agreement shall apply only "
            "to the territory in Europe",
            "nl": "Wat het Koninkrijk der Nederlanden betreft, is deze Overeenkomst alleen van "
            "toepassing op het grondgebied in Europa",
            "fr": "En ce qui concerne le Royaume des Pays-Bas, le présent accord s'applique au "
            "territoire européen",
            "de": "Für das Königreich der Niederlande gilt diese Vereinbarung nur für den "
            "europäischen Teil",
        },
        heading={
            "en": ("territorial application",),
            "nl": ("territoriale toepassing", "toepassingsgebied"),
            "fr": ("application territoriale",),
            "de": ("räumlicher geltungsbereich",),
        },
        body={
            "en": ("territory in europe", "european part", "aruba", "caribbean", "antilles"),
            "nl": ("in europa", "europese deel", "aruba", "curaçao", "antillen", "caribische"),
            "fr": ("territoire européen", "aruba", "antilles"),
            "de": ("europäischen teil", "aruba", "antillen"),
        },
        body_hits_needed=1,
    ),
    _slot(
        OTHER,
        "Other",
        "Any other provision: preamble, depositary, amendments, annexes, signatures, "
        "liability for damage, accession of other States.",
        wording={
            "en": "The Government of the Kingdom of Belgium shall act as depositary",
            "nl": "De Regering van het Koninkrijk België is depositaris",
            "fr": "En foi de quoi les soussignés ont signé le présent Arrangement",
            "de": "Zu Urkund dessen haben die Unterzeichneten diese Vereinbarung unterschrieben",
        },
        heading={},
    ),
)

_BY_KEY: dict[str, Slot] = {slot.key: slot for slot in SLOTS}


class UnknownSlotError(ValueError):
    """A slot key that is not part of the taxonomy."""

    def __init__(self, key: str) -> None:
        super().__init__(f"unknown slot {key!r}; expected one of: {', '.join(_BY_KEY)}")
        self.key = key


def slot_keys() -> tuple[str, ...]:
    """Every slot key in taxonomy order ("other" last)."""
    return tuple(_BY_KEY)


def get_slot(key: str) -> Slot:
    try:
        return _BY_KEY[key]
    except KeyError:
        raise UnknownSlotError(key) from None


def slot_text_variants(slot: Slot) -> tuple[str, ...]:
    """The texts whose embeddings average to the slot vector: title + description, then the
    typical wording in each language (so that Dutch articles are near Dutch wording)."""
    return (
        f"{slot.title}. {slot.description}",
        *(slot.wording[lang] for lang in LANGUAGES if lang in slot.wording),
    )
