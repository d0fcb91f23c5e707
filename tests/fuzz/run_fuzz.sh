#!/usr/bin/env bash
# Runs the libFuzzer targets built in build/fuzz, each for SECONDS, then replays every committed
# crash reproducer (tests/fuzz/reproducers/<target>/*). Exits non-zero on any finding.
#   tests/fuzz/run_fuzz.sh SECONDS [TARGET...]      (from the repository root; `make fuzz`)
# Seeds: the committed generated corpus tests/fuzz/corpus/<target>, plus the real recordings of
# ../shared/corpus for the file targets when present (read only). New inputs the fuzzer finds go
# to build/fuzz/work/<target>; findings to build/fuzz/artifacts/; logs to build/fuzz/logs/.
set -euo pipefail

seconds=${1:?usage: run_fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_header fuzz_tal fuzz_open_read)

root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build/fuzz"
shared_corpus="$root/../shared/corpus"
logs=${FUZZ_LOG_DIR:-$build/logs}
mkdir -p "$logs" "$build/artifacts"

# Leak checking stays on; a report aborts so that the run fails.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

for target in "${targets[@]}"; do
  binary="$build/$target"
  [ -x "$binary" ] || { echo "missing $binary: run make fuzz-build" >&2; exit 1; }
  work="$build/work/$target"
  mkdir -p "$work"
  seeds=("$root/tests/fuzz/corpus/$target")
  max_len=4096
  if [ "$target" != fuzz_tal ]; then
    max_len=16384
    [ -d "$shared_corpus" ] && seeds+=("$shared_corpus")
  fi
  if [ "$seconds" -gt 0 ]; then
    log="$logs/$target.log"
    echo "== $target: fuzzing for ${seconds}s (log: $log)"
    # -malloc_limit_mb: an allocation sized by an unchecked header field is a finding.
    if ! "$binary" "$work" "${seeds[@]}" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -malloc_limit_mb=256 -max_len="$max_len" -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$target-" > "$log" 2>&1; then
      tail -n 60 "$log" >&2
      echo "FAIL: $target found a problem; see $log and $build/artifacts/" >&2
      exit 1
    fi
    grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -n 1
    grep -E '^stat::number_of_executed_units' "$log" || true
  fi
  reproducers=("$root/tests/fuzz/reproducers/$target"/*)
  if [ -e "${reproducers[0]}" ]; then
    echo "== $target: replaying ${#reproducers[@]} reproducers"
    "$binary" -runs=1 "${reproducers[@]}" > "$logs/$target.replay.log" 2>&1 || {
      tail -n 60 "$logs/$target.replay.log" >&2
      echo "FAIL: a reproducer of $target fails again" >&2
      exit 1
    }
  fi
done
