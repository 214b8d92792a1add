#!/usr/bin/env bash
# RIB and kernel FIB benchmark, one run, one table (issue: RIB with ECMP next-hop groups).
#   1. tests/bench/rib_table (Google Benchmark): a synthetic 1M-prefix IPv4 table with the
#      Internet's length mix through the whole RIB path — insert rate, memory per prefix, LPM
#      lookups per second, full-table withdrawal.
#   2. tests/bench/fib_program: the same size of table programmed into the kernel FIB of a
#      private network namespace by vgw's RouteSocket (ECMP and single next-hop), side by side
#      with `ip -batch` installing the same routes (the reference), and removed again.
# Needs root (the FIB part). Run on an otherwise idle machine; numbers are from one run.
#   lab/bench/rib/run.sh [PREFIXES=1000000]
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
build=${VGW_BUILD_DIR:-$root/build}
n=${1:-1000000}
[[ $(id -u) -eq 0 ]] || { echo "run as root (network namespace for the FIB part)" >&2; exit 1; }
[[ -f "$build/build.ninja" ]] || "$root/lab/setup.sh"
ninja -C "$build" -j 2 rib_table fib_program

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
echo
echo "== RIB (tests/bench/rib_table, 1,000,000 prefixes, thread CPU time)"
"$build/tests/bench/rib_table" --benchmark_counters_tabular=true 2>/dev/null
echo
echo "== kernel FIB (tests/bench/fib_program $n)"
"$build/tests/bench/fib_program" "$n"
