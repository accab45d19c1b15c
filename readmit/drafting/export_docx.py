"""Word (.docx) export of a draft, with python-docx.

Provenance goes into a table at the end of the document (columns: Article, Source document,
Source article, Pages, Official reference, Status), not into footnotes: python-docx 1.2 (the
installed version) has no footnote API (python-openxml/python-docx issue #1 is still open;
footnote support exists only in unmerged pull requests and forks). Footnotes would require
writing the footnotes part and its relationships as raw XML, which is fragile across Word and
LibreOffice; a table uses only the public API and opens identically in both.

Source text is written as plain runs, never interpreted as markup or fields; characters that
XML cannot hold (control characters from PDF extraction) are dropped.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

from readmit.drafting.model import Draft, article_numbering
from readmit.drafting.paragraphs import article_label, source_document_label, split_paragraphs

PROVENANCE_HEADING = "Provenance"
PROVENANCE_COLUMNS = (
    "Article",
    "Source document",
    "Source article",
    "Pages",
    "Official reference",
    "Status",
)

_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _plain(text: str) -> str:
    return _XML_INVALID.sub("", text)


def build_document(draft: Draft) -> DocxDocument:
    document = Document()
    document.core_properties.title = _plain(draft.title)[:255]
    document.add_paragraph(_plain(draft.title), style="Title")
    if draft.party_names:
        document.add_paragraph(_plain("Parties: " + ", ".join(draft.party_names)))

    rows: list[tuple[str, ...]] = []
    for number, clause in article_numbering(draft):
        label = article_label(number, clause.heading)
        if label:
            document.add_heading(_plain(label), level=2)
        for paragraph in split_paragraphs(clause.text):
            document.add_paragraph().add_run(_plain(paragraph))
        if clause.note.strip():
            note = document.add_paragraph()
            run = note.add_run(_plain("Drafter's note: " + " ".join(clause.note.split())))
            run.italic = True
        for guidance in clause.guidance:
            # A drafting note citing the guidance: italic, after the treaty text, never in it.
            excerpt = " ".join(guidance.excerpt.split())
            cited = guidance.citation + (f" — {excerpt}" if excerpt else "")
            run = document.add_paragraph().add_run(_plain("Guidance note: " + cited))
            run.italic = True
        article = f"Article {number}" if number is not None else "Preamble"
        source = clause.provenance
        if source is None:
            rows.append((article, "", "", "", "", clause.status))
        else:
            reference = " ".join(p for p in (source.official_reference, source.source_url) if p)
            rows.append(
                (
                    article,
                    source_document_label(source.title, source.doc_id),
                    source.citation,
                    source.pages,
                    reference,
                    clause.status,
                )
            )

    if rows:
        document.add_heading(PROVENANCE_HEADING, level=1)
        table = document.add_table(rows=1, cols=len(PROVENANCE_COLUMNS))
        table.style = "Table Grid"
        for cell, name in zip(table.rows[0].cells, PROVENANCE_COLUMNS, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(name)
            run.bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.paragraphs[0].add_run(_plain(value)).font.size = Pt(9)
    return document


def export_docx(draft: Draft, target: Path | str | BytesIO) -> None:
    """Write the draft as .docx to a path or a binary buffer (the app's download button)."""
    document = build_document(draft)
    if isinstance(target, BytesIO):
        document.save(target)
    else:
        document.save(str(target))
