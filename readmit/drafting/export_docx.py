"""Word (.docx) export of a draft, with python-docx.

What a legal officer expects of a Word file, and how each is done:
- Articles and their paragraphs are numbered by Word itself (a multi-level list: "Article 1",
  then "1.", "2." restarting in each article), so an article inserted or moved in Word
  renumbers. Source paragraph numbers are dropped only when they run 1, 2, 3… in order; any
  other numbering is kept as written text.
- Each article's provenance is a footnote on its heading, and the provenance table at the end
  repeats all of them. python-docx 1.2 has no footnote API (python-openxml/python-docx issue
  #1) and no maintained library on PyPI adds one, so the footnotes part is written as the
  documented OOXML part (ECMA-376 Part 1, §17.11) through python-docx's own OPC package API:
  a `/word/footnotes.xml` part related to the document, the two separator footnotes Word
  expects, and the "Footnote Text"/"Footnote Reference" styles. Word and LibreOffice read it.
- Headings: Title for the title, Heading 1 for every article, the preamble and Provenance.
- Core properties: title, author, subject, created/modified from the draft (not python-docx's
  template defaults).
- A bilingual export lays each article beside its source wording in the other language in a
  two-column table.

Source text is written as plain runs, never interpreted as markup or fields; characters that
XML cannot hold (control characters from PDF extraction) are dropped.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph

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
from readmit.drafting.paragraphs import source_document_label, split_paragraphs
from readmit.inert_text import without_display_tricks

PROVENANCE_HEADING = "Provenance"
CHECKS_HEADING = "Points to check before circulating"
PROVENANCE_COLUMNS = (
    "Article",
    "Source document",
    "Source article",
    "Pages",
    "Official reference",
    "Status",
)
# Column widths (cm; 16.5 fits the text width of A4 and Letter): the document title gets the
# room, so that no word is broken across lines ("documen-t", "Implementin-g").
PROVENANCE_WIDTHS_CM = (1.8, 5.4, 2.0, 1.6, 3.6, 1.9)
ARTICLE_LEVEL = 0
PARAGRAPH_LEVEL = 1
# An id far above the template's own lists, so that ours never collides with them.
ARTICLE_LIST_ID = 90

_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PARAGRAPH_NUMBER = re.compile(r"^(\d+)\.\s+")
_POINT = re.compile(r"^\s*(?:\(?[a-z]{1,4}\)|[−\-–•])\s")


def _plain(text: str) -> str:
    return _XML_INVALID.sub("", without_display_tricks(text))


# ---- numbering -------------------------------------------------------------------------------


def _add_article_list(document: DocxDocument) -> int:
    """A multi-level list: level 0 "Article N" (headings), level 1 "N." (paragraphs)."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="{ARTICLE_LIST_ID}">
          <w:multiLevelType w:val="multilevel"/>
          <w:lvl w:ilvl="0">
            <w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Article %1"/>
            <w:lvlJc w:val="left"/><w:suff w:val="nothing"/>
            <w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr>
          </w:lvl>
          <w:lvl w:ilvl="1">
            <w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/>
            <w:lvlJc w:val="left"/><w:suff w:val="tab"/>
            <w:pPr><w:tabs><w:tab w:val="num" w:pos="567"/></w:tabs>
            <w:ind w:left="567" w:hanging="567"/></w:pPr>
          </w:lvl>
        </w:abstractNum>"""
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{ARTICLE_LIST_ID}">'
            f'<w:abstractNumId w:val="{ARTICLE_LIST_ID}"/></w:num>'
        )
    )
    return ARTICLE_LIST_ID


def _number(paragraph: Paragraph, list_id: int, level: int) -> None:
    properties = paragraph._p.get_or_add_pPr()
    num_pr = properties.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = list_id


def _numbered_paragraphs(paragraphs: list[str]) -> list[tuple[bool, str]]:
    """(numbered by Word?, text): source numbers 1., 2., 3… in order become Word numbering."""
    numbers = [m.group(1) for p in paragraphs if (m := _PARAGRAPH_NUMBER.match(p))]
    if not numbers or numbers != [str(n) for n in range(1, len(numbers) + 1)]:
        return [(False, p) for p in paragraphs]
    return [
        (True, _PARAGRAPH_NUMBER.sub("", p, count=1)) if _PARAGRAPH_NUMBER.match(p) else (False, p)
        for p in paragraphs
    ]


# ---- footnotes -------------------------------------------------------------------------------


class _Footnotes:
    """The footnotes part: created on first use, one footnote per `add` call."""

    def __init__(self, document: DocxDocument) -> None:
        self._document = document
        self._element = parse_xml(
            f"""<w:footnotes {nsdecls("w")}>
              <w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>
                <w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
                <w:r><w:separator/></w:r></w:p></w:footnote>
              <w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>
                <w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
                <w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
            </w:footnotes>"""
        )
        part = XmlPart(
            PackURI("/word/footnotes.xml"),
            CT.WML_FOOTNOTES,
            self._element,
            document.part.package,
        )
        document.part.relate_to(part, RT.FOOTNOTES)
        self._declare_in_settings()
        self._add_styles()
        self._next_id = 1

    def _declare_in_settings(self) -> None:
        settings = self._document.settings.element
        declaration = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/>'
            "</w:footnotePr>"
        )
        # Schema order: footnotePr comes before compat (ECMA-376 §17.15.1.78).
        anchor = settings.find(qn("w:compat"))
        if anchor is None:
            settings.append(declaration)
        else:
            anchor.addprevious(declaration)

    def _add_styles(self) -> None:
        styles = self._document.styles
        names = {style.name for style in styles}
        if "Footnote Text" not in names:
            text = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
            text.base_style = styles["Normal"]
            text.font.size = Pt(9)
            text.paragraph_format.space_after = Pt(0)
        if "Footnote Reference" not in names:
            reference = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
            reference.font.superscript = True

    def add(self, paragraph: Paragraph, text: str) -> int:
        """A footnote with `text`, referenced at the end of `paragraph`."""
        footnote_id = self._next_id
        self._next_id += 1
        footnote = OxmlElement("w:footnote")
        footnote.set(qn("w:id"), str(footnote_id))
        body = OxmlElement("w:p")
        body.append(parse_xml(f'<w:pPr {nsdecls("w")}><w:pStyle w:val="FootnoteText"/></w:pPr>'))
        body.append(
            parse_xml(
                f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                "<w:footnoteRef/></w:r>"
            )
        )
        run = OxmlElement("w:r")
        text_element = OxmlElement("w:t")
        text_element.set(qn("xml:space"), "preserve")
        text_element.text = " " + _plain(text)
        run.append(text_element)
        body.append(run)
        footnote.append(body)
        self._element.append(footnote)
        paragraph._p.append(
            parse_xml(
                f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                f'<w:footnoteReference w:id="{footnote_id}"/></w:r>'
            )
        )
        return footnote_id


# ---- document --------------------------------------------------------------------------------


def _set_properties(document: DocxDocument, draft: Draft, title: str, author: str) -> None:
    properties = document.core_properties
    properties.title = _plain(title)[:255]
    properties.author = _plain(author)[:255]
    properties.last_modified_by = _plain(author)[:255]
    properties.subject = "Model readmission agreement"
    properties.comments = f"Exported from Readmit draft {draft.draft_id}"
    properties.keywords = "readmission; draft"
    properties.revision = 1
    properties.created = datetime.fromisoformat(draft.created_at)
    properties.modified = datetime.fromisoformat(draft.updated_at)


def _write_body(
    container: DocxDocument | _Cell, article: ExportArticle, list_id: int | None, text: str
) -> None:
    """The article's paragraphs (Word-numbered when `list_id` is given)."""
    paragraphs = split_paragraphs(text)
    numbered = (
        _numbered_paragraphs(paragraphs)
        if list_id is not None
        else [(False, p) for p in paragraphs]
    )
    for is_numbered, body in numbered:
        paragraph = container.add_paragraph()
        paragraph.add_run(_plain(body))
        if is_numbered and list_id is not None:
            _number(paragraph, list_id, PARAGRAPH_LEVEL)
        elif _POINT.match(body) and list_id is not None:
            paragraph.paragraph_format.left_indent = Pt(56)


