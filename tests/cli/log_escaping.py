#!/usr/bin/python3
"""Issue 9 defect 4 through `websock serve`: peer bytes reach its log escaped and cut, never raw.

    log_escaping.py WEBSOCK_BIN

A client with an 8 KB request target closes with the reason "bye\\n[warn] forged\\x1b[2J"; another,
on `serve --unix`, connects from a socket whose own path holds a newline. Every stderr line must
be one of ours ("[level] ..."), none forged, none longer than 1 KB, with no raw control byte, and
the close line must show the reason escaped. Exits 1 with one FAIL line per broken rule.
"""
import os
import re
import sys
import tempfile

import raw_ws

WEBSOCK = sys.argv[1]
FORGED = b"bye\n[warn] forged\x1b[2J"
TARGET = "/echo?t=" + "t" * 8000
LINE = re.compile(rb"^\[(debug|info|warn|error)\] [\x20-\x7e]*$")

failures = []


def fail(msg):
    print("FAIL:", msg, flush=True)
    failures.append(msg)


def close_with(address, target, reason, bind=None):
    """Opens, closes with 1000 and `reason`, waits for the server's close reply, hangs up."""
    s = raw_ws.connect(address, target, bind=bind)
    s.sendall(raw_ws.close_frame(1000, reason))
    r = raw_ws.reader(s)
    while r.next()[0] != 0x8:
        pass
    s.close()


def dump(err):
    return "\n".join(l[:160].decode(errors="replace") for l in err.split(b"\n")[:20])


def check_lines(what, err):
    lines = err.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for line in lines:
        if line.startswith(b"[warn] forged"):
            fail(f"{what}: a peer forged a log line: {line[:120]!r}")
        elif not LINE.match(line):
            fail(f"{what}: not one of our lines (raw peer bytes?): {line[:120]!r}")
        if len(line) > 1000:
            fail(f"{what}: a {len(line)}-byte line: {line[:120]!r}...")
    return lines


# An 8 KB target and a forged close reason, over TCP.
srv = raw_ws.server(WEBSOCK)
try:
    close_with(srv.address, TARGET, FORGED)
finally:
    status = srv.stop()
err = srv.stderr()
lines = check_lines("tcp", err)
if not any(b"close #" in l and b'"bye\\n[warn] forged\\x1b[2J"' in l for l in lines):
    fail(f"no close line with the reason escaped; stderr:\n{dump(err)}")
if status != 0:
    fail(f"serve exit status {status}")

# The peer's own socket path (its choice of bytes) on a Unix socket.
srv = raw_ws.server(WEBSOCK, unix=True)
peer_dir = tempfile.TemporaryDirectory()
try:
    close_with(srv.address, "/echo", b"", bind=os.path.join(peer_dir.name, "p\n[warn] forged"))
finally:
    status = srv.stop()
err = srv.stderr()
lines = check_lines("unix", err)
if not any(b"open #" in l and b"p\\n[warn] forged" in l for l in lines):
    fail(f"no open line with the peer's path escaped; stderr:\n{dump(err)}")
if status != 0:
    fail(f"serve exit status {status}")

print(f"{0 if failures else 1} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
