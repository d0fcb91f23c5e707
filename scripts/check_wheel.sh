#!/usr/bin/env bash
# Checks the repaired binary wheel the way a pip user meets it (issue 17); `make check-wheel`.
#
# Usage: check_wheel.sh WHEEL DEV_ICTALTRACK SAMPLE_EDF
#   WHEEL           dist/ictaltrack-*.whl (repaired by auditwheel)
#   DEV_ICTALTRACK  the development build's command (.venv/bin/ictaltrack), the reference
#   SAMPLE_EDF      a recording from sample_edf/
#
# In a fresh virtual environment in a temporary folder (outside the source tree) it installs only
# the wheel and its dependencies with pip, then, from that temporary folder with PYTHONPATH empty
# (the source tree is not importable): imports ictaltrack and checks it comes from the new
# environment, reads the sample with it, runs `ictaltrack detect` and compares its JSON with the
# development build's byte for byte, and checks with ldd that FFTW and EDFlib resolve from the
# wheel's ictaltrack.libs/, not from the system. Prints PASS/FAIL per check, then
# "N passed, M failed"; exits non-zero when anything failed.
#
# Nothing is normalised in the comparison: both commands get the same absolute input path, and the
# JSON holds no run timestamp (its "file" is that path, "start_time" the recording's start).
set -uo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 WHEEL DEV_ICTALTRACK SAMPLE_EDF" >&2
  exit 2
fi
wheel=$(realpath "$1")
dev_ictaltrack=$(realpath "$2")
sample=$(realpath "$3")
source_tree=$(cd "$(dirname "$0")/.." && pwd)
# The interpreter the development build (and so the wheel) was built for.
python=$("$(dirname "$dev_ictaltrack")/python" -c 'import sys; print(sys._base_executable)')

passed=0
failed=0
pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

