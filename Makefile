# Circles: `make dev` runs the platform locally, `make test` runs every test tier.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: dev test test-unit test-integration test-e2e lint-imports bench migrate clean browser monitoring-tools bench-tools

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

dev: $(STAMP)
	$(PY) -m deploy.local.run

migrate: $(STAMP)
	for s in people checkins notifications resources reporting; do $(PY) -m services.$$s migrate || exit 1; done

lint-imports: $(STAMP)
	$(VENV)/bin/lint-imports

# Browser tests use Debian's Chromium (never a downloaded browser); installed when we can.
browser:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	  || echo "chromium not installed: the browser tests will be skipped"

# Debian's prometheus brings promtool: the rule tests and the real-scrape test use both.
monitoring-tools:
	@command -v promtool >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } \
	  || echo "prometheus not installed: the promtool and scrape tests will be skipped"

# Debian's wrk drives the HTTP benchmark (B3, bench/api.py); installed when we can.
bench-tools:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk; } \
	  || echo "wrk not installed: the B3 benchmark (bench/api.py) cannot run"

test: $(STAMP) lint-imports browser monitoring-tools
	$(PY) -m pytest $(PYTEST_ARGS)

test-unit: $(STAMP)
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

test-integration: $(STAMP)
	$(PY) -m pytest tests/integration $(PYTEST_ARGS)

test-e2e: $(STAMP)
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

bench: $(STAMP) bench-tools
	$(PY) -m bench

clean:
	rm -rf var .pytest_cache
