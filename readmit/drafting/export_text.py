"""What every export writes, before it is laid out: the draft's articles with their final text.

Both writers (Word and Markdown) take the same `ExportArticle`s, so the options below mean the
same in both:
- cross-references between drafted articles follow the draft's numbering (`crossrefs`);
- with `placeholders`, party names become "[Party A]"/"[Party B]" (in the title, headings,
  text and the other-language column), lettered by the draft's party names when it has them;
- with `other_language`, each article carries its source wording in that language version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from readmit.drafting.crossrefs import renumbered_texts
from readmit.drafting.model import ClauseStatus, Draft, Provenance, article_numbering
from readmit.drafting.paragraphs import source_document_label
from readmit.drafting.placeholders import neutralise


@dataclass(frozen=True)
class SourceWording:
    """A drafted article's source provision in another language version of its agreement."""

    language: str
    citation: str
    heading: str
    text: str

    @property
    def cited(self) -> str:
        """ "Artikel 7 — Termijnen": the citation, with the heading unless it already has it."""
        if not self.heading or self.heading in self.citation:
            return self.citation
        return f"{self.citation} — {self.heading}"


@dataclass(frozen=True)
class ExportOptions:
    """How a draft is exported (the same options for Word and Markdown)."""

    placeholders: bool = False
    author: str = ""
    # clause id → its source wording in the other language (a bilingual export when not empty)
    other_language: Mapping[str, SourceWording] = field(default_factory=dict)
    other_language_code: str = ""

    @property
    def bilingual(self) -> bool:
        return bool(self.other_language_code)


@dataclass(frozen=True)
class ExportArticle:
    clause_id: str
    number: int | None  # None: the preamble
    heading: str
    text: str
    note: str
    status: ClauseStatus
    provenance: Provenance | None
    other_language: SourceWording | None

    @property
    def label(self) -> str:
        """"Article 3" or "Preamble" (where the article stands in the draft)."""
        return f"Article {self.number}" if self.number is not None else "Preamble"


STATUS_WORDS: dict[str, str] = {
    "verbatim": "taken verbatim",
    "edited": "edited from the source",
    "drafted": "drafted (no source)",
}


def provenance_note(article: ExportArticle) -> str:
    """One sentence saying where an article comes from (a footnote, a table row)."""
    source = article.provenance
    if source is None:
        return "Drafted by the drafter; no source."
    pieces = [f"{source.citation}, {source_document_label(source.title, source.doc_id)}"]
    if source.pages:
        pieces.append(f"p. {source.pages}" if "–" not in source.pages else f"pp. {source.pages}")
    if source.official_reference:
        pieces.append(source.official_reference)
    if source.source_url:
        pieces.append(source.source_url)
    return f"Source: {', '.join(pieces)}; {STATUS_WORDS[article.status]}."


def export_title(draft: Draft, options: ExportOptions) -> str:
    return _neutral(draft.title, draft, options)


def export_parties(draft: Draft, options: ExportOptions) -> tuple[str, ...]:
    if not options.placeholders:
        return draft.party_names
    return tuple(neutralise(name, party_names=draft.party_names) for name in draft.party_names)


def export_articles(draft: Draft, options: ExportOptions) -> list[ExportArticle]:
    texts = renumbered_texts(draft)
    articles: list[ExportArticle] = []
    for number, clause in article_numbering(draft):
        other = options.other_language.get(clause.clause_id)
        if other is not None and options.placeholders:
            other = SourceWording(
                language=other.language,
                citation=other.citation,
                heading=_neutral(other.heading, draft, options),
                text=_neutral(other.text, draft, options),
            )
        articles.append(
            ExportArticle(
                clause_id=clause.clause_id,
                number=number,
                heading=_neutral(clause.heading.strip(), draft, options),
                text=_neutral(texts[clause.clause_id], draft, options),
                note=" ".join(clause.note.split()),
                status=clause.status,
                provenance=clause.provenance,
                other_language=other,
            )
        )
    return articles


def _neutral(text: str, draft: Draft, options: ExportOptions) -> str:
    if not options.placeholders or not text:
        return text
    return neutralise(text, party_names=draft.party_names or None)
