"""Exceptions raised by the index layer; each message names the index or document and the reason."""

from __future__ import annotations


class IndexLayerError(Exception):
    """Base class for every error the index layer raises on purpose."""


class UnknownEmbedderError(IndexLayerError, ValueError):
    """The requested embedding model name is not one we ship."""


class IndexOpenError(IndexLayerError):
    """The index folder cannot be opened: not a readmit index, or written by another version."""


class ModelMismatchError(IndexLayerError):
    """The index folder was built with a different embedding model than the one asked for."""


class IndexWriteError(IndexLayerError):
    """A document could not be written to the index (bad chunks, colliding ids, ...)."""


class IndexFullError(IndexLayerError):
    """The disk (or the database's size limit) is full: nothing of the failed write was kept."""


class MissingExtraError(IndexLayerError):
    """A mode was asked for whose optional packages (an extra of the install) are missing."""


class VectorCacheError(IndexLayerError):
    """`vectors.faiss` is missing, stale or fails its checksum; it is rebuilt from SQLite."""


# What psycopg and its pool raise when the server cannot be reached or drops the connection
# (OperationalError covers AdminShutdown, a refused connection, a closed socket).
_UNREACHABLE = frozenset({"OperationalError", "InterfaceError", "PoolTimeout", "PoolClosed"})


def is_database_unreachable(error: BaseException) -> bool:
    """Is `error` (or what caused it) the database server being out of reach? Judged by class
    names, so callers above the index layer need not import psycopg."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for cls in type(current).__mro__:
            if cls.__name__ in _UNREACHABLE and cls.__module__.startswith("psycopg"):
                return True
        current = current.__cause__ or current.__context__
    return False
