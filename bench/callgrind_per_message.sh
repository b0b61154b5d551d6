#!/usr/bin/env bash
# Instructions per echoed message of `websock serve`, counted by callgrind while the independent
# load generator drives it: repeatable where wall-clock numbers on this shared VM are not.
#   bench/callgrind_per_message.sh BUILD_DIR SIZE WSLOAD   (WSLOAD: ../shared/bench/wsload.cpp built)
# Prints messages echoed in the window, total instructions, and their ratio. The total includes
# start-up, 10 handshakes and the 0.5 s warm-up, so compare builds at the same size only.
set -euo pipefail
build=$1 size=$2 wsload=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out/cg.%p" "$build/tools/websock/websock" serve --port 0 --threads 1 -q \
  >"$out/log" 2>&1 &
pid=$!
port=""
for _ in $(seq 200); do
  port=$(grep -o '127.0.0.1:[0-9]*' "$out/log" | head -1 | cut -d: -f2) && [ -n "$port" ] && break
  sleep 0.1
done
"$wsload" -p "$port" -P /echo -c 10 -k 4 -s "$size" -d 4 -w 0.5 --json 2>/dev/null | sed -n 's/^JSON //p' >"$out/json"
kill -INT $pid
wait $pid 2>/dev/null || true
ir=$(callgrind_annotate "$out"/cg.* 2>/dev/null | grep -m1 "PROGRAM TOTALS" | awk '{gsub(",","",$1); print $1}')
python3 -c "import json,sys; m=json.load(open('$out/json'))['messages']; print('messages', m, 'instructions', $ir, 'per message', round($ir / m))"
