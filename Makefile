# The two commands: `make run` and `make test`. Everything else is for developers and CI.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench load saturation clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Set everything up on the embedded defaults (SQLite, tasks in-process) and serve the app.
run: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Run the whole test suite (on the embedded defaults unless DATABASE_URL / CELERY_BROKER_URL are set).
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: $(STAMP)
	$(BIN)/python -m benchmarks

## Load test: gunicorn on PostgreSQL (database bpu_load, large generated data), 50 Locust users
## for 60 s on 127.0.0.1:8107; prints requests/s, p50/p95/p99 and errors. See docs/reliability.md.
load: $(STAMP)
	$(BIN)/python -m loadtest $(LOAD_ARGS)

## Saturation: each signed-in page's req/s against the login page's (the floor), interleaved,
## with wrk (apt-get install wrk); prints the ratios (aim: >= 0.5). See docs/reliability.md.
saturation: $(STAMP)
	$(BIN)/python -m loadtest.saturation $(LOAD_ARGS)

clean:
	rm -rf $(VENV) staticfiles media db.sqlite3
