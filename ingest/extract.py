"""Text lines out of corpus files (.txt, .md, .pdf, .docx), with the page each line came from.

PDF text is cleaned so that it reads like the plain-text corpus files: running headers and
page-number footers are dropped, words hyphenated at line ends are rejoined and the wrapped
lines of a paragraph are joined, so that each paragraph of the source becomes one line, a
heading such as "Artikel 7" stays alone on its line, and a blank line marks a paragraph gap.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.files import (
    NOT_REGULAR,
    FileTooLargeError,
    NotRegularFileError,
    open_regular,
    read_regular_bytes,
)
from ingest.limits import DEFAULT_MAX_BYTES, Budget
from ingest.ocr import OcrEngine, OcrError, find_ocr, unavailable_reason
from ingest.types import Line
from ingest.word import DOCX_SUFFIX, DocxError, read_docx_lines

if TYPE_CHECKING:
    from pypdf import PdfReader

# pypdf (~0.2 s to import) is imported where a PDF is read: every command imports this module
# through the ingest pipeline, and most read no PDF.

TEXT_SUFFIXES = {".txt", ".md"}
PDF_SUFFIX = ".pdf"


class ExtractionError(Exception):
    """A file whose text cannot be extracted; names the file and the reason."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class ExtractedText:
    """The lines of a document; `page_count` is None for plain text.

    `ocr_pages` lists the pages whose text was recognised by OCR (no text layer).
    """

    lines: tuple[Line, ...]
    page_count: int | None
    ocr_pages: tuple[int, ...] = ()
    # Running headers/footers and page numbers dropped on purpose (not text of the document).
    running_lines_removed: int = 0


def extract_lines(
    path: Path,
    *,
    password: str | None = None,
    max_pages: int = 2000,
    max_bytes: int = DEFAULT_MAX_BYTES,
    language: str | None = None,
    max_ocr_pages: int = 300,
    budget: Budget | None = None,
) -> ExtractedText:
    """Extract the text of `path` as lines; raises ExtractionError for unusable files.

    PDF pages without a text layer are read by OCR (in `language`, "nl"/"en"/...) when
    Tesseract is installed; otherwise the file fails with "needs OCR". With a `budget`, time
    and text size are checked page by page (LimitExceededError past a limit).
    """
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES and suffix not in (PDF_SUFFIX, DOCX_SUFFIX):
        raise ExtractionError(path, f"unsupported file type {suffix or '(no extension)'}")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ExtractionError(path, f"cannot read file: {error.strerror or error}") from error
    if size == 0:
        raise ExtractionError(path, "empty file (0 bytes)")
    if size > max_bytes:
        raise ExtractionError(path, f"file too large: {size} bytes exceeds max_bytes={max_bytes}")
    if suffix == PDF_SUFFIX:
        return _extract_pdf(
            path,
            password=password,
            max_pages=max_pages,
            language=language,
            max_ocr_pages=max_ocr_pages,
            budget=budget or Budget(),
        )
    try:
        data = read_regular_bytes(path, max_bytes=max_bytes)
    except NotRegularFileError as error:
        raise ExtractionError(path, NOT_REGULAR) from error
    except FileTooLargeError as error:
        raise ExtractionError(path, str(error)) from error
    if suffix == DOCX_SUFFIX:  # checked as a regular file of bounded size above
        try:
            return ExtractedText(lines=read_docx_lines(path, budget=budget), page_count=None)
        except DocxError as error:
            raise ExtractionError(path, error.reason) from error
    text = _decode_text(path, data)
    if budget is not None:
        budget.check_chars(len(text))
    if suffix == ".md":
        text = _strip_markdown(text)
    lines = tuple(Line(text=line.rstrip()) for line in text.splitlines())
    return ExtractedText(lines=lines, page_count=None)


# --------------------------------------------------------------------------- plain text

