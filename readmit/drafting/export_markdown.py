"""Markdown export of a draft: numbered articles in skeleton order, then the provenance."""

from __future__ import annotations

import re

from readmit.drafting.model import Draft, article_numbering
from readmit.drafting.paragraphs import article_label, source_document_label, split_paragraphs

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


def export_markdown(draft: Draft) -> str:
    lines: list[str] = [f"# {escape_markdown(draft.title)}", ""]
    if draft.party_names:
        lines += [f"Parties: {escape_markdown(', '.join(draft.party_names))}", ""]
    rows: list[str] = []
    for number, clause in article_numbering(draft):
        label = article_label(number, clause.heading)
        if label:
            lines += [f"## {escape_markdown(label)}", ""]
        for paragraph in split_paragraphs(clause.text):
            lines += [escape_markdown(paragraph), ""]
        if clause.note.strip():
            lines += [f"> *Drafter's note:* {escape_markdown(' '.join(clause.note.split()))}", ""]
        for guidance in clause.guidance:
            # A drafting note citing the guidance, never part of the treaty text.
            excerpt = " ".join(guidance.excerpt.split())
            excerpt = f" — {escape_markdown(excerpt)}" if excerpt else ""
            lines += [
                f"> *Guidance note:* {escape_markdown(guidance.citation)}{excerpt}",
                "",
            ]
        article = f"Article {number}" if number is not None else "Preamble"
        source = clause.provenance
        if source is None:
            rows.append(f"| {article} | — | — | — | — | {clause.status} |")
        else:
            reference = source.official_reference or ""
            if source.source_url:
                reference = f"{reference} {source.source_url}".strip()
            rows.append(
                f"| {article} | {_cell(source_document_label(source.title, source.doc_id))} "
                f"| {_cell(source.citation)} | {_cell(source.pages)} | {_cell(reference)} "
                f"| {clause.status} |"
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
    return "\n".join(lines)
