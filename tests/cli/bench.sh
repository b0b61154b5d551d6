#!/usr/bin/env bash
# `websock bench` end to end: against `websock serve` (WebSocket) and against the plain TCP echo
# peer (--raw) it must count echoes and report them as a table and as JSON; against a server that
# corrupts its echoes it must notice and fail; against no server it must fail with one line; with
# --deflate JSON text must shrink on the wire and a declining server must fail the run; over TLS
# (wss:// to websock serve, tls:// --raw to the TLS echo peer) it must verify the server's
# certificate: trusted with --ca, refused without it.
set -euo pipefail
ws=$1
tcp_echo=$2
tls_echo=$3
out=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# $1 = log file: waits for "127.0.0.1:PORT" in it and prints PORT.
port_of() {
  for _ in $(seq 100); do
    grep -q '127.0.0.1:[0-9]' "$1" 2>/dev/null && break
    sleep 0.05
  done
  grep -o '127.0.0.1:[0-9]*' "$1" | head -1 | cut -d: -f2
}

json_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# 1. WebSocket echo through websock serve: the JSON report counts verified echoes, no errors.
"$ws" serve --port 0 --threads 1 -q >"$out/serve.out" 2>&1 &
pids+=($!)
port=$(port_of "$out/serve.out")
[ -n "$port" ] || fail "serve printed no URL"
timeout 30 "$ws" bench "ws://127.0.0.1:$port/echo" --connections 8 --size 100 --inflight 4 --duration 1 \
  --pid "${pids[0]}" --json >"$out/ws.json" 2>"$out/ws.err" || fail "bench ws exited $?: $(cat "$out/ws.err")"
[ "$(json_field "$out/ws.json" open)" = 8 ] || fail "not every connection opened"
[ "$(json_field "$out/ws.json" mismatches)" = 0 ] || fail "mismatched echoes"
[ "$(json_field "$out/ws.json" errors)" = 0 ] || fail "errors"
messages=$(json_field "$out/ws.json" messages)
[ "$messages" -gt 100 ] || fail "only $messages echoes in 1 s"
/usr/bin/python3 - "$out/ws.json" <<'PY' || fail "latency percentiles out of order or server CPU missing"
import json, sys
r = json.load(open(sys.argv[1]))
l = r["latency_us"]
assert 0 < l["p50"] <= l["p99"] <= l["p999"] <= l["max"], l
assert r["server_cpu_s"] >= 0 and r["server_cpu_us_per_msg"] > 0, r
PY
grep -q 'websock bench: *1 s' "$out/ws.err" || fail "no progress line while running"

# 2. The table form, large messages spanning many reads, several bench threads.
timeout 30 "$ws" bench "ws://127.0.0.1:$port/echo" -c 4 -s 200000 -k 2 -t 2 -d 1 >"$out/table.out" 2>/dev/null \
  || fail "bench table exited $?"
grep -q 'p99.9 us' "$out/table.out" || fail "table has no latency columns: $(cat "$out/table.out")"

# 3. Raw TCP mode against the plain echo peer.
"$tcp_echo" 0 >"$out/tcp.out" 2>&1 &
pids+=($!)
tport=$(port_of "$out/tcp.out")
[ -n "$tport" ] || fail "tcp echo did not start"
timeout 30 "$ws" bench "tcp://127.0.0.1:$tport" --raw -c 4 -s 16 -d 1 --json >"$out/raw.json" 2>/dev/null \
  || fail "bench raw exited $?"
[ "$(json_field "$out/raw.json" mismatches)" = 0 ] || fail "raw mismatches"
[ "$(json_field "$out/raw.json" messages)" -gt 100 ] || fail "raw: too few echoes"

