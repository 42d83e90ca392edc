# The two commands a newcomer needs (see README): `make chat` and `make test`.
# Each creates the virtual environment and installs the project into it first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# axe-core for the browser tests (package.json): npm ci writes this file last.
NODE_DEPS := $(if $(wildcard package-lock.json),node_modules/.package-lock.json)

.PHONY: chat test lint bench install

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_DEPS): package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund; \
	else echo "npm not found: the browser tests' accessibility check will be skipped"; fi

install: $(STAMP) $(NODE_DEPS)

chat: $(STAMP)
	$(VENV)/bin/recovery-bot chat

test: $(STAMP) $(NODE_DEPS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

bench: $(STAMP)
	$(PY) benchmarks/search.py
