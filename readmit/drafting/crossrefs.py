"""Cross-references between the articles of a draft, renumbered to the draft's own numbering.

A clause taken from a treaty still cites its source's numbering: Article 7 of the
Kazakhstan agreement says "the request referred to in Article 6". When Article 6 of that same
agreement is also in the draft (say as Article 4), the reference must read "Article 4", and
must follow the article when it moves. References to articles that are not in the draft, and
references to other instruments ("Article 3 of the Convention"), are left exactly as written.

Which source article a reference points to: "Article 12 of the Agreement" (and its Dutch,
French and German forms) is the agreement's Article 12; "Article 5 of this Protocol" the
protocol's; an unqualified "Article 5" is in the same part (agreement or protocol) as the
clause that says it. The other language versions of a source share its numbering, so they
count as the same source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from readmit.drafting.model import Draft, DraftClause, article_numbering

# "Article 6", "Articles 6 and 7", "artikel 6", "l'article 6", "Artikel 6", "Art. 6".
_LIST = r"\d+(?:\s*(?:,|and|en|et|und|or|of|ou|oder)\s*\d+)*"
_REFERENCE = re.compile(
    r"\b(?P<word>Articles?|Art\.|artikelen|artikel|Artikel|articles?|Artikeln)"
    rf"(?P<space>\s+)(?P<numbers>{_LIST.replace('|of|', '|')})"
    # "Article 10(2)", "Article 10, paragraphs 1 and 2", "artikel 15, derde lid", then whose:
    # "artikel 7, lid (6), van deze Overeenkomst", "Article 7(5)", "artikel 7, lid 5":
    r"(?:(?:\(\d+\)|,\s*(?:paragraphs?|paragraphes?|alinéas?|Absatz|Absätze)\s+"
    rf"{_LIST.replace('|of|', '|')}|,\s*\w+\s+(?:lid|leden)|,\s*(?:lid|leden)\s*\(?\d+\)?)?"
    r",?\s+(?:of|van|de|du|des|dieses|der)\s+"
    r"(?:(?:the|this|that|present|de|het|dit|deze|la|le|présente|présent)\b\s*|l'\s*)*"
    r"(?P<instrument>[A-Za-zÀ-ÿ]+))?",
)
_NUMBER = re.compile(r"\d+")

_AGREEMENT_WORDS = {"agreement", "overeenkomst", "accord", "abkommens", "abkommen"}
_PROTOCOL_WORDS = {"protocol", "protocole", "protokolls", "protokoll", "uitvoeringsprotocol"}


def _source_key(clause: DraftClause, part: str) -> tuple[str, str] | None:
    provenance = clause.provenance
    if provenance is None:
        return None
    return _instrument(provenance.doc_id, provenance.official_reference), part


def _instrument(doc_id: str, official_reference: str | None) -> str:
    # Language versions share the official reference; without one, the doc id stands alone.
    return f"ref:{official_reference}" if official_reference else f"doc:{doc_id}"


def _clause_part(clause: DraftClause) -> str:
    provenance = clause.provenance
    if provenance is None:
        return ""
    return (
        "protocol"
        if provenance.part == "protocol" or "protocol" in provenance.eid
        else (provenance.part or "agreement")
    )


def draft_article_map(draft: Draft) -> dict[tuple[str, str, str], int]:
    """(source instrument, part, source article number) → article number in the draft."""
    mapping: dict[tuple[str, str, str], int] = {}
    for number, clause in article_numbering(draft):
        provenance = clause.provenance
        if number is None or provenance is None or not provenance.article:
            continue
        key = _source_key(clause, _clause_part(clause))
        if key is not None:
            mapping.setdefault((*key, provenance.article), number)
    return mapping


def renumber_references(clause: DraftClause, mapping: Mapping[tuple[str, str, str], int]) -> str:
    """The clause text with its references to other drafted articles renumbered."""
    provenance = clause.provenance
    if provenance is None or not mapping:
        return clause.text
    instrument = _instrument(provenance.doc_id, provenance.official_reference)
    own_part = _clause_part(clause)

    def rewrite(match: re.Match[str]) -> str:
        part = _referenced_part(match, own_part)
        if part is None:
            return match.group(0)  # another instrument ("of the Convention"): not ours

        def renumber(number: re.Match[str]) -> str:
            found = mapping.get((instrument, part, number.group(0)))
            return str(found) if found is not None else number.group(0)

        numbers = _NUMBER.sub(renumber, match.group("numbers"))
        start, end = match.span("numbers")
        whole = match.group(0)
        offset = match.start()
        return whole[: start - offset] + numbers + whole[end - offset :]

    return _REFERENCE.sub(rewrite, clause.text)


def renumbered_texts(draft: Draft) -> dict[str, str]:
    """clause id → text with cross-references following the draft's numbering."""
    mapping = draft_article_map(draft)
    return {clause.clause_id: renumber_references(clause, mapping) for clause in draft.clauses}


@dataclass(frozen=True)
class ReferenceWarning:
    """A cross-reference in a drafted article that the drafter must check: it points to a
    source article that is not in the draft, or to one the draft numbers differently."""

    clause_id: str
    article: int | None  # the drafted article's own number (None: the preamble)
    quoted: str  # the reference as the source wrote it, "artikel 7, lid (6), van deze ..."
    source_article: str  # the article number it cites in the source
    draft_article: int | None  # that article's number in the draft (None: not in the draft)

    def describe(self) -> str:
        where = f"Article {self.article}" if self.article is not None else "The preamble"
        if self.draft_article is None:
            return (
                f"{where} cites “{self.quoted}”: source article {self.source_article} is not "
                "in the draft"
            )
        return (
            f"{where} cites “{self.quoted}”: source article {self.source_article} is draft "
            f"Article {self.draft_article} (renumbered in the export; check the wording)"
        )


def reference_warnings(draft: Draft) -> list[ReferenceWarning]:
    """Every reference to an article of the clause's own source instrument (agreement or
    protocol) that points outside the draft or to a renumbered article, in draft order.
    References to other instruments ("Article 33 of the Refugee Convention") are not ours."""
    mapping = draft_article_map(draft)
    warnings: list[ReferenceWarning] = []
    for number, clause in article_numbering(draft):
        provenance = clause.provenance
        if provenance is None:
            continue
        instrument = _instrument(provenance.doc_id, provenance.official_reference)
        own_part = _clause_part(clause)
        for match in _REFERENCE.finditer(clause.text):
            part = _referenced_part(match, own_part)
            if part is None:
                continue
            for cited in _NUMBER.findall(match.group("numbers")):
                if part == own_part and cited == (provenance.article or ""):
                    continue  # the article citing itself ("this Article 7") is in the draft
                found = mapping.get((instrument, part, cited))
                if found is not None and str(found) == cited:
                    continue
                warnings.append(
                    ReferenceWarning(
                        clause_id=clause.clause_id,
                        article=number,
                        quoted=" ".join(match.group(0).split()),
                        source_article=cited,
                        draft_article=found,
                    )
                )
    return warnings


def _referenced_part(match: re.Match[str], own_part: str) -> str | None:
    """Which part of the clause's own instrument a reference points to (None: another one)."""
    target = (match.group("instrument") or "").lower()
    if not target:
        return own_part
    if target in _AGREEMENT_WORDS:
        return "agreement"
    if target in _PROTOCOL_WORDS:
        return "protocol"
    return None
