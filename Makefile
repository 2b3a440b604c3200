# Two commands for a fresh Debian machine with Python 3.11+: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core fonts-noto-core fonts-noto-cjk gettext chromium
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint fmt system-deps install migrate demo messages clean

run: install migrate demo ## Set up and serve the demo on http://127.0.0.1:8000 (HOST=, PORT= to change)
	@echo "Portal berjalan di http://$(HOST):$(PORT)/  (Ctrl+C untuk berhenti)"
	SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install ## Install and run the whole suite (DATABASE_URL selects the database)
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv
	$(BIN)/pytest -p no:randomly -n 2 --dist loadfile

system-deps: ## WeasyPrint's fast font subsetting, fonts for every script, Debian's Chromium
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Memasang paket sistem: $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    || { echo "Gagal memasang: $$missing. Pasang manual: apt-get install $$missing"; exit 1; }; \
	fi

$(STAMP): pyproject.toml | system-deps
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: system-deps $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate -v0
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv

demo: install
	$(BIN)/python manage.py seed_demo

lint: install ## Style, formatting and the layer contract (config > sanctions > pledges > portal)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install ## Refresh the English translation catalogue
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=static/vendor

clean:
	rm -rf $(VENV) var staticfiles
