# One command to run the registry with demo data, one to run every check.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test setup lint typecheck pytest fuzz schema bench clean

run: setup ## set up, then in one process: migrate the SQLite database, load demo data once, serve on :8000
	REGISTRY_DEV_MODE=true REGISTRY_DEV_LOGIN=true $(VENV)/bin/registry serve --demo

test: setup lint typecheck pytest ## set up and run every check and test

# The installed packages are compiled to bytecode by uv (compile-bytecode in pyproject.toml);
# the project's own modules are compiled here, also where PYTHONDONTWRITEBYTECODE is set.
setup: $(VENV)/.synced web/static/vendor/.built
	@$(VENV)/bin/python -m compileall -q registry tests benchmarks migrations > /dev/null

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

web/static/vendor/.built: web/package.json web/package-lock.json $(VENV)/.synced
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" && cd web && npm ci --no-audit --no-fund && npm run build
	touch $@

lint: setup ## style, formatting and the import contracts of pyproject.toml ([tool.importlinter])
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: setup
	$(VENV)/bin/mypy

# In parallel (pytest-xdist): each worker process has its own databases, PostgreSQL cluster,
# localstripe, OIDC provider, live servers and browser. PYTEST_WORKERS=0 runs it serially.
PYTEST_WORKERS ?= auto
pytest: setup
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist worksteal

# The fuzz tests also run in `make test`, with 100 examples per database; this is the long run.
FUZZ_EXAMPLES ?= 2000
fuzz: setup ## a long GraphQL fuzz run on both databases; findings kept in var/fuzz/
	REGISTRY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) REGISTRY_FUZZ_BACKENDS=sqlite,postgresql \
	REGISTRY_FUZZ_REPORT=var/fuzz $(VENV)/bin/pytest -m fuzz -p no:cacheprovider

schema: setup ## regenerate graphql/schema.graphql from the code
	$(VENV)/bin/registry schema export

bench: setup ## benchmarks (not part of the tests); figures are recorded in benchmarks/RESULTS.md
	$(VENV)/bin/python -m benchmarks.allocation
	$(VENV)/bin/python -m benchmarks.usage_bulk
	$(VENV)/bin/python -m benchmarks.reports
	$(VENV)/bin/python -m benchmarks.catalogue_api
	$(VENV)/bin/python -m benchmarks.startup
	$(VENV)/bin/python -m benchmarks.limits

clean:
	rm -rf $(VENV) $(TOOLS) web/node_modules web/static/vendor var
