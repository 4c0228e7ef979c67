# Development tasks. GNU make + bash; targets for a fresh Debian/Ubuntu machine.
#   make run    install everything, migrate, load demo data, serve http://127.0.0.1:8000
#   make test   lint, migration check, tests on SQLite and on PostgreSQL

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PY ?= python3
VENV = .venv
VPY = $(VENV)/bin/python
MANAGE = $(VPY) manage.py

# Exported, so load_demo and the message printed by `make run` always agree.
DEMO_PASSWORD ?= xiuzhou-demo-2026
export DEMO_PASSWORD

# Tests on PostgreSQL: pytest-django creates (and drops) test_<name> itself, so the database
# named here need not exist; only the server and the role must.
PG_HOST ?= 127.0.0.1
PG_TEST_URL ?= postgres://postgres@$(PG_HOST):5432/disclosure
# Tests run in one process per core (pytest-xdist); PYTEST_ARGS= runs them in one process.
PYTEST_ARGS ?= -n auto

# Debian packages needed at run time: Pango/HarfBuzz for WeasyPrint (harfbuzz-subset keeps PDF
# font subsetting fast), CJK fonts for Chinese text in PDFs, poppler-utils (pdftotext, pdftoppm)
# to inspect rendered PDFs.
SYSTEM_PACKAGES = libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-ukai poppler-utils
# Only for the browser tests (Playwright drives the Debian chromium).
BROWSER_PACKAGES = chromium
# Only for `make bench`: the alternative PDF renderer and the HTTP load generator.
BENCH_PACKAGES = libreoffice-writer wrk

# $(call apt_ensure,packages): install the packages that are not installed yet. Runs
# `apt-get update` once, only when something is missing. As root directly, else via
# non-interactive sudo; otherwise prints what to install and carries on.
define apt_ensure
missing=""; \
if ! command -v dpkg-query >/dev/null 2>&1; then \
  echo "!! dpkg not found: make sure these (Debian names) are installed: $(1)"; exit 0; \
fi; \
for p in $(1); do \
  [ "$$(dpkg-query -W -f='$${db:Status-Status}' "$$p" 2>/dev/null)" = installed ] || missing="$$missing $$p"; \
done; \
if [ -z "$$missing" ]; then echo "System packages present: $(1)"; exit 0; fi; \
echo "Missing system packages:$$missing"; \
if ! command -v apt-get >/dev/null 2>&1; then \
  echo "!! apt-get not found; please install:$$missing"; exit 0; \
fi; \
if [ "$$(id -u)" = 0 ]; then sudo=""; \
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
else echo "!! Not root and no password-less sudo; please run: sudo apt-get install$$missing"; exit 0; fi; \
$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing
endef

.PHONY: help system-deps browser-deps venv fonts run test test-sqlite test-postgres pg-up lint clean distclean bench mutation

# `make mutation`: mutmut workers (one per core is the most this machine takes) and the score (percent of
# mutants killed) each mutated module must reach.
MUTATION_CHILDREN ?= 2
MUTATION_MIN ?= 90
# Mutant names to run (globs), e.g. MUTATE='disclosure.workflow.*'; empty: every module of only_mutate.
MUTATE ?=

help:
	@echo "make run          install dependencies, migrate, load demo data, serve http://127.0.0.1:8000"
	@echo "make test         ruff, migration check, pytest on SQLite and on PostgreSQL"
	@echo "make lint         ruff check"
	@echo "make system-deps  install the Debian packages PDF rendering needs"
	@echo "make fonts        cut the PDF's CJK fonts to GB 2312 once (FONT_CACHE_DIR, default var/fonts)"
	@echo "make browser-deps install chromium for the browser tests"
	@echo "make bench        publication benchmarks (PDF vs LibreOffice, page rate, render_reports)"
	@echo "make mutation     mutation testing (mutmut) of the modules in pyproject's [tool.mutmut]; score per module"
	@echo "make clean        remove caches and build/test output (distclean: also .venv, db, media)"

system-deps:
	@$(call apt_ensure,$(SYSTEM_PACKAGES))

browser-deps:
	@$(call apt_ensure,$(BROWSER_PACKAGES))

