"""Chunker invariants on the whole corpus and splitting behaviour on real articles."""

from __future__ import annotations

import hashlib
import re
from functools import cache

import pytest

from ingest.chunking import (
    approximate_tokens,
    chunk_document,
    chunk_header,
    citation_line,
    heading_path,
    split_sentences,
    stable_chunk_id,
    strip_placeholders,
)
from ingest.citations import has_invented_name
from ingest.structure import parse_structure
from ingest.types import Chunk, DocumentMeta, Line, ParsedDocument
from ingest.words import has_unspaced
from tests.harness.corpus import CORPUS, corpus_stems, load_lines

KAZAKHSTAN_EN = "benelux-kazakhstan-readmission-agreement-2015-en"
INT64_MAX = 2**63 - 1


@cache
def parsed(stem: str) -> ParsedDocument:
    lines = load_lines(stem)
    language = stem.rsplit("-", 1)[-1]
    meta = DocumentMeta(doc_id=stem, title=lines[0].text, language=language)
    text = "\n".join(line.text for line in lines)
    pages = [line.page for line in lines if line.page is not None]
    return ParsedDocument(
        meta=meta,
        units=parse_structure(lines, language=language),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        source_path=str(CORPUS / stem),
        has_pages=bool(pages),
        page_count=max(pages) if pages else None,
    )


def words(text: str) -> list[str]:
    """Whitespace words; text in a script without spaces (Chinese, Thai …) is cut between ICU
    words without a space, so there the characters in order are what must survive."""
    if has_unspaced(text):
        return list("".join(text.split()))
    return text.split()


def body(chunk: Chunk, header: str = "header") -> str:
    """The chunk's text without its first line (untitled preambles and signature blocks outside
    any chapter have none)."""
    if not header:
        return chunk.text
    return chunk.text.split("\n", 1)[1] if "\n" in chunk.text else ""


# --------------------------------------------------------------------------- corpus invariants


@pytest.mark.parametrize("max_tokens", [256, 96])
@pytest.mark.parametrize("stem", corpus_stems())
def test_chunk_invariants(stem: str, max_tokens: int) -> None:
    doc = parsed(stem)
    chunks = chunk_document(doc, max_tokens=max_tokens)
    assert chunks
    ids = [c.chunk_id for c in chunks]
    assert len(ids) == len(set(ids))
    assert all(0 <= i <= INT64_MAX for i in ids)
    by_unit: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_unit.setdefault(chunk.eid, []).append(chunk)
        assert approximate_tokens(chunk.text) <= max_tokens, (chunk.eid, chunk.seq)
        assert chunk.doc_id == stem
    units_by_eid = {unit.eid: unit for unit in doc.units}
    for unit in doc.units:
        unit_chunks = by_unit.get(unit.eid, [])
        container = unit.kind in ("chapter", "section")
        if not unit.text.strip() and (not unit.heading or container):
            assert not unit_chunks  # an empty container is on its children's heading paths
            continue
        assert [c.seq for c in unit_chunks] == list(range(len(unit_chunks)))
        header = chunk_header(unit, units_by_eid)
        if has_invented_name(unit.eid, unit.heading):
            # "Preamble", "Final clauses": Readmit's names, not in the source nor the chunk.
            assert unit.kind in ("preamble", "final", "declaration") and not unit.heading
            assert not header.endswith(citation_line(unit))
        else:
            assert header == heading_path(unit, units_by_eid)
            assert header.endswith(citation_line(unit))
        for chunk in unit_chunks:
            if header:
                assert chunk.text.split("\n", 1)[0] == header
            assert chunk.part == unit.part and chunk.heading == unit.heading
            assert chunk.article == (unit.number if unit.kind == "article" else None)
            assert chunk.chunk_id == stable_chunk_id(stem, unit.eid, chunk.seq)
            if unit.page_start is not None and unit.page_end is not None:
                assert chunk.page_start is not None and chunk.page_end is not None
                assert unit.page_start <= chunk.page_start <= chunk.page_end <= unit.page_end
        # Every word of the unit appears, in order, exactly once across its chunks (editorial
        # placeholders such as "[illustration ... not reproduced]" are not treaty text).
        expected = words(strip_placeholders(unit.text))
        assert words(" ".join(body(c, header) for c in unit_chunks)) == expected, unit.eid


def test_chunk_ids_are_stable_across_runs() -> None:
    first = chunk_document(parsed(KAZAKHSTAN_EN))
    second = chunk_document(parsed(KAZAKHSTAN_EN))
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert first == second
    assert stable_chunk_id(KAZAKHSTAN_EN, "art_7", 0) == stable_chunk_id(KAZAKHSTAN_EN, "art_7", 0)
    assert stable_chunk_id(KAZAKHSTAN_EN, "art_7", 0) != stable_chunk_id(KAZAKHSTAN_EN, "art_7", 1)


