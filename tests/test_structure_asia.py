"""Article structure in the region's languages: the shipped Chinese, Thai and Vietnamese laws,
the unseen texts in tests/data/asia-unseen/, and focused cases for Indonesian/Malay, Khmer and
Tagalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.structure import parse_structure
from ingest.structure_asia import ascii_digits, chinese_item, chinese_number, classify_asian
from ingest.types import Line, Unit
from tests.harness.corpus import load_lines

UNSEEN = Path(__file__).resolve().parent / "data" / "asia-unseen"


def lines_of(text: str) -> list[Line]:
    return [Line(text=t) for t in text.splitlines()]


def articles(units: tuple[Unit, ...]) -> list[Unit]:
    return [u for u in units if u.kind == "article"]


@pytest.mark.parametrize(
    ("stem", "count", "containers"),
    [
        # counts a reader sees: the article headings of each text, and its chapters/sections
        ("china-nationality-law-1980-zh", 18, 0),
        ("china-passport-law-2006-zh", 26, 0),
        ("china-exit-entry-border-inspection-regulations-1995-zh", 47, 6),
        ("thailand-communicable-disease-act-2015-th", 60, 9),
        ("vietnam-nationality-law-2008-vi", 40, 12),
        ("vietnam-foreigners-entry-exit-transit-residence-law-2014-vi", 53, 11),
        # 15 BAB and 18 Bagian, each heading on one line with its title ("BAB I KETENTUAN UMUM")
        ("indonesia-immigration-law-2011-id", 145, 33),
        ("indonesia-citizenship-law-2006-id", 46, 8),
    ],
)
def test_corpus_laws_get_every_article(stem: str, count: int, containers: int) -> None:
    units = parse_structure(load_lines(stem), language=stem.rsplit("-", 1)[-1])
    found = articles(units)
    assert len(found) == count
    assert len({u.eid for u in found}) == count
    assert all(u.eid == f"art_{u.number}" and u.number.isascii() for u in found)
    assert sum(u.kind in ("chapter", "section") for u in units) == containers


def test_chinese_articles_and_chapters_are_normalised() -> None:
    units = parse_structure(
        load_lines("china-exit-entry-border-inspection-regulations-1995-zh"), language="zh"
    )
    by_eid = {u.eid: u for u in units}
    assert by_eid["chp_2"].number == "第二章" and by_eid["chp_2"].heading == "人员的检查和管理"
    article = by_eid["art_24"]
    assert article.parent == "chp_3"
    assert article.text.startswith("发现出境、入境的交通运输工具载运不准出境")
    assert by_eid["art_47"].number == "47"


def test_chinese_items_are_points_of_their_paragraph() -> None:
    units = parse_structure(load_lines("china-passport-law-2006-zh"), language="zh")
    article = {u.eid: u for u in units}["art_13"]
    # one 款 introducing seven 项 "（一）" … "（七）", as the law prints it
    (paragraph,) = article.paragraphs
    assert paragraph.text.startswith("申请人有下列情形之一的")
    assert [p.eid for p in paragraph.points] == [
        f"art_13__subpara_1__point_{n}" for n in range(1, 8)
    ]
    assert paragraph.points[1].label == "（二）"
    assert paragraph.points[1].text == "（二）无法证明身份的；"
    # the article's text is unchanged: paragraphs and points only say where the items are
    assert article.text.count("\n") == 7


def test_the_paragraph_after_chinese_items_is_the_next_paragraph() -> None:
    text = (
        "第一条 有下列情形之一的，不准出境：\n"
        "(一)未持出境证件的；\n"
        "(二)持用无效证件的。\n"
        "有前款第(一)项情形的，处以警告。\n"
        "第二条 本条例自发布之日起施行。"
    )
    units = articles(parse_structure(lines_of(text), language="zh"))
    first = units[0]
    assert [p.eid for p in first.paragraphs] == ["art_1__subpara_1", "art_1__subpara_2"]
    assert [q.label for q in first.paragraphs[0].points] == ["(一)", "(二)"]
    assert first.paragraphs[1].text == "有前款第(一)项情形的，处以警告。"
    assert first.paragraphs[1].points == ()
    assert chinese_item("（十二）持用他人证件的") == ("12", 4)
    assert chinese_item("(a) a point") is None and chinese_item("第一条") is None


def test_thai_sections_with_thai_digits() -> None:
    units = parse_structure(load_lines("thailand-communicable-disease-act-2015-th"), language="th")
    by_eid = {u.eid: u for u in units}
    assert by_eid["chp_6"].number == "หมวด ๖"
    assert by_eid["chp_1"].heading == "บททั่วไป"
    assert by_eid["art_42"].parent == "chp_6"
    assert "แยกกัก" in by_eid["art_42"].text
    assert all(p.eid.isascii() for u in units for p in u.paragraphs)


def test_vietnamese_articles_keep_their_headings_in_sections() -> None:
    units = parse_structure(load_lines("vietnam-nationality-law-2008-vi"), language="vi")
    by_eid = {u.eid: u for u in units}
    assert by_eid["art_19"].heading == "Điều kiện được nhập quốc tịch Việt Nam"
    assert by_eid["art_19"].parent == "chp_ii__sec_2"
    assert [p.eid for p in by_eid["art_19"].paragraphs][:2] == ["art_19__para_1", "art_19__para_2"]


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("china-citizens-exit-entry-implementing-rules-zh.txt", 28),
        ("thailand-ports-of-entry-announcement-2019-th.txt", 4),
        # 41 articles of the law; "Điều 1.10.LQ.28a." is a codification number, not an article
        ("vietnam-citizens-exit-entry-law-2019-vi.txt", 41),
    ],
)
def test_unseen_texts_get_their_articles(name: str, count: int) -> None:
    text = (UNSEEN / name).read_text(encoding="utf-8")
    units = parse_structure(lines_of(text), language="und")
    found = articles(units)
    assert len(found) == count
    assert [u.eid for u in found][0] == "art_1"


def test_indonesian_bab_bagian_pasal_and_ayat() -> None:
    text = (
        "UNDANG-UNDANG REPUBLIK INDONESIA\nTENTANG KEIMIGRASIAN\n\nBAB I\nKETENTUAN UMUM\n\n"
        "Pasal 1\nDalam Undang-Undang ini yang dimaksud dengan:\n"
        "1. Keimigrasian adalah hal ihwal.\n\n"
        "BAB II\nMASUK DAN KELUAR\n\nBagian Kesatu\nUmum\n\nPasal 2\n"
        "(1) Setiap orang wajib memiliki Dokumen Perjalanan.\n"
        "(2) Orang Asing wajib memiliki Visa.\n\n"
        "Bagian Kedua\nPemeriksaan\n\nPasal 3\n"
        "Pemeriksaan dilakukan dalam waktu 30 (tiga puluh) hari.\n"
    )
    units = parse_structure(lines_of(text), language="id")
    by_eid = {u.eid: u for u in units}
    assert [u.eid for u in articles(units)] == ["art_1", "art_2", "art_3"]
    assert by_eid["chp_ii"].heading == "MASUK DAN KELUAR"
    assert by_eid["chp_ii__sec_2"].number == "Bagian Kedua"
    assert by_eid["art_3"].parent == "chp_ii__sec_2"
    assert [p.eid for p in by_eid["art_2"].paragraphs] == ["art_2__para_1", "art_2__para_2"]


def test_indonesian_headings_with_their_title_on_the_same_line() -> None:
    text = (
        "BAB III MASUK DAN KELUAR WILAYAH INDONESIA\nBagian Kedua Masuk Wilayah Indonesia\n"
        "Pasal 8\n(1) Setiap orang wajib memiliki Dokumen Perjalanan.\n"
        "Bagian ini berlaku bagi setiap orang.\nBAB IV dan seterusnya\n"
    )
    units = parse_structure(lines_of(text), language="id")
    by_eid = {u.eid: u for u in units}
    assert by_eid["chp_iii"].heading == "MASUK DAN KELUAR WILAYAH INDONESIA"
    assert by_eid["chp_iii__sec_2"].heading == "Masuk Wilayah Indonesia"
    assert by_eid["art_8"].parent == "chp_iii__sec_2"
    # a sentence is no heading: "Bagian ini …", and "BAB IV dan …" has no title in capitals
    assert "chp_iv" not in by_eid
    assert sum(u.kind == "section" for u in units) == 1


def test_lao_parts_chapters_and_titled_articles() -> None:
    text = (
        "ກົດໝາຍ ວ່າດ້ວຍ ການເຂົ້າເມືອງ\n\nພາກທີ I\nບົດບັນຍັດທົ່ວໄປ\n\n"
        "ມາດຕາ 1 ຈຸດປະສົງ\nກົດໝາຍສະບັບນີ້ ກຳນົດ ຫຼັກການ.\n\n"
        "ຫມວດທີ 2\nການເຂົ້າເມືອງ\n\nມາດຕາ ໒ ເອກະສານເດີນທາງ\nຄົນຕ່າງປະເທດ ຕ້ອງມີ ໜັງສືຜ່ານແດນ.\n"
    )
    units = parse_structure(lines_of(text), language="lo")
    by_eid = {u.eid: u for u in units}
    assert [u.eid for u in articles(units)] == ["art_1", "art_2"]  # Lao digit ໒ → 2
    assert by_eid["art_1"].heading == "ຈຸດປະສົງ"
    assert by_eid["art_2"].heading == "ເອກະສານເດີນທາງ"
    assert by_eid["art_2"].text.startswith("ຄົນຕ່າງປະເທດ")
    assert by_eid["art_2"].parent == "part_i__chp_2" and by_eid["art_1"].parent == "part_i"
    part = classify_asian("ພາກທີ I")
    chapter = classify_asian("ໝວດທີ ໒")
    assert part is not None and part.rank == 0 and part.value == "i"
    assert chapter is not None and chapter.rank == 2 and chapter.value == "2"
    typed_apart = classify_asian("ຫມວດທີ 2")  # ຫ + ມ, as older texts type ໝ
    assert typed_apart is not None and (typed_apart.rank, typed_apart.value) == (2, "2")
    # a sentence starting with the same letters is no heading
    assert classify_asian("ພາກລັດ ຕ້ອງ ຄຸ້ມຄອງ") is None


def test_malay_khmer_and_tagalog_headings() -> None:
    assert classify_asian("Seksyen 3") == classify_asian("Pasal 3")
    bahagian = classify_asian("BAHAGIAN II")
    assert bahagian is not None and bahagian.rank == 0 and bahagian.value == "ii"
    khmer = parse_structure(
        lines_of("ច្បាប់\n\nជំពូក ២\nបទប្បញ្ញត្តិទូទៅ\n\nមាត្រា ៥ ជនបរទេស ...\n\nមាត្រា ៦ អត្ថបទ\n"),
        language="km",
    )
    assert [u.eid for u in articles(khmer)] == ["art_5", "art_6"]
    assert {u.eid for u in khmer if u.kind == "chapter"} == {"chp_2"}
    tagalog = parse_structure(
        lines_of(
            "Batas\n\nARTIKULO II\nMga Karapatan\n\nSEKSYON 1\nAng teksto.\n\nSEKSYON 2\nIba pa.\n"
        ),
        language="tl",
    )
    assert [u.eid for u in articles(tagalog)] == ["art_1", "art_2"]
    assert articles(tagalog)[0].parent == "chp_ii"


def test_numbers_and_sentences() -> None:
    assert [chinese_number(n) for n in ("十", "十四", "二十", "四十七", "一百零三")] == [
        10,
        14,
        20,
        47,
        103,
    ]
    assert ascii_digits("มาตรา ๔๒ ៥") == "มาตรา 42 5"
    assert classify_asian("Bagian ini berlaku untuk semua orang") is None
    assert classify_asian("Điều 5 của Luật này quy định") is None  # a reference, not a heading