work=$(mktemp -d "${TMPDIR:-/tmp}/ictaltrack-check-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT
case "$work/" in
  "$source_tree"/*) echo "FAIL: the temporary folder $work is inside the source tree"; exit 1 ;;
esac
cd "$work" || exit 1
# Only the new environment's own packages: no PYTHONPATH, no user site-packages, no inherited venv.
export PYTHONPATH="" PYTHONNOUSERSITE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
unset VIRTUAL_ENV PYTHONHOME

echo "wheel: $wheel"
echo "environment: $work/venv (python: $python)"
if "$python" -m venv "$work/venv" && "$work/venv/bin/python" -m pip install --quiet "$wheel"; then
  pass "fresh venv outside the source tree; pip installed the wheel and its dependencies"
else
  fail "fresh venv with the wheel installed"
  finish
fi
venv_python="$work/venv/bin/python"

# The wheel's runtime dependencies are the minimum: the optional features' packages stay out.
if optional=$("$venv_python" - <<'EOF'
import importlib.util
from ictaltrack._extras import EXTRA_MODULES
present = [m for ms in EXTRA_MODULES.values() for m in ms if importlib.util.find_spec(m)]
print(" ".join(present))
raise SystemExit(1 if present else 0)
EOF
); then
  pass "no optional dependency installed with the plain wheel (numpy, pandas only)"
else
  fail "optional packages came with the plain wheel: $optional"
fi

# `import ictaltrack` works and comes from the new environment, not from the source tree.
if location=$("$venv_python" -c \
    'import ictaltrack, ictaltrack._core as c; print(ictaltrack.__version__, c.__file__)'); then
  case "$location" in
    *" $work/venv/"*) pass "import ictaltrack from the installed wheel: $location" ;;
    *) fail "ictaltrack imported from outside the new environment: $location" ;;
  esac
else
  fail "import ictaltrack in the new environment"
fi

# Installed files: extension, pure-Python package, type stubs, bundled libraries, licence texts.
if contents=$("$venv_python" - <<'EOF'
import importlib.metadata as md
files = [str(f) for f in md.distribution("ictaltrack").files]
wanted = {
    "extension": lambda f: f.startswith("ictaltrack/_core") and f.endswith(".so"),
    "package": lambda f: f == "ictaltrack/detection.py",
    "type stubs": lambda f: f == "ictaltrack/_core.pyi",
    "py.typed": lambda f: f == "ictaltrack/py.typed",
    "FFTW in ictaltrack.libs": lambda f: f.startswith("ictaltrack.libs/libfftw3"),
    "EDFlib in ictaltrack.libs": lambda f: f.startswith("ictaltrack.libs/libedf"),
    "ictaltrack licence": lambda f: f.endswith(".dist-info/licenses/LICENSE"),
    "FFTW licence": lambda f: f.endswith("licenses/FFTW-GPL-2.0-or-later.txt"),
    "GPL-2.0 text": lambda f: f.endswith("licenses/GPL-2.0.txt"),
    "EDFlib licence": lambda f: f.endswith("licenses/EDFlib-BSD-3-Clause.txt"),
}
missing = [name for name, test in wanted.items() if not any(test(f) for f in files)]
print("missing: " + ", ".join(missing) if missing else ", ".join(wanted))
raise SystemExit(1 if missing else 0)
EOF
); then
  pass "wheel contents: $contents"
else
  fail "wheel contents: $contents"
fi

# The console script is installed and runs.
if [ -x "$work/venv/bin/ictaltrack" ] && "$work/venv/bin/ictaltrack" --version >/dev/null; then
  pass "console script: $("$work/venv/bin/ictaltrack" --version)"
else
  fail "console script $work/venv/bin/ictaltrack"
fi

# Reading the sample gives the same channels, rate and samples as the development build.
read_digest='
import hashlib, sys
import ictaltrack
recording = ictaltrack.read_edf(sys.argv[1])
data = recording.get_data()
digest = hashlib.sha256(data.tobytes()).hexdigest()[:16]
print(len(recording.info.ch_names), recording.info.sfreq, data.shape[1], digest)
'
wheel_read=$("$venv_python" -c "$read_digest" "$sample" 2>&1)
dev_read=$("$(dirname "$dev_ictaltrack")/python" -c "$read_digest" "$sample" 2>&1)
if [ -n "$wheel_read" ] && [ "$wheel_read" = "$dev_read" ]; then
  pass "read_edf($(basename "$sample")): channels, rate, samples, sha256 of the data: $wheel_read"
else
  fail "read_edf: wheel '$wheel_read' vs development build '$dev_read'"
fi

# `ictaltrack detect` gives the same JSON as the development build, byte for byte.
if "$work/venv/bin/ictaltrack" detect "$sample" --json "$work/wheel.json" --quiet \
    && "$dev_ictaltrack" detect "$sample" --json "$work/dev.json" --quiet; then
  if cmp -s "$work/wheel.json" "$work/dev.json"; then
    seizures=$("$venv_python" -c \
      'import json, sys; print(len(json.load(open(sys.argv[1]))["seizures"]))' "$work/wheel.json")
    size=$(wc -c <"$work/wheel.json")
    pass "ictaltrack detect JSON identical to the development build ($size bytes, $seizures seizures)"
  else
    fail "ictaltrack detect JSON differs from the development build"
    diff "$work/dev.json" "$work/wheel.json" | head -20
  fi
else
  fail "ictaltrack detect ran in both environments"
fi

# A feature whose extra is missing fails with a message naming the extra (matplotlib is absent).
if "$work/venv/bin/ictaltrack" detect "$sample" --json "$work/plots.json" --plots "$work/plots" \
    --quiet 2>"$work/plots.err"; then
  fail "detect --plots without the plot extra should fail"
elif grep -q "pip install 'ictaltrack\[plot\]'" "$work/plots.err"; then
  pass "detect --plots without matplotlib: $(head -1 "$work/plots.err")"
else
  fail "detect --plots without matplotlib: $(cat "$work/plots.err")"
fi

# ldd: FFTW and EDFlib resolve from the installed package's ictaltrack.libs/, not from the system.
extension=$("$venv_python" -c 'import ictaltrack._core as c; print(c.__file__)')
libs_dir="$(dirname "$(dirname "$extension")")/ictaltrack.libs/"
# ldd prints the path the loader used (ictaltrack/../ictaltrack.libs/... from the $ORIGIN rpath):
# compare canonical paths.
resolved() { [ -n "$1" ] && realpath -m "$1"; }
ldd_output=$(ldd "$extension")
for library in libfftw3 libedf; do
  line=$(grep -E "^\s*$library[-.]" <<<"$ldd_output")
  target=$(resolved "$(awk '{print $3}' <<<"$line")")
  if [ -n "$line" ] && [ "$(wc -l <<<"$line")" -eq 1 ] && [[ "$target" == "$libs_dir"* ]]; then
    pass "ldd: $library resolves inside the package: $(awk '{print $1}' <<<"$line") => $target"
  else
    fail "ldd: $library does not resolve from $libs_dir: ${line:-not linked}"
  fi
done
# Any FFTW/EDFlib line (a second copy, e.g. libfftw3_threads) resolved outside the package fails.
outside=""
while read -r name _ path _; do
  [[ "$(resolved "$path")" == "$libs_dir"* ]] || outside+="$name => ${path:-not found}; "
done < <(grep -E "fftw|edf" <<<"$ldd_output")
if [ -n "$outside" ]; then
  fail "ldd: FFTW/EDFlib resolved from the system: $outside"
else
  pass "ldd: no FFTW or EDFlib resolved from the system (/lib, /usr/lib)"
fi

finish
