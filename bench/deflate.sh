#!/usr/bin/env bash
# permessage-deflate echo comparison (docs/benchmarks.md, "permessage-deflate"): websock serve --deflate
# (context takeover, and with --deflate-no-context-takeover) and Node `ws` (perMessageDeflate), each pinned
# to core 0, `websock bench --deflate --payload json` pinned to core 1, over loopback. Per server: memory
# per connection (deflate negotiated and idle; busy, each connection echoing 1 KiB; idle again after the
# traffic, past websock's 1 s trim), then CPU per message and msgs/s for 1 KiB and 16 KiB JSON-like text,
# REPS runs each, medians. Prints a Markdown table; raw JSON lines go to $OUT.
#   bench/deflate.sh [BUILD_DIR]   env: DURATION (s, default 5), REPS (default 3), CONNS (memory, default 1000),
#                                  SERVERS (default "websock websock-nct node")
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
duration=${DURATION:-5}
reps=${REPS:-3}
conns=${CONNS:-1000}
servers=${SERVERS:-"websock websock-nct node"}
out=${OUT:-/tmp/websock-deflate.jsonl}
ws=$build/tools/websock/websock
: >"$out"

source "$root/bench/lib.sh"

start_server() {  # $1 = name; sets pid and url
  local cmd=()
  case $1 in
    websock) cmd=("$ws" serve --port 0 --threads 1 -q --deflate) ;;
    websock-nct) cmd=("$ws" serve --port 0 --threads 1 -q --deflate --deflate-no-context-takeover) ;;
    node) cmd=(node "$root/bench/peers/ws_echo.js" 0 --deflate) ;;
  esac
  start_pinned 0 "/tmp/websock-deflate-$1.out" "${cmd[@]}" || return 1
  case $1 in
    websock*) url=ws://127.0.0.1:$port/echo ;;
    *) url=ws://127.0.0.1:$port/ ;;
  esac
}

load() { taskset -c 1 "$ws" bench "$url" --deflate --payload json "$@" --json 2>/dev/null; }

for s in $servers; do
  start_server "$s" || continue
  sleep 0.5
  before=$(rss_kib $pid)
  # Negotiated and idle: $conns handshakes, no message (sampled halfway through 3 s).
  load -c "$conns" -k 0 -d 3 >/dev/null &
  holder=$!
  sleep 2
  idle=$(rss_kib $pid)
  wait $holder || echo "deflate: $s: idle connections failed" >&2
  sleep 1
  # Busy: each connection echoes 1 KiB messages, one in flight (sampled at 2 s of 3); then silent
  # for 3 s with the connections open (sampled at 2.5 s: websock trims after 1 s).
  base=$(rss_kib $pid)
  load -c "$conns" -k 1 -s 1024 -d 3 --hold 3 >/dev/null &
  holder=$!
  sleep 2
  busy=$(rss_kib $pid)
  sleep 3.5
  after=$(rss_kib $pid)
  wait $holder || echo "deflate: $s: busy connections failed" >&2
  echo "{\"server\":\"$s\",\"case\":\"memory\",\"connections\":$conns,\"rss_before_kib\":$before,\"rss_idle_kib\":$idle,\"rss_base_kib\":$base,\"rss_busy_kib\":$busy,\"rss_after_kib\":$after}" >>"$out"
  for size in 1024 16384; do
    for r in $(seq "$reps"); do
      echo "deflate: $s: $size B, run $r" >&2
      json=$(load -c 100 -k 4 -s "$size" -d "$duration" --pid $pid) || echo "deflate: $s: $size FAILED" >&2
      [ -n "$json" ] && echo "{\"server\":\"$s\",\"case\":\"$size\",\"result\":$json}" >>"$out"
    done
  done
  kill $pid
  wait $pid 2>/dev/null || true
done
python3 "$root/bench/deflate_table.py" "$out"
