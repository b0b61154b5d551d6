#!/usr/bin/python3
"""Python `websockets` (Debian's python3-websockets, 10.x API) as the client of our interop_server.

    py_client.py BASE_URL [CA_FILE]      e.g. ws://127.0.0.1:PORT or wss://127.0.0.1:PORT CA.pem

Runs every case, prints one line per case and "N passed, N failed"; exits 1 if any failed.
"""
import asyncio
import os
import random
import ssl
import sys
import time

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatusCode

BASE = sys.argv[1]
CA = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None
SSL = None
if BASE.startswith("wss:"):
    SSL = ssl.create_default_context(cafile=CA)   # verification and host-name check on
SIZES = [0, 1, 125, 126, 127, 65535, 65536, 65537, 1 << 20, 16 << 20]
rng = random.Random(6455)


def connect(path, **kw):
    kw.setdefault("max_size", 32 << 20)
    kw.setdefault("ping_interval", None)     # no pings of websockets' own in the middle of a case
    kw.setdefault("open_timeout", 10)
    kw.setdefault("close_timeout", 10)
    return websockets.connect(BASE + path, ssl=SSL, **kw)


def text_of(n):
    # Mixes one-, two-, three- and four-byte UTF-8 sequences; exactly n bytes.
    chunks = ["a", "é", "€", "😀"]
    out, size = [], 0
    while size < n:
        c = chunks[rng.randrange(4)]
        if size + len(c.encode()) > n:
            c = "z"
        out.append(c)
        size += len(c.encode())
    return "".join(out)


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


async def recv(ws, timeout=30):
    return await asyncio.wait_for(ws.recv(), timeout)


async def command(ws, cmd):
    await ws.send(cmd)
    return await recv(ws)


async def closed_as(target):
    """What our server's on_close saw for the connection to target (it may land a moment later)."""
    async with connect("/cmd") as q:
        deadline = time.monotonic() + 5
        while True:
            r = await command(q, "closed " + target)
            if r != "none" or time.monotonic() > deadline:
                return r
            await asyncio.sleep(0.05)


# ---------------------------------------------------------------------------------------- cases

async def case_text_sizes():
    async with connect("/echo") as ws:
        for n in SIZES:
            msg = text_of(n)
            await ws.send(msg)
            got = await recv(ws)
            check(isinstance(got, str), f"{n} B text came back as {type(got).__name__}")
            check(got == msg, f"{n} B text: echo differs (len {len(got.encode())})")


async def case_binary_sizes():
    async with connect("/echo") as ws:
        for n in SIZES:
            msg = rng.randbytes(n)
            await ws.send(msg)
            got = await recv(ws)
            check(isinstance(got, bytes), f"{n} B binary came back as {type(got).__name__}")
            check(got == msg, f"{n} B binary: echo differs (len {len(got)})")


async def case_pipelined_small():
    async with connect("/echo") as ws:
        msgs = [f"m{i}" for i in range(1000)]
        for m in msgs:
            await ws.send(m)
        got = [await recv(ws) for _ in msgs]
        check(got == msgs, "1000 pipelined messages: echoes out of order or altered")


async def case_fragmented_text():
    async with connect("/echo") as ws:
        parts = ["frag-", "ment", "", "ed ", "é€😀", " text"]
        await ws.send(parts)                      # websockets sends one frame per part
        got = await recv(ws)
        check(got == "".join(parts), f"fragmented text echo: {got!r}")
        # A UTF-8 sequence split across two fragments is still valid text (raw frames).
        await ws.write_frame(False, websockets.frames.Opcode.TEXT, b"x\xe2")
        await ws.write_frame(False, websockets.frames.Opcode.CONT, b"\x82")
        await ws.write_frame(True, websockets.frames.Opcode.CONT, b"\xacy")
        got = await recv(ws)
        check(got == "x€y", f"euro sign split over three fragments: {got!r}")


async def case_fragmented_binary():
    async with connect("/echo") as ws:
        parts = [rng.randbytes(n) for n in (1, 0, 125, 70000, 3)]
        await ws.send(parts)
        check(await recv(ws) == b"".join(parts), "fragmented binary echo differs")
        big = [rng.randbytes(1 << 20) for _ in range(16)]   # 16 MiB in 16 fragments
        await ws.send(big)
        check(await recv(ws, 60) == b"".join(big), "16 MiB binary in 16 fragments: echo differs")


async def case_fragments_interleaved_with_ping():
    # A ping between two fragments of a message must be answered in the middle of it.
    async with connect("/echo") as ws:
        async def parts():
            yield "first half, "
            pong = await ws.ping(b"mid-message")
            await asyncio.wait_for(pong, 10)
            yield "second half"
        await ws.send(parts())
        check(await recv(ws) == "first half, second half", "message around a ping")


async def case_client_ping():
    payloads = (b"", b"hello", bytes(range(125)))
    async with connect("/echo?ping=1") as ws:
        for payload in payloads:
            pong = await ws.ping(payload)
            await asyncio.wait_for(pong, 10)      # resolves only for a pong with this payload
    async with connect("/cmd") as q:
        r = await command(q, "pinged /echo?ping=1")
        want = "".join(f"[{p.decode()}]" for p in payloads)
        check(r == want, f"server's on_ping saw {r!r}, expected {want!r}")


async def case_server_ping():
    async with connect("/cmd") as ws:
        r = await command(ws, "ping are-you-there")
        # websockets answers the ping by itself; our server reports the pong it got.
        check(r == "pong are-you-there", f"server ping: {r!r}")


