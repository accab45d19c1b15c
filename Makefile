# Two entry points for a fresh machine (Python 3.11, nothing installed):
#   make run   install, index corpus/ if needed (incremental), start the app
#   make test  install with test extras (and Debian chromium), run lint, types and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test install install-test browser lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first: the pinned 2.13.0 is a local CPU build here; otherwise pip pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser

# Debian's chromium for the Playwright browser test (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install
	$(BIN)/readmit ingest corpus || echo "Some files failed to index; see 'readmit status'."
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

lint:
	$(BIN)/ruff check .
	$(BIN)/mypy ingest index readmit app.py

test: install-test lint
	$(BIN)/pytest -q -rs