# "## Title", and "##Title" as written by converters that omit the space (two or more marks, so
# that a "#5" at the start of a line stays text).
MARKDOWN_HEADING = re.compile(r"^\s{0,3}(?:#{1,6}\s+|#{2,6}(?=[^\s#]))(.*?)\s*#*\s*$")
MARKDOWN_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\w)"
)
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# Control characters other than tab, newline, carriage return and form feed.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _decode_text(path: Path, data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        raise ExtractionError(path, "binary file named like text: it is a PDF")
    # UTF-32 first: its little-endian byte-order mark begins like UTF-16's.
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            return data.decode("utf-32")
        except UnicodeDecodeError as error:
            raise ExtractionError(
                path, f"broken UTF-32 text (byte {error.start}): save it as UTF-8"
            ) from error
    # Windows "Unicode" text is UTF-16 with a byte-order mark (and full of NUL bytes).
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ExtractionError(
                path, f"broken UTF-16 text (byte {error.start}): save it as UTF-8"
            ) from error
    kind = _sniff(data)
    if kind is not None:
        raise ExtractionError(path, f"binary file named like text: {kind}")
    if b"\x00" in data:
        raise ExtractionError(path, "binary file named like text (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Older Windows exports: accept cp1252 only when the result looks like prose.
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible_text(text):
            return text
    raise ExtractionError(
        path,
        "text in an unknown encoding (not UTF-8, UTF-16 or Windows-1252): save it as UTF-8",
    )


# Magic numbers of what arrives by e-mail instead of a document.
_MAGIC = (
    (
        b"PK\x03\x04",
        "a ZIP archive or Office file (.docx/.odt): name a Word file .docx, or export it as PDF",
    ),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc/.xls): export it as PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"{\\rtf", "an RTF document: export it as PDF"),
    (b"\x1f\x8b", "a gzip archive"),
)


