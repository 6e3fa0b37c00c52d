# PAVE — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PAVE := $(BIN)/pave
export PAVE_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test test-fast lint format bench install clean messages

$(BIN)/pave: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(BIN)/pave

install: $(BIN)/pave

run: install
	$(PAVE) migrate --noinput -v0
	$(PAVE) collectstatic --noinput -v0
	$(PAVE) demo load --if-empty >/dev/null
	@$(PAVE) demo logins
	@# The background worker (e-mail, reminders, periodic work) runs beside the web server
	@# and stops with it.
	@$(PAVE) worker -v0 --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PAVE) serve

test: install
	$(BIN)/pytest -q -n 2 --dist loadfile

test-fast: install
	$(BIN)/pytest -q -x -m "not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy pave config
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/run.py
	$(BIN)/python bench/screening.py --output bench/RESULTS-screening.md
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/load.py

messages: install
	cd pave && ../$(PAVE) makemessages -l ar -l fr --no-obsolete && ../$(PAVE) compilemessages

clean:
	rm -rf $(VENV) build *.egg-info
