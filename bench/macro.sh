#!/usr/bin/env bash
# The whole-stack echo comparison (docs/benchmarks.md, "Whole-stack echo"): each echo server pinned
# to core 0, the load generator pinned to core 1, over loopback. Per server: idle memory first (RSS
# growth for N idle connections), then the load cases, each run by every generator REPS times.
#
# Generators: wsload (../shared/bench/wsload.cpp: written outside websock, the meter of record) and
# `websock bench` (ours). Prints Markdown tables of medians with ratios against the plain TCP echo
# of the same run; the raw JSON lines go to $OUT (default /tmp/websock-macro.jsonl).
#
#   bench/macro.sh [BUILD_DIR]
#   env: DURATION (s, default 5), WARMUP (s, wsload only, default 1.5), REPS (default 3),
#        SERVERS (default "tcp websock beast wspp node"), GENERATORS (default "wsload websock"),
#        CASES (names to run, comma-separated; default all), IDLE (idle connections, default 1000),
#        SERVER_CPU / BENCH_CPU (cores, 0 / 1), WSLOAD (binary; default BUILD_DIR/wsload, built from
#        WSLOAD_SRC, default ../shared/bench/wsload.cpp, when missing)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/bench}  # cmake --preset bench && cmake --build --preset bench
duration=${DURATION:-5}
warmup=${WARMUP:-1.5}
reps=${REPS:-3}
servers=${SERVERS:-"tcp websock beast wspp node"}
generators=${GENERATORS:-"wsload websock"}
only_cases=${CASES:-}
idle=${IDLE:-1000}
out=${OUT:-/tmp/websock-macro.jsonl}
server_cpu=${SERVER_CPU:-0}
bench_cpu=${BENCH_CPU:-1}
ws=$build/tools/websock/websock
wsload=${WSLOAD:-$build/wsload}
wsload_src=${WSLOAD_SRC:-$root/../shared/bench/wsload.cpp}
: >"$out"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # 16,000 idle connections need more than 1024 files

if [[ " $generators " == *" wsload "* ]] && [ ! -x "$wsload" ]; then
  if [ -f "$wsload_src" ]; then
    g++ -O3 -march=native -std=c++17 -pthread "$wsload_src" -o "$wsload"  # as its README says
  else
    echo "macro: wsload not found ($wsload_src), skipping that generator" >&2
    generators=${generators//wsload/}
  fi
fi

# name|connections|size|inflight
cases=(
  "16 B|100|16|16"
  "1 KiB|100|1024|16"
  "64 KiB|100|65536|4"
  "16 B, 1000 conns|1000|16|16"
  "16 B, 100 x 1|100|16|1"
)

source "$root/bench/lib.sh"

start_echo_server() {  # $1 = name; sets pid and port
  local cmd=()
  case $1 in
    tcp) cmd=("$build/bench/peers/bench_tcp_echo" 0) ;;
    websock) cmd=("$ws" serve --port 0 --threads 1 -q) ;;
    beast) cmd=("$build/bench/peers/bench_beast_echo" 0) ;;
    wspp) cmd=("$build/bench/peers/bench_wspp_echo" 0) ;;
    node) cmd=(node "$root/bench/peers/ws_echo.js" 0) ;;
  esac
  if [ "$1" != node ] && [ ! -x "${cmd[0]}" ]; then echo "macro: ${cmd[0]} not built, skipping $1" >&2; return 1; fi
  start_pinned "$server_cpu" "/tmp/websock-macro-$1.out" "${cmd[@]}"
}

for s in $servers; do
  start_echo_server "$s" || continue
  case $s in
    tcp) path=/ raw=(--raw) url=(tcp://127.0.0.1:$port --raw) ;;
    websock) path=/echo raw=() url=(ws://127.0.0.1:$port/echo) ;;
    *) path=/ raw=() url=(ws://127.0.0.1:$port/) ;;
  esac
  sleep 0.5
  # Idle memory: RSS before, and while $idle connections sit idle (sampled halfway).
  before=$(rss_kib $pid)
  taskset -c "$bench_cpu" "$ws" bench "${url[@]}" -c "$idle" -k 0 -d 3 --json >/dev/null 2>&1 &
  holder=$!
  sleep 2
  during=$(rss_kib $pid)
  wait $holder || echo "macro: $s: idle connections failed" >&2
  echo "{\"server\":\"$s\",\"case\":\"idle\",\"connections\":$idle,\"rss_before_kib\":$before,\"rss_idle_kib\":$during}" >>"$out"
  for c in "${cases[@]}"; do
    IFS='|' read -r name conns size inflight <<<"$c"
    if [ -n "$only_cases" ] && [[ ",$only_cases," != *",$name,"* ]]; then continue; fi
    for rep in $(seq "$reps"); do
      for g in $generators; do
        echo "macro: $s: $name: $g #$rep" >&2
        case $g in
          wsload)
            line=$(taskset -c "$bench_cpu" "$wsload" -p "$port" -P "$path" "${raw[@]}" -c "$conns" -s "$size" \
                     -k "$inflight" -d "$duration" -w "$warmup" --server-pid $pid --json 2>/dev/null |
                   sed -n 's/^JSON //p') || echo "macro: $s: $name: wsload FAILED" >&2 ;;
          websock)
            line=$(taskset -c "$bench_cpu" "$ws" bench "${url[@]}" -c "$conns" -s "$size" -k "$inflight" \
                     -d "$duration" --pid $pid --json 2>/dev/null) || echo "macro: $s: $name: websock bench FAILED" >&2 ;;
        esac
        [ -n "${line:-}" ] && echo "{\"server\":\"$s\",\"case\":\"$name\",\"generator\":\"$g\",\"rep\":$rep,\"result\":$line}" >>"$out"
        line=
      done
    done
  done
  kill $pid
  wait $pid 2>/dev/null || true
done
python3 "$root/bench/macro_table.py" "$out"
