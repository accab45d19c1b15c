"""Markdown and Word export of a draft built from real corpus articles of two agreements."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from io import BytesIO
from pathlib import Path

import docx
import docx.document
import docx.text.paragraph
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from index.types import Hit
from readmit.drafting import model
from readmit.drafting.crossrefs import renumbered_texts
from readmit.drafting.export_docx import (
    ARTICLE_LEVEL,
    PARAGRAPH_LEVEL,
    PROVENANCE_COLUMNS,
    build_document,
    export_docx,
)
from readmit.drafting.export_markdown import export_markdown
from readmit.drafting.export_text import ExportOptions, SourceWording

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
KAZ = "benelux-kazakhstan-readmission-agreement-2015-en"
KAZ_TITLE = (
    "Agreement between the States of the Benelux and the Republic of Kazakhstan on readmission"
)
SERBIA = "benelux-serbia-implementing-protocol-2013-en"
SERBIA_TITLE = "Implementing Protocol Benelux–Serbia"


def corpus_article(doc_id: str, number: int) -> tuple[str, str]:
    text = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    pieces = re.split(r"^Article (\d+)\n", text, flags=re.MULTILINE)
    for index in range(1, len(pieces), 2):
        if pieces[index] == str(number):
            heading, _, body = pieces[index + 1].partition("\n")
            return heading.strip(), body.strip()
    raise AssertionError(f"{doc_id} has no article {number}")


def hit(
    doc_id: str,
    title: str,
    number: int,
    *,
    part: str = "agreement",
    pages: tuple[int, int] | None = None,
) -> Hit:
    heading, body = corpus_article(doc_id, number)
    return Hit(
        rank=1,
        score=0.8,
        chunk_id=number,
        doc_id=doc_id,
        title=title,
        part=part,
        article=str(number),
        heading=heading,
        eid=f"art_{number}",
        page_start=pages[0] if pages else None,
        page_end=pages[1] if pages else None,
        language="en",
        text=body,
    )


EDITED_SENTENCE = "within 30 calendar days at the latest"


def style_name(paragraph: docx.text.paragraph.Paragraph) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def build_draft() -> model.Draft:
    draft = model.new_draft("Model readmission agreement (Benelux)")
    # Added out of skeleton order on purpose: export must follow the skeleton.
    draft = model.add_clause(
        draft,
        section="transit",
        hit=hit(SERBIA, SERBIA_TITLE, 7, part="protocol", pages=(4, 5)),
        official_reference="Trb. 2013, 212",
        source_url="https://repository.overheid.nl/example",
    )
    draft = model.add_clause(draft, section="time-limits", hit=hit(KAZ, KAZ_TITLE, 7))
    draft = model.add_clause(draft, section="definitions", hit=hit(KAZ, KAZ_TITLE, 1))
    draft = model.add_clause(draft, section="own-nationals", hit=hit(KAZ, KAZ_TITLE, 2))
    draft = model.add_clause(
        draft, section="title-and-preamble", text="The Parties,\n\nHave agreed as follows:"
    )
    draft = model.add_clause(
        draft,
        section="costs",
        heading="Costs",
        text="All transport costs shall be borne by the requesting Party.",
    )
    time_limits = draft.clauses[1]
    draft = model.update_clause_text(
        draft,
        time_limits.clause_id,
        time_limits.text.replace("within 21 calendar days at the latest", EDITED_SENTENCE),
    )
    return model.set_note(draft, time_limits.clause_id, "30 days follows the older treaties.")


def heading_texts(document: docx.document.Document) -> list[str]:
    """Article headings as Word shows them: "Article N" comes from Word's numbering."""
    texts = []
    for paragraph in document.paragraphs:
        if style_name(paragraph) != "Heading 1":
            continue
        num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
        numbered = num_pr is not None and num_pr.ilvl.val == ARTICLE_LEVEL
        texts.append(("#" if numbered else "") + paragraph.text.replace("\n", " | "))
    return texts


