"""Documents and chunks built by hand for index tests (independent of ingest's parser).

Shared by the collection, storage-contract, scaling and access tests.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from index.storage import Collection
from ingest.types import Chunk, DocumentMeta, ParsedDocument, Unit

REPO = Path(__file__).resolve().parent.parent.parent
KAZAKHSTAN_EN = REPO / "corpus" / "benelux-kazakhstan-readmission-agreement-2015-en.txt"
ARMENIA_NL = REPO / "corpus" / "benelux-armenia-readmission-2009-nl.txt"


def chunk_id_for(doc_id: str, eid: str, seq: int) -> int:
    digest = hashlib.blake2b(f"{doc_id}|{eid}|{seq}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def make_document(
    doc_id: str,
    articles: Sequence[tuple[str, str, str]],
    *,
    language: str = "en",
    parties: tuple[str, ...] = ("Belgium", "Luxembourg", "Netherlands", "Kazakhstan"),
    year: int | None = 2015,
    instrument_type: str = "bilateral agreement",
    protocol_articles: Sequence[tuple[str, str, str]] = (),
) -> ParsedDocument:
    """A document of numbered articles (number, heading, body), optionally with a protocol."""
    units = [
        Unit(
            eid=f"art_{number}",
            kind="article",
            part="agreement",
            number=number,
            heading=heading,
            text=body,
            order=i,
        )
        for i, (number, heading, body) in enumerate(articles)
    ]
    units += [
        Unit(
            eid=f"protocol__art_{number}",
            kind="article",
            part="protocol",
            number=number,
            heading=heading,
            text=body,
            order=len(articles) + i,
            instrument="protocol",
        )
        for i, (number, heading, body) in enumerate(protocol_articles)
    ]
    meta = DocumentMeta(
        doc_id=doc_id,
        title=f"Title of {doc_id}",
        language=language,
        instrument_type=instrument_type,
        parties=parties,
        year=year,
    )
    text = "\n".join(u.text for u in units)
    return ParsedDocument(
        meta=meta,
        units=tuple(units),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        source_path=f"/corpus/{doc_id}.txt",
    )


def make_chunks(doc: ParsedDocument, *, max_words: int = 120) -> list[Chunk]:
    """One chunk per unit, or several for long units, each starting with label and heading."""
    chunks: list[Chunk] = []
    for unit in doc.units:
        head = f"{unit.label}\n{unit.heading}\n" if unit.heading else f"{unit.label}\n"
        pieces: list[str] = []
        current: list[str] = []
        for paragraph in unit.text.split("\n\n"):
            if current and len(" ".join(current + [paragraph]).split()) > max_words:
                pieces.append("\n\n".join(current))
                current = []
            current.append(paragraph)
        pieces.append("\n\n".join(current))
        for seq, piece in enumerate(pieces):
            chunks.append(
                Chunk(
                    chunk_id=chunk_id_for(doc.doc_id, unit.eid, seq),
                    doc_id=doc.doc_id,
                    eid=unit.eid,
                    part=unit.part,
                    article=unit.number,
                    heading=unit.heading,
                    text=head + piece,
                    seq=seq,
                )
            )
    return chunks


def corpus_articles(path: Path, *, word: str, protocol_marker: str) -> list[tuple[str, str, str]]:
    """(number, heading, body) of an agreement's articles, cut from a shipped corpus text.

    A deliberately simple cut (not ingest's parser): "<word> N" line, heading line, body, up
    to the implementing protocol.
    """
    agreement = path.read_text(encoding="utf-8").split(protocol_marker)[0]
    parts = re.split(rf"^{word} (\d+)\n(.+)\n", agreement, flags=re.MULTILINE)
    articles = []
    for i in range(1, len(parts) - 2, 3):
        articles.append((parts[i], parts[i + 1].strip(), parts[i + 2].strip()))
    return articles


def kazakhstan_articles() -> list[tuple[str, str, str]]:
    """The 21 articles of the English Benelux-Kazakhstan agreement."""
    marker = "\nImplementing protocol to the agreement"
    return corpus_articles(KAZAKHSTAN_EN, word="Article", protocol_marker=marker)


def armenia_articles() -> list[tuple[str, str, str]]:
    """The 17 articles of the Dutch Benelux-Armenia agreement (Artikel 6 "Termijnen")."""
    marker = "\nUitvoeringsprotocol bij de Overeenkomst"
    return corpus_articles(ARMENIA_NL, word="Artikel", protocol_marker=marker)


RETURN_ARTICLES = [
    ("1", "Return of nationals", "Each Party shall readmit its own nationals upon request."),
    ("2", "Return request", "A return request shall be made in writing to the requested Party."),
]


def return_document(doc_id: str, **kwargs: object) -> ParsedDocument:
    return make_document(doc_id, RETURN_ARTICLES, **kwargs)  # type: ignore[arg-type]


def upsert(collection: Collection, doc: ParsedDocument) -> int:
    return collection.upsert_document(doc, make_chunks(doc))


def filter_corpus(collection: Collection) -> None:
    """Ten English agreements about return requests, and one odd French document."""
    for i in range(10):
        upsert(collection, return_document(f"en-{i}", year=2000 + i))
    upsert(
        collection,
        make_document(
            "fr-odd",
            [("1", "Sceau", "Le sceau de l'Union est apposé sur le registre.")],
            language="fr",
            parties=("France", "Belgium"),
            year=1964,
            instrument_type="multilateral convention",
            protocol_articles=[("1", "Registre", "Le registre est tenu par le dépositaire.")],
        ),
    )
