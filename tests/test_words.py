"""Words of scripts written without spaces: ICU segmentation, BM25 tokens, bounded chunks."""

from __future__ import annotations

from index.retrieval.lexical import tokenize, tokenize_query
from ingest.chunking import approximate_tokens, chunk_document
from ingest.structure import parse_structure
from ingest.types import DocumentMeta, Line, ParsedDocument
from ingest.words import cjk_bigrams, has_unspaced, segment_words


def test_icu_finds_thai_and_chinese_words() -> None:
    assert segment_words("ให้เจ้าของพาหนะหรือผู้ควบคุมพาหนะ")[:3] == ["ให้", "เจ้าของ", "พาหนะ"]
    assert "共和国" in segment_words("中华人民共和国国籍法")
    assert segment_words("Điều 5. Các hành vi") == ["Điều", "5", "Các", "hành", "vi"]
    assert has_unspaced("มาตรา ๕") and has_unspaced("第五条") and not has_unspaced("Pasal 5")


def test_bm25_tokens_follow_lucene_cjk_bigrams_and_icu_words() -> None:
    assert cjk_bigrams("出境入境") == ["出境", "境入", "入境"] and cjk_bigrams("国") == ["国"]
    assert tokenize("出境入境。", language="zh") == ["出境", "境入", "入境"]
    # Thai keeps its vowel signs and tone marks; no stemmer exists for Thai
    assert tokenize("ภายในสามสิบวัน", language="th") == ["ภายใน", "สามสิบ", "วัน"]
    # the same words are found whichever way the query is written
    assert set(tokenize_query("การปฏิเสธคำขอผ่านแดน")) >= {"ปฏิเสธ", "ผ่าน", "แดน"}
    assert "返押" not in tokenize_query("遣返 押解")  # bigrams never bridge a space


def test_indonesian_is_stemmed_with_snowball() -> None:
    assert tokenize("pemulangan", language="id") == tokenize("dipulangkan", language="id")
    assert tokenize("perlindungan", language="id") == tokenize("dilindungi", language="id")
    assert tokenize("permohonan", language="id") != tokenize("permohonan", language="en")
    assert set(tokenize("permohonan", language="id")) <= set(tokenize_query("permohonan"))


def test_a_text_without_any_space_is_cut_into_bounded_chunks() -> None:
    article = "国籍的取得丧失和恢复都适用本法" * 400  # 6,000 characters, no space, no stop
    lines = [Line(text=t) for t in ("中华人民共和国国籍法", "", "第一条", article)]
    units = parse_structure(lines, language="zh")
    meta = DocumentMeta(doc_id="zh-test", title="中华人民共和国国籍法", language="zh")
    doc = ParsedDocument(meta=meta, units=units, content_hash="0" * 64, source_path="zh-test.txt")
    chunks = chunk_document(doc, max_tokens=128)
    assert len(chunks) > 20
    assert all(approximate_tokens(c.text) <= 128 for c in chunks)
    assert "".join(c.text.split("\n", 1)[-1] for c in chunks if c.eid == "art_1") == article
