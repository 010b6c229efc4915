# Two commands on a fresh clone (see README):
#   make run    set up .venv and run the default scenario -> results/nl_programme/
#   make test   set up .venv and run the whole test suite
PYTHON ?= $(shell command -v python3.12 || command -v python3 || command -v python)
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup run test test-fast lint bench app clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "areasim needs Python >= 3.12 (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

run: setup
	$(BIN)/areasim run scenarios/nl_programme.toml

test: setup
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: setup
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow"

app: setup
	$(BIN)/areasim app

lint: setup
	$(BIN)/ruff check sim tests benchmarks tools

bench: setup
	$(BIN)/python benchmarks/bench_run.py
	$(BIN)/python benchmarks/bench_cli.py

clean:
	rm -rf $(VENV) results/*/ .pytest_cache
