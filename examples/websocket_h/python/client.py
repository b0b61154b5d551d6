#!/usr/bin/python3
"""Client for the websocket.h server example, on python-websockets' asyncio API (10.x).

Connection 1: text, UTF-8, empty, binary up to 1 MiB, a fragmented message, a ping; every echo
must match, then a clean close that the server must echo with 1000. Connection 2: sends
"close-me" and expects the server to close first with 1000.

    client.py <port>
"""
import asyncio
import sys

import websockets


async def echo_session(uri: str) -> list:
    failures = []
    async with websockets.connect(uri, max_size=None, ping_interval=None) as ws:
        cases = [
            "Hello from python-websockets",
            "caf\u00e9 \u20ac \U0001F600",
            "",
            b"",
            bytes(range(256)) * 4,
            bytes((i * 7) & 0xFF for i in range(65536)),
            bytes((i * 13) & 0xFF for i in range(1 << 20)),
        ]
        for message in cases:
            await ws.send(message)
            echo = await asyncio.wait_for(ws.recv(), 20)
            if echo != message:
                failures.append(f"echo of {type(message).__name__} of {len(message)} differs")
        # A fragmented message (an iterable is sent as fragments) comes back whole.
        await ws.send(["frag", "mented ", "text"])
        echo = await asyncio.wait_for(ws.recv(), 20)
        if echo != "fragmented text":
            failures.append(f"fragmented echo was {echo!r}")
        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, 20)
        await ws.close(1000, "bye")
        if ws.close_code != 1000:
            failures.append(f"server answered close with {ws.close_code}")
    return failures


async def server_close_session(uri: str) -> list:
    failures = []
    async with websockets.connect(uri, ping_interval=None) as ws:
        await ws.send("close-me")
        try:
            await asyncio.wait_for(ws.recv(), 20)
            failures.append("server sent data instead of closing")
        except websockets.ConnectionClosedOK:
            pass
        if ws.close_code != 1000 or ws.close_reason != "server closing":
            failures.append(f"server closed with {ws.close_code} {ws.close_reason!r}")
    return failures


async def main() -> int:
    uri = f"ws://127.0.0.1:{int(sys.argv[1])}/"
    failures = await echo_session(uri)
    failures += await server_close_session(uri)
    for failure in failures:
        print("client.py: FAIL " + failure)
    print("client.py: " + ("all checks passed" if not failures else f"{len(failures)} failure(s)"))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
