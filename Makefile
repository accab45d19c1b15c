# Two entry points for a fresh machine (Python 3.11, nothing installed):
#   make run   install, index corpus/ if needed (incremental), start the app
#   make test  install with test extras (and Debian chromium), run lint, types and the whole test suite
#   make test-fast   the fast tier while developing: unit and small-index tests (-m "not slow")
#   make smoke-wheel build the wheel, install it in a fresh venv outside the checkout, smoke-test it
#   make serve the app against a PostgreSQL server (server mode, installs the 'server' and 'oidc'
#              extras): READMIT_INDEX=postgresql://...
#              (unset: the local server of scripts/postgres.sh, started or brought back with its data);
#              see docs/deployment.md
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
# The app listens on this machine only; `make run HOST=0.0.0.0` opens it to the network (the app
# refuses that unless sign-in is configured: docs/deployment.md).
HOST   ?= 127.0.0.1

.PHONY: run test test-fast smoke-wheel install install-test browser ocr office icu lint postgres serve \
	bench bench-smoke

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first: the pinned 2.13.0 is a local CPU build here; otherwise pip pulls a multi-GB CUDA build.
# PyICU (word breaks of Chinese, Thai, Khmer …) builds against Debian's ICU: libicu-dev, pkg-config.
icu:
	@{ dpkg -s libicu-dev pkg-config >/dev/null 2>&1; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config >/dev/null; }

$(VENV)/.installed: pyproject.toml | icu $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Server mode's drivers (psycopg, pgvector) and the identity-provider sign-in (Authlib): the
# extras a plain install leaves out.
$(VENV)/.installed-server: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[server,oidc]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser ocr office postgres

# Debian's postgresql-15 and pgvector built from Debian's source package (server mode, its tests).
postgres:
	bash scripts/postgres.sh install

# Debian's chromium for the Playwright browser test (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's Tesseract with the corpus languages, and poppler's pdftoppm to render scanned pages.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-nld tesseract-ocr-fra tesseract-ocr-deu poppler-utils
ocr:
	@{ command -v tesseract && command -v pdftoppm && tesseract --list-langs 2>/dev/null | grep -qx nld; } >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null; }

# Debian's LibreOffice Writer (no GUI): the export tests convert the Word file to PDF with it,
# as a Word-compatible reader other than python-docx; the Word-input tests save .docx with it;
# the redline test accepts and rejects tracked changes through its UNO API (python3-uno).
OFFICE_PACKAGES := libreoffice-writer-nogui python3-uno
office:
	@{ command -v soffice && /usr/bin/python3 -c "import uno"; } >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OFFICE_PACKAGES) >/dev/null; }

# The app starts at once; the corpus is indexed meanwhile by a separate `readmit ingest` (one line
# per file in .readmit/ingest.log; the app's sidebar shows its progress and searches what is
# indexed so far). Stopping the app stops that ingest; the next `make run` resumes where it was.
run: install
	@mkdir -p .readmit; \
	$(BIN)/readmit ingest > .readmit/ingest.log 2>&1 & ingest=$$!; \
	trap 'kill $$ingest 2>/dev/null' EXIT INT TERM; \
	echo "Indexing corpus/ and your uploads in the background (log: .readmit/ingest.log)."; \
	$(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT) --server.headless true

# Server mode: the app over a PostgreSQL index and shared drafts. Index the corpus into it first
# (incremental, like `make run`); several `make serve PORT=...` processes share one database.
serve: $(VENV)/.installed-server postgres
	@url="$${READMIT_INDEX:-$$(bash scripts/postgres.sh start)}"; \
	READMIT_INDEX="$$url" $(BIN)/readmit ingest || echo "Some files failed to index; see 'readmit status'."; \
	READMIT_INDEX="$$url" $(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy ingest index readmit app.py scripts
	$(BIN)/lint-imports
	$(BIN)/python scripts/cli_reference.py --check

# The suite also writes where its time went: pytest's JUnit XML and its output with the 30
# slowest durations (read by scripts/suite_time.py and by scripts/bench.py for docs/performance.md).
TEST_RESULTS := .readmit/test-results
test: SHELL := /bin/bash
test: install-test lint
	mkdir -p $(TEST_RESULTS)
	set -o pipefail; $(BIN)/pytest -q -rs --durations=30 --junitxml=$(TEST_RESULTS)/junit.xml \
		| tee $(TEST_RESULTS)/pytest.log
	$(BIN)/python scripts/suite_time.py $(TEST_RESULTS)/junit.xml --log $(TEST_RESULTS)/pytest.log

# The fast tier needs the Python packages only: no Chromium, LibreOffice, Tesseract or PostgreSQL
# (their tests are slow, or skip saying what is missing when no server can be started).
test-fast: $(VENV)/.installed-test
	$(BIN)/pytest -q -rs -m "not slow" -n 2

smoke-wheel: $(BIN)/python
	PYTHON=$(BIN)/python scripts/smoke_wheel.sh

# The performance benchmark (docs/performance.md): corpus, 10k and 100k chunks; see scripts/bench.py.
bench: install-test
	nice -n 10 $(BIN)/python scripts/bench.py --sizes 10k,100k

# CI smoke: the benchmark at its smallest size must run and write its report (no timing asserted).
bench-smoke: install-test
	$(BIN)/python scripts/bench.py --smoke --out .readmit/bench-smoke/performance.md
