# The two commands of the README: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres lint typecheck check messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Run Kefu: migrations, the demo center, the web server and a worker. Honours HOST and PORT.
run: $(STAMP)
	$(BIN)/kefu migrate --no-input
	$(BIN)/kefu demo
	HOST=$(HOST) PORT=$(PORT) $(BIN)/kefu serve --no-migrate

## The whole test suite, on SQLite and then on PostgreSQL (skipped, loudly, if none is reachable).
test: $(STAMP)
	$(BIN)/python scripts/run_tests.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy kefu config

messages: $(STAMP)
	$(BIN)/kefu makemessages -l zh_Hans --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
