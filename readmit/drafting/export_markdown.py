"""Markdown export of a draft: numbered articles in skeleton order, footnotes, the provenance."""

from __future__ import annotations

import re

from readmit.drafting.checks import draft_warnings
from readmit.drafting.export_text import (
    ExportArticle,
    ExportOptions,
    export_articles,
    export_parties,
    export_title,
    provenance_note,
)
from readmit.drafting.model import Draft
from readmit.drafting.paragraphs import article_label, source_document_label, split_paragraphs
from readmit.inert_text import inert_text

# Source text is data, not markup: escape what Markdown would interpret.
# "[Party A]" stays readable: brackets only become a link when followed by "(", "[" or ":".
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}<>#|!~]|\](?=[(\[:]))")
_LIST_START = re.compile(r"^(\s*)(\d+)([.)])")
_BULLET_START = re.compile(r"^(\s*)([-+−])(\s)")


def escape_markdown(text: str) -> str:
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # "1. ..." and "- ..." at the start of a paragraph would become lists with new numbers.
    escaped = _LIST_START.sub(r"\1\2\\\3", escaped)
    return _BULLET_START.sub(r"\1\\\2\3", escaped)


def _cell(text: str) -> str:
    return escape_markdown(" ".join(text.split())) or "—"


def export_markdown(draft: Draft, *, options: ExportOptions | None = None) -> str:
    """Numbered articles in skeleton order, each with a provenance footnote, then the table.

    Bilingual: each article's paragraphs are followed by its source wording in the other
    language as a quotation (Markdown has no two-column layout).
    """
    options = options or ExportOptions()
    lines: list[str] = [f"# {escape_markdown(export_title(draft, options))}", ""]
    parties = export_parties(draft, options)
    if parties:
        lines += [f"Parties: {escape_markdown(', '.join(parties))}", ""]
    rows: list[str] = []
    footnotes: list[str] = []
    for article in export_articles(draft, options):
        footnotes.append(f"[^{len(footnotes) + 1}]: {escape_markdown(provenance_note(article))}")
        reference = f"[^{len(footnotes)}]"
        label = article_label(article.number, article.heading)
        if label:
            lines += [f"## {escape_markdown(label)}{reference}", ""]
        paragraphs = split_paragraphs(article.text)
        for index, paragraph in enumerate(paragraphs):
            marker = reference if not label and index == len(paragraphs) - 1 else ""
            lines += [escape_markdown(paragraph) + marker, ""]
        if options.bilingual:
            lines += _other_language(article, options.other_language_code)
        if article.note:
            lines += [f"> *Drafter's note:* {escape_markdown(article.note)}", ""]
        for guidance in article.guidance_notes:
            # A drafting note citing the guidance, never part of the treaty text.
            lines += [f"> *Guidance note:* {escape_markdown(guidance)}", ""]
        source = article.provenance
        if source is None:
            rows.append(f"| {article.label} | — | — | — | — | {article.status} |")
        else:
            official = " ".join(p for p in (source.official_reference, source.source_url) if p)
            rows.append(
                f"| {article.label} | {_cell(source_document_label(source.title, source.doc_id))} "
                f"| {_cell(source.citation)} | {_cell(source.pages)} | {_cell(official)} "
                f"| {article.status} |"
            )
    if rows:
        lines += [
            "## Provenance",
            "",
            "| Article | Source document | Source article | Pages | Official reference | Status |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    warnings = draft_warnings(draft)
    if warnings:
        lines += ["## Points to check before circulating", ""]
        lines += [f"- *{escape_markdown(w.message)}*" for w in warnings] + [""]
    if footnotes:
        lines += [*footnotes, ""]
    # Nothing from a document may drive a terminal that shows the file (`cat`): no ESC, OSC,
    # BEL or NUL, no bidi overrides or invisible characters.
    return inert_text("\n".join(lines))


def _other_language(article: ExportArticle, language: str) -> list[str]:
    other = article.other_language
    if other is None:
        return [f"> *No {language.upper()} source wording.*", ""]
    cited = other.cited
    lines = [f"> *{escape_markdown(cited)} [{language.upper()}]*", ">"]
    for paragraph in split_paragraphs(other.text):
        lines += [f"> {escape_markdown(paragraph)}", ">"]
    return [*lines[:-1], ""]
