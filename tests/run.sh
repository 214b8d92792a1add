#!/usr/bin/env bash
# Builds vgw (installing its Debian packages first when missing) and runs the whole test suite:
# unit tests, fuzz-corpus replays, integration tests (vgwd in network namespaces) and interop
# tests against real peers. Needs root (namespaces, peers).
#   tests/run.sh [ctest arguments...]     e.g. tests/run.sh -L unit
# Without arguments every label runs except `image` (the container images: podman builds that
# take minutes; run them with tests/run.sh -L image).
# A full run (no arguments) then builds the tree again with AddressSanitizer +
# UndefinedBehaviorSanitizer (build-asan/) and runs the unit and integration labels under it,
# so every vgwd start, change and shutdown of those tests is checked for memory errors.
# VGW_SANITIZER_RUN=0 skips that second pass. Last, every libFuzzer target is built with clang,
# ASan and UBSan (build-fuzz/) and fuzzed for VGW_FUZZ_SECONDS (default 60) from its corpus,
# two at a time (tests/fuzz/run.sh); VGW_FUZZ_RUN=0 skips it. Exit status: non-zero if any
# pass failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VGW_BUILD_DIR:-$root/build}
"$root/lab/setup.sh" --werror
cd "$build"
status=0
if (($# == 0)); then
  ctest --output-on-failure --timeout 600 -LE image || status=$?
else
  ctest --output-on-failure --timeout 600 "$@" || status=$?
fi
if (($# == 0)) && [[ ${VGW_SANITIZER_RUN:-1} != 0 ]]; then
  asan_build=${VGW_ASAN_BUILD_DIR:-$root/build-asan}
  echo "== sanitizer pass: ASan + UBSan build in $asan_build, unit and integration tests"
  VGW_BUILD_DIR=$asan_build "$root/lab/setup.sh" --werror --sanitize
  cd "$asan_build"
  # Leak checks stay on (less what third-party libraries keep for the process's life,
  # tests/lsan.supp); an error of either sanitizer ends the process with a report.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_stack_use_after_return=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
  ctest --output-on-failure --timeout 900 -L 'unit|integration' || status=$?
fi
if (($# == 0)) && [[ ${VGW_FUZZ_RUN:-1} != 0 ]]; then
  echo "== fuzz pass: every target for ${VGW_FUZZ_SECONDS:-60} s under ASan + UBSan"
  bash "$root/tests/fuzz/run.sh" "${VGW_FUZZ_SECONDS:-60}" || status=$?
fi
exit $status
