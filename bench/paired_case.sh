#!/usr/bin/env bash
# One echo case against `websock serve` from two builds, alternating, for before/after comparisons
# on a noisy machine (docs/benchmarks.md, "The runtime split"). Server on core 0, load on core 1.
#   bench/paired_case.sh BEFORE_BUILD AFTER_BUILD SIZE CONNS INFLIGHT [PAIRS]
# Prints per run: build, msgs/s, server CPU us per message.
# WSLOAD=path: drive the load with the independent generator ../shared/bench/wsload.cpp (built with
# g++ -O3 -march=native -std=c++17 -pthread wsload.cpp -o wsload) instead of `websock bench`.
set -euo pipefail
before=$1 after=$2 size=$3 conns=$4 inflight=$5 pairs=${6:-3}
load=$after/tools/websock/websock  # one load generator for both
run() {  # $1 = build dir
  local log
  log=$(mktemp)
  taskset -c 0 "$1/tools/websock/websock" serve --port 0 --threads 1 -q >"$log" 2>&1 &
  local pid=$! port=""
  for _ in $(seq 100); do
    port=$(grep -o '127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f2) && [ -n "$port" ] && break
    sleep 0.05
  done
  if [ -n "${WSLOAD:-}" ]; then
    taskset -c 1 "$WSLOAD" -p "$port" -P /echo -c "$conns" -s "$size" -k "$inflight" -d 6 -w 1.5 --server-pid $pid --json 2>/dev/null |
      sed -n 's/^JSON //p' | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["msgs_per_s"], round(d["server_cpu_pct"] / 100 / d["msgs_per_s"] * 1e6, 4), "errors", d["errors"])'
  else
    taskset -c 1 "$load" bench "ws://127.0.0.1:$port/echo" -c "$conns" -s "$size" -k "$inflight" -d 8 --pid $pid --json 2>/dev/null |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["msgs_per_s"], d["server_cpu_us_per_msg"])'
  fi
  kill $pid
  wait $pid 2>/dev/null || true
  rm -f "$log"
}
for _ in $(seq "$pairs"); do
  echo "before $(run "$before")"
  echo "after  $(run "$after")"
done
