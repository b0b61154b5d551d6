#!/usr/bin/env bash
# Builds Microsoft's own samples, unchanged, against include/win and the release libraries, and
# runs them: Samples/Websocket/cpp (websocket.h: Main.cpp, Transport.cpp, List.cpp) and
# Samples/WinhttpWebsocket/cpp/WinhttpWebsocket.cpp (WinHTTP, against a Python websockets echo
# on localhost:80, as the sample expects; needs root for port 80).
#
#   scripts/check_ms_samples.sh /path/to/Windows-classic-samples [build/release]
#
# The samples are Microsoft's code: they stay outside this repository (fetch a checkout yourself),
# which is why this is a script and not part of `make test`.
set -euo pipefail
samples=${1:?path to a Windows-classic-samples checkout}
build=${2:-build/release}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"; [[ -n "${echo_pid:-}" ]] && kill "$echo_pid" 2>/dev/null || true' EXIT
libs=("$build/src/compat/libwebsock_wmain.a" "$build/src/compat/libwebsock_winhttp.a" "$build/src/http/libwebsock_http.a"
      "$build/src/channel/libwebsock_channel.a" "$build/src/net/libwebsock_net.a" "$build/src/compat/libwebsock_compat.a"
      "$build/src/core/libwebsock_core.a" -lssl -lcrypto -lz -lpthread)
flags=(-std=c++20 -DUNICODE -D_UNICODE -Wno-unknown-pragmas -I"$root/include/win")

echo "== websocket.h sample"
g++ "${flags[@]}" "$samples"/Samples/Websocket/cpp/{Main,Transport,List}.cpp -o "$out/websocket_sample" "${libs[@]}"
# The sample's wmain returns 1 on success and 0 (after "Websocket failed with error") on failure.
status=0
"$out/websocket_sample" | tee "$out/websocket.out" || status=$?
if [[ $status -ne 1 ]] || grep -q "failed with error" "$out/websocket.out"; then
  echo "websocket.h sample failed (exit $status)"
  exit 1
fi

echo "== WinHTTP sample (localhost:80)"
g++ "${flags[@]}" "$samples/Samples/WinhttpWebsocket/cpp/WinhttpWebsocket.cpp" -o "$out/winhttp_sample" "${libs[@]}"
cat > "$out/echo80.py" <<'PY'
import asyncio, websockets
async def echo(ws):
    async for m in ws:
        await ws.send(m)
async def main():
    async with websockets.serve(echo, "localhost", 80):
        print("listening", flush=True)
        await asyncio.Future()
asyncio.run(main())
PY
/usr/bin/python3 "$out/echo80.py" > "$out/echo.out" 2>&1 &
echo_pid=$!
for _ in $(seq 50); do grep -q listening "$out/echo.out" 2>/dev/null && break; sleep 0.1; done
timeout 20 "$out/winhttp_sample"
