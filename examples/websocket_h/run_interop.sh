#!/usr/bin/env bash
# Runs a websocket.h example against python-websockets (Debian's python3-websockets, seen by
# /usr/bin/python3) on 127.0.0.1 with an ephemeral port, in bounded time.
#
#   run_interop.sh client <websocket_h_client>   our client vs the Python echo server
#   run_interop.sh server <websocket_h_server>   the Python client vs our server
set -euo pipefail
mode=$1
binary=$2
here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
work=$(mktemp -d)
peer=""
cleanup() {
  if [ -n "$peer" ] && kill -0 "$peer" 2>/dev/null; then kill "$peer" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Waits up to 10 s for the background peer to write its first line into $1.
wait_for_line() {
  for _ in $(seq 100); do
    if [ -s "$1" ] && grep -q . "$1"; then return 0; fi
    if ! kill -0 "$peer" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "run_interop: peer did not start" >&2
  cat "$work"/*.err >&2 || true
  return 1
}

case "$mode" in
  client)
    "$python" "$here/python/echo_server.py" --connections 2 --timeout 50 >"$work/port" 2>"$work/peer.err" &
    peer=$!
    wait_for_line "$work/port"
    port=$(head -n 1 "$work/port")
    status=0
    timeout 60 "$binary" "$port" || status=$?
    peer_status=0
    wait "$peer" || peer_status=$?
    peer=""
    cat "$work/peer.err" >&2
    echo "run_interop: client exit $status, python echo server exit $peer_status"
    [ "$status" -eq 0 ] && [ "$peer_status" -eq 0 ]
    ;;
  server)
    timeout 60 "$binary" 0 2 >"$work/out" 2>"$work/peer.err" &
    peer=$!
    wait_for_line "$work/out"
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/out" | head -n 1)
    status=0
    timeout 60 "$python" "$here/python/client.py" "$port" || status=$?
    server_status=0
    wait "$peer" || server_status=$?
    peer=""
    cat "$work/out"
    cat "$work/peer.err" >&2
    echo "run_interop: python client exit $status, server exit $server_status"
    [ "$status" -eq 0 ] && [ "$server_status" -eq 0 ]
    ;;
  *)
    echo "usage: $0 client|server <binary>" >&2
    exit 2
    ;;
esac
