# Two commands run the kit: `make lab` (open it in JupyterLab) and `make test` (check it).
# Each creates .venv with the running python3 and installs only when pyproject.toml changed.
# `make lab` opens the student's working copy, my-work/ (ignored by git), made and updated
# from the tracked notebooks by `python -m diplomatic_cover lab` (which Windows students run
# without make); `make reset NOTEBOOK=ex3_capacity` puts one notebook back.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
# Extra flags for `jupyter lab`, e.g. LAB_FLAGS="--no-browser".
LAB_FLAGS ?=
NOTEBOOK ?=
# Installs go through uv (from PyPI, installed into the venv by pip), several times faster
# than pip on a first install (README, "Two commands"); pip does it if uv cannot be had or
# fails, or with USE_UV=no. Both read the same pyproject.toml.
USE_UV ?= yes

UV = $(firstword $(wildcard $(BIN)/uv) $(shell command -v uv 2>/dev/null))
# `$(call install,ARGS)`: uv if there is one (pip if it fails), else pip.
install = $(if $(and $(filter yes,$(USE_UV)),$(UV)),$(UV) pip install --quiet \
    --python $(BIN)/python $(1) || )$(BIN)/python -m pip install --quiet $(1)

# Long suites (pytest marker `long`, e.g. the wheel installed in a fresh venv) run only in CI
# (CI=true, as .ci/run sets) or with `make test-all`; README says what each costs.
LONG ?= $(if $(filter true,$(CI)),1,)
MARKERS := $(if $(LONG),,-m "not long")

.PHONY: lab reset test test-all lint pytest clean help

help:
	@echo "make lab      - install (first time only) and open your working copy (my-work/)"
	@echo "                in JupyterLab, taking in the kit's new and changed notebooks"
	@echo "make reset NOTEBOOK=ex3_capacity - put one notebook back (your answers stay)"
	@echo "make test     - install test tools (first time only), lint, and run the tests"
	@echo "                (long suites only when CI=true)"
	@echo "make test-all - the same, long suites included"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (pandas 3, numpy 2.4); found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
ifeq ($(USE_UV),yes)
	$(if $(shell command -v uv 2>/dev/null),,-$(BIN)/python -m pip install --quiet --disable-pip-version-check uv)
endif

# The stamps make a second run skip the install when nothing it depends on changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(call install,-e .)
	$(BIN)/python -m diplomatic_cover.setup_env
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(call install,-e '.[test]')
	$(BIN)/python -m diplomatic_cover.setup_env
	@touch $@

lab: $(VENV)/.installed
	$(BIN)/python -m diplomatic_cover lab --source "$(CURDIR)" --port $(PORT) $(LAB_FLAGS)

reset: $(VENV)/.installed
	@[ -n "$(NOTEBOOK)" ] || { echo "Say which notebook: make reset NOTEBOOK=ex3_capacity"; exit 2; }
	$(BIN)/python -m diplomatic_cover reset --source "$(CURDIR)" "$(NOTEBOOK)"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks notebooks exercises instructors
	$(BIN)/ruff format --check src tests benchmarks

pytest: $(VENV)/.installed-test
	DIPLOMATIC_COVER_LONG=$(LONG) $(BIN)/python -m pytest tests notebooks exercises \
	    --nbval-lax --nbval-current-env $(MARKERS) $(PYTEST_ARGS)

test: lint pytest

test-all:
	$(MAKE) test LONG=1

# Never removes my-work/ (the student's own notebooks) or responses/ (their answers).
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist src/*.egg-info
