"""The server drivers are an extra: a plain install serves the embedded index without them.

psycopg (with its pool) and pgvector are installed by `pip install 'readmit[server]'` (`make
serve`, `make install-test`). Code that needs them imports them only in server mode, after
`require_server_drivers()`, so a missing driver is one clear line, never a traceback.
"""

from __future__ import annotations

import importlib

from index.errors import MissingExtraError

SERVER_DRIVERS = ("psycopg", "psycopg_pool", "pgvector")
SERVER_EXTRA_HINT = "server mode needs the 'server' extra: pip install 'readmit[server]'"


def require_server_drivers() -> None:
    """Raise MissingExtraError naming the extra when a server driver cannot be imported."""
    missing = [name for name in SERVER_DRIVERS if not _importable(name)]
    if missing:
        raise MissingExtraError(f"{SERVER_EXTRA_HINT} (missing: {', '.join(missing)})")


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True
