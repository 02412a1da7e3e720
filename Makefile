# One-command setup: `make demo` and `make test` create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip

.PHONY: demo test lint typecheck pytest docs bench clean catalogue

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[io]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/kampala demo

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests benchmarks typing_tests examples
	$(BIN)/ruff format --check src tests benchmarks typing_tests examples

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

pytest: $(VENV)/.dev-installed
	$(BIN)/pytest -q -n 2

docs: $(VENV)/.dev-installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site
	$(BIN)/python tools/check_offline_site.py site

test: lint typecheck pytest docs

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_scorecard.py
	$(BIN)/python benchmarks/bench_sensitivity.py

# Spanish catalogue: edit src/kampala/locale/es/LC_MESSAGES/kampala.po, then compile
CATALOGUE := src/kampala/locale/es/LC_MESSAGES/kampala
catalogue: $(VENV)/.dev-installed
	$(BIN)/pybabel compile --statistics -i $(CATALOGUE).po -o $(CATALOGUE).mo

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .hypothesis
