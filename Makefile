# Two commands for a newcomer: `make run` (site with the shipped bank on SQLite) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export DJANGO_DEBUG ?= 1

.PHONY: install run test browser-deps bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_bank
	$(PY) manage.py runserver 0.0.0.0:$(PORT)

# The browser tests drive Debian's Chromium; install it when it is missing.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

test: install browser-deps
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Load benchmark on a production-like stack (gunicorn, debug off); not part of `make test`.
# SQLite by default; DATABASE_URL=postgres://... benchmarks PostgreSQL. Writes bench/results/.
bench: install
	$(VENV)/bin/pip install --quiet -e '.[bench]'
	@command -v wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q wrk; }
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 *.egg-info