venv: $(VENV)/.installed

$(VENV)/bin/python:
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "!! Python >= 3.11 is required; $(PY) is $$($(PY) -V 2>&1). Use: make PY=python3.12 ..."; exit 1; }
	@$(PY) -m venv $(VENV) || \
	  { echo "!! '$(PY) -m venv' failed; on Debian/Ubuntu: apt-get install python3-venv"; rm -rf $(VENV); exit 1; }

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -e '.[dev]'
	touch $@

# The CJK fonts of the PDF cut to GB 2312 (disclosure/pdf_fonts.py): made once, a few minutes; fonts
# already there are skipped, so this costs nothing afterwards. Part of run, test and bench.
fonts: system-deps venv
	$(MANAGE) subset_fonts

run: system-deps venv fonts
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	@echo "Rendering the demo reports' pages, PDFs and Word files (only those not rendered yet: about a minute the first time)"
	-$(MANAGE) render_reports --unrendered
	@echo
	@echo "  Public site:  http://127.0.0.1:8000/"
	@echo "  Workspace:    http://127.0.0.1:8000/workspace/login/"
	@echo "  Admin:        http://127.0.0.1:8000/admin/"
	@echo "  Accounts:     admin / editor / reviewer   password: $(DEMO_PASSWORD)"
	@echo "                (set DEMO_PASSWORD=... to choose another)"
	@echo
	$(MANAGE) runserver 127.0.0.1:8000

lint: venv
	$(VENV)/bin/ruff check .

test: system-deps browser-deps venv fonts
	$(VENV)/bin/ruff check .
	env -u DATABASE_URL $(MANAGE) check
	env -u DATABASE_URL $(MANAGE) makemigrations --check --dry-run
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory pg-up
	$(MAKE) --no-print-directory test-postgres

test-sqlite: venv
	env -u DATABASE_URL $(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: venv
	DATABASE_URL=$(PG_TEST_URL) $(VENV)/bin/pytest $(PYTEST_ARGS)

# Start the local PostgreSQL cluster if it is not accepting connections.
pg-up:
	@if pg_isready -q -h $(PG_HOST) 2>/dev/null; then exit 0; fi; \
	if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then \
	  ver=$$(ls /etc/postgresql | head -1); \
	  echo "Starting PostgreSQL $$ver/main"; \
	  pg_ctlcluster --skip-systemctl-redirect "$$ver" main start || true; \
	fi; \
	for i in $$(seq 30); do pg_isready -q -h $(PG_HOST) 2>/dev/null && exit 0; sleep 1; done; \
	echo "!! PostgreSQL is not reachable at $(PG_HOST):5432 (needed for the PostgreSQL test run;"; \
	echo "   install it with: apt-get install postgresql, or set PG_TEST_URL=postgres://...)"; exit 1

bench: system-deps venv fonts
	@$(call apt_ensure,$(BENCH_PACKAGES))
	mkdir -p bench/output && bash bench/run.sh 2>&1 | grep -v "^WARNING" | tee bench/output/run.log

# Mutation testing (issue 7 §3): mutmut copies the package into mutants/, mutates the modules listed in
# pyproject's [tool.mutmut] only_mutate, runs the fast tests listed there against each mutant (SQLite), then
# prints killed/survived per module and fails below MUTATION_MIN percent (MUTATE='disclosure.checks.*' runs
# one module). Starts afresh each time, so the
# score always reflects the current code and tests. `$(VENV)/bin/mutmut show NAME` prints a survivor's diff.
mutation: venv
	rm -rf mutants
	env -u DATABASE_URL $(VENV)/bin/mutmut run --max-children $(MUTATION_CHILDREN) $(foreach m,$(MUTATE),'$(m)') | tr '\r' '\n' | grep -Ev ' (Generating mutants|Running [a-z ]+|[0-9]+/[0-9]+  .*)$$'
	$(VPY) scripts/mutation_score.py --min $(MUTATION_MIN)

clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache *.egg-info build dist staticfiles test-output mutants

distclean: clean
	rm -rf $(VENV) db.sqlite3 media var
