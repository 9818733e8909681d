# Toegang — the two commands: `make run` (demo) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DB := var/toegang.sqlite3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench install lint format typecheck migrations-check lock clean demo-reset soak load

$(STAMP): requirements/base.txt requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/base.txt -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

## make run: set up everything and serve the demo at http://127.0.0.1:8000 on SQLite
run: $(STAMP)
	mkdir -p var
	TOEGANG_DEMO=1 $(PY) manage.py migrate --no-input -v 0
	TOEGANG_DEMO=1 $(PY) manage.py collectstatic --no-input -v 0
	TOEGANG_DEMO=1 $(PY) manage.py seed_demo --size S --seed 1 --if-empty
	TOEGANG_DEMO=1 $(PY) manage.py sturing verversen --dagen 35
	@echo "Toegang: open http://$(HOST):$(PORT)/ en log in met een van de demo-accounts hierboven (Ctrl+C stopt)."
	TOEGANG_DEMO=1 TOEGANG_REQUIRE_2FA=$${TOEGANG_REQUIRE_2FA:-0} TOEGANG_DEBUG=$${TOEGANG_DEBUG:-0} $(PY) manage.py runserver --insecure --noreload $(HOST):$(PORT)

demo-reset:
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm

## make test: the whole suite (database from DATABASE_URL; SQLite by default), on every core: pytest-xdist
## gives each worker its own test database and whole files (module fixtures start once); TEST_WORKERS=0 runs
## it in this one process
TEST_WORKERS ?= auto
test: $(STAMP)
	mkdir -p var
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## make bench: the benchmark suite on PostgreSQL (BENCH_SIZE=S|M|L; database toegang_bench_<size>)
BENCH_SIZE ?= M
bench: $(STAMP)
	mkdir -p var
	$(PY) -m benchmarks.run --size $(BENCH_SIZE) $(BENCH_ARGS)

## make load: the load test of issue 10 on seed $(BENCH_SIZE): the working day's mix, 60 users, 5 minutes
BENCH_DB = postgres://postgres@127.0.0.1:5432/toegang_bench_$(shell echo $(BENCH_SIZE) | tr A-Z a-z)
load: $(STAMP)
	mkdir -p var
	$(PY) -m benchmarks.run --size $(BENCH_SIZE) --only caseload --repeat 1 --warmup 0 --no-write
	$(PY) benchmarks/load/run.py --database-url $(BENCH_DB) --users 60 --run-time 5m --max-requests 0 \
		--label $(BENCH_SIZE)-60

## make soak: the load test for 30 minutes on seed $(BENCH_SIZE), with a timeline per minute (issue 11)
soak: $(STAMP)
	mkdir -p var
	$(PY) -m benchmarks.run --size $(BENCH_SIZE) --only caseload --repeat 1 --warmup 0 --no-write
	$(PY) benchmarks/load/run.py --database-url $(BENCH_DB) --users 30 --run-time 30m --max-requests 0 \
		--timeline --label soak-$(BENCH_SIZE)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: $(STAMP)
	$(VENV)/bin/mypy src/toegang

migrations-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=toegang.conf.test $(PY) manage.py makemigrations --check --dry-run

## make api-schema: regenerate the committed OpenAPI schema of the REST API (tests/test_api_schema.py checks it)
.PHONY: api-schema
api-schema: $(STAMP)
	DJANGO_SETTINGS_MODULE=toegang.conf.test $(PY) manage.py spectacular --file docs/api/openapi.yaml

lock: $(STAMP)
	cd requirements && ../$(VENV)/bin/pip-compile -q --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o base.txt base.in
	cd requirements && ../$(VENV)/bin/pip-compile -q --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o dev.txt dev.in

clean:
	rm -rf $(VENV) var
