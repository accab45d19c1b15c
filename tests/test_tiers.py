"""The fast tier stays light: loading the shared fixtures does not load Streamlit (only the
app's tests do, through their own fixtures)."""

from __future__ import annotations

import subprocess
import sys

from tests.harness.corpus import REPO


def test_conftest_does_not_import_streamlit() -> None:
    probe = "import sys, tests.conftest; print('streamlit' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
