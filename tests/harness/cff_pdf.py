"""A one-page PDF whose apostrophe is only readable through its embedded CFF font.

Treaty PDFs from some publishers embed subset Type 1 fonts in the compact CFF format
(`/FontFile3 /Subtype /Type1C`) with no `/ToUnicode` map and no `/Encoding` in the font
dictionary: the character codes are defined only by the encoding inside the font program.
pypdf reads that encoding with fontTools
(`pypdf._cmap._derive_character_map_from_cff_type1_font_file`);
without fontTools it warns "fontTools is required to fully parse the encoding of a CFF Type1 font"
and falls back to the standard encoding, where such a font's code for ’ (here 0x90, as in
Windows code pages' smart quotes) means nothing: the apostrophe is lost ("State\\x90s").

The font is built here with fontTools' FontBuilder (square glyphs: only the encoding matters),
so no third-party file is committed.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen

APOSTROPHE_CODE = 0x90  # undefined in the standard encoding
FONT_NAME = "ReadmitCffProbe"


def _square(width: int) -> object:
    pen = T2CharStringPen(width, None)
    pen.moveTo((50, 0))
    pen.lineTo((50, 700))
    pen.lineTo((width - 50, 700))
    pen.lineTo((width - 50, 0))
    pen.closePath()
    return pen.getCharString()


DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
PUNCTUATION = {" ": "space", ".": "period", ",": "comma", "-": "hyphen"}


def _glyph_name(character: str) -> str:
    if character.isascii() and character.isalpha():
        return character
    if character.isascii() and character.isdigit():
        return DIGITS[int(character)]
    if character in PUNCTUATION:
        return PUNCTUATION[character]
    raise ValueError(f"the probe font has no glyph for {character!r}")


def cff_font(characters: str) -> bytes:
    """A bare CFF font program for `characters` (ASCII letters and digits at their own codes,
    space and . , -) plus ’ at APOSTROPHE_CODE, with that encoding built into the font."""
    codes = {ord(c): _glyph_name(c) for c in set(characters) if c != "\u2019"}
    codes[APOSTROPHE_CODE] = "quoteright"
    glyphs = [".notdef", *sorted(set(codes.values()))]
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder(glyphs)
    unicode = {code: name for code, name in codes.items() if code != APOSTROPHE_CODE}
    builder.setupCharacterMap(unicode | {0x2019: "quoteright"})
    builder.setupCFF(FONT_NAME, {"FullName": FONT_NAME}, {g: _square(500) for g in glyphs}, {})
    cff = builder.font["CFF "].cff
    encoding = [".notdef"] * 256
    for code, name in codes.items():
        encoding[code] = name
    cff.topDictIndex[0].Encoding = encoding
    program = BytesIO()
    cff.compile(program, builder.font)
    return program.getvalue()


def write_cff_pdf(path: Path, lines: list[str]) -> Path:
    """Write a one-page PDF showing `lines` (ASCII letters, digits, . , - and ’) in the CFF font."""
    font = cff_font("".join(lines))
    shown = []
    for number, line in enumerate(lines):
        encoded = line.replace("\u2019", chr(APOSTROPHE_CODE)).encode("latin-1")
        shown.append(b"BT /F1 12 Tf 72 %d Td (%s) Tj ET" % (760 - 16 * number, encoded))
    content = b"\n".join(shown)
    widths = b" ".join([b"500"] * (APOSTROPHE_CODE - 0x20 + 1))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /FirstChar 32 /LastChar %d "
        b"/Widths [%s] /FontDescriptor 6 0 R >>" % (FONT_NAME.encode(), APOSTROPHE_CODE, widths),
        b"<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [0 0 500 700] "
        b"/ItalicAngle 0 /Ascent 700 /Descent 0 /CapHeight 700 /StemV 80 /FontFile3 7 0 R >>"
        % FONT_NAME.encode(),
        b"<< /Subtype /Type1C /Length %d >>\nstream\n%s\nendstream" % (len(font), font),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(pdf))
    return path
