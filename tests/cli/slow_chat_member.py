#!/usr/bin/python3
"""Issue 9 defects 4 and 5 through `websock serve`: a /chat member that stops reading is closed
with 1008 instead of losing messages silently, and the flood does not flood the log.

    slow_chat_member.py WEBSOCK_BIN [serve options...]

Two members with 8 KB request targets join /chat and never read; a sender floods the room.
Stage 1 (8 MiB): member A then reads what it was sent and must find a close 1008, not the end of
stage 1 as one more message. Stage 2 (up to 80 MiB in all, more than the old 64 MiB limit, so the
old binary reaches its one-warning-per-drop path): the server's stderr must stay under 10 KB.
Exits 1 with one FAIL line per broken rule.
"""
import sys
import threading

import raw_ws

WEBSOCK, SERVE_ARGS = sys.argv[1], sys.argv[2:]
LOG_LIMIT = 10_000
MESSAGE = bytes(60_000)  # under the chat's 64 KiB message limit
TARGET = "/chat?member=" + "m" * 8000  # 8 KB: the request line stays under its 8 KiB limit
STAGE1, TOTAL = 140, 1400  # messages: 8 MiB, then 80 MiB in all

failures = []


def fail(msg):
    print("FAIL:", msg, flush=True)
    failures.append(msg)


class sender:
    """A chat member that reads everything; the room sends it its own messages too, so seeing its
    own marker come back means the server has handed every earlier message to every member."""

    def __init__(self, port):
        self.sock = raw_ws.connect(port, "/chat")
        self.seen = {}
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        r = raw_ws.reader(self.sock)
        try:
            while True:
                op, payload = r.next()
                if op == 0x1:
                    with self.lock:
                        if payload in self.seen:
                            self.seen[payload].set()
                if op == 0x8:
                    return
        except (EOFError, OSError):
            return

    def marker(self, text):
        """Sends a text marker and waits until it comes back."""
        done = threading.Event()
        with self.lock:
            self.seen[text.encode()] = done
        self.sock.sendall(raw_ws.frame(0x1, text.encode()))
        if not done.wait(60):
            raise AssertionError(f"marker {text!r} did not come back: the sender itself was cut off")


def member_a_result(sock):
    """What member A finds when it finally reads: the close frame, or the stage-1 marker."""
    r = raw_ws.reader(sock)
    try:
        while True:
            op, payload = r.next()
            if op == 0x8:
                return raw_ws.close_code(payload), payload[2:]
            if op == 0x1 and payload == b"stage 1 done":
                return None, b""
    except (EOFError, OSError) as e:
        return f"connection lost ({e})", b""


srv = raw_ws.server(WEBSOCK, *SERVE_ARGS)
try:
    a = raw_ws.connect(srv.address, TARGET, rcvbuf=16384)
    b = raw_ws.connect(srv.address, TARGET, rcvbuf=16384)
    s = sender(srv.address)
    data = raw_ws.frame(0x2, MESSAGE)

    for _ in range(STAGE1):
        s.sock.sendall(data)
    s.marker("stage 1 done")
    code, reason = member_a_result(a)
    if code != 1008:
        got = "every message, no close" if code is None else code
        fail(f"slow member A: want close 1008 once it is too far behind, got {got}")
    elif reason != b"send buffer full":
        fail(f"slow member A: close reason {reason!r}")
    a.close()
    print(f"stage 1: member A got close {code} {reason!r}; stderr {srv.stderr_size()} bytes", flush=True)

    sent = STAGE1
    while sent < TOTAL and srv.stderr_size() <= LOG_LIMIT:  # stop early once the log has failed
        for _ in range(20):
            s.sock.sendall(data)
        sent += 20
    s.marker("stage 2 done")
    size = srv.stderr_size()
    print(f"stage 2: {sent} messages of {len(MESSAGE)} B sent; stderr {size} bytes", flush=True)
    if size > LOG_LIMIT:
        head = srv.stderr()[:100_000].split(b"\n")[:4]
        fail(f"stderr {size} bytes after {sent} messages (limit {LOG_LIMIT}); first lines, cut at 160 bytes:\n"
             + "\n".join(l[:160].decode(errors="replace") for l in head))
    b.close()
    s.sock.close()
finally:
    status = srv.stop()

if status != 0:
    fail(f"serve exit status {status}")
size = srv.stderr_size()
if size > LOG_LIMIT:
    fail(f"stderr {size} bytes at exit (limit {LOG_LIMIT})")
print(f"{0 if failures else 1} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