def _sniff(data: bytes) -> str | None:
    """What a non-document file is, from its first bytes; None when it may be text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "an HTML page (a failed download?)"
    return None


def _plausible_text(text: str) -> bool:
    if not text:
        return False
    controls = len(CONTROL_CHARS.findall(text))
    letters_and_spaces = sum(1 for char in text if char.isalpha() or char.isspace())
    return controls / len(text) < 0.001 and letters_and_spaces / len(text) > 0.7


def _strip_markdown(text: str) -> str:
    out: list[str] = []
    for line in text.splitlines():
        heading = MARKDOWN_HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = MARKDOWN_LINK.sub(r"\1", line)
        line = MARKDOWN_EMPHASIS.sub(lambda m: m.group(2) or m.group(3), line)
        out.append(line)
    return "\n".join(out)


# --------------------------------------------------------------------------- PDF reading


@dataclass
class _RawLine:
    """One printed line of a PDF page with its position (PDF points, y grows upwards)."""

    text: str
    page: int
    x: float
    y: float
    size: float
    bold: bool


def _extract_pdf(
    path: Path,
    *,
    password: str | None,
    max_pages: int,
    language: str | None,
    max_ocr_pages: int,
    budget: Budget,
) -> ExtractedText:
    with open_regular(path) as handle:
        head = handle.read(1024)
        handle.seek(max(0, path.stat().st_size - 2048))
        tail = handle.read()
    if b"%PDF-" not in head:
        kind = _sniff(head)
        if kind is None:
            kind = "plain text" if _looks_like_text(head) else f"bad header {head[:8]!r}"
        raise ExtractionError(path, f"not a PDF: {kind}")
    if b"%%EOF" not in tail:
        raise ExtractionError(path, "corrupt or truncated PDF (no %%EOF end marker)")
    # pypdf raises many exception types on damaged files; none may escape this function.
    from pypdf import PdfReader

    try:
        reader = PdfReader(path, strict=False)
        _unlock(path, reader, password)
        page_count = len(reader.pages)
    except ExtractionError:
        raise
    except Exception as error:
        raise ExtractionError(path, f"corrupt or truncated PDF ({_describe(error)})") from error
    if page_count == 0:
        raise ExtractionError(path, "PDF has no pages")
    if page_count > max_pages:
        raise ExtractionError(path, f"too many pages: {page_count} exceeds max_pages={max_pages}")
    pages: list[list[_RawLine]] = []
    characters = 0
    for number in range(1, page_count + 1):
        try:
            pages.append(_page_lines(reader, number))
        except Exception as error:
            raise ExtractionError(
                path, f"corrupt PDF: cannot read page {number} ({_describe(error)})"
            ) from error
        characters += sum(len(line.text) for line in pages[-1])
        budget.check_chars(characters)
        budget.check_time(f"reading page {number} of {page_count}")
    scanned = _pages_to_ocr(reader, pages)
    if scanned:
        _ocr_pages(
            path,
            reader,
            pages,
            scanned,
            password=password,
            language=language,
            max_ocr_pages=max_ocr_pages,
            budget=budget,
        )
    body = _drop_running_lines(pages)
    # Scans often carry a stray word or a page label as text; that is not a text layer.
    if sum(char.isalnum() for line in body for char in line.text) < 10 * page_count:
        if scanned:
            raise ExtractionError(
                path, f"scanned PDF: OCR found no usable text on {_describe_pages(scanned)}"
            )
        raise ExtractionError(path, "no usable text layer (scanned?): needs OCR")
    return ExtractedText(
        lines=tuple(_reflow(body)),
        page_count=page_count,
        ocr_pages=tuple(scanned),
        running_lines_removed=sum(len(page) for page in pages) - len(body),
    )


# --------------------------------------------------------------------------- OCR fallback

# A page with fewer letters and digits than this has no text layer worth the name.
MIN_PAGE_CHARS = 10


def _pages_to_ocr(reader: PdfReader, pages: list[list[_RawLine]]) -> list[int]:
    """Pages (1-based) without a text layer that show an image, i.e. scanned pages.

    A textless page without images is blank and left alone, unless no page of the document
    has text: then its text may be drawn as outlines, which only rendering + OCR can read.
    """
    textless = [
        number
        for number, lines in enumerate(pages, start=1)
        if sum(char.isalnum() for line in lines for char in line.text) < MIN_PAGE_CHARS
    ]
    if len(textless) == len(pages):
        return textless
    return [number for number in textless if _shows_images(reader, number)]


def _shows_images(reader: PdfReader, number: int) -> bool:
    try:
        return len(reader.pages[number - 1].images) > 0
    except Exception:  # odd resources: let OCR look rather than lose a page silently
        return True


def _ocr_pages(
    path: Path,
    reader: PdfReader,
    pages: list[list[_RawLine]],
    scanned: list[int],
    *,
    password: str | None,
    language: str | None,
    max_ocr_pages: int,
    budget: Budget,
) -> None:
    """Replace the (empty) lines of the `scanned` pages with what OCR reads on them."""
    engine: OcrEngine | None = find_ocr()
    if engine is None:
        raise ExtractionError(
            path,
            f"no text layer on {_describe_pages(scanned)} (scanned?): needs OCR; "
            f"{unavailable_reason()}",
        )
    if len(scanned) > max_ocr_pages:
        raise ExtractionError(
            path,
            f"too many scanned pages to OCR: {len(scanned)} exceeds max_ocr_pages={max_ocr_pages}",
        )
    for number in scanned:
        budget.check_time(f"OCR of page {number}")
        try:
            page = reader.pages[number - 1]
            box = page.cropbox
            width, height = float(box.width), float(box.height)
            if page.rotation % 180 == 90:
                width, height = height, width  # pdftoppm renders the page as displayed
        except Exception as error:
            raise ExtractionError(
                path, f"corrupt PDF: cannot size page {number} ({_describe(error)})"
            ) from error
        try:
            recognised = engine.read_page(
                path, number, width=width, height=height, language=language, password=password
            )
        except OcrError as error:
            raise ExtractionError(path, f"OCR failed: {error.reason}") from error
        pages[number - 1] = [
            _RawLine(
                text=line.text.translate(LIGATURES),
                page=number,
                x=line.x,
                y=line.y,
                size=line.size,
                bold=False,
            )
            for line in recognised
        ]


def _describe_pages(numbers: list[int]) -> str:
    """Page numbers for a message: "page 3", "pages 1-6", "pages 1, 3, 5-7"."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs]
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(parts)


def raw_page_texts(path: Path, *, password: str | None = None) -> tuple[str, ...]:
    """pypdf's uncleaned text of each page (headers, footers and hyphens left as printed).

    For diagnostics and tests: shows what extract_lines() had to clean up.
    """
    from pypdf import PdfReader

    try:
        reader = PdfReader(path, strict=False)
        _unlock(path, reader, password)
        return tuple(page.extract_text() for page in reader.pages)
    except ExtractionError:
        raise
    except Exception as error:
        raise ExtractionError(path, f"corrupt or truncated PDF ({_describe(error)})") from error


