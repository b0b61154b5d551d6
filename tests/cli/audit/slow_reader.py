#!/usr/bin/python3
"""A response is not cut off by a total timeout: a client that reads a large static file slowly,
but steadily, receives all of it (docs/audit.md, "Responses are not cut off by a total timeout").

The old server dropped every HTTP connection 10 s after it was accepted. For that to show, the
server must still have bytes to send at 10 s beyond what the socket buffers hold (the sender's
buffer grows to tcp_wmem's maximum, 4 MiB by default): the client reads at a pace that would
take SECONDS, so by 10 s at most SIZE * 10 / SECONDS bytes have left the server, plus the
buffers. A larger file at a higher pace keeps the run short for the same margin.
"""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from auditlib import CheckFailed, Reader, connect, main_with_server, note, parse_head, require  # noqa: E402

SIZE = 64 << 20
SECONDS = 11.0                 # 10 s would be read by then: 58 MiB, 6 MiB short of the file
RATE = SIZE / SECONDS          # bytes per second the client allows itself (a token bucket)
STUCK = 10.0                   # no byte at all for this long: the server stopped sending


def slow_reader_receives_the_whole_file(srv):
    s = connect(srv.port, rcvbuf=8 << 10)
    try:
        t0 = time.monotonic()
        s.sendall(b"GET /slow.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        r = Reader(s)
        status, headers = parse_head(r.until(b"\r\n\r\n", t0 + STUCK))
        require(status == 200 and headers.get("content-length") == str(SIZE),
                "answered %d, Content-Length %s" % (status, headers.get("content-length")))
        got = len(r.buf)
        r.buf.clear()
        last = time.monotonic()
        while got < SIZE:
            now = time.monotonic()
            allowed = int(RATE * (now - t0)) - got
            if allowed <= 0:
                # Pacing, not synchronisation: the reader's own speed limit.
                time.sleep(min(0.02, -allowed / RATE + 0.001))
                continue
            s.settimeout(STUCK)
            try:
                chunk = s.recv(min(allowed, 1 << 16))
            except TimeoutError:
                raise CheckFailed("no byte for %.0f s after %d of %d" % (STUCK, got, SIZE))
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                raise CheckFailed("server closed after %d of %d bytes, %.1f s after the request"
                                  % (got, SIZE, time.monotonic() - t0))
            got += len(chunk)
            last = time.monotonic()
        elapsed = last - t0
        note("%d MiB in %.1f s" % (got >> 20, elapsed))
        require(got == SIZE, "received %d bytes, %d more than the file" % (got, got - SIZE))
        require(elapsed > 10.0, "the transfer took only %.1f s, not past the old 10 s cut" % elapsed)
        s.settimeout(STUCK)
        require(s.recv(1) == b"", "bytes after the body")
    finally:
        s.close()


CHECKS = [
    ("slow_reader_receives_the_whole_file", slow_reader_receives_the_whole_file, "A"),
]


def main():
    with tempfile.TemporaryDirectory(prefix="websock-audit-") as root:
        with open(os.path.join(root, "slow.bin"), "wb") as f:
            f.truncate(SIZE)
        return main_with_server("slow_reader", CHECKS, ["--static", root])


if __name__ == "__main__":
    sys.exit(main())
