"""Where an index or a drafts store lives: a folder, or a PostgreSQL URL (server mode).

No database driver is imported here: settings and messages use it in every mode.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_location(location: str | Path) -> bool:
    """A `postgresql://` URL (server mode) rather than a folder."""
    return isinstance(location, str) and location.startswith(SERVER_SCHEMES)


def redact_url(url: str) -> str:
    """The URL without its password, for messages and the app."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def location_label(location: str | Path) -> str:
    """The location for messages, without a password."""
    return (
        redact_url(location)
        if isinstance(location, str) and is_server_location(location)
        else str(location)
    )
