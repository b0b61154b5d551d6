#!/usr/bin/env bash
# Builds the bench preset (release, benchmarks on) and runs the core micro-benchmarks pinned to one core, repeated, then
# prints a table of medians (and writes the full JSON next to the binary).
#
#   bench/run.sh                          # everything
#   bench/run.sh --benchmark_filter=utf8  # extra arguments go to the benchmark binary
#
# Environment: BENCH_CPU (core to pin to, default 1), BENCH_MIN_TIME (seconds per repetition,
# default 0.5), BENCH_REPETITIONS (default 5), BENCH_NO_BUILD=1 (skip the build).
set -euo pipefail
cd "$(dirname "$0")/.."

cpu=${BENCH_CPU:-1}
min_time=${BENCH_MIN_TIME:-0.5}
repetitions=${BENCH_REPETITIONS:-5}
binary=build/bench/bench/bench_core
json=build/bench/bench/bench_core.json

if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
  cmake --preset bench >/dev/null
  cmake --build --preset bench >/dev/null
fi
if [ ! -x "${binary}" ]; then
  echo "bench: ${binary} not built (Google Benchmark, libbenchmark-dev, is not installed): skipping the core micro-benchmarks"
  exit 0
fi

echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src include || echo ' (+ uncommitted changes in src/include)')"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), pinned to core ${cpu}"
echo "command: taskset -c ${cpu} ${binary} --benchmark_min_time=${min_time} --benchmark_repetitions=${repetitions} $*"
echo

taskset -c "${cpu}" "${binary}" --benchmark_min_time="${min_time}" \
  --benchmark_repetitions="${repetitions}" --benchmark_report_aggregates_only=true \
  --benchmark_out="${json}" --benchmark_out_format=json "$@" >/dev/null

python3 bench/table.py "${json}"
echo
echo "full results: ${json}"
