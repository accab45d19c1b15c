"""Index storage: one contract (`base.StorageBackend`), two backends, everything derived once.

- `sqlite.SqliteStorage`: embedded, one folder: SQLite (source of truth) + FAISS cache.
- `postgres.PgStorage`: PostgreSQL with pgvector, for a shared server (psycopg loads only then).
- `bookkeeping.SqlBookkeeping`: source paths, failed files and clause slots (`base.Bookkeeping`),
  one SQL implementation over either backend's transactions.
- `collection.Collection`: embedding, validation, search, hits, status over either backend.
- `visibility.VisibleStorage`: a viewer's read-only view of a backend.

The location picks the backend: a folder path, or a `postgresql://` URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from index.drivers import require_server_drivers
from index.embedders import Embedder
from index.locations import is_server_location, location_label
from index.storage.base import Bookkeeping, StorageBackend
from index.storage.collection import Collection
from index.storage.sqlite import SqliteStorage, recorded_model
from index.storage.visibility import scope_filters, visible_collection

if TYPE_CHECKING:
    from index.storage.postgres import PgStorage

__all__ = [
    "Bookkeeping",
    "Collection",
    "StorageBackend",
    "location_label",
    "open_collection",
    "open_storage",
    "recorded_model_at",
    "scope_filters",
    "visible_collection",
]


def open_storage(location: str | Path) -> SqliteStorage | PgStorage:
    """The backend at `location`: an index folder (embedded) or a PostgreSQL URL (server)."""
    if is_server_location(location):
        require_server_drivers()
        from index.storage.postgres import PgStorage  # psycopg only loads in server mode

        return PgStorage(str(location))
    return SqliteStorage(Path(location))


def open_collection(location: str | Path, *, embedder: Embedder) -> Collection:
    """The collection at `location`, searched with `embedder` (which must be the index's)."""
    storage = open_storage(location)
    return Collection(storage, bookkeeping=storage.bookkeeping(), embedder=embedder)


def recorded_model_at(location: str | Path) -> str | None:
    """The model an existing index was built with, or None for a new or empty one."""
    if is_server_location(location):
        require_server_drivers()
        from index.storage.postgres import recorded_model as pg_recorded_model

        return pg_recorded_model(str(location))
    return recorded_model(Path(location))
