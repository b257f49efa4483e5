# Lindung developer commands. Needs only Python 3.11 and make; uv comes from PyPI.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
STAMP := $(VENV)/.installed
DEMO_DB ?= sqlite:///$(CURDIR)/var/demo.sqlite3
# Optional extras, e.g. `make install EXTRAS="--extra spark"` (CI installs Spark).
EXTRAS ?=

.PHONY: install demo worker test test-sqlite test-postgres lint format bench messages clean

install: $(STAMP)

$(STAMP): pyproject.toml uv.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Lindung butuh Python 3.11 / needs Python 3.11")'
	@if [ "$(UV)" = ".tools/bin/uv" ] && [ ! -x .tools/bin/uv ]; then \
		$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv; fi
	$(UV) sync --frozen --python $(PYTHON) $(EXTRAS)
	@mkdir -p var
	@touch $(STAMP)

demo: install
	LINDUNG_INSECURE_HTTP=1 DATABASE_URL=$(DEMO_DB) $(BIN)/lindung demo

# Background jobs (verification runs) queued from the web app; run beside the web server.
worker: install
	LINDUNG_INSECURE_HTTP=1 DATABASE_URL=$(DEMO_DB) $(BIN)/lindung db_worker

test: install
	@bash tools/run_tests.sh

test-sqlite: install
	$(BIN)/pytest

test-postgres: install
	@bash tools/run_tests.sh --postgres-only

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy lindung tests bench tools

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

messages: install
	cd lindung && ../$(BIN)/lindung makemessages -l en --no-obsolete --add-location file && ../$(BIN)/lindung compilemessages -l en

clean:
	rm -rf $(VENV) .tools var/demo.sqlite3* .pytest_cache .mypy_cache .ruff_cache
