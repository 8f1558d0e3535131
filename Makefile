# bptutor -- one entry point for students, instructors and maintainers.
#   make lab           set up .venv with the course only (first time) and start JupyterLab at lesson 00
#   make test          set up .venv with the test extras and run the whole suite (pytest + nbval, twice
#                      over lessons/solutions: this machine's BLAS kernels and Prescott's)
#   make test-browser  run every lesson in headless Chromium (needs /usr/bin/chromium)
#   make lint          ruff over the code, mypy over the grader, the sandbox and the registry
#   make release       regenerate exercises/ from solutions/
#   make bench         run the benchmarks and print their tables

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
# two installs: the course alone (make lab: the package and its runtime dependencies) and the
# maintainers' (make setup / make test: the test and browser extras as well)
COURSE_STAMP = $(VENV)/.bptutor-course
STAMP        = $(VENV)/.bptutor-installed
JOBS   ?= 2
# a notebook cell that takes longer than this fails (the slowest lesson cell needs well under a
# minute): a stalled kernel costs minutes, not the whole CI job
CELL_TIMEOUT ?= 120
NBVAL = --nbval --nbval-current-env --nbval-cell-timeout=$(CELL_TIMEOUT) --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: setup lab lint sandbox-tool test test-browser release bench clean

setup: $(STAMP)

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "bptutor needs Python >= 3.10, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# (a venv that already has the maintainers' install up to date has the course too)
$(COURSE_STAMP): pyproject.toml | $(VENV)/bin/python
	if [ ! $(STAMP) -nt pyproject.toml ]; then $(BIN)/python -m pip install --quiet -e .; fi
	touch $(COURSE_STAMP)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test,browser]'
	touch $(COURSE_STAMP) $(STAMP)

# Jupyter refuses to run as root unless told (containers and CI machines often are root).
ROOT_FLAG = $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS ?=

# .jupyter/settings/overrides.json: no "get notified about Jupyter news?" question on the course's server
lab: $(COURSE_STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/lessons/00_chain_rule.ipynb \
	    --LabApp.app_settings_dir=.jupyter/settings $(ROOT_FLAG) $(LAB_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The grader runs every submission in a bubblewrap sandbox (Debian/Ubuntu package bubblewrap).
sandbox-tool:
	@command -v bwrap >/dev/null 2>&1 || { \
	    SUDO=""; if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi; \
	    echo "installing bubblewrap (the grader's sandbox) from the Debian packages"; \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
	    { DEBIAN_FRONTEND=noninteractive $$SUDO apt-get update -qq && \
	      DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq bubblewrap >/dev/null; } || \
	    { echo "error: bubblewrap is needed: install the package bubblewrap (apt-get, dnf, pacman)" >&2; exit 1; }; }

# Two pytest workers on two cores: one BLAS thread each, or they fight over the cores.
# The stored outputs must not depend on the processor: lessons and solutions run a second time on
# OpenBLAS's oldest x86-64 kernels (Prescott), which sum in another order than this machine's.
test: export OPENBLAS_NUM_THREADS = 1
test: $(STAMP) sandbox-tool lint
	$(BIN)/python -m pytest -p no:cacheprovider -n $(JOBS) --dist loadfile $(NBVAL) tests lessons solutions
	OPENBLAS_CORETYPE=Prescott $(BIN)/python -m pytest -p no:cacheprovider -n $(JOBS) --dist loadfile $(NBVAL) \
	    lessons solutions
	$(BIN)/python -m pytest -p no:cacheprovider -n $(JOBS) --dist loadfile \
	    --nbval-lax --nbval-current-env --nbval-cell-timeout=$(CELL_TIMEOUT) exercises

# BPTUTOR_BROWSER=1 opts in to tests/browser (never collected by `make test`); the browser is
# /usr/bin/chromium unless BPTUTOR_CHROMIUM names another; screenshots go to artifacts/screenshots/.
test-browser: $(STAMP)
	BPTUTOR_BROWSER=1 $(BIN)/python -m pytest -p no:cacheprovider tests/browser -v

release: $(STAMP)
	$(BIN)/bptutor release

bench: $(STAMP)
	$(BIN)/python benchmarks/train_digits.py
	$(BIN)/python benchmarks/grade_class.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