def test_kazakhstan_citation_lines() -> None:
    chunks = chunk_document(parsed(KAZAKHSTAN_EN))
    by_eid = {(c.eid, c.seq): c for c in chunks}
    art7 = by_eid[("art_7", 0)]
    assert art7.text.startswith("Article 7 — Time limits\n1. A request to readmit")
    assert art7.article == "7" and art7.part == "agreement" and art7.heading == "Time limits"
    assert by_eid[("protocol__art_6", 0)].text.startswith(
        "Protocol, Article 6 — Transit procedure\n"
    )
    assert by_eid[("protocol__art_6", 0)].part == "protocol"
    assert by_eid[("annex_2", 0)].text.startswith("Annex 2\n")
    assert by_eid[("annex_2", 0)].article is None
    # Names Readmit gives untitled units are not in the source and not in the chunk text.
    assert by_eid[("preamble", 0)].text.startswith("Agreement between")
    assert not by_eid[("protocol__preamble", 0)].text.startswith("Protocol, Preamble")
    assert by_eid[("final", 0)].text.startswith("IN WITNESS WHEREOF")


# --------------------------------------------------------------------------- splitting


def test_long_article_splits_at_paragraph_boundaries() -> None:
    doc = parsed(KAZAKHSTAN_EN)
    unit = next(u for u in doc.units if u.eid == "art_21")
    assert approximate_tokens(unit.text) > 256
    chunks = [c for c in chunk_document(doc, max_tokens=256) if c.eid == "art_21"]
    assert len(chunks) > 1
    paragraph_texts = [p.text for p in unit.paragraphs]
    for chunk in chunks:
        # Each chunk body is a run of whole paragraphs.
        pieces = body(chunk).split("\n")
        assert all(piece in paragraph_texts for piece in pieces), pieces
        assert chunk.text.startswith("Article 21 — Suspension, termination\n")
    assert body(chunks[1]).startswith(tuple(p for p in paragraph_texts))


def test_over_long_paragraph_splits_at_sentence_boundaries() -> None:
    doc = parsed(KAZAKHSTAN_EN)
    unit = next(u for u in doc.units if u.eid == "art_5")
    paragraph = unit.paragraphs[2]  # para 3: two long sentences
    assert paragraph.text.startswith("3. If none of the documents")
    limit = approximate_tokens("Article 5 — Proof of nationality with regard to own nationals") + 90
    assert approximate_tokens(paragraph.text) > limit
    chunks = [c for c in chunk_document(doc, max_tokens=limit) if c.eid == "art_5"]
    sentences = split_sentences(paragraph.text, language="en")
    assert len(sentences) == 2
    assert sentences[1].startswith("To this end, the diplomatic or consular mission")
    bodies = [body(c) for c in chunks]
    assert any(b.startswith("3. If none of the documents") for b in bodies)
    assert any(b.startswith("To this end, the diplomatic or consular mission") for b in bodies)


def test_sentences_dutch_and_number_fragments() -> None:
    text = (
        "1. De aangezochte Partij neemt de persoon over. Zij doet dit binnen drie dagen. "
        "Dit geldt ook voor kinderen."
    )
    sentences = split_sentences(text, language="nl")
    assert sentences == [
        "1. De aangezochte Partij neemt de persoon over.",
        "Zij doet dit binnen drie dagen.",
        "Dit geldt ook voor kinderen.",
    ]


def test_single_over_long_sentence_splits_by_words() -> None:
    doc = parsed(KAZAKHSTAN_EN)
    preamble = next(u for u in doc.units if u.eid == "preamble")
    chunks = [c for c in chunk_document(doc, max_tokens=40) if c.eid == "preamble"]
    assert len(chunks) > 3
    assert all(approximate_tokens(c.text) <= 40 for c in chunks)
    # An untitled preamble's chunks are all body: no invented "Preamble" line.
    assert words(" ".join(body(c, "") for c in chunks)) == words(preamble.text)


def test_custom_token_counter_is_respected() -> None:
    def characters(text: str) -> int:
        return len(text)

    doc = parsed("un-refugee-protocol-1967-en")
    chunks = chunk_document(doc, max_tokens=400, count_tokens=characters)
    assert all(len(c.text) <= 400 for c in chunks)
    assert len(chunks) > len(doc.units)


def test_empty_units_yield_no_chunk_unless_headed() -> None:
    text = "Title\n\nArticle 1\nEmpty heading only\n\nArticle 2\n\nBody two."
    lines = [Line(text=t) for t in text.splitlines()]
    units = parse_structure(lines, language="en")
    meta = DocumentMeta(doc_id="synthetic-en", title="Title", language="en")
    doc = ParsedDocument(meta=meta, units=units, content_hash="x", source_path="synthetic")
    chunks = chunk_document(doc)
    # "Empty heading only" has no body after it, so it is Article 1's text, not a heading.
    assert [c.eid for c in chunks] == ["preamble", "art_1", "art_2"]
    assert re.match(r"^Article 2\nBody two\.$", chunks[2].text)
