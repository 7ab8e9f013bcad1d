# cchc — the two commands a newcomer needs:  `make demo`  and  `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install serve migrate bench messages lint format clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "cchc needs Python 3.11"' 
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Run the platform with demo data on the embedded SQLite database at http://127.0.0.1:8000
demo: $(STAMP)
	CCHC_SECURE_COOKIES=0 $(BIN)/cchc demo

## Run the whole test suite (DATABASE_URL=postgres://… runs it on PostgreSQL)
PYTEST_ARGS ?= -n 2 --dist loadfile
test: $(STAMP)
	@scripts/ensure-chromium
	$(BIN)/cchc i18n_compile
	$(BIN)/pytest $(PYTEST_ARGS)

serve: $(STAMP)
	$(BIN)/cchc serve

migrate: $(STAMP)
	$(BIN)/cchc migrate

## Lint and check formatting (ruff); `make format` rewrites the files
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(STAMP)
	$(BIN)/python -m bench

## Refresh the message catalogues from the source (needs GNU gettext's xgettext)
messages: $(STAMP)
	cd src/cchc && for app in */; do [ -d "$$app/templates" ] || [ -f "$$app/models.py" ] || continue; \
		(cd $$app && mkdir -p locale && ../../../$(BIN)/django-admin makemessages -l vi --no-obsolete >/dev/null); done

clean:
	rm -rf $(VENV) build *.egg-info