def footnote_texts(document: docx.document.Document) -> dict[int, str]:
    part = document.part.part_related_by(RT.FOOTNOTES)
    root = etree.fromstring(part.blob)
    notes: dict[int, str] = {}
    for note in root.iter(qn("w:footnote")):
        number = int(note.get(qn("w:id")))
        if number > 0:
            notes[number] = "".join(t.text or "" for t in note.iter(qn("w:t"))).strip()
    return notes


def test_docx_export_reopened(tmp_path: Path) -> None:
    draft = build_draft()
    path = tmp_path / "model.docx"
    export_docx(draft, path, options=ExportOptions(author="J. Jansen"))
    document = docx.Document(str(path))

    paragraphs = document.paragraphs
    assert style_name(paragraphs[0]) == "Title"
    assert paragraphs[0].text == "Model readmission agreement (Benelux)"
    # Every article is a Heading 1 numbered by Word (level 0 of the article list), its heading
    # on the line below the number; Provenance is a Heading 1 too, unnumbered.
    assert heading_texts(document) == [
        "# | Definitions and scope",
        "# | Readmission of own nationals",
        "# | Time limits",
        "# | Procedure regarding transit of third-country nationals and stateless persons",
        "# | Costs",
        "Provenance",
        "Points to check before circulating",
    ]
    assert not any(style_name(p).startswith("Heading 2") for p in paragraphs)
    texts = [p.text for p in paragraphs]
    # the preamble comes before Article 1, unnumbered, split on the blank line
    assert texts.index("The Parties,") < texts.index("\nDefinitions and scope")
    assert any(t.startswith("Have agreed as follows:") for t in texts)
    # Article 3's paragraphs run 1-5 in the source: Word numbers them, the text loses "3. "
    third = next(t for t in texts if t.startswith("A request for readmission must be answered"))
    assert EDITED_SENTENCE in third and "21 calendar days at the latest" not in third
    numbered = [
        p
        for p in paragraphs
        if p._p.pPr is not None
        and p._p.pPr.numPr is not None
        and p._p.pPr.numPr.ilvl.val == PARAGRAPH_LEVEL
    ]
    assert third in [p.text for p in numbered]
    # Article 2 numbers its paragraphs 1, 2, 3, 1, 2, 4 (points inside): kept as written
    assert any(t.startswith("4. At the request of the requesting Party") for t in texts)
    note = next(p for p in paragraphs if p.text.startswith("Drafter's note:"))
    assert all(run.italic for run in note.runs)

    # one footnote per article (and the preamble), citing its source
    notes = footnote_texts(document)
    assert len(notes) == 6
    assert notes[1] == "Drafted by the drafter; no source."
    assert notes[4].startswith("Source: Article 7 (art_7), " + KAZ_TITLE)
    assert notes[4].endswith("edited from the source.")
    assert "pp. 4–5, Trb. 2013, 212, https://repository.overheid.nl/example" in notes[5]
    references = document.element.body.findall(".//" + qn("w:footnoteReference"))
    assert [int(r.get(qn("w:id"))) for r in references] == [1, 2, 3, 4, 5, 6]

    properties = document.core_properties
    assert properties.title == "Model readmission agreement (Benelux)"
    assert properties.author == "J. Jansen"
    assert properties.created is not None
    assert properties.created.isoformat()[:19] == draft.created_at[:19]
    assert properties.modified is not None and properties.modified.year >= 2026

    assert len(document.tables) == 1
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert tuple(rows[0]) == PROVENANCE_COLUMNS
    assert rows[1] == ["Preamble", "", "", "", "", "drafted"]
    assert rows[2] == ["Article 1", f"{KAZ_TITLE} ({KAZ})", "Article 1 (art_1)", "", "", "verbatim"]
    assert rows[4][0] == "Article 3" and rows[4][-1] == "edited"
    assert rows[5] == [
        "Article 4",
        f"{SERBIA_TITLE} ({SERBIA})",
        "Article 7 (art_7)",
        "4–5",
        "Trb. 2013, 212 https://repository.overheid.nl/example",
        "verbatim",
    ]
    assert rows[6] == ["Article 5", "", "", "", "", "drafted"]


