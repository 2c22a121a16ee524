# The commands the README promises. `make run` and `make test` set everything up themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup screens check-system lint format migrations-check check-deploy messages seed-province seed-nation worker beat bench ci clean faults

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Cần Python 3.11 / Python 3.11 is required: sudo apt-get install python3.11 python3.11-venv"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "Không tạo được venv / cannot create a venv: sudo apt-get install python3.11-venv"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

## WeasyPrint prints the official documents with Pango; say what to install if it is missing.
check-system: $(STAMP)
	@$(BIN)/python -c "import weasyprint" 2>/dev/null || { \
	  echo "Thiếu thư viện in PDF / PDF printing needs Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"; exit 1; }

## Run the portal with demo data on SQLite and eager Celery: http://127.0.0.1:8000 (another port:
## `make run PORT=8080`). The demo seeding's e-mails go nowhere (they would fill the terminal);
## links in the portal's e-mails point at the port it runs on.
run: $(STAMP) check-system
	$(MANAGE) migrate --noinput
	EMAIL_URL=dummymail:// SITE_URL=http://$(HOST):$(PORT) $(MANAGE) seed_demo --scale demo
	@echo "Mở / open http://$(HOST):$(PORT)/ (tài khoản mẫu / demo accounts: README.md)"
	SITE_URL=http://$(HOST):$(PORT) $(MANAGE) runserver $(HOST):$(PORT)

## Run the whole test suite (PostgreSQL/Redis/Chromium tests skip locally when absent).
test: $(STAMP)
	$(BIN)/pytest

## Benchmarks on a throwaway database; prints JSON (ratios against same-run baselines) and writes
## docs/performance.json and the table of docs/performance.md. `make bench BENCH_ARGS=--quick`
## for a smoke run. DATABASE_URL picks the engine; unset, PostgreSQL on 127.0.0.1:5432 if it
## answers (what production runs, and what the load test needs), else SQLite.
BENCH_DATABASE_URL := $(shell pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo postgres://postgres@127.0.0.1:5432/thidua_bench)
bench: $(STAMP) check-system
	$(if $(BENCH_DATABASE_URL),DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}") $(BIN)/python -m bench $(BENCH_ARGS)

## Fault tests: kill the Celery worker mid-task, restart PostgreSQL, stop Redis for 30 s, lock the
## dossier table past gunicorn's timeout, fill the media disk, kill a gunicorn worker, under
## load, on a private PostgreSQL 15 and Redis (docs/reliability.md); prints JSON, fails on a break.
faults: $(STAMP) check-system
	$(BIN)/python -m bench.faults

## Screenshots of every main page at 390 and 1366 px on the demo data, into docs/screens/
## (Chromium at /usr/bin/chromium; a throwaway SQLite database and a server on a free port).
screens: $(STAMP)
	$(BIN)/python -m bench.screens docs/screens

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(STAMP)
	$(MANAGE) makemigrations --check --dry-run

## `manage.py check --deploy` with production settings (values are placeholders).
check-deploy: $(STAMP)
	DEBUG=0 SECRET_KEY=check-deploy-placeholder-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFG \
	ALLOWED_HOSTS=thidua.example.gov.vn $(MANAGE) check --deploy --fail-level WARNING

## Refresh the English catalogue after changing user-visible text, then translate the new entries.
messages: $(STAMP)
	$(MANAGE) makemessages -l en --no-obsolete --no-location -i '.venv/*' -i 'staticfiles/*'
	$(MANAGE) compilemessages -l en -i '.venv/*'

seed-province: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --scale province

seed-nation: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --scale nation

## A Celery worker (needs REDIS_URL; without it tasks run inside the web process).
worker: $(STAMP)
	$(BIN)/celery -A config worker --loglevel=INFO --concurrency=2

## Celery beat: the reminder sweep and the outbox requeue (schedule editable in the admin).
beat: $(STAMP)
	$(BIN)/celery -A config beat --loglevel=INFO --scheduler django_celery_beat.schedulers:DatabaseScheduler

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
