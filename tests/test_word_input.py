"""Word files (.docx) in: paragraphs, Word's automatic numbering, headings, tables and footnotes
read like a text file, the same structure and eIds, no text dropped; unusable files refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from msoffcrypto.format.ooxml import OOXMLFile

from ingest.pipeline import IngestError, discover, parse_document
from ingest.word import format_number, read_docx_lines
from tests.harness.word_files import (
    LIBREOFFICE_NUMBERED_FODT,
    PROPOSAL_TEXT,
    convert_with_libreoffice,
)


def _numbering_definitions(document: docx.document.Document) -> None:
    """Two lists of our own: "Article %1" on a paragraph style (how Word numbers articles),
    and "%1." / "(%2)" paragraphs with a restart of the list in the second article."""
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="Article %1"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.insert(
        1,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="91">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
            '<w:lvlText w:val="(%2)"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/></w:num>')
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="92"><w:abstractNumId w:val="91"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )
    style = document.styles.add_style("Article Heading", 1)  # WD_STYLE_TYPE.PARAGRAPH
    style.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="90"/></w:numPr>')
    )


def _number(paragraph: docx.text.paragraph.Paragraph, num_id: int, level: int = 0) -> None:
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def python_docx_agreement(path: Path) -> Path:
    document = docx.Document()
    _numbering_definitions(document)
    document.add_heading("Agreement between Arcadia and Borduria on readmission", level=0)
    document.add_paragraph("The Parties, wishing to cooperate, have agreed as follows:")
    document.add_paragraph("Time limits", style="Article Heading")
    _number(document.add_paragraph("The requested Party shall reply within 21 calendar days."), 91)
    _number(document.add_paragraph("The transfer shall take place:"), 91)
    _number(document.add_paragraph("within three months; or"), 91, 1)
    _number(document.add_paragraph("within six months in exceptional cases."), 91, 1)
    document.add_paragraph("Costs", style="Article Heading")
    _number(document.add_paragraph("The requesting Party bears the costs of transport."), 92)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Authority"
    table.cell(0, 1).text = "Address"
    table.cell(1, 0).text = "Border police"
    table.cell(1, 1).text = "1 Main Street"
    document.add_paragraph("Done at Arcadia City on 1 May 2026.")
    document.save(str(path))
    return path


def test_python_docx_numbering_headings_and_tables(tmp_path: Path) -> None:
    path = python_docx_agreement(tmp_path / "arcadia-borduria-en.docx")
    lines = [line.text for line in read_docx_lines(path) if line.text]
    assert lines[:3] == [
        "Agreement between Arcadia and Borduria on readmission",
        "The Parties, wishing to cooperate, have agreed as follows:",
        "Article 1 Time limits",
    ]
    assert "1. The requested Party shall reply within 21 calendar days." in lines
    assert "(a) within three months; or" in lines
    assert "(b) within six months in exceptional cases." in lines
    assert "Article 2 Costs" in lines
    # the second list instance restarts at 1 (w:startOverride)
    assert "1. The requesting Party bears the costs of transport." in lines
    assert "Authority | Address" in lines and "Border police | 1 Main Street" in lines

    parsed = parse_document(path)
    articles = {unit.eid: unit for unit in parsed.units if unit.kind == "article"}
    assert list(articles) == ["art_1", "art_2"]
    assert articles["art_1"].heading == "Time limits"
    assert [p.number for p in articles["art_1"].paragraphs] == ["1", "2"]
    assert [point.label for point in articles["art_1"].paragraphs[1].points] == ["(a)", "(b)"]
    assert "Border police | 1 Main Street" in articles["art_2"].text
    assert parsed.lines_not_in_units == 0
    assert parsed.line_count == len(lines)
    assert [u.eid for u in parsed.units][-1] == "final"


def test_docx_is_a_corpus_document(tmp_path: Path) -> None:
    python_docx_agreement(tmp_path / "arcadia-borduria-en.docx")
    found, problems = discover([tmp_path])
    assert [p.name for p in found] == ["arcadia-borduria-en.docx"] and problems == []


def test_number_formats() -> None:
    assert [format_number(n, "lowerLetter") for n in (1, 26, 27)] == ["a", "z", "aa"]
    assert format_number(14, "upperRoman") == "XIV"
    assert format_number(4, "lowerRoman") == "iv"
    assert format_number(3, "decimalZero") == "03"
    assert format_number(2, "ordinal") == "2nd"


def test_empty_corrupt_and_old_word_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match="empty file"):
        parse_document(empty)
    garbage = tmp_path / "garbage.docx"
    garbage.write_bytes(b"this is not a Word file at all")
    with pytest.raises(IngestError, match="corrupt Word file: not a ZIP package"):
        parse_document(garbage)
    truncated = tmp_path / "truncated.docx"
    python_docx_agreement(tmp_path / "whole.docx")
    truncated.write_bytes((tmp_path / "whole.docx").read_bytes()[:3000])
    with pytest.raises(IngestError, match="corrupt Word file"):
        parse_document(truncated)
    no_document = tmp_path / "zip.docx"
    with zipfile.ZipFile(no_document, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(IngestError, match="corrupt Word file"):
        parse_document(no_document)
    old = tmp_path / "old.docx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(IngestError, match=r"old Word 97–2003 file"):
        parse_document(old)
    blank = tmp_path / "blank.docx"
    docx.Document().save(str(blank))
    with pytest.raises(IngestError, match="no text found"):
        parse_document(blank)


def test_password_protected_word_file_is_refused(tmp_path: Path) -> None:
    plain = python_docx_agreement(tmp_path / "plain.docx")
    encrypted = tmp_path / "secret.docx"
    with plain.open("rb") as source:
        office_file = OOXMLFile(source)
        out = io.BytesIO()
        office_file.encrypt("s3cret", out)
    encrypted.write_bytes(out.getvalue())
    with pytest.raises(IngestError, match="password-protected"):
        parse_document(encrypted)


@pytest.mark.slow
def test_libreoffice_docx_reads_like_libreoffice_shows_it(tmp_path: Path) -> None:
    """A text and a numbered ODF document saved as .docx by LibreOffice: our lines, numbers
    included, are the lines LibreOffice itself prints when it saves the .docx as text."""
    text = tmp_path / "proposal-en.txt"
    text.write_text(PROPOSAL_TEXT, encoding="utf-8")
    numbered = tmp_path / "numbered-en.fodt"
    numbered.write_text(LIBREOFFICE_NUMBERED_FODT, encoding="utf-8")
    for source in (text, numbered):
        word = convert_with_libreoffice(source, "docx", tmp_path / "docx")
        shown = convert_with_libreoffice(word, "txt", tmp_path / "txt")
        expected = [
            " ".join(line.split())
            for line in shown.read_text(encoding="utf-8-sig").splitlines()
            if line.strip()
        ]
        ours = [" ".join(line.text.split()) for line in read_docx_lines(word) if line.text]
        if source is numbered:
            # LibreOffice prints a table cell per line and the footnote mark without brackets
            expected = [line for line in expected if line not in {"Authority", "Address"}]
            expected = [line.replace("days.1", "days.[1]") for line in expected]
            ours = [line for line in ours if line != "Authority | Address"]
            assert "[1] Calendar days include public holidays." in ours
            ours.remove("[1] Calendar days include public holidays.")
            assert ours == expected
            assert "Article 2 Costs" in ours and "(b) by air." in ours
        else:
            assert ours == expected
        parsed = parse_document(word)
        assert parsed.lines_not_in_units == 0
        articles = 2 if source is numbered else 9
        assert [u.eid for u in parsed.units if u.kind == "article"] == [
            f"art_{n}" for n in range(1, articles + 1)
        ]
