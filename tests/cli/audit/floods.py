#!/usr/bin/python3
"""Floods of tiny frames cost the server bounded memory and get an answer: a million one-byte
continuation frames, two hundred thousand pings (docs/audit.md, "Floods stay bounded")."""

import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from auditlib import (FrameStream, deadline, drain_until_close, echo_works, frame,  # noqa: E402
                      main_with_server, note, pump, require, ws_open)

FRAGMENTS = 1_000_000
PINGS = 200_000
PING_PAYLOAD = b"p" * 125           # the largest a control frame may carry: the most pong bytes
RSS_GROWTH_MB = 64


def close_politely(s, stream):
    try:
        s.sendall(frame(8, struct.pack("!H", 1000)))
    except OSError:
        return
    drain_until_close(s, stream, deadline(20))


def continuation_flood_stays_bounded(srv):
    s, r = ws_open(srv.port)
    try:
        stream = FrameStream()
        stream.feed(bytes(r.buf))
        mark = srv.memory_mark()
        data = frame(1, b"a", fin=False) + frame(0, b"a", fin=False) * (FRAGMENTS - 2) + frame(0, b"a")
        _, closed = pump(s, data, deadline(60), sink=stream.feed)
        if not closed:
            # The whole message is in: its echo comes, or the close that refused it.
            while not stream.data_frames and stream.close is None:
                drain_until_close_or_data(s, stream)
        growth = srv.growth_mb(mark)
        note("%d fragments: %s, server grew %.1f MB" % (
            FRAGMENTS, "echoed %d bytes" % stream.data_frames[0][1] if stream.data_frames else "close %s" % stream.close,
            growth))
        if stream.data_frames:
            op, n, _ = stream.data_frames[0]
            require(op == 1 and n == FRAGMENTS, "echo of opcode %d, %d bytes, not the %d-byte text" % (op, n, FRAGMENTS))
            close_politely(s, stream)
        else:
            require(stream.close is not None, "the connection ended without a close frame")
            require(stream.close in (1008, 1009), "closed with %d" % stream.close)
        require(growth < RSS_GROWTH_MB, "server RSS grew by %.0f MB for %d one-byte fragments" % (growth, FRAGMENTS))
    finally:
        s.close()
    echo_works(srv.port)


def drain_until_close_or_data(s, stream):
    s.settimeout(20)
    chunk = s.recv(1 << 16)
    require(chunk, "the server ended TCP without an answer")
    stream.feed(chunk)


def ping_flood_stays_bounded(srv):
    s, r = ws_open(srv.port)
    try:
        stream = FrameStream()
        stream.expected_pong = PING_PAYLOAD
        stream.feed(bytes(r.buf))
        mark = srv.memory_mark()
        block = frame(9, PING_PAYLOAD) * 1000  # written a block at a time, not a syscall per ping
        # First as a peer that reads nothing: the pongs pile up at the server until it stops
        # reading; then reading along, for the rest.
        sent, closed = pump(s, block, deadline(60), repeat=PINGS // 1000, stall=3)
        if not closed and sent < len(block) * (PINGS // 1000):
            note("the server stopped reading after %.1f MB of pings while their pongs went unread" % (sent / 1e6))
            sent, closed = pump(s, block, deadline(60), sink=stream.feed, repeat=PINGS // 1000, start=sent)
        if not closed:
            close_politely(s, stream)
        else:
            drain_until_close(s, stream, deadline(20))
        growth = srv.growth_mb(mark)
        note("%d pings: %d pongs, close %s, server grew %.1f MB" % (PINGS, stream.pongs, stream.close, growth))
        require(stream.bad_pongs == 0, "%d pongs did not carry the ping's payload" % stream.bad_pongs)
        if stream.close != 1000:
            require(stream.close is not None, "the connection ended without a close frame after %d pongs" % stream.pongs)
        else:
            require(stream.pongs == PINGS, "%d pongs for %d pings" % (stream.pongs, PINGS))
        require(growth < RSS_GROWTH_MB, "server RSS grew by %.0f MB for %d pings" % (growth, PINGS))
    finally:
        s.close()
    echo_works(srv.port)


CHECKS = [
    ("continuation_flood_stays_bounded", continuation_flood_stays_bounded, "B"),
    ("ping_flood_stays_bounded", ping_flood_stays_bounded, "B"),
]

if __name__ == "__main__":
    sys.exit(main_with_server("floods", CHECKS))
