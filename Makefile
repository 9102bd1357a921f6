# Two commands do all the set-up on a fresh machine:
#   make demo   creates .venv, installs chainrule, trains the flower network (the main job)
#   make test   creates .venv, installs chainrule with its test tools, runs ruff, mypy and pytest
#   make bench  the training-step and whole-fit benchmarks against PyTorch and scikit-learn (write docs/benchmarks.md)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[all,test]"
	@# PyTorch for the export tests, only as the local CPU build (never a multi-GB download); skipped without it
	$(BIN)/python -m pip install --quiet "torch==2.13.0+cpu" 2>/dev/null \
	  || echo "PyTorch 2.13.0+cpu is not available here: the PyTorch tests will be skipped"
	touch $@ $(VENV)/.core

$(VENV)/.bench: $(VENV)/.test
	$(BIN)/python -m pip install --quiet -e ".[bench]" "torch==2.13.0"
	touch $@

demo: $(VENV)/.core
	$(BIN)/chainrule train

test: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/mypy  # the type checker over src/ ([tool.mypy] in pyproject.toml)
	@# one BLAS thread per pytest worker: two workers on two cores, no oversubscription
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m pytest -q -n 2

bench: $(VENV)/.bench
	$(BIN)/python benchmarks/step_bench.py
	$(BIN)/python benchmarks/fit_bench.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
