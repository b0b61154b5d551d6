#!/usr/bin/python3
"""examples/iis/closes_first_module.so, loaded by `websock iis`, against Python websockets: the
server starts the closing handshake.

    closes_first_module_test.py WEBSOCK_BINARY CLOSES_FIRST_MODULE_SO

Checks, for two connections one after the other: the client receives the text message "closing
now", then the server's close 4000 with its reason; the client's answer (websockets echoes the
code) completes the handshake: the server, having waited for it, then ends the TCP connection
(the client does not have to give up waiting), and the next connection is served the same way.
Between them, a raw client that never answers the close is disconnected by the host's close
timeout (the module's read fails and it finishes the request).
"""
import asyncio
import base64
import os
import socket
import sys

import iis_host
from iis_host import fail

TIMEOUT = 10


async def one_session(websockets, url, n):
    # close_timeout longer than our own wait: a server that never ends the TCP connection fails
    # the wait below instead of being cut off by the client.
    ws = await asyncio.wait_for(websockets.connect(f"{url}/closes-first", compression=None, close_timeout=60),
                                TIMEOUT)
    try:
        message = await asyncio.wait_for(ws.recv(), TIMEOUT)
        if message != "closing now":
            fail(f"session {n}: first message {message!r}, expected 'closing now'")
        try:
            extra = await asyncio.wait_for(ws.recv(), TIMEOUT)
            fail(f"session {n}: a second message {extra!r} instead of the close")
        except websockets.ConnectionClosed:
            pass
        # The server's TCP end, after our answer.
        await asyncio.wait_for(ws.wait_closed(), TIMEOUT)
    finally:
        ws.transport.abort()
    if ws.close_rcvd is None or ws.close_rcvd.code != 4000 or ws.close_rcvd.reason != "the server closes first":
        fail(f"session {n}: received close {ws.close_rcvd}, expected 4000 'the server closes first'")
    if not ws.close_rcvd_then_sent or ws.close_sent is None:
        fail(f"session {n}: the client did not answer the server's close (sent {ws.close_sent})")
    print(f"session {n}: 'closing now', close {ws.close_rcvd.code} {ws.close_rcvd.reason!r} answered", flush=True)


def client_never_answers(port):
    """A raw client that reads the message and the close but never answers: the host gives up
    after its close timeout (5 s) and ends the connection; the module's pending read fails and
    it finishes the request (the next session would wait on nothing otherwise)."""
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.sendall(f"GET /closes-first HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
        s.settimeout(3 * TIMEOUT)
        received = b""
        try:
            while chunk := s.recv(65536):
                received += chunk
        except socket.timeout:
            fail(f"the server did not end a connection whose client never answered within {3 * TIMEOUT}s")
    close = b"\x88\x19" + (4000).to_bytes(2, "big") + b"the server closes first"
    if not received.endswith(b"\x81\x0bclosing now" + close):
        fail(f"the unanswering client got {received[-80:]!r}")
    print("a client that never answered was disconnected", flush=True)


async def client(websockets, url, port):
    await one_session(websockets, url, 1)
    await asyncio.get_running_loop().run_in_executor(None, client_never_answers, port)
    await one_session(websockets, url, 2)


def main():
    websock, module = sys.argv[1], sys.argv[2]
    websockets = iis_host.need_python_websockets()
    with iis_host.Host(websock, [module]) as host:
        iis_host.run_async(client(websockets, host.url, host.port), 60, "the Python clients")


iis_host.run_test(main)
