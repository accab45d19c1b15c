"""The heading ranking (index/retrieval/headings.py) and the ACORD data it is checked on."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

from index.retrieval.glossary import Concept, Glossary, load_glossary
from index.retrieval.headings import HeadingConcepts

ACORD = Path(__file__).resolve().parent / "eval" / "acord"

GLOSSARY = Glossary(
    concepts=(
        Concept(
            key="competent authority",
            terms={"en": ("competent authorities",), "nl": ("bevoegde autoriteiten",)},
        ),
        Concept(key="request", terms={"en": ("request",), "nl": ("verzoek",)}),
    )
)
CHUNKS = [
    (1, "Protocol, Article 9 — Aanwijzing bevoegde autoriteiten\nDe Partijen delen elkaar mee."),
    (2, "Article 1 — Competent Authorities\nThe competent authorities are listed in Annex 1."),
    (3, "Article 4 — Indiening van het verzoek\nHet verzoek om overname vermeldt ..."),
    (4, "Article 7 — Antwoord op het verzoek\nDe bevoegde autoriteiten antwoorden ..."),
    (5, "Article 8 — Verzoek om doorgeleiding\nEen verzoek ..."),
    # an untitled article: its first line is body text that mentions the authorities
    (6, "1. De bevoegde autoriteiten van de Republiek nemen onderdanen over."),
    (7, "Article 3\nDe bevoegde autoriteiten van beide landen werken samen."),
]


def test_headings_name_concepts_in_any_language_and_bodies_do_not() -> None:
    headings = HeadingConcepts.build(CHUNKS, GLOSSARY)
    assert headings.chunks["competent authority"] == (1, 2)
    assert headings.chunks["request"] == (3, 4, 5)


def test_the_rarest_heading_concept_of_the_question_is_chosen() -> None:
    headings = HeadingConcepts.build(CHUNKS, GLOSSARY)
    both = GLOSSARY.concepts
    assert headings.most_specific(both, fewer_than=100) == (1, 2)
    # a concept heading as many chunks as the pool is too common to say what the question is about
    assert headings.most_specific(both, fewer_than=2) == ()
    assert headings.most_specific(both[1:], fewer_than=100) == (3, 4, 5)


def test_the_mention_share_prefers_a_concept_that_is_mostly_a_heading() -> None:
    headings = HeadingConcepts.build(CHUNKS, GLOSSARY)
    mentions = {"verzoek": 40, "request": 40, "bevoegd": 4, "autoriteit": 4, "competent": 2}

    def chunks_with(stem: str) -> int:
        return max((n for word, n in mentions.items() if stem.startswith(word[:5])), default=0)

    assert headings.most_headed(GLOSSARY.concepts, chunks_with=chunks_with) == (1, 2)


def test_the_shipped_glossary_finds_the_administrative_headings_of_the_dutch_texts() -> None:
    chunks = [
        (1, "Protocol, Article 6 — Bevoegde instanties\n..."),
        (2, "Article 12 — Taal\n..."),
        (3, "Article 18 — Schorsing, opzegging\n..."),
    ]
    headings = HeadingConcepts.build(chunks, load_glossary())
    assert headings.chunks["competent authority"] == (1,)
    assert headings.chunks["language"] == (2,)
    assert headings.chunks["suspension"] == (3,)


def test_acord_judgements_name_clauses_and_queries_of_the_copied_corpus() -> None:
    with gzip.open(ACORD / "corpus.jsonl.gz", "rt", encoding="utf-8") as file:
        clauses = {json.loads(line)["_id"] for line in file}
    queries = {
        json.loads(line)["_id"]
        for line in (ACORD / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    }
    assert len(clauses) == 3931
    for split, expected in (("valid", 6), ("train", 51)):
        with (ACORD / f"qrels-{split}.tsv").open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file, delimiter="\t"))
        assert {row["query-id"] for row in rows} <= queries
        assert len({row["query-id"] for row in rows}) == expected
        assert {row["corpus-id"] for row in rows} <= clauses
        assert all(1 <= int(row["score"]) <= 4 for row in rows)


DUTCH_AGREEMENT = """Overeenkomst tussen de Partijen betreffende de overname van personen

Artikel 1
Indiening van het verzoek om overname

1. Het verzoek om overname wordt door de bevoegde autoriteiten van de verzoekende Partij \
schriftelijk ingediend bij de bevoegde autoriteiten van de aangezochte Partij. Het verzoek om \
overname vermeldt de \
personalia van de betrokkene, de middelen waarmee de nationaliteit wordt aangetoond en de gegevens \
over de binnenkomst. De bevoegde autoriteiten beantwoorden het verzoek om overname onverwijld.

Artikel 2
Bevoegde autoriteiten

De Partijen wijzen elk de autoriteiten aan die bevoegd zijn.

Artikel 3
Kosten

De kosten van de overname komen ten laste van de verzoekende Partij.
"""
ENGLISH_NOTE = """Note on the removal of persons

Article 1
Transport

The transport of persons to the border is arranged by the requesting Party.
"""


def test_the_article_headed_by_the_concept_rises_above_one_that_mentions_it_in_passing(
    tmp_path: Path,
) -> None:
    from index.embedders import HashingEmbedder
    from index.retrieval.hybrid import HybridSearcher, SearchConfig
    from readmit.service import KnowledgeBase

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "agreement-nl.txt").write_text(DUTCH_AGREEMENT, encoding="utf-8")
    (corpus / "note-en.txt").write_text(ENGLISH_NOTE, encoding="utf-8")
    kb = KnowledgeBase(tmp_path / "index", model=HashingEmbedder(dimension=64))
    report = kb.ingest([corpus])
    assert report.failed == ()
    assert {d.language for d in kb.documents()} == {"nl", "en"}  # two languages: glossary on
    question = "welke bevoegde autoriteiten zijn aangewezen"

    def first_eid(config: SearchConfig) -> str:
        searcher = HybridSearcher(kb.collection, config=config)
        return [h.eid for h in searcher.search(question, k=3) if h.doc_id == "agreement-nl"][0]

    # without it, the long article that names the authorities three times in passing
    assert first_eid(SearchConfig(heading_weight=0.0)) == "art_1"
    assert first_eid(SearchConfig()) == "art_2"  # the default: the article headed by the concept
