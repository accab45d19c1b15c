"""Render a few corpus texts as treaty-style PDFs that ship in corpus/ in place of their .txt.

The corpus is plain text, but real treaty collections are PDFs: this gives the ingest layer
real PDFs with the features that make extraction hard (running headers, "Page N of M"
footers, justified text with words hyphenated at line ends, articles broken across pages).

Usage (from the repository root, reportlab needed):
    python scripts/render_pdfs.py            # render all DOCUMENTS
    git rm corpus/<stem>.txt                 # the PDF replaces the text (same doc_id)

The source text of each PDF is kept in tests/data/pdf-sources/<stem>.txt: the script reads it
from there when corpus/<stem>.txt is gone, so it stays reproducible, and the extraction tests
compare the PDF's text with it. Needs the DejaVu fonts (full Latin coverage, „ ” − □ ...).
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

REPO = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO / "corpus"
SOURCES_DIR = REPO / "tests" / "data" / "pdf-sources"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# stem -> the shortened title printed as running header on every page.
DOCUMENTS = {
    "benelux-kazakhstan-readmission-agreement-2015-nl": (
        "Overeenkomst Benelux-Staten – Kazachstan betreffende de terug- en overname (2015)"
    ),
    "benelux-switzerland-readmission-2003-nl": (
        "Overeenkomst Benelux-Staten – Zwitserland betreffende de overname van personen (2003)"
    ),
    "benelux-france-border-takeover-1964-fr": (
        "Arrangement Benelux – France concernant la prise en charge de personnes (1964)"
    ),
    "multilateral-transit-yugoslav-nationals-2000-de": (
        "Vereinbarung über die Durchreise jugoslawischer Staatsangehöriger (2000)"
    ),
    "benelux-moldova-implementing-protocol-2013-en": (
        "Implementing Protocol Benelux – Moldova to the EC readmission agreement (2013)"
    ),
}

ARTICLE_LINE = re.compile(r"^(Artikel|Article|Art\.)\s+\S{1,6}$")
ANNEX_LINE = re.compile(r"^(Bijlage|Bijlagen|Annex|Annexe|Anlage|Aanhangsel)\b.{0,12}$")
INSTRUMENT_TITLE = re.compile(r"^(Uitvoeringsprotocol|Protocol|Implementing Protocol)\b")
# Soft-hyphenate long words between a vowel and a consonant+vowel ("readmis-sion" style):
# reportlab breaks there only when a justified line needs it, as a typesetter would.
VOWELS = "aeiouyäëïöüéèêàâîôûáíóú"
SOFT_HYPHEN = "\u00ad"
MIN_HYPHENATED_WORD = 10

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT_MARGIN = RIGHT_MARGIN = 25 * mm
TOP_MARGIN = 28 * mm
BOTTOM_MARGIN = 25 * mm


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str


def register_fonts() -> Fonts:
    regular, bold = FONT_DIR / "DejaVuSerif.ttf", FONT_DIR / "DejaVuSerif-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        raise SystemExit(f"DejaVu fonts not found in {FONT_DIR}: install fonts-dejavu-core")
    pdfmetrics.registerFont(TTFont("TreatySerif", str(regular)))
    pdfmetrics.registerFont(TTFont("TreatySerif-Bold", str(bold)))
    return Fonts(regular="TreatySerif", bold="TreatySerif-Bold")


def soft_hyphenate(word: str) -> str:
    core = word.strip(".,;:()„“”’'\"")
    if len(core) < MIN_HYPHENATED_WORD or not core.isalpha():
        return word
    out: list[str] = []
    last_break = 0
    for index, char in enumerate(word):
        out.append(char)
        next_two = word[index + 1 : index + 3]
        if (
            index - last_break >= 3
            and len(word) - index > 5
            and char.lower() in VOWELS
            and len(next_two) == 2
            and next_two[0].isalpha()
            and next_two[0].lower() not in VOWELS
            and next_two[1].lower() in VOWELS
        ):
            out.append(SOFT_HYPHEN)
            last_break = index
    return "".join(out)


def markup(text: str, *, hyphenate: bool) -> str:
    escaped = escape(text)
    if not hyphenate:
        return escaped
    return " ".join(soft_hyphenate(word) for word in escaped.split(" "))


def make_styles(fonts: Fonts) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body",
        fontName=fonts.regular,
        fontSize=10,
        leading=13,
        alignment=TA_JUSTIFY,
        spaceBefore=0,
        spaceAfter=0,
        embeddedHyphenation=1,
        splitLongWords=0,
    )
    return {
        "body": body,
        "table": ParagraphStyle("table", parent=body, alignment=TA_LEFT, fontSize=9, leading=12),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=fonts.bold,
            fontSize=13,
            leading=17,
            alignment=TA_CENTER,
            embeddedHyphenation=0,
        ),
        "article": ParagraphStyle(
            "article",
            parent=body,
            fontName=fonts.bold,
            alignment=TA_CENTER,
            keepWithNext=1,
            embeddedHyphenation=0,
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=fonts.bold,
            alignment=TA_CENTER,
            keepWithNext=1,
            embeddedHyphenation=0,
        ),
    }


def flowables_for(text: str, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """One Paragraph per source line; blank source lines become vertical space."""
    story: list[Flowable] = []
    blocks = [block.split("\n") for block in re.split(r"\n\s*\n", text.strip())]
    for block_index, block in enumerate(blocks):
        if block_index:
            story.append(Spacer(1, 7))
        previous_was_article = False
        for line in block:
            line = line.strip()
            if not line:
                continue
            if block_index == 0 or (
                len(block) == 1
                and INSTRUMENT_TITLE.match(line)
                and not line.endswith(".")
                and len(line) < 400
            ):
                style = styles["title"]
            elif ARTICLE_LINE.match(line) or ANNEX_LINE.match(line):
                style = styles["article"]
            elif previous_was_article and len(line) < 160:
                style = styles["heading"]
            elif "|" in line:
                style = styles["table"]
            else:
                style = styles["body"]
            previous_was_article = style is styles["article"]
            hyphenate = style in (styles["body"], styles["table"])
            story.append(Paragraph(markup(line, hyphenate=hyphenate), style))
    return story


def numbered_canvas_class(header: str, fonts: Fonts) -> type[Canvas]:
    """A canvas that draws the running header and "Page N of M" once M is known."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._page_states: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab API
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._page_states)
            for state in self._page_states:
                self.__dict__.update(state)
                self._draw_page_furniture(total)
                super().showPage()
            super().save()

        def _draw_page_furniture(self, total: int) -> None:
            self.saveState()
            self.setFont(fonts.regular, 8.5)
            header_y = PAGE_HEIGHT - 15 * mm
            self.drawCentredString(PAGE_WIDTH / 2, header_y, header)
            self.setLineWidth(0.4)
            self.line(
                LEFT_MARGIN, header_y - 2.5 * mm, PAGE_WIDTH - RIGHT_MARGIN, header_y - 2.5 * mm
            )
            self.drawCentredString(PAGE_WIDTH / 2, 12 * mm, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    return NumberedCanvas


def render(stem: str, header: str, fonts: Fonts, styles: dict[str, ParagraphStyle]) -> Path:
    SOURCES_DIR.mkdir(parents=True, exist_ok=True)
    kept_source = SOURCES_DIR / f"{stem}.txt"
    corpus_text = CORPUS_DIR / f"{stem}.txt"
    if corpus_text.exists():
        shutil.copyfile(corpus_text, kept_source)
    text = kept_source.read_text(encoding="utf-8")
    pdf_path = CORPUS_DIR / f"{stem}.pdf"
    document = SimpleDocTemplate(
        str(pdf_path),
        pagesize=A4,
        leftMargin=LEFT_MARGIN,
        rightMargin=RIGHT_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=header,
        author="Readmit corpus (rendered from wetten.overheid.nl text)",
        invariant=1,  # reproducible bytes: no timestamps or random ids
    )
    document.build(flowables_for(text, styles), canvasmaker=numbered_canvas_class(header, fonts))
    return pdf_path


def main() -> int:
    fonts = register_fonts()
    styles = make_styles(fonts)
    for stem, header in DOCUMENTS.items():
        pdf_path = render(stem, header, fonts, styles)
        print(f"{pdf_path.relative_to(REPO)}")
        if (CORPUS_DIR / f"{stem}.txt").exists():
            print(f"  now: git rm corpus/{stem}.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
