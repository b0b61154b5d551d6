#!/usr/bin/python3
"""Random frames for 10 s over at most 200 connections (8 at a time) leave the server alive, its
frames well-formed, and a fresh echo served (docs/audit.md, "Survival").

Each connection streams mostly valid traffic (text of random UTF-8, binary, fragments with pings
between them, pongs) and corrupts a unit now and then, at a rate of its own: bit flips in a
header, reserved bits and opcodes, unmasked frames, bad UTF-8, long control frames, random close
payloads, huge announced lengths, raw garbage. One connection in ten sends a garbage request
head instead of an upgrade. AUDIT_SEED=N repeats a run.
"""

import os
import random
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from auditlib import (CheckFailed, FrameStream, connect, echo_works, frame,  # noqa: E402
                      main_with_server, note, require, ws_open)

DURATION = 10.0
CONNECTIONS = 200
CONCURRENT = 8
BATCH = 64 << 10   # bytes generated for a connection at a time


def random_text(rng, n):
    out = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.7:
            out.append(chr(rng.randrange(0x20, 0x7F)))
        elif kind < 0.85:
            out.append(chr(rng.randrange(0x80, 0x800)))
        elif kind < 0.95:
            c = rng.randrange(0x800, 0x10000)
            out.append(chr(c if not 0xD800 <= c < 0xE000 else 0xFFFD))
        else:
            out.append(chr(rng.randrange(0x10000, 0x110000)))
    return "".join(out).encode("utf-8")


def key(rng):
    return rng.randbytes(4)


def valid_unit(rng):
    kind = rng.random()
    if kind < 0.35:
        return frame(1, random_text(rng, rng.choice((0, 1, 10, 100, 1000, 5000))), key=key(rng))
    if kind < 0.6:
        return frame(2, rng.randbytes(rng.choice((0, 1, 125, 126, 1000, 65535, 65536))), key=key(rng))
    if kind < 0.75:
        return frame(rng.choice((9, 10)), rng.randbytes(rng.randrange(0, 126)), key=key(rng))
    # A fragmented message with control frames between its fragments.
    text = rng.random() < 0.5
    parts = []
    for i in range(rng.randrange(2, 12)):
        if rng.random() < 0.3:
            parts.append(frame(9, rng.randbytes(rng.randrange(0, 20)), key=key(rng)))
        payload = random_text(rng, rng.randrange(0, 50)) if text else rng.randbytes(rng.randrange(0, 300))
        parts.append(frame((1 if text else 2) if i == 0 else 0, payload, fin=False, key=key(rng)))
    parts.append(frame(0, b"", key=key(rng)))
    return b"".join(parts)


