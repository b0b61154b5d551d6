#!/usr/bin/python3
"""examples/iis/chat_module.so, loaded by `websock iis`, against several Python websockets clients.

    chat_module_test.py WEBSOCK_BINARY CHAT_MODULE_SO

The module sends every text message to every member, the sender included. A client is known to
be in the room once its own "X joined" comes back to it (no sleeping: the server says so). Checks:
each member gets each message, and messages sent at the same time by three clients reach all
three in the same order; a long message (several of the module's reads) and one sent in
fragments arrive whole; a binary message is dropped; a client that closes gets its close
answered and one whose connection drops is gone, and neither disturbs the others; a message over
the module's 64 KiB limit closes its sender with 1009, and only it; a member that stops reading
is dropped and the others do not wait for it; SIGTERM with a member connected ends it and the host
exits 0.
"""
import asyncio
import socket
import sys

import iis_host
from iis_host import fail

TIMEOUT = 10


class Member:
    def __init__(self, name, ws):
        self.name, self.ws = name, ws

    async def expect(self, text):
        try:
            got = await asyncio.wait_for(self.ws.recv(), TIMEOUT)
        except asyncio.TimeoutError:
            fail(f"{self.name}: nothing within {TIMEOUT}s, expected {text[:40]!r}")
        if got != text:
            fail(f"{self.name}: got {got[:40]!r} ({len(got)} B), expected {text[:40]!r} ({len(text)} B)")


async def join(websockets, url, name, room):
    ws = await asyncio.wait_for(websockets.connect(f"{url}/chat", compression=None, max_size=None), TIMEOUT)
    m = Member(name, ws)
    await ws.send(f"{name} joined")
    for member in [m, *room]:
        await member.expect(f"{name} joined")
    room.append(m)
    return m


async def everyone_gets(room, text):
    for m in room:
        await m.expect(text)


async def same_order(room):
    """All send at once: each message reaches all, in one order."""
    await asyncio.gather(*(m.ws.send(f"at once from {m.name}") for m in room))
    seen = []
    for m in room:
        got = [await asyncio.wait_for(m.ws.recv(), TIMEOUT) for _ in room]
        if sorted(got) != sorted(f"at once from {x.name}" for x in room):
            fail(f"{m.name} got {got}")
        seen.append(got)
    if any(s != seen[0] for s in seen):
        fail(f"members saw the messages in different orders: {seen}")


async def client(websockets, url):
    room = []
    a = await join(websockets, url, "a", room)
    b = await join(websockets, url, "b", room)
    c = await join(websockets, url, "c", room)
    await same_order(room)

    long_text = "".join(chr(0x61 + i % 26) for i in range(10000)) + "é€"
    await b.ws.send(long_text)
    await everyone_gets(room, long_text)
    await c.ws.send(["in ", "three ", "fragments"])
    await everyone_gets(room, "in three fragments")
    await a.ws.send(b"\x00not chat")
    await a.ws.send("after the binary one")
    await everyone_gets(room, "after the binary one")

    # c leaves with a close: answered with its code; a and b go on.
    await asyncio.wait_for(c.ws.close(1000, "bye"), TIMEOUT)
    if c.ws.close_code != 1000:
        fail(f"c's close was answered with {c.ws.close_code}, expected 1000")
    room.remove(c)
    await a.ws.send("after c left")
    await everyone_gets(room, "after c left")

    # b's connection just goes (no close frame): a goes on, and d can join.
    b.ws.transport.abort()
    room.remove(b)
    await asyncio.wait_for(b.ws.wait_closed(), TIMEOUT)
    await a.ws.send("after b dropped")
    await everyone_gets(room, "after b dropped")
    d = await join(websockets, url, "d", room)

    # Too big: d is closed with 1009, a is not.
    await d.ws.send("x" * 70000)
    try:
        extra = await asyncio.wait_for(d.ws.recv(), TIMEOUT)
        fail(f"d got {extra[:40]!r} instead of its close")
    except websockets.ConnectionClosed:
        pass
    if d.ws.close_code != 1009:
        fail(f"d was closed with {d.ws.close_code}, expected 1009")
    room.remove(d)
    await a.ws.send("a is still here")
    await everyone_gets(room, "a is still here")

    await slow_member_is_dropped(websockets, url, room)
    e = await join(websockets, url, "e", room)
    await asyncio.wait_for(e.ws.close(1000), TIMEOUT)
    if e.ws.close_code != 1000:
        fail(f"e's close was answered with {e.ws.close_code}, expected 1000")
    room.remove(e)
    return room


async def slow_member_is_dropped(websockets, url, room):
    """z stops reading while a sends 18 MB through the room: several times what z's small receive
    buffer, the host's send buffer (at most 4 MiB here) and the module's 1 MiB queue hold, so z's
    connection is dropped; a gets every copy meanwhile."""
    a = room[0]
    z = await join(websockets, url, "z", room)
    # A fixed receive buffer: the kernel does not grow it while z does not read.
    z.ws.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    z.ws.transport.pause_reading()
    chunk = "s" * 60000
    sent = 300
    for _ in range(sent):
        await a.ws.send(chunk)
        await a.expect(chunk)
    z.ws.transport.resume_reading()
    received = 0
    try:
        while True:
            await asyncio.wait_for(z.ws.recv(), TIMEOUT)
            received += 1
    except websockets.ConnectionClosed:
        pass
    if received >= sent:
        fail("z got every message although it did not read: it was never dropped")
    room.remove(z)
    print(f"z, not reading, was dropped after {received} of {sent} messages", flush=True)
    await a.ws.send("after z")
    await everyone_gets(room, "after z")


async def stop_while_connected(websockets, host, room):
    """SIGTERM with a member still in the room: its connection ends, the host exits 0."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, host.stop)
    for m in room:
        try:
            extra = await asyncio.wait_for(m.ws.recv(), TIMEOUT)
            fail(f"{m.name} got {extra[:40]!r} after the host stopped")
        except websockets.ConnectionClosed:
            pass


async def session(websockets, host):
    room = await client(websockets, host.url)
    await stop_while_connected(websockets, host, room)


def main():
    websock, module = sys.argv[1], sys.argv[2]
    websockets = iis_host.need_python_websockets()
    with iis_host.Host(websock, [module]) as host:
        iis_host.run_async(session(websockets, host), 90, "the Python clients")


iis_host.run_test(main)
