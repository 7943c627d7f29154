# Groundwork: `make run` sets up and starts the server; `make test` sets up and runs the checks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
# pytest-xdist workers: one per core by default.
TEST_WORKERS ?= auto
MAKE_STARTED := $(shell date +%s)

# $(call timed,NAME,COMMAND): run COMMAND, print how long it took, keep its exit status.
timed = @start=$$(date +%s); $(2); status=$$?; \
	echo "=== $(1): $$(( $$(date +%s) - start )) s (exit $$status)"; exit $$status

.PHONY: run test test-fast test-deep lint lint-imports fmt typecheck install check-content bench bench-http clean mutants

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/groundwork db upgrade
	$(BIN)/groundwork serve --reload --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory typecheck
	$(MAKE) --no-print-directory lint-imports

# The architecture contracts in pyproject.toml ([tool.importlinter]; docs/architecture.md).
lint-imports: $(STAMP)
	$(BIN)/lint-imports

# Rewrite the code into the house style and fix what ruff can fix safely.
fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP)
	$(BIN)/mypy app

check-content: $(STAMP)
	$(BIN)/groundwork content check --strict course_content

# The PostgreSQL pass runs the database tests (those using the `engine` fixture) again; the
# browser tests exercise the pages, not the database, and run on SQLite only.
test:
	$(call timed,install,$(MAKE) --no-print-directory install)
	$(call timed,lint,$(MAKE) --no-print-directory lint)
	$(call timed,content check,$(MAKE) --no-print-directory check-content)
	$(call timed,pytest on SQLite,$(BIN)/pytest -n $(TEST_WORKERS))
	$(call timed,pytest on PostgreSQL,$(BIN)/pytest -n $(TEST_WORKERS) --postgres -m "not e2e")
	@echo "=== make test: $$(( $$(date +%s) - $(MAKE_STARTED) )) s in all"

# The quick loop while coding: SQLite only, no browser, no lint (about 2 minutes here).
test-fast: $(STAMP)
	$(call timed,pytest on SQLite without the browser,$(BIN)/pytest -n $(TEST_WORKERS) -m "not e2e")
# The report summaries' state machine with many more examples, and the differencing
# property test, on SQLite then PostgreSQL (nightly; docs/testing.md).
test-deep: $(STAMP)
	GROUNDWORK_DEEP=1 $(BIN)/pytest -n $(TEST_WORKERS) tests/reports/test_summary_state_machine.py tests/privacy
	GROUNDWORK_DEEP=1 $(BIN)/pytest -n $(TEST_WORKERS) --postgres tests/reports/test_summary_state_machine.py

bench: $(STAMP)
	$(BIN)/python bench/bench_content_load.py
	$(BIN)/python bench/bench_explorer.py
	$(BIN)/python bench/bench_grading.py
	$(BIN)/python bench/bench_reports.py

# Learner pages against a bare app serving the same bytes, SQLite then PostgreSQL (needs wrk).
bench-http: $(STAMP)
	$(BIN)/python bench/bench_ceiling.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Mutation testing of the pure cores (docs/testing.md); slow, not part of `make test`.
# MUTANTS=... picks mutants by name pattern, e.g. MUTANTS='app.exercises.grading.*'.
MUTANTS ?= app.exercises.grading.* app.datasets.query.* app.privacy.suppression.* \
	app.learning.progress.x__evaluate__* app.learning.progress.x_evaluate__* \
	app.learning.progress.x_row_for__* app.learning.progress.xǁCourseProgressǁstatus__*
MUTANT_WORKERS ?= 2
mutants: $(STAMP)
	PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(BIN)/mutmut run --max-children $(MUTANT_WORKERS) \
		$(foreach m,$(MUTANTS),'$(m)')
	$(BIN)/python scripts/mutation_scores.py
