# The two set-up commands of the README: `make run` and `make test-all`; `make test` is the developer's fast loop.
# Everything they need is installed from pinned versions by the targets below.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
RELEASE ?= dist
BASE ?=
PIDFILE ?= .gunicorn.pid
# The query editor (CodeMirror 6 from the pinned npm packages), bundled into the package's static files.
EDITOR_BUNDLE := src/digigov_lod/web/static/editor.js

.PHONY: run reload stop test test-all checks test-deps build lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The Python packages of the tests and of the README's examples (SPARQLWrapper, pandas …), alone.
test-deps: $(VENV)/.installed-test

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(EDITOR_BUNDLE): node_modules/.installed scripts/build-editor.mjs $(wildcard scripts/editor/*.js)
	node scripts/build-editor.mjs

# The editor is bundled wherever the npm sources are (a publisher's copy with only data and Makefile builds the data).
build: $(VENV)/.installed $(if $(wildcard package.json),$(EDITOR_BUNDLE))
	$(BIN)/digigov-lod build --release $(RELEASE) $(if $(BASE),--base $(BASE))

run: build
	DIGIGOV_RELEASE_DIR=$(RELEASE) exec $(BIN)/gunicorn --config python:digigov_lod.web.gunicorn_conf --bind $(HOST):$(PORT) \
		--pid $(PIDFILE) 'digigov_lod.web.asgi:create_asgi_app_from_environment()'

# New workers serve the release `dist` points to now; the pid file names this server's master only.
reload:
	kill -HUP $$(cat $(PIDFILE))

# A graceful stop: each connection closes after its next answer, idle ones within 5 s.
stop:
	kill -TERM $$(cat $(PIDFILE))

# pytest-xdist processes; each module runs whole on one of them, the longest first (tests/scheduling.py).
# 3 keeps both cores busy while one process waits on a server or a browser.
TEST_WORKERS ?= 3
PYTEST_PARALLEL := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope

# Everything the tests need installed, then the linter and the type checker.
checks: $(VENV)/.installed-test node_modules/.installed $(EDITOR_BUNDLE)
	bash scripts/install-system-deps.sh
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# The fast loop: every test but those marked slow.
test: checks
	$(PYTEST_PARALLEL) -m "not slow"

# Every test (what CI runs).
test-all: checks
	$(PYTEST_PARALLEL)

bench: $(VENV)/.installed-test
	bash scripts/install-system-deps.sh wrk
	$(BIN)/python bench/http_bench.py

clean:
	rm -rf $(VENV) node_modules $(RELEASE) .$(RELEASE)-releases .pytest_cache
