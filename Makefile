# Two commands run the kit: `make lab` (open it in JupyterLab) and `make test` (check it).
# Each creates .venv with the running python3 and installs only when pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
# Extra flags for `jupyter lab`, e.g. LAB_FLAGS="--no-browser".
LAB_FLAGS ?=
# JupyterLab refuses to run as root unless told; CI machines and containers are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# Long suites (pytest marker `long`, e.g. the wheel installed in a fresh venv) run only in CI
# (CI=true, as .ci/run sets) or with `make test-all`; README says what each costs.
LONG ?= $(if $(filter true,$(CI)),1,)
MARKERS := $(if $(LONG),,-m "not long")

.PHONY: lab test test-all lint pytest clean help

help:
	@echo "make lab      - install (first time only) and open the kit in JupyterLab"
	@echo "make test     - install test tools (first time only), lint, and run the tests"
	@echo "                (long suites only when CI=true)"
	@echo "make test-all - the same, long suites included"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (pandas 3, numpy 2.4); found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamps make a second run skip the install when nothing it depends on changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m diplomatic_cover.setup_env
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m diplomatic_cover.setup_env
	@touch $@

lab: $(VENV)/.installed
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG) \
	    --ServerApp.root_dir="$(CURDIR)" $(LAB_FLAGS) notebooks/00_start_here.ipynb

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks notebooks exercises instructors
	$(BIN)/ruff format --check src tests benchmarks

pytest: $(VENV)/.installed-test
	DIPLOMATIC_COVER_LONG=$(LONG) $(BIN)/python -m pytest tests notebooks exercises \
	    --nbval-lax --nbval-current-env $(MARKERS) $(PYTEST_ARGS)

test: lint pytest

test-all:
	$(MAKE) test LONG=1

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist src/*.egg-info
