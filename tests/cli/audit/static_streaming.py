#!/usr/bin/python3
"""Static files are streamed from the file, not loaded: stalled readers of a 200 MB file cost the
server no memory; HEAD sends headers only; single byte ranges work (docs/audit.md, "Static files
are streamed")."""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from auditlib import (Reader, connect, deadline, echo_works, http, main_with_server,  # noqa: E402
                      note, parse_head, require)

BIG = 200 << 20     # sparse: no disk, no page cache worth speaking of
SMALL = bytes(range(256)) * 4
STALLED = 3
RSS_GROWTH_MB = 32


def file_is_streamed_not_loaded(srv):
    echo_works(srv.port)  # the server's loops and buffers have been used once
    mark = srv.memory_mark()
    held = []
    try:
        for _ in range(STALLED):
            s = connect(srv.port, rcvbuf=16 << 10)
            s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            held.append(s)
        for s in held:
            # The head arrives; then this client reads nothing more.
            status, headers = parse_head(Reader(s).until(b"\r\n\r\n", deadline(20)))
            require(status == 200 and headers.get("content-length") == str(BIG),
                    "stalled GET answered %d, Content-Length %s" % (status, headers.get("content-length")))
        for _ in range(STALLED):
            r = http(srv.port, "/big.bin", method="HEAD", timeout=20)
            require(r.status == 200, "HEAD answered %d" % r.status)
        # One more round trip: the server has been through its loops since the stalled writes.
        echo_works(srv.port)
        growth = srv.growth_mb(mark)
        note("%d stalled GETs and %d HEADs of %d MB: server grew %.1f MB" % (STALLED, STALLED, BIG >> 20, growth))
        require(growth < RSS_GROWTH_MB, "server RSS grew by %.0f MB with %d stalled GETs and %d HEADs of a %d MB file"
                % (growth, STALLED, STALLED, BIG >> 20))
    finally:
        for s in held:
            s.close()


def head_answers_headers_only(srv):
    s = connect(srv.port)
    try:
        s.sendall(b"HEAD /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        r = Reader(s)
        status, headers = parse_head(r.until(b"\r\n\r\n", deadline(20)))
        require(status == 200, "HEAD answered %d" % status)
        require(headers.get("content-length") == str(BIG), "HEAD Content-Length %s" % headers.get("content-length"))
        extra = r.rest(deadline(20))
        require(extra == b"", "HEAD sent %d body bytes" % len(extra))
    finally:
        s.close()


def range_gives_206_with_the_bytes(srv):
    r = http(srv.port, "/small.bin", headers=["Range: bytes=0-9"])
    require(r.status == 206, "Range: bytes=0-9 answered %d with %d bytes" % (r.status, len(r.body)))
    require(r.body == SMALL[:10], "206 body %r" % r.body[:20])
    require(r.headers.get("content-range") == "bytes 0-9/%d" % len(SMALL),
            "Content-Range %s" % r.headers.get("content-range"))
    r = http(srv.port, "/big.bin", headers=["Range: bytes=0-9"])
    require(r.status == 206 and r.body == b"\0" * 10, "big file range answered %d" % r.status)


def unsatisfiable_range_is_416(srv):
    r = http(srv.port, "/small.bin", headers=["Range: bytes=999999999999-"])
    require(r.status == 416, "Range: bytes=999999999999- answered %d with %d bytes" % (r.status, len(r.body)))
    require(r.headers.get("content-range") == "bytes */%d" % len(SMALL),
            "Content-Range %s" % r.headers.get("content-range"))


CHECKS = [
    ("file_is_streamed_not_loaded", file_is_streamed_not_loaded, "A"),
    ("range_gives_206_with_the_bytes", range_gives_206_with_the_bytes, "A"),
    ("unsatisfiable_range_is_416", unsatisfiable_range_is_416, "A"),
    ("head_answers_headers_only", head_answers_headers_only, "B"),
]


def main():
    with tempfile.TemporaryDirectory(prefix="websock-audit-") as root:
        with open(os.path.join(root, "big.bin"), "wb") as f:
            f.truncate(BIG)
        with open(os.path.join(root, "small.bin"), "wb") as f:
            f.write(SMALL)
        return main_with_server("static_streaming", CHECKS, ["--static", root])


if __name__ == "__main__":
    sys.exit(main())