@pytest.mark.slow
def test_docx_converts_to_pdf_with_libreoffice(tmp_path: Path) -> None:
    """LibreOffice (Debian's, installed by `make install-test`) reads the numbering and the
    footnotes: the PDF shows "Article 3", Word's paragraph numbers and the footnote text."""
    path = tmp_path / "model.docx"
    export_docx(build_draft(), path)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / "model.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    for number in range(1, 6):
        assert f"Article {number}" in flat
    assert "Article 6" not in flat.replace("Article 6 ", "")  # no sixth article numbered
    assert "1. A request to readmit a Party’s own national" in flat
    assert "Source: Article 7 (art_7), Agreement between the States of the Benelux" in flat
    assert "Drafted by the drafter; no source." in flat


def test_cross_references_follow_the_draft_numbering() -> None:
    draft = build_draft()
    own_nationals = next(c for c in draft.clauses if c.section == "own-nationals")
    # Kazakhstan Article 2 cites its Article 7 (drafted as Article 3) and Article 5 (not drafted)
    assert "Article 7, paragraph 5 of the present Agreement" in own_nationals.text
    text = renumbered_texts(draft)[own_nationals.clause_id]
    assert "Article 3, paragraph 5 of the present Agreement" in text
    assert "Article 5 of the present Agreement" in text
    # the stored clause keeps its source wording
    assert "Article 7, paragraph 5" in draft.clause(own_nationals.clause_id).text

    # Moving the time-limits article after the transit article renumbers the reference
    time_limits = next(c for c in draft.clauses if c.section == "time-limits")
    moved = model.move_to_section(draft, time_limits.clause_id, "readmission-in-error")
    numbers = {c.clause_id: n for n, c in model.article_numbering(moved)}
    assert numbers[time_limits.clause_id] == 4
    assert (
        "Article 4, paragraph 5 of the present Agreement"
        in (renumbered_texts(moved)[own_nationals.clause_id])
    )
    markdown = export_markdown(moved)
    assert "Article 4, paragraph 5 of the present Agreement" in markdown


def test_cross_reference_forms() -> None:
    protocol_hit = dataclasses.replace(
        hit(KAZ, KAZ_TITLE, 7),
        part="protocol",
        eid="protocol__art_3",
        article="3",
        text="(Article 12 of the Agreement) The request referred to in Article 2 shall be "
        "answered; see also Article 3 of the Convention and artikel 12, derde lid, van "
        "de Overeenkomst and Articles 2 and 12 of the Agreement.",
    )
    draft = model.new_draft("Refs")
    draft = model.add_clause(draft, section="definitions", hit=hit(KAZ, KAZ_TITLE, 12))
    draft = model.add_clause(
        draft,
        section="own-nationals",
        hit=dataclasses.replace(
            hit(KAZ, KAZ_TITLE, 7), part="protocol", eid="protocol__art_2", article="2"
        ),
    )
    draft = model.add_clause(draft, section="time-limits", hit=protocol_hit)
    text = renumbered_texts(draft)[draft.clauses[-1].clause_id]
    assert text.startswith("(Article 1 of the Agreement) The request referred to in Article 2 ")
    assert "Article 3 of the Convention" in text  # another instrument: untouched
    assert "artikel 1, derde lid, van de Overeenkomst" in text
    assert "Articles 2 and 1 of the Agreement" in text  # agreement's Article 2 is not drafted


