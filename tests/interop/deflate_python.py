#!/usr/bin/python3
"""permessage-deflate (RFC 7692) between websock and Python websockets, which offers and accepts it
by default, in both roles.

    deflate_python.py WEBSOCK_BIN

1. `websock serve --deflate` <- Python client: the answer names permessage-deflate, and JSON-like
   text, random binary (16 B to 256 KiB) and a fragmented message come back unchanged; the server's
   open line names the agreement.
1b. `websock serve --deflate --deflate-no-context-takeover --deflate-window-bits 10`: the answer
   asks both sides for no context takeover and 10-bit windows, and the same messages echo.
2. `websock serve` (no --deflate) <- Python client: the offer is declined, messages still echo.
3. Python server <- `websock connect --deflate`: "connected ..., permessage-deflate" and lines echo.
Everything on 127.0.0.1, each wait bounded; prints "deflate_python.py: ok" or "... FAIL: why".
"""
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import threading

try:
    import websockets
except ImportError:
    print("deflate_python.py: FAIL: python3-websockets is missing for /usr/bin/python3: run `make deps`")
    sys.exit(1)

WEBSOCK = sys.argv[1]


def fail(msg):
    print(f"deflate_python.py: FAIL: {msg}", flush=True)
    sys.exit(1)


class Serve:
    """`websock serve` on a free port; its stderr is collected (log lines)."""

    def __init__(self, *flags):
        self.p = subprocess.Popen([WEBSOCK, "serve", "--host", "127.0.0.1", "--port", "0", *flags],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.stop()
            fail(f"no address in {line!r}")
        self.port = int(m.group(1))
        self.log = []
        self.seen = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stderr:
            with self.seen:
                self.log.append(line)
                self.seen.notify_all()

    def wait_for_log(self, pattern, timeout=10):
        with self.seen:
            return self.seen.wait_for(lambda: any(re.search(pattern, l) for l in self.log), timeout)

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()


def messages():
    rng = random.Random(7)
    out = []
    for size in (0, 1, 16, 1024, 16 * 1024, 256 * 1024):
        text = json.dumps([{"user": f"u{rng.randrange(50)}", "temp": rng.randrange(400), "ok": True}
                           for _ in range(size // 40 + 1)])[:size]
        out.append(text)
        out.append(bytes(rng.randrange(256) for _ in range(size)))
    return out


async def echo_client(port, expect_deflate, expect_params=()):
    async with websockets.connect(f"ws://127.0.0.1:{port}/echo", max_size=None) as ws:
        answer = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        if expect_deflate != answer.startswith("permessage-deflate"):
            fail(f"Sec-WebSocket-Extensions answer {answer!r} (deflate expected: {expect_deflate})")
        params = sorted(p.strip() for p in answer.split(";")[1:])
        if expect_params and params != sorted(expect_params):
            fail(f"Sec-WebSocket-Extensions answer {answer!r}, expected parameters {sorted(expect_params)}")
        for m in messages():
            await ws.send(m)
            got = await asyncio.wait_for(ws.recv(), 10)
            if got != m:
                fail(f"a {type(m).__name__} message of {len(m)} bytes came back different")
        # A fragmented message: RSV1 on its first frame only, the rest continuations.
        parts = ["{\"part\":%d}" % i * 50 for i in range(5)]
        await ws.send(iter(parts))
        if await asyncio.wait_for(ws.recv(), 10) != "".join(parts):
            fail("the fragmented message came back different")
        await ws.close(1000)


async def python_server_case():
    async def echo(ws, path=None):
        async for m in ws:
            await ws.send(m)

    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        p = await asyncio.create_subprocess_exec(WEBSOCK, "connect", "--deflate", f"ws://127.0.0.1:{port}/",
                                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                 stderr=subprocess.PIPE)
        lines = [json.dumps({"n": i, "text": "hello " * 20}) for i in range(20)]
        p.stdin.write("".join(l + "\n" for l in lines).encode())
        await p.stdin.drain()
        got = []
        for _ in lines:
            got.append((await asyncio.wait_for(p.stdout.readline(), 10)).decode().rstrip("\n"))
        p.stdin.close()
        err = (await asyncio.wait_for(p.stderr.read(), 10)).decode()
        await asyncio.wait_for(p.wait(), 10)
        if got != lines:
            fail(f"websock connect got {got[:2]}... back, not the lines it sent")
        if "permessage-deflate" not in err:
            fail(f"websock connect did not report deflate: {err!r}")


def main():
    on = Serve("--deflate")
    try:
        asyncio.run(asyncio.wait_for(echo_client(on.port, True), 60))
        if not on.wait_for_log(r"open .*/echo permessage-deflate"):
            fail(f"the server's open line does not name the agreement: {on.log[-3:]}")
    finally:
        on.stop()
    levers = Serve("--deflate", "--deflate-no-context-takeover", "--deflate-window-bits", "10")
    try:
        asyncio.run(asyncio.wait_for(echo_client(levers.port, True, (
            "server_no_context_takeover", "client_no_context_takeover",
            "server_max_window_bits=10", "client_max_window_bits=10")), 60))
    finally:
        levers.stop()
    off = Serve()
    try:
        asyncio.run(asyncio.wait_for(echo_client(off.port, False), 60))
    finally:
        off.stop()
    asyncio.run(asyncio.wait_for(python_server_case(), 60))
    print("deflate_python.py: ok")


main()
