# Every target sets up .venv itself, so a fresh clone needs nothing but `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed-test

.PHONY: demo serve test lint bench fuzz screenshots clean system-deps

# What the tool needs to run (make demo, make serve); the test tools (pytest, ruff, mypy, ...) come on top.
$(RUN_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The whole job against the built-in sandbox: exit 1 (some rows not sent) is the expected outcome here.
# The demo has its own journal (and the sandbox's state beside it), emptied first, so that every run shows the
# full mix of outcomes.
demo: $(RUN_STAMP)
	rm -f build/demo/journal.sqlite3 build/demo/journal.sqlite3-wal build/demo/journal.sqlite3-shm \
	  build/demo/journal.sandbox.json
	$(PY) -m batchship dispatch sample_data/발송처리_샘플.xlsx --sandbox \
	  --sandbox-orders sample_data/sandbox_orders.csv --journal build/demo/journal.sqlite3 \
	  --out build/demo/발송처리_샘플.result.xlsx; \
	  status=$$?; [ $$status -le 1 ] || exit $$status

# The web desk's one-command trial: the practice sandbox, a fresh password for the account 'demo' (printed), the
# URL. Its journal, uploads and results live in build/serve/.
serve: $(RUN_STAMP)
	$(PY) -m batchship serve --sandbox --demo-user --journal build/serve/journal.sqlite3 --data build/serve/desk

lint: $(STAMP)
	$(VENV)/bin/ruff check batchship tests
	$(VENV)/bin/ruff format --check batchship tests
	$(VENV)/bin/mypy

# Line coverage of the whole package, the batchship processes the tests start included (coverage's subprocess
# patch, which measures pytest-xdist's two workers too; each test file stays on one worker, so that a module's
# server is shared as written); services/ and naver/ must stay at 95% or more.
COVERAGE := $(VENV)/bin/coverage
# Chromium (browser tests) and PostgreSQL's server programs (journal tests), from Debian, when missing.
system-deps:
	bash .ci/system-deps

test: $(STAMP) system-deps lint
	rm -rf build/coverage && mkdir -p build/coverage
	$(COVERAGE) run -m pytest -q -n 2 --dist loadfile
	$(COVERAGE) combine -q
	$(COVERAGE) report --skip-covered --sort=cover
	@echo "services/ and naver/ (floor: 95%):"
	$(COVERAGE) report --include='batchship/services/*,batchship/naver/*' --fail-under=95

bench: $(STAMP) system-deps
	$(PY) -m tests.bench.run

# The loader fuzz tests and the web desk's API fuzzed from its OpenAPI document (schemathesis), with a much
# larger budget than `make test` gives them.
fuzz: $(STAMP)
	BATCHSHIP_FUZZ_EXAMPLES=2000 $(VENV)/bin/pytest -q tests/test_fuzz.py tests/test_web_fuzz.py

# The README's pictures of the web desk (docs/img), taken by the end-to-end browser test.
screenshots: $(STAMP) system-deps
	BATCHSHIP_SCREENSHOTS=docs/img $(VENV)/bin/pytest -q tests/test_web_e2e.py -k "ships_the_sample or progress_is_live"

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
