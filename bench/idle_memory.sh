#!/usr/bin/env bash
# Server RSS per idle connection (docs/benchmarks.md, "Idle memory"): `websock serve --threads 1`
# (or the TCP echo) pinned to core 0; `websock bench -k 0` on core 1 opens N connections at once (a
# burst: every connect and handshake starts together) and holds them silent. RSS is read when the
# server holds all N (the burst, with handshake memory freed but not returned to the system) and
# again after 3 s of silence (steady: past the 1 s buffer trim). Peers: SERVERS="websock tcp".
#   bench/idle_memory.sh [BUILD_DIR]    env: CONNS (default 16000), SERVERS (default "tcp websock")
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/bench}
conns=${CONNS:-16000}
servers=${SERVERS:-"tcp websock"}
ws=$build/tools/websock/websock
source "$root/bench/lib.sh"
ulimit -n "$(ulimit -Hn)"
fds() { find "/proc/$1/fd" -mindepth 1 2>/dev/null | wc -l; }

echo "| server | connections | RSS before KiB | burst: bytes per connection | steady: bytes per connection |"
echo "|---|---:|---:|---:|---:|"
for s in $servers; do
  case $s in
    websock) start_pinned 0 /tmp/websock-idle-$s.out "$ws" serve --port 0 --threads 1 -q; path=(ws://127.0.0.1:$port/echo) ;;
    tcp) start_pinned 0 /tmp/websock-idle-$s.out "$build/bench/peers/bench_tcp_echo" 0; path=(tcp://127.0.0.1:$port --raw) ;;
  esac
  sleep 0.5
  before=$(rss_kib $pid)
  base_fds=$(fds $pid)
  taskset -c 1 "$ws" bench "${path[@]}" -c "$conns" -k 0 -d 30 >/dev/null 2>&1 &
  holder=$!
  # Wait (bounded: 60 s) until the server holds every connection.
  for _ in $(seq 600); do [ "$(fds $pid)" -ge $((base_fds + conns)) ] && break; sleep 0.1; done
  held=$(( $(fds $pid) - base_fds ))
  burst=$(rss_kib $pid)
  sleep 3
  steady=$(rss_kib $pid)
  kill $holder 2>/dev/null; wait $holder 2>/dev/null || true
  kill $pid; wait $pid 2>/dev/null || true
  awk -v s="$s" -v n="$held" -v b="$before" -v u="$burst" -v t="$steady" \
    'BEGIN { printf "| %s | %d | %d | %.0f | %.0f |\n", s, n, b, (u - b) * 1024 / n, (t - b) * 1024 / n }'
done