def test_placeholders_option() -> None:
    draft = model.set_party_names(build_draft(), ("Benelux", "Kazakhstan"))
    plain = export_markdown(draft)
    assert "Republic of Kazakhstan" in plain
    neutral = export_markdown(draft, options=ExportOptions(placeholders=True))
    body = neutral[: neutral.index("## Provenance")]
    assert "Kazakhstan" not in body and "Benelux" not in body
    assert "Parties: [Party A], [Party B]" in neutral
    assert "the territory of [Party B]" in body
    document = build_document(draft, ExportOptions(placeholders=True))
    assert not any("Kazakhstan" in p.text for p in document.paragraphs)
    # the provenance still names the real sources
    assert "Kazakhstan" in neutral[neutral.index("## Provenance") :]


def test_bilingual_export() -> None:
    draft = build_draft()
    time_limits = next(c for c in draft.clauses if c.section == "time-limits")
    wording = SourceWording(
        language="nl",
        citation="Artikel 7",
        heading="Termijnen",
        text="1. Een verzoek tot overname van een eigen onderdaan kan te allen tijde worden "
        "ingediend.\n2. Een verzoek tot overname van een onderdaan van een derde Staat.",
    )
    options = ExportOptions(
        other_language={time_limits.clause_id: wording}, other_language_code="nl"
    )
    document = build_document(draft, options)
    tables = document.tables
    assert len(tables) == 7  # one two-column table per article and the preamble, + provenance
    header = [cell.text for cell in tables[3].rows[0].cells]
    assert header == ["Draft (EN)", "Source wording (NL)"]
    left, right = tables[3].rows[1].cells
    assert EDITED_SENTENCE in left.text
    assert "Artikel 7 — Termijnen" in right.text and "te allen tijde" in right.text
    assert "No NL version of this source is indexed." in tables[1].rows[1].cells[1].text
    assert "Drafted; no source." in tables[5].rows[1].cells[1].text
    markdown = export_markdown(draft, options=options)
    assert "> *Artikel 7 — Termijnen [NL]*" in markdown


def test_bilingual_export_beside_a_chinese_source() -> None:
    # A clause adapted from China's Passport Law (2006), art. 14, exported beside its original.
    draft = build_draft()
    time_limits = next(c for c in draft.clauses if c.section == "time-limits")
    original = (
        "申请人有下列情形之一的，护照签发机关自其刑罚执行完毕或者被遣返回国之日起"
        "六个月至三年以内不予签发护照："
    )
    wording = SourceWording(language="zh", citation="第十四条", heading="", text=original)
    options = ExportOptions(
        other_language={time_limits.clause_id: wording}, other_language_code="zh"
    )
    table = build_document(draft, options).tables[3]
    assert [cell.text for cell in table.rows[0].cells] == ["Draft (EN)", "Source wording (ZH)"]
    right = table.rows[1].cells[1].text
    assert "第十四条" in right and original in right
    markdown = export_markdown(draft, options=options)
    assert "> *第十四条 [ZH]*" in markdown and original in markdown


def test_docx_writes_source_text_as_plain_runs() -> None:
    draft = model.new_draft("Plain <b>text</b> & {fields}")
    draft = model.add_clause(
        draft,
        section="costs",
        heading="Costs",
        text="Costs <w:t>raw</w:t> & {MERGEFIELD x}\x0c shall be borne.",
    )
    buffer = BytesIO()
    export_docx(draft, buffer)
    document = docx.Document(BytesIO(buffer.getvalue()))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Plain <b>text</b> & {fields}"
    assert "Costs <w:t>raw</w:t> & {MERGEFIELD x} shall be borne." in texts


