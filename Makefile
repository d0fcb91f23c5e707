# ictaltrack: the two set-up commands are `make demo` and `make test` (see README.md).
# Each installs what is missing (Debian packages, .venv with pinned Python packages), builds, runs.

PYTHON ?= python3
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CPP_BUILD := build/cpp
DEMO_FILE ?= sample_edf/migrating_referential.edf

.PHONY: all deps venv cpp python test test-cpp test-python demo bench eval samples clean

all: cpp python

deps:
	@bash scripts/install_deps.sh

# The venv is rebuilt when the pins in pyproject.toml change.
$(VENV)/.pins-installed: pyproject.toml scripts/pinned_requirements.py | deps
	@test -x $(VENV_PYTHON) || $(PYTHON) -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --quiet --upgrade pip
	$(VENV_PYTHON) scripts/pinned_requirements.py pyproject.toml > $(VENV)/requirements.txt
	$(VENV_PYTHON) -m pip install --quiet -r $(VENV)/requirements.txt
	@touch $@

venv: $(VENV)/.pins-installed

# C++ library, GoogleTest suite and benchmarks.
cpp: deps
	cmake -S . -B $(CPP_BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(CPP_BUILD) -j $(JOBS)

# The Python package (scikit-build-core builds the extension; its build dir is kept for speed).
python: venv
	$(VENV_PYTHON) -m pip install --quiet --no-build-isolation --no-deps .

test-cpp: cpp
	ctest --test-dir $(CPP_BUILD) --output-on-failure -j $(JOBS)

test-python: python
	$(VENV_PYTHON) -m pytest -q

test: test-cpp test-python

# The demo file's header, its seizures with the migration summary, and the plots: a timeline
# and one onset map per seizure as PNG files in build/demo/ (JSON and CSV beside them).
demo: python
	$(VENV)/bin/ictaltrack info $(DEMO_FILE)
	@mkdir -p build/demo
	$(VENV)/bin/ictaltrack detect $(DEMO_FILE) --json build/demo/detections.json \
		--csv build/demo/detections.csv --plots build/demo
	@echo "plots: $$(ls build/demo/*.png | tr '\n' ' ')"

# Regenerates the committed recordings in sample_edf/ (scripts/make_samples.sh, deterministic).
samples: python
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash scripts/make_samples.sh sample_edf

bench: cpp python
	@for b in $(CPP_BUILD)/bench/bench_*; do echo "== $$b"; $$b; done

# Simulated evaluation suite: one table of SzCORE event, localisation and migration scores, also
# written to docs/evaluation.md. Recordings are cached in $ICTALTRACK_EVAL_DIR (or ~/.cache).
eval: python
	$(VENV_PYTHON) bench/eval_suite.py

clean:
	rm -rf build