def _article_heading(document: DocxDocument, article: ExportArticle, list_id: int) -> Paragraph:
    """ "Article N" (Word's number) with the heading on the line below, as treaties print it."""
    heading: Paragraph = document.add_heading(level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if article.number is not None:
        _number(heading, list_id, ARTICLE_LEVEL)
        if article.heading:
            heading.add_run().add_break(WD_BREAK.LINE)
    if article.heading:
        heading.add_run(_plain(article.heading))
    elif article.number is None:
        heading.add_run("Preamble")
    return heading


def build_document(draft: Draft, options: ExportOptions | None = None) -> DocxDocument:
    options = options or ExportOptions()
    document = Document()
    title = export_title(draft, options)
    _set_properties(document, draft, title, options.author)
    list_id = _add_article_list(document)
    footnotes = _Footnotes(document)

    document.add_paragraph(_plain(title), style="Title")
    parties = export_parties(draft, options)
    if parties:
        document.add_paragraph(_plain("Parties: " + ", ".join(parties)))

    articles = export_articles(draft, options)
    for article in articles:
        if article.number is None and not article.heading and not options.bilingual:
            # An untitled preamble: its paragraphs, then its footnote on the last of them.
            _write_body(document, article, None, article.text)
            if document.paragraphs:
                footnotes.add(document.paragraphs[-1], provenance_note(article))
            _write_note(document, article)
            continue
        heading = _article_heading(document, article, list_id)
        footnotes.add(heading, provenance_note(article))
        if options.bilingual:
            _write_bilingual(document, article, options.other_language_code)
        else:
            _write_body(document, article, list_id, article.text)
        _write_note(document, article)

    if articles:
        _write_provenance_table(document, articles)
    _write_points_to_check(document, draft)
    return document


def _write_points_to_check(document: DocxDocument, draft: Draft) -> None:
    """Cross-references outside the draft, mixed languages: drafting notes after the text."""
    warnings = draft_warnings(draft)
    if not warnings:
        return
    document.add_heading(CHECKS_HEADING, level=1)
    for warning in warnings:
        document.add_paragraph(style="List Bullet").add_run(_plain(warning.message)).italic = True


def _table_row_properties(row: _Row, *, header: bool, keep_with_next: bool) -> None:
    """A row never splits across pages; the header row repeats on every page; `keep_with_next`
    ties the row to the next one, so the last row is never alone on a page."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = keep_with_next


def _write_note(document: DocxDocument, article: ExportArticle) -> None:
    if article.note:
        note = document.add_paragraph()
        run = note.add_run(_plain("Drafter's note: " + article.note))
        run.italic = True
    for guidance in article.guidance_notes:
        # A drafting note citing the guidance: italic, after the treaty text, never in it.
        run = document.add_paragraph().add_run(_plain("Guidance note: " + guidance))
        run.italic = True


def _write_bilingual(document: DocxDocument, article: ExportArticle, language: str) -> None:
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    left, right = table.rows[0].cells
    source_language = article.provenance.language if article.provenance else ""
    left.paragraphs[0].add_run(
        f"Draft ({source_language.upper()})" if source_language else "Draft"
    ).bold = True
    right.paragraphs[0].add_run(f"Source wording ({language.upper()})").bold = True
    cells = table.add_row().cells
    _write_body(cells[0], article, None, article.text)
    other = article.other_language
    if other is None:
        reason = (
            "Drafted; no source."
            if article.provenance is None
            else f"No {language.upper()} version of this source is indexed."
        )
        cells[1].add_paragraph().add_run(reason).italic = True
        return
    cited = cells[1].add_paragraph()
    cited.add_run(_plain(other.cited)).italic = True
    _write_body(cells[1], article, None, other.text)
    for cell in cells:
        if not cell.paragraphs[0].text:
            cell._tc.remove(cell.paragraphs[0]._p)


def _write_provenance_table(document: DocxDocument, articles: list[ExportArticle]) -> None:
    document.add_heading(PROVENANCE_HEADING, level=1)
    table = document.add_table(rows=1, cols=len(PROVENANCE_COLUMNS))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, PROVENANCE_COLUMNS, strict=True):
        cell.text = ""
        header = cell.paragraphs[0].add_run(name)
        header.bold = True
        header.font.size = Pt(9)
    for article in articles:
        source = article.provenance
        if source is None:
            row: tuple[str, ...] = (article.label, "", "", "", "", article.status)
        else:
            reference = " ".join(p for p in (source.official_reference, source.source_url) if p)
            row = (
                article.label,
                source_document_label(source.title, source.doc_id),
                source.citation,
                source.pages,
                reference,
                article.status,
            )
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.paragraphs[0].add_run(_plain(value)).font.size = Pt(9)
    table_rows = list(table.rows)
    for position, table_row in enumerate(table_rows):
        # Every row but the last is kept with the next: a page never ends on a header alone
        # and never starts with one orphan row (Word breaks a longer table where it must).
        _table_row_properties(
            table_row, header=position == 0, keep_with_next=position < len(table_rows) - 1
        )
    # Fixed widths on the columns and on every cell: Word reads the cells, LibreOffice the grid.
    table.autofit = False
    for column, width in zip(table.columns, PROVENANCE_WIDTHS_CM, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def export_docx(
    draft: Draft, target: Path | str | BytesIO, *, options: ExportOptions | None = None
) -> None:
    """Write the draft as .docx to a path or a binary buffer (the app's download button)."""
    document = build_document(draft, options)
    if isinstance(target, BytesIO):
        document.save(target)
    else:
        replace_atomically(Path(target), document.save)


def replace_atomically(target: Path, write: Callable[[str], object]) -> None:
    """`write(name)` into a temporary file beside `target`, then rename it over `target`, as
    the index writes its files: a signal or crash mid-write leaves the earlier export whole
    (a half-written .docx is an unreadable ZIP), never a torn one."""
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(temporary)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); an export is an ordinary document.
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
