#!/usr/bin/env bash
# Builds vgw (installing its Debian packages first when missing) and runs the whole test suite:
# unit tests, fuzz-corpus replays, integration tests (vgwd in network namespaces) and interop
# tests against real peers. Needs root (namespaces, peers). Exit status is ctest's.
#   tests/run.sh [ctest arguments...]     e.g. tests/run.sh -L unit
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VGW_BUILD_DIR:-$root/build}
"$root/lab/setup.sh" --werror
cd "$build"
exec ctest --output-on-failure --timeout 600 "$@"
