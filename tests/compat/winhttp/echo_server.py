#!/usr/bin/python3
"""Python `websockets` (Debian's python3-websockets, 10.x API) as an echo server for run_examples.py.

    echo_server.py [--tls-cert CERT --tls-key KEY]

Binds 127.0.0.1 on a free port and prints "listening <port>" once it accepts connections. Every
path echoes each message back with its type; /reject refuses the upgrade with HTTP 403 and a short
text body (what the examples print for a refused upgrade). Runs until stdin reaches EOF or SIGTERM.
"""
import argparse
import asyncio
import http
import signal
import ssl
import sys
from urllib.parse import urlsplit

import websockets

REJECT_BODY = b"websock test server: no WebSocket at /reject\n"


async def refuse_reject_path(path, headers):
    if urlsplit(path).path == "/reject":
        return http.HTTPStatus.FORBIDDEN, [("Content-Type", "text/plain")], REJECT_BODY
    return None


async def echo(ws, path):
    try:
        async for message in ws:  # str for text, bytes for binary: sent back as it came
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass


async def serve(tls):
    stop = asyncio.get_running_loop().create_future()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    loop.add_reader(sys.stdin.fileno(), lambda: sys.stdin.buffer.read1(4096) or stop.done() or stop.set_result(None))
    async with websockets.serve(echo, "127.0.0.1", 0, ssl=tls, process_request=refuse_reject_path,
                                max_size=4 * 1024 * 1024) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening {port}", flush=True)
        await stop


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    a = ap.parse_args()
    tls = None
    if a.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(a.tls_cert, a.tls_key)
    asyncio.run(serve(tls))


if __name__ == "__main__":
    main()