def _looks_like_text(data: bytes) -> bool:
    try:
        return _plausible_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _unlock(path: Path, reader: PdfReader, password: str | None) -> None:
    if not reader.is_encrypted:
        return
    from pypdf import PasswordType

    if password is None:
        # Owner-password-only PDFs open with the empty user password.
        if reader.decrypt("") != PasswordType.NOT_DECRYPTED:
            return
        raise ExtractionError(path, "encrypted, no password given")
    if reader.decrypt(password) == PasswordType.NOT_DECRYPTED:
        raise ExtractionError(path, "encrypted, wrong password")


BOLD_FONT = re.compile(r"bold|black|heavy|cmbx|-bd\b|,b\b", re.IGNORECASE)
LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "\u00ad": ""})


def _page_lines(reader: PdfReader, number: int) -> list[_RawLine]:
    """The printed lines of one page in content order, from pypdf's positioned fragments.

    pypdf reports each text fragment when it flushes it, with the font that is current at
    that moment (often the next one), so the font of every text-showing operator is tracked
    separately and matched to the lines by their baseline.
    """
    page = reader.pages[number - 1]
    font_names = _font_names(page)
    lines: list[_RawLine] = []
    current: list[str] = []
    state: dict[str, Any] = {}
    shown: list[tuple[float, bool, float]] = []  # (baseline y, bold, size) per show operator
    font_stack: list[tuple[str, float]] = []
    font: list[tuple[str, float]] = [("", 12.0)]

    def before(operator: bytes, operands: list[Any], cm: list[float], tm: list[float]) -> None:
        if operator == b"q":
            font_stack.append(font[0])
        elif operator == b"Q" and font_stack:
            font[0] = font_stack.pop()
        elif operator == b"Tf" and len(operands) >= 2:
            font[0] = (font_names.get(str(operands[0]), ""), float(operands[1]))
        elif operator in (b"Tj", b"TJ", b"'", b'"'):
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            size = font[0][1] * (abs(tm[3] * cm[3]) or 1.0)
            shown.append((y, bool(BOLD_FONT.search(font[0][0])), size))

    def close() -> None:
        text = "".join(current).translate(LIGATURES).strip()
        if text:
            lines.append(_RawLine(text=text, page=number, **state))
        current.clear()

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if not text:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or 1.0
        for index, part in enumerate(text.split("\n")):
            if index:
                close()
            if not part:
                continue
            if current and abs(y - state["y"]) > 0.5 * state["size"]:
                close()
            if not current:
                state.update(x=x, y=y, size=size * scale, bold=False)
            current.append(part)

    page.extract_text(visitor_operand_before=before, visitor_text=visit)
    close()
    for line in lines:
        near = [(bold, size) for y, bold, size in shown if abs(y - line.y) < 1.0]
        if near:
            line.bold = sum(bold for bold, _ in near) * 2 > len(near)
            line.size = max(size for _, size in near)
    return lines


def _font_names(page: Any) -> dict[str, str]:
    """Resource name ("/F2") -> BaseFont ("/AAAAAA+DejaVuSerif-Bold") for a page."""
    names: dict[str, str] = {}
    try:
        fonts = page["/Resources"]["/Font"]
        for key, value in fonts.items():
            names[str(key)] = str(value.get_object().get("/BaseFont", ""))
    except Exception:  # missing or odd resources: fonts only refine the layout
        return names
    return names


# --------------------------------------------------------------------------- headers/footers

EDGE_LINES = 3  # how many lines at the top and at the bottom of a page can be page furniture
PAGE_NUMBER = re.compile(
    r"^(?:(?:page|pagina|seite|blz\.?|p\.)\s*#(?:\s*(?:of|van|von|sur|de|/)\s*#)?|[-–—]\s*#\s*[-–—]|#|#\s*/\s*#)$"
)
STRUCTURE_HEADING = re.compile(
    r"^(?:Artikel|Article|Art\.|Artículo|Articolo|Bijlage|Annex|Annexe|Anlage|Aanhangsel)"
    r"\s+[0-9IVXLC]+\s*[a-zA-Z]{0,3}$"
)


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()


