"""Integrity checks for the search evaluation set and the query-expansion glossary.

The checks read the real corpus: every graded article must exist as a heading line in its
document, so a typo in a doc_id or eid (or a document renumbered by a corpus change) fails here
instead of silently lowering search scores.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
PDF_SOURCES = REPO / "tests" / "data" / "pdf-sources"
QUERIES = REPO / "tests" / "eval" / "queries.jsonl"
GLOSSARY = REPO / "index" / "retrieval" / "glossary_terms.json"

MIN_QUERIES = 48
MIN_HELDOUT = 14
GRADES = {1, 2, 3}
# The "asia" set adds Indonesian, Thai, Vietnamese and Chinese (queries and texts).
LANGUAGES = {"en", "nl", "fr", "de", "id", "th", "vi", "zh"}
REQUIRED_FIELDS = {"id", "query", "language", "split", "topic", "relevant"}

EID_PATTERN = re.compile(
    r"^(?:(?P<prefix>protocol(?:_\d+)?)__)?(?:art_(?P<art>[0-9a-z.]+)|annex_(?P<annex>[0-9a-z]+)"
    r"|sec_(?P<sec>[0-9.]+)|preamble|final)$"
)
ARTICLE_HEADING = re.compile(
    r"^\s*(?:Artikel|Article|Art\.)\s+(?P<num>[0-9]+(?:\.[0-9]+)?\s?[A-Za-z]?|[IVXLC]+)\s*$"
)
# Article headings of the texts in the region's languages: "Điều 5." (Vietnamese), "มาตรา ๕" (Thai,
# Thai digits), "第五条" at the start of a line (Chinese numerals); checked independently of ingest.
ASIAN_ARTICLE_HEADING = re.compile(
    r"^\s*(?:Điều (?P<vi>\d+)\.|มาตรา (?P<th>[๐-๙0-9]+)\s*$"
    r"|第(?P<zh>[〇零一二三四五六七八九十百]+)条)"
)
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}


def _chinese_number(text: str) -> int:
    total, digit = 0, 0
    for char in text:
        if char in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[char]
        else:
            total += (digit or 1) * (100 if char == "百" else 10)
            digit = 0
    return total + digit


def _asian_article_number(line: str) -> str | None:
    match = ASIAN_ARTICLE_HEADING.match(line)
    if match is None:
        return None
    if match.group("zh"):
        return str(_chinese_number(match.group("zh")))
    return (match.group("vi") or match.group("th") or "").translate(THAI_DIGITS)


ANNEX_HEADING = re.compile(
    r"^\s*(?:Bijlage|Annex|ANNEX|Aanhangsel|Anlage|Annexe)\s+(?P<num>[0-9]+\s?[A-Za-z]?|[IVX]+)\s*$"
)
# Start of a second instrument: an implementing protocol's title line, a bare "Protocol"/"Protocole"
# section, or the exchange of notes ("Nr. I") carrying the administrative arrangements of the older
# bilateral agreements (Romania 1995, Slovakia 2002), whose articles restart at "Artikel I".
SECOND_INSTRUMENT = re.compile(
    r"^\s*(?:(?:Uitvoeringsprotocol|Implementing [Pp]rotocol|Protocol tot uitvoering|Protocol"
    r"|Protocole)\b.{30,}"
    r"|Protocol|Protocole|Nr\. I)\s*$"
)


def _load_queries() -> list[dict]:
    # queries.jsonl, asia.jsonl (the questions in and about the region's languages) and
    # admin.jsonl (the administrative clauses)
    return [
        json.loads(line)
        for path in (QUERIES, QUERIES.with_name("asia.jsonl"), QUERIES.with_name("admin.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _document_text(doc_id: str) -> str:
    """Text of a corpus document; a PDF's text lives in tests/data/pdf-sources/<doc_id>.txt."""
    txt = CORPUS / f"{doc_id}.txt"
    if txt.exists():
        return txt.read_text(encoding="utf-8")
    if (CORPUS / f"{doc_id}.pdf").exists():
        return (PDF_SOURCES / f"{doc_id}.txt").read_text(encoding="utf-8")
    raise AssertionError(f"{doc_id}: no corpus/{doc_id}.txt or .pdf")


def _normalise(number: str) -> str:
    return number.replace(" ", "").lower()


def _eid_exists(lines: list[str], eid: str) -> bool:
    match = EID_PATTERN.match(eid)
    if match is None:
        return False
    if match.group("annex"):
        return any(
            (m := ANNEX_HEADING.match(line)) and _normalise(m.group("num")) == match.group("annex")
            for line in lines
        )
    if match.group("sec"):
        # A guide's numbered section: its number on a line of its own.
        return any(line.strip().rstrip(".") == match.group("sec") for line in lines)
    if match.group("art") is None:
        return True  # preamble/final: present in every instrument
    wanted = match.group("art")
    headings = [
        i
        for i, line in enumerate(lines)
        if ((m := ARTICLE_HEADING.match(line)) and _normalise(m.group("num")) == wanted)
        or _asian_article_number(line) == wanted
    ]
    if not match.group("prefix"):
        return bool(headings)
    starts = [i for i, line in enumerate(lines) if i > 0 and SECOND_INSTRUMENT.match(line)]
    return any(start < heading for start in starts for heading in headings)


