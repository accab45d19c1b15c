"""Time limits in the region's languages, for `ingest.time_limits`.

"dalam waktu 30 (tiga puluh) hari" (Indonesian/Malay), "trong thời hạn 15 ngày" (Vietnamese),
"ภายในสามสิบวัน" / "ภายใน ๑๕ วัน" (Thai, digits or words), "三十日内" / "15日内" / "六个月"
(Chinese, digits or numerals).

Dates are the trap in these languages ("ngày 13 tháng 11 năm 2008", "1995年9月1日"), so a
period needs a cue: Chinese a suffix (内, 以内, 之内, 后) or a word before it (不超过, 满, 为期,
之日起 …); Vietnamese and Thai number words a word before it (trong thời hạn, ภายใน …); a
Vietnamese number after "ngày"/"tháng" or before "năm 2008" is a date. Indonesian and Thai digits
followed by a unit are periods (their dates name the month: "10 Agustus 2015"), except an
Indonesian law's number and year ("Undang-Undang Nomor 6 Tahun 2011").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.structure_asia import ascii_digits, chinese_number

__all__ = ["AsianTimeLimit", "find_asian_time_limits", "indonesian_number", "thai_number"]


@dataclass(frozen=True)
class AsianTimeLimit:
    number: int
    unit: str  # hours, days, working days, weeks, months or years
    purpose: str
    text: str
    start: int
    end: int
    sentence: str


_ID_DIGITS = {
    "satu": 1,
    "se": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "lapan": 8,
    "sembilan": 9,
}
_ID_NUMBER_WORD = (
    r"(?:se|satu|dua|tiga|empat|lima|enam|tujuh|delapan|lapan|sembilan|sepuluh|sebelas)"
)
_ID_NUMBER = rf"{_ID_NUMBER_WORD}(?:\s+(?:belas|puluh|ratus)(?:\s+{_ID_NUMBER_WORD})?)*"
_ID_UNITS = {
    "hari kerja": "working days",
    "hari": "days",
    "minggu": "weeks",
    "bulan": "months",
    "tahun": "years",
    "jam": "hours",
}
INDONESIAN = re.compile(
    rf"(?<![\w/.-])(?:(?P<digits>\d{{1,3}})(?:\s*\((?P<words>{_ID_NUMBER})\))?|(?P<only>{_ID_NUMBER}))"
    # "Nomor 6 Tahun 2011" (a law's number and year) is a citation, not six years
    rf"\s+(?P<unit>hari kerja|hari|minggu|bulan|tahun|jam)\b(?!\s*\d{{4}}\b)",
    re.IGNORECASE,
)

_VI_UNITS = {
    "ngày làm việc": "working days",
    "ngày": "days",
    "tuần": "weeks",
    "tháng": "months",
    "năm": "years",
    "giờ": "hours",
}
VIETNAMESE = re.compile(
    r"(?<!ngày )(?<!tháng )(?<![\d/.])(?P<digits>\d{1,3})\s+"
    r"(?P<unit>ngày làm việc|ngày|tuần|tháng|năm|giờ)\b(?!\s+\d)(?!\s+năm\s+\d)"
)

_TH_DIGITS = {
    "หนึ่ง": 1,
    "เอ็ด": 1,
    "สอง": 2,
    "ยี่": 2,
    "สาม": 3,
    "สี่": 4,
    "ห้า": 5,
    "หก": 6,
    "เจ็ด": 7,
    "แปด": 8,
    "เก้า": 9,
}
_TH_WORD = "หนึ่ง|เอ็ด|สอง|ยี่|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ร้อย"
_TH_UNITS = {
    "วันทำการ": "working days",
    "วัน": "days",
    "สัปดาห์": "weeks",
    "เดือน": "months",
    "ปี": "years",
    "ชั่วโมง": "hours",
}
THAI = re.compile(
    rf"(?:(?P<cue>ภายใน|ไม่เกิน|เป็นเวลา|ไม่น้อยกว่า|ทุก)\s*(?P<words>(?:{_TH_WORD})+)"
    r"|(?P<digits>[0-9๐-๙]{1,3}))"
    r"\s*(?P<unit>วันทำการ|วัน|สัปดาห์|เดือน|ปี|ชั่วโมง)(?!ที่)"
)

_ZH_UNITS = {
    "工作日": "working days",
    "日": "days",
    "天": "days",
    "周": "weeks",
    "个月": "months",
    "月": "months",
    "年": "years",
    "小时": "hours",
}
CHINESE = re.compile(
    r"(?P<before>不超过|超过|满|为期|期限为|有效期为|延长|最长|之日起|起)?"
    r"(?P<number>\d{1,3}|[一二两三四五六七八九十百]+)(?P<unit>个工作日|工作日|个月|日|天|周|年|小时|月)"
    r"(?P<after>以内|之内|内|以后|之后|后|以上)?"
)

# What a limit is for, from words of its sentence (the purposes of ingest.time_limits).
_PURPOSE_CUES = (
    ("reply", r"答复|回复|trả lời|menjawab|jawaban|balasan|ตอบ"),
    ("transfer", r"移交|遣返|chuyển giao|penyerahan|diserahkan|ส่งตัว|ส่งกลับ"),
    ("travel-document", r"护照|证件|hộ chiếu|giấy tờ|paspor|dokumen perjalanan|หนังสือเดินทาง"),
    ("validity", r"有效期|thời hạn (?:thẻ|thị thực)|masa berlaku|อายุ"),
    ("termination", r"终止|chấm dứt|pengakhiran|berakhir|สิ้นสุด"),
)
_SENTENCE_END = re.compile(r"[。；;!?！？]|(?<=[.;:])\s+|\n+")


def indonesian_number(words: str) -> int | None:
    """ "tiga puluh" → 30, "dua belas" → 12, "sepuluh" → 10, "seratus dua puluh" → 120."""
    total, current = 0, 0
    for word in re.findall(r"se(?=puluh|belas|ratus)|\w+", words.lower()):
        if word in ("sepuluh", "sebelas"):
            current += 10 if word == "sepuluh" else 11
        elif word in _ID_DIGITS:
            current += _ID_DIGITS[word]
        elif word == "belas":
            current += 10
        elif word == "puluh":
            current *= 10
        elif word == "ratus":
            total += current * 100
            current = 0
        else:
            return None
    return total + current or None


def thai_number(words: str) -> int | None:
    """ "สามสิบ" → 30, "สิบห้า" → 15, "ยี่สิบเอ็ด" → 21, "เจ็ดสิบสอง" → 72."""
    total, digit = 0, 0
    for word in re.findall(_TH_WORD, words):
        if word == "สิบ":
            total += (digit or 1) * 10
            digit = 0
        elif word == "ร้อย":
            total += (digit or 1) * 100
            digit = 0
        else:
            digit = _TH_DIGITS[word]
    return total + digit or None


def _sentence(text: str, start: int, end: int) -> str:
    left, right = 0, len(text)
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.end() <= start:
            left = boundary.end()
        elif boundary.start() >= end:
            right = boundary.end()
            break
    return text[left:right].strip()


def _purpose(sentence: str) -> str:
    for purpose, cue in _PURPOSE_CUES:
        if re.search(cue, sentence, re.IGNORECASE):
            return purpose
    return "other"


def _limit(
    text: str, match: re.Match[str], number: int | None, unit: str, group: str = "number"
) -> AsianTimeLimit | None:
    """The limit of `match`; its span starts at the number (a cue word before it is left out)."""
    if not number:
        return None
    start = match.start(group) if match.group(group) else match.start()
    sentence = _sentence(text, start, match.end())
    return AsianTimeLimit(
        number, unit, _purpose(sentence), text[start : match.end()], start, match.end(), sentence
    )


def _indonesian(text: str) -> list[AsianTimeLimit | None]:
    out: list[AsianTimeLimit | None] = []
    for match in INDONESIAN.finditer(text):
        digits = match.group("digits")
        number = int(digits) if digits else indonesian_number(match.group("only"))
        group = "digits" if digits else "only"
        out.append(_limit(text, match, number, _ID_UNITS[match.group("unit").lower()], group))
    return out


def _vietnamese(text: str) -> list[AsianTimeLimit | None]:
    return [
        _limit(text, m, int(m.group("digits")), _VI_UNITS[m.group("unit")], "digits")
        for m in VIETNAMESE.finditer(text)
    ]


def _thai(text: str) -> list[AsianTimeLimit | None]:
    out: list[AsianTimeLimit | None] = []
    for match in THAI.finditer(text):
        words = match.group("words")
        number = thai_number(words) if words else int(ascii_digits(match.group("digits")))
        group = "words" if words else "digits"
        out.append(_limit(text, match, number, _TH_UNITS[match.group("unit")], group))
    return out


def _chinese(text: str) -> list[AsianTimeLimit | None]:
    out: list[AsianTimeLimit | None] = []
    for match in CHINESE.finditer(text):
        if not (match.group("before") or match.group("after")):
            continue  # "1995年9月1日" is a date
        raw = match.group("number")
        number = int(raw) if raw.isdigit() else chinese_number(raw)
        unit = _ZH_UNITS[match.group("unit").removeprefix("个")]
        out.append(_limit(text, match, number, unit))
    return out


def find_asian_time_limits(text: str) -> list[AsianTimeLimit]:
    """Time limits in Indonesian/Malay, Vietnamese, Thai and Chinese wording, in text order."""
    found = [*_indonesian(text), *_vietnamese(text), *_thai(text), *_chinese(text)]
    return sorted((limit for limit in found if limit is not None), key=lambda limit: limit.start)
