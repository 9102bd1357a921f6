# Two commands do all the set-up on a fresh machine:
#   make demo   creates .venv, installs chainrule, trains the flower network (the main job)
#   make test   creates .venv, installs chainrule with its test tools, runs ruff and pytest
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[all,test]"
	touch $@ $(VENV)/.core

demo: $(VENV)/.core
	$(BIN)/chainrule train

test: $(VENV)/.test
	$(BIN)/ruff check .
	@# one BLAS thread per pytest worker: two workers on two cores, no oversubscription
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m pytest -q -n 2

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache
