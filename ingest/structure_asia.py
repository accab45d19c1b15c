"""Article and chapter headings in the region's languages, for `ingest.structure`.

Indonesian/Malay ("Pasal 5", "BAB II", "Bagian Kesatu", "Bahagian 2", "Seksyen 3"), Vietnamese
("Điều 5. Tiêu đề", "Chương II", "Mục 1"), Thai ("มาตรา ๕", "ข้อ ๑", "หมวด ๒", "ส่วนที่ ๑", Thai
digits), Chinese ("第五条", "第二章 总则", "第一节", Chinese numerals), Khmer ("មាត្រា ៥", "ជំពូក ២",
Khmer digits), Lao ("ມາດຕາ 5 ຈຸດປະສົງ" with its title on the line, "ໝວດທີ 2", "ພາກທີ I", Lao
digits) and Tagalog/Filipino ("Seksyon 5", "Artikulo II", "Kabanata 3").

Numbers are normalised to ASCII ("第十四条" → "14", "มาตรา ๔๒" → "42", "Bagian Kedua" → "2") so
eIds stay language-neutral (`art_14`, `chp_2`); the heading line is kept as printed. Chinese,
Thai and Khmer articles start their body on the heading line ("第一条 中华人民共和国……"):
`split_article_lines` cuts such a line into the heading and a body line before parsing.
A Chinese article's 款 (paragraphs) are unnumbered lines; the 项 (items) of a 款 are numbered
"(一)" or "（一）" (`chinese_item`), and become its points `point_1`, `point_2` ….
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.types import Line

__all__ = [
    "AsianHeading",
    "CHINESE_ITEM",
    "ascii_digits",
    "chinese_item",
    "chinese_number",
    "classify_asian",
    "split_article_lines",
]

CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL = "[〇零一二两三四五六七八九十百千]+"
_CHINESE_NUMERAL = re.compile(CHINESE_NUMERAL)
NATIVE_NUMBER = r"[0-9\u0e50-\u0e59\u0ed0-\u0ed9\u17e0-\u17e9]{1,4}"  # ASCII, Thai, Lao, Khmer
ROMAN = r"[IVXLC]{1,7}"

# Indonesian ordinal words of "Bagian Kesatu/Kedua/…" (sections of a chapter).
INDONESIAN_ORDINALS = {
    "pertama": 1,
    "kesatu": 1,
    "kedua": 2,
    "ketiga": 3,
    "keempat": 4,
    "kelima": 5,
    "keenam": 6,
    "ketujuh": 7,
    "kedelapan": 8,
    "kesembilan": 9,
    "kesepuluh": 10,
}

# Article words followed by a number; the body may follow on the same line (zh, th, km).
ARTICLE_PATTERNS = (
    re.compile(
        r"^(?:Pasal|PASAL|Seksyen|SEKSYEN|Seksyon|SEKSYON|Sek\.)\s+(?P<num>\d{1,4}[A-Z]?)\.?$"
    ),
    re.compile(r"^(?:Điều|ĐIỀU)\s+(?P<num>\d{1,4}[a-z]?)\.(?:\s+(?P<inline>\S.{0,198}))?$"),
    re.compile(
        rf"^(?:มาตรา|ข้อ)\s*(?P<num>{NATIVE_NUMBER})(?:/(?P<sub>{NATIVE_NUMBER}))?(?:\s+(?P<body>\S.*))?$"
    ),
    re.compile(
        rf"^第(?P<num>{CHINESE_NUMERAL})条(?:之(?P<sub>{CHINESE_NUMERAL}))?(?:\s*(?P<body>\S.*))?$"
    ),
    re.compile(rf"^មាត្រា\s*(?P<num>{NATIVE_NUMBER})(?:\s*[.:៖]?\s*(?P<body>\S.*))?$"),
    # Lao: the article's title follows its number on the line, the body on the next lines
    re.compile(rf"^ມາດຕາ\s*(?P<num>{NATIVE_NUMBER})\.?(?:\s+(?P<inline>\S.{{0,198}}))?$"),
)

# Every heading above starts with one of these words: one cheap test keeps other lines out.
_STARTS = re.compile(
    r"^(?:Pasal|PASAL|Seksy|SEKSY|Sek\.|Điều|ĐIỀU|มาตรา|ข้อ|第|មាត្រា|BAB|Bab|BAGIAN|Bagian|"
    r"BAHAGIAN|Bahagian|CHƯƠNG|Chương|MỤC|Mục|หมวด|ลักษณะ|ส่วนที่|ជំពូក|ផ្នែក|ARTIKULO|Artikulo|"
    r"KABANATA|Kabanata|ມາດຕາ|ໝວດ|ຫມວດ|ພາກ)"
)

CONTAINER_RANK = {"part": 0, "chapter": 2, "section": 3}
# (pattern, rank name); the label is the matched heading, `num` its number, `inline` a title.
CONTAINER_PATTERNS = (
    (
        re.compile(
            # the title after a separator, or in capitals after a space: "BAB I KETENTUAN UMUM"
            rf"^(?:BAB|Bab)\s+(?P<num>{ROMAN}|\d{{1,3}})"
            r"(?:(?:\s*[.:\-–]\s*|\s+(?=[A-Z][^a-z]*$))(?P<inline>\S.*))?$"
        ),
        "chapter",
    ),
    (
        re.compile(
            # "Bagian Kedua Masuk Wilayah Indonesia": a capitalised title may follow the ordinal
            r"^(?:BAGIAN|Bagian)\s+(?P<num>[A-Za-z]+|\d{1,3})"
            r"(?:(?:\s*[.:\-–]\s*|\s+(?=[A-Z]))(?P<inline>\S.*))?$"
        ),
        "section",
    ),
    (
        re.compile(
            rf"^(?:BAHAGIAN|Bahagian)\s+(?P<num>{ROMAN}|\d{{1,3}})(?:\s*[.:\-–]\s*(?P<inline>\S.*))?$"
        ),
        "part",
    ),
    (
        re.compile(
            rf"^(?:CHƯƠNG|Chương)\s+(?P<num>{ROMAN}|\d{{1,3}})(?:\s*[.:\-–]\s*(?P<inline>\S.*))?$"
        ),
        "chapter",
    ),
    (
        re.compile(
            rf"^(?:MỤC|Mục)\s+(?P<num>{ROMAN}|\d{{1,3}})(?:\s*[.:\-–]\s*(?P<inline>\S.*))?$"
        ),
        "section",
    ),
    (
        re.compile(rf"^(?:หมวด|ลักษณะ)\s*(?P<num>{NATIVE_NUMBER})(?:\s+(?P<inline>\S.*))?$"),
        "chapter",
    ),
    (re.compile(rf"^ส่วนที่\s*(?P<num>{NATIVE_NUMBER})(?:\s+(?P<inline>\S.*))?$"), "section"),
    (
        # "ໝວດທີ 2" (the letter ໝ, or ຫ + ມ as older texts type it)
        re.compile(
            rf"^(?:ໝ|ຫມ)ວດ(?:ທີ)?\s*(?P<num>{NATIVE_NUMBER}|{ROMAN})(?:\s+(?P<inline>\S.*))?$"
        ),
        "chapter",
    ),
    (
        re.compile(rf"^ພາກ(?:ທີ)?\s*(?P<num>{NATIVE_NUMBER}|{ROMAN})(?:\s+(?P<inline>\S.*))?$"),
        "part",
    ),
    (re.compile(rf"^第(?P<num>{CHINESE_NUMERAL})编(?:\s*(?P<inline>\S.*))?$"), "part"),
    (re.compile(rf"^第(?P<num>{CHINESE_NUMERAL})章(?:\s*(?P<inline>\S.*))?$"), "chapter"),
    (re.compile(rf"^第(?P<num>{CHINESE_NUMERAL})节(?:\s*(?P<inline>\S.*))?$"), "section"),
    (
        re.compile(rf"^ជំពូក\s*(?P<num>{NATIVE_NUMBER}|{ROMAN})(?:\s*[.:៖]?\s*(?P<inline>\S.*))?$"),
        "chapter",
    ),
    (
        re.compile(rf"^ផ្នែក\s*(?P<num>{NATIVE_NUMBER}|{ROMAN})(?:\s*[.:៖]?\s*(?P<inline>\S.*))?$"),
        "section",
    ),
    (
        re.compile(
            rf"^(?:ARTIKULO|Artikulo|KABANATA|Kabanata)\s+(?P<num>{ROMAN}|\d{{1,3}})\.?(?:\s*[.:\-–]\s*(?P<inline>\S.*))?$"
        ),
        "chapter",
    ),
)


# A 项 (item) of a Chinese 款: "(一)" or, with full-width brackets, "（一）" at the start of a line.
CHINESE_ITEM = re.compile(rf"^[(（](?P<num>{CHINESE_NUMERAL})[)）]\s*")


@dataclass(frozen=True)
class AsianHeading:
    kind: str  # "article" | "chapter"
    number: str  # the article number ("14", "6/1") or the container's label as printed
    value: str  # normalised number for the eId ("14", "2", "ii")
    rank: int = 2
    inline: str | None = None


def ascii_digits(text: str) -> str:
    """Native decimal digits (Thai ๔๒, Khmer ៤២, …) as ASCII digits."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def chinese_number(text: str) -> int:
    """ "十四" → 14, "二十" → 20, "一百零三" → 103, "四十七" → 47."""
    total, digit = 0, 0
    for char in text:
        if char in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[char]
        else:
            total += (digit or 1) * CHINESE_UNITS[char]
            digit = 0
    return total + digit


