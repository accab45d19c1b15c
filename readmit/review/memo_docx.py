"""The review as a Word memo a legal officer can send: a summary table first, then one section
per deviation (the changed wording with deletions struck through and insertions underlined,
the differing periods against the precedent range), the missing clause types and the added
articles with their nearest precedents. Precedents are cited in footnotes, as the draft export
cites its sources (the footnotes part of `readmit.drafting.export_docx`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Cm, RGBColor

from readmit.drafting.export_docx import _Footnotes as Footnotes
from readmit.drafting.export_docx import _plain as xml_safe
from readmit.review.model import AlignedArticle, NearestPrecedent, Review
from readmit.review.report import NO_PRECEDENT, against_name, summary_rows

SUMMARY_COLUMNS = ("Finding", "Proposal", "Against", "What")
SUMMARY_WIDTHS_CM = (2.5, 2.3, 2.3, 9.4)  # 16.5 cm: the text width of A4 and Letter
_DELETED = RGBColor(0xB0, 0x1C, 0x1C)
_INSERTED = RGBColor(0x1C, 0x4E, 0xB0)


def _precedent_note(precedent: NearestPrecedent) -> str:
    return (
        f"Source: {precedent.citation} ({precedent.eid}), {precedent.title} "
        f"({precedent.doc_id}, {precedent.language})"
    )


def _write_summary(document: DocxDocument, review: Review) -> None:
    document.add_heading("Summary", level=1)
    rows = summary_rows(review)
    if not rows:
        document.add_paragraph("No deviations found.")
        return
    table = document.add_table(rows=1, cols=len(SUMMARY_COLUMNS))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, SUMMARY_COLUMNS, strict=True):
        cell.text = title
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, key in zip(cells, ("finding", "proposal", "against", "what"), strict=True):
            cell.text = xml_safe(" ".join(row[key].split()))
    table.autofit = False
    for column, width in zip(table.columns, SUMMARY_WIDTHS_CM, strict=True):
        column.width = Cm(width)  # the grid LibreOffice lays out by
        for cell in column.cells:
            cell.width = Cm(width)


def _write_deviation(document: DocxDocument, review: Review, article: AlignedArticle) -> None:
    """The article's differing numbers (each period with its precedent range, the shortest and
    longest cited inline) and its wording changes."""
    cited = ", ".join(unit.citation for unit in article.against)
    document.add_heading(xml_safe(f"{article.proposal.citation} (against {cited})"), level=2)
    for limit in article.deviations:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(xml_safe(limit.describe(against_name(review))))
    for number in article.numbers:
        document.add_paragraph(
            xml_safe(
                f"{number.kind}: the proposal says {', '.join(number.proposal) or 'none'}, "
                f"{against_name(review)} says {', '.join(number.against) or 'none'}"
            ),
            style="List Bullet",
        )
    paragraph = document.add_paragraph()
    for segment in article.diff:
        if not segment.text:
            continue
        run = paragraph.add_run(xml_safe(segment.text))
        if segment.kind == "delete" and segment.text.strip():
            run.font.strike = True
            run.font.color.rgb = _DELETED
        elif segment.kind == "insert" and segment.text.strip():
            run.font.underline = True
            run.font.color.rgb = _INSERTED
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def build_memo(review: Review) -> DocxDocument:
    document = Document()
    properties = document.core_properties
    properties.title = xml_safe(f"Review of {review.proposal_name}")[:255]
    properties.subject = "Review of a proposal"
    properties.author = "Readmit"
    properties.created = datetime.now(UTC)
    footnotes = Footnotes(document)
    document.add_heading(xml_safe(f"Review of {review.proposal_name}"), level=0)
    document.add_paragraph(
        xml_safe(
            f"Against {against_name(review)}: {review.against_title} ({review.against_kind} "
            f"{review.against_id}). Periods are placed among those of "
            f"{review.precedent_documents} agreements in the corpus."
        )
    )
    for note in review.notes:
        document.add_paragraph(xml_safe(note), style="Intense Quote")
    _write_summary(document, review)
    deviations = [a for a in review.articles if a.against and a.changed]
    if deviations:
        document.add_heading("Deviations", level=1)
        for article in deviations:
            _write_deviation(document, review, article)
    if review.missing:
        document.add_heading("Missing from the proposal", level=1)
        for missing in review.missing:
            document.add_paragraph(
                xml_safe(
                    f"{missing.title} ({missing.clause_type}): {against_name(review)} has it "
                    f"in {missing.against.citation}."
                ),
                style="List Bullet",
            )
    if review.extra:
        document.add_heading("Added by the proposal", level=1)
        for extra in review.extra:
            types = ", ".join(extra.proposal.clause_types) or "no known clause type"
            document.add_heading(xml_safe(f"{extra.proposal.citation} ({types})"), level=2)
            document.add_paragraph(xml_safe(extra.proposal.text))
            if not extra.nearest:
                document.add_paragraph(
                    f"Has any agreement accepted this? {NO_PRECEDENT}.", style="List Bullet"
                )
            for precedent in extra.nearest:
                paragraph = document.add_paragraph(
                    xml_safe(f"{precedent.title}, {precedent.citation}"), style="List Bullet"
                )
                footnotes.add(paragraph, _precedent_note(precedent))
    return document


def write_memo(review: Review, path: Path) -> None:
    """Write the memo to `path` (through a temporary file: nothing half-written)."""
    partial = path.with_name(f".{path.name}.partial")
    build_memo(review).save(str(partial))
    partial.replace(path)
