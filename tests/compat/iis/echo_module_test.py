#!/usr/bin/python3
"""examples/iis/echo_module.so, loaded by `websock iis`, against Python websockets (a client
nobody here wrote), in bounded time.

    echo_module_test.py WEBSOCK_BINARY ECHO_MODULE_SO

Checks: a text and a binary message come back unchanged (the binary one is larger than the
module's 4 KiB buffer, so it goes out as several fragments: rule 61's one read and one write
pending at once, and inline completions, both happen); the client's close is answered with its
own code (rule 62); a non-upgrade request is answered 404 (no module finished it); SIGTERM
stops the host with status 0.
"""
import asyncio
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request


def fail(msg):
    print(f"echo_module_test.py: FAIL: {msg}", flush=True)
    sys.exit(1)


async def client(port):
    import websockets
    async with websockets.connect(f"ws://127.0.0.1:{port}/echo", compression=None, max_size=None) as ws:
        await ws.send("hello from python")
        if await asyncio.wait_for(ws.recv(), 10) != "hello from python":
            fail("text echo differs")
        blob = os.urandom(70000)
        await ws.send(blob)
        if await asyncio.wait_for(ws.recv(), 10) != blob:
            fail("binary echo differs")
        await ws.close(4001, "bye")
        if ws.close_code != 4001:
            fail(f"close answered with {ws.close_code}, expected the client's 4001")


def main():
    websock, module = sys.argv[1], sys.argv[2]
    host = subprocess.Popen([websock, "iis", "--module", module, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = host.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            fail(f"no address in {line!r}")
        port = int(m.group(1))
        asyncio.run(asyncio.wait_for(client(port), 30))
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/plain", timeout=10)
            fail("a plain request was answered 2xx")
        except urllib.error.HTTPError as e:
            if e.code != 404:
                fail(f"a plain request got {e.code}, expected 404")
        host.send_signal(signal.SIGTERM)
        if host.wait(timeout=20) != 0:
            fail(f"host exited with {host.returncode}")
    finally:
        if host.poll() is None:
            host.kill()
    print("echo_module_test.py: ok")


main()
