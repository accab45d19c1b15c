"""Markdown and Word export of a draft built from real corpus articles of two agreements."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import docx
import docx.text.paragraph

from index.types import Hit
from readmit.drafting import model
from readmit.drafting.export_docx import PROVENANCE_COLUMNS, export_docx
from readmit.drafting.export_markdown import export_markdown

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


def hit(doc_id: str, title: str, number: int, *, part: str = "agreement",
        pages: tuple[int, int] | None = None) -> Hit:
    heading, body = corpus_article(doc_id, number)
    return Hit(
        rank=1, score=0.8, chunk_id=number, doc_id=doc_id, title=title, part=part,
        article=str(number), heading=heading, eid=f"art_{number}",
        page_start=pages[0] if pages else None, page_end=pages[1] if pages else None,
        language="en", text=body,
    )


EDITED_SENTENCE = "within 30 calendar days at the latest"


def style_name(paragraph: docx.text.paragraph.Paragraph) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def build_draft() -> model.Draft:
    draft = model.new_draft("Model readmission agreement (Benelux)")
    # Added out of skeleton order on purpose: export must follow the skeleton.
    draft = model.add_clause(draft, section="transit",
                             hit=hit(SERBIA, SERBIA_TITLE, 7, part="protocol", pages=(4, 5)),
                             official_reference="Trb. 2013, 212",
                             source_url="https://repository.overheid.nl/example")
    draft = model.add_clause(draft, section="time-limits", hit=hit(KAZ, KAZ_TITLE, 7))
    draft = model.add_clause(draft, section="definitions", hit=hit(KAZ, KAZ_TITLE, 1))
    draft = model.add_clause(draft, section="own-nationals", hit=hit(KAZ, KAZ_TITLE, 2))
    draft = model.add_clause(draft, section="title-and-preamble",
                             text="The Parties,\n\nHave agreed as follows:")
    draft = model.add_clause(draft, section="costs", heading="Costs",
                             text="All transport costs shall be borne by the requesting Party.")
    time_limits = draft.clauses[1]
    draft = model.update_clause_text(
        draft, time_limits.clause_id,
        time_limits.text.replace("within 21 calendar days at the latest", EDITED_SENTENCE),
    )
    return model.set_note(draft, time_limits.clause_id, "30 days follows the older treaties.")


def test_docx_export_reopened(tmp_path: Path) -> None:
    draft = build_draft()
    path = tmp_path / "model.docx"
    export_docx(draft, path)
    document = docx.Document(str(path))

    paragraphs = document.paragraphs
    assert style_name(paragraphs[0]) == "Title"
    assert paragraphs[0].text == "Model readmission agreement (Benelux)"
    headings = [p.text for p in paragraphs if style_name(p) == "Heading 2"]
    assert headings == [
        "Article 1 – Definitions and scope",
        "Article 2 – Readmission of own nationals",
        "Article 3 – Time limits",
        "Article 4 – Procedure regarding transit of third-country nationals and stateless persons",
        "Article 5 – Costs",
    ]
    texts = [p.text for p in paragraphs]
    # the preamble comes before Article 1, unnumbered, split on the blank line
    assert texts.index("The Parties,") < texts.index("Have agreed as follows:") < texts.index(
        "Article 1 – Definitions and scope")
    # numbered paragraphs are separate Word paragraphs; the edit is there, the old text is not
    third = next(t for t in texts if t.startswith("3. A request for readmission"))
    assert EDITED_SENTENCE in third and "21 calendar days at the latest" not in third
    assert any(t.startswith("4. After the readmission has been approved") for t in texts)
    note = next(p for p in paragraphs if p.text.startswith("Drafter's note:"))
    assert all(run.italic for run in note.runs)
    assert texts.index(note.text) > texts.index("Article 3 – Time limits")

    assert [p.text for p in paragraphs if style_name(p) == "Heading 1"] == ["Provenance"]
    assert len(document.tables) == 1
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert tuple(rows[0]) == PROVENANCE_COLUMNS
    assert rows[1] == ["Preamble", "", "", "", "", "drafted"]
    assert rows[2] == ["Article 1", f"{KAZ_TITLE} ({KAZ})", "Article 1 (art_1)", "", "",
                       "verbatim"]
    assert rows[4][0] == "Article 3" and rows[4][-1] == "edited"
    assert rows[5] == [
        "Article 4", f"{SERBIA_TITLE} ({SERBIA})", "Article 7 (art_7)", "4–5",
        "Trb. 2013, 212 https://repository.overheid.nl/example", "verbatim",
    ]
    assert rows[6] == ["Article 5", "", "", "", "", "drafted"]


def test_docx_writes_source_text_as_plain_runs() -> None:
    draft = model.new_draft("Plain <b>text</b> & {fields}")
    draft = model.add_clause(
        draft, section="costs", heading="Costs",
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
    assert headings == [
        "Article 1 – Definitions and scope",
        "Article 2 – Readmission of own nationals",
        "Article 3 – Time limits",
        "Article 4 – Procedure regarding transit of third-country nationals and stateless persons",
        "Article 5 – Costs",
        "Provenance",
    ]
    assert EDITED_SENTENCE in markdown
    assert "> *Drafter's note:* 30 days follows the older treaties." in markdown
    # paragraph numbers of the source are kept as text, not turned into Markdown lists
    assert "\n3\\. A request for readmission" in markdown
    assert markdown.index("The Parties,") < markdown.index("## Article 1")
    provenance = markdown[markdown.index("## Provenance"):]
    assert "| Article 3 |" in provenance and "| edited |" in provenance
    moldova_row = "| 4–5 | Trb. 2013, 212 https://repository.overheid.nl/example | verbatim |"
    assert moldova_row in provenance
    assert "Article 7 (art\\_7)" in provenance