def _drop_running_lines(pages: list[list[_RawLine]]) -> list[_RawLine]:
    """Remove running headers and footers: lines repeated at the edges of many pages.

    A line at the top or bottom of a page counts as page furniture when, with digits
    normalised ("Page 3 of 12" = "Page 4 of 12"), it recurs at the edge of several pages.
    Documents of one or two pages are left alone: nothing can be said to repeat.
    """
    if len(pages) < 3:
        return [line for page in pages for line in page]
    edge_counts: Counter[str] = Counter()
    for page in pages:
        edge_counts.update({_normalised(line.text) for line in _edge(page)})
    general_threshold = max(3, 0.4 * len(pages))
    page_number_threshold = max(2, 0.25 * len(pages))
    body: list[_RawLine] = []
    for page in pages:
        edge_ids = {id(line) for line in _edge(page)}
        for line in page:
            key = _normalised(line.text)
            threshold = page_number_threshold if PAGE_NUMBER.match(key) else general_threshold
            if (
                id(line) in edge_ids
                and edge_counts[key] >= threshold
                and not STRUCTURE_HEADING.match(line.text)
            ):
                continue
            body.append(line)
    return body


def _edge(page: list[_RawLine]) -> list[_RawLine]:
    return page[:EDGE_LINES] + page[max(EDGE_LINES, len(page) - EDGE_LINES) :]


# --------------------------------------------------------------------------- reflow

# Lines that always begin a new paragraph: numbered paragraphs "1." "(2)" "(3)." "a)" "(b)",
# indents "(iv)", bullets and dashes.
PARAGRAPH_START = re.compile(
    r"^(?:\(\d{1,3}[a-z]?\)\.?|\d{1,3}[a-z]?[.)]|\([a-z]{1,2}\)|[a-z][.)]|\([ivxlc]{1,6}\)"
    r"|[ivxlc]{1,6}\)|[−–—•▪◦·-])\s"
)
# Words after which a line-end hyphen is a suspended compound ("terug- en overname").
SUSPENDED_HYPHEN_NEXT = {"en", "of", "und", "oder", "et", "ou", "and", "or", "bzw.", "resp."}
TERMINAL = (".", ":", ";", "!", "?", "”", "»")
# Multiples of the document's line spacing that count as a paragraph gap.
GAP_FACTOR = 1.35


@dataclass
class _Paragraph:
    text: str
    page: int
    blank_before: bool


def _reflow(lines: list[_RawLine]) -> list[Line]:
    """Join wrapped lines into paragraphs; one output line per paragraph or heading."""
    if not lines:
        return []
    leading = _typical_leading(lines)
    full_width = _typical_full_line_length(lines)
    vocabulary = _vocabulary(lines)
    left_margins: dict[int, float] = {}
    for line in lines:
        left_margins[line.page] = min(left_margins.get(line.page, line.x), line.x)
    paragraphs: list[_Paragraph] = []
    previous: _RawLine | None = None
    for line in lines:
        if previous is None:
            paragraphs.append(_Paragraph(line.text, line.page, blank_before=False))
        else:
            new, blank = _starts_paragraph(
                previous, line, leading, full_width, left_margins[line.page]
            )
            if new:
                paragraphs.append(_Paragraph(line.text, line.page, blank_before=blank))
            else:
                last = paragraphs[-1]
                last.text = join_wrapped(last.text, line.text, vocabulary)
        previous = line
    out: list[Line] = []
    for paragraph in paragraphs:
        if paragraph.blank_before and out:
            out.append(Line(text="", page=paragraph.page))
        out.append(Line(text=paragraph.text, page=paragraph.page))
    return out


