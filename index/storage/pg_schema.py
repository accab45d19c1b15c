"""The PostgreSQL schema of a server-mode index (pgvector), and its version check.

The same tables as the embedded `meta.sqlite`, with the vectors in a `vector(N)` column under an
HNSW index (inner product: the vectors are unit length, so it ranks like cosine), and the facts
the embedded index keeps in `manifest.json` (model, dimension, counts, library versions,
generation) in the `state` table. docs/deployment.md shows how Citus would distribute them.
"""

from __future__ import annotations

PG_SCHEMA_VERSION = "1"

# Advisory lock keys (two-int form: namespace, key). The namespace spells "RDMT".
LOCK_NAMESPACE = 0x52444D54
SCHEMA_LOCK = 1  # transaction lock: creating or migrating the schema
WRITE_LOCK = 2  # transaction lock: one write transaction at a time (generation bumps)
RUN_LOCK = 3  # session lock: one ingest/removal run at a time (the writer lock)
DRAFTS_LOCK = 4  # transaction lock: creating the drafts tables

TABLES = """
CREATE TABLE IF NOT EXISTS state (
    key text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id text PRIMARY KEY,
    title text NOT NULL,
    language text NOT NULL,
    instrument_type text NOT NULL,
    parties jsonb NOT NULL,
    year integer,
    date_signed text,
    place_signed text,
    official_reference text,
    source_url text,
    licence text,
    original_title text,
    source_path text NOT NULL,
    content_hash text NOT NULL,
    page_count integer,
    has_pages boolean NOT NULL,
    indexed_at text NOT NULL,
    visibility jsonb NOT NULL DEFAULT '[]'  -- the groups that may see it, [] = public
);
ALTER TABLE documents ADD COLUMN IF NOT EXISTS visibility jsonb NOT NULL DEFAULT '[]';
CREATE TABLE IF NOT EXISTS units (
    doc_id text NOT NULL,
    eid text NOT NULL,
    kind text NOT NULL,
    part text NOT NULL,
    number text,
    heading text,
    text text NOT NULL,
    ord integer NOT NULL,
    page_start integer,
    page_end integer,
    instrument text NOT NULL,
    paragraphs jsonb NOT NULL DEFAULT '[]',
    parent text,  -- eid of the enclosing chapter/section (section tree)
    PRIMARY KEY (doc_id, eid)
);
ALTER TABLE units ADD COLUMN IF NOT EXISTS parent text;
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id bigint PRIMARY KEY,
    doc_id text NOT NULL,
    eid text NOT NULL,
    part text NOT NULL,
    article text,
    heading text,
    text text NOT NULL,
    seq integer NOT NULL,
    ord integer NOT NULL,
    page_start integer,
    page_end integer,
    vector vector({dimension}) NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks (doc_id, ord);
CREATE INDEX IF NOT EXISTS chunks_vector_hnsw ON chunks USING hnsw (vector vector_ip_ops);
CREATE TABLE IF NOT EXISTS failures (
    path text PRIMARY KEY,
    reason text NOT NULL,
    at text NOT NULL
);
CREATE TABLE IF NOT EXISTS slots (
    doc_id text NOT NULL,
    eid text NOT NULL,
    slot text NOT NULL,
    confidence double precision NOT NULL,
    method text NOT NULL,
    PRIMARY KEY (doc_id, eid, slot)
);
CREATE INDEX IF NOT EXISTS slots_by_slot ON slots (slot, confidence);
CREATE TABLE IF NOT EXISTS keywords (
    doc_id text NOT NULL,
    eid text NOT NULL,
    source_sha256 text NOT NULL,
    evidence text NOT NULL,
    PRIMARY KEY (doc_id, eid)
);
"""

DRAFT_TABLES = """
CREATE TABLE IF NOT EXISTS drafts (
    draft_id text PRIMARY KEY,
    revision integer NOT NULL,
    data jsonb NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS draft_history (
    draft_id text NOT NULL,
    revision integer NOT NULL,
    at timestamptz NOT NULL,
    author text NOT NULL,
    operation text NOT NULL,
    data jsonb,                      -- NULL for a deletion
    PRIMARY KEY (draft_id, revision)
);
"""


# What an up-to-date schema has: when all of it is there, opening runs no DDL at all. Even an
# `ALTER TABLE ... ADD COLUMN IF NOT EXISTS` that changes nothing takes an ACCESS EXCLUSIVE lock,
# which deadlocks with readers opening the index at the same moment.
EXPECTED_TABLES = ("state", "documents", "units", "chunks", "failures", "slots", "keywords")
EXPECTED_INDEXES = ("chunks_by_doc", "chunks_vector_hnsw", "slots_by_slot")
ADDED_COLUMNS = (("documents", "visibility"), ("units", "parent"))

MISSING_OBJECTS = """
SELECT count(*) FILTER (WHERE to_regclass(name) IS NULL)
FROM unnest(%(relations)s::text[]) AS name
"""
MISSING_COLUMNS = """
SELECT count(*) FROM unnest(%(tables)s::text[], %(columns)s::text[]) AS wanted(tab, col)
WHERE NOT EXISTS (
    SELECT 1 FROM information_schema.columns c
    WHERE c.table_schema = current_schema() AND c.table_name = wanted.tab
      AND c.column_name = wanted.col
)
"""


def statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
