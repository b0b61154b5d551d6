#!/usr/bin/python3
"""examples/iis/closes_first_module.so, loaded by `websock iis`, against Python websockets: the
server starts the closing handshake.

    closes_first_module_test.py WEBSOCK_BINARY CLOSES_FIRST_MODULE_SO

Checks, for two connections one after the other: the client receives the text message "closing
now", then the server's close 4000 with its reason; the client's answer (websockets echoes the
code) completes the handshake: the server, having waited for it, then ends the TCP connection
(the client does not have to give up waiting), and the next connection is served the same way.
"""
import asyncio
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


async def client(websockets, url):
    for n in (1, 2):
        await one_session(websockets, url, n)


def main():
    websock, module = sys.argv[1], sys.argv[2]
    websockets = iis_host.need_python_websockets()
    with iis_host.Host(websock, [module]) as host:
        iis_host.run_async(client(websockets, host.url), 60, "the Python client")


iis_host.run_test(main)
