# Hangang Console. `make run` opens the console on the demo fleet; `make test` runs every test.
# Both set up what they need first: Debian packages (apt, as root or with sudo) and a .venv.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
ARGS ?= --demo 48
PYTEST_ARGS ?=

.PHONY: run test bench lint i18n screenshot deps deps-test deps-package deb package-test clean

run: deps $(INSTALLED)
	$(VENV)/bin/hangang-console $(ARGS)

test: deps-test $(INSTALLED)
	$(PY) -m ruff check console widgets tests
	$(PY) -m tests.integration.slurm24
	$(PY) -m pytest $(PYTEST_ARGS)

bench: deps-test $(INSTALLED)
	$(PY) -m pytest tests/bench -p no:cacheprovider -s -q
	$(PY) tests/bench/bench_fanout.py
	$(PY) tests/bench/bench_kiosk_memory.py
	$(PY) tests/bench/bench_history.py
	$(PY) tests/bench/bench_capacity.py
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.bench.bench_board
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.bench.bench_window_update
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.bench.bench_startup
	$(PY) tests/bench/bench_report.py
	$(PY) -m tests.bench.bench_decode
	$(PY) -m tests.bench.bench_stream_floor
	$(PY) -m tests.bench.bench_probe_fuzz
	$(PY) -m tests.bench.bench_metrics
	$(PY) -m tests.bench.bench_prometheus
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.bench.bench_fault_storm --nodes 300
	$(PY) -m tests.bench.bench_whatif
	$(PY) tests/bench/bench_room_consoles.py
	$(PY) -m tests.bench.bench_whatif_slurm

lint: $(INSTALLED)
	$(PY) -m ruff check console widgets tests

# Refresh resources/i18n/ko.ts from the sources (new strings come in marked unfinished).
i18n: $(INSTALLED)
	$(VENV)/bin/pyside6-lupdate -locations none -no-obsolete $$(find console widgets -name "*.py" | sort) -ts resources/i18n/ko.ts

# The README's screenshot, taken from the real app on a virtual screen.
screenshot: deps-test $(INSTALLED)
	xvfb-run -a -s '-screen 0 1440x900x24' $(VENV)/bin/hangang-console --demo 48 --lang ko \
		--screenshot docs/screenshot.png --quit-after 8

# The Debian package (dist/hangang-console_<version>_<arch>.deb) and its test in a clean Debian root
# (debootstrap, apt-get install ./the.deb, --version, a screenshot under Xvfb), plus the validators
# of the desktop entry and the AppStream metainfo.
deb: deps-package $(INSTALLED)
	PY_BUILD=$(PY) bash packaging/build-deb.sh

package-test: deb
	desktop-file-validate packaging/linux/*.desktop
	appstreamcli validate --no-net packaging/linux/*.metainfo.xml
	PY_BUILD=$(PY) bash packaging/test-wheel.sh
	bash packaging/test-deb.sh

deps:
	PYTHON=$(PYTHON) bash packaging/debian-packages.sh runtime

deps-test:
	PYTHON=$(PYTHON) bash packaging/debian-packages.sh test

deps-package:
	PYTHON=$(PYTHON) bash packaging/debian-packages.sh package

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache test-artifacts