def _starts_paragraph(
    previous: _RawLine, line: _RawLine, leading: float, full_width: int, left_margin: float
) -> tuple[bool, bool]:
    """(does `line` start a new paragraph, is there a paragraph gap before it)."""
    if line.page == previous.page:
        drop = previous.y - line.y
        if drop < -0.5 * line.size or drop > 3 * leading + line.size * 2:
            return True, True  # moved up (next column) or jumped far down (a figure between)
        gap = drop > GAP_FACTOR * leading
    else:
        gap = False
    if STRUCTURE_HEADING.match(previous.text) or STRUCTURE_HEADING.match(line.text):
        return True, gap
    if line.bold != previous.bold or _shouts(line.text) and not _shouts(previous.text):
        return True, gap  # a change of font weight, or a heading in capitals
    if gap:
        return True, True
    if (
        line.page == previous.page
        and 0.8 * line.size < line.x - previous.x < 4 * line.size
        and abs(previous.x - left_margin) < 2.0
        and not line.bold
    ):
        return True, False  # first-line indent (centred headings do not start at the margin)
    # A full line that does not finish a sentence runs on, even into "(1) et (2) ..." or a
    # telephone number "(21) 210 ..." that happens to start the next printed line.
    runs_on = len(previous.text) >= 0.85 * full_width and not previous.text.endswith(TERMINAL)
    if PARAGRAPH_START.match(line.text):
        return not runs_on, line.page != previous.page
    if len(previous.text) < 0.5 * full_width:
        return True, line.page != previous.page  # justified text: only a last line is short
    short_previous = len(previous.text) < 0.7 * full_width
    if line.page != previous.page:
        # No gap to measure across a page break: a short or finished line ends the
        # paragraph, unless the next page carries on in lower case.
        if line.text[:1].islower() or runs_on:
            return False, False
        finished = previous.text.endswith(TERMINAL) and line.text[:1].isupper()
        return (short_previous or finished), True
    return short_previous and previous.text.endswith(TERMINAL), False


def _shouts(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 8 and all(char.isupper() for char in letters)


def _typical_leading(lines: list[_RawLine]) -> float:
    """The line spacing inside paragraphs: the smallest drop between lines that is common.

    Not the median: form pages made of one-line paragraphs have more gaps than line drops.
    """
    drops = Counter(
        round(a.y - b.y, 1)
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page and 0.5 * b.size < a.y - b.y < 3 * b.size
    )
    if not drops:
        return 1.2 * statistics.median(line.size for line in lines)
    most = max(drops.values())
    return min(drop for drop, count in drops.items() if count >= 0.2 * most)


def _typical_full_line_length(lines: list[_RawLine]) -> int:
    lengths = sorted(len(line.text) for line in lines if len(line.text) >= 20)
    if not lengths:
        return 80
    return lengths[int(0.9 * (len(lengths) - 1))]


WORD = re.compile(r"[^\W\d_][\w-]*[^\W\d_]", re.UNICODE)


def _vocabulary(lines: list[_RawLine]) -> set[str]:
    """Words printed whole somewhere in the document, to decide line-end hyphens."""
    words: set[str] = set()
    for line in lines:
        tokens = line.text.split()
        if tokens and tokens[-1].endswith("-"):
            tokens = tokens[:-1]  # "readmis-": half a word
        for token in tokens[1:]:  # the first may be the other half ("sion")
            words.update(word.lower() for word in WORD.findall(token))
    return words


def join_wrapped(text: str, continuation: str, vocabulary: Set[str] = frozenset()) -> str:
    """Append a wrapped line to its paragraph, resolving a hyphen at the line end.

    `vocabulary` holds the lower-cased words printed whole elsewhere in the document: it
    tells a real compound broken at its hyphen ("e-mail") from a hyphenated word.
    """
    if not (text.endswith("-") and len(text) >= 2 and text[-2].isalpha()):
        return f"{text} {continuation}"
    next_word = continuation.split(" ", 1)[0]
    if next_word.lower() in SUSPENDED_HYPHEN_NEXT:
        return f"{text} {continuation}"  # "terug- en overname"
    head_match = re.search(r"([^\W\d_]+)-$", text)
    head = head_match.group(1) if head_match else ""
    tail_match = re.match(r"[^\W\d_]+", next_word)
    tail = tail_match.group(0) if tail_match else ""
    if not tail or (tail[0].isupper() and not (head.isupper() and tail.isupper())):
        return f"{text}{continuation}"  # "Benelux-Staten", "EU-Laissez-Passer", "2013-2014"
    joined, hyphenated = f"{head}{tail}".lower(), f"{head}-{tail}".lower()
    if joined in vocabulary:
        return f"{text[:-1]}{continuation}"
    if hyphenated in vocabulary or (head.lower() in vocabulary and tail.lower() in vocabulary):
        return f"{text}{continuation}"  # a real compound broken at its hyphen: "three-month"
    return f"{text[:-1]}{continuation}"  # "readmis-" + "sion"