async def case_client_close_codes():
    for code, reason in [(1000, ""), (1000, "bye"), (1001, "going away"), (3000, "registered"),
                         (4000, "private é€😀"), (4999, "r" * 123)]:
        target = f"/echo?close={code}-{len(reason)}"
        ws = await connect(target)
        await ws.send("x")
        await recv(ws)
        await ws.close(code, reason)
        check(ws.close_code == code, f"client close {code}: the server answered with {ws.close_code}")
        seen = await closed_as(target)
        check(seen == f"{code} {reason}", f"client close {code} {reason!r}: server's on_close saw {seen!r}")
    # A close frame without a code: the server reports 1005.
    ws = await connect("/echo?close=empty")
    await ws.write_close_frame(websockets.frames.Close(1005, ""), b"")   # a close frame with no body
    await asyncio.wait_for(ws.wait_closed(), 10)
    check(ws.close_code == 1005, f"empty close: the server answered {ws.close_code}, expected an empty close (1005)")
    seen = await closed_as("/echo?close=empty")
    check(seen == "1005 ", f"empty close: server saw {seen!r}")


async def case_server_close_codes():
    for code, reason in [(1000, ""), (1000, "done"), (1001, "shutting down"), (1008, "policy"),
                         (1011, "oops"), (4001, "app é€😀"), (3999, "r" * 123)]:
        ws = await connect("/cmd")
        await ws.send(f"close {code} {reason}".rstrip() if reason else f"close {code}")
        try:
            extra = await recv(ws, 10)
            raise AssertionError(f"server close {code}: got a message {extra!r} instead of the close")
        except ConnectionClosed:
            pass
        await ws.wait_closed()
        check(ws.close_code == code, f"server close {code}: client saw code {ws.close_code}")
        check(ws.close_reason == reason, f"server close {code}: client saw reason {ws.close_reason!r}")


async def case_server_refuses_bad_close():
    # Closing with a code that may not go on the wire is refused by our API, not sent.
    async with connect("/cmd") as ws:
        r = await command(ws, "close 1005 nope")
        check(r.startswith("error"), f"close 1005 should be refused by the API, got {r!r}")
        check(ws.open, "connection should stay open")


async def case_subprotocols():
    async with connect("/echo", subprotocols=["websock.v1"]) as ws:
        check(ws.subprotocol == "websock.v1", f"offered v1: got {ws.subprotocol!r}")
    async with connect("/echo", subprotocols=["websock.v1", "websock.v2"]) as ws:
        check(ws.subprotocol == "websock.v2", f"server prefers v2: got {ws.subprotocol!r}")
    async with connect("/echo", subprotocols=["other", "websock.v1"]) as ws:
        check(ws.subprotocol == "websock.v1", f"other,v1: got {ws.subprotocol!r}")
    async with connect("/cmd", subprotocols=["websock.v1"]) as ws:
        check(await command(ws, "subprotocol") == "websock.v1", "server-side subprotocol() differs")
    async with connect("/echo") as ws:
        check(ws.subprotocol is None, f"nothing offered: got {ws.subprotocol!r}")
        # The server must not send the header when nothing was offered.
        check("Sec-WebSocket-Protocol" not in ws.response_headers, "unexpected Sec-WebSocket-Protocol")
    async with connect("/echo", subprotocols=["unknown"]) as ws:
        check(ws.subprotocol is None, f"unknown offered: got {ws.subprotocol!r}")


async def case_refused_upgrades():
    for path, status in [("/reject", 403), ("/nope", 404)]:
        try:
            async with connect(path):
                raise AssertionError(f"{path}: upgrade accepted")
        except InvalidStatusCode as e:
            check(e.status_code == status, f"{path}: status {e.status_code}, expected {status}")


async def case_many_connections():
    conns = await asyncio.gather(*(connect("/echo") for _ in range(50)))
    await asyncio.gather(*(c.send(f"c{i}") for i, c in enumerate(conns)))
    got = await asyncio.gather(*(recv(c) for c in conns))
    check(got == [f"c{i}" for i in range(50)], "50 concurrent connections: wrong echoes")
    await asyncio.gather(*(c.close() for c in conns))
    check(all(c.close_code == 1000 for c in conns), "50 connections: not all closed with 1000")


async def case_invalid_utf8_from_client():
    # A text frame that is not UTF-8 must close the connection with 1007.
    ws = await connect("/echo")
    await ws.write_frame(True, websockets.frames.Opcode.TEXT, b"\xff\xfe")
    try:
        await recv(ws, 10)
        raise AssertionError("invalid UTF-8 was echoed")
    except ConnectionClosed:
        pass
    check(ws.close_code == 1007, f"invalid UTF-8: close code {ws.close_code}, expected 1007")


CASES = [v for k, v in list(globals().items()) if k.startswith("case_")]


async def main():
    passed = failed = 0
    for case in CASES:
        name = case.__name__[5:]
        t0 = time.monotonic()
        try:
            await asyncio.wait_for(case(), 90)
            passed += 1
            print(f"ok   {name} ({time.monotonic() - t0:.2f}s)", flush=True)
        except BaseException as e:  # noqa: BLE001 - report and go on to the next case
            if isinstance(e, KeyboardInterrupt):
                raise
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
    print(f"python websockets {websockets.__version__} client vs websock server ({BASE.split(':')[0]}): "
          f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


sys.exit(asyncio.run(main()))
