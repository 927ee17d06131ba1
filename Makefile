# Dossier: the two set-up commands are `make html` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
PORT   ?= 8000

.PHONY: html check strict test devserver serve clean bench docs

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(TESTSTAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

## Build the site into output/ (creates .venv and installs on first use).
html: $(STAMP)
	$(VENV)/bin/dossier build

## Validate the content without writing anything.
check: $(STAMP)
	$(VENV)/bin/dossier check

## Build with warnings treated as errors (what CI publishes).
strict: $(STAMP)
	$(VENV)/bin/dossier build --strict

## Run every test (installs the test dependencies first).
test: $(TESTSTAMP)
	$(PY) -m pytest

## Serve output/ on localhost:$(PORT), rebuilding when a file changes.
devserver serve: $(STAMP)
	$(VENV)/bin/dossier serve --port $(PORT)

## Regenerate the generated parts of docs/ from the schema.
docs: $(STAMP)
	$(PY) -m dossier.docs

clean:
	rm -rf output output.staging-* output.old-* .dossier-cache
