"""Split a clause text into paragraphs for export (shared by the Markdown and Word writers)."""

from __future__ import annotations

import re

# A line that starts a numbered paragraph or point: "1.", "(2)", "2).", "a)", "(b)", "−", "-", "•"
_NUMBERED_LINE = re.compile(r"^\s*(?:\(?\d+[a-z]?\)?\.?\s|\(?[a-z]\)\s|[−\-–•]\s)")
_BLANK_LINES = re.compile(r"\n\s*\n")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines; a numbered line also starts a new paragraph.

    Other line breaks inside a block are wrapping and become spaces.
    """
    paragraphs: list[str] = []
    for block in _BLANK_LINES.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        current: list[str] = []
        for line in block.split("\n"):
            stripped = line.strip()
            if not stripped:
                continue
            if current and _NUMBERED_LINE.match(line):
                paragraphs.append(" ".join(current))
                current = []
            current.append(stripped)
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


def article_label(number: int | None, heading: str) -> str:
    """ "Article 3 – Time limits", "Article 3", or the heading alone for the preamble."""
    if number is None:
        return heading
    return f"Article {number} – {heading}" if heading.strip() else f"Article {number}"


def source_document_label(title: str, doc_id: str) -> str:
    return f"{title} ({doc_id})" if title and title != doc_id else doc_id