# 4. A server that flips a bit in what it echoes: bench must report mismatches and exit 1.
/usr/bin/python3 - >"$out/bad.out" 2>&1 <<'PY' &
import socket, threading
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen()
print("listening on 127.0.0.1:%d" % srv.getsockname()[1], flush=True)
def serve(c):
    while data := c.recv(65536):
        c.sendall(bytes(b ^ 1 for b in data))
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
PY
pids+=($!)
bport=$(port_of "$out/bad.out")
[ -n "$bport" ] || fail "corrupting peer did not start"
set +e
timeout 30 "$ws" bench "tcp://127.0.0.1:$bport" --raw -c 2 -s 16 -d 1 >/dev/null 2>"$out/bad.err"
status=$?
set -e
[ "$status" = 1 ] || fail "corrupted echoes: exit $status, expected 1"
grep -q 'differed' "$out/bad.err" || fail "corrupted echoes not reported: $(cat "$out/bad.err")"

# 5. Nothing listening: a non-zero exit and a one-line reason.
closed=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
set +e
timeout 30 "$ws" bench "ws://127.0.0.1:$closed/echo" -c 2 -d 1 >/dev/null 2>"$out/none.err"
status=$?
set -e
[ "$status" != 0 ] || fail "bench against a closed port exited 0"
grep -q 'FAILED' "$out/none.err" || fail "no reason given: $(cat "$out/none.err")"
# 6. Bad arguments are refused before anything is opened.
if "$ws" bench "ws://127.0.0.1:1/" --ca /dev/null -d 1 >/dev/null 2>&1; then fail "--ca without TLS accepted"; fi
if "$ws" bench "tcp://127.0.0.1:1" --raw --deflate -d 1 >/dev/null 2>&1; then fail "--raw --deflate accepted"; fi
if "$ws" bench "ws://127.0.0.1:1/" --payload lorem -d 1 >/dev/null 2>&1; then fail "--payload lorem accepted"; fi
if "$ws" serve --deflate --deflate-window-bits 7 >/dev/null 2>&1; then fail "serve accepted 7 window bits"; fi
if "$ws" serve --deflate --deflate-memory-level 10 >/dev/null 2>&1; then fail "serve accepted memory level 10"; fi

# 7. permessage-deflate (RFC 7692): JSON-like text through `websock serve --deflate` is echoed exactly and
# crosses the wire in well under half its size; random bytes do not compress; a server that declines the
# offer fails the run with its reason.
"$ws" serve --port 0 --threads 1 -q --deflate >"$out/serve_deflate.out" 2>&1 &
pids+=($!)
dport=$(port_of "$out/serve_deflate.out")
[ -n "$dport" ] || fail "serve --deflate printed no URL"
for payload in json random; do
  timeout 30 "$ws" bench "ws://127.0.0.1:$dport/echo" --deflate --payload $payload -c 4 -s 1024 -k 1 -d 1 --json \
    >"$out/deflate_$payload.json" 2>"$out/deflate_$payload.err" \
    || fail "bench --deflate --payload $payload exited $?: $(cat "$out/deflate_$payload.err")"
  /usr/bin/python3 - "$out/deflate_$payload.json" $payload <<'PY' || fail "deflate $payload: $(cat "$out/deflate_$payload.json")"
import json, sys
r, payload = json.load(open(sys.argv[1])), sys.argv[2]
assert r["deflate"] is True and r["payload"] == payload, r
assert r["open"] == 4 and r["mismatches"] == 0 and r["errors"] == 0 and r["messages"] > 100, r
ratio = r["wire_bytes"] / (r["messages"] * r["size"])
# JSON compresses to a fraction; random bytes cost at least their size (deflate cannot shrink them).
assert (ratio < 0.5) if payload == "json" else (ratio > 1.0), (payload, ratio)
PY
done
# --deflate-min-size: 100-byte messages under a 1000-byte threshold go out as they are (RSV1 clear).
"$ws" serve --port 0 --threads 1 -q --deflate --deflate-min-size 1000 >"$out/serve_min.out" 2>&1 &
pids+=($!)
mport=$(port_of "$out/serve_min.out")
[ -n "$mport" ] || fail "serve --deflate-min-size printed no URL"
timeout 30 "$ws" bench "ws://127.0.0.1:$mport/echo" --deflate --payload json -c 2 -s 100 -d 1 --json \
  >"$out/min.json" 2>/dev/null || fail "bench against --deflate-min-size exited $?"
