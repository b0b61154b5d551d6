#!/usr/bin/python3
"""Slow peers hold only what they use: half-sent heads do not keep a fresh client from being
served promptly, and a client that sends but never reads makes the server stop reading
(docs/audit.md, "Slow peers").

The audit's Slowloris ran 5,000 half heads; 500 show the same (each one is a connection the
server must hold) and stay within the machine's descriptors and the suite's time.
"""

import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from auditlib import (connect, deadline, echo_works, http, main_with_server,  # noqa: E402
                      masked_fast, note, pump, require, ws_open)

HALF_HEADS = 500
PROMPT = 1.0                      # seconds a fresh client may wait behind the half heads
PUSH = 300 << 20                  # what the never-reading client tries to send
MESSAGE = 1 << 20
STALL = 2.0                       # the socket unwritable this long: the server stopped reading
RSS_LIMIT_MB = 200


def half_heads_do_not_delay_a_fresh_client(srv):
    halves = [b"GET / HT", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n",
              b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"]
    held = []
    try:
        for i in range(HALF_HEADS):
            s = connect(srv.port)
            s.sendall(halves[i % len(halves)])
            held.append(s)
        # The listener accepts in order: the fresh client comes after every half head.
        t0 = time.monotonic()
        echo_works(srv.port, end=t0 + 10)
        echo_time = time.monotonic() - t0
        t1 = time.monotonic()
        r = http(srv.port, "/")
        page_time = time.monotonic() - t1
        note("with %d half heads held: echo in %.3f s, page in %.3f s" % (HALF_HEADS, echo_time, page_time))
        require(r.status == 200, "the page answered %d" % r.status)
        require(echo_time < PROMPT and page_time < PROMPT,
                "a fresh client waited %.2f s (echo) and %.2f s (page)" % (echo_time, page_time))
    finally:
        for s in held:
            s.close()


def a_peer_that_never_reads_is_not_read_either(srv):
    s, _ = ws_open(srv.port, rcvbuf=64 << 10)
    try:
        mark = srv.memory_mark()
        payload = bytes(range(256)) * (MESSAGE // 256)
        head = bytes([0x82, 0xFF]) + MESSAGE.to_bytes(8, "big") + b"\x37\xfa\x21\x3d"
        data = head + masked_fast(payload)
        sent, closed = pump(s, data, deadline(60), repeat=PUSH // MESSAGE, stall=STALL)
        growth = srv.growth_mb(mark)
        note("the server stopped reading after %.0f MB of %d MB; it grew %.0f MB" % (sent / 1e6, PUSH >> 20, growth))
        require(not closed, "the server closed the connection instead of pausing it")
        require(sent < PUSH, "the server read all %d MB from a peer that reads nothing" % (PUSH >> 20))
        require(growth < RSS_LIMIT_MB, "server RSS grew by %.0f MB" % growth)
        # The paused connection holds no one else up.
        echo_works(srv.port)
    finally:
        s.close()


CHECKS = [
    ("half_heads_do_not_delay_a_fresh_client", half_heads_do_not_delay_a_fresh_client, "B"),
    ("a_peer_that_never_reads_is_not_read_either", a_peer_that_never_reads_is_not_read_either, "B"),
]


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 2 * HALF_HEADS + 100  # ours and, inherited, the server's
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    return main_with_server("slow_peers", CHECKS)


if __name__ == "__main__":
    sys.exit(main())
