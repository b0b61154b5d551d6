#!/usr/bin/python3
"""Python `websockets` (Debian's python3-websockets, 10.x API) as the server for our interop_client.

    py_server.py [--tls-cert CERT --tls-key KEY]

Listens on 127.0.0.1 with a free port, prints "PORT <n>", serves until stdin reaches EOF. Routes:
    /echo              echoes every message; subprotocols websock.v2, websock.v1
    /fragecho?n=K      echoes every message split into K fragments (text split between characters)
    /cmd               "close <code> [reason]", "ping <payload>" (answers "pong <payload>" once the
                       pong is back), "closed <target>" ("<code> <reason>" of the last connection to
                       target that ended, or "none"), "subprotocol", "badutf8" (sends a text frame
                       that is not UTF-8)
    /reject            refused with HTTP 403
"""
import asyncio
import http
import ssl
import sys
from urllib.parse import parse_qs, urlsplit

import websockets
from websockets.frames import Opcode

closes = {}


async def process_request(path, headers):
    if urlsplit(path).path == "/reject":
        return http.HTTPStatus.FORBIDDEN, [], b"forbidden\n"
    return None


async def handler(ws, path):
    url = urlsplit(path)
    try:
        if url.path == "/echo":
            async for m in ws:
                await ws.send(m)
        elif url.path == "/fragecho":
            n = int(parse_qs(url.query).get("n", ["4"])[0])
            async for m in ws:
                step = max(1, -(-len(m) // n))
                parts = [m[i:i + step] for i in range(0, len(m), step)] or [m]
                while len(parts) < n:
                    parts.append(m[:0])
                await ws.send(parts)
        elif url.path == "/cmd":
            async for m in ws:
                word, _, rest = m.partition(" ")
                if word == "close":
                    code, _, reason = rest.partition(" ")
                    await ws.close(int(code), reason)
                elif word == "ping":
                    waiter = await ws.ping(rest.encode())
                    await waiter
                    await ws.send("pong " + rest)
                elif word == "closed":
                    await ws.send(closes.get(rest, "none"))
                elif word == "subprotocol":
                    await ws.send(ws.subprotocol or "")
                elif word == "badutf8":
                    await ws.write_frame(True, Opcode.TEXT, b"ok \xff\xfe")
                else:
                    await ws.send("error unknown command")
        else:
            await ws.close(1008, "no such route")
    except websockets.ConnectionClosed:
        pass
    finally:
        await ws.wait_closed()
        closes[path] = f"{ws.close_code} {ws.close_reason}"


async def main():
    args = sys.argv[1:]
    ctx = None
    if "--tls-cert" in args:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args[args.index("--tls-cert") + 1], args[args.index("--tls-key") + 1])
    server = await websockets.serve(handler, "127.0.0.1", 0, ssl=ctx, subprotocols=["websock.v2", "websock.v1"],
                                    process_request=process_request, max_size=32 << 20, ping_interval=None)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    loop = asyncio.get_running_loop()
    eof = asyncio.Event()
    loop.add_reader(sys.stdin.fileno(), lambda: (sys.stdin.buffer.raw.read(4096) or eof.set()))
    await eof.wait()
    server.close()
    await server.wait_closed()


asyncio.run(main())
