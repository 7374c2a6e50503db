# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8050
HOST ?= 127.0.0.1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run serve test test-fast browser bench bench-browser bench-school bench-value-added clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) app.py --host $(HOST) --port $(PORT)

# Production: gunicorn with threaded workers (gunicorn.conf.py); BIND=0.0.0.0:8050 only behind sign-in and TLS.
BIND ?= 127.0.0.1:8050
serve: $(VENV)/.runtime
	COHORT_ATLAS_BIND=$(BIND) $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:server

# Browser tests drive Debian's Chromium through its chromedriver; nothing downloads a browser.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		echo "installing Debian's chromium and chromium-driver"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; \
	fi

# axe-core, which the browser tests inject into the page; npm ci again only when the lock file changes.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.dev browser node_modules/.package-lock.json
	$(PY) -m pytest -q -n 2 --dist loadfile

test-fast: $(VENV)/.dev
	$(PY) -m pytest -q -m "not browser"

bench: $(VENV)/.dev
	$(PY) bench/summarize.py

# bench-NAME runs bench/NAME.py: crossfilter, explore, map, risk, fairness, progressive, subjects, benchmark,
# track, report, forest, and load (20 signed-in users cross-filtering for 60 s under gunicorn plus a few uploads).
# Not in .PHONY: make skips pattern rules for phony targets.
bench-%: $(VENV)/.dev bench/%.py
	$(PY) bench/$*.py

bench-school: $(VENV)/.dev
	$(PY) bench/summarize.py --data school --rows 1000,200000

bench-value-added: $(VENV)/.dev
	$(PY) bench/progress.py

# Click latency in Chromium, and with LOADS=N what opening a page costs; BASELINE=ref (any git ref) also runs
# that commit side by side.
BASELINE ?=
LOADS ?= 0
bench-browser: $(VENV)/.dev browser
	$(PY) bench/browser.py $(if $(BASELINE),--baseline $(BASELINE)) --loads $(LOADS)

clean:
	rm -rf $(VENV) .cache .pytest_cache node_modules