def test_markdown_export() -> None:
    draft = build_draft()
    markdown = export_markdown(draft)
    assert markdown.startswith("# Model readmission agreement (Benelux)\n")
    headings = re.findall(r"^## (.+)$", markdown, flags=re.MULTILINE)
    # each heading carries its provenance footnote ([^1] is the untitled preamble's)
    assert headings == [
        "Article 1 – Definitions and scope[^2]",
        "Article 2 – Readmission of own nationals[^3]",
        "Article 3 – Time limits[^4]",
        "Article 4 – Procedure regarding transit of third-country nationals and stateless "
        "persons[^5]",
        "Article 5 – Costs[^6]",
        "Provenance",
        "Points to check before circulating",
    ]
    assert "Have agreed as follows:[^1]" in markdown
    assert "[^4]: Source: Article 7 (art\\_7), Agreement between" in markdown
    assert EDITED_SENTENCE in markdown
    assert "> *Drafter's note:* 30 days follows the older treaties." in markdown
    # paragraph numbers of the source are kept as text, not turned into Markdown lists
    assert "\n3\\. A request for readmission" in markdown
    assert markdown.index("The Parties,") < markdown.index("## Article 1")
    provenance = markdown[markdown.index("## Provenance") :]
    assert "| Article 3 |" in provenance and "| edited |" in provenance
    moldova_row = "| 4–5 | Trb. 2013, 212 https://repository.overheid.nl/example | verbatim |"
    assert moldova_row in provenance
    assert "Article 7 (art\\_7)" in provenance


KOSOVO = "benelux-kosovo-readmission-2011-nl"


def kosovo_article(number: int) -> Hit:
    text = (CORPUS / f"{KOSOVO}.txt").read_text(encoding="utf-8")
    pieces = re.split(r"^Artikel (\d+)\n", text, flags=re.MULTILINE)
    index = pieces.index(str(number))
    heading, _, body = pieces[index + 1].partition("\n")
    return dataclasses.replace(
        hit(KAZ, KAZ_TITLE, 2),
        doc_id=KOSOVO,
        title="Overeenkomst Benelux–Kosovo",
        article=str(number),
        eid=f"art_{number}",
        heading=heading.strip(),
        text=body.strip(),
        language="nl",
    )


def test_points_to_check_in_the_app_and_both_exports(tmp_path: Path) -> None:
    """A Kosovo article citing "artikel 7, lid (6), van deze Overeenkomst" in a draft without
    Kosovo's Article 7 is flagged, and so is an English draft with a Dutch article; a reference
    the draft renumbers is flagged too. The same points close both exports."""
    from readmit.drafting.checks import draft_warnings

    draft = build_draft()
    draft = model.add_clause(draft, section="own-nationals", hit=kosovo_article(2))
    assert "artikel 7, lid (6), van deze Overeenkomst" in draft.clauses[-1].text
    messages = [w.message for w in draft_warnings(draft)]
    assert messages[0].startswith("The draft mixes languages: most articles are EN, but NL:")
    kosovo_number = dict((c.clause_id, n) for n, c in model.article_numbering(draft))[
        draft.clauses[-1].clause_id
    ]
    assert (
        f"Article {kosovo_number} cites “artikel 7, lid (6), van deze Overeenkomst”: source "
        "article 7 is not in the draft" in messages
    )
    # Kazakhstan Art. 2 cites its Art. 7 (drafted as Article 4) and Art. 5 (not drafted).
    assert any("source article 7 is draft Article 4 (renumbered" in m for m in messages)
    assert any("cites “Article 5 of the present Agreement”" in m for m in messages)

    markdown = export_markdown(draft)
    checks = markdown.split("## Points to check before circulating", 1)[1]
    assert "artikel 7, lid (6), van deze Overeenkomst" in checks and "mixes languages" in checks
    document = build_document(draft)
    headings = heading_texts(document)
    assert headings[-1] == "Points to check before circulating"
    body = "\n".join(p.text for p in document.paragraphs)
    assert "source article 7 is not in the draft" in body.split(headings[-1], 1)[1]

    one_language = build_draft()
    assert not any("mixes languages" in w.message for w in draft_warnings(one_language))


def test_provenance_table_repeats_its_header_and_keeps_rows_together() -> None:
    document = build_document(build_draft())
    table = document.tables[-1]
    rows = table.rows
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)
    keep = [
        all(p.paragraph_format.keep_with_next for c in r.cells for p in c.paragraphs) for r in rows
    ]
    assert keep == [True] * (len(rows) - 1) + [False]  # the last row never stands alone
