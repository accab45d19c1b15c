"""Run readmit as a plain install would: with the optional extras unimportable.

`python -m tests.harness.without_extras STEPS.json` runs each step in this one process and prints
their results as one JSON list. Before anything of readmit is imported, each extra's modules are
set to None in `sys.modules`, which makes every `import` of them (or of their submodules) raise
ImportError, as on a machine without them. A step is one of:
- {"cli": [ARGS...], "env": {...}}: the `readmit` command (click's runner) → exit code, stdout,
  stderr;
- {"app": PATH, "env": {...}}: one run of the app through AppTest → its exceptions and the
  messages of its error boxes;
- {"signin": true}: what the identity-provider sign-in says (None: it can work).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

EXTRA_MODULES = ("psycopg", "psycopg_pool", "pgvector", "authlib")


def run_step(step: dict[str, Any]) -> dict[str, Any]:
    env = {str(k): str(v) for k, v in step.get("env", {}).items()}
    if "cli" in step:
        from click.testing import CliRunner

        from readmit.cli import main as cli

        result = CliRunner(env=env).invoke(cli, step["cli"], prog_name="readmit")
        error = result.exception
        return {
            "exit_code": result.exit_code,
            "stdout": result.stdout,
            "stderr": result.stderr,
            # an exception other than the exit itself is what a user would see as a traceback
            "uncaught": None if error is None or isinstance(error, SystemExit) else repr(error),
        }
    if "app" in step:
        from streamlit import config
        from streamlit.testing.v1 import AppTest

        config.set_option("server.address", "127.0.0.1")  # as `make run` starts it
        os.environ.update(env)
        at = AppTest.from_file(step["app"], default_timeout=120).run()
        return {
            "exceptions": [e.message for e in at.exception],
            "errors": [e.value for e in at.error],
        }
    from readmit.facade import oidc_extra_missing

    return {"oidc": oidc_extra_missing()}


def main(path: str) -> int:
    for name in EXTRA_MODULES:
        sys.modules[name] = None  # type: ignore[assignment]
    with open(path, encoding="utf-8") as handle:
        steps = json.load(handle)
    print(json.dumps([run_step(step) for step in steps]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
