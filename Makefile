# Two commands a newcomer needs: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test serve bench validate clean install

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

site: $(STAMP)  ## validate the data, generate pages, build the site into site/
	$(BIN)/casegen build

validate: $(STAMP)
	$(BIN)/casegen validate

test: $(STAMP)  ## the whole suite
	$(BIN)/pytest -q

serve: $(STAMP)  ## live preview on http://127.0.0.1:8000
	$(BIN)/casegen serve

bench: $(STAMP)  ## benchmarks (prints a table, writes bench/results/latest.json)
	$(BIN)/python -m casegen.bench

clean:
	rm -rf site build .pytest_cache
