#!/usr/bin/env bash
# `websock serve` and `websock connect` as a person uses them: serve on a free port, echo through
# connect, chat broadcast, the demo page, a 404, and connect's failure exit codes.
set -euo pipefail
ws=$1
out=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$out"' EXIT

"$ws" serve --port 0 --threads 2 >"$out/serve.out" 2>"$out/serve.err" &
pid=$!
for _ in $(seq 100); do grep -q serving "$out/serve.out" 2>/dev/null && break; sleep 0.05; done
port=$(grep -o '127.0.0.1:[0-9]*' "$out/serve.out" | head -1 | cut -d: -f2)
[ -n "$port" ] || { echo "FAIL: serve printed no URL"; cat "$out/serve.err"; exit 1; }

fail() { echo "FAIL: $*"; exit 1; }

# Echo: every stdin line comes back, exit 0 after the close.
got=$(printf 'one\ntwo\n' | timeout 10 "$ws" connect "ws://127.0.0.1:$port/echo" 2>/dev/null)
[ "$got" = $'one\ntwo' ] || fail "echo returned '$got'"

# Chat: a listener sees what a second client says.
(sleep 3 | timeout 10 "$ws" connect "ws://127.0.0.1:$port/chat" >"$out/chat.out" 2>/dev/null) &
listener=$!
sleep 0.5
printf 'alice: hi\n' | timeout 10 "$ws" connect "ws://127.0.0.1:$port/chat" >/dev/null 2>&1
wait $listener || true
grep -q 'alice: hi' "$out/chat.out" || fail "chat broadcast not received"

# The demo page and a 404, over plain HTTP on the same port.
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
page=$(timeout 5 cat <&3)
exec 3>&-
grep -q '200 OK' <<<"$page" || fail "demo page status"
grep -q 'new WebSocket' <<<"$page" || fail "demo page body"
# RFC 9110 15.5.6: a method the page does not serve is 405 with Allow (it was 200 and the page).
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'zq7MARKx / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
other=$(timeout 5 cat <&3)
exec 3>&-
grep -q '405 Method Not Allowed' <<<"$other" || fail "unknown method on the page: $(head -1 <<<"$other")"
grep -qi '^Allow: GET, HEAD' <<<"$other" || fail "405 without Allow"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
grep -q '404 Not Found' <<<"$(timeout 5 cat <&3)" || fail "404"
exec 3>&-

# Failures: non-zero exit and a one-line reason.
if timeout 10 "$ws" connect "ws://127.0.0.1:$port/nope" </dev/null 2>"$out/err"; then fail "404 route exit 0"; fi
grep -q '404' "$out/err" || fail "404 reason: $(cat "$out/err")"
[ "$(wc -l <"$out/err")" -eq 1 ] || fail "reason is not one line"
if timeout 10 "$ws" connect "ws://127.0.0.1:1/" </dev/null 2>/dev/null; then fail "refused exit 0"; fi
if timeout 10 "$ws" connect "nonsense" </dev/null 2>/dev/null; then fail "bad URL exit 0"; fi

# Graceful stop on SIGTERM, with the connection events logged.
kill -TERM $pid
wait $pid || fail "serve exit status $?"
grep -q 'open #' "$out/serve.err" || fail "no open log line"
grep -q 'close #' "$out/serve.err" || fail "no close log line"
echo "1 passed, 0 failed"
