#!/usr/bin/python3
"""The opening handshake refuses what RFC 6455 4.2.1 refuses, with the status it names, and never
reflects the peer's bytes into an answer (docs/audit.md, "Handshake refusals")."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from auditlib import (CheckFailed, Reader, connect, deadline, read_response,  # noqa: E402
                      require, upgrade_request, main_with_server)

MARK = "zq7MARKx"  # a string no answer of the server contains on its own


def exchange(srv, request):
    """Sends a raw request; the response (the server closes or delimits it)."""
    s = connect(srv.port)
    try:
        s.sendall(request)
        return read_response(Reader(s), deadline(10))
    finally:
        s.close()


def bad_key_is_400(srv):
    keys = ["", "not base64 !!", "AAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAA" * 2,
            "MDEyMzQ1Njc4OWFiY2Rl", "MDEyMzQ1Njc4OWFiY2RlZmc="]  # "", junk, 15 bytes, 36, 15, 17
    problems = []
    for key in keys:
        r = exchange(srv, upgrade_request(key=key))
        if r.status != 400:
            problems.append("key %r answered %d" % (key, r.status))
    lines = upgrade_request().split(b"\r\n")
    r = exchange(srv, b"\r\n".join(l for l in lines if not l.startswith(b"Sec-WebSocket-Key")))
    if r.status != 400:
        problems.append("no key answered %d" % r.status)
    require(not problems, "; ".join(problems))


def version_8_is_426_naming_13(srv):
    for version in ("8", "12", "14"):
        r = exchange(srv, upgrade_request(version=version))
        require(r.status == 426, "Sec-WebSocket-Version: %s answered %d" % (version, r.status))
        require(r.headers.get("sec-websocket-version") == "13",
                "426 names version %r" % r.headers.get("sec-websocket-version"))


def head_over_the_limit_is_431(srv):
    # 24 header lines of 1 KiB: 24 KiB of head, over the 16 KiB limit, under the count limit.
    filler = ["X-Fill-%d: %s" % (i, "a" * 1000) for i in range(24)]
    for request in (upgrade_request(extra=filler),
                    ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "\r\n".join(filler) + "\r\n\r\n").encode()):
        r = exchange(srv, request)
        require(r.status == 431, "a %d-byte head answered %d" % (len(request), r.status))


def peer_bytes_are_not_reflected(srv):
    weird = "<script>%s</script>" % MARK
    requests = [
        upgrade_request(path="/" + MARK),                                         # 404
        upgrade_request(key=MARK),                                                # 400
        upgrade_request(version=MARK),                                            # 426 or 400
        upgrade_request(extra=["Sec-WebSocket-Protocol: " + MARK]),               # 101, no protocol
        upgrade_request(extra=["Origin: http://" + MARK, "X-Weird: " + weird]),   # 101
        upgrade_request(extra=["X-Fill-%d: %s%s" % (i, MARK, "a" * 1000) for i in range(24)]),  # 431
        ("GET /%s?q=%s HTTP/1.1\r\nHost: %s\r\nX: %s\r\n\r\n" % (MARK, weird, MARK, weird)).encode(),
        ("GET /x%%0d%%0aSet-Cookie:%%20%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % MARK).encode(),
        ("%s / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % MARK).encode(),             # unknown method
        ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n\r\n" % MARK).encode(),      # no colon: 400
        ("GET /%s HTTP/9.%s\r\nHost: 127.0.0.1\r\n\r\n" % (MARK, MARK)).encode(),  # bad version
    ]
    problems = []
    for req in requests:
        s = connect(srv.port)
        try:
            s.sendall(req)
            r = Reader(s)
            try:
                # A 101 goes on as WebSocket: only its head is the answer to the request. Others
                # are read to their end as their framing delimits it (no wait for a close).
                resp = read_response(r, deadline(10))
                answer = resp.raw_head + resp.body
            except CheckFailed:
                answer = bytes(r.buf)  # closed without an answer: nothing reflected either
        finally:
            s.close()
        if MARK.encode() in answer or b"Set-Cookie" in answer:
            problems.append("%r... reflected in %r" % (req[:40], answer[:200]))
    require(not problems, "; ".join(problems))


CHECKS = [
    ("bad_key_is_400", bad_key_is_400, "B"),
    ("version_8_is_426_naming_13", version_8_is_426_naming_13, "B"),
    ("head_over_the_limit_is_431", head_over_the_limit_is_431, "B"),
    ("peer_bytes_are_not_reflected", peer_bytes_are_not_reflected, "B"),
]

if __name__ == "__main__":
    sys.exit(main_with_server("handshake", CHECKS))
