#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, AddressSanitizer and UndefinedBehaviorSanitizer
# (build-fuzz/, or $VGW_FUZZ_BUILD_DIR) and runs each for a bounded time from its seed corpus,
# two at a time (two cores). New inputs go to a temporary directory, never into the tree; a
# crash, a sanitizer report or a broken invariant fails the run and prints the input (base64)
# so it can be added to tests/fuzz/corpus/<target>/ as a regression. tests/fuzz/<target>.dict is
# its dictionary, tests/fuzz/<target>.options more flags (config_loader: -entropic=0, whose
# feature bookkeeping took 60% of the time with that target's coverage).
#   tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#   tests/fuzz/run.sh --runs N TARGET...       a fixed number of executions instead (figures)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${VGW_FUZZ_BUILD_DIR:-$root/build-fuzz}
limit=(-max_total_time="${VGW_FUZZ_SECONDS:-60}")
if [[ ${1:-} == --runs ]]; then
  limit=(-runs="$2")
  shift 2
elif [[ ${1:-} =~ ^[0-9]+$ ]]; then
  limit=(-max_total_time="$1")
  shift
fi
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVGW_FUZZ=ON -DVGW_BUILD_BENCH=OFF >/dev/null
targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in "$root"/tests/fuzz/*.cmake; do targets+=("$(basename "$f" .cmake)"); done
fi
ninja -C "$build" -j "${VGW_JOBS:-2}" "${targets[@]/%/_fuzzer}"

work=$(mktemp -d /tmp/vgw-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local t=$1 dict=() extra=()
  mkdir -p "$work/$t/corpus" "$work/$t/crash"
  [[ -f $root/tests/fuzz/$t.dict ]] && dict=(-dict="$root/tests/fuzz/$t.dict")
  # tests/fuzz/<target>.options: more libFuzzer flags for that target, one line.
  [[ -f $root/tests/fuzz/$t.options ]] && read -r -a extra < "$root/tests/fuzz/$t.options"
  local start=$SECONDS status=0
  "$build/tests/fuzz/${t}_fuzzer" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/$t/crash/" "${dict[@]}" "${extra[@]}" "$work/$t/corpus" "$root/tests/fuzz/corpus/$t" \
    >"$work/$t/log" 2>&1 || status=$?
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/log" | tail -1)
  if ((status != 0)); then
    echo "fuzz: $t FAILED (exit $status) after ${execs:-?} executions; the end of its log:"
    tail -40 "$work/$t/log"
    for c in "$work/$t/crash"/*; do
      [[ -f $c ]] || continue
      echo "fuzz: $t input $(basename "$c") (base64; save under tests/fuzz/corpus/$t/):"
      base64 -w 100 "$c"
    done
    return 1
  fi
  echo "fuzz: $t ok, ${execs:-?} executions in $((SECONDS - start)) s"
}

failed=0
pids=()
names=()
for t in "${targets[@]}"; do
  run_one "$t" > "$work/$t.out" 2>&1 &
  pids+=($!)
  names+=("$t")
  if ((${#pids[@]} == 2)); then
    wait "${pids[0]}" || failed=1
    cat "$work/${names[0]}.out"
    pids=("${pids[1]}")
    names=("${names[1]}")
  fi
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failed=1
  cat "$work/${names[$i]}.out"
done
exit $failed