QUERY_ITEMS = _load_queries()


def test_queries_parse_with_required_fields() -> None:
    for item in QUERY_ITEMS:
        assert set(item) >= REQUIRED_FIELDS, item.get("id")
        assert item["language"] in LANGUAGES, item["id"]
        assert item["split"] in {"dev", "heldout"}, item["id"]
        assert item["query"].strip(), item["id"]
        for judgement in item["relevant"]:
            assert judgement["grade"] in GRADES, (item["id"], judgement)


def test_size_ids_and_split() -> None:
    ids = [item["id"] for item in QUERY_ITEMS]
    assert len(ids) >= MIN_QUERIES
    assert len(set(ids)) == len(ids), [i for i, n in Counter(ids).items() if n > 1]
    heldout = [item for item in QUERY_ITEMS if item["split"] == "heldout"]
    assert len(heldout) >= MIN_HELDOUT
    assert len({item["language"] for item in heldout}) >= 3, "held-out split should span languages"


def test_every_query_has_an_answer_and_no_duplicate_judgements() -> None:
    for item in QUERY_ITEMS:
        assert any(j["grade"] == 3 for j in item["relevant"]), (
            f"{item['id']} has no grade-3 article"
        )
        keys = [(j["doc_id"], j["eid"]) for j in item["relevant"]]
        assert len(keys) == len(set(keys)), f"{item['id']} grades an article twice"


@pytest.mark.parametrize(
    "doc_id", sorted({j["doc_id"] for item in QUERY_ITEMS for j in item["relevant"]})
)
def test_graded_articles_exist_in_document(doc_id: str) -> None:
    lines = _document_text(doc_id).splitlines()
    eids = sorted(
        {j["eid"] for item in QUERY_ITEMS for j in item["relevant"] if j["doc_id"] == doc_id}
    )
    missing = [eid for eid in eids if not _eid_exists(lines, eid)]
    assert not missing, f"{doc_id}: no heading for {missing}"


def test_eid_check_rejects_wrong_articles() -> None:
    """Guards the checker: a real heading passes; a missing one, or protocol__ without a protocol,
    fails."""
    kazakhstan = _document_text("benelux-kazakhstan-readmission-agreement-2015-en").splitlines()
    assert _eid_exists(kazakhstan, "protocol__art_15")
    assert not _eid_exists(kazakhstan, "protocol__art_16")
    assert not _eid_exists(kazakhstan, "art_22")
    poland = _document_text("schengen-states-poland-readmission-1991-nl").splitlines()
    assert _eid_exists(poland, "art_3")
    assert not _eid_exists(poland, "protocol__art_1")
    chinese = _document_text("china-passport-law-2006-zh").splitlines()
    assert _eid_exists(chinese, "art_26") and not _eid_exists(chinese, "art_27")
    thai = _document_text("thailand-communicable-disease-act-2015-th").splitlines()
    assert _eid_exists(thai, "art_42") and not _eid_exists(thai, "art_61")
    vietnamese = _document_text("vietnam-nationality-law-2008-vi").splitlines()
    assert _eid_exists(vietnamese, "art_31") and not _eid_exists(vietnamese, "art_41")
    guide = _document_text("vc2000-a3-departure-and-removal-2015-nl").splitlines()
    assert _eid_exists(guide, "sec_7.1.5")
    assert not _eid_exists(guide, "sec_7.1.6")
    decree = _document_text("vb2000-ch6-departure-removal-transfer-2015-nl").splitlines()
    assert _eid_exists(decree, "art_6.1a") and not _eid_exists(decree, "art_6.1g")


def test_glossary_has_english_and_dutch_terms() -> None:
    glossary = json.loads(GLOSSARY.read_text(encoding="utf-8"))
    assert len(glossary) >= 40
    for concept, terms in glossary.items():
        assert set(terms) <= LANGUAGES, concept
        assert terms.get("en") and terms.get("nl"), f"{concept} lacks en/nl terms"
        for language, words in terms.items():
            assert all(isinstance(w, str) and w.strip() for w in words), (concept, language)


def test_glossary_non_english_terms_occur_in_corpus() -> None:
    """nl/fr/de terms are taken from the corpus itself, so expansion targets real text."""
    glossary = json.loads(GLOSSARY.read_text(encoding="utf-8"))
    texts: dict[str, str] = {}
    for path in sorted(CORPUS.glob("*.*")):
        language = path.stem.rsplit("-", 1)[-1]
        if path.suffix in {".txt", ".pdf"} and language in LANGUAGES:
            texts[language] = texts.get(language, "") + _document_text(path.stem).lower()
    absent = [
        (concept, language, word)
        for concept, terms in glossary.items()
        for language, words in terms.items()
        if language != "en"
        for word in words
        if word.lower() not in texts[language]
    ]
    assert not absent, absent