/usr/bin/python3 - "$out/min.json" <<'PY' || fail "--deflate-min-size: $(cat "$out/min.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["mismatches"] == 0 and r["errors"] == 0 and r["messages"] > 100, r
# Each 100-byte echo arrives whole plus its 2-byte header: nothing was compressed (compressed, this
# JSON takes well under half of that).
assert r["wire_bytes"] >= r["messages"] * 102, (r["wire_bytes"], r["messages"])
PY
set +e
timeout 30 "$ws" bench "ws://127.0.0.1:$port/echo" --deflate -c 1 -d 1 >/dev/null 2>"$out/declined.err"
status=$?
set -e
[ "$status" != 0 ] || fail "bench --deflate against a server without it exited 0"
grep -q 'declined permessage-deflate' "$out/declined.err" || fail "no reason given: $(cat "$out/declined.err")"

# 8. TLS, with a throwaway certificate for 127.0.0.1 trusted through --ca: wss:// through websock serve,
# raw tls:// through the TLS echo peer (small messages, and large ones that fill the socket so the peer
# has to keep what SSL_write could not send); without --ca the certificate is refused.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -days 1 -keyout "$out/key.pem" -out "$out/cert.pem" 2>"$out/openssl.err" \
  || fail "openssl could not make a certificate: $(cat "$out/openssl.err")"
"$ws" serve --port 0 --threads 1 -q --tls-cert "$out/cert.pem" --tls-key "$out/key.pem" >"$out/serve_tls.out" 2>&1 &
pids+=($!)
sport=$(port_of "$out/serve_tls.out")
[ -n "$sport" ] || fail "serve --tls-cert printed no URL"
"$tls_echo" "$out/cert.pem" "$out/key.pem" 0 >"$out/tls_echo.out" 2>&1 &
pids+=($!)
lport=$(port_of "$out/tls_echo.out")
[ -n "$lport" ] || fail "tls echo did not start: $(cat "$out/tls_echo.out")"
tls_run() {  # $1 = name, then the bench arguments: must open 4, echo > 100 exactly, no errors
  local name=$1
  shift
  timeout 30 "$ws" bench "$@" --ca "$out/cert.pem" -c 4 -d 1 --json >"$out/$name.json" 2>"$out/$name.err" \
    || fail "bench $name exited $?: $(cat "$out/$name.err")"
  /usr/bin/python3 - "$out/$name.json" <<'PY' || fail "$name: $(cat "$out/$name.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["open"] == 4 and r["mismatches"] == 0 and r["errors"] == 0 and r["messages"] > 100, r
PY
}
tls_run wss "wss://127.0.0.1:$sport/echo" -s 1024 -k 4
tls_run tls_raw "tls://127.0.0.1:$lport" --raw -s 1024 -k 16
tls_run tls_raw_large "tls://127.0.0.1:$lport" --raw -s 200000 -k 4
for url in "wss://127.0.0.1:$sport/echo" "tls://127.0.0.1:$lport --raw"; do
  set +e
  # shellcheck disable=SC2086  # the URL and --raw
  timeout 30 "$ws" bench $url -c 1 -d 1 >/dev/null 2>"$out/untrusted.err"
  status=$?
  set -e
  [ "$status" = 1 ] || fail "$url without --ca: exit $status, expected 1"
  grep -q 'certificate verify failed' "$out/untrusted.err" || fail "$url without --ca: $(cat "$out/untrusted.err")"
done

echo "websock bench: ws $messages echoes in 1 s; raw, corrupted-echo, no-server, deflate and TLS cases as expected"
