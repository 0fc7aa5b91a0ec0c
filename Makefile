# fomo — two commands: `make up` (set up and start everything) and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
export FOMO_DATA_DIR ?= $(CURDIR)/data

.PHONY: up test bench chaos setup venv models frontend chromium migrate lint clean

setup: venv frontend migrate models

venv: .venv/.stamp
.venv/.stamp: requirements.lock pyproject.toml requirements-nodeps.txt
	@test -x $(PY) || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c requirements.lock -e '.[dev]'
	$(PIP) install -q --no-deps -r requirements-nodeps.txt
	@touch $@

frontend: static/app/.stamp
static/app/.stamp: $(shell find frontend/src frontend/index.html frontend/package.json frontend/package-lock.json frontend/vite.config.ts -type f 2>/dev/null)
	cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build
	@touch $@

chromium:
	@command -v chromium >/dev/null || ( (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ) \
	  || $(PY) -m playwright install chromium

# the fast local embedding model's table, derived from the bundled MiniLM once per install (~20 s)
models: venv
	$(PY) -m builder.providers.local_static

migrate: venv
	$(PY) manage.py migrate --noinput -v 0

up: setup
	$(PY) scripts/up.py

test: setup chromium
	cd frontend && npm test --silent
	$(PY) scripts/run_tests.py

bench: setup chromium
	$(PY) scripts/run_bench.py

chaos: setup
	$(PY) -m chaos

# ruff over the repository, mypy over every app ([tool.mypy] files), the layering rule
# (import-linter contracts in [tool.importlinter]). .ci/run runs it before the tests.
lint: venv
	$(PY) -m ruff check .
	$(PY) -m mypy
	.venv/bin/lint-imports

clean:
	rm -rf .venv data static/app frontend/node_modules
