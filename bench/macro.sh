#!/usr/bin/env bash
# The whole-stack echo comparison (docs/benchmarks.md, "Whole-stack echo"): each echo server pinned
# to core 0, `websock bench` pinned to core 1, over loopback. Per server: idle memory first (RSS
# growth for N idle connections), then the load cases. Prints a Markdown table with ratios against
# the plain TCP echo; the raw JSON lines go to $OUT (default /tmp/websock-macro.jsonl).
#   bench/macro.sh [BUILD_DIR]   env: DURATION (s, default 5), SERVERS (default "tcp websock beast wspp node"),
#                                IDLE (idle connections, default 1000), SERVER_CPU / BENCH_CPU (cores, 0 / 1)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/bench}  # cmake --preset bench && cmake --build --preset bench
duration=${DURATION:-5}
servers=${SERVERS:-"tcp websock beast wspp node"}
idle=${IDLE:-1000}
out=${OUT:-/tmp/websock-macro.jsonl}
server_cpu=${SERVER_CPU:-0}
bench_cpu=${BENCH_CPU:-1}
ws=$build/tools/websock/websock
: >"$out"

# name|connections|size|inflight
cases=(
  "16 B|100|16|16"
  "1 KiB|100|1024|16"
  "64 KiB|100|65536|4"
  "16 B, 1000 conns|1000|16|16"
  "16 B, 1 in flight|1|16|1"
)

start_server() {  # $1 = name; sets pid and url
  local log=/tmp/websock-macro-$1.out cmd=()
  case $1 in
    tcp) cmd=("$build/bench/peers/bench_tcp_echo" 0) ;;
    websock) cmd=("$ws" serve --port 0 --threads 1 -q) ;;
    beast) cmd=("$build/bench/peers/bench_beast_echo" 0) ;;
    wspp) cmd=("$build/bench/peers/bench_wspp_echo" 0) ;;
    node) cmd=(node "$root/bench/peers/ws_echo.js" 0) ;;
  esac
  if [ "$1" != node ] && [ ! -x "${cmd[0]}" ]; then echo "macro: ${cmd[0]} not built, skipping $1" >&2; return 1; fi
  taskset -c "$server_cpu" "${cmd[@]}" >"$log" 2>&1 &
  pid=$!
  local port=""
  for _ in $(seq 100); do
    port=$(grep -o '127.0.0.1:[0-9]*' "$log" 2>/dev/null | head -1 | cut -d: -f2) && [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "macro: $1 did not start: $(cat "$log")" >&2; kill $pid; return 1; }
  case $1 in
    tcp) url=(tcp://127.0.0.1:$port --raw) ;;
    websock) url=(ws://127.0.0.1:$port/echo) ;;
    *) url=(ws://127.0.0.1:$port/) ;;
  esac
}

rss_kib() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }

for s in $servers; do
  start_server "$s" || continue
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
    echo "macro: $s: $name" >&2
    json=$(taskset -c "$bench_cpu" "$ws" bench "${url[@]}" -c "$conns" -s "$size" -k "$inflight" -d "$duration" \
             --pid $pid --json 2>/dev/null) || echo "macro: $s: $name FAILED" >&2
    [ -n "$json" ] && echo "{\"server\":\"$s\",\"case\":\"$name\",\"result\":$json}" >>"$out"
  done
  kill $pid
  wait $pid 2>/dev/null || true
done
python3 "$root/bench/macro_table.py" "$out"
