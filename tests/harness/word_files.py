"""Texts of our own (not from the corpus) for the Word-input and review tests, and LibreOffice
as the Word-compatible reader that converts them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import docx

DATA = Path(__file__).resolve().parents[1] / "data" / "review"
# Our model agreement (the TARGET of a review) and the other side's proposal: the reply
# period changed (21 → 60 calendar days), the data-protection article dropped, an escort
# article added, a travel document's validity and one condition changed.
MODEL_TEXT = (DATA / "model-arcadia-en.txt").read_text(encoding="utf-8")
PROPOSAL_TEXT = (DATA / "proposal-borduria-en.txt").read_text(encoding="utf-8")

# An ODF text with LibreOffice list numbering ("Article N", "1.", "(a)"), a footnote and a
# table: LibreOffice saves it as .docx with w:numPr / w:abstractNum and a footnotes part.
LIBREOFFICE_NUMBERED_FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles>
<text:list-style style:name="Art">
<text:list-level-style-number text:level="1" style:num-prefix="Article " style:num-format="1"/>
</text:list-style>
<text:list-style style:name="Para">
<text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"/>
<text:list-level-style-number text:level="2" style:num-prefix="(" style:num-suffix=")"
 style:num-format="a"/>
</text:list-style>
</office:automatic-styles>
<office:body><office:text>
<text:h text:outline-level="1">Agreement between Arcadia and Borduria on readmission</text:h>
<text:list xml:id="articles" text:style-name="Art"><text:list-item>
<text:p>Time limits</text:p></text:list-item></text:list>
<text:list text:style-name="Para">
<text:list-item><text:p>The requested Party shall reply within 60 calendar days.<text:note
 text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p
>Calendar days include public holidays.</text:p></text:note-body></text:note></text:p>
</text:list-item>
<text:list-item><text:p>The transfer takes place:</text:p>
<text:list><text:list-item><text:p>within three months;</text:p></text:list-item>
<text:list-item><text:p>by air.</text:p></text:list-item></text:list></text:list-item>
</text:list>
<text:list text:style-name="Art" text:continue-list="articles"><text:list-item>
<text:p>Costs</text:p></text:list-item></text:list>
<text:p>The requesting Party bears the costs.</text:p>
<table:table><table:table-column/><table:table-column/>
<table:table-row><table:table-cell><text:p>Authority</text:p></table:table-cell>
<table:table-cell><text:p>Address</text:p></table:table-cell></table:table-row>
</table:table>
</office:text></office:body></office:document>
"""


def convert_with_libreoffice(source: Path, to: str, out_dir: Path) -> Path:
    """`soffice --headless --convert-to TO` (a private profile, so parallel runs do not clash)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / ".lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out_dir / f"{source.stem}.{to.split(':')[0]}"


def text_as_docx(text: str, path: Path) -> Path:
    """A text saved by python-docx: one Word paragraph per paragraph of the text."""
    document = docx.Document()
    for block in text.split("\n\n"):
        for line in block.split("\n"):
            if line.strip():
                document.add_paragraph(line.strip())
    document.save(str(path))
    return path


def tracked_change_texts(path: Path, action: str, profile: Path) -> dict[str, object]:
    """LibreOffice's paragraphs of `path` after accepting ("accept") or rejecting ("reject")
    every tracked change, through its UNO API (Debian's python3-uno, run by /usr/bin/python3),
    with the number of changes it saw and their authors."""
    script = Path(__file__).with_name("lo_tracked_changes.py")
    result = subprocess.run(
        ["/usr/bin/python3", str(script), str(path), action, str(profile / action)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    payload: dict[str, object] = json.loads(result.stdout)
    return payload


# The skeleton section each article of our model goes into, by its heading.
MODEL_SECTIONS = {
    "Definitions": "definitions",
    "Readmission of own nationals": "own-nationals",
    "Readmission of third-country nationals and stateless persons": "third-country-nationals",
    "Readmission application": "readmission-application",
    "Time limits": "time-limits",
    "Travel documents": "transfer",
    "Costs": "costs",
    "Data protection": "data-protection",
    "Entry into force and termination": "final-provisions",
}


def model_draft(drafts: Path, title: str = "Arcadia model") -> str:
    """A saved draft holding our model's articles (drafted text, no source); its id."""
    from ingest.structure import parse_structure
    from ingest.types import Line
    from readmit.drafting import DraftingService, DraftStore

    service = DraftingService(DraftStore(drafts))
    draft = service.create(title)
    lines = [Line(text=line) for line in MODEL_TEXT.splitlines()]
    for unit in parse_structure(lines, language="en"):
        if unit.kind == "article" and unit.heading is not None:
            service.add_text(
                draft.draft_id,
                section=MODEL_SECTIONS[unit.heading],
                text=unit.text,
                heading=unit.heading,
            )
    return draft.draft_id
