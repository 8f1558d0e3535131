# bptutor -- one entry point for students, instructors and maintainers.
#   make lab           set up .venv (first time only) and start JupyterLab at lesson 00
#   make test          set up .venv and run the whole test suite (pytest + nbval)
#   make test-browser  run every lesson in headless Chromium (needs /usr/bin/chromium)
#   make release       regenerate exercises/ from solutions/
#   make bench         run the benchmarks and print their tables

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.bptutor-installed
JOBS   ?= 2

.PHONY: setup lab test test-browser release bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "bptutor needs Python >= 3.10, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,browser]'
	touch $(STAMP)

# Jupyter refuses to run as root unless told (containers and CI machines often are root).
ROOT_FLAG = $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS ?=

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/lessons/00_chain_rule.ipynb \
	    $(ROOT_FLAG) $(LAB_ARGS)

# Two pytest workers on two cores: one BLAS thread each, or they fight over the cores.
test: export OPENBLAS_NUM_THREADS = 1
test: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider -n $(JOBS) --dist loadfile \
	    --nbval --nbval-current-env --nbval-cell-timeout=300 --nbval-sanitize-with tests/nbval_sanitize.cfg \
	    tests lessons solutions
	$(BIN)/python -m pytest -p no:cacheprovider -n $(JOBS) --dist loadfile \
	    --nbval-lax --nbval-current-env --nbval-cell-timeout=300 exercises

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
