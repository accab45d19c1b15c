"""Time limits in Indonesian/Malay, Vietnamese, Thai and Chinese, through ingest.time_limits."""

from __future__ import annotations

import pytest

from ingest.time_limits import extract_time_limits
from ingest.time_limits_asia import indonesian_number, thai_number
from tests.harness.corpus import load_lines


def limits(text: str) -> list[tuple[int, str, str]]:
    return [(t.number, t.unit, t.text) for t in extract_time_limits(text, language="x")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wajib menjawab dalam waktu 30 (tiga puluh) hari", [(30, "days", "30 (tiga puluh) hari")]),
        ("paling lama tiga puluh hari kerja", [(30, "working days", "tiga puluh hari kerja")]),
        ("dalam tempoh 14 hari", [(14, "days", "14 hari")]),
        ("trả lời trong thời hạn 15 ngày", [(15, "days", "15 ngày")]),
        ("có thời hạn không quá 05 năm", [(5, "years", "05 năm")]),
        ("ภายในสามสิบวัน", [(30, "days", "สามสิบวัน")]),
        ("ภายใน ๑๕ วันนับแต่วันที่ได้รับ", [(15, "days", "๑๕ วัน")]),
        ("应当在三十日内作出决定", [(30, "days", "三十日内")]),
        ("自接到处罚决定书之日起15日内", [(15, "days", "15日内")]),
        ("之日起六个月至三年以内", [(6, "months", "六个月"), (3, "years", "三年以内")]),
    ],
)
def test_periods(text: str, expected: list[tuple[int, str, str]]) -> None:
    assert limits(text) == expected


@pytest.mark.parametrize(
    "date",
    [
        "Hà Nội, ngày 25 tháng 5 năm 2026",
        "ngày 13 tháng 11 năm 2008",
        "ให้ไว้ ณ วันที่ ๑๐ สิงหาคม พ.ศ. ๒๕๕๘ เป็นปีที่ ๗๐",
        "1995年9月1日起施行",
        "本法自2007年1月1日起施行",
        # an Indonesian law's number and year is a citation, not a period
        "Undang-Undang Nomor 6 Tahun 2011 tentang Keimigrasian",
        "UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 12 TAHUN 2006",
    ],
)
def test_dates_are_not_periods(date: str) -> None:
    assert limits(date) == []


def test_number_words() -> None:
    assert [
        indonesian_number(w) for w in ("tiga puluh", "dua belas", "sepuluh", "empat belas")
    ] == [
        30,
        12,
        10,
        14,
    ]
    assert [thai_number(w) for w in ("สามสิบ", "สิบห้า", "ยี่สิบเอ็ด", "เจ็ดสิบสอง")] == [30, 15, 21, 72]


def test_limits_in_the_shipped_laws() -> None:
    text = "\n".join(
        line.text for line in load_lines("china-exit-entry-border-inspection-regulations-1995-zh")
    )
    assert (15, "days") in {(t.number, t.unit) for t in extract_time_limits(text)}
    thai = "\n".join(line.text for line in load_lines("thailand-communicable-disease-act-2015-th"))
    assert any(t.unit == "days" for t in extract_time_limits(thai))
    vietnamese = "\n".join(
        line.text
        for line in load_lines("vietnam-foreigners-entry-exit-transit-residence-law-2014-vi")
    )
    assert {(t.number, t.unit) for t in extract_time_limits(vietnamese)} >= {(5, "years")}


def test_limits_in_the_shipped_indonesian_laws() -> None:
    citizenship = "\n".join(line.text for line in load_lines("indonesia-citizenship-law-2006-id"))
    found = extract_time_limits(citizenship, language="id")
    by_text = {t.text: t for t in found}
    # art. 32(4): "dalam waktu paling lama 14 (empat belas) hari"; art. 17: "... hari kerja"
    assert (by_text["14 (empat belas) hari"].number, by_text["14 (empat belas) hari"].unit) == (
        14,
        "days",
    )
    assert (14, "working days") in {(t.number, t.unit) for t in found}
    assert not any(t.text.lower().startswith(("12 tahun", "62 tahun")) for t in found)
    immigration = "\n".join(line.text for line in load_lines("indonesia-immigration-law-2011-id"))
    periods = {(t.number, t.unit) for t in extract_time_limits(immigration, language="id")}
    assert (
        5,
        "years",
    ) in periods  # art. 59: Izin Tinggal Tetap "untuk jangka waktu 5 (lima) tahun"
    assert (6, "years") not in periods  # "Nomor 6 Tahun 2011" is its own number
