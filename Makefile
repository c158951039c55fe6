# The two commands: `make run` (serve the site and its worker) and `make test` (lint, then the test suite).
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test bench lint format deps clean

deps: $(VENV)/.deps-installed

# Dependencies only (the apps run from this folder); reinstalled whenever pyproject.toml changes.
$(VENV)/.deps-installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	@$(PY) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['dev']))" > $(VENV)/requirements.txt
	@$(PY) -m pip install -q --disable-pip-version-check -r $(VENV)/requirements.txt
	@touch $@

run: deps
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py load_demo
	@$(PY) manage.py ensure_admin
	@echo "Site: http://127.0.0.1:$(PORT)/   Beheer: http://127.0.0.1:$(PORT)/admin/   (Ctrl-C stopt alles)"
	@bash -c '$(PY) manage.py qcluster & qpid=$$!; trap "kill -TERM $$qpid 2>/dev/null; wait $$qpid 2>/dev/null" EXIT; trap "exit 130" INT TERM; $(PY) manage.py runserver 127.0.0.1:$(PORT)'

test: deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: deps
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: deps
	$(PY) bench/run.py

clean:
	rm -rf var/ static/
