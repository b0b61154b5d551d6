#!/usr/bin/python3
"""Python `websockets` (Debian's python3-websockets) against pull_echo.

    client.py PORT

Sends text and binary messages of every size in SIZES, checks each echo byte for byte (and its
kind), then closes with 1000 and checks the server answered 1000. Exits 1 on the first mismatch.
"""
import asyncio
import random
import sys

import websockets

SIZES = [0, 1, 4095, 4096, 4097, 100 << 10, 1 << 20]   # around the echo's 4 KiB buffer, and big
rng = random.Random(6455)


def text_of(n):
    # One- to four-byte UTF-8 sequences, exactly n bytes, so the echo's 4 KiB pieces cut some.
    chunks = ["a", "é", "€", "😀"]
    out, size = [], 0
    while size < n:
        c = chunks[rng.randrange(4)]
        if size + len(c.encode()) > n:
            c = "z"
        out.append(c)
        size += len(c.encode())
    return "".join(out)


async def main(port):
    async with websockets.connect(f"ws://127.0.0.1:{port}/echo", max_size=None, ping_interval=None,
                                  open_timeout=10, close_timeout=10) as ws:
        for kind, make in (("text", text_of), ("binary", rng.randbytes)):
            for n in SIZES:
                msg = make(n)
                await ws.send(msg)
                got = await asyncio.wait_for(ws.recv(), 30)
                if type(got) is not type(msg):
                    sys.exit(f"client.py: {n} B {kind} came back as {type(got).__name__}")
                if got != msg:
                    sys.exit(f"client.py: {n} B {kind}: the echo differs")
                print(f"client.py: {n} B {kind} echoed", flush=True)
        await ws.close(1000)
        if ws.close_code != 1000:
            sys.exit(f"client.py: closed with 1000, the server answered {ws.close_code}")
    print("client.py: closed 1000, all echoes equal", flush=True)


asyncio.run(main(int(sys.argv[1])))
