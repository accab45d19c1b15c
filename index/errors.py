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


class VectorCacheError(IndexLayerError):
    """`vectors.faiss` is missing, stale or fails its checksum; it is rebuilt from SQLite."""
