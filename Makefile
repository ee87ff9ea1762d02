# Two commands for a newcomer: `make run` (serve the demo) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
MANAGE := $(BIN)/python manage.py
STRUCTURE ?= current
PORT ?= 8080
# The suite runs in one pytest-xdist worker per core (at most 4), a test file per worker at a time (a file's
# module fixtures, its browser and the MQTT broker's topics stay with one worker), in the order tests/conftest.py
# gives (the longest file first). PYTEST_WORKERS=0: one process.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --maxprocesses=4 --dist loadfile --no-loadscope-reorder

.PHONY: run test install system-run system-test messages lint bench clean prod-local

$(STAMP): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

system-run:
	@scripts/system-packages.sh gettext

system-test:
	@scripts/system-packages.sh gettext espeak-ng chromium mosquitto nginx-light
	@scripts/mqtt-broker.sh

messages: install system-run
	$(MANAGE) compilemessages --ignore=.venv -v0

run: install system-run messages
	mkdir -p var
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) seed_demo --structure $(STRUCTURE)
	$(MANAGE) serve

test: install system-test messages
	$(PYTEST)

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/fanout.py --units 556
	$(BIN)/python bench/reports.py

clean:
	rm -rf var/test_db.sqlite3* var/huey.sqlite3*

# The production shape on this machine (deploy/prod-local.sh): nginx → 2 daphne, 2 consumers; needs DATABASE_URL
# (PostgreSQL) and REDIS_URL. `deploy/prod-local.sh stop` stops it.
prod-local: install messages
	@scripts/system-packages.sh nginx-light
	deploy/prod-local.sh start $(PORT)
