# safetystats — `make help` lists the targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export GX_ANALYTICS_ENABLED := false

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "} {printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@$(MAKE) --no-print-directory plotly-bundle
	$(PY) -m compileall -q src >/dev/null
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the package with its dev extras

BUNDLE_DIR := $(VENV)/share/safetystats
plotly-bundle: ## fetch plotly.js's cartesian bundle (npm registry) so bulletins weigh ~1.6 MB, not ~4.9 MB
	@v=$$($(PY) -c "import plotly.offline as o; print(o.get_plotlyjs_version())"); \
	if [ -f $(BUNDLE_DIR)/plotly-cartesian-$$v.min.js ]; then exit 0; fi; \
	tmp=$$(mktemp -d) && mkdir -p $(BUNDLE_DIR) && \
	if (cd $$tmp && npm pack --silent plotly.js-cartesian-dist-min@$$v >/dev/null 2>&1 && tar xzf *.tgz); then \
		mv $$tmp/package/plotly-cartesian.min.js $(BUNDLE_DIR)/plotly-cartesian-$$v.min.js; \
		echo "plotly.js $$v cartesian bundle installed"; \
	else echo "npm could not fetch plotly.js-cartesian-dist-min@$$v: bulletins embed the full plotly.js"; fi; \
	rm -rf $$tmp

browser: ## install Debian's chromium, chromium-driver, CJK fonts, poppler-utils and LibreOffice Calc and Writer when missing (browser, PDF and workbook tests)
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! fc-list 2>/dev/null | grep -qi 'noto.*cjk' || ! command -v pdftoppm >/dev/null || ! command -v soffice >/dev/null || ! dpkg -s libreoffice-writer >/dev/null 2>&1; then \
		echo "installing chromium, chromium-driver, fonts-noto-cjk, poppler-utils, libreoffice-calc, libreoffice-writer"; \
		$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
		$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk poppler-utils libreoffice-calc libreoffice-writer >/dev/null; \
	fi

run: install ## the whole job: sample data if data/raw is empty, ingest, validate, bulletins
	@# bytecode written once (an environment may set PYTHONDONTWRITEBYTECODE): each command of a
	@# run would otherwise compile every module it imports again, about 0.3 s a process
	@$(PY) -m compileall -q src >/dev/null
	$(VENV)/bin/safetystats run

# pytest keeps its rewritten test modules as bytecode only when Python may write it: an
# environment that sets PYTHONDONTWRITEBYTECODE would have every test process rewrite all of
# them again (about 3 s of each process's start), so the tests run with it empty (which
# Python takes as not set)
TEST_ENV := PYTHONDONTWRITEBYTECODE=

test: install browser ## run the whole test suite, slow end-to-end tests included (fails when no test ran)
	$(TEST_ENV) $(PY) -m pytest -q -n 2 --dist loadfile --durations=5

test-fast: install ## the fast layer only: unit and SQL tests, no GX, papermill, browser, chunked or parallel ingest (about 45 s on 2 cores; kept under 60 s)
	$(TEST_ENV) $(PY) -m pytest -q -m "not slow" -n 2 --dist loadfile

docs: install ## regenerate docs/headers.md (accepted headers and values) from the settings
	$(PY) -c "from safetystats.config import load_settings; from safetystats.ingest.reference import headers_markdown; open('docs/headers.md', 'w', encoding='utf-8').write(headers_markdown(load_settings()))"

suites: install ## regenerate the shipped GX suites (src/safetystats/expectations/) from datasets.toml
	$(PY) -c "from safetystats.config import load_settings; from safetystats.validate.suites import write_suites; print(*write_suites(load_settings()), sep='\n')"

lint: install ## ruff lint and format check
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

format: install ## ruff format and fix imports
	$(VENV)/bin/ruff check --fix src tests benchmarks
	$(VENV)/bin/ruff format src tests benchmarks

bench: install ## benchmarks: ingest, xlsx reading, validation, attainment, bulletins vs baselines (writes benchmarks/RESULTS.md)
	$(PY) benchmarks/bench.py

strip: install ## strip outputs from the notebooks before committing them (a test checks they carry none)
	$(VENV)/bin/nbstripout src/safetystats/notebooks/*.ipynb

clean: ## remove the store and reports (keeps data/raw); to start with your own ledgers: safetystats sample --remove, then make clean
	rm -rf data/curated/*.duckdb* reports/*/ reports/*.csv reports/*.html reports/*.json
	@if ls data/raw/*/样例数据* data/raw/样例数据* >/dev/null 2>&1; then \
		echo "data/raw still holds the sample (样例数据…): to start with your own ledgers, run"; \
		echo "  $(VENV)/bin/safetystats sample --remove   # removes only the 样例数据 files"; \
		echo "then drop your files into data/raw/<dataset>/ (docs/ledgers.md)"; fi

.PHONY: help install plotly-bundle browser run test test-fast docs suites lint format bench strip clean
