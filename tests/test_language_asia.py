"""Language detection and glossary wordings for the region's languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.retrieval.glossary import load_glossary
from ingest.language import SUPPORTED_LANGUAGES, UNDETERMINED, detect_language
from ingest.metadata import guess_language
from readmit.facade import EXPORT_LANGUAGES, language_label

UNSEEN = Path(__file__).resolve().parent / "data" / "asia-unseen"


@pytest.mark.parametrize("path", sorted(UNSEEN.glob("*.txt")), ids=lambda p: p.name)
def test_unseen_texts_are_detected_by_script_or_letters(path: Path) -> None:
    assert detect_language(path.read_text(encoding="utf-8")) == path.stem.rsplit("-", 1)[-1]


def test_latin_script_languages_of_the_region() -> None:
    indonesian = (
        "Setiap orang yang masuk atau keluar Wilayah Indonesia wajib memiliki Dokumen Perjalanan "
        "yang sah dan masih berlaku. Pejabat Imigrasi dapat menolak Orang Asing untuk masuk "
        "Wilayah Indonesia dalam hal orang asing tersebut tidak memiliki dokumen yang sah."
    )
    malay = (
        "Tiada seorang pun boleh memasuki Malaysia melainkan jika dia memiliki pas yang sah dan "
        "hendaklah mematuhi syarat bahawa seksyen ini yang dikenakan ke atasnya oleh pegawai "
        "imigresen berkenaan dengan akta ini."
    )
    tagalog = (
        "Ang bawat mamamayan ay may karapatan na umalis at bumalik sa Pilipinas ayon sa batas at "
        "ang mga tuntunin na itinakda ng Kongreso para sa kanilang proteksyon at kapakanan."
    )
    assert detect_language(indonesian) == "id"
    assert detect_language(malay) == "ms"
    assert detect_language(tagalog) == "tl"
    assert detect_language("ច្បាប់ស្តីពីអន្តោប្រវេសន៍ មាត្រា ១ ច្បាប់នេះមានគោលបំណងកំណត់") == "km"
    assert detect_language("Article 5 12 13 14") == UNDETERMINED
    assert guess_language("china-nationality-law-1980-zh") == "zh"


@pytest.mark.parametrize(
    ("query", "concept"),
    [
        ("无国籍人", "stateless person"),
        ("người không quốc tịch", "stateless person"),
        ("口岸", "border crossing point"),
        ("ช่องทางเข้าออก", "border crossing point"),
        ("quá cảnh", "transit"),
        ("Dokumen Perjalanan", "travel document"),
        ("anak yang tidak mempunyai kewarganegaraan", "stateless person"),
        ("siapa yang menanggung biaya", "costs"),
    ],
)
def test_glossary_wordings_in_the_regions_languages(query: str, concept: str) -> None:
    assert concept in {c.key for c in load_glossary().matching(query)}


def test_a_chinese_wording_needs_all_its_characters() -> None:
    # "国籍" (nationality) shares a bigram with "无国籍人" (stateless person) but is not it
    keys = {c.key for c in load_glossary().matching("国籍")}
    assert "nationality" in keys and "stateless person" not in keys


def test_the_supported_languages_are_the_ones_the_application_offers() -> None:
    # One list: the bilingual export and the CLI's --lang/--bilingual help take it from ingest.
    assert tuple(SUPPORTED_LANGUAGES) == EXPORT_LANGUAGES
    assert {"en", "nl", "fr", "de", "id", "ms", "tl", "vi", "th", "km", "zh"} <= set(
        EXPORT_LANGUAGES
    )
    assert language_label("zh") == "ZH — Chinese"
    assert language_label("th") == "TH — Thai"
    assert language_label("xx") == "XX"  # a sidecar's code ingest does not name


@pytest.mark.parametrize("path", sorted(Path("tests/data/asia-unseen").glob("*.txt")))
def test_a_detected_language_of_the_region_is_a_supported_one(path: Path) -> None:
    assert detect_language(path.read_text(encoding="utf-8")) in SUPPORTED_LANGUAGES
