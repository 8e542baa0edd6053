# Two commands a newcomer needs: `make site` and `make test`. Each installs what it needs first: the
# Debian packages (Chromium, a CJK font) when missing, then the pinned Python packages in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test serve bench validate clean install system

$(STAMP): pyproject.toml constraints.txt
	@echo "setup: installing the pinned Python packages into $(VENV) (once, about two minutes)"
	@$(PYTHON) -m venv $(VENV)
	@# pip's output goes to a log, shown only if the install fails: quiet on success
	@$(BIN)/pip install --disable-pip-version-check --upgrade pip > $(VENV)/install.log 2>&1 \
		|| { cat $(VENV)/install.log; exit 1; }
	@$(BIN)/pip install --disable-pip-version-check -c constraints.txt -e '.[test]' >> $(VENV)/install.log 2>&1 \
		|| { cat $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

system:  ## Debian packages: chromium, fonts-noto-cjk (quiet when present)
	@$(PYTHON) tools/system_packages.py

install: system $(STAMP)

site: system $(STAMP)  ## validate the data, generate pages, build the site into site/
	$(BIN)/casegen build

validate: $(STAMP)
	$(BIN)/casegen validate

test: system $(STAMP)  ## the whole suite
	$(BIN)/pytest -q

serve: system $(STAMP)  ## live preview on http://127.0.0.1:8000 (the charts need the CJK font)
	$(BIN)/casegen serve

bench: system $(STAMP)  ## benchmarks (prints a table, writes bench/results/latest.json)
	$(BIN)/python -m casegen.bench

clean:
	rm -rf site build .pytest_cache