def corrupt_unit(rng):
    kind = rng.randrange(10)
    if kind == 0:  # a flipped bit in the first two header bytes
        f = bytearray(valid_unit(rng))
        f[rng.randrange(2)] ^= 1 << rng.randrange(8)
        return bytes(f)
    if kind == 1:
        return frame(rng.choice((1, 2, 9)), b"x", rsv=rng.randrange(1, 8), key=key(rng))
    if kind == 2:
        return frame(rng.choice((3, 4, 5, 6, 7, 11, 12, 13, 14, 15)), rng.randbytes(rng.randrange(10)), key=key(rng))
    if kind == 3:
        return frame(rng.choice((1, 2)), rng.randbytes(rng.randrange(50)), mask=False)
    if kind == 4:
        bad = rng.choice((b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82"))
        return frame(1, random_text(rng, 5) + bad + random_text(rng, 5), key=key(rng))
    if kind == 5:
        return frame(rng.choice((8, 9, 10)), rng.randbytes(rng.randrange(126, 300)), key=key(rng))
    if kind == 6:
        return frame(8, rng.randbytes(rng.randrange(0, 30)), key=key(rng))
    if kind == 7:  # a huge announced length, then whatever follows
        return bytes([0x82, 0xFF]) + struct.pack("!Q", rng.randrange(1 << 20, 1 << 63)) + key(rng) + rng.randbytes(100)
    if kind == 8:
        return frame(0, b"stray", key=key(rng)) if rng.random() < 0.5 else \
            frame(1, b"a", fin=False, key=key(rng)) + frame(2, b"b", key=key(rng))
    return rng.randbytes(rng.randrange(1, 200))


class Peer:
    def __init__(self, srv, rng):
        self.rng = rng
        self.rate = rng.choice((0.0, 0.01, 0.05, 0.2, 0.5))  # corruptions per unit
        self.out = bytearray()
        self.stream = FrameStream()
        self.bytes_in = 0
        self.budget = rng.choice((32 << 10, 256 << 10, 2 << 20, 8 << 20))  # then a close and our FIN
        self.written = 0
        self.finishing = False
        if rng.random() < 0.1:
            self.sock = connect(srv.port)
            self.ws = False
            self.out += rng.choice((b"GET ", b"GET /echo HTTP/1.1\r\n", b"")) + rng.randbytes(rng.randrange(1, 3000))
        else:
            self.sock, r = ws_open(srv.port)
            self.ws = True
            self.stream.feed(bytes(r.buf))
        self.sock.setblocking(False)

    def refill(self):
        if self.written >= self.budget or not self.ws:
            if self.ws:
                self.out += frame(8, struct.pack("!H", self.rng.choice((1000, 1001, 3000, 4999))), key=key(self.rng))
            self.finishing = True
            return
        while len(self.out) < BATCH:
            self.out += corrupt_unit(self.rng) if self.rng.random() < self.rate else valid_unit(self.rng)

    def write(self):
        """Bytes written; our FIN once the budget is spent (a server waiting for more sees the end)."""
        if not self.out:
            if self.finishing:
                return 0
            self.refill()
            if not self.out:
                self.sock.shutdown(socket.SHUT_WR)
                return 0
        try:
            n = self.sock.send(self.out)
        except BlockingIOError:
            return 0
        del self.out[:n]
        self.written += n
        if not self.out and self.finishing:
            self.sock.shutdown(socket.SHUT_WR)
        return n

    def read(self):
        """False once the server ended the connection."""
        try:
            chunk = self.sock.recv(1 << 16)
        except BlockingIOError:
            return True
        except ConnectionResetError:
            return False
        if not chunk:
            return False
        self.bytes_in += len(chunk)
        if self.ws:
            self.stream.feed(chunk)  # raises on a malformed server frame
        return True


def random_frames_leave_the_server_serving(srv):
    seed = int(os.environ.get("AUDIT_SEED", str(random.randrange(1 << 32))))
    rng = random.Random(seed)
    note("seed %d (AUDIT_SEED=%d repeats this run)" % (seed, seed))
    opened = 0
    live = []
    codes = {}
    sent = received = 0
    end = time.monotonic() + DURATION
    try:
        while time.monotonic() < end:
            while len(live) < CONCURRENT and opened < CONNECTIONS:
                live.append(Peer(srv, rng))
                opened += 1
            if not live:
                break
            writers = [p.sock for p in live if p.out or not p.finishing]
            r, w, _ = select.select([p.sock for p in live], writers, [], max(0.0, end - time.monotonic()))
            by_sock = {p.sock: p for p in live}
            for s in r:
                p = by_sock[s]
                try:
                    alive = p.read()
                except CheckFailed as e:
                    raise CheckFailed("the server sent a malformed frame: %s" % e)
                if not alive:
                    if p.ws:
                        codes[p.stream.close] = codes.get(p.stream.close, 0) + 1
                    received += p.bytes_in
                    live.remove(p)
                    p.sock.close()
            for s in w:
                p = by_sock[s]
                if p in live:
                    try:
                        sent += p.write()
                    except (BrokenPipeError, ConnectionResetError):
                        continue
    finally:
        for p in live:
            received += p.bytes_in
            p.sock.close()
    note("%d connections (%d still open at the end), server close codes %s, %.1f MB sent, %.1f MB received"
         % (opened, len(live), dict(sorted(codes.items(), key=lambda kv: str(kv[0]))), sent / 1e6, received / 1e6))
    require(srv.alive(), "the server died")
    echo_works(srv.port)


CHECKS = [
    ("random_frames_leave_the_server_serving", random_frames_leave_the_server_serving, "B"),
]

if __name__ == "__main__":
    sys.exit(main_with_server("survival", CHECKS))
