# Convenor: two commands. `make demo` runs the demo partnership; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test prod-check lint format bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Convenor needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	CONVENOR_DEMO=1 $(BIN)/convenor demo

test: $(STAMP)
	bash scripts/test.sh

# The production configuration (PostgreSQL, gunicorn with 4 workers, 2 job workers), driven over HTTP.
prod-check: $(STAMP)
	bash scripts/prod-check.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: $(STAMP)
	bash scripts/bench.sh

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
