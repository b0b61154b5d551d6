"""What the audit scripts share: the server under test, raw HTTP and WebSocket peers, RSS.

Every wait here is on an event with a deadline (a line on stdout, a byte on a socket, a socket
becoming writable); nothing sleeps to synchronise. Servers bind 127.0.0.1 on a free port.
"""

import base64
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

# Deadlines are generous so an ASan build (about 3x slower) passes the same way; they bound a
# failure, a passing run never waits them out. AUDIT_SLOW multiplies them for slower machines.
SLOW = float(os.environ.get("AUDIT_SLOW", "1"))


def deadline(seconds):
    return time.monotonic() + seconds * SLOW


class CheckFailed(Exception):
    pass


def note(message):
    """A measurement worth seeing in the log of a passing run."""
    print("  " + message, flush=True)


def require(cond, message):
    if not cond:
        raise CheckFailed(message)


# ---------------------------------------------------------------------------------------------
# The server under test

class Server:
    """`websock serve` on 127.0.0.1, port 0; the port comes from its "serving" line."""

    def __init__(self, binary, *args, tls=False):
        self.binary = binary
        self.args = list(args)
        self.tls = tls
        self.proc = None
        self.port = None
        self.stderr_file = None

    def __enter__(self):
        env = dict(os.environ)
        # The memory bounds measure the server, not ASan's quarantine of freed blocks (256 MB by
        # default); harmless for a build without ASan.
        extra = "quarantine_size_mb=4:thread_local_quarantine_size_kb=256"
        env["ASAN_OPTIONS"] = (env["ASAN_OPTIONS"] + ":" + extra) if env.get("ASAN_OPTIONS") else extra
        self.stderr_file = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--port", "0", "--host", "127.0.0.1", "-q"] + self.args,
            stdout=subprocess.PIPE, stderr=self.stderr_file, env=env)
        line = b""
        end = deadline(20)
        fd = self.proc.stdout.fileno()
        while b"\n" not in line:
            left = end - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self._kill()
                raise CheckFailed("server printed no serving line: " + self.stderr_text())
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    continue
                line += chunk
        m = re.search(rb"serving https?://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self._kill()
            raise CheckFailed("no port in serving line: %r" % line)
        self.port = int(m.group(1))
        return self

    def stderr_text(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode("utf-8", "replace")[-4000:]

    def alive(self):
        return self.proc.poll() is None

    def _status_mb(self, field):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
        raise CheckFailed("no %s for the server" % field)

    def rss_mb(self):
        return self._status_mb("VmRSS")

    def memory_mark(self):
        """(resident, peak resident) now, for growth_mb."""
        return self._status_mb("VmRSS"), self._status_mb("VmHWM")

    def growth_mb(self, mark):
        """How much the server grew since mark: its resident size now, or the rise of its peak
        (which catches memory taken and given back in between), whichever is more."""
        rss, hwm = self.memory_mark()
        return max(rss - mark[0], hwm - mark[1])

    def _kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def stop(self):
        """SIGTERM; returns the exit status (ASan reports make it non-zero)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20 * SLOW)
            except subprocess.TimeoutExpired:
                self._kill()
                return "hung after SIGTERM"
        return self.proc.returncode

    def __exit__(self, *exc):
        self.stop()
        self.proc.stdout.close()


# ---------------------------------------------------------------------------------------------
# Sockets

def connect(port, rcvbuf=None, timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf is not None:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(timeout * SLOW)
    s.connect(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


class Reader:
    """Buffered reads from a socket, each bounded by an absolute deadline."""

    def __init__(self, sock, pending=b""):
        self.sock = sock
        self.buf = bytearray(pending)
        self.eof = False

    def _fill(self, end):
        left = end - time.monotonic()
        if left <= 0:
            raise CheckFailed("timed out waiting for the server")
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(1 << 16)
        except socket.timeout:
            raise CheckFailed("timed out waiting for the server")
        except (ConnectionResetError, BrokenPipeError):
            chunk = b""
        if not chunk:
            self.eof = True
        self.buf += chunk
        return bool(chunk)

    def exactly(self, n, end):
        while len(self.buf) < n:
            if not self._fill(end):
                raise CheckFailed("connection closed after %d of %d bytes" % (len(self.buf), n))
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def until(self, marker, end, limit=1 << 20):
        while True:
            i = self.buf.find(marker)
            if i >= 0:
                out = bytes(self.buf[:i + len(marker)])
                del self.buf[:i + len(marker)]
                return out
            require(len(self.buf) < limit, "no %r in %d bytes" % (marker, len(self.buf)))
            if not self._fill(end):
                raise CheckFailed("connection closed before %r (got %r)" % (marker, bytes(self.buf[:200])))

    def rest(self, end):
        """Everything until the server closes."""
        while self._fill(end):
            pass
        out = bytes(self.buf)
        self.buf.clear()
        return out


def parse_head(head):
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    require(len(parts) >= 2 and parts[0].startswith("HTTP/"), "not a status line: %r" % lines[0])
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers


class Response:
    def __init__(self, status, headers, body, raw_head):
        self.status = status
        self.headers = headers
        self.body = body
        self.raw_head = raw_head


def http(port, target, method="GET", headers=(), timeout=10, body_limit=1 << 24):
    """One request with Connection: close; the whole response (the body up to body_limit)."""
    s = connect(port)
    try:
        req = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % (method, target)
        req = req.encode("latin-1") if isinstance(req, str) else req
        for h in headers:
            req += h.encode("latin-1") if isinstance(h, str) else h
            req += b"\r\n"
        req += b"Connection: close\r\n\r\n"
        s.sendall(req)
        return read_response(Reader(s), deadline(timeout), method == "HEAD", body_limit)
    finally:
        s.close()


def read_response(r, end, head_only=False, body_limit=1 << 24):
    raw = r.until(b"\r\n\r\n", end, limit=1 << 17)
    status, headers = parse_head(raw)
    body = b""
    if head_only or status in (101, 204, 304):
        return Response(status, headers, body, raw)
    if "content-length" in headers:
        n = int(headers["content-length"])
        require(n <= body_limit, "Content-Length %d over the test's limit" % n)
        body = r.exactly(n, end)
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        out = bytearray()
        while True:
            size = int(r.until(b"\r\n", end).split(b";")[0], 16)
            if size == 0:
                r.until(b"\r\n", end)
                break
            out += r.exactly(size, end)
            r.exactly(2, end)
            require(len(out) <= body_limit, "chunked body over the test's limit")
        body = bytes(out)
    else:
        body = r.rest(end)[:body_limit]
    return Response(status, headers, body, raw)


# ---------------------------------------------------------------------------------------------
# WebSocket

GOOD_KEY = base64.b64encode(b"0123456789abcdef").decode()


def upgrade_request(path="/echo", key=GOOD_KEY, version="13", extra=()):
    lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1", "Upgrade: websocket",
             "Connection: Upgrade", "Sec-WebSocket-Key: %s" % key,
             "Sec-WebSocket-Version: %s" % version]
    lines += list(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def ws_open(port, path="/echo", rcvbuf=None):
    """A raw WebSocket connection after its 101; returns (socket, Reader)."""
    s = connect(port, rcvbuf=rcvbuf)
    s.sendall(upgrade_request(path))
    r = Reader(s)
    status, _ = parse_head(r.until(b"\r\n\r\n", deadline(10)))
    require(status == 101, "upgrade answered %d" % status)
    return s, r


MASK = b"\x37\xfa\x21\x3d"


def frame(opcode, payload=b"", fin=True, rsv=0, mask=True, length=None, minimal=True, key=MASK):
    """A client frame. length overrides the announced length; minimal=False uses the 64-bit form."""
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload) if length is None else length
    if n < 126 and minimal:
        head = bytes([b0, (0x80 if mask else 0) | n])
    elif n < 65536 and minimal:
        head = bytes([b0, (0x80 if mask else 0) | 126]) + struct.pack("!H", n)
    else:
        head = bytes([b0, (0x80 if mask else 0) | 127]) + struct.pack("!Q", n)
    if not mask:
        return head + payload
    return head + key + masked_fast(payload, key)


def masked_fast(payload, key=MASK):
    """payload XOR the repeated 4-byte key, as one big-integer operation."""
    n = len(payload)
    words = (n + 3) // 4
    padded = payload + b"\0" * (words * 4 - n)
    k = int.from_bytes(key * words, "little")
    return (int.from_bytes(padded, "little") ^ k).to_bytes(words * 4, "little")[:n]


def read_frame(r, end):
    """One server frame: (fin, opcode, payload)."""
    b0, b1 = r.exactly(2, end)
    require(not (b1 & 0x80), "server frame is masked")
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", r.exactly(2, end))[0]
    elif n == 127:
        n = struct.unpack("!Q", r.exactly(8, end))[0]
    require(n <= 1 << 26, "server frame of %d bytes" % n)
    return bool(b0 & 0x80), b0 & 0x0F, r.exactly(n, end)


def close_code(payload):
    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005


def await_close(r, end, skip_data=True):
    """Reads up to the server's close frame; returns its code, or None if TCP ended without one."""
    while True:
        try:
            _, op, payload = read_frame(r, end)
        except CheckFailed:
            if r.eof:
                return None
            raise
        if op == 8:
            return close_code(payload)
        require(skip_data or op in (9, 10), "frame opcode %d before the close" % op)


class FrameStream:
    """Server frames parsed as their bytes arrive (for floods, where a blocking read would stall
    the writer): counts pongs and their payloads, data frames, and the close code."""

    def __init__(self):
        self.buf = bytearray()
        self.pongs = 0
        self.bad_pongs = 0
        self.expected_pong = None
        self.data_frames = []   # (opcode, length, first bytes)
        self.close = None       # the close frame's code once it came

    def feed(self, chunk):
        self.buf += chunk
        while True:
            if len(self.buf) < 2:
                return
            b0, b1 = self.buf[0], self.buf[1]
            n, at = b1 & 0x7F, 2
            if n == 126:
                if len(self.buf) < 4:
                    return
                n, at = struct.unpack("!H", self.buf[2:4])[0], 4
            elif n == 127:
                if len(self.buf) < 10:
                    return
                n, at = struct.unpack("!Q", self.buf[2:10])[0], 10
            require(not (b1 & 0x80), "server frame is masked")
            require(n <= 1 << 26, "server frame of %d bytes" % n)
            if len(self.buf) < at + n:
                return
            payload = bytes(self.buf[at:at + n])
            del self.buf[:at + n]
            op = b0 & 0x0F
            if op == 10:
                self.pongs += 1
                if self.expected_pong is not None and payload != self.expected_pong:
                    self.bad_pongs += 1
            elif op == 8:
                self.close = close_code(payload)
            elif op != 9:
                self.data_frames.append((op, n, payload[:16]))


def pump(s, data, end, sink=None, repeat=1, stall=None, start=0):
    """Writes data `repeat` times before end. sink: also reads what arrives and hands it to sink
    (None: reads nothing, as a peer that never reads). stall: returns early once the socket stayed
    unwritable for that many seconds (the server stopped reading). Returns (bytes written,
    whether the server ended the connection). start: bytes of the repeated data already written."""
    total = len(data) * repeat
    view = memoryview(data)
    sent = start
    s.setblocking(False)
    try:
        while sent < total:
            now = time.monotonic()
            require(now < end, "timed out after writing %d of %d bytes" % (sent, total))
            wait = end - now if stall is None else min(end - now, stall)
            r, w, _ = select.select([s] if sink else [], [s], [], wait)
            if not r and not w:
                if stall is not None and time.monotonic() - now >= stall:
                    return sent, False
                continue
            if r:
                try:
                    chunk = s.recv(1 << 16)
                except BlockingIOError:
                    chunk = None
                except ConnectionResetError:
                    return sent, True
                if chunk == b"":
                    return sent, True
                if chunk:
                    sink(chunk)
            if w:
                at = sent % len(data)
                try:
                    sent += s.send(view[at:at + (1 << 20)])
                except BlockingIOError:
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    return sent, True
        return sent, False
    finally:
        s.setblocking(True)


def drain_until_close(s, stream, end):
    """Reads into stream until its close frame came or the server ended TCP."""
    while stream.close is None:
        left = end - time.monotonic()
        require(left > 0, "timed out waiting for the close (%d pongs so far)" % stream.pongs)
        s.settimeout(left)
        try:
            chunk = s.recv(1 << 16)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return
        if not chunk:
            return
        stream.feed(chunk)


def echo_works(port, text="still here", end=None):
    """A fresh client gets its text echoed (the server is alive and serving)."""
    s, r = ws_open(port)
    try:
        s.sendall(frame(1, text.encode()))
        fin, op, payload = read_frame(r, end or deadline(10))
        require(op == 1 and payload == text.encode(), "echo returned opcode %d %r" % (op, payload[:50]))
    finally:
        s.close()


# ---------------------------------------------------------------------------------------------
# Checks
#
# A check is (name, function, group). Group "A": a defect of the old server that the new HTTP
# front fixed (the check fails against the old binary). Group "B": what held up in the audit.
# A script runs as: script.py WEBSOCK_BINARY [--group A|B]

def parse_args():
    if len(sys.argv) < 2:
        print("usage: %s WEBSOCK_BINARY [--group A|B]" % sys.argv[0])
        sys.exit(2)
    group = None
    if len(sys.argv) >= 4 and sys.argv[2] == "--group":
        group = sys.argv[3]
    return sys.argv[1], group


def run_checks(title, checks, group, *args):
    """Runs each check of the group (all if None) with args; one line each; the exit status."""
    chosen = [c for c in checks if group is None or c[2] == group]
    failed = 0
    for name, fn, g in chosen:
        t0 = time.monotonic()
        try:
            fn(*args)
            print("PASS [%s] %s (%.1f s)" % (g, name, time.monotonic() - t0), flush=True)
        except CheckFailed as e:
            failed += 1
            print("FAIL [%s] %s: %s" % (g, name, e), flush=True)
        except (OSError, ValueError, struct.error) as e:
            failed += 1
            print("FAIL [%s] %s: %s: %s" % (g, name, type(e).__name__, e), flush=True)
    print("%s: %d passed, %d failed" % (title, len(chosen) - failed, failed), flush=True)
    return 1 if failed else 0


def main_with_server(title, checks, server_args=()):
    """The usual script body: one server for all checks; it must still be alive afterwards and
    exit 0 on SIGTERM (an ASan report makes that fail)."""
    binary, group = parse_args()
    if not any(group is None or c[2] == group for c in checks):
        print("%s: no checks in group %s" % (title, group))
        return 0
    with Server(binary, *server_args) as srv:
        status = run_checks(title, checks, group, srv)
        if not srv.alive():
            print("FAIL server_survives_the_group: exited with %s: %s" % (srv.proc.returncode, srv.stderr_text()))
            return 1
        rc = srv.stop()
        if rc != 0:
            print("FAIL server_exits_cleanly_after_the_group: status %s: %s" % (rc, srv.stderr_text()))
            return 1
    return status
