# The two commands: `make run` (serve the site and its worker) and `make test` (lint, then the test suite, browser
# tests included when Chromium is there: `make browser` installs it).
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

CHROMIUM ?= /usr/bin/chromium

.PHONY: run test prod-check bench lint format deps browser system-deps lighthouse audit messages clean

deps: $(VENV)/.deps-installed

# Dependencies only (the apps run from this folder); reinstalled whenever pyproject.toml changes.
$(VENV)/.deps-installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	@$(PY) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['dev']))" > $(VENV)/requirements.txt
	@$(PY) -m pip install -q --disable-pip-version-check -r $(VENV)/requirements.txt
	@touch $@

# Test tools from npm (axe-core), exactly as locked; the site itself has no JavaScript build, so `make run` never
# needs npm. Without npm the accessibility checks skip (and fail in CI, which sets KVM_REQUIRE_BROWSER=1).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: skipping axe-core (the accessibility checks will skip)"; fi

# What the browser tests need from the system (root, apt): Debian's Chromium, and npm for axe-core. Nothing happens
# when both are already there.
browser: system-deps
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	@test -x $(CHROMIUM) && echo "Chromium: $(CHROMIUM)"
	@echo "npm: $$(npm --version)"

# Debian libraries WeasyPrint needs to draw the versions' PDFs (Pango, HarfBuzz, fonts), and poppler-utils, whose
# pdftotext the PDF tests read them with. Root, apt; nothing happens when all are there.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core poppler-utils
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
	@echo "PDF libraries and pdftotext: $$(pdftotext -v 2>&1 | head -n1)"

# Lighthouse 12 (npm, pinned in package-lock.json) against Debian's Chromium, phone emulation, on the document, an
# activity, the activities overview, a comparison and the subscribe page; fails below 95 in any category.
lighthouse: deps node_modules/.installed
	CHROME_PATH=$(CHROMIUM) KVM_REQUIRE_BROWSER=1 $(PY) -m pytest tests/e2e/test_lighthouse.py -q

audit: deps
	$(PY) .ci/audit.py

run: deps
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py load_demo
	@$(PY) manage.py ensure_admin
	@echo "Site: http://127.0.0.1:$(PORT)/   Beheer: http://127.0.0.1:$(PORT)/admin/   (Ctrl-C stopt alles)"
	@PORT=$(PORT) bash -c '$(PY) manage.py qcluster & qpid=$$!; trap "kill -TERM $$qpid 2>/dev/null; wait $$qpid 2>/dev/null" EXIT; trap "exit 130" INT TERM; $(PY) manage.py runserver 127.0.0.1:$(PORT)'

test: deps node_modules/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

# The production topology as the README's deployment section prescribes: gunicorn (the Dockerfile's command) with
# production settings, PostgreSQL, two qcluster workers on a Redis broker, a loopback stand-in for Postmark. Kills a
# worker and restarts Redis mid-send; nobody gets the version twice. Needs PostgreSQL on 127.0.0.1:5432 (user
# postgres) and /usr/bin/redis-server; uses its own database kvm_prodcheck and ports 6391 and 19311.
prod-check: deps
	@test -x /usr/bin/redis-server || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
	$(PY) .ci/prod_check.py

lint: deps
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Re-extract every translatable string into the catalogues (each app's locale/ and the site's locale/), then compile
# the .mo files that are committed with them. Needs GNU gettext (apt-get install gettext); the site does not.
messages: deps
	$(PY) manage.py update_translations

bench: deps
	$(PY) bench/run.py

clean:
	rm -rf var/ static/
