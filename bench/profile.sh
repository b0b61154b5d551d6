#!/usr/bin/env bash
# Where the server's CPU goes in one echo case: `websock serve --threads 1` (or the TCP echo) pinned
# to core 0, wsload pinned to core 1, `perf record -e cpu-clock` on the server during the window;
# prints the top symbols (self time) and the server's syscalls per echoed message (strace -c, a
# separate run: strace slows the server, so it gives counts, not times).
#   bench/profile.sh SIZE CONNS INFLIGHT [BUILD_DIR]    env: DURATION (s, default 5), TOP (default 10),
#                                                       SERVER (websock | tcp, default websock)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=$1 conns=$2 inflight=$3
build=${4:-$root/build/bench}
duration=${DURATION:-5}
top=${TOP:-10}
server=${SERVER:-websock}
wsload=${WSLOAD:-$build/wsload}
source "$root/bench/lib.sh"
case $server in
  websock) cmd=("$build/tools/websock/websock" serve --port 0 --threads 1 -q) path=/echo raw=() ;;
  tcp) cmd=("$build/bench/peers/bench_tcp_echo" 0) path=/ raw=(--raw) ;;
esac
load() { taskset -c 1 "$wsload" -p "$port" -P "$path" "${raw[@]}" -c "$conns" -s "$size" -k "$inflight" "$@"; }

start_pinned 0 /tmp/websock-profile.out "${cmd[@]}"
load -d 1 -w 0 >/dev/null  # warm up
perf record -q -e cpu-clock -F 4999 -p "$pid" -o /tmp/websock-profile.data -- sleep "$duration" 2>/dev/null &
rec=$!
load -d "$duration" -w 0 | sed -n 's/^ *\(msgs\/s [0-9]*\).*/\1/p'
wait $rec || true
echo "top $top symbols, self time (perf record -e cpu-clock, $server, $size B x $conns x $inflight):"
perf report -q -i /tmp/websock-profile.data --no-children --sort symbol --percent-limit 0.5 2>/dev/null |
  grep -v "^$" | awk '{ sym = $3; for (i = 4; i <= NF && $i != "-"; ++i) sym = sym " " $i; printf "  %-8s %s %s\n", $1, $2, sym }' | head -n "$top"
kill $pid; wait $pid 2>/dev/null || true

# Syscalls per message: a fresh server started under strace -c -f (attaching is not allowed here),
# a fixed window, the server stopped; its handshakes are a few calls against millions.
strace -c -f -q -o /tmp/websock-profile.strace taskset -c 0 "${cmd[@]}" >/tmp/websock-profile.out 2>&1 &
tracer=$!
for _ in $(seq 100); do
  port=$(grep -o '127.0.0.1:[0-9]*' /tmp/websock-profile.out 2>/dev/null | head -1 | cut -d: -f2) && [ -n "$port" ] && break
  sleep 0.05
done
msgs=$(load -d "$duration" -w 0 --json | sed -n 's/.*"messages":\([0-9]*\).*/\1/p')
pkill -INT -P $tracer 2>/dev/null || true
kill -TERM $(pgrep -f "^${cmd[0]} " | head -1) 2>/dev/null || true
wait $tracer 2>/dev/null || true
echo "syscalls per echoed message under strace ($msgs messages):"
awk -v m="$msgs" '$1 ~ /^[0-9.]+$/ && NF >= 5 { name=$NF; calls=$4; if (calls ~ /^[0-9]+$/ && m > 0) printf "  %-16s %.3f\n", name, calls / m }' \
  /tmp/websock-profile.strace | sort -k2 -rn | head -8
