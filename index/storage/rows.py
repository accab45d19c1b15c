"""Rows both storage backends write and read: the column lists, and row <-> record mapping.

SQLite and PostgreSQL store the same tables (SQLite keeps JSON in TEXT columns, PostgreSQL in
jsonb), select the same columns in the same order and map them to the same records here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from index.types import DocumentRecord, Hit, SearchFilters, UnitRecord
from ingest.types import (
    Chunk,
    Paragraph,
    ParsedDocument,
    Point,
    document_kind,
    instrument_types_of_kinds,
)

# Search's slot filter only trusts assignments at least this confident (see index.slots).
SLOT_FILTER_MIN_CONFIDENCE = 0.5

HIT_SELECT = """
    c.chunk_id, c.doc_id, d.title, c.part, c.article, c.heading, c.eid,
    c.page_start, c.page_end, d.language, c.text, d.instrument_type
"""
CHUNK_SELECT = (
    "chunk_id, doc_id, eid, part, article, heading, text, seq, page_start, page_end, vector"
)
CHUNK_INSERT_COLUMNS = (
    "chunk_id",
    "doc_id",
    "eid",
    "part",
    "article",
    "heading",
    "text",
    "seq",
    "ord",
    "page_start",
    "page_end",
    "vector",
)


def _paragraphs_json(paragraphs: Sequence[Paragraph]) -> str:
    return json.dumps([asdict(p) for p in paragraphs], ensure_ascii=False)


def _paragraphs_from_json(stored: str | list[Any] | None) -> tuple[Paragraph, ...]:
    """Paragraphs from their JSON: text (SQLite) or already decoded (PostgreSQL's jsonb)."""
    decoded = json.loads(stored or "[]") if isinstance(stored, str) or stored is None else stored
    paragraphs = []
    for raw in decoded:
        raw = dict(raw)
        points = tuple(Point(**point) for point in raw.pop("points", []))
        paragraphs.append(Paragraph(**raw, points=points))
    return tuple(paragraphs)


# The rows both backends write for a document and its units.
DOCUMENT_COLUMNS = (
    "doc_id",
    "title",
    "language",
    "instrument_type",
    "parties",
    "year",
    "date_signed",
    "place_signed",
    "official_reference",
    "source_url",
    "licence",
    "original_title",
    "source_path",
    "content_hash",
    "page_count",
    "has_pages",
    "indexed_at",
    "visibility",
)
UNIT_COLUMNS = (
    "doc_id",
    "eid",
    "kind",
    "part",
    "number",
    "heading",
    "text",
    "ord",
    "page_start",
    "page_end",
    "instrument",
    "paragraphs",
    "parent",
)


def insert_sql(table: str, columns: Sequence[str], placeholder: str) -> str:
    """An INSERT of `columns` with the driver's placeholder ("?" for sqlite3, "%s" for psycopg)."""
    marks = ", ".join([placeholder] * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def document_row(doc: ParsedDocument, *, indexed_at: str) -> tuple[object, ...]:
    """The values of DOCUMENT_COLUMNS for `doc`."""
    meta = doc.meta
    return (
        meta.doc_id,
        meta.title,
        meta.language,
        meta.instrument_type,
        json.dumps(list(meta.parties), ensure_ascii=False),
        meta.year,
        meta.date_signed,
        meta.place_signed,
        meta.official_reference,
        meta.source_url,
        meta.licence,
        meta.original_title,
        doc.source_path,
        doc.content_hash,
        doc.page_count,
        doc.has_pages,
        indexed_at,
        json.dumps(list(meta.visibility), ensure_ascii=False),
    )


def unit_rows(doc: ParsedDocument) -> list[tuple[object, ...]]:
    """The values of UNIT_COLUMNS for each unit of `doc`, in reading order."""
    return [
        (
            doc.meta.doc_id,
            u.eid,
            u.kind,
            u.part,
            u.number,
            u.heading,
            u.text,
            u.order,
            u.page_start,
            u.page_end,
            u.instrument,
            _paragraphs_json(u.paragraphs),
            u.parent,
        )
        for u in doc.units
    ]


DOCUMENT_SELECT = """
    d.doc_id, d.title, d.language, d.instrument_type, d.parties, d.year, d.date_signed,
    d.place_signed, d.official_reference, d.source_url, d.licence, d.original_title,
    d.source_path, d.content_hash, d.page_count, d.has_pages, d.indexed_at,
    (SELECT count(*) FROM units u WHERE u.doc_id = d.doc_id),
    (SELECT count(*) FROM chunks c WHERE c.doc_id = d.doc_id),
    d.visibility
"""


def _json_list(stored: Any) -> tuple[Any, ...]:
    """A JSON array: text (SQLite) or already decoded (PostgreSQL's jsonb)."""
    decoded = json.loads(stored or "[]") if isinstance(stored, str) or stored is None else stored
    return tuple(decoded)


def document_record(row: Sequence[Any]) -> DocumentRecord:
    """A document from a row of DOCUMENT_SELECT."""
    values = list(row)
    values[4] = _json_list(values[4])  # parties
    values[15] = bool(values[15])  # has_pages
    values[17] = int(values[17])
    values[18] = int(values[18])
    values[19] = _json_list(values[19])  # visibility
    return DocumentRecord(*values)


UNIT_SELECT = """
    doc_id, eid, kind, part, number, heading, text, ord, page_start, page_end, instrument,
    paragraphs, parent
"""


def unit_record(row: Sequence[Any]) -> UnitRecord:
    """A unit from a row of UNIT_SELECT (both backends select them in this order)."""
    doc_id, eid, kind, part, number, heading, text, order, page_start, page_end, instrument = row[
        :11
    ]
    return UnitRecord(
        doc_id=doc_id,
        eid=eid,
        kind=kind,
        part=part,
        number=number,
        heading=heading,
        text=text,
        order=order,
        page_start=page_start,
        page_end=page_end,
        instrument=instrument,
        paragraphs=_paragraphs_from_json(row[11]),
        parent=row[12],
    )


def ordered_hits(
    found: Mapping[int, Hit], chunk_ids: Sequence[int], scores: Sequence[float] | None
) -> list[Hit]:
    """`found` in the order of `chunk_ids`, ranked 1..n; ids a writer deleted meanwhile are
    skipped. Without `scores` every score is 0.0 (the caller scores them, e.g. by rank fusion).
    Both backends assemble their hits here."""
    hits: list[Hit] = []
    for position, chunk_id in enumerate(chunk_ids):
        hit = found.get(int(chunk_id))
        if hit is None:
            continue
        score = float(scores[position]) if scores is not None else 0.0
        hits.append(replace(hit, rank=len(hits) + 1, score=score))
    return hits


def hit_record(row: Sequence[Any]) -> Hit:
    """A hit (rank 0, score 0.0: the caller ranks it) from a row of HIT_SELECT."""
    return Hit(
        rank=0,
        score=0.0,
        chunk_id=int(row[0]),
        doc_id=row[1],
        title=row[2],
        part=row[3],
        article=row[4],
        heading=row[5],
        eid=row[6],
        page_start=row[7],
        page_end=row[8],
        language=row[9],
        text=row[10],
        kind=document_kind(row[11]),
    )


def chunk_record(row: Sequence[Any]) -> Chunk:
    """A chunk from the first ten columns of a row of CHUNK_SELECT (the vector is the last)."""
    return Chunk(
        chunk_id=int(row[0]),
        doc_id=row[1],
        eid=row[2],
        part=row[3],
        article=row[4],
        heading=row[5],
        text=row[6],
        seq=int(row[7]),
        page_start=row[8],
        page_end=row[9],
    )


def chunk_rows(chunks: Sequence[Chunk], vectors: Sequence[object]) -> list[tuple[object, ...]]:
    """The values of CHUNK_INSERT_COLUMNS for a document's chunks, `vectors` as the driver
    stores them."""
    return [
        (
            c.chunk_id,
            c.doc_id,
            c.eid,
            c.part,
            c.article,
            c.heading,
            c.text,
            c.seq,
            i,
            c.page_start,
            c.page_end,
            vectors[i],
        )
        for i, c in enumerate(chunks)
    ]


def as_vector(value: Any, dimension: int) -> np.ndarray | None:
    """A stored vector as float32 (SQLite's little-endian blob, pgvector's Vector, a list);
    None when it does not hold `dimension` values (a damaged row)."""
    if isinstance(value, bytes):
        if len(value) != dimension * 4:
            return None
        return np.frombuffer(value, dtype="<f4", count=dimension)
    if hasattr(value, "to_numpy"):
        value = value.to_numpy()
    array = np.asarray(value, dtype=np.float32).reshape(-1)
    return array if array.shape == (dimension,) else None


# ---- filters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    """How one database spells what `filter_sql` needs."""

    mark: str  # the driver's placeholder
    # "expr IN (?, ?)" with one parameter per value, or "expr = ANY(%s)" with the list as one
    in_list: Callable[[str, Sequence[object]], tuple[str, list[object]]]
    # FROM-item over a JSON array column, and the expression of one element's text
    json_elements: Callable[[str, str], tuple[str, str]]
    empty_json_array: str
    byte_order: str  # appended to ORDER BY a text column: order by bytes, as Python sorts str
    # counts the tables of one name (the parameter) in the index: 1 if it exists, else 0
    table_exists: str


def filter_sql(filters: SearchFilters, dialect: Dialect) -> tuple[str, list[object]]:
    """A WHERE clause over `chunks c JOIN documents d` for the filters (documented semantics).

    Every listed field must match (AND across fields, OR within a field); languages, parties and
    instrument types compare case-insensitively; a document without a year fails year bounds.
    """
    clauses: list[str] = []
    params: list[object] = []

    def add(sql: str, values: Sequence[object]) -> None:
        clauses.append(sql)
        params.extend(values)

    def any_of(column: str, values: Sequence[str], *, fold: bool) -> None:
        expr = f"lower({column})" if fold else column
        add(*dialect.in_list(expr, [v.lower() if fold else v for v in values]))

    def json_contains(column: str, values: Sequence[str], *, fold: bool) -> str:
        source, element = dialect.json_elements(column, "j")
        condition, values_params = dialect.in_list(f"lower({element})" if fold else element, values)
        params.extend(values_params)
        return f"EXISTS (SELECT 1 FROM {source} WHERE {condition})"

    if filters.doc_ids:
        any_of("d.doc_id", filters.doc_ids, fold=False)
    if filters.languages:
        any_of("d.language", filters.languages, fold=True)
    if filters.parts:
        any_of("c.part", filters.parts, fold=True)
    if filters.instrument_types:
        any_of("d.instrument_type", filters.instrument_types, fold=True)
    if filters.kinds:  # a kind is a set of instrument types
        any_of("d.instrument_type", instrument_types_of_kinds(filters.kinds) or ("",), fold=True)
    if filters.parties:
        parties = [p.lower() for p in filters.parties]
        clauses.append(json_contains("d.parties", parties, fold=True))
    if filters.year_from is not None:
        add(f"d.year >= {dialect.mark}", [filters.year_from])
    if filters.year_to is not None:
        add(f"d.year <= {dialect.mark}", [filters.year_to])
    if filters.visible_groups is not None:  # public, or restricted to one of the groups
        public = f"d.visibility = {dialect.empty_json_array}"
        if filters.visible_groups:
            member = json_contains("d.visibility", filters.visible_groups, fold=False)
            clauses.append(f"({public} OR {member})")
        else:
            clauses.append(public)
    if filters.slots:
        # A chunk cites its unit ("art_7") or a part of it ("art_7__para_2").
        slots, slot_params = dialect.in_list("s.slot", filters.slots)
        add(
            "EXISTS (SELECT 1 FROM slots s WHERE s.doc_id = c.doc_id "
            "AND (c.eid = s.eid OR substr(c.eid, 1, length(s.eid) + 2) = s.eid || '__') "
            f"AND {slots} AND s.confidence >= {dialect.mark})",
            [*slot_params, SLOT_FILTER_MIN_CONFIDENCE],
        )
    return (" AND ".join(clauses) or "TRUE"), params
