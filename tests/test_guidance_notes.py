"""Guidance notes on draft clauses: a cited guide section attached to an article, kept by the
draft store, exported to Markdown and Word as a drafting note after the article, never inside
the treaty text."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import docx

from readmit.drafting import model
from readmit.drafting.export_docx import export_docx
from readmit.drafting.export_markdown import export_markdown
from readmit.drafting.store import DraftStore, draft_from_json, draft_to_json

GUIDE = "vc2000-a3-departure-and-removal-2015-nl"
CITATION = "Aliens Circular 2000 (A), chapter A3: Departure and removal, A3 › 9 Verhaal van kosten"
NOTE = model.GuidanceNote(
    doc_id=GUIDE,
    eid="sec_9",
    citation=CITATION,
    excerpt="De Staat of andere openbare lichamen die kosten maken bij een uitzetting …",
)
TREATY_TEXT = "All transport costs shall be borne by the requesting Party."


def draft_with_note() -> tuple[model.Draft, str]:
    draft = model.new_draft("Model agreement")
    draft = model.add_clause(draft, section="costs", heading="Costs", text=TREATY_TEXT)
    clause_id = draft.clauses[0].clause_id
    return model.add_guidance_note(draft, clause_id, NOTE), clause_id


def test_a_guidance_note_is_attached_once_and_can_be_detached() -> None:
    draft, clause_id = draft_with_note()
    assert draft.clause(clause_id).guidance == (NOTE,)
    again = model.add_guidance_note(draft, clause_id, NOTE)
    assert again.clause(clause_id).guidance == (NOTE,)
    removed = model.remove_guidance_note(draft, clause_id, GUIDE, "sec_9")
    assert removed.clause(clause_id).guidance == ()
    # The treaty text is untouched by notes.
    assert draft.clause(clause_id).text == TREATY_TEXT


def test_guidance_notes_survive_the_store(tmp_path: Path) -> None:
    draft, clause_id = draft_with_note()
    assert draft_from_json(draft_to_json(draft)) == draft
    store = DraftStore(tmp_path)
    store.save(draft)
    assert store.load(draft.draft_id).clause(clause_id).guidance == (NOTE,)
    # A draft saved before guidance notes existed still loads.
    data = draft_to_json(draft)
    del data["clauses"][0]["guidance"]
    assert draft_from_json(data).clause(clause_id).guidance == ()


def test_markdown_exports_the_note_after_the_article_not_in_it() -> None:
    draft, _ = draft_with_note()
    markdown = export_markdown(draft)
    note_line = next(line for line in markdown.splitlines() if "Guidance note" in line)
    assert note_line.startswith("> *Guidance note:* Aliens Circular 2000 (A), chapter A3")
    assert "sec_9" not in note_line and "Verhaal van kosten" in note_line
    assert markdown.index(TREATY_TEXT) < markdown.index(note_line)


def test_docx_exports_the_note_as_an_italic_drafting_note() -> None:
    draft, _ = draft_with_note()
    buffer = BytesIO()
    export_docx(draft, buffer)
    document = docx.Document(BytesIO(buffer.getvalue()))
    texts = [p.text for p in document.paragraphs]
    treaty = texts.index(TREATY_TEXT)
    note = next(i for i, text in enumerate(texts) if text.startswith("Guidance note: "))
    assert note > treaty
    assert CITATION in texts[note]
    assert all(run.italic for run in document.paragraphs[note].runs)
