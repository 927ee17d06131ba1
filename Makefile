# Dossier: the two set-up commands are `make html` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
# what npm gives: the borders the maps draw (world-atlas) and, for the tests,
# the Nu HTML Checker; install scripts not run: vnu-jar's would download a
# Java runtime, and the machine's Java is used. Without npm the site builds
# with its maps left out (each page says so).
NODESTAMP := node_modules/.installed
PORT   ?= 8000

.PHONY: html check strict test lint devserver serve clean bench docs

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(TESTSTAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(NODESTAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the maps will not be drawn (install Node.js and npm, then run make again)"; fi

## Build the site into output/ (creates .venv and installs on first use).
html: $(STAMP) $(NODESTAMP)
	$(VENV)/bin/dossier build

## Validate the content without writing anything.
check: $(STAMP)
	$(VENV)/bin/dossier check

## Build with warnings treated as errors (what CI publishes).
strict: $(STAMP) $(NODESTAMP)
	$(VENV)/bin/dossier build --strict

## Run every test (installs the test dependencies first), after the linter.
test: lint $(NODESTAMP)
	$(PY) -m pytest

## Lint the code (ruff: pyflakes, pycodestyle, bugbear, import order).
lint: $(TESTSTAMP)
	$(VENV)/bin/ruff check .

## Serve output/ on localhost:$(PORT), rebuilding when a file changes.
devserver serve: $(STAMP)
	$(VENV)/bin/dossier serve --port $(PORT)

## Regenerate the generated parts of docs/ from the schema.
docs: $(STAMP)
	$(PY) -m dossier.docs

## Remove the output, the leftovers of killed builds and the cache: only
## what a build can prove it made (a folder merely named like one stays).
clean:
	$(if $(wildcard $(PY)),$(PY),$(PYTHON)) build.py clean