def chinese_item(text: str) -> tuple[str, int] | None:
    """The number of the Chinese item this line starts ("（三）持用他人……" → "3") and the length
    of its marker; None for any other line."""
    match = CHINESE_ITEM.match(text)
    if match is None:
        return None
    return str(chinese_number(match.group("num"))), match.end()


def _number(raw: str) -> str:
    if _CHINESE_NUMERAL.fullmatch(raw):
        return str(chinese_number(raw))
    ordinal = INDONESIAN_ORDINALS.get(raw.lower())
    if ordinal is not None:
        return str(ordinal)
    return ascii_digits(raw)


def _article(text: str) -> tuple[re.Match[str], str] | None:
    for pattern in ARTICLE_PATTERNS:
        match = pattern.match(text)
        if match:
            number = _number(match.group("num"))
            sub = match.groupdict().get("sub")
            return match, f"{number}.{_number(sub)}" if sub else number
    return None


def classify_asian(text: str) -> AsianHeading | None:
    """The article or container heading this line is, in one of the region's languages."""
    if not _STARTS.match(text):
        return None
    found = _article(text)
    if found is not None:
        match, number = found
        if match.groupdict().get("body"):
            return None  # split_article_lines cuts these before classification
        return AsianHeading("article", number, number, inline=match.groupdict().get("inline"))
    for pattern, rank_name in CONTAINER_PATTERNS:
        container = pattern.match(text)
        if container:
            raw = container.group("num")
            if rank_name == "section" and raw.isalpha() and raw.lower() not in INDONESIAN_ORDINALS:
                continue  # "Bagian ini …" is a sentence, not "Bagian Kedua"
            inline = container.group("inline")
            label = text[: container.start("inline")].strip() if inline else text
            value = _number(raw).lower()
            return AsianHeading("chapter", label, value, CONTAINER_RANK[rank_name], inline)
    return None


def split_article_lines(lines: Sequence[Line]) -> list[Line]:
    """Cut "第一条 body…", "มาตรา ๕ body…", "ข้อ ๑ body…" into a heading line and a body line."""
    out: list[Line] = []
    for line in lines:
        text = line.text.strip()
        found = _article(text) if len(text) > 1 and text[0] in "第มขម" else None
        body = found[0].groupdict().get("body") if found else None
        if found is None or not body:
            out.append(line)
            continue
        heading = text[: found[0].start("body")].strip()
        out.append(replace(line, text=heading))
        out.append(replace(line, text=body))
    return out
