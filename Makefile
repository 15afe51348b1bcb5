# The README's two commands: `make dev` and `make test`. Each works on a fresh machine:
# it installs the Debian packages it needs (when missing), creates .venv and installs the project.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: dev test venv lint bench clean

dev: $(STAMP)
	@bash scripts/system-deps.sh fonts
	$(BIN)/qingling dev

test: $(STAMP)
	@bash scripts/system-deps.sh fonts postgres browser
	bash scripts/test.sh

venv: $(STAMP)

$(STAMP): pyproject.toml
	@bash scripts/system-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Every benchmark in one run, then bench/results.json and bench/results.md (see bench/report.py).
# A benchmark that fails is reported as such by the report rather than stopping the others.
bench: $(STAMP)
	@bash scripts/system-deps.sh fonts postgres
	rm -f bench/results_notices.txt bench/results_list.json bench/results_engine.json bench/results_herd.json
	-set -o pipefail; $(BIN)/python bench/bench_notices.py | tee bench/results_notices.txt
	-if [ -f bench/bench_list.py ]; then $(BIN)/python bench/bench_list.py; fi
	-$(BIN)/python bench/bench_engine.py --size full
	-$(BIN)/python bench/bench_herd.py --size full
	$(BIN)/python bench/report.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
