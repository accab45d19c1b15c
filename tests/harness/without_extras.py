"""Run readmit as a plain install would: with the optional extras unimportable.

`python -m tests.harness.without_extras readmit ARGS...` runs the CLI; `... app` runs the app
once through AppTest (its index from READMIT_INDEX) and prints its exceptions and error messages
as JSON; `... signin` prints what the identity-provider sign-in would say. Before anything of
readmit is imported, each extra's modules are set to None in `sys.modules`, which makes every
`import` of them (or of their submodules) raise ImportError, as on a machine without them.
"""

from __future__ import annotations

import json
import sys

EXTRA_MODULES = ("psycopg", "psycopg_pool", "pgvector", "authlib")


def main(argv: list[str]) -> int:
    for name in EXTRA_MODULES:
        sys.modules[name] = None  # type: ignore[assignment]
    command, args = argv[0], argv[1:]
    if command == "readmit":
        from readmit.cli import main as cli

        cli.main(args, prog_name="readmit")  # exits with the command's status, as installed
    if command == "app":
        from streamlit import config
        from streamlit.testing.v1 import AppTest

        config.set_option("server.address", "127.0.0.1")  # as `make run` starts it

        at = AppTest.from_file(args[0], default_timeout=120).run()
        print(
            json.dumps(
                {
                    "exceptions": [e.message for e in at.exception],
                    "errors": [e.value for e in at.error],
                }
            )
        )
        return 0
    if command == "signin":
        from readmit.facade import oidc_extra_missing

        print(json.dumps({"oidc": oidc_extra_missing()}))
        return 0
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
